package cycleflow

import (
	"testing"
	"time"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/testenv/flowtest"
)

// TestApprovalCarriesTheApprover: the person the server names in the
// approval reaches the activity that audits it.
func TestApprovalCarriesTheApprover(t *testing.T) {
	w := newWorld(t)
	var o *outcome
	w.at(start.Add(time.Hour), func() {
		o = w.update(cycle.UpdateApproveSelection, wfID, cycle.ApproveSelectionRequest{By: "cath@example.org"})
	})
	run(t, w)
	flowtest.MustOK(t, "approval", o)
	if n := len(w.called("approved by cath@example.org")); n != 1 {
		t.Errorf("the approval reached the activity naming cath@example.org %d times, want 1 (approvals: %d)", n, len(w.called("ApproveSelection")))
	}
}
