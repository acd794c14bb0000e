package recurring_test

import (
	"slices"
	"testing"
	"time"

	"github.com/lsip/scrutiny/cycle/recurring"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/uktime"
)

// quarterly runs on the first Monday of January, April, July and October
// at 09:00, reviews the last three months and meets two weeks later at
// 18:00 for 90 minutes.
var quarterly = store.CycleSchedule{PanelID: 7, EveryMonths: 3, FirstMonth: time.January, Weekday: time.Monday, RunAt: 9 * 60,
	WindowMonths: 3, MeetingWeeks: 2, MeetingAt: 18 * 60, MeetingLength: 90, Location: "Cardiff", Quotas: map[string]int{"race": 2}}

func london(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, uktime.London)
}

func TestMonths(t *testing.T) {
	for _, tc := range []struct {
		every int
		first time.Month
		want  []time.Month
	}{
		{3, time.February, []time.Month{2, 5, 8, 11}},
		{3, time.November, []time.Month{2, 5, 8, 11}},
		{12, time.March, []time.Month{3}},
		{6, time.September, []time.Month{3, 9}},
		{1, time.May, []time.Month{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}},
	} {
		cs := store.CycleSchedule{EveryMonths: tc.every, FirstMonth: tc.first}
		if got := recurring.Months(cs); !slices.Equal(got, tc.want) {
			t.Errorf("every %d from %s: %v, want %v", tc.every, tc.first, got, tc.want)
		}
	}
}

// TestNextRun: the first Monday of the next quarter's month, at 09:00 UK
// time whether GMT or BST.
func TestNextRun(t *testing.T) {
	for _, tc := range []struct{ after, want time.Time }{
		{london(2026, 12, 2, 0, 23), london(2027, 1, 4, 9, 0)},
		{london(2027, 1, 4, 8, 59), london(2027, 1, 4, 9, 0)},
		{london(2027, 1, 4, 9, 0), london(2027, 4, 5, 9, 0)}, // strictly after
		{london(2027, 4, 5, 10, 0), london(2027, 7, 5, 9, 0)},
		{london(2027, 10, 4, 9, 0), london(2028, 1, 3, 9, 0)},
	} {
		if got := recurring.NextRun(quarterly, tc.after); !got.Equal(tc.want) {
			t.Errorf("after %s: %s, want %s", uktime.Time(tc.after), uktime.Time(got), uktime.Time(tc.want))
		}
	}
	if got := recurring.NextRun(quarterly, london(2027, 1, 4, 9, 0)); got.UTC().Hour() != 8 {
		t.Errorf("a run in April is at 09:00 BST, 08:00 UTC: got %s", got.UTC())
	}
}

// TestWindow: the whole months before the month of the run, in UK time:
// half past midnight on 1 April in BST is still March in UTC but is an
// April run.
func TestWindow(t *testing.T) {
	for _, tc := range []struct {
		at          time.Time
		first, last string
	}{
		{london(2027, 1, 4, 9, 0), "2026-10-01", "2026-12-31"},
		{london(2027, 4, 1, 0, 30), "2027-01-01", "2027-03-31"},
		{london(2027, 3, 31, 23, 30), "2026-12-01", "2027-02-28"},
	} {
		first, last := recurring.Window(quarterly, tc.at)
		if first.Format(time.DateOnly) != tc.first || last.Format(time.DateOnly) != tc.last {
			t.Errorf("run at %s: window %s to %s, want %s to %s", uktime.Time(tc.at), first.Format(time.DateOnly), last.Format(time.DateOnly), tc.first, tc.last)
		}
	}
	six := quarterly
	six.WindowMonths = 6
	if first, _ := recurring.Window(six, london(2027, 1, 4, 9, 0)); first.Format(time.DateOnly) != "2026-07-01" {
		t.Errorf("six months before January 2027 start %s", first.Format(time.DateOnly))
	}
}

// TestMeeting: the meeting's UK clock time holds across the change to
// BST on 28 March 2027.
func TestMeeting(t *testing.T) {
	m := recurring.Meeting(quarterly, london(2027, 3, 22, 9, 0))
	if !m.Start.Equal(london(2027, 4, 5, 18, 0)) || m.Start.UTC().Hour() != 17 || m.End.Sub(m.Start) != 90*time.Minute || m.Location != "Cardiff" {
		t.Errorf("meeting %s to %s at %q", uktime.Time(m.Start), uktime.Time(m.End), m.Location)
	}
}

func TestSpecAndRequest(t *testing.T) {
	spec := recurring.Spec(quarterly)
	if spec.TimeZoneName != "Europe/London" || len(spec.Calendars) != 1 {
		t.Fatalf("spec %+v", spec)
	}
	cal := spec.Calendars[0]
	var months []int
	for _, r := range cal.Month {
		months = append(months, r.Start)
	}
	if !slices.Equal(months, []int{1, 4, 7, 10}) || cal.DayOfMonth[0].Start != 1 || cal.DayOfMonth[0].End != 7 ||
		cal.DayOfWeek[0].Start != int(time.Monday) || cal.Hour[0].Start != 9 || cal.Minute[0].Start != 0 {
		t.Errorf("calendar %+v", cal)
	}
	if recurring.ScheduleID(7) != "panel-7-cycles" {
		t.Errorf("schedule ID %s", recurring.ScheduleID(7))
	}
	req := recurring.Request(quarterly, london(2027, 1, 4, 9, 0))
	if req.PanelID != 7 || req.WindowStart != "2026-10-01" || req.WindowEnd != "2026-12-31" || req.Quotas["race"] != 2 ||
		!req.Meeting.Start.Equal(london(2027, 1, 18, 18, 0)) || req.Timing != nil || req.ReservesPerStratum != nil {
		t.Errorf("request %+v", req)
	}
}
