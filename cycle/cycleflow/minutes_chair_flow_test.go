package cycleflow

import (
	"slices"
	"testing"
	"time"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/testenv/flowtest"
)

// TestClosingTheMeetingTellsTheChairs: each time the meeting closes and
// minutes are drafted, the chairs' email is queued once, at that moment,
// and delivered with the cycle's other mail.
func TestClosingTheMeetingTellsTheChairs(t *testing.T) {
	w := newWorld(t)
	T := meeting
	var approve, firstClose, secondClose *outcome
	var findings []*outcome
	w.at(start.Add(time.Hour), func() { approve = w.update(cycle.UpdateApproveSelection, wfID) })
	w.at(T.Add(time.Hour), func() {
		for _, id := range []int64{1, 2, 3} {
			findings = append(findings, w.update(cycle.UpdateRecordFinding, wfID, cycle.Finding{CaseID: id, Category: "handled_well", RecordedBy: "chair"}))
		}
	})
	w.at(T.Add(90*time.Minute), func() { firstClose = w.update(cycle.UpdateCloseMeeting, wfID) })
	w.at(T.Add(100*time.Minute), func() { secondClose = w.update(cycle.UpdateCloseMeeting, wfID) })
	w.at(T.Add(2*time.Hour), func() { w.update(cycle.UpdateApproveMinutes, wfID, cycle.ApproveMinutesRequest{ApprovedBy: "chair"}) })

	w.env.ExecuteWorkflow(CycleWorkflow, input())
	flowtest.MustOK(t, "approve", approve)
	for _, f := range findings {
		flowtest.MustOK(t, "finding", f)
	}
	flowtest.MustOK(t, "close the meeting", firstClose)
	flowtest.MustOK(t, "close it again after a correction", secondClose)
	assertTimes(t, "chairs told of draft minutes", w.called("QueueDraftMinutesMail"), T.Add(90*time.Minute), T.Add(100*time.Minute))
	w.mu.Lock()
	defer w.mu.Unlock()
	if !slices.Contains(w.delivered, 1470) {
		t.Errorf("delivered %v: the chairs' email (outbox 1470) was not delivered", w.delivered)
	}
}
