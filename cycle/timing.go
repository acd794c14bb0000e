package cycle

import (
	"fmt"
	"time"

	"github.com/lsip/scrutiny/uktime"
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

// DefaultTiming is the domain's usual cycle: conflict check from three
// weeks before, packs two weeks before, reviews due the day before, access
// revoked the day after, and reminders 7, 3 and 1 days before the deadline.
func DefaultTiming() Timing {
	return Timing{
		ConflictCheckBefore: 21 * uktime.Day,
		PacksBefore:         14 * uktime.Day,
		ReviewsDueBefore:    1 * uktime.Day,
		RevokeAfter:         1 * uktime.Day,
		Reminders:           []time.Duration{7 * uktime.Day, 3 * uktime.Day, 1 * uktime.Day},
		ApprovalNudgeEvery:  7 * uktime.Day,
	}
}

// WithDefaults fills unset fields, so callers may override only some.
func (t Timing) WithDefaults() Timing {
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
func (t Timing) ScheduleFor(meeting time.Time) Schedule {
	return Schedule{
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

// RestartedCycleWorkflowID is the ID of a cycle started again for a panel
// and window after cancelled earlier ones had first: the first cycle's ID
// with the number of cancelled cycles before it. It stays deterministic,
// so starting the same restart twice still finds the first.
func RestartedCycleWorkflowID(firstID string, cancelledBefore int) string {
	if cancelledBefore == 0 {
		return firstID
	}
	return fmt.Sprintf("%s-after-%d-cancelled", firstID, cancelledBefore)
}

// MemberReviewWorkflowID is the ID of one member's review in a cycle.
func MemberReviewWorkflowID(cycleWorkflowID string, memberID int64) string {
	return fmt.Sprintf("%s-member-%d", cycleWorkflowID, memberID)
}

// The workflow type names, as recorded in the history of running
// workflows. The worker registers the workflows under these names.
const (
	WorkflowName             = "CycleWorkflow"
	MemberReviewWorkflowName = "MemberReviewWorkflow"
)

// Bounds on a cycle's offsets: wide enough for any real panel's calendar
// (and for tests that compress a cycle into seconds), narrow enough that a
// typing slip can neither flood a coordinator with nudges nor keep a
// member's link alive for a century.
const (
	maxLeadTime     = 120 * uktime.Day // conflict check, packs or deadline before the meeting
	maxRevokeAfter  = 30 * uktime.Day  // links stay valid after the meeting
	maxReminders    = 10
	minNudgeEvery   = time.Hour
	maxNudgeEvery   = 60 * uktime.Day
	maxReminderLead = 60 * uktime.Day
)

// Problems checks t with its defaults filled, and names each field that is
// out of bounds or out of order, with the reason in words. None means the
// timing is usable.
func (t Timing) Problems() map[string]string {
	t = t.WithDefaults()
	p := map[string]string{}
	for field, d := range map[string]time.Duration{
		"conflict_check_before": t.ConflictCheckBefore, "packs_before": t.PacksBefore, "reviews_due_before": t.ReviewsDueBefore,
	} {
		if d <= 0 || d > maxLeadTime {
			p[field] = "must be more than 0 and at most 120 days"
		}
	}
	if len(p) == 0 && !(t.ConflictCheckBefore >= t.PacksBefore && t.PacksBefore > t.ReviewsDueBefore) {
		p["packs_before"] = "the conflict check must start no later than the packs go out, and the packs must go out before reviews are due"
	}
	if t.RevokeAfter <= 0 || t.RevokeAfter > maxRevokeAfter {
		p["revoke_after"] = "must be more than 0 and at most 30 days"
	}
	if len(t.Reminders) > maxReminders {
		p["reminders"] = "at most 10 reminders"
	}
	for _, r := range t.Reminders {
		if r <= 0 || r > maxReminderLead {
			p["reminders"] = "each reminder must be more than 0 and at most 60 days before the deadline"
		}
	}
	if t.ApprovalNudgeEvery < minNudgeEvery || t.ApprovalNudgeEvery > maxNudgeEvery {
		p["approval_nudge_every"] = "must be at least 1 hour and at most 60 days"
	}
	return p
}
