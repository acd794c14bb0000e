package cycleflow

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/flowopts"
	"github.com/lsip/scrutiny/outbox"
	"github.com/lsip/scrutiny/outbox/outboxflow"
	"github.com/lsip/scrutiny/reviewform"
)

// form is the review form whose categories findings use.
var form = reviewform.Default()

// a and delivery name the activities the workflows call; their methods
// are used only as references, never called directly.
var (
	a        *Activities
	delivery *outboxflow.Activities
)

// cycleRun is the state of one running review cycle. PostgreSQL holds the
// records; this holds what the workflow needs to decide what happens next
// and to answer the status query.
type cycleRun struct {
	in     cycle.CycleInput
	timing cycle.Timing
	status cycle.CycleStatus

	members  map[int64]*cycle.MemberStatus
	approved bool
	// approving is set while an approval's activity runs, so a second
	// approval that passed validation meanwhile is refused, not repeated.
	approving bool
	// learningPoints are the IDs of this meeting's learning points, which
	// an agreed action may refer to.
	learningPoints []int64
	// scheduleChanged wakes any timer wait so it re-reads the schedule.
	scheduleChanged bool
	cancelled       bool
	meetingClosed   bool
	minutesApproved string // who approved, once they have
	redraws         map[string]int
	packsReleased   bool
	deadlinePassed  bool
	mailQueue       []outbox.Ref
	delivering      bool
	// reschedule is the latest reschedule the members' reviews have yet
	// to be told of, or are being told of.
	reschedule *RescheduleReview
	// runErr is set when run fails, releasing anyone waiting for the start.
	runErr error
}

// CycleWorkflow runs one panel's review cycle from the draw to the issued
// minutes. It waits weeks for people, so every wait is a durable timer or
// an update from the server.
func CycleWorkflow(ctx workflow.Context, in cycle.CycleInput) (cycle.CycleStatus, error) {
	c := &cycleRun{in: in, timing: in.Timing.WithDefaults(), members: map[int64]*cycle.MemberStatus{}, redraws: map[string]int{}}
	c.status.Stage = domain.StageSelecting
	c.status.Meeting = in.Meeting
	c.status.Schedule = c.timing.ScheduleFor(in.Meeting.Start)
	if err := c.setup(ctx); err != nil {
		return c.status, err
	}
	err := c.run(ctx)
	c.runErr = err
	// Let running update handlers, queued mail and the members' news of a
	// reschedule finish before returning.
	_ = workflow.Await(ctx, func() bool {
		return workflow.AllHandlersFinished(ctx) && len(c.mailQueue) == 0 && !c.delivering && c.reschedule == nil
	})
	return c.snapshot(), err
}

// setup registers the query, updates and signals. Validators refuse what
// the current stage cannot accept, with a reason a person can act on.
func (c *cycleRun) setup(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, cycle.QueryStatus, func() (cycle.CycleStatus, error) { return c.snapshot(), nil }); err != nil {
		return err
	}
	updates := []struct {
		name      string
		handler   any
		validator any
	}{
		{cycle.UpdateApproveSelection, c.approveSelection, c.validateApprove},
		{cycle.UpdateReplaceCase, c.replaceCase, c.validateReplace},
		{cycle.UpdateScheduleMeeting, c.scheduleMeeting, c.validateSchedule},
		{cycle.UpdateDeclareConflict, c.declareConflict, c.validateConflict},
		{cycle.UpdateReportIdentifying, c.reportIdentifying, c.validateIdentifying},
		{cycle.UpdateMemberLeft, c.memberLeft, c.validateMemberLeft},
		{cycle.UpdateRecordAttendance, c.recordAttendance, c.validateAttendance},
		{cycle.UpdateRecordFinding, c.recordFinding, c.validateFinding},
		{cycle.UpdateAddLearningPoint, c.addLearningPoint, c.validateLearningPoint},
		{cycle.UpdateAddAction, c.addAction, c.validateAction},
		{cycle.UpdateCloseMeeting, c.closeMeeting, c.validateCloseMeeting},
		{cycle.UpdateApproveMinutes, c.approveMinutes, c.validateApproveMinutes},
		{cycle.UpdateCancel, c.cancel, c.validateCancel},
	}
	if err := workflow.SetUpdateHandler(ctx, cycle.UpdateStarted, func(ctx workflow.Context) (cycle.CycleStatus, error) {
		if err := workflow.Await(ctx, func() bool { return c.status.CycleID != 0 || c.runErr != nil }); err != nil {
			return c.snapshot(), err
		}
		if c.status.CycleID == 0 {
			return c.snapshot(), c.runErr
		}
		return c.snapshot(), nil
	}); err != nil {
		return err
	}
	refusals := c.forumRefusals() // a forum refuses the case-only updates
	for _, u := range updates {
		if v, ok := refusals[u.name]; ok {
			u.validator = v
		}
		if err := workflow.SetUpdateHandlerWithOptions(ctx, u.name, u.handler, workflow.UpdateHandlerOptions{Validator: u.validator}); err != nil {
			return err
		}
	}
	workflow.Go(ctx, func(ctx workflow.Context) {
		ch := workflow.GetSignalChannel(ctx, cycle.SignalReviewProgress)
		for {
			var p cycle.ReviewProgress
			ch.Receive(ctx, &p)
			if m := c.members[p.MemberID]; m != nil {
				m.ReviewProgress = p
			}
		}
	})
	workflow.Go(ctx, func(ctx workflow.Context) {
		ch := workflow.GetSignalChannel(ctx, cycle.SignalMemberBounced)
		for {
			var memberID int64
			ch.Receive(ctx, &memberID)
			c.memberBounced(ctx, memberID)
		}
	})
	workflow.Go(ctx, c.deliverMail)
	workflow.Go(ctx, c.sendReschedules)
	return nil
}

// startScheduleInOne marks the change from a start that stored the
// meeting, queued the invitations and moved to the coordinator's check in
// three activities to one, SaveSchedule, as a reschedule does
// (rescheduleInOne); histories recorded before it replay the three.
const startScheduleInOne = "start-schedule-in-one"

// run drives the stages in order. Each timed stage waits on a timer that a
// reschedule re-arms, and a cancellation ends the cycle from any stage.
func (c *cycleRun) run(ctx workflow.Context) error {
	if c.in.Forum {
		return c.runForum(ctx) // forum.go: the case stages skipped
	}
	actx := flowopts.Activity(ctx)
	schedule := c.status.Schedule
	var err error
	if err = workflow.ExecuteActivity(actx, a.CreateCycle, CreateCycleInput{
		WorkflowID: workflow.GetInfo(ctx).WorkflowExecution.ID, PanelID: c.in.PanelID,
		WindowStart: c.in.WindowStart, WindowEnd: c.in.WindowEnd, Theme: c.in.Theme,
		Quotas: c.in.Quotas, TotalQuota: c.in.TotalQuota, ReservesPerStratum: c.in.ReservesPerStratum,
		WidenMonths: c.in.WidenMonths, StartedBy: c.in.StartedBy,
		CoordinatorName: c.in.CoordinatorName, CoordinatorEmail: c.in.CoordinatorEmail, Schedule: schedule,
		ThemeFilter: c.in.ThemeFilter, DirectReviews: c.in.DirectReviews,
	}).Get(ctx, &c.status.CycleID); err != nil {
		return fmt.Errorf("create cycle: %w", err)
	}

	c.status.Seed = c.in.Seed
	if c.status.Seed == 0 {
		// The seed is drawn once and recorded, so the draw can be re-run.
		if err := workflow.SideEffect(ctx, func(workflow.Context) any {
			return time.Now().UnixNano()
		}).Get(&c.status.Seed); err != nil {
			return err
		}
	}
	var sel Selection
	if err := workflow.ExecuteActivity(actx, a.SelectCases, SelectInput{CycleID: c.status.CycleID, Seed: c.status.Seed}).Get(ctx, &sel); err != nil {
		return fmt.Errorf("select cases: %w", err)
	}
	c.status.Cases, c.status.Strata = sel.Cases, sel.Strata
	for _, st := range sel.Strata {
		if st.Shortfall > 0 {
			c.notice("%s: %d eligible for a quota of %d, so the cycle takes all of them (a shortfall of %d).", st.Strand, st.Eligible, st.Quota, st.Shortfall)
		}
	}
	if workflow.GetVersion(ctx, startScheduleInOne, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		if err := c.saveMeeting(ctx); err != nil {
			return err
		}
		if err := c.setStage(ctx, domain.StageCoordinatorCheck); err != nil {
			return err
		}
	} else {
		if err := c.saveSchedule(ctx, domain.StageCoordinatorCheck); err != nil {
			return err
		}
		c.status.Stage = domain.StageCoordinatorCheck
	}

	// Coordinator check: wait for approval, nudging the coordinator.
	for nudge := 1; !c.approved && !c.cancelled; nudge++ {
		ok, err := workflow.AwaitWithTimeout(ctx, c.timing.ApprovalNudgeEvery, func() bool { return c.approved || c.cancelled })
		if err != nil {
			return err
		}
		if !ok {
			c.alert(ctx, Alert{Kind: "awaiting_approval", Key: fmt.Sprintf("awaiting_approval/%d", nudge)})
		}
	}
	if c.cancelled {
		return c.finishCancelled(ctx)
	}

	if !c.waitUntil(ctx, func(s cycle.Schedule) time.Time { return s.ConflictCheck }) {
		return c.finishCancelled(ctx)
	}
	if err := c.setStage(ctx, domain.StageConflictCheck); err != nil {
		return err
	}
	var teasers []outbox.Ref
	if err := workflow.ExecuteActivity(actx, a.QueueConflictTeasers, c.status.CycleID).Get(ctx, &teasers); err != nil {
		return err
	}
	c.queueMail(teasers...)

	if !c.waitUntil(ctx, func(s cycle.Schedule) time.Time { return s.PacksRelease }) {
		return c.finishCancelled(ctx)
	}
	if err := c.releasePacks(ctx); err != nil {
		return err
	}

	if !c.waitUntil(ctx, func(s cycle.Schedule) time.Time { return s.ReviewsDue }) {
		return c.finishCancelled(ctx)
	}
	if err := c.recordNonReturns(ctx); err != nil {
		return err
	}

	if !c.waitUntil(ctx, func(s cycle.Schedule) time.Time { return s.Meeting }) {
		return c.finishCancelled(ctx)
	}
	if err := c.setStage(ctx, domain.StageMeeting); err != nil {
		return err
	}

	// After the meeting: access ends at its time whatever the minutes are
	// doing, and the cycle closes once both are done.
	for !(c.status.MinutesIssued && c.status.AccessRevoked) {
		if !c.status.AccessRevoked {
			if !c.waitUntil(ctx, func(s cycle.Schedule) time.Time { return s.AccessRevoked }) {
				return c.finishCancelled(ctx)
			}
			if err := workflow.ExecuteActivity(actx, a.RevokeAccess, c.status.CycleID).Get(ctx, nil); err != nil {
				return err
			}
			c.status.AccessRevoked = true
			continue
		}
		if err := workflow.Await(ctx, func() bool { return c.status.MinutesIssued || c.cancelled }); err != nil {
			return err
		}
		if c.cancelled {
			return c.finishCancelled(ctx)
		}
	}
	if err := workflow.ExecuteActivity(actx, a.CloseCycle, c.status.CycleID).Get(ctx, nil); err != nil {
		return err
	}
	c.status.Stage = domain.StageClosed
	return nil
}

// waitUntil sleeps until the schedule's date picked by at, re-arming the
// timer whenever the meeting is rescheduled. It returns false if the cycle
// was cancelled meanwhile.
func (c *cycleRun) waitUntil(ctx workflow.Context, at func(cycle.Schedule) time.Time) bool {
	for !c.cancelled {
		wait := at(c.status.Schedule).Sub(workflow.Now(ctx))
		if wait <= 0 {
			return true
		}
		c.scheduleChanged = false
		if _, err := workflow.AwaitWithTimeout(ctx, wait, func() bool { return c.scheduleChanged || c.cancelled }); err != nil {
			return false
		}
	}
	return false
}

// setStage records the stage, with the current schedule, then moves to it.
func (c *cycleRun) setStage(ctx workflow.Context, stage domain.Stage) error {
	if err := workflow.ExecuteActivity(flowopts.Activity(ctx), a.SetStage, c.status.CycleID, stage, c.status.Schedule).Get(ctx, nil); err != nil {
		return fmt.Errorf("set stage %s: %w", stage, err)
	}
	c.status.Stage = stage
	return nil
}

// saveMeeting stores the meeting and queues the invites its sequence
// number calls for.
func (c *cycleRun) saveMeeting(ctx workflow.Context) error {
	var saved SavedMeeting
	if err := workflow.ExecuteActivity(flowopts.Activity(ctx), a.SaveMeeting, c.status.CycleID, c.status.Meeting).Get(ctx, &saved); err != nil {
		return fmt.Errorf("save meeting: %w", err)
	}
	c.status.MeetingSequence = saved.Sequence
	var invites []outbox.Ref
	queue := a.QueueInvites
	if c.in.Forum {
		queue = a.QueueForumInvites // with the agenda, and no word of packs
	}
	if err := workflow.ExecuteActivity(flowopts.Activity(ctx), queue, c.status.CycleID, false).Get(ctx, &invites); err != nil {
		return fmt.Errorf("queue invites: %w", err)
	}
	c.queueMail(invites...)
	return nil
}

// recordNonReturns marks the reviews still missing at the deadline and
// tells the coordinator who has not returned what.
func (c *cycleRun) recordNonReturns(ctx workflow.Context) error {
	var missing []NonReturn
	if err := workflow.ExecuteActivity(flowopts.Activity(ctx), a.RecordNonReturns, c.status.CycleID).Get(ctx, &missing); err != nil {
		return err
	}
	c.deadlinePassed = true
	for _, nr := range missing {
		if m := c.members[nr.MemberID]; m != nil {
			m.NotSubmitted = len(nr.CaseIDs)
		}
	}
	if len(missing) > 0 {
		c.alert(ctx, Alert{Kind: "non_returns", Key: "non_returns"})
	}
	return nil
}

// finishCancelled tells the members, revokes access and stops every
// member's review; the records stay.
func (c *cycleRun) finishCancelled(ctx workflow.Context) error {
	var mails []outbox.Ref
	if err := c.recordCancel(ctx).Get(ctx, &mails); err != nil {
		return err
	}
	c.queueMail(mails...)
	c.signalMembers(ctx, cycle.SignalCloseReview, nil)
	c.status.Stage = domain.StageCancelled
	c.status.AccessRevoked = true
	return nil
}
