package cycleflow

import (
	"testing"
	"time"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/testenv/flowtest"
	"github.com/lsip/scrutiny/uktime"
)

// TestDirectReviewsRemindFromTheStore: in a cycle whose reviews the server
// saves into the store, the member's review workflow takes no saves, and
// at each reminder time asks the store (through the activity) whether the
// member has anything unfinished: the member with reviews outstanding is
// reminded at every offset, the one who finished is asked about and never
// reminded, and no review is saved through the workflow.
func TestDirectReviewsRemindFromTheStore(t *testing.T) {
	w := newWorld(t)
	w.unfinished = map[int64]int{101: 0, 102: 3}
	T := meeting
	in := input()
	in.DirectReviews = true
	var approve, save *outcome
	w.at(start.Add(time.Hour), func() { approve = w.update(cycle.UpdateApproveSelection, wfID) })
	w.at(T.Add(-10*uktime.Day), func() { save = w.update(cycle.UpdateSaveReview, member(101), complete(1)) })
	w.at(T.Add(time.Hour), func() { w.update(cycle.UpdateCloseMeeting, wfID) })
	w.at(T.Add(2*time.Hour), func() {
		w.update(cycle.UpdateApproveMinutes, wfID, cycle.ApproveMinutesRequest{ApprovedBy: "chair"})
	})

	w.env.ExecuteWorkflow(CycleWorkflow, in)
	flowtest.MustOK(t, "approve", approve)
	flowtest.MustReject(t, "a save through the workflow of a direct review", save, "unknown update")
	if len(w.saved) != 0 {
		t.Errorf("%d reviews saved through the workflow, want none", len(w.saved))
	}
	assertTimes(t, "reminders to the member with reviews unfinished", w.reminders[102], T.Add(-8*uktime.Day), T.Add(-4*uktime.Day), T.Add(-2*uktime.Day))
	if len(w.reminders[101]) != 0 {
		t.Errorf("the member who had finished was reminded at %v", w.reminders[101])
	}
	if n := len(w.called("QueueReminderIfUnfinished")); n != 6 {
		t.Errorf("the store was asked %d times, want 6 (two members, three reminders each)", n)
	}
}
