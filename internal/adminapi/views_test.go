package adminapi_test

import (
	"fmt"
	"testing"
	"time"

	"eportal/internal/apigw"
	"eportal/internal/apigw/apigwtest"
	"eportal/internal/viewsapi"
)

// TestRepublishKeepsViews: republishing rewrites the published copy whole;
// the views counted before must still show once the next beacon rolls up.
func TestRepublishKeepsViews(t *testing.T) {
	e := mustEnv(t)
	const sampleID = "a7k2m9q4x1"
	const slug = "day-manh-thuc-hien-cung-cap-thong-tin-phuc-vu-cong-tac-tuyen-truyen-mieng-cua-dang"
	beacons := viewsapi.New(e.store, viewsapi.WithClock(func() time.Time { return *e.clock }))
	beacon := func(ip string) (int64, bool) {
		t.Helper()
		req := apigwtest.Call{Method: "POST", Route: "/articles/{slug}/views", Params: map[string]string{"slug": slug},
			Headers: map[string]string{"user-agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0 Safari/537.36"}}.Request(apigw.Request{})
		req.RequestContext.HTTP.SourceIP = ip
		var r struct {
			Views   int64 `json:"views"`
			Counted bool  `json:"counted"`
		}
		if resp, ok := apigwtest.Do(t, beacons, req, &r); !ok || resp.StatusCode != 200 {
			t.Fatalf("beacon = %d %s", resp.StatusCode, resp.Body)
		}
		return r.Views, r.Counted
	}
	shown := func() float64 {
		t.Helper()
		resp, a := apigwtest.Serve(t, e.read, apigwtest.Call{Method: "GET", Route: "/articles/{slug}", Params: map[string]string{"slug": slug}}.Request(apigw.Request{}))
		if resp.StatusCode != 200 {
			t.Fatalf("GET = %d %s", resp.StatusCode, resp.Body)
		}
		return a["views"].(float64)
	}
	for i := 0; i < 5; i++ {
		if _, counted := beacon(fmt.Sprintf("113.161.0.%d", i+1)); !counted {
			t.Fatalf("view %d not counted", i)
		}
	}
	*e.clock = e.clock.Add(2 * time.Minute)
	if v, _ := beacon("113.161.0.99"); v != 138 {
		t.Fatalf("beacon count = %d; want 138 (132 imported + 6)", v)
	}
	if got := shown(); got != 138 {
		t.Fatalf("GET after roll-up = %v; want 138", got)
	}
	// A publisher republishes a correction.
	resp, _ := e.act(t, "publisher", sampleID, "publish", "", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("republish = %d %s", resp.StatusCode, resp.Body)
	}
	if got := shown(); got != 138 {
		t.Errorf("GET right after republish = %v; want 138 (the rolled-up count carried over)", got)
	}
	*e.clock = e.clock.Add(10 * time.Second) // past the beacon instance's 5 s copy of the article
	if v, counted := beacon("113.161.0.100"); !counted || v != 139 {
		t.Errorf("beacon after republish = %d (counted %v); want 139", v, counted)
	}
	*e.clock = e.clock.Add(2 * time.Minute) // the next roll-up is due
	if v, _ := beacon("113.161.0.101"); v != 140 {
		t.Errorf("beacon = %d; want 140", v)
	}
	if got := shown(); got != 140 {
		t.Errorf("GET after the next roll-up = %v; want 140 (no view lost)", got)
	}
}
