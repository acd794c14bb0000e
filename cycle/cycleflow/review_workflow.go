package cycleflow

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/flowopts"
	"github.com/lsip/scrutiny/outbox"
)

// reviewHistoryCap bounds one run's history. A save costs about fifteen
// events, so a member who saves drafts hundreds of times hands over to a
// new run every seventy or so saves, far below Temporal's limits on
// history and on updates per run.
const reviewHistoryCap = 1000

// memberReview is the state of one member's review.
type memberReview struct {
	in       cycle.MemberReviewInput
	status   map[int64]domain.ReviewStatus // by case
	late     map[int64]bool
	reminded map[time.Duration]bool
	left     bool
	closed   bool
	changed  bool
	runs     int // earlier runs, carried across continue-as-new
	saves    int // saves in this run
	// signals are the cycle's signals, handled one at a time; signalling
	// is set while one is being handled.
	signals    []reviewSignal
	signalling bool
}

// reviewSignal is one of the cycle's signals and how it is handled.
type reviewSignal struct {
	ch     workflow.ReceiveChannel
	handle func(workflow.Context, workflow.ReceiveChannel)
}

// MemberReviewWorkflow keeps one member's review until the meeting starts:
// it reminds the member while reviews are outstanding. In a cycle whose
// reviews the server saves into the store (MemberReviewInput.Direct) that
// is all it does, asking the store at each reminder; in a cycle started
// before, it also accepts saves and submissions (marking those after the
// deadline late) and reports progress to the cycle. Once its history grows long (a member saving
// drafts again and again) it continues as new, carrying its state, after
// every running save and signal has finished; the cycle's child future and
// its signals and updates by workflow ID follow the new run.
func MemberReviewWorkflow(ctx workflow.Context, in cycle.MemberReviewInput) (cycle.ReviewProgress, error) {
	r := &memberReview{in: in, status: map[int64]domain.ReviewStatus{}, late: map[int64]bool{}, reminded: map[time.Duration]bool{}}
	if in.State != nil {
		r.restore(*in.State)
	} else {
		for _, id := range in.CaseIDs {
			r.status[id] = domain.ReviewOutstanding
		}
	}
	if err := r.setup(ctx); err != nil {
		return r.progress(), err
	}
	if r.run(ctx) {
		if next, ok := r.handOver(ctx); ok {
			return r.progress(), workflow.NewContinueAsNewError(ctx, cycle.MemberReviewWorkflowName, next)
		}
	}
	_ = workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) })
	return r.progress(), nil
}

func (r *memberReview) setup(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, cycle.QueryReview, func() (map[int64]domain.ReviewStatus, error) { return r.status, nil }); err != nil {
		return err
	}
	// A direct review is saved by the server into the store; only a
	// review of a cycle started before that takes saves here.
	if !r.in.Direct {
		if err := workflow.SetUpdateHandlerWithOptions(ctx, cycle.UpdateSaveReview, r.save, workflow.UpdateHandlerOptions{Validator: r.validate}); err != nil {
			return err
		}
	}
	r.signals = []reviewSignal{
		{workflow.GetSignalChannel(ctx, cycle.SignalRescheduleReview), r.reschedule},
		{workflow.GetSignalChannel(ctx, cycle.SignalRemoveCase), r.removeCase},
		{workflow.GetSignalChannel(ctx, cycle.SignalLeave), r.leave},
		{workflow.GetSignalChannel(ctx, cycle.SignalCloseReview), r.close},
	}
	// Signals wait in their channels until handled, the first waiting in
	// the order above, one at a time, so the hand-over can tell that none
	// is pending or half done.
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			if err := workflow.Await(ctx, func() bool { return r.pendingSignals() > 0 }); err != nil {
				return
			}
			for _, s := range r.signals {
				if s.ch.Len() > 0 {
					r.signalling = true
					s.handle(ctx, s.ch)
					r.signalling = false
					break
				}
			}
		}
	})
	return nil
}

func (r *memberReview) pendingSignals() int {
	n := 0
	for _, s := range r.signals {
		n += s.ch.Len()
	}
	return n
}

func (r *memberReview) reschedule(ctx workflow.Context, ch workflow.ReceiveChannel) {
	var rs RescheduleReview
	ch.Receive(ctx, &rs)
	r.in.Deadline, r.in.MeetingStart = rs.Deadline, rs.MeetingStart
	r.changed = true
}

func (r *memberReview) removeCase(ctx workflow.Context, ch workflow.ReceiveChannel) {
	var caseID int64
	ch.Receive(ctx, &caseID)
	if _, ok := r.status[caseID]; ok {
		delete(r.status, caseID)
		r.changed = true
		r.report(ctx)
	}
}

func (r *memberReview) leave(ctx workflow.Context, ch workflow.ReceiveChannel) {
	ch.Receive(ctx, nil)
	for id, st := range r.status {
		if st != domain.ReviewSubmitted {
			r.status[id] = domain.ReviewExcused
		}
	}
	r.left, r.changed = true, true
}

func (r *memberReview) close(ctx workflow.Context, ch workflow.ReceiveChannel) {
	ch.Receive(ctx, nil)
	r.closed, r.changed = true, true
}

// continueAsNewDue says whether this run's history is long enough to hand
// over. It reads only the workflow's info and the run's own count, so a
// history that never reached the threshold replays with no new command.
func (r *memberReview) continueAsNewDue(ctx workflow.Context) bool {
	info := workflow.GetInfo(ctx)
	return (r.in.ContinueAsNewAfter > 0 && r.saves >= r.in.ContinueAsNewAfter) ||
		info.GetContinueAsNewSuggested() || info.GetCurrentHistoryLength() >= reviewHistoryCap
}

// handOver waits until every running save and signal has finished, so
// none is lost, and returns the input of the next run carrying the state
// they leave. It returns false when the review ended meanwhile (the member
// left, the cycle closed or the meeting started): then the run just ends.
func (r *memberReview) handOver(ctx workflow.Context) (cycle.MemberReviewInput, bool) {
	err := workflow.Await(ctx, func() bool {
		return workflow.AllHandlersFinished(ctx) && r.pendingSignals() == 0 && !r.signalling
	})
	if err != nil || r.left || r.closed || !workflow.Now(ctx).Before(r.in.MeetingStart) {
		return r.in, false
	}
	next := r.in
	st := r.state()
	next.State = &st
	return next, true
}

// state is the review as the next run starts from it.
func (r *memberReview) state() cycle.MemberReviewState {
	st := cycle.MemberReviewState{Status: maps.Clone(r.status), Late: map[int64]bool{}, Runs: r.runs + 1}
	for id, late := range r.late {
		if late {
			st.Late[id] = true
		}
	}
	for off, done := range r.reminded {
		if done {
			st.Reminded = append(st.Reminded, off)
		}
	}
	slices.Sort(st.Reminded)
	return st
}

// restore starts this run from the state the previous run handed over.
func (r *memberReview) restore(st cycle.MemberReviewState) {
	maps.Copy(r.status, st.Status)
	maps.Copy(r.late, st.Late)
	for _, off := range st.Reminded {
		r.reminded[off] = true
	}
	r.runs = st.Runs
}

// run sends each reminder when its timer fires while reviews are
// outstanding, and ends when the meeting starts, the member leaves or the
// cycle closes. A reminder whose time has already passed (the pack went out
// late, or a reschedule moved the deadline closer) is skipped, not sent
// late in a burst. It returns true when the run should hand over to a new
// one (see continueAsNewDue).
func (r *memberReview) run(ctx workflow.Context) bool {
	for !r.left && !r.closed {
		now := workflow.Now(ctx)
		if !now.Before(r.in.MeetingStart) {
			return false
		}
		if r.continueAsNewDue(ctx) {
			return true
		}
		next, nextOffset := r.in.MeetingStart, time.Duration(-1)
		for _, off := range r.in.Reminders {
			at := r.in.Deadline.Add(-off)
			switch {
			case r.reminded[off]:
			case at.Before(now):
				r.reminded[off] = true
			case at.Before(next):
				next, nextOffset = at, off
			}
		}
		r.changed = false
		woken, err := workflow.AwaitWithTimeout(ctx, next.Sub(now), func() bool {
			return r.changed || r.left || r.closed || r.continueAsNewDue(ctx)
		})
		if err != nil {
			return false
		}
		if !woken && nextOffset >= 0 {
			r.reminded[nextOffset] = true
			r.remind(ctx, nextOffset)
		}
	}
	return false
}

// remind emails the member if any review is still outstanding or in
// draft. Members who have finished are never reminded. A direct review's
// counts are in the store, which the activity asks.
func (r *memberReview) remind(ctx workflow.Context, offset time.Duration) {
	in := ReminderInput{CycleID: r.in.CycleID, MemberID: r.in.MemberID, Deadline: r.in.Deadline,
		Key: fmt.Sprintf("%s/%s", r.in.Deadline.UTC().Format(time.RFC3339), offset)}
	queue := a.QueueReminderIfUnfinished
	if !r.in.Direct {
		if in.Outstanding = r.progress().Outstanding + r.progress().Drafts; in.Outstanding == 0 {
			return
		}
		queue = a.QueueReminder
	}
	actx := flowopts.Activity(ctx)
	var ref outbox.Ref
	if err := workflow.ExecuteActivity(actx, queue, in).Get(ctx, &ref); err != nil {
		workflow.GetLogger(ctx).Error("queue reminder", "error", err)
		return
	}
	if ref.OutboxID == 0 {
		return // a direct review with nothing unfinished
	}
	var result domain.MailStatus
	if err := workflow.ExecuteActivity(actx, delivery.DeliverMail, ref.OutboxID).Get(ctx, &result); err != nil {
		workflow.GetLogger(ctx).Error("deliver reminder", "error", err)
		return
	}
	if result == domain.MailBounced {
		_ = workflow.SignalExternalWorkflow(ctx, workflow.GetInfo(ctx).ParentWorkflowExecution.ID, "", cycle.SignalMemberBounced, r.in.MemberID).Get(ctx, nil)
	}
}

func (r *memberReview) validate(ctx workflow.Context, s cycle.ReviewSubmission) error {
	switch {
	case r.left:
		return errors.New("you have left the panel, so reviews can no longer be changed")
	case r.closed:
		return errors.New("this review cycle has closed")
	case !workflow.Now(ctx).Before(r.in.MeetingStart):
		return errors.New("the meeting has started, so reviews can no longer be changed")
	}
	st, ok := r.status[s.CaseID]
	if !ok {
		return fmt.Errorf("case %d is not in your pack (it may have been removed after a conflict was declared)", s.CaseID)
	}
	if st == domain.ReviewExcused {
		return errors.New("you are excused from this case")
	}
	if problems := form.Validate(s.Answers, s.Final); len(problems) > 0 {
		msgs := make([]string, len(problems))
		for i, p := range problems {
			msgs[i] = p.Field + ": " + p.Message
		}
		return errors.New(strings.Join(msgs, "; "))
	}
	return nil
}

// save stores a draft or submission. A resubmission before the meeting
// replaces the earlier one; the store keeps every version.
func (r *memberReview) save(ctx workflow.Context, s cycle.ReviewSubmission) (cycle.StoredReview, error) {
	late := s.Final && workflow.Now(ctx).After(r.in.Deadline)
	var stored cycle.StoredReview
	r.saves++
	if err := workflow.ExecuteActivity(flowopts.Activity(ctx), a.SaveReview, ReviewInput{
		CycleID: r.in.CycleID, MemberID: r.in.MemberID, CaseID: s.CaseID, Answers: s.Answers,
		Final: s.Final, Late: late, Source: s.Source,
	}).Get(ctx, &stored); err != nil {
		return stored, err
	}
	// A draft saved after a submission does not un-submit the case.
	if s.Final || r.status[s.CaseID] != domain.ReviewSubmitted {
		r.status[s.CaseID] = domain.ReviewStatus(stored.Status)
	}
	if s.Final {
		r.late[s.CaseID] = late
	}
	r.report(ctx)
	return stored, nil
}

func (r *memberReview) progress() cycle.ReviewProgress {
	p := cycle.ReviewProgress{MemberID: r.in.MemberID, Cases: len(r.status)}
	for id, st := range r.status {
		switch st {
		case domain.ReviewSubmitted:
			p.Submitted++
			if r.late[id] {
				p.Late++
			}
		case domain.ReviewDraft:
			p.Drafts++
		case domain.ReviewExcused:
			p.Excused++
		default:
			p.Outstanding++
		}
	}
	return p
}

// report tells the cycle how this member is getting on. A direct
// review's counts are read from the store by whoever shows them.
func (r *memberReview) report(ctx workflow.Context) {
	parent := workflow.GetInfo(ctx).ParentWorkflowExecution
	if parent == nil || r.in.Direct {
		return
	}
	_ = workflow.SignalExternalWorkflow(ctx, parent.ID, "", cycle.SignalReviewProgress, r.progress()).Get(ctx, nil)
}
