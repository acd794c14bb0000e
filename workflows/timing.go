// Package workflows holds scrutiny's Temporal workflows: the review cycle of
// one panel, each member's review inside it, and the tracking of each
// action. Workflows orchestrate and stay deterministic; the activities
// package does every piece of I/O. Workflow IDs are derived from the
// business keys, so a repeated start finds the running workflow.
package workflows

import (
	"fmt"
	"time"

	"github.com/lsip/scrutiny/activities"
)

// Timing holds the configurable offsets of a cycle's stages, relative to
// the meeting date T.
type Timing struct {
	ConflictCheckBefore time.Duration `json:"conflict_check_before"`
	PacksBefore         time.Duration `json:"packs_before"`
	ReviewsDueBefore    time.Duration `json:"reviews_due_before"`
	RevokeAfter         time.Duration `json:"revoke_after"`
	// Reminders are offsets before the reviews deadline at which members
	// with reviews outstanding are reminded.
	Reminders []time.Duration `json:"reminders"`
	// ApprovalNudgeEvery is how long the selection may wait for the
	// coordinator's approval before they are reminded, and again after.
	ApprovalNudgeEvery time.Duration `json:"approval_nudge_every"`
}

const day = 24 * time.Hour

// DefaultTiming is the domain's usual cycle: conflict check from three
// weeks before, packs two weeks before, reviews due the day before, access
// revoked the day after, and reminders 7, 3 and 1 days before the deadline.
func DefaultTiming() Timing {
	return Timing{
		ConflictCheckBefore: 21 * day,
		PacksBefore:         14 * day,
		ReviewsDueBefore:    1 * day,
		RevokeAfter:         1 * day,
		Reminders:           []time.Duration{7 * day, 3 * day, 1 * day},
		ApprovalNudgeEvery:  7 * day,
	}
}

// withDefaults fills unset fields, so callers may override only some.
func (t Timing) withDefaults() Timing {
	d := DefaultTiming()
	if t.ConflictCheckBefore == 0 {
		t.ConflictCheckBefore = d.ConflictCheckBefore
	}
	if t.PacksBefore == 0 {
		t.PacksBefore = d.PacksBefore
	}
	if t.ReviewsDueBefore == 0 {
		t.ReviewsDueBefore = d.ReviewsDueBefore
	}
	if t.RevokeAfter == 0 {
		t.RevokeAfter = d.RevokeAfter
	}
	if t.Reminders == nil {
		t.Reminders = d.Reminders
	}
	if t.ApprovalNudgeEvery == 0 {
		t.ApprovalNudgeEvery = d.ApprovalNudgeEvery
	}
	return t
}

// ScheduleFor derives every stage date from the meeting's start, so a
// reschedule moves them all together.
func (t Timing) ScheduleFor(meeting time.Time) activities.Schedule {
	return activities.Schedule{
		ConflictCheck: meeting.Add(-t.ConflictCheckBefore),
		PacksRelease:  meeting.Add(-t.PacksBefore),
		ReviewsDue:    meeting.Add(-t.ReviewsDueBefore),
		Meeting:       meeting,
		AccessRevoked: meeting.Add(t.RevokeAfter),
	}
}

// CycleWorkflowID is the deterministic ID of a panel's cycle for a
// finalised-date window: starting the same cycle twice finds the first.
func CycleWorkflowID(panelID int64, windowStart, windowEnd time.Time) string {
	return fmt.Sprintf("cycle-%d-%s-%s", panelID, windowStart.Format(time.DateOnly), windowEnd.Format(time.DateOnly))
}

// MemberReviewWorkflowID is the ID of one member's review in a cycle.
func MemberReviewWorkflowID(cycleWorkflowID string, memberID int64) string {
	return fmt.Sprintf("%s-member-%d", cycleWorkflowID, memberID)
}

// ActionWorkflowID is the ID of the workflow tracking one action.
func ActionWorkflowID(actionID int64) string {
	return fmt.Sprintf("action-%d", actionID)
}
