// Package recurring is the contract of a panel's recurring review cycles:
// the Temporal Schedule's ID and calendar, the small workflow each run
// starts, and the pure calendar arithmetic that turns a run's date into a
// start request (the window of finalised cases and the meeting). The
// workflow and its activity live in cycle/recurring/recurringflow; the
// server needs only this.
package recurring

import (
	"fmt"
	"slices"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/cycle/start"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/uktime"
)

// WorkflowName is the type name of the workflow each run of a panel's
// schedule starts. It is recorded in histories and never changes.
const WorkflowName = "RecurringCycleWorkflow"

// Cadences are the months between runs a schedule may have: each divides
// the year, so the runs fall in the same months every year.
var Cadences = []int{1, 2, 3, 4, 6, 12}

// ScheduleID is the panel's schedule: one per panel, so creating it twice
// makes one.
func ScheduleID(panelID int64) string { return fmt.Sprintf("panel-%d-cycles", panelID) }

// WorkflowID is the prefix of the IDs of the runs' workflows; Temporal
// adds each run's time.
func WorkflowID(panelID int64) string { return fmt.Sprintf("panel-%d-recurring-cycle", panelID) }

// Input is what each run's workflow is started with: IDs only. Everything
// else is read from PostgreSQL when the run happens.
type Input struct {
	PanelID int64 `json:"panel_id"`
}

// Run is what the run's activity is given: the panel and the time of the
// run, from the workflow's clock.
type Run struct {
	PanelID int64     `json:"panel_id"`
	At      time.Time `json:"at"`
}

// Result says what a run did: the cycle it started, or why it started
// none (a live cycle already covers the window, or the request would be
// refused on the form).
type Result struct {
	CycleID int64  `json:"cycle_id,omitempty"`
	Refused string `json:"refused,omitempty"`
}

// Months are the months in which cs runs, in calendar order.
func Months(cs store.CycleSchedule) []time.Month {
	var out []time.Month
	for m := int(cs.FirstMonth) - 1; len(out) < 12/cs.EveryMonths; m += cs.EveryMonths {
		out = append(out, time.Month(m%12+1))
	}
	slices.Sort(out)
	return out
}

// Spec is the schedule's calendar: the first Weekday (days 1 to 7) of each
// of Months, at RunAt, UK time. Temporal matches a calendar only when
// every field does, so day of month and day of week together make "the
// first Monday".
func Spec(cs store.CycleSchedule) client.ScheduleSpec {
	cal := client.ScheduleCalendarSpec{
		DayOfMonth: []client.ScheduleRange{{Start: 1, End: 7}},
		DayOfWeek:  []client.ScheduleRange{{Start: int(cs.Weekday)}},
		Hour:       []client.ScheduleRange{{Start: cs.RunAt / 60}},
		Minute:     []client.ScheduleRange{{Start: cs.RunAt % 60}},
	}
	for _, m := range Months(cs) {
		cal.Month = append(cal.Month, client.ScheduleRange{Start: int(m)})
	}
	return client.ScheduleSpec{Calendars: []client.ScheduleCalendarSpec{cal}, TimeZoneName: uktime.London.String()}
}

// NextRun is the first run of cs strictly after t: the first Weekday of
// the next month in Months, at RunAt, UK time. The page and the tests use
// it to check what Temporal reports.
func NextRun(cs store.CycleSchedule, t time.Time) time.Time {
	t = t.In(uktime.London)
	for y, m := t.Year(), t.Month(); ; m++ {
		if m > 12 {
			y, m = y+1, 1
		}
		if !slices.Contains(Months(cs), m) {
			continue
		}
		day := 1 + (int(cs.Weekday)-int(time.Date(y, m, 1, 0, 0, 0, 0, time.UTC).Weekday())+7)%7
		run := time.Date(y, m, day, cs.RunAt/60, cs.RunAt%60, 0, 0, uktime.London)
		if run.After(t) {
			return run
		}
	}
}

// Window is the finalised cases a run at t reviews: the WindowMonths whole
// months before the month of the run (UK time). A run in January of a
// quarterly schedule reviews October to December. Two runs in the same
// month share a window, so the second finds the first's cycle live and
// starts none.
func Window(cs store.CycleSchedule, t time.Time) (first, last time.Time) {
	t = t.In(uktime.London)
	month := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	return month.AddDate(0, -cs.WindowMonths, 0), month.AddDate(0, 0, -1)
}

// Meeting is the meeting of the cycle a run at t starts: MeetingWeeks
// after the day of the run, at MeetingAt UK time, for MeetingLength
// minutes.
func Meeting(cs store.CycleSchedule, t time.Time) cycle.Meeting {
	t = t.In(uktime.London)
	day := time.Date(t.Year(), t.Month(), t.Day()+7*cs.MeetingWeeks, 0, 0, 0, 0, uktime.London)
	begin := time.Date(day.Year(), day.Month(), day.Day(), cs.MeetingAt/60, cs.MeetingAt%60, 0, 0, uktime.London)
	return cycle.Meeting{Start: begin, End: begin.Add(time.Duration(cs.MeetingLength) * time.Minute), Location: cs.Location, OnlineLink: cs.OnlineLink}
}

// Request is the start request a run at t makes: what the start-a-cycle
// form would send for the same panel, window, quotas and meeting, with the
// form's defaults for everything else. A forum's schedule has no quotas,
// so its runs start forum cycles (a meeting and an agenda, no cases).
func Request(cs store.CycleSchedule, t time.Time) start.Request {
	first, last := Window(cs, t)
	return start.Request{PanelID: cs.PanelID, WindowStart: first.Format(time.DateOnly), WindowEnd: last.Format(time.DateOnly),
		Theme: cs.Theme, Quotas: cs.Quotas, Meeting: Meeting(cs, t)}
}
