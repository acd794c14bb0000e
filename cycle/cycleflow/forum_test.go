package cycleflow

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/outbox"
	"github.com/lsip/scrutiny/testenv/flowtest"
	"github.com/lsip/scrutiny/uktime"
)

// forumWorld is a world that also plays a forum's own activities.
func forumWorld(t *testing.T) *world {
	w := newWorld(t)
	w.env.OnActivity(a.SaveAgenda, mock.Anything, mock.Anything).Return(func(_ context.Context, in AgendaInput) error {
		w.record("SaveAgenda")
		return nil
	})
	w.env.OnActivity(a.SaveAgendaNotes, mock.Anything, mock.Anything).Return(func(_ context.Context, in AgendaNotesInput) error {
		w.record("SaveAgendaNotes")
		return nil
	})
	w.env.OnActivity(a.QueueForumInvites, mock.Anything, mock.Anything, mock.Anything).Return(func(_ context.Context, _ int64, _ bool) ([]outbox.Ref, error) {
		w.record("QueueForumInvites")
		return []outbox.Ref{{OutboxID: 950, MemberID: 101}}, nil
	})
	return w
}

// forumInput starts a forum's cycle: no quotas, a meeting and an agenda.
func forumInput() cycle.CycleInput {
	in := input()
	in.Quotas, in.ReservesPerStratum, in.Seed = nil, 0, 0
	in.Forum = true
	in.Agenda = []cycle.AgendaItem{{Title: "Hate crime reporting in schools", Lead: "Youth officer", Minutes: 30}, {Title: "Any other business"}}
	return in
}

func runForum(t *testing.T, w *world) cycle.CycleStatus {
	t.Helper()
	w.env.ExecuteWorkflow(CycleWorkflow, forumInput())
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

// TestForumCycleRunsWithoutCaseStages: a forum's cycle invites the members
// to a meeting on its agenda, waits for it, takes attendance, the notes of
// an item, a key message and an agreed action (whose tracking starts), and
// closes once the chair approves the minutes: no draw, conflict check,
// pack or review ever runs, and the case-only updates are refused.
func TestForumCycleRunsWithoutCaseStages(t *testing.T) {
	w := forumWorld(t)
	T := meeting
	var approveSel, finding, earlyNotes, lateAgenda, agenda, attendance, notes, badNotes, keyMessage, act, closeMeeting, approve *outcome
	w.at(start.Add(time.Hour), func() {
		approveSel = w.update(cycle.UpdateApproveSelection, wfID, cycle.ApproveSelectionRequest{By: "cath@example.org"})
		earlyNotes = w.update(cycle.UpdateAgendaNotes, wfID, cycle.AgendaNotes{Item: 1, Notes: "too early"})
		agenda = w.update(cycle.UpdateSetAgenda, wfID, cycle.SetAgendaRequest{Items: append(forumInput().Agenda, cycle.AgendaItem{Title: "Actions from last time"})})
	})
	w.at(T.Add(time.Hour), func() {
		lateAgenda = w.update(cycle.UpdateSetAgenda, wfID, cycle.SetAgendaRequest{Items: forumInput().Agenda})
		finding = w.update(cycle.UpdateRecordFinding, wfID, cycle.Finding{CaseID: 1, Category: form.Categories[0].Key})
		attendance = w.update(cycle.UpdateRecordAttendance, wfID, cycle.Attendance{Status: map[int64]string{101: "present", 102: "apologies"}})
		notes = w.update(cycle.UpdateAgendaNotes, wfID, cycle.AgendaNotes{Item: 3, Notes: "Two actions closed."})
		badNotes = w.update(cycle.UpdateAgendaNotes, wfID, cycle.AgendaNotes{Item: 4, Notes: "no such item"})
		keyMessage = w.update(cycle.UpdateAddLearningPoint, wfID, cycle.LearningPoint{Text: "Schools want a simple way to report", Tag: "partners"})
		act = w.update(cycle.UpdateAddAction, wfID, cycle.AgreedAction{Description: "Publish a schools reporting guide", OwnerName: "Owner",
			OwnerEmail: "owner@example.org", ManagerName: "Manager", ManagerEmail: "manager@example.org", Due: T.Add(60 * uktime.Day)})
	})
	w.at(T.Add(2*time.Hour), func() { closeMeeting = w.update(cycle.UpdateCloseMeeting, wfID) })
	w.at(T.Add(3*time.Hour), func() {
		approve = w.update(cycle.UpdateApproveMinutes, wfID, cycle.ApproveMinutesRequest{ApprovedBy: "chair@example.org"})
	})
	s := runForum(t, w)

	flowtest.MustReject(t, "approving a forum's selection", approveSel, "a forum reviews no cases, so it has no selection")
	flowtest.MustReject(t, "a finding at a forum", finding, "a forum reviews no cases")
	flowtest.MustReject(t, "notes before the meeting", earlyNotes, "not possible at this stage")
	flowtest.MustReject(t, "changing the agenda at the meeting", lateAgenda, "only before the meeting")
	flowtest.MustReject(t, "notes of an item not on the agenda", badNotes, "item 4 is not on the agenda")
	for what, o := range map[string]*outcome{"agenda": agenda, "attendance": attendance, "notes": notes, "key message": keyMessage,
		"action": act, "close meeting": closeMeeting, "approve minutes": approve} {
		flowtest.MustOK(t, what, o)
	}
	if s.Stage != "closed" || !s.Forum || !s.MinutesIssued {
		t.Errorf("status: stage %s, forum %v, minutes issued %v", s.Stage, s.Forum, s.MinutesIssued)
	}
	if !slices.Equal(s.Actions, []int64{55}) {
		t.Errorf("actions tracked: %v, want [55]", s.Actions)
	}
	if got := w.called("QueueForumInvites"); len(got) != 1 || !got[0].Equal(start) {
		t.Errorf("forum invitations queued at %v, want once at the start", got)
	}
	if got := w.called("SaveAgenda"); len(got) != 2 {
		t.Errorf("agenda saved %d times, want 2 (at the start and when changed)", len(got))
	}
	for _, name := range []string{"SelectCases", "ApproveSelection", "QueueConflictTeasers", "PreparePack", "RecordNonReturns", "QueueInvites", "RevokeAccess", "SetStage:conflict_check", "SetStage:reviewing"} {
		if got := w.called(name); len(got) > 0 {
			t.Errorf("a forum ran %s at %v", name, got)
		}
	}
	if got := w.called("SetStage:meeting"); len(got) != 1 || !got[0].Equal(T) {
		t.Errorf("meeting stage at %v, want %v", got, T)
	}
	if len(w.called("CloseCycle")) != 1 || len(w.called("IssueMinutes")) != 1 {
		t.Errorf("minutes issued %v, cycle closed %v", w.called("IssueMinutes"), w.called("CloseCycle"))
	}
}

// TestPanelCycleStillTakesApproval: the forum's refusals touch only
// forums; a panel's coordinator still approves the selection.
func TestPanelCycleStillTakesApproval(t *testing.T) {
	w := newWorld(t)
	var approve *outcome
	w.at(start.Add(time.Hour), func() { approve = w.update(cycle.UpdateApproveSelection, wfID) })
	cancelAt(w, start.Add(2*time.Hour))
	run(t, w)
	flowtest.MustOK(t, "a panel's approval", approve)
}
