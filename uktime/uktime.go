// Package uktime shows and reads times as the panels live them: in UK local
// time, with the zone named (GMT or BST) so nobody has to guess. Panels,
// emails, workbooks and pages all meet in Europe/London, and this is the
// one place that zone is loaded.
package uktime

import (
	"time"
	_ "time/tzdata" // UK local time without the system's zone database
)

// London is Europe/London, loaded from the embedded zone database.
var London = func() *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic("uktime: " + err.Error())
	}
	return loc
}()

// Time is a moment in full: "Tuesday 12 January 2027, 18:00 GMT".
func Time(t time.Time) string { return t.In(London).Format("Monday 2 January 2006, 15:04 MST") }

// Clock is the time of day alone: "20:00 GMT".
func Clock(t time.Time) string { return t.In(London).Format("15:04 MST") }

// Date is the UK calendar date: "12 January 2027".
func Date(t time.Time) string { return t.In(London).Format("2 January 2006") }

// Day is the unit of the offsets in cycle schedules and action reminder
// plans. Where the action plan counts whole days it counts UK calendar
// days, so a 09:00 notice stays at 09:00 across a clock change.
const Day = 24 * time.Hour

// CalendarDay is t's UK calendar date as midnight UTC, the way a date
// without a time is stored and compared.
func CalendarDay(t time.Time) time.Time {
	y, m, d := t.In(London).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
