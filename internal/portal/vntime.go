package portal

import (
	"time"
	_ "time/tzdata" // the Lambda image may lack a zoneinfo database
)

// Vietnam is the portal's time zone, Asia/Ho_Chi_Minh. Day boundaries (most-read
// buckets) and the display form of times are taken in it.
var Vietnam = mustLoadLocation("Asia/Ho_Chi_Minh")

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		// Cannot happen: time/tzdata is embedded.
		panic("load " + name + ": " + err.Error())
	}
	return loc
}

// DisplayTime formats t the way the portal shows it, in Vietnam time:
// "14:20 | 17/11/2020".
func DisplayTime(t time.Time) string {
	return t.In(Vietnam).Format("15:04 | 02/01/2006")
}
