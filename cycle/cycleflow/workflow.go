package cycleflow

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/workflow"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/flowopts"
	"github.com/lsip/scrutiny/outbox"
	"github.com/lsip/scrutiny/reviewform"
)

// a is the typed handle for activity method references; it is never
// dereferenced in workflow code.
// form is the review form whose categories findings use.
var form = reviewform.Default()

// a and delivery name the activities the workflows call; their methods
// are used only as references, never called directly.
var (
	a        *Activities
	delivery *outbox.Activities
)

// cycle is the state of one running review cycle. PostgreSQL holds the
// records; this holds what the workflow needs to decide what happens next
// and to answer the status query.
type cycleRun struct {
	in     cycle.CycleInput
	timing cycle.Timing
	status cycle.CycleStatus

	members  map[int64]*cycle.MemberStatus
	approved bool
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
	// runErr is set when run fails, releasing anyone waiting for the start.
	runErr error
}

// CycleWorkflow runs one panel's review cycle from the draw to the issued
// minutes. It waits weeks for people, so every wait is a durable timer or
// an update from the server.
func CycleWorkflow(ctx workflow.Context, in cycle.CycleInput) (cycle.CycleStatus, error) {
	c := &cycleRun{in: in, timing: in.Timing.WithDefaults(), members: map[int64]*cycle.MemberStatus{}, redraws: map[string]int{}}
	c.status.Stage = cycle.StageSelecting
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
	for _, u := range updates {
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
	return nil
}

// run drives the stages in order. Each timed stage waits on a timer that a
// reschedule re-arms, and a cancellation ends the cycle from any stage.
func (c *cycleRun) run(ctx workflow.Context) error {
	actx := flowopts.Activity(ctx)
	schedule := c.status.Schedule
	var err error
	if err = workflow.ExecuteActivity(actx, a.CreateCycle, CreateCycleInput{
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
	if err := c.saveMeeting(ctx); err != nil {
		return err
	}
	if err := c.setStage(ctx, cycle.StageCoordinatorCheck); err != nil {
		return err
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
	if err := c.setStage(ctx, cycle.StageConflictCheck); err != nil {
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
	if err := c.setStage(ctx, cycle.StageMeeting); err != nil {
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
	c.status.Stage = cycle.StageClosed
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

func (c *cycleRun) setStage(ctx workflow.Context, stage string) error {
	if err := workflow.ExecuteActivity(flowopts.Activity(ctx), a.SetStage, c.status.CycleID, stage, c.status.Schedule).Get(ctx, nil); err != nil {
		return fmt.Errorf("set stage %s: %w", stage, err)
	}
	c.status.Stage = stage
	return nil
}

func (c *cycleRun) saveMeeting(ctx workflow.Context) error {
	var saved SavedMeeting
	if err := workflow.ExecuteActivity(flowopts.Activity(ctx), a.SaveMeeting, c.status.CycleID, c.status.Meeting).Get(ctx, &saved); err != nil {
		return fmt.Errorf("save meeting: %w", err)
	}
	c.status.MeetingSequence = saved.Sequence
	var invites []outbox.Ref
	if err := workflow.ExecuteActivity(flowopts.Activity(ctx), a.QueueInvites, c.status.CycleID, false).Get(ctx, &invites); err != nil {
		return fmt.Errorf("queue invites: %w", err)
	}
	c.queueMail(invites...)
	return nil
}

// releasePacks builds and sends each member's pack and starts their review
// workflow.
func (c *cycleRun) releasePacks(ctx workflow.Context) error {
	actx := flowopts.Activity(ctx)
	var recipients []PackRecipient
	if err := workflow.ExecuteActivity(actx, a.PackRecipients, c.status.CycleID).Get(ctx, &recipients); err != nil {
		return err
	}
	for _, r := range recipients {
		m := c.member(r.MemberID)
		m.Name = r.Name
		var pack Pack
		if err := workflow.ExecuteActivity(actx, a.PreparePack, PackInput{
			CycleID: c.status.CycleID, MemberID: r.MemberID,
			Deadline: c.status.Schedule.ReviewsDue, Expires: c.status.Schedule.AccessRevoked,
		}).Get(ctx, &pack); err != nil {
			return fmt.Errorf("pack for member %d: %w", r.MemberID, err)
		}
		m.PackFileID = pack.FileID
		m.Cases, m.Outstanding = len(pack.CaseIDs), len(pack.CaseIDs)
		c.queueMail(pack.Mail)
		child := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
			WorkflowID:        cycle.MemberReviewWorkflowID(workflow.GetInfo(ctx).WorkflowExecution.ID, r.MemberID),
			ParentClosePolicy: enumspb.PARENT_CLOSE_POLICY_TERMINATE,
		})
		fut := workflow.ExecuteChildWorkflow(child, cycle.MemberReviewWorkflowName, cycle.MemberReviewInput{
			CycleID: c.status.CycleID, MemberID: r.MemberID, CaseIDs: pack.CaseIDs,
			Deadline: c.status.Schedule.ReviewsDue, MeetingStart: c.status.Schedule.Meeting,
			Reminders: c.timing.Reminders,
		})
		if err := fut.GetChildWorkflowExecution().Get(ctx, nil); err != nil {
			return fmt.Errorf("start review of member %d: %w", r.MemberID, err)
		}
	}
	c.packsReleased = true
	return c.setStage(ctx, cycle.StageReviewing)
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
	if err := workflow.ExecuteActivity(flowopts.Activity(ctx), a.CancelCycle, c.status.CycleID, c.status.CancelReason).Get(ctx, &mails); err != nil {
		return err
	}
	c.queueMail(mails...)
	c.signalMembers(ctx, cycle.SignalCloseReview, nil)
	c.status.Stage = cycle.StageCancelled
	c.status.AccessRevoked = true
	return nil
}

// signalMembers sends a signal to every running member-review workflow.
func (c *cycleRun) signalMembers(ctx workflow.Context, name string, arg any) {
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
		_ = workflow.SignalExternalWorkflow(ctx, cycle.MemberReviewWorkflowID(id, memberID), "", name, arg).Get(ctx, nil)
	}
}

func (c *cycleRun) signalMember(ctx workflow.Context, memberID int64, name string, arg any) {
	if !c.packsReleased || c.members[memberID] == nil {
		return
	}
	id := workflow.GetInfo(ctx).WorkflowExecution.ID
	_ = workflow.SignalExternalWorkflow(ctx, cycle.MemberReviewWorkflowID(id, memberID), "", name, arg).Get(ctx, nil)
}

// queueMail hands queued emails to the delivery loop.
func (c *cycleRun) queueMail(refs ...outbox.Ref) {
	c.mailQueue = append(c.mailQueue, refs...)
}

// deliverMail delivers queued emails one at a time, in order. A bounce
// marks the member unreachable and alerts the coordinator.
func (c *cycleRun) deliverMail(ctx workflow.Context) {
	for {
		if err := workflow.Await(ctx, func() bool { return len(c.mailQueue) > 0 }); err != nil {
			return
		}
		c.delivering = true
		ref := c.mailQueue[0]
		c.mailQueue = c.mailQueue[1:]
		var result string
		err := workflow.ExecuteActivity(flowopts.Activity(ctx), delivery.DeliverMail, ref.OutboxID).Get(ctx, &result)
		if err == nil && result == outbox.Bounced && ref.MemberID != 0 {
			c.memberBounced(ctx, ref.MemberID)
		}
		if err == nil && result == outbox.Delivered && ref.MemberID != 0 {
			if m := c.members[ref.MemberID]; m != nil && m.PackFileID != 0 {
				m.PackSent = true
			}
		}
		c.delivering = false
	}
}

func (c *cycleRun) memberBounced(ctx workflow.Context, memberID int64) {
	m := c.member(memberID)
	if m.Unreachable {
		return
	}
	m.Unreachable = true
	c.alert(ctx, Alert{Kind: "bounce", Key: fmt.Sprintf("bounce/%d", memberID), MemberID: memberID})
}

// alert queues a message to the coordinator. Alerts are best effort on top
// of the status page, so a failure to queue one is logged, not fatal.
func (c *cycleRun) alert(ctx workflow.Context, al Alert) {
	al.CycleID = c.status.CycleID
	var ref outbox.Ref
	if err := workflow.ExecuteActivity(flowopts.Activity(ctx), a.QueueAlert, al).Get(ctx, &ref); err != nil {
		workflow.GetLogger(ctx).Error("queue alert", "kind", al.Kind, "error", err)
		return
	}
	c.queueMail(ref)
}

func (c *cycleRun) member(id int64) *cycle.MemberStatus {
	m := c.members[id]
	if m == nil {
		m = &cycle.MemberStatus{ReviewProgress: cycle.ReviewProgress{MemberID: id}}
		c.members[id] = m
	}
	return m
}

func (c *cycleRun) memberIDs() []int64 {
	ids := make([]int64, 0, len(c.members))
	for id := range c.members {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

func (c *cycleRun) notice(format string, args ...any) {
	c.status.Notices = append(c.status.Notices, fmt.Sprintf(format, args...))
}

func (c *cycleRun) snapshot() cycle.CycleStatus {
	s := c.status
	s.Members = nil
	for _, id := range c.memberIDs() {
		s.Members = append(s.Members, *c.members[id])
	}
	s.Cases = slices.Clone(c.status.Cases)
	return s
}

func (c *cycleRun) caseIndex(caseID int64) int {
	return slices.IndexFunc(c.status.Cases, func(cc cycle.CycleCase) bool { return cc.CaseID == caseID })
}

// inReview reports whether the case is one the panel is reviewing.
func (c *cycleRun) inReview(caseID int64) bool {
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

func (c *cycleRun) stageIs(stages ...string) error {
	if slices.Contains(stages, c.status.Stage) {
		return nil
	}
	return fmt.Errorf("%w: the cycle is at %s; this needs %s", errStage, strings.ReplaceAll(c.status.Stage, "_", " "), strings.ReplaceAll(strings.Join(stages, " or "), "_", " "))
}
