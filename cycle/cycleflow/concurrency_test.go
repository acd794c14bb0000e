package cycleflow

import (
	"testing"
	"time"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/testenv/flowtest"
	"github.com/lsip/scrutiny/uktime"
)

// TestConcurrentApprovalsAndCancelsAreSerialised: two approvals sent
// together both reach the workflow before either's activity returns; one
// approves and the other is refused, and the selection is approved once.
// Two cancels sent together cancel once, keeping the first reason.
func TestConcurrentApprovalsAndCancelsAreSerialised(t *testing.T) {
	w := newWorld(t)
	var first, second *outcome
	w.at(start.Add(time.Hour), func() {
		first = w.update(cycle.UpdateApproveSelection, wfID)
		second = w.update(cycle.UpdateApproveSelection, wfID)
	})
	var cancelA, cancelB *outcome
	w.at(meeting.Add(-10*uktime.Day), func() {
		cancelA = w.update(cycle.UpdateCancel, wfID, cycle.CancelRequest{Reason: "chair unavailable", By: "coordinator"})
		cancelB = w.update(cycle.UpdateCancel, wfID, cycle.CancelRequest{Reason: "a second click", By: "coordinator"})
	})
	s := run(t, w)
	flowtest.MustOK(t, "first approval", first)
	flowtest.MustReject(t, "second approval sent at the same moment", second, "already approved")
	if n := len(w.called("ApproveSelection")); n != 1 {
		t.Errorf("the selection was approved %d times", n)
	}
	flowtest.MustOK(t, "first cancel", cancelA)
	flowtest.MustReject(t, "second cancel sent at the same moment", cancelB, "already cancelled")
	if s.CancelReason != "chair unavailable" || len(w.called("CancelCycle")) != 1 {
		t.Errorf("cancelled with %q, CancelCycle run %d times", s.CancelReason, len(w.called("CancelCycle")))
	}
}
