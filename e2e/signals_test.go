package e2e

import (
	"context"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/cycle/cycleflow"
	"github.com/lsip/scrutiny/domain"
)

// TestRescheduleSignalsMembersAtOnce: moving the meeting once packs are
// out tells every member's review workflow in one workflow task, not one
// task per member (which under load made a reschedule take minutes): in
// the cycle's history every reschedule signal is sent between the same
// two workflow-task completions, and each reached its member.
func TestRescheduleSignalsMembersAtOnce(t *testing.T) {
	t.Parallel()
	s := newStack(t, false)
	ctx := context.Background()
	id, st, meetingAt := s.cycleInReview(t, true)
	moved := meetingAt.Add(time.Hour)
	update(t, s.c, id, cycle.UpdateScheduleMeeting, nil, cycle.Meeting{Start: moved, End: moved.Add(2 * time.Hour), Location: "Cardiff office"})

	tasks, signals := 0, map[int]int{} // workflow tasks completed so far -> signals sent after them
	it := s.c.GetWorkflowHistory(ctx, id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		switch e.GetEventType() {
		case enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
			tasks++
		case enumspb.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED:
			if e.GetSignalExternalWorkflowExecutionInitiatedEventAttributes().GetSignalName() == cycle.SignalRescheduleReview {
				signals[tasks]++
			}
		}
	}
	members := 0
	for _, m := range st.Members {
		if m.Cases > 0 {
			members++
		}
	}
	if members < 2 {
		t.Fatalf("%d members with packs; the test needs several", members)
	}
	if len(signals) != 1 {
		t.Fatalf("reschedule signals sent in %d workflow tasks (%v), want all %d in one", len(signals), signals, members)
	}
	for _, n := range signals {
		if n != members {
			t.Errorf("%d reschedule signals, want one to each of the %d members with packs", n, members)
		}
	}
}

// cycleInReview starts a cycle of the stack's panel (two race cases,
// reviews saved directly or not) whose packs go out about ten seconds
// after the approval and whose meeting is four minutes away, approves it
// and waits until reviews open. It returns the workflow ID, the status in
// review and the meeting's time.
func (s *stack) cycleInReview(t *testing.T, direct bool) (string, cycle.CycleStatus, time.Time) {
	t.Helper()
	now := time.Now().UTC()
	meetingAt := now.Add(4 * time.Minute).Truncate(time.Second)
	in := cycle.CycleInput{PanelID: s.f.panelID, WindowStart: now.AddDate(0, -3, 0), WindowEnd: now, Quotas: map[string]int{"race": 2},
		Meeting: cycle.Meeting{Start: meetingAt, End: meetingAt.Add(2 * time.Hour), Location: "Cardiff office"},
		Timing: cycle.Timing{ConflictCheckBefore: 4*time.Minute - 5*time.Second, PacksBefore: 4*time.Minute - 10*time.Second, ReviewsDueBefore: time.Minute,
			RevokeAfter: time.Hour, Reminders: []time.Duration{}, ApprovalNudgeEvery: time.Hour},
		StartedBy: "cath@example.org", CoordinatorName: "Cath Coordinator", CoordinatorEmail: "cath@example.org", DirectReviews: direct}
	id := cycle.CycleWorkflowID(in.PanelID, in.WindowStart, in.WindowEnd)
	if _, err := s.c.ExecuteWorkflow(context.Background(), client.StartWorkflowOptions{ID: id, TaskQueue: taskQueue}, cycleflow.CycleWorkflow, in); err != nil {
		t.Fatal(err)
	}
	waitStage(t, s.c, id, domain.StageCoordinatorCheck)
	update(t, s.c, id, cycle.UpdateApproveSelection, nil)
	return id, waitStage(t, s.c, id, domain.StageReviewing), meetingAt
}
