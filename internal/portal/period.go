package portal

import (
	"fmt"
	"time"
)

// Period is a most-read window. Each is a calendar period in Vietnam time
// that starts at Vietnam midnight: the current day, the current week
// (Monday to Sunday, as ISO 8601 and Vietnamese calendars count it) and the
// current month.
type Period string

// The most-read periods of GET /articles/popular.
const (
	PeriodDay   Period = "day"
	PeriodWeek  Period = "week"
	PeriodMonth Period = "month"
)

// Periods lists every period, in the order responses show them.
var Periods = []Period{PeriodDay, PeriodWeek, PeriodMonth}

// ParsePeriod returns the period named s, or an EINVALID error.
func ParsePeriod(s string) (Period, error) {
	switch p := Period(s); p {
	case PeriodDay, PeriodWeek, PeriodMonth:
		return p, nil
	}
	return "", Errorf(EINVALID, "period must be day, week or month.")
}

// Day is a Vietnam calendar day, the unit views are counted in.
type Day struct{ Year, Month, Day int }

// DayOf returns the Vietnam calendar day of t.
func DayOf(t time.Time) Day {
	y, m, d := t.In(Vietnam).Date()
	return Day{y, int(m), d}
}

// Start returns the day's first instant (Vietnam midnight).
func (d Day) Start() time.Time {
	return time.Date(d.Year, time.Month(d.Month), d.Day, 0, 0, 0, 0, Vietnam)
}

// AddDays returns the day n days after d (before, for negative n).
func (d Day) AddDays(n int) Day { return DayOf(d.Start().AddDate(0, 0, n).Add(time.Hour)) }

// String returns the day as 2006-01-02.
func (d Day) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// Compact returns the day as 20060102.
func (d Day) Compact() string { return fmt.Sprintf("%04d%02d%02d", d.Year, d.Month, d.Day) }

// Window is one occurrence of a period: the days it covers so far and the
// name of its bucket ("2026-11-26", "2026-W48", "2026-11").
type Window struct {
	Period   Period
	Bucket   string
	From, To time.Time // From is Vietnam midnight; To is the start of the next period
	Days     []Day     // the days of the period up to and including the day of now
}

// WindowAt returns the occurrence of p that contains now.
func WindowAt(p Period, now time.Time) Window {
	today := DayOf(now)
	w := Window{Period: p}
	var first Day
	switch p {
	case PeriodWeek:
		// time.Weekday counts from Sunday; the Vietnamese week starts on Monday.
		back := (int(today.Start().Weekday()) + 6) % 7
		first = today.AddDays(-back)
		y, wk := first.Start().ISOWeek()
		w.Bucket = fmt.Sprintf("%04d-W%02d", y, wk)
		w.To = first.AddDays(7).Start()
	case PeriodMonth:
		first = Day{today.Year, today.Month, 1}
		w.Bucket = fmt.Sprintf("%04d-%02d", today.Year, today.Month)
		w.To = first.Start().AddDate(0, 1, 0)
	default:
		first = today
		w.Bucket = today.String()
		w.To = today.AddDays(1).Start()
	}
	w.From = first.Start()
	for d := first; d != today; d = d.AddDays(1) {
		w.Days = append(w.Days, d)
	}
	w.Days = append(w.Days, today)
	return w
}
