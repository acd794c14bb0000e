package workflows

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/lsip/scrutiny/activities"
)

// a is the typed handle for activity method references; it is never
// dereferenced in workflow code.
var a *activities.Activities

// cycle is the state of one running review cycle. PostgreSQL holds the
// records; this holds what the workflow needs to decide what happens next
// and to answer the status query.
type cycle struct {
	in     CycleInput
	timing Timing
	status CycleStatus

	members  map[int64]*MemberStatus
	approved bool
	// scheduleChanged wakes any timer wait so it re-reads the schedule.
	scheduleChanged bool
	cancelled       bool
	meetingClosed   bool
	minutesApproved string // who approved, once they have
	redraws         map[string]int
	packsReleased   bool
	deadlinePassed  bool
	mailQueue       []activities.MailRef
	delivering      bool
	// runErr is set when run fails, releasing anyone waiting for the start.
	runErr error
}

// CycleWorkflow runs one panel's review cycle from the draw to the issued
// minutes. It waits weeks for people, so every wait is a durable timer or
// an update from the server.
func CycleWorkflow(ctx workflow.Context, in CycleInput) (CycleStatus, error) {
	c := &cycle{in: in, timing: in.Timing.withDefaults(), members: map[int64]*MemberStatus{}, redraws: map[string]int{}}
	c.status.Stage = StageSelecting
	c.status.Meeting = in.Meeting
	c.status.Schedule = c.timing.ScheduleFor(in.Meeting.Start)
	if err := c.setup(ctx); err != nil {
		return c.status, err
	}
	err := c.run(ctx)
	c.runErr = err
	// Let running update handlers and queued mail finish before returning.
	_ = workflow.Await(ctx, func() bool {
		return workflow.AllHandlersFinished(ctx) && len(c.mailQueue) == 0 && !c.delivering
	})
	return c.snapshot(), err
}

func activityCtx(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 2 * time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    10 * time.Minute,
		},
	})
}

// setup registers the query, updates and signals. Validators refuse what
// the current stage cannot accept, with a reason a person can act on.
func (c *cycle) setup(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryStatus, func() (CycleStatus, error) { return c.snapshot(), nil }); err != nil {
		return err
	}
	updates := []struct {
		name      string
		handler   any
		validator any
	}{
		{UpdateApproveSelection, c.approveSelection, c.validateApprove},
		{UpdateReplaceCase, c.replaceCase, c.validateReplace},
		{UpdateScheduleMeeting, c.scheduleMeeting, c.validateSchedule},
		{UpdateDeclareConflict, c.declareConflict, c.validateConflict},
		{UpdateReportIdentifying, c.reportIdentifying, c.validateIdentifying},
		{UpdateMemberLeft, c.memberLeft, c.validateMemberLeft},
		{UpdateRecordAttendance, c.recordAttendance, c.validateAttendance},
		{UpdateRecordFinding, c.recordFinding, c.validateFinding},
		{UpdateAddLearningPoint, c.addLearningPoint, c.validateLearningPoint},
		{UpdateAddAction, c.addAction, c.validateAction},
		{UpdateCloseMeeting, c.closeMeeting, c.validateCloseMeeting},
		{UpdateApproveMinutes, c.approveMinutes, c.validateApproveMinutes},
		{UpdateCancel, c.cancel, c.validateCancel},
	}
	if err := workflow.SetUpdateHandler(ctx, UpdateStarted, func(ctx workflow.Context) (CycleStatus, error) {
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
	for _, u := range updates {
		if err := workflow.SetUpdateHandlerWithOptions(ctx, u.name, u.handler, workflow.UpdateHandlerOptions{Validator: u.validator}); err != nil {
			return err
		}
	}
	workflow.Go(ctx, func(ctx workflow.Context) {
		ch := workflow.GetSignalChannel(ctx, SignalReviewProgress)
		for {
			var p ReviewProgress
			ch.Receive(ctx, &p)
			if m := c.members[p.MemberID]; m != nil {
				m.ReviewProgress = p
			}
		}
	})
	workflow.Go(ctx, func(ctx workflow.Context) {
		ch := workflow.GetSignalChannel(ctx, SignalMemberBounced)
		for {
			var memberID int64
			ch.Receive(ctx, &memberID)
			c.memberBounced(ctx, memberID)
		}
	})
	workflow.Go(ctx, c.deliverMail)
	return nil
}

// run drives the stages in order. Each timed stage waits on a timer that a
// reschedule re-arms, and a cancellation ends the cycle from any stage.
func (c *cycle) run(ctx workflow.Context) error {
	actx := activityCtx(ctx)
	schedule := c.status.Schedule
	var err error
	if err = workflow.ExecuteActivity(actx, a.CreateCycle, activities.CreateCycleInput{
		WorkflowID: workflow.GetInfo(ctx).WorkflowExecution.ID, PanelID: c.in.PanelID,
		WindowStart: c.in.WindowStart, WindowEnd: c.in.WindowEnd, Theme: c.in.Theme,
		Quotas: c.in.Quotas, TotalQuota: c.in.TotalQuota, ReservesPerStratum: c.in.ReservesPerStratum,
		WidenMonths: c.in.WidenMonths, StartedBy: c.in.StartedBy,
		CoordinatorName: c.in.CoordinatorName, CoordinatorEmail: c.in.CoordinatorEmail, Schedule: schedule,
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
	var sel activities.Selection
	if err := workflow.ExecuteActivity(actx, a.SelectCases, activities.SelectInput{CycleID: c.status.CycleID, Seed: c.status.Seed}).Get(ctx, &sel); err != nil {
		return fmt.Errorf("select cases: %w", err)
	}
	c.status.Cases, c.status.Strata = sel.Cases, sel.Strata
	for _, st := range sel.Strata {
		if st.Shortfall > 0 {
			c.notice("%s: %d eligible for a quota of %d, so the cycle takes all of them (a shortfall of %d).", st.Strand, st.Eligible, st.Quota, st.Shortfall)
		}
	}
	if err := c.saveMeeting(ctx); err != nil {
		return err
	}
	if err := c.setStage(ctx, StageCoordinatorCheck); err != nil {
		return err
	}

	// Coordinator check: wait for approval, nudging the coordinator.
	for nudge := 1; !c.approved && !c.cancelled; nudge++ {
		ok, err := workflow.AwaitWithTimeout(ctx, c.timing.ApprovalNudgeEvery, func() bool { return c.approved || c.cancelled })
		if err != nil {
			return err
		}
		if !ok {
			c.alert(ctx, activities.Alert{Kind: "awaiting_approval", Key: fmt.Sprintf("awaiting_approval/%d", nudge)})
		}
	}
	if c.cancelled {
		return c.finishCancelled(ctx)
	}

	if !c.waitUntil(ctx, func(s activities.Schedule) time.Time { return s.ConflictCheck }) {
		return c.finishCancelled(ctx)
	}
	if err := c.setStage(ctx, StageConflictCheck); err != nil {
		return err
	}
	var teasers []activities.MailRef
	if err := workflow.ExecuteActivity(actx, a.QueueConflictTeasers, c.status.CycleID).Get(ctx, &teasers); err != nil {
		return err
	}
	c.queueMail(teasers...)

	if !c.waitUntil(ctx, func(s activities.Schedule) time.Time { return s.PacksRelease }) {
		return c.finishCancelled(ctx)
	}
	if err := c.releasePacks(ctx); err != nil {
		return err
	}

	if !c.waitUntil(ctx, func(s activities.Schedule) time.Time { return s.ReviewsDue }) {
		return c.finishCancelled(ctx)
	}
	if err := c.recordNonReturns(ctx); err != nil {
		return err
	}

	if !c.waitUntil(ctx, func(s activities.Schedule) time.Time { return s.Meeting }) {
		return c.finishCancelled(ctx)
	}
	if err := c.setStage(ctx, StageMeeting); err != nil {
		return err
	}

	// After the meeting: access ends at its time whatever the minutes are
	// doing, and the cycle closes once both are done.
	for !(c.status.MinutesIssued && c.status.AccessRevoked) {
		if !c.status.AccessRevoked {
			if !c.waitUntil(ctx, func(s activities.Schedule) time.Time { return s.AccessRevoked }) {
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
	c.status.Stage = StageClosed
	return nil
}

// waitUntil sleeps until the schedule's date picked by at, re-arming the
// timer whenever the meeting is rescheduled. It returns false if the cycle
// was cancelled meanwhile.
func (c *cycle) waitUntil(ctx workflow.Context, at func(activities.Schedule) time.Time) bool {
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

func (c *cycle) setStage(ctx workflow.Context, stage string) error {
	if err := workflow.ExecuteActivity(activityCtx(ctx), a.SetStage, c.status.CycleID, stage, c.status.Schedule).Get(ctx, nil); err != nil {
		return fmt.Errorf("set stage %s: %w", stage, err)
	}
	c.status.Stage = stage
	return nil
}

func (c *cycle) saveMeeting(ctx workflow.Context) error {
	var saved activities.SavedMeeting
	if err := workflow.ExecuteActivity(activityCtx(ctx), a.SaveMeeting, c.status.CycleID, c.status.Meeting).Get(ctx, &saved); err != nil {
		return fmt.Errorf("save meeting: %w", err)
	}
	c.status.MeetingSequence = saved.Sequence
	var invites []activities.MailRef
	if err := workflow.ExecuteActivity(activityCtx(ctx), a.QueueInvites, c.status.CycleID, false).Get(ctx, &invites); err != nil {
		return fmt.Errorf("queue invites: %w", err)
	}
	c.queueMail(invites...)
	return nil
}

// releasePacks builds and sends each member's pack and starts their review
// workflow.
func (c *cycle) releasePacks(ctx workflow.Context) error {
	actx := activityCtx(ctx)
	var recipients []activities.PackRecipient
	if err := workflow.ExecuteActivity(actx, a.PackRecipients, c.status.CycleID).Get(ctx, &recipients); err != nil {
		return err
	}
	for _, r := range recipients {
		m := c.member(r.MemberID)
		m.Name = r.Name
		var pack activities.Pack
		if err := workflow.ExecuteActivity(actx, a.PreparePack, activities.PackInput{
			CycleID: c.status.CycleID, MemberID: r.MemberID,
			Deadline: c.status.Schedule.ReviewsDue, Expires: c.status.Schedule.AccessRevoked,
		}).Get(ctx, &pack); err != nil {
			return fmt.Errorf("pack for member %d: %w", r.MemberID, err)
		}
		m.PackFileID = pack.FileID
		m.Cases, m.Outstanding = len(pack.CaseIDs), len(pack.CaseIDs)
		c.queueMail(pack.Mail)
		child := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
			WorkflowID:        MemberReviewWorkflowID(workflow.GetInfo(ctx).WorkflowExecution.ID, r.MemberID),
			ParentClosePolicy: enumspb.PARENT_CLOSE_POLICY_TERMINATE,
		})
		fut := workflow.ExecuteChildWorkflow(child, MemberReviewWorkflow, MemberReviewInput{
			CycleID: c.status.CycleID, MemberID: r.MemberID, CaseIDs: pack.CaseIDs,
			Deadline: c.status.Schedule.ReviewsDue, MeetingStart: c.status.Schedule.Meeting,
			Reminders: c.timing.Reminders,
		})
		if err := fut.GetChildWorkflowExecution().Get(ctx, nil); err != nil {
			return fmt.Errorf("start review of member %d: %w", r.MemberID, err)
		}
	}
	c.packsReleased = true
	return c.setStage(ctx, StageReviewing)
}

// recordNonReturns marks the reviews still missing at the deadline and
// tells the coordinator who has not returned what.
func (c *cycle) recordNonReturns(ctx workflow.Context) error {
	var missing []activities.NonReturn
	if err := workflow.ExecuteActivity(activityCtx(ctx), a.RecordNonReturns, c.status.CycleID).Get(ctx, &missing); err != nil {
		return err
	}
	c.deadlinePassed = true
	for _, nr := range missing {
		if m := c.members[nr.MemberID]; m != nil {
			m.NotSubmitted = len(nr.CaseIDs)
		}
	}
	if len(missing) > 0 {
		c.alert(ctx, activities.Alert{Kind: "non_returns", Key: "non_returns"})
	}
	return nil
}

// finishCancelled tells the members, revokes access and stops every
// member's review; the records stay.
func (c *cycle) finishCancelled(ctx workflow.Context) error {
	var mails []activities.MailRef
	if err := workflow.ExecuteActivity(activityCtx(ctx), a.CancelCycle, c.status.CycleID, c.status.CancelReason).Get(ctx, &mails); err != nil {
		return err
	}
	c.queueMail(mails...)
	c.signalMembers(ctx, SignalCloseReview, nil)
	c.status.Stage = StageCancelled
	c.status.AccessRevoked = true
	return nil
}

// signalMembers sends a signal to every running member-review workflow.
func (c *cycle) signalMembers(ctx workflow.Context, name string, arg any) {
	if !c.packsReleased {
		return
	}
	id := workflow.GetInfo(ctx).WorkflowExecution.ID
	for _, memberID := range c.memberIDs() {
		if c.members[memberID].Left {
			continue
		}
		// A finished child cannot be signalled; that is fine, so the
		// error is deliberately ignored.
		_ = workflow.SignalExternalWorkflow(ctx, MemberReviewWorkflowID(id, memberID), "", name, arg).Get(ctx, nil)
	}
}

func (c *cycle) signalMember(ctx workflow.Context, memberID int64, name string, arg any) {
	if !c.packsReleased || c.members[memberID] == nil {
		return
	}
	id := workflow.GetInfo(ctx).WorkflowExecution.ID
	_ = workflow.SignalExternalWorkflow(ctx, MemberReviewWorkflowID(id, memberID), "", name, arg).Get(ctx, nil)
}

// queueMail hands queued emails to the delivery loop.
func (c *cycle) queueMail(refs ...activities.MailRef) {
	c.mailQueue = append(c.mailQueue, refs...)
}

// deliverMail delivers queued emails one at a time, in order. A bounce
// marks the member unreachable and alerts the coordinator.
func (c *cycle) deliverMail(ctx workflow.Context) {
	for {
		if err := workflow.Await(ctx, func() bool { return len(c.mailQueue) > 0 }); err != nil {
			return
		}
		c.delivering = true
		ref := c.mailQueue[0]
		c.mailQueue = c.mailQueue[1:]
		var result string
		err := workflow.ExecuteActivity(activityCtx(ctx), a.DeliverMail, ref.OutboxID).Get(ctx, &result)
		if err == nil && result == activities.Bounced && ref.MemberID != 0 {
			c.memberBounced(ctx, ref.MemberID)
		}
		if err == nil && result == activities.Delivered && ref.MemberID != 0 {
			if m := c.members[ref.MemberID]; m != nil && m.PackFileID != 0 {
				m.PackSent = true
			}
		}
		c.delivering = false
	}
}

func (c *cycle) memberBounced(ctx workflow.Context, memberID int64) {
	m := c.member(memberID)
	if m.Unreachable {
		return
	}
	m.Unreachable = true
	c.alert(ctx, activities.Alert{Kind: "bounce", Key: fmt.Sprintf("bounce/%d", memberID), MemberID: memberID})
}

// alert queues a message to the coordinator. Alerts are best effort on top
// of the status page, so a failure to queue one is logged, not fatal.
func (c *cycle) alert(ctx workflow.Context, al activities.Alert) {
	al.CycleID = c.status.CycleID
	var ref activities.MailRef
	if err := workflow.ExecuteActivity(activityCtx(ctx), a.QueueAlert, al).Get(ctx, &ref); err != nil {
		workflow.GetLogger(ctx).Error("queue alert", "kind", al.Kind, "error", err)
		return
	}
	c.queueMail(ref)
}

func (c *cycle) member(id int64) *MemberStatus {
	m := c.members[id]
	if m == nil {
		m = &MemberStatus{ReviewProgress: ReviewProgress{MemberID: id}}
		c.members[id] = m
	}
	return m
}

func (c *cycle) memberIDs() []int64 {
	ids := make([]int64, 0, len(c.members))
	for id := range c.members {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

func (c *cycle) notice(format string, args ...any) {
	c.status.Notices = append(c.status.Notices, fmt.Sprintf(format, args...))
}

func (c *cycle) snapshot() CycleStatus {
	s := c.status
	s.Members = nil
	for _, id := range c.memberIDs() {
		s.Members = append(s.Members, *c.members[id])
	}
	s.Cases = slices.Clone(c.status.Cases)
	return s
}

func (c *cycle) caseIndex(caseID int64) int {
	return slices.IndexFunc(c.status.Cases, func(cc activities.CycleCase) bool { return cc.CaseID == caseID })
}

// inReview reports whether the case is one the panel is reviewing.
func (c *cycle) inReview(caseID int64) bool {
	i := c.caseIndex(caseID)
	if i < 0 {
		return false
	}
	switch c.status.Cases[i].Status {
	case "proposed", "approved":
		return true
	}
	return false
}

var errStage = errors.New("not possible at this stage")

func (c *cycle) stageIs(stages ...string) error {
	if slices.Contains(stages, c.status.Stage) {
		return nil
	}
	return fmt.Errorf("%w: the cycle is at %s; this needs %s", errStage, strings.ReplaceAll(c.status.Stage, "_", " "), strings.ReplaceAll(strings.Join(stages, " or "), "_", " "))
}
