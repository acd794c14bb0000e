package workflows

import (
	"slices"
	"testing"
	"time"

	"github.com/lsip/scrutiny/activities"
)

const wfID = "default-test-workflow-id"

func TestCycleJourneyRemindersAtExactTimes(t *testing.T) {
	w := newWorld(t)
	T := meeting
	var approve, lateReject *outcome
	var early []*outcome
	w.at(start.Add(time.Hour), func() { approve = w.update(UpdateApproveSelection, wfID) })
	// Member 101 returns everything early; member 102 returns nothing.
	w.at(T.Add(-10*day), func() {
		for _, id := range []int64{1, 2, 3} {
			early = append(early, w.update(UpdateSaveReview, member(101), complete(id)))
		}
	})
	var late *outcome
	w.at(T.Add(-12*time.Hour), func() { late = w.update(UpdateSaveReview, member(102), complete(1)) })
	var findings []*outcome
	var closeMeeting, approveEarly, approveMinutes, action *outcome
	w.at(T.Add(time.Hour), func() {
		lateReject = w.update(UpdateSaveReview, member(102), complete(1))
		approveEarly = w.update(UpdateApproveMinutes, wfID, ApproveMinutesRequest{ApprovedBy: "chair"})
		w.update(UpdateRecordAttendance, wfID, activities.Attendance{Status: map[int64]string{101: "present", 102: "apologies"}})
		for _, id := range []int64{1, 2, 3} {
			findings = append(findings, w.update(UpdateRecordFinding, wfID, activities.Finding{CaseID: id, Category: "handled_well", Rationale: "ok", RecordedBy: "chair"}))
		}
		w.update(UpdateAddLearningPoint, wfID, activities.LearningPoint{Text: "Flag disability hostility early", Tag: "prosecution"})
		action = w.update(UpdateAddAction, wfID, activities.ActionInput{Description: "Brief lawyers on s.66", OwnerName: "Owner", OwnerEmail: "owner@example.org",
			ManagerName: "Manager", ManagerEmail: "manager@example.org", Due: T.Add(60 * day)})
	})
	w.at(T.Add(90*time.Minute), func() { closeMeeting = w.update(UpdateCloseMeeting, wfID) })
	w.at(T.Add(2*time.Hour), func() {
		approveMinutes = w.update(UpdateApproveMinutes, wfID, ApproveMinutesRequest{ApprovedBy: "chair"})
	})

	w.env.ExecuteWorkflow(CycleWorkflow, input())
	for _, o := range early {
		mustOK(t, "early submission", o)
	}
	for _, f := range findings {
		mustOK(t, "finding", f)
	}
	mustOK(t, "close meeting", closeMeeting)
	if !w.env.IsWorkflowCompleted() {
		t.Fatal("workflow did not complete")
	}
	if err := w.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	mustOK(t, "approve", approve)
	mustOK(t, "late submission", late)
	if stored := late.result.(activities.StoredReview); !stored.Late {
		t.Error("a submission after the deadline was not marked late")
	}
	// The member's review workflow ends when the meeting starts.
	mustReject(t, "review after the meeting started", lateReject, "completed")
	mustReject(t, "approve minutes before the meeting closed", approveEarly, "minutes")
	for _, f := range findings {
		mustOK(t, "finding", f)
	}
	mustOK(t, "action", action)
	mustOK(t, "close meeting", closeMeeting)
	mustOK(t, "approve minutes", approveMinutes)

	stageAt := func(stage string) []time.Time { return w.called("SetStage:" + stage) }
	assertTimes(t, "conflict check", stageAt(StageConflictCheck), T.Add(-21*day))
	assertTimes(t, "packs", w.called("PreparePack"), T.Add(-14*day), T.Add(-14*day))
	assertTimes(t, "non-returns", w.called("RecordNonReturns"), T.Add(-1*day))
	assertTimes(t, "meeting stage", stageAt(StageMeeting), T)
	assertTimes(t, "access revoked", w.called("RevokeAccess"), T.Add(day))
	assertTimes(t, "reminders to the member who had not returned", w.reminders[102], T.Add(-8*day), T.Add(-4*day), T.Add(-2*day))
	if len(w.reminders[101]) != 0 {
		t.Errorf("member who returned everything was reminded at %v", w.reminders[101])
	}
	if !slices.ContainsFunc(w.alerts, func(al activities.Alert) bool { return al.Kind == "non_returns" }) {
		t.Error("the coordinator was not told of the non-returns")
	}
	var final CycleStatus
	if err := w.env.GetWorkflowResult(&final); err != nil {
		t.Fatal(err)
	}
	if final.Stage != StageClosed || !final.MinutesIssued || !final.AccessRevoked || final.MinutesFileID != 71 {
		t.Errorf("final status: stage %s, minutes issued %v, access revoked %v, file %d", final.Stage, final.MinutesIssued, final.AccessRevoked, final.MinutesFileID)
	}
	if len(final.Actions) != 1 || final.Actions[0] != 55 {
		t.Errorf("actions = %v", final.Actions)
	}
	byMember := map[int64]MemberStatus{}
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
