package cycleflow

import (
	"context"
	"encoding/json"

	"github.com/lsip/scrutiny/store"
)

// SaveSchedule stores the meeting, the schedule that follows from it and
// the cycle's stage in one transaction, then queues the invitations the
// meeting's sequence number calls for: what SaveMeeting, SetStage and
// QueueInvites (or QueueForumInvites) do, in one activity, so that the
// cycle's start and each reschedule cost its workflow one activity rather
// than three. A retry saves the same meeting again (the sequence rises only
// when the meeting changed) and finds the invitations already queued.
func (a *Activities) SaveSchedule(ctx context.Context, in ScheduleInput) (SavedSchedule, error) {
	sched, err := json.Marshal(in.Schedule)
	if err != nil {
		return SavedSchedule{}, err
	}
	var out SavedSchedule
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, out.Sequence, err = tx.SaveMeeting(ctx, in.CycleID, meetingPlan(in.Meeting)); err != nil {
			return err
		}
		return tx.SetCycleStage(ctx, in.CycleID, in.Stage, sched)
	})
	if err != nil {
		return SavedSchedule{}, err
	}
	queue := a.QueueInvites
	if in.Forum {
		queue = a.QueueForumInvites
	}
	out.Invites, err = queue(ctx, in.CycleID, false)
	return out, err
}
