package portal_test

import (
	"testing"
	"time"

	"eportal/internal/portal"
)

func TestWindowAt(t *testing.T) {
	tests := []struct {
		name     string
		now      string // UTC
		period   portal.Period
		bucket   string
		from, to string // Vietnam time
		days     int
	}{
		{"day, morning in Vietnam", "2026-11-26T02:00:00Z", portal.PeriodDay, "2026-11-26", "2026-11-26T00:00:00+07:00", "2026-11-27T00:00:00+07:00", 1},
		{"day, 23:59:59 Vietnam", "2026-11-26T16:59:59Z", portal.PeriodDay, "2026-11-26", "2026-11-26T00:00:00+07:00", "2026-11-27T00:00:00+07:00", 1},
		{"day, Vietnam midnight", "2026-11-26T17:00:00Z", portal.PeriodDay, "2026-11-27", "2026-11-27T00:00:00+07:00", "2026-11-28T00:00:00+07:00", 1},
		{"day, still the 25th in UTC", "2026-11-25T18:00:00Z", portal.PeriodDay, "2026-11-26", "2026-11-26T00:00:00+07:00", "2026-11-27T00:00:00+07:00", 1},
		{"week, Thursday", "2026-11-26T02:00:00Z", portal.PeriodWeek, "2026-W48", "2026-11-23T00:00:00+07:00", "2026-11-30T00:00:00+07:00", 4},
		{"week, Monday 00:00 Vietnam (Sunday in UTC)", "2026-11-29T17:00:00Z", portal.PeriodWeek, "2026-W49", "2026-11-30T00:00:00+07:00", "2026-12-07T00:00:00+07:00", 1},
		{"week, Sunday 23:59 Vietnam", "2026-11-29T16:59:00Z", portal.PeriodWeek, "2026-W48", "2026-11-23T00:00:00+07:00", "2026-11-30T00:00:00+07:00", 7},
		{"week across a year", "2027-01-01T05:00:00Z", portal.PeriodWeek, "2026-W53", "2026-12-28T00:00:00+07:00", "2027-01-04T00:00:00+07:00", 5},
		{"month", "2026-11-26T02:00:00Z", portal.PeriodMonth, "2026-11", "2026-11-01T00:00:00+07:00", "2026-12-01T00:00:00+07:00", 26},
		{"month, first minute in Vietnam", "2026-11-30T17:00:00Z", portal.PeriodMonth, "2026-12", "2026-12-01T00:00:00+07:00", "2027-01-01T00:00:00+07:00", 1},
		{"month, last second in Vietnam", "2026-11-30T16:59:59Z", portal.PeriodMonth, "2026-11", "2026-11-01T00:00:00+07:00", "2026-12-01T00:00:00+07:00", 30},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now, _ := time.Parse(time.RFC3339, tt.now)
			w := portal.WindowAt(tt.period, now)
			from, to := w.From.In(portal.Vietnam).Format(time.RFC3339), w.To.In(portal.Vietnam).Format(time.RFC3339)
			if w.Bucket != tt.bucket || from != tt.from || to != tt.to || len(w.Days) != tt.days {
				t.Errorf("WindowAt(%s, %s) = %s [%s, %s) %d days; want %s [%s, %s) %d days",
					tt.period, tt.now, w.Bucket, from, to, len(w.Days), tt.bucket, tt.from, tt.to, tt.days)
			}
			if last := w.Days[len(w.Days)-1]; last != portal.DayOf(now) {
				t.Errorf("last day = %v; want today %v", last, portal.DayOf(now))
			}
		})
	}
}

func TestParsePeriod(t *testing.T) {
	for _, s := range []string{"day", "week", "month"} {
		if p, err := portal.ParsePeriod(s); err != nil || string(p) != s {
			t.Errorf("ParsePeriod(%q) = %q, %v", s, p, err)
		}
	}
	for _, s := range []string{"", "Day", "year", "day,week"} {
		if _, err := portal.ParsePeriod(s); portal.ErrorCode(err) != portal.EINVALID {
			t.Errorf("ParsePeriod(%q) error = %v; want invalid", s, err)
		}
	}
}

func TestCountsIn(t *testing.T) {
	now := time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)
	c := portal.Sum([]portal.ViewShard{
		{Total: 10, Days: map[string]int64{"20261126": 2, "20261123": 3, "20261122": 1}},
		{Total: 5, Days: map[string]int64{"20261126": 1, "20261101": 4, "20261031": 9}},
	})
	for p, want := range map[portal.Period]int64{portal.PeriodDay: 3, portal.PeriodWeek: 6, portal.PeriodMonth: 11} {
		if got := c.In(portal.WindowAt(p, now)); got != want {
			t.Errorf("%s: %d; want %d", p, got, want)
		}
	}
	if c.Total != 15 {
		t.Errorf("Total = %d; want 15", c.Total)
	}
}
