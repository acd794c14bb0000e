package cycleflow

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lsip/scrutiny/testenv/flowtest"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/reviewform"
	"github.com/lsip/scrutiny/uktime"
)

func approveAt(w *world, at time.Time) *outcome {
	var o *outcome
	w.at(at, func() { o = w.update(cycle.UpdateApproveSelection, wfID) })
	return o
}

func cancelAt(w *world, at time.Time) {
	w.at(at, func() {
		w.update(cycle.UpdateCancel, wfID, cycle.CancelRequest{Reason: "run after the test", By: "test"})
	})
}

func run(t *testing.T, w *world) cycle.CycleStatus {
	t.Helper()
	w.env.ExecuteWorkflow(CycleWorkflow, input())
	if !w.env.IsWorkflowCompleted() {
		t.Fatal("workflow did not complete")
	}
	if err := w.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	var s cycle.CycleStatus
	if err := w.env.GetWorkflowResult(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestWithdrawalWithAndWithoutReserve(t *testing.T) {
	w := newWorld(t)
	w.replacement = &cycle.CycleCase{CaseID: 4, Reference: "WAL-004", Stratum: "race", Role: "reserve", Status: "proposed"}
	var withReserve, noReason, withoutReserve *outcome
	w.at(start.Add(time.Hour), func() {
		noReason = w.update(cycle.UpdateReplaceCase, wfID, cycle.ReplaceRequest{CaseID: 1})
		withReserve = w.update(cycle.UpdateReplaceCase, wfID, cycle.ReplaceRequest{CaseID: 1, Reason: "appeal lodged", By: "coordinator"})
	})
	w.at(start.Add(2*time.Hour), func() {
		w.replacement = nil
		withoutReserve = w.update(cycle.UpdateReplaceCase, wfID, cycle.ReplaceRequest{CaseID: 2, Reason: "victim identifiable", By: "coordinator"})
	})
	var mid cycle.CycleStatus
	w.at(start.Add(3*time.Hour), func() { mid = w.status() })
	cancelAt(w, start.Add(4*time.Hour))
	run(t, w)
	flowtest.MustReject(t, "withdrawal without a reason", noReason, "reason")
	flowtest.MustOK(t, "withdrawal with a reserve", withReserve)
	flowtest.MustOK(t, "withdrawal without a reserve", withoutReserve)
	statuses := map[int64]string{}
	for _, c := range mid.Cases {
		statuses[c.CaseID] = c.Status
	}
	if statuses[1] != "withdrawn" || statuses[4] != "proposed" || statuses[2] != "withdrawn" {
		t.Errorf("case statuses after withdrawals: %v", statuses)
	}
	if !slices.ContainsFunc(mid.Notices, func(n string) bool { return strings.Contains(n, "no reserve was left") }) {
		t.Errorf("no notice of running a case short: %v", mid.Notices)
	}
}

func TestCarriedForwardCaseIsReviewed(t *testing.T) {
	w := newWorld(t)
	approveAt(w, start.Add(time.Hour))
	var mid cycle.CycleStatus
	w.at(meeting.Add(-10*uktime.Day), func() { mid = w.status() })
	cancelAt(w, meeting.Add(-9*uktime.Day))
	run(t, w)
	i := slices.IndexFunc(mid.Cases, func(c cycle.CycleCase) bool { return c.Role == "carried_forward" })
	if i < 0 || mid.Cases[i].Status != "approved" {
		t.Errorf("carried-forward case not in review: %+v", mid.Cases)
	}
}

func TestConflictBeforeAndAfterRelease(t *testing.T) {
	w := newWorld(t)
	approveAt(w, start.Add(time.Hour))
	var before, after, duplicate, removedSave *outcome
	w.at(meeting.Add(-20*uktime.Day), func() {
		before = w.update(cycle.UpdateDeclareConflict, wfID, cycle.ConflictRequest{MemberID: 101, CaseID: 1})
	})
	w.at(meeting.Add(-10*uktime.Day), func() {
		after = w.update(cycle.UpdateDeclareConflict, wfID, cycle.ConflictRequest{MemberID: 102, CaseID: 2, Note: "my neighbour"})
		duplicate = w.update(cycle.UpdateDeclareConflict, wfID, cycle.ConflictRequest{MemberID: 102, CaseID: 2})
	})
	w.at(meeting.Add(-9*uktime.Day), func() { removedSave = w.update(cycle.UpdateSaveReview, member(102), complete(2)) })
	var mid cycle.CycleStatus
	w.at(meeting.Add(-8*uktime.Day), func() { mid = w.status() })
	cancelAt(w, meeting.Add(-7*uktime.Day))
	run(t, w)
	flowtest.MustOK(t, "conflict before release", before)
	flowtest.MustOK(t, "conflict after release", after)
	flowtest.MustReject(t, "same conflict twice", duplicate, "already declared")
	flowtest.MustReject(t, "review of a case removed after a conflict", removedSave, "not in your pack")
	if len(w.conflicts) != 2 || w.conflicts[0].AfterRelease || !w.conflicts[1].AfterRelease {
		t.Errorf("recorded conflicts %+v", w.conflicts)
	}
	for _, m := range mid.Members {
		if m.MemberID == 101 && m.Cases != 2 {
			t.Errorf("member 101's pack should leave out the case conflicted before release: %+v", m)
		}
		if m.MemberID == 102 && m.Cases != 2 {
			t.Errorf("member 102's list should lose the case conflicted after release: %+v", m)
		}
	}
	if len(mid.Conflicts) != 2 {
		t.Errorf("status shows %d declarations", len(mid.Conflicts))
	}
}

func TestRescheduleMovesEveryDateAndReminder(t *testing.T) {
	w := newWorld(t)
	approveAt(w, start.Add(time.Hour))
	moved := meeting.Add(7 * uktime.Day)
	var resched, past *outcome
	w.at(meeting.Add(-16*uktime.Day), func() {
		past = w.update(cycle.UpdateScheduleMeeting, wfID, cycle.Meeting{Start: start, End: start.Add(time.Hour), Location: "x"})
		resched = w.update(cycle.UpdateScheduleMeeting, wfID, cycle.Meeting{Start: moved, End: moved.Add(2 * time.Hour), OnlineLink: "https://meet.example/lsip"})
	})
	cancelAt(w, moved.Add(-12*time.Hour))
	run(t, w)
	flowtest.MustReject(t, "a meeting in the past", past, "future")
	flowtest.MustOK(t, "reschedule", resched)
	assertTimes(t, "packs after the reschedule", w.called("PreparePack"), moved.Add(-14*uktime.Day), moved.Add(-14*uktime.Day))
	assertTimes(t, "non-returns after the reschedule", w.called("RecordNonReturns"), moved.Add(-1*uktime.Day))
	assertTimes(t, "reminders after the reschedule", w.reminders[102], moved.Add(-8*uktime.Day), moved.Add(-4*uktime.Day), moved.Add(-2*uktime.Day))
	if n := len(w.called("QueueInvites")); n != 2 || w.sequence != 2 {
		t.Errorf("invites queued %d times with %d saves; the reschedule must send an updated invite", n, w.sequence)
	}
}

func TestCancellationStopsEverything(t *testing.T) {
	w := newWorld(t)
	approveAt(w, start.Add(time.Hour))
	var noReason *outcome
	w.at(meeting.Add(-10*uktime.Day), func() {
		noReason = w.update(cycle.UpdateCancel, wfID, cycle.CancelRequest{})
		w.update(cycle.UpdateCancel, wfID, cycle.CancelRequest{Reason: "chair unavailable", By: "coordinator"})
	})
	s := run(t, w)
	flowtest.MustReject(t, "cancel without a reason", noReason, "reason")
	if s.Stage != domain.StageCancelled || !s.AccessRevoked || s.CancelReason != "chair unavailable" {
		t.Errorf("status after cancelling: %+v", s)
	}
	assertTimes(t, "cancel", w.called("CancelCycle"), meeting.Add(-10*uktime.Day))
	if len(w.reminders[101])+len(w.reminders[102]) != 0 || len(w.called("RecordNonReturns")) != 0 || len(w.called("RevokeAccess")) != 0 {
		t.Errorf("timers kept firing after cancellation: reminders %v, non-returns %v", w.reminders, w.called("RecordNonReturns"))
	}
	if !slices.Contains(w.delivered, 1300) {
		t.Error("the members were not told of the cancellation")
	}
}

func TestBounceAlertsCoordinatorOnce(t *testing.T) {
	w := newWorld(t)
	w.bounceFor[102] = true
	approveAt(w, start.Add(time.Hour))
	var mid cycle.CycleStatus
	w.at(meeting.Add(-13*uktime.Day), func() { mid = w.status() })
	cancelAt(w, meeting.Add(-12*uktime.Day))
	run(t, w)
	var bounces int
	for _, al := range w.alerts {
		if al.Kind == "bounce" && al.MemberID == 102 {
			bounces++
		}
	}
	if bounces != 1 {
		t.Errorf("%d bounce alerts, want 1: %+v", bounces, w.alerts)
	}
	for _, m := range mid.Members {
		if m.MemberID == 102 && (!m.Unreachable || m.PackSent) {
			t.Errorf("bounced member status %+v", m)
		}
		if m.MemberID == 101 && (m.Unreachable || !m.PackSent) {
			t.Errorf("delivered member status %+v", m)
		}
	}
}

func TestMemberLeavingMidCycle(t *testing.T) {
	w := newWorld(t)
	approveAt(w, start.Add(time.Hour))
	var submitted, left, afterLeaving *outcome
	w.at(meeting.Add(-12*uktime.Day), func() { submitted = w.update(cycle.UpdateSaveReview, member(101), complete(1)) })
	w.at(meeting.Add(-11*uktime.Day), func() { left = w.update(cycle.UpdateMemberLeft, wfID, cycle.MemberLeftRequest{MemberID: 101}) })
	w.at(meeting.Add(-10*uktime.Day), func() { afterLeaving = w.update(cycle.UpdateSaveReview, member(101), complete(2)) })
	var mid cycle.CycleStatus
	w.at(meeting.Add(-9*uktime.Day), func() { mid = w.status() })
	cancelAt(w, meeting.Add(-5*uktime.Day))
	run(t, w)
	flowtest.MustOK(t, "submission before leaving", submitted)
	flowtest.MustOK(t, "member left", left)
	if afterLeaving.err == nil {
		t.Error("a member who left could still submit")
	}
	assertTimes(t, "excuse", w.called("ExcuseReviews"), meeting.Add(-11*uktime.Day))
	if len(w.reminders[101]) != 0 {
		t.Errorf("a member who left was reminded at %v", w.reminders[101])
	}
	for _, m := range mid.Members {
		if m.MemberID == 101 && (!m.Left || m.Submitted != 1 || m.Excused != 2) {
			t.Errorf("status of the member who left: %+v", m)
		}
	}
}

func TestIdentifyingDetailPullsCaseFromEveryPack(t *testing.T) {
	w := newWorld(t)
	approveAt(w, start.Add(time.Hour))
	var report, saveAfter *outcome
	w.at(meeting.Add(-12*uktime.Day), func() {
		report = w.update(cycle.UpdateReportIdentifying, wfID, cycle.IdentifyingRequest{MemberID: 101, CaseID: 3, Detail: "names the street"})
	})
	w.at(meeting.Add(-11*uktime.Day), func() { saveAfter = w.update(cycle.UpdateSaveReview, member(102), complete(3)) })
	var mid cycle.CycleStatus
	w.at(meeting.Add(-10*uktime.Day), func() { mid = w.status() })
	cancelAt(w, meeting.Add(-9*uktime.Day))
	run(t, w)
	flowtest.MustOK(t, "report", report)
	flowtest.MustReject(t, "review of a pulled case", saveAfter, "not in your pack")
	if !slices.ContainsFunc(w.alerts, func(al Alert) bool { return al.Kind == "identifying_detail" && al.CaseID == 3 }) {
		t.Error("the coordinator was not alerted")
	}
	for _, m := range mid.Members {
		if m.Cases != 2 {
			t.Errorf("member %d still has %d cases", m.MemberID, m.Cases)
		}
	}
	if i := slices.IndexFunc(mid.Cases, func(c cycle.CycleCase) bool { return c.CaseID == 3 }); mid.Cases[i].Status != "pulled" {
		t.Errorf("case 3 status %s", mid.Cases[i].Status)
	}
}

func TestInvalidReviewAnswersAreRejectedWithReasons(t *testing.T) {
	w := newWorld(t)
	approveAt(w, start.Add(time.Hour))
	var incomplete, draft, badRating *outcome
	w.at(meeting.Add(-12*uktime.Day), func() {
		incomplete = w.update(cycle.UpdateSaveReview, member(101), cycle.ReviewSubmission{CaseID: 1, Final: true, Answers: reviewform.Answers{Ratings: map[string]string{"charging": "yes"}}})
		draft = w.update(cycle.UpdateSaveReview, member(101), cycle.ReviewSubmission{CaseID: 1, Final: false, Answers: reviewform.Answers{Ratings: map[string]string{"charging": "yes"}}})
		bad := complete(2)
		bad.Answers.Ratings["charging"] = "brilliant"
		badRating = w.update(cycle.UpdateSaveReview, member(101), bad)
	})
	cancelAt(w, meeting.Add(-11*uktime.Day))
	run(t, w)
	flowtest.MustReject(t, "incomplete submission", incomplete, "overall")
	flowtest.MustOK(t, "partial draft", draft)
	flowtest.MustReject(t, "unknown rating", badRating, "ratings.charging")
}

func TestCoordinatorRemindedWhileSelectionWaits(t *testing.T) {
	w := newWorld(t)
	approveAt(w, start.Add(15*uktime.Day))
	cancelAt(w, start.Add(16*uktime.Day))
	run(t, w)
	var nudges []string
	for _, al := range w.alerts {
		if al.Kind == "awaiting_approval" {
			nudges = append(nudges, al.Key)
		}
	}
	if strings.Join(nudges, ",") != "awaiting_approval/1,awaiting_approval/2" {
		t.Errorf("nudges %v, want one after 7 and one after 14 days of waiting", nudges)
	}
	assertTimes(t, "coordinator nudges", w.called("QueueAlert:awaiting_approval"), start.Add(7*uktime.Day), start.Add(14*uktime.Day))
}
