package cycleflow

import (
	"errors"
	"fmt"
	"maps"
	"testing"
	"time"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/testenv/flowtest"
	"github.com/lsip/scrutiny/uktime"
)

// reviewRuns sets a small continue-as-new knob on every member-review run
// the cycle starts (the cycle itself never sets one) and counts the runs
// that began from a handed-over state.
type reviewRuns struct {
	interceptor.WorkerInterceptorBase
	after     int
	continued map[int64]int // by member
}

func (rr *reviewRuns) InterceptWorkflow(_ workflow.Context, next interceptor.WorkflowInboundInterceptor) interceptor.WorkflowInboundInterceptor {
	return &reviewRunsInbound{WorkflowInboundInterceptorBase: interceptor.WorkflowInboundInterceptorBase{Next: next}, rr: rr}
}

type reviewRunsInbound struct {
	interceptor.WorkflowInboundInterceptorBase
	rr *reviewRuns
}

func (i *reviewRunsInbound) ExecuteWorkflow(ctx workflow.Context, in *interceptor.ExecuteWorkflowInput) (any, error) {
	if workflow.GetInfo(ctx).WorkflowType.Name == cycle.MemberReviewWorkflowName {
		ri := in.Args[0].(cycle.MemberReviewInput)
		ri.ContinueAsNewAfter = i.rr.after
		if ri.State != nil {
			i.rr.continued[ri.MemberID]++
		}
		in.Args[0] = ri
	}
	return i.Next.ExecuteWorkflow(ctx, in)
}

// draftSaves is how many drafts member 101 saves, one every two hours.
const draftSaves = 30

// reviewJourney runs a cycle in which member 101 saves many drafts, then
// declares a conflict on case 3 (the cycle signals their review by
// workflow ID) and submits cases 1 and 2; member 102 submits case 1. With
// after > 0 every review run continues as new after that many saves.
type reviewJourney struct {
	w         *world
	continued map[int64]int
	final     cycle.CycleStatus
	saved     int
	reminders map[int64][]time.Time
	status    map[int64]domain.ReviewStatus // member 101's, queried after the conflict
}

func runReviewJourney(t *testing.T, after int) reviewJourney {
	w := newWorld(t)
	rr := &reviewRuns{after: after, continued: map[int64]int{}}
	w.env.SetWorkerOptions(worker.Options{Interceptors: []interceptor.WorkerInterceptor{rr}})
	T := meeting
	var outcomes []*outcome
	j := reviewJourney{w: w, continued: rr.continued}
	w.at(start.Add(time.Hour), func() { outcomes = append(outcomes, w.update(cycle.UpdateApproveSelection, wfID)) })
	first := T.Add(-13 * uktime.Day)
	for i := range draftSaves {
		w.at(first.Add(time.Duration(i)*2*time.Hour), func() {
			draft := complete(int64(i%3 + 1))
			draft.Final = false
			draft.Answers.Overall = []string{"handled_well", "concerns"}[i%2]
			outcomes = append(outcomes, w.update(cycle.UpdateSaveReview, member(101), draft))
		})
	}
	w.at(T.Add(-6*uktime.Day), func() {
		outcomes = append(outcomes, w.update(cycle.UpdateDeclareConflict, wfID, cycle.ConflictRequest{MemberID: 101, CaseID: 3, Note: "I know the family"}))
	})
	w.at(T.Add(-5*uktime.Day), func() {
		v, err := w.env.QueryWorkflowByID(member(101), cycle.QueryReview)
		if err == nil {
			err = v.Get(&j.status)
		}
		if err != nil {
			t.Errorf("query member 101's review by workflow ID: %v", err)
		}
		for _, id := range []int64{1, 2} {
			outcomes = append(outcomes, w.update(cycle.UpdateSaveReview, member(101), complete(id)))
		}
		outcomes = append(outcomes, w.update(cycle.UpdateSaveReview, member(102), complete(1)))
	})
	w.at(T.Add(time.Hour), func() {
		outcomes = append(outcomes, w.update(cycle.UpdateRecordAttendance, wfID, cycle.Attendance{Status: map[int64]string{101: "present", 102: "present"}}))
		for _, id := range []int64{1, 2, 3} {
			outcomes = append(outcomes, w.update(cycle.UpdateRecordFinding, wfID, cycle.Finding{CaseID: id, Category: "handled_well", Rationale: "ok", RecordedBy: "chair"}))
		}
	})
	w.at(T.Add(90*time.Minute), func() { outcomes = append(outcomes, w.update(cycle.UpdateCloseMeeting, wfID)) })
	w.at(T.Add(2*time.Hour), func() {
		outcomes = append(outcomes, w.update(cycle.UpdateApproveMinutes, wfID, cycle.ApproveMinutesRequest{ApprovedBy: "chair"}))
	})

	w.env.ExecuteWorkflow(CycleWorkflow, input())
	if !w.env.IsWorkflowCompleted() {
		t.Fatal("the cycle did not complete")
	}
	if err := w.env.GetWorkflowResult(&j.final); err != nil {
		t.Fatal(err)
	}
	for i, o := range outcomes {
		flowtest.MustOK(t, fmt.Sprintf("update %d", i+1), o)
	}
	j.saved, j.reminders = len(w.saved), maps.Clone(w.reminders)
	return j
}

// A member who saves many drafts makes their review continue as new; the
// cycle, which waits on the review as its child and signals, queries and
// updates it by workflow ID, sees the same review as without the hand-over.
func TestMemberReviewContinuesAsNewLosingNothing(t *testing.T) {
	plain := runReviewJourney(t, 0)
	handed := runReviewJourney(t, 4)

	if n := plain.continued[101] + plain.continued[102]; n != 0 {
		t.Fatalf("without the knob the reviews continued as new %d times", n)
	}
	if handed.continued[101] < draftSaves/4-1 {
		t.Errorf("member 101's review continued as new %d times after %d saves, want about one run per 4 saves", handed.continued[101], draftSaves+2)
	}
	if want := draftSaves + 3; handed.saved != want || plain.saved != want {
		t.Errorf("saves reached the store: %d with hand-overs, %d without, want %d", handed.saved, plain.saved, want)
	}
	// The conflict signal reached the run then current: case 3 left the list.
	for _, j := range []reviewJourney{plain, handed} {
		if _, ok := j.status[3]; ok || j.status[1] != domain.ReviewDraft || len(j.status) != 2 {
			t.Errorf("member 101's review after the conflict: %v", j.status)
		}
	}
	members := func(j reviewJourney) map[int64]cycle.MemberStatus {
		by := map[int64]cycle.MemberStatus{}
		for _, m := range j.final.Members {
			by[m.MemberID] = m
		}
		return by
	}
	got, want := members(handed), members(plain)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("final member status with hand-overs:\n%+v\nwithout:\n%+v", got, want)
	}
	if m := got[101]; m.Submitted != 2 || m.Cases != 2 || m.Drafts != 0 {
		t.Errorf("member 101 at the end: %+v, want 2 of 2 submitted", m)
	}
	if handed.final.Stage != domain.StageClosed || plain.final.Stage != domain.StageClosed {
		t.Errorf("cycles ended at %s and %s", handed.final.Stage, plain.final.Stage)
	}
	// Reminders already sent are carried over, not sent again.
	if fmt.Sprint(handed.reminders) != fmt.Sprint(plain.reminders) {
		t.Errorf("reminders with hand-overs %v, without %v", handed.reminders, plain.reminders)
	}
}

// A review run on its own hands over its state: the next run's input
// carries every case's status and the reminders already dealt with.
func TestMemberReviewHandsOverItsState(t *testing.T) {
	w := newWorld(t)
	in := cycle.MemberReviewInput{CycleID: 7, MemberID: 101, CaseIDs: []int64{1, 2, 3},
		Deadline: meeting.Add(-uktime.Day), MeetingStart: meeting, Reminders: []time.Duration{7 * uktime.Day}, ContinueAsNewAfter: 2}
	w.env.SetStartTime(meeting.Add(-5 * uktime.Day))
	draft := complete(2)
	draft.Final = false
	var saves []*outcome
	w.env.RegisterDelayedCallback(func() {
		saves = append(saves, w.update(cycle.UpdateSaveReview, wfID, complete(1)), w.update(cycle.UpdateSaveReview, wfID, draft))
	}, time.Hour)
	w.env.ExecuteWorkflow(MemberReviewWorkflow, in)
	for _, o := range saves {
		flowtest.MustOK(t, "save", o)
	}
	var can *workflow.ContinueAsNewError
	if err := w.env.GetWorkflowError(); !errors.As(err, &can) {
		t.Fatalf("workflow ended with %v, want continue-as-new", err)
	}
	var next cycle.MemberReviewInput
	if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &next); err != nil {
		t.Fatal(err)
	}
	st := next.State
	if st == nil || st.Runs != 1 || st.Status[1] != domain.ReviewSubmitted || st.Status[2] != domain.ReviewDraft || st.Status[3] != domain.ReviewOutstanding {
		t.Fatalf("handed-over state %+v", st)
	}
	// The 7-day reminder was due before the run started, so it is dealt with.
	if fmt.Sprint(st.Reminded) != fmt.Sprint([]time.Duration{7 * uktime.Day}) || next.CaseIDs == nil || !next.MeetingStart.Equal(meeting) {
		t.Errorf("next input %+v", next)
	}
}
