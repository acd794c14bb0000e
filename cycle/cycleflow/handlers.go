package cycleflow

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/flowopts"
)

// Selection check.

func (c *cycleRun) validateApprove(workflow.Context, cycle.ApproveSelectionRequest) error {
	if err := c.stageIs(domain.StageCoordinatorCheck); err != nil {
		return err
	}
	if c.approved || c.approving {
		return errors.New("the selection is already approved")
	}
	return nil
}

// approverChange marks the cycles whose approval of the selection runs
// ApproveSelectionBy, naming the approver; histories recorded before it
// replay ApproveSelection.
const approverChange = "approve-selection-by"

// approveSelection re-checks what its validator checked: two approvals may
// both pass validation before either handler runs. Cycles that approved
// before approvals named the approver replay the activity they ran then;
// approvals sent before the request carried By have an empty one.
func (c *cycleRun) approveSelection(ctx workflow.Context, r cycle.ApproveSelectionRequest) ([]cycle.CycleCase, error) {
	if c.approved || c.approving {
		return nil, errors.New("the selection is already approved")
	}
	c.approving = true
	defer func() { c.approving = false }()
	var cases []cycle.CycleCase
	var approval workflow.Future
	if workflow.GetVersion(ctx, approverChange, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		approval = workflow.ExecuteActivity(flowopts.Activity(ctx), a.ApproveSelection, c.status.CycleID)
	} else {
		approval = workflow.ExecuteActivity(flowopts.Activity(ctx), a.ApproveSelectionBy, ApproveInput{CycleID: c.status.CycleID, By: r.By})
	}
	if err := approval.Get(ctx, &cases); err != nil {
		return nil, err
	}
	c.status.Cases = cases
	c.approved = true
	// The stage stays at the check until the conflict check opens, which
	// may be weeks away; say so, so the coordinator knows it went through.
	c.notice("The selection is approved. Members are asked about conflicts of interest from %s.", c.status.Schedule.ConflictCheck.UTC().Format("2 January 2006"))
	return cases, nil
}

func (c *cycleRun) validateReplace(_ workflow.Context, r cycle.ReplaceRequest) error {
	if err := c.stageIs(domain.StageCoordinatorCheck); err != nil {
		return err
	}
	if !c.inReview(r.CaseID) {
		return fmt.Errorf("case %d is not in this cycle's selection", r.CaseID)
	}
	if !r.Redraw && strings.TrimSpace(r.Reason) == "" {
		return errors.New("give a reason for withdrawing the case; it stays internal")
	}
	return nil
}

// replaceCase withdraws a case. The next reserve of its stratum takes its
// place, or a fresh reproducible draw when asked; with neither the cycle
// runs one case short and says so.
func (c *cycleRun) replaceCase(ctx workflow.Context, r cycle.ReplaceRequest) (Replacement, error) {
	i := c.caseIndex(r.CaseID)
	stratum := c.status.Cases[i].Stratum
	in := ReplaceInput{CycleID: c.status.CycleID, CaseID: r.CaseID, Reason: r.Reason, By: r.By, Redraw: r.Redraw, Seed: c.status.Seed}
	if r.Redraw {
		c.redraws[stratum]++
		in.Attempt = c.redraws[stratum]
	}
	var out Replacement
	if err := workflow.ExecuteActivity(flowopts.Activity(ctx), a.ReplaceCase, in).Get(ctx, &out); err != nil {
		return out, err
	}
	// The case may have moved while the activity ran; find it again.
	c.status.Cases[c.caseIndex(r.CaseID)].Status = string(domain.CaseWithdrawn)
	if out.Replacement == nil {
		c.notice("A %s case was withdrawn and no reserve was left, so the cycle runs with one case fewer.", stratum)
		return out, nil
	}
	if j := c.caseIndex(out.Replacement.CaseID); j >= 0 {
		c.status.Cases[j] = *out.Replacement
	} else {
		c.status.Cases = append(c.status.Cases, *out.Replacement)
	}
	return out, nil
}

// Meeting.

func (c *cycleRun) validateSchedule(ctx workflow.Context, m cycle.Meeting) error {
	if err := c.stageIs(domain.StageSelecting, domain.StageCoordinatorCheck, domain.StageConflictCheck, domain.StageReviewing); err != nil {
		return err
	}
	if !m.Start.After(workflow.Now(ctx)) {
		return errors.New("the meeting must start in the future")
	}
	if !m.End.After(m.Start) {
		return errors.New("the meeting must end after it starts")
	}
	if strings.TrimSpace(m.Location) == "" && strings.TrimSpace(m.OnlineLink) == "" {
		return errors.New("give a place or an online link for the meeting")
	}
	return nil
}

// scheduleMeeting sets or changes the meeting. Every stage date moves with
// it, and every member gets an updated invite (same UID, higher SEQUENCE).
func (c *cycleRun) scheduleMeeting(ctx workflow.Context, m cycle.Meeting) (cycle.CycleStatus, error) {
	c.status.Meeting = m
	c.status.Schedule = c.timing.ScheduleFor(m.Start)
	if workflow.GetVersion(ctx, rescheduleInOne, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		if err := c.saveMeeting(ctx); err != nil {
			return c.snapshot(), err
		}
		if err := workflow.ExecuteActivity(flowopts.Activity(ctx), a.SetStage, c.status.CycleID, c.status.Stage, c.status.Schedule).Get(ctx, nil); err != nil {
			return c.snapshot(), err
		}
	} else if err := c.saveSchedule(ctx, c.status.Stage); err != nil {
		return c.snapshot(), err
	}
	c.scheduleChanged = true
	news := RescheduleReview{Deadline: c.status.Schedule.ReviewsDue, MeetingStart: m.Start}
	if workflow.GetVersion(ctx, reschedulesBehind, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		c.signalMembers(ctx, cycle.SignalRescheduleReview, news)
	} else {
		c.reschedule = &news // sendReschedules tells the members
	}
	return c.snapshot(), nil
}

// rescheduleInOne marks the change from a reschedule that ran three
// activities before answering (SaveMeeting, QueueInvites, SetStage: three
// round trips through the cycle's workflow, each waiting on its lock in
// the history service under load) to one, SaveSchedule; histories
// recorded before it replay the three.
const rescheduleInOne = "reschedule-in-one"

// saveSchedule stores the meeting and the schedule with the cycle at
// stage, and queues the invitations, in one activity. It leaves the
// workflow's stage to its caller: a reschedule's stage may move on while
// the activity runs.
func (c *cycleRun) saveSchedule(ctx workflow.Context, stage domain.Stage) error {
	var saved SavedSchedule
	if err := workflow.ExecuteActivity(flowopts.Activity(ctx), a.SaveSchedule, ScheduleInput{
		CycleID: c.status.CycleID, Meeting: c.status.Meeting, Stage: stage, Schedule: c.status.Schedule, Forum: c.in.Forum,
	}).Get(ctx, &saved); err != nil {
		return fmt.Errorf("save schedule: %w", err)
	}
	c.status.MeetingSequence = saved.Sequence
	c.queueMail(saved.Invites...)
	return nil
}

// Conflicts and identifying detail.

func (c *cycleRun) validateConflict(_ workflow.Context, r cycle.ConflictRequest) error {
	if err := c.stageIs(domain.StageCoordinatorCheck, domain.StageConflictCheck, domain.StageReviewing); err != nil {
		return err
	}
	if !c.inReview(r.CaseID) {
		return fmt.Errorf("case %d is not in this cycle", r.CaseID)
	}
	if slices.ContainsFunc(c.status.Conflicts, func(x cycle.ConflictRequest) bool { return x.MemberID == r.MemberID && x.CaseID == r.CaseID }) {
		return errors.New("this conflict is already declared")
	}
	if m := c.members[r.MemberID]; m != nil && m.Left {
		return errors.New("this member has left the panel")
	}
	return nil
}

// declareConflict records a declaration. After the packs are out, the
// member's access to the case ends at once and it leaves their list.
func (c *cycleRun) declareConflict(ctx workflow.Context, r cycle.ConflictRequest) error {
	afterRelease := c.packsReleased
	// Recorded before the activity runs, so a second declaration arriving
	// meanwhile is refused as a duplicate; taken back if storing fails.
	c.status.Conflicts = append(c.status.Conflicts, r)
	if err := workflow.ExecuteActivity(flowopts.Activity(ctx), a.RecordConflict, ConflictInput{
		CycleID: c.status.CycleID, MemberID: r.MemberID, CaseID: r.CaseID, Note: r.Note, AfterRelease: afterRelease,
	}).Get(ctx, nil); err != nil {
		c.status.Conflicts = slices.DeleteFunc(c.status.Conflicts, func(x cycle.ConflictRequest) bool { return x == r })
		return err
	}
	if afterRelease {
		c.signalMember(ctx, r.MemberID, cycle.SignalRemoveCase, r.CaseID)
	}
	return nil
}

func (c *cycleRun) validateIdentifying(_ workflow.Context, r cycle.IdentifyingRequest) error {
	if err := c.stageIs(domain.StageCoordinatorCheck, domain.StageConflictCheck, domain.StageReviewing, domain.StageMeeting); err != nil {
		return err
	}
	if !c.inReview(r.CaseID) {
		return fmt.Errorf("case %d is not in this cycle or has already been pulled", r.CaseID)
	}
	return nil
}

// reportIdentifying pulls the case from every pack at once, alerts the
// coordinator and logs the report.
func (c *cycleRun) reportIdentifying(ctx workflow.Context, r cycle.IdentifyingRequest) error {
	if err := workflow.ExecuteActivity(flowopts.Activity(ctx), a.RecordIdentifyingReport, IdentifyingReport{
		CycleID: c.status.CycleID, MemberID: r.MemberID, CaseID: r.CaseID, Detail: r.Detail,
	}).Get(ctx, nil); err != nil {
		return err
	}
	c.status.Cases[c.caseIndex(r.CaseID)].Status = string(domain.CasePulled)
	c.notice("A case was pulled from every pack after a member reported identifying detail.")
	c.signalMembers(ctx, cycle.SignalRemoveCase, r.CaseID)
	c.alert(ctx, Alert{Kind: "identifying_detail", Key: fmt.Sprintf("identifying/%d", r.CaseID), MemberID: r.MemberID, CaseID: r.CaseID})
	return nil
}

func (c *cycleRun) validateMemberLeft(_ workflow.Context, r cycle.MemberLeftRequest) error {
	if c.status.Stage == domain.StageClosed || c.status.Stage == domain.StageCancelled {
		return c.stageIs(domain.StageCoordinatorCheck, domain.StageConflictCheck, domain.StageReviewing, domain.StageMeeting, domain.StageMinutes)
	}
	if m := c.members[r.MemberID]; m != nil && m.Left {
		return errors.New("this member has already left")
	}
	return nil
}

// excuserChange marks the cycles whose departures run ExcuseReviewsBy,
// naming the person who said the member left; histories recorded before
// it replay ExcuseReviews.
const excuserChange = "excuse-reviews-by"

// memberLeft excuses the member's open reviews and ends their access;
// reviews they submitted are kept.
func (c *cycleRun) memberLeft(ctx workflow.Context, r cycle.MemberLeftRequest) error {
	var excusal workflow.Future
	if workflow.GetVersion(ctx, excuserChange, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		excusal = workflow.ExecuteActivity(flowopts.Activity(ctx), a.ExcuseReviews, c.status.CycleID, r.MemberID)
	} else {
		excusal = workflow.ExecuteActivity(flowopts.Activity(ctx), a.ExcuseReviewsBy, ExcuseInput{CycleID: c.status.CycleID, MemberID: r.MemberID, By: r.By})
	}
	var excused int
	if err := excusal.Get(ctx, &excused); err != nil {
		return err
	}
	c.signalMember(ctx, r.MemberID, cycle.SignalLeave, nil)
	m := c.member(r.MemberID)
	m.Left = true
	m.Excused += excused
	m.Outstanding = 0
	return nil
}

// The meeting's record.

func (c *cycleRun) validateCancel(_ workflow.Context, r cycle.CancelRequest) error {
	if c.cancelled || c.status.Stage == domain.StageClosed {
		return c.stageIs(domain.StageSelecting, domain.StageCoordinatorCheck, domain.StageConflictCheck, domain.StageReviewing, domain.StageMeeting)
	}
	if c.status.Stage == domain.StageMinutes {
		return errors.New("the meeting has been held; its minutes cannot be cancelled")
	}
	if strings.TrimSpace(r.Reason) == "" {
		return errors.New("give a reason for cancelling")
	}
	return nil
}

// cancel re-checks its validator's test: a second cancel may pass
// validation before the first one's handler runs.
func (c *cycleRun) cancel(_ workflow.Context, r cycle.CancelRequest) error {
	if c.cancelled {
		return errors.New("the cycle is already cancelled")
	}
	c.cancelled = true
	c.status.CancelReason = r.Reason
	c.status.CancelledBy = r.By
	return nil
}

// cancellerChange marks the cycles whose cancellation runs CancelCycleBy,
// naming the person who cancelled; histories recorded before it replay
// CancelCycle.
const cancellerChange = "cancel-cycle-by"

// recordCancel runs the activity that records the cancellation and
// returns its future (the members' notices).
func (c *cycleRun) recordCancel(ctx workflow.Context) workflow.Future {
	if workflow.GetVersion(ctx, cancellerChange, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return workflow.ExecuteActivity(flowopts.Activity(ctx), a.CancelCycle, c.status.CycleID, c.status.CancelReason)
	}
	return workflow.ExecuteActivity(flowopts.Activity(ctx), a.CancelCycleBy,
		CancelInput{CycleID: c.status.CycleID, Reason: c.status.CancelReason, By: c.status.CancelledBy})
}

// RescheduleReview moves a member's deadline and meeting.
type RescheduleReview struct {
	Deadline     time.Time `json:"deadline"`
	MeetingStart time.Time `json:"meeting_start"`
}
