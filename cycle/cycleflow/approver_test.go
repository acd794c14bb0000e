package cycleflow

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/workflow"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/outbox"
	"github.com/lsip/scrutiny/testenv/flowtest"
	"github.com/lsip/scrutiny/uktime"
)

// TestApprovalCarriesTheApprover: the person the server names in the
// approval, and in the cancellation, reaches the activity that audits it.
func TestApprovalCarriesTheApprover(t *testing.T) {
	w := newWorld(t)
	var o *outcome
	w.at(start.Add(time.Hour), func() {
		o = w.update(cycle.UpdateApproveSelection, wfID, cycle.ApproveSelectionRequest{By: "cath@example.org"})
	})
	// Cancelled once approved, so the run ends without a meeting's record.
	w.at(meeting.Add(-10*uktime.Day), func() {
		w.update(cycle.UpdateCancel, wfID, cycle.CancelRequest{Reason: "test over", By: "cath@example.org"})
	})
	run(t, w)
	flowtest.MustOK(t, "approval", o)
	if n := len(w.called("approved by cath@example.org")); n != 1 {
		t.Errorf("the approval reached the activity naming cath@example.org %d times, want 1 (approvals: %d)", n, len(w.called("ApproveSelection")))
	}
	if n := len(w.called("cancelled by cath@example.org")); n != 1 {
		t.Errorf("the cancellation reached the activity naming cath@example.org %d times, want 1 (cancellations: %d)", n, len(w.called("CancelCycle")))
	}
}

// TestDepartureCarriesThePerson: the person the server names when a member
// leaves reaches the activity that excuses, and audits, their reviews.
func TestDepartureCarriesThePerson(t *testing.T) {
	w := newWorld(t)
	approveAt(w, start.Add(time.Hour))
	var o *outcome
	w.at(meeting.Add(-11*uktime.Day), func() {
		o = w.update(cycle.UpdateMemberLeft, wfID, cycle.MemberLeftRequest{MemberID: 101, By: "cath@example.org"})
	})
	cancelAt(w, meeting.Add(-10*uktime.Day))
	run(t, w)
	flowtest.MustOK(t, "member left", o)
	if n := len(w.called("excused by cath@example.org")); n != 1 {
		t.Errorf("the departure reached the activity naming cath@example.org %d times, want 1 (excusals: %d)", n, len(w.called("ExcuseReviews")))
	}
}

// TestOlderCyclesNameTheRole: a cycle whose history was recorded before
// departures and cancellations named the person (GetVersion answers
// DefaultVersion there) still runs ExcuseReviews and CancelCycle, as its
// history has them.
func TestOlderCyclesNameTheRole(t *testing.T) {
	w := newWorld(t)
	any3 := []any{mock.Anything, mock.Anything, mock.Anything}
	w.env.OnGetVersion(excuserChange, workflow.DefaultVersion, 1).Return(workflow.DefaultVersion)
	w.env.OnGetVersion(cancellerChange, workflow.DefaultVersion, 1).Return(workflow.DefaultVersion)
	w.env.OnActivity(a.ExcuseReviews, any3...).Return(func(_ context.Context, _, _ int64) (int, error) {
		w.record("ExcuseReviews by the role")
		return 2, nil
	})
	w.env.OnActivity(a.CancelCycle, any3...).Return(func(_ context.Context, _ int64, _ string) ([]outbox.Ref, error) {
		w.record("CancelCycle by the role")
		w.mu.Lock()
		w.cancelled = true
		w.mu.Unlock()
		return []outbox.Ref{{OutboxID: 1300, MemberID: 101}}, nil
	})
	approveAt(w, start.Add(time.Hour))
	var o *outcome
	w.at(meeting.Add(-11*uktime.Day), func() {
		o = w.update(cycle.UpdateMemberLeft, wfID, cycle.MemberLeftRequest{MemberID: 101, By: "cath@example.org"})
	})
	cancelAt(w, meeting.Add(-10*uktime.Day))
	run(t, w)
	flowtest.MustOK(t, "member left", o)
	if old, named := len(w.called("ExcuseReviews by the role")), len(w.called("ExcuseReviews")); old != 1 || named != 0 {
		t.Errorf("ExcuseReviews ran %d times and ExcuseReviewsBy %d, want once and never", old, named)
	}
	if old, named := len(w.called("CancelCycle by the role")), len(w.called("CancelCycle")); old != 1 || named != 0 {
		t.Errorf("CancelCycle ran %d times and CancelCycleBy %d, want once and never", old, named)
	}
}
