package portal_test

import (
	"errors"
	"testing"
	"time"

	"eportal/internal/portal"
)

func TestNumberKey(t *testing.T) {
	same := map[string][]string{
		"4-BC/TU":     {"04-BC/TU", "4-BC/TU", " 04 - BC / TU ", "04–BC/TU", "04-bc/tu", "004-BC／TU"},
		"123/QĐ-UBND": {"123/QĐ-UBND", "123/qđ-ubnd", "123/Q\u0110-UBND", "123/QĐ—UBND"},
		"0/TB":        {"0/TB", "000/TB"},
		"10-NQ/TW":    {"10-NQ/TW", "010-NQ/TW"},
		"1.2-KH":      {"1.2-KH", "01.02-KH"},
	}
	for want, inputs := range same {
		for _, in := range inputs {
			if got, err := portal.NumberKey(in); err != nil || got != want {
				t.Errorf("NumberKey(%q) = %q, %v; want %q", in, got, err, want)
			}
		}
	}
	// Different numbers stay different: a zero inside a number counts, and
	// Đ is not D.
	distinct := []string{"10-BC/TU", "1-BC/TU", "100-BC/TU", "123/QĐ-UBND", "123/QD-UBND", "4-BC/TU", "4/BC-TU"}
	keys := map[string]string{}
	for _, in := range distinct {
		k, err := portal.NumberKey(in)
		if err != nil {
			t.Fatalf("NumberKey(%q): %v", in, err)
		}
		if other, ok := keys[k]; ok {
			t.Errorf("NumberKey(%q) = NumberKey(%q) = %q; want them distinct", in, other, k)
		}
		keys[k] = in
	}
	// The NFD spelling of Đ-free letters with marks is the NFC one.
	nfc, _ := portal.NumberKey("12/HD-\u1EE6BND")
	nfd, _ := portal.NumberKey("12/HD-U\u0309BND")
	if nfc != nfd {
		t.Errorf("NFC %q and NFD %q keys differ", nfc, nfd)
	}
	for _, bad := range []string{"", "   ", "--//", "04-BC/TU<script>", "04_BC", "04-BC/TU\x00", string(make([]rune, 61))} {
		if _, err := portal.NumberKey(bad); portal.ErrorCode(err) != portal.EINVALID {
			t.Errorf("NumberKey(%q) error %v; want EINVALID", bad, err)
		}
	}
}

func TestStateOf(t *testing.T) {
	for _, c := range []struct {
		effective, expires portal.Date
		replaced           bool
		today              portal.Date
		want               portal.DocumentState
	}{
		{"2020-11-01", "", false, "2020-10-31", portal.DocumentNotYetInForce},
		{"2020-11-01", "", false, "2020-11-01", portal.DocumentInForce},
		{"", "", false, "2030-01-01", portal.DocumentInForce},
		{"2020-11-01", "2021-01-01", false, "2020-12-31", portal.DocumentInForce},
		{"2020-11-01", "2021-01-01", false, "2021-01-01", portal.DocumentExpired},
		{"", "2021-01-01", false, "2025-06-30", portal.DocumentExpired},
		{"2020-11-01", "", true, "2020-10-31", portal.DocumentReplaced},
		{"2020-11-01", "2021-01-01", true, "2022-01-01", portal.DocumentReplaced},
	} {
		if got := portal.StateOf(c.effective, c.expires, c.replaced, c.today); got != c.want || got.Label() == "" {
			t.Errorf("StateOf(%q, %q, replaced %v, on %q) = %q (%q); want %q", c.effective, c.expires, c.replaced, c.today, got, got.Label(), c.want)
		}
	}
	// Today is Vietnam's date: 17:00 UTC is already the next day there.
	if got := portal.Today(time.Date(2020, 10, 31, 17, 0, 0, 0, time.UTC)); got != "2020-11-01" {
		t.Errorf("Today(17:00 UTC 31/10) = %q; want 2020-11-01", got)
	}
}

func TestCheckDocumentDates(t *testing.T) {
	ok := [][3]portal.Date{
		{"2020-10-30", "", ""},
		{"2020-10-30", "2020-10-30", ""},
		{"2020-10-30", "2020-11-15", "2021-11-15"},
		{"2020-10-30", "", "2020-10-31"},
	}
	for _, c := range ok {
		if err := portal.CheckDocumentDates(c[0], c[1], c[2]); err != nil {
			t.Errorf("CheckDocumentDates%v: %v; want nil", c, err)
		}
	}
	bad := [][3]portal.Date{
		{"", "", ""},                               // no issue date
		{"2020-10-30", "2020-10-29", ""},           // in force before issued
		{"2020-10-30", "2020-11-15", "2020-11-15"}, // expires as it takes effect
		{"2020-10-30", "", "2020-10-30"},           // expires the day it is issued
		{"2020-10-30", "2020-11-15", "2020-11-01"}, // expires before it takes effect
	}
	for _, c := range bad {
		if err := portal.CheckDocumentDates(c[0], c[1], c[2]); portal.ErrorCode(err) != portal.EINVALID {
			t.Errorf("CheckDocumentDates%v: %v; want EINVALID", c, err)
		}
	}
	for _, s := range []string{"30/10/2020", "2020-02-30", "2020-10-30T00:00:00Z", "hôm nay"} {
		if _, err := portal.ParseDate("issuedOn", s); portal.ErrorCode(err) != portal.EINVALID {
			t.Errorf("ParseDate(%q): %v; want EINVALID", s, err)
		}
	}
	if d, err := portal.ParseDate("issuedOn", "2020-10-30"); err != nil || d != "2020-10-30" {
		t.Errorf("ParseDate(2020-10-30) = %q, %v", d, err)
	}
}

func TestCheckReplaces(t *testing.T) {
	stored := map[string][]string{
		"b": {"c"},
		"c": {"d"},
		"d": nil,
		"x": {"y"},
		"y": {"x"}, // an old cycle not through a: checking a terminates anyway
	}
	lookup := func(id string) ([]string, error) { return stored[id], nil }
	for _, c := range []struct {
		id       string
		replaces []string
		ok       bool
	}{
		{"a", []string{"b"}, true},
		{"a", []string{"b", "d", "b"}, true},
		{"a", []string{"x"}, true},
		{"a", []string{"a"}, false}, // itself
		{"d", []string{"b"}, false}, // b → c → d: d would replace itself
		{"c", []string{"b"}, false},
		{"a", nil, true},
	} {
		err := portal.CheckReplaces(c.id, c.replaces, lookup)
		if (err == nil) != c.ok || (err != nil && portal.ErrorCode(err) != portal.EINVALID) {
			t.Errorf("CheckReplaces(%s replaces %v) = %v; want ok %v", c.id, c.replaces, err, c.ok)
		}
	}
	// A long chain is bounded, not followed forever.
	long := func(id string) ([]string, error) { return []string{id + "'"}, nil }
	if err := portal.CheckReplaces("a", []string{"b"}, long); portal.ErrorCode(err) != portal.EINVALID {
		t.Errorf("an endless chain: %v; want EINVALID", err)
	}
	// The store's error is returned as it is.
	boom := errors.New("table unavailable")
	if err := portal.CheckReplaces("a", []string{"b"}, func(string) ([]string, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Errorf("a failing lookup: %v; want it returned", err)
	}
	if _, ok := portal.DocumentTypeByID("bao-cao"); !ok || len(portal.DocumentTypes) != 10 {
		t.Errorf("the managed list of types: %d, bao-cao %v", len(portal.DocumentTypes), ok)
	}
}

func TestSourceDocument(t *testing.T) {
	for _, tt := range []struct {
		source, key, year string
		ok                bool
	}{
		{"Báo cáo số 04-BC/TU, ngày 30/10/2020 của Tỉnh ủy Quảng Nam", "4-BC/TU", "2020", true},
		{"Quyết định số 123/QĐ-UBND năm 2021", "123/QĐ-UBND", "2021", true},
		{"Công văn số 5/UBND", "5/UBND", "", true},
		{"Báo Quảng Nam", "", "", false},
		{"Theo số liệu", "", "", false},
	} {
		key, year, ok := portal.SourceDocument(tt.source)
		if key != tt.key || year != tt.year || ok != tt.ok {
			t.Errorf("SourceDocument(%q) = %q %q %v; want %q %q %v", tt.source, key, year, ok, tt.key, tt.year, tt.ok)
		}
	}
}
