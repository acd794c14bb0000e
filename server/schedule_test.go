package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/cycle/recurring"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/payloadcrypt/payloadcrypttest"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/uktime"
)

// scheduleForm is a valid recurring-cycle form for the test panel:
// quarterly from March (so December runs), on the first Wednesday at
// 09:30, meeting six weeks after each run.
func scheduleForm() url.Values {
	return url.Values{"every_months": {"3"}, "first_month": {"3"}, "weekday": {"3"}, "run_at": {"09:30"}, "window_months": {"3"},
		"quotas": {"race=2, disability=1"}, "theme": {"Online hate"}, "meeting_weeks": {"6"}, "meeting_at": {"18:00"}, "hours": {"1.5"},
		"location": {"Cardiff office"}, "online_link": {""}}
}

// TestRecurringCycles: a coordinator sets up a panel's recurring cycle on
// its page (bad settings are shown beside their fields and store
// nothing); creating it twice makes one Temporal Schedule; a run starts a
// cycle whose input is the one the start-a-cycle form gives; a second run
// while that cycle is live starts nothing, as the form would refuse; and
// pause, resume and delete work, each audited.
func TestRecurringCycles(t *testing.T) {
	e := startCoordEnv(t, true)
	e.seedCases()
	ctx := context.Background()
	coord := e.staff(store.User{Name: "Cath Coordinator", Email: "cath@example.org", Role: domain.StaffCoordinator, PanelIDs: []int64{e.panel}})
	page := "/panels/" + strconv.FormatInt(e.panel, 10) + "/schedule"
	handle := e.temporal.ScheduleClient().GetHandle(ctx, recurring.ScheduleID(e.panel))

	// Someone else's panel is not theirs to schedule.
	other := e.staff(store.User{Name: "Other", Email: "other@example.org", Role: domain.StaffCoordinator})
	if code, _, _ := other.get(page); code != http.StatusForbidden {
		t.Errorf("a coordinator of other panels opens the page: %d", code)
	}

	// Bad settings: each problem beside its field, nothing stored.
	bad := scheduleForm()
	bad.Set("run_at", "9am")
	bad.Set("quotas", "race=2, domestic_abuse=1")
	bad.Set("location", "")
	bad.Set("meeting_weeks", "2")
	code, _, body := coord.post(page, bad, page)
	body = html.UnescapeString(body)
	for _, want := range []string{`href="#run_at"`, "Give the time the cycle starts as HH:MM", `href="#meeting_weeks"`, "from 4 to 26"} {
		if !strings.Contains(body, want) {
			t.Errorf("bad form (%d) lacks %q", code, want)
		}
	}
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `value="9am"`) {
		t.Errorf("bad form: %d, typed value kept: %v", code, strings.Contains(body, `value="9am"`))
	}
	bad = scheduleForm()
	bad.Set("quotas", "race=2, domestic_abuse=1")
	bad.Set("location", "")
	code, _, body = coord.post(page, bad, page)
	body = html.UnescapeString(body)
	for _, want := range []string{"domestic_abuse is not a strand this panel reviews", "Place: give a place or an online link"} {
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, want) {
			t.Errorf("form the start check refuses (%d) lacks %q", code, want)
		}
	}
	if _, err := e.st.CycleScheduleOf(ctx, e.panel); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a refused form stored a schedule: %v", err)
	}
	var notFound *serviceerror.NotFound
	if _, err := handle.Describe(ctx); !errors.As(err, &notFound) {
		t.Errorf("a refused form created a Temporal schedule: %v", err)
	}

	// Created twice: one schedule, with the calendar asked for.
	for i := range 2 {
		if code, to, body := coord.post(page, scheduleForm(), page); code != http.StatusSeeOther || !strings.HasPrefix(to, page+"?done=") {
			t.Fatalf("create %d: %d %s\n%s", i+1, code, to, body)
		}
	}
	e.waitFor("the schedule to be listed", func() bool { return len(e.listSchedules()) > 0 })
	if ids := e.listSchedules(); len(ids) != 1 || ids[0] != recurring.ScheduleID(e.panel) {
		t.Errorf("schedules after creating twice: %v", ids)
	}
	d, err := handle.Describe(ctx)
	e.must(err)
	cs, err := e.st.CycleScheduleOf(ctx, e.panel)
	e.must(err)
	if d.Schedule.Policy.Overlap != enumspb.SCHEDULE_OVERLAP_POLICY_SKIP || len(d.Info.NextActionTimes) == 0 ||
		!d.Info.NextActionTimes[0].Equal(recurring.NextRun(cs, time.Now())) || cs.Owner.Email != "cath@example.org" {
		t.Errorf("schedule: overlap %v, next runs %v (want first %v), owner %s", d.Schedule.Policy.Overlap, d.Info.NextActionTimes, recurring.NextRun(cs, time.Now()), cs.Owner.Email)
	}
	if _, _, body := coord.get(page); !strings.Contains(body, uktime.Time(d.Info.NextActionTimes[0])) || !strings.Contains(body, "first Wednesday of the month at 09:30") {
		t.Errorf("the page does not show the next run %s:\n%s", uktime.Time(d.Info.NextActionTimes[0]), body)
	}

	// A run starts a cycle as the form does.
	e.must(handle.Trigger(ctx, client.ScheduleTriggerOptions{}))
	first := e.waitRun(handle, 1)
	if first.Refused != "" || first.CycleID == 0 {
		t.Fatalf("first run: %+v", first)
	}
	scheduled := e.cycleInput(first.CycleID)
	meeting := scheduled.Meeting.Start.In(uktime.London)
	code, to, body := coord.post("/cycles/new", url.Values{"panel_id": {strconv.FormatInt(e.panel, 10)}, "window_start": {"2026-01-01"}, "window_end": {"2026-01-31"},
		"quotas": {"race=2, disability=1"}, "theme": {"Online hate"}, "meeting_start": {meeting.Format("2006-01-02 15:04")}, "hours": {"1.5"}, "location": {"Cardiff office"}}, "/cycles/new")
	if code != http.StatusSeeOther {
		t.Fatalf("the form's cycle: %d %s\n%s", code, to, body)
	}
	formID, _ := strconv.ParseInt(strings.TrimPrefix(strings.Split(to, "?")[0], "/cycles/"), 10, 64)
	byForm := e.cycleInput(formID)
	wantStart, wantEnd := recurring.Window(cs, time.Now())
	if !scheduled.WindowStart.Equal(wantStart) || !scheduled.WindowEnd.Equal(wantEnd) {
		t.Errorf("the run's window %s to %s, want %s to %s", scheduled.WindowStart, scheduled.WindowEnd, wantStart, wantEnd)
	}
	byForm.WindowStart, byForm.WindowEnd = scheduled.WindowStart, scheduled.WindowEnd
	a, _ := json.Marshal(scheduled)
	b, _ := json.Marshal(byForm)
	timing, _ := json.Marshal(cycle.DefaultTiming())
	if got, _ := json.Marshal(scheduled.Timing); string(a) != string(b) || string(got) != string(timing) || scheduled.StartedBy != "Cath Coordinator" {
		t.Errorf("the run's input differs from the form's (windows aside):\nrun:  %s\nform: %s", a, b)
	}

	// A second run while that cycle is live starts nothing.
	e.must(handle.Trigger(ctx, client.ScheduleTriggerOptions{}))
	second := e.waitRun(handle, 2)
	var n int
	e.must(e.db.QueryRow(ctx, `SELECT count(*) FROM cycles WHERE panel_id = $1 AND window_start = $2`, e.panel, wantStart).Scan(&n))
	if second.CycleID != 0 || !strings.Contains(second.Refused, "already covers") || n != 1 {
		t.Errorf("second run: %+v; cycles for the window: %d", second, n)
	}
	if e.audited("recurring_cycle_started") != 1 || e.audited("recurring_cycle_refused") != 1 || e.audited("cycle_schedule_created") != 2 {
		t.Errorf("audit: %d started, %d refused, %d created", e.audited("recurring_cycle_started"), e.audited("recurring_cycle_refused"), e.audited("cycle_schedule_created"))
	}

	// Pause, resume, delete.
	if code, _, _ := coord.post(page+"/pause", url.Values{}, page); code != http.StatusSeeOther {
		t.Errorf("pause: %d", code)
	}
	if d, err := handle.Describe(ctx); err != nil || !d.Schedule.State.Paused || !strings.Contains(d.Schedule.State.Note, "Cath Coordinator") {
		t.Errorf("after pause: %v %+v", err, d)
	}
	if _, _, body := coord.get(page); !strings.Contains(body, "Resume the recurring cycle") {
		t.Errorf("a paused schedule's page offers no resume")
	}
	coord.post(page+"/unpause", url.Values{}, page)
	if d, err := handle.Describe(ctx); err != nil || d.Schedule.State.Paused {
		t.Errorf("after resume: %v %+v", err, d)
	}
	if code, _, _ := coord.post(page+"/delete", url.Values{}, page); code != http.StatusSeeOther {
		t.Errorf("delete: %d", code)
	}
	if _, err := handle.Describe(ctx); !errors.As(err, &notFound) {
		t.Errorf("after delete the schedule is still there: %v", err)
	}
	if _, err := e.st.CycleScheduleOf(ctx, e.panel); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("after delete the settings are still stored: %v", err)
	}
	if e.audited("cycle_schedule_paused") != 1 || e.audited("cycle_schedule_resumed") != 1 || e.audited("cycle_schedule_deleted") != 1 {
		t.Errorf("pause, resume and delete are not each audited once")
	}
	if _, _, body := coord.get(page); !strings.Contains(body, "Set up the recurring cycle") {
		t.Errorf("after delete the page does not offer the form again")
	}
}

// listSchedules is the IDs of every schedule in the namespace.
func (e *coordEnv) listSchedules() []string {
	e.t.Helper()
	it, err := e.temporal.ScheduleClient().List(context.Background(), client.ScheduleListOptions{})
	e.must(err)
	var ids []string
	for it.HasNext() {
		s, err := it.Next()
		e.must(err)
		ids = append(ids, s.ID)
	}
	return ids
}

// waitRun waits for the schedule's nth run to finish and returns what it
// did.
func (e *coordEnv) waitRun(h client.ScheduleHandle, n int) recurring.Result {
	e.t.Helper()
	var runID string
	e.waitFor("run "+strconv.Itoa(n), func() bool {
		d, err := h.Describe(context.Background())
		e.must(err)
		if len(d.Info.RecentActions) < n {
			return false
		}
		runID = d.Info.RecentActions[n-1].StartWorkflowResult.WorkflowID
		return true
	})
	var res recurring.Result
	e.must(e.temporal.GetWorkflow(context.Background(), runID, "").Get(context.Background(), &res))
	return res
}

// cycleInput is the input the cycle's workflow was started with, from
// its history, opened with the test environment's payload key.
func (e *coordEnv) cycleInput(cycleID int64) cycle.CycleInput {
	e.t.Helper()
	ctx := context.Background()
	var wfID string
	e.must(e.db.QueryRow(ctx, `SELECT workflow_id FROM cycles WHERE id = $1`, cycleID).Scan(&wfID))
	it := e.temporal.GetWorkflowHistory(ctx, wfID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	ev, err := it.Next()
	e.must(err)
	var in cycle.CycleInput
	e.must(payloadcrypttest.DataConverter().FromPayloads(ev.GetWorkflowExecutionStartedEventAttributes().GetInput(), &in))
	return in
}

// audited counts the audit log's entries for action.
func (e *coordEnv) audited(action string) int {
	e.t.Helper()
	var n int
	e.must(e.db.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action = $1`, action).Scan(&n))
	return n
}
