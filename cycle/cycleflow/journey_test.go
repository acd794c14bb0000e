package cycleflow

import (
	"slices"
	"testing"
	"time"

	"github.com/lsip/scrutiny/testenv/flowtest"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/uktime"
)

const wfID = "default-test-workflow-id"

func TestCycleJourneyRemindersAtExactTimes(t *testing.T) {
	w := newWorld(t)
	T := meeting
	var approve, lateReject *outcome
	var early []*outcome
	w.at(start.Add(time.Hour), func() { approve = w.update(cycle.UpdateApproveSelection, wfID) })
	// Member 101 returns everything early; member 102 returns nothing.
	w.at(T.Add(-10*uktime.Day), func() {
		for _, id := range []int64{1, 2, 3} {
			early = append(early, w.update(cycle.UpdateSaveReview, member(101), complete(id)))
		}
	})
	var late *outcome
	w.at(T.Add(-12*time.Hour), func() { late = w.update(cycle.UpdateSaveReview, member(102), complete(1)) })
	var findings []*outcome
	var closeMeeting, approveEarly, approveMinutes, action *outcome
	w.at(T.Add(time.Hour), func() {
		lateReject = w.update(cycle.UpdateSaveReview, member(102), complete(1))
		approveEarly = w.update(cycle.UpdateApproveMinutes, wfID, cycle.ApproveMinutesRequest{ApprovedBy: "chair"})
		w.update(cycle.UpdateRecordAttendance, wfID, cycle.Attendance{Status: map[int64]string{101: "present", 102: "apologies"}})
		for _, id := range []int64{1, 2, 3} {
			findings = append(findings, w.update(cycle.UpdateRecordFinding, wfID, cycle.Finding{CaseID: id, Category: "handled_well", Rationale: "ok", RecordedBy: "chair"}))
		}
		w.update(cycle.UpdateAddLearningPoint, wfID, cycle.LearningPoint{Text: "Flag disability hostility early", Tag: "prosecution"})
		action = w.update(cycle.UpdateAddAction, wfID, cycle.AgreedAction{Description: "Brief lawyers on s.66", OwnerName: "Owner", OwnerEmail: "owner@example.org",
			ManagerName: "Manager", ManagerEmail: "manager@example.org", Due: T.Add(60 * uktime.Day)})
	})
	w.at(T.Add(90*time.Minute), func() { closeMeeting = w.update(cycle.UpdateCloseMeeting, wfID) })
	w.at(T.Add(2*time.Hour), func() {
		approveMinutes = w.update(cycle.UpdateApproveMinutes, wfID, cycle.ApproveMinutesRequest{ApprovedBy: "chair"})
	})

	w.env.ExecuteWorkflow(CycleWorkflow, input())
	for _, o := range early {
		flowtest.MustOK(t, "early submission", o)
	}
	for _, f := range findings {
		flowtest.MustOK(t, "finding", f)
	}
	flowtest.MustOK(t, "close meeting", closeMeeting)
	if !w.env.IsWorkflowCompleted() {
		t.Fatal("workflow did not complete")
	}
	if err := w.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	flowtest.MustOK(t, "approve", approve)
	flowtest.MustOK(t, "late submission", late)
	if stored := late.result.(cycle.StoredReview); !stored.Late {
		t.Error("a submission after the deadline was not marked late")
	}
	// The member's review workflow ends when the meeting starts.
	flowtest.MustReject(t, "review after the meeting started", lateReject, "completed")
	flowtest.MustReject(t, "approve minutes before the meeting closed", approveEarly, "minutes")
	for _, f := range findings {
		flowtest.MustOK(t, "finding", f)
	}
	flowtest.MustOK(t, "action", action)
	flowtest.MustOK(t, "close meeting", closeMeeting)
	flowtest.MustOK(t, "approve minutes", approveMinutes)

	stageAt := func(stage domain.Stage) []time.Time { return w.called("SetStage:" + string(stage)) }
	assertTimes(t, "conflict check", stageAt(domain.StageConflictCheck), T.Add(-21*uktime.Day))
	assertTimes(t, "packs", w.called("PreparePack"), T.Add(-14*uktime.Day), T.Add(-14*uktime.Day))
	assertTimes(t, "non-returns", w.called("RecordNonReturns"), T.Add(-1*uktime.Day))
	assertTimes(t, "meeting stage", stageAt(domain.StageMeeting), T)
	assertTimes(t, "access revoked", w.called("RevokeAccess"), T.Add(uktime.Day))
	assertTimes(t, "reminders to the member who had not returned", w.reminders[102], T.Add(-8*uktime.Day), T.Add(-4*uktime.Day), T.Add(-2*uktime.Day))
	if len(w.reminders[101]) != 0 {
		t.Errorf("member who returned everything was reminded at %v", w.reminders[101])
	}
	if !slices.ContainsFunc(w.alerts, func(al Alert) bool { return al.Kind == "non_returns" }) {
		t.Error("the coordinator was not told of the non-returns")
	}
	var final cycle.CycleStatus
	if err := w.env.GetWorkflowResult(&final); err != nil {
		t.Fatal(err)
	}
	if final.Stage != domain.StageClosed || !final.MinutesIssued || !final.AccessRevoked || final.MinutesFileID != 71 {
		t.Errorf("final status: stage %s, minutes issued %v, access revoked %v, file %d", final.Stage, final.MinutesIssued, final.AccessRevoked, final.MinutesFileID)
	}
	if len(final.Actions) != 1 || final.Actions[0] != 55 {
		t.Errorf("actions = %v", final.Actions)
	}
	byMember := map[int64]cycle.MemberStatus{}
	for _, m := range final.Members {
		byMember[m.MemberID] = m
	}
	if byMember[101].Submitted != 3 || byMember[102].NotSubmitted != 3 || byMember[102].Late != 1 || !byMember[101].PackSent {
		t.Errorf("member progress: %+v / %+v", byMember[101], byMember[102])
	}
	if len(final.Notices) == 0 {
		t.Error("the disability shortfall was not reported")
	}
}

func assertTimes(t *testing.T, what string, got []time.Time, want ...time.Time) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: fired at %v, want %v", what, got, want)
		return
	}
	for i := range want {
		if !got[i].Equal(want[i]) {
			t.Errorf("%s: fired at %v, want %v", what, got, want)
			return
		}
	}
}
