package cycleflow

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/flowopts"
	"github.com/lsip/scrutiny/outbox"
)

// memberReview is the state of one member's review.
type memberReview struct {
	in       cycle.MemberReviewInput
	status   map[int64]domain.ReviewStatus // by case
	late     map[int64]bool
	reminded map[time.Duration]bool
	left     bool
	closed   bool
	changed  bool
}

// MemberReviewWorkflow collects one member's reviews: it accepts saves and
// submissions until the meeting starts (marking those after the deadline
// late), reminds the member while reviews are outstanding, and reports
// progress to the cycle.
func MemberReviewWorkflow(ctx workflow.Context, in cycle.MemberReviewInput) (cycle.ReviewProgress, error) {
	r := &memberReview{in: in, status: map[int64]domain.ReviewStatus{}, late: map[int64]bool{}, reminded: map[time.Duration]bool{}}
	for _, id := range in.CaseIDs {
		r.status[id] = domain.ReviewOutstanding
	}
	if err := r.setup(ctx); err != nil {
		return r.progress(), err
	}
	r.run(ctx)
	_ = workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) })
	return r.progress(), nil
}

func (r *memberReview) setup(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, cycle.QueryReview, func() (map[int64]domain.ReviewStatus, error) { return r.status, nil }); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, cycle.UpdateSaveReview, r.save, workflow.UpdateHandlerOptions{Validator: r.validate}); err != nil {
		return err
	}
	workflow.Go(ctx, func(ctx workflow.Context) {
		sel := workflow.NewSelector(ctx)
		sel.AddReceive(workflow.GetSignalChannel(ctx, cycle.SignalRescheduleReview), func(ch workflow.ReceiveChannel, _ bool) {
			var rs RescheduleReview
			ch.Receive(ctx, &rs)
			r.in.Deadline, r.in.MeetingStart = rs.Deadline, rs.MeetingStart
			r.changed = true
		})
		sel.AddReceive(workflow.GetSignalChannel(ctx, cycle.SignalRemoveCase), func(ch workflow.ReceiveChannel, _ bool) {
			var caseID int64
			ch.Receive(ctx, &caseID)
			if _, ok := r.status[caseID]; ok {
				delete(r.status, caseID)
				r.changed = true
				r.report(ctx)
			}
		})
		sel.AddReceive(workflow.GetSignalChannel(ctx, cycle.SignalLeave), func(ch workflow.ReceiveChannel, _ bool) {
			ch.Receive(ctx, nil)
			for id, st := range r.status {
				if st != domain.ReviewSubmitted {
					r.status[id] = domain.ReviewExcused
				}
			}
			r.left, r.changed = true, true
		})
		sel.AddReceive(workflow.GetSignalChannel(ctx, cycle.SignalCloseReview), func(ch workflow.ReceiveChannel, _ bool) {
			ch.Receive(ctx, nil)
			r.closed, r.changed = true, true
		})
		for {
			sel.Select(ctx)
		}
	})
	return nil
}

// run sends each reminder when its timer fires while reviews are
// outstanding, and ends when the meeting starts, the member leaves or the
// cycle closes. A reminder whose time has already passed (the pack went out
// late, or a reschedule moved the deadline closer) is skipped, not sent
// late in a burst.
func (r *memberReview) run(ctx workflow.Context) {
	for !r.left && !r.closed {
		now := workflow.Now(ctx)
		if !now.Before(r.in.MeetingStart) {
			return
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
		woken, err := workflow.AwaitWithTimeout(ctx, next.Sub(now), func() bool { return r.changed || r.left || r.closed })
		if err != nil {
			return
		}
		if !woken && nextOffset >= 0 {
			r.reminded[nextOffset] = true
			r.remind(ctx, nextOffset)
		}
	}
}

// remind emails the member if any review is still outstanding. Members who
// have finished are never reminded.
func (r *memberReview) remind(ctx workflow.Context, offset time.Duration) {
	outstanding := r.progress().Outstanding + r.progress().Drafts
	if outstanding == 0 {
		return
	}
	actx := flowopts.Activity(ctx)
	var ref outbox.Ref
	if err := workflow.ExecuteActivity(actx, a.QueueReminder, ReminderInput{
		CycleID: r.in.CycleID, MemberID: r.in.MemberID, Deadline: r.in.Deadline,
		Outstanding: outstanding, Key: fmt.Sprintf("%s/%s", r.in.Deadline.UTC().Format(time.RFC3339), offset),
	}).Get(ctx, &ref); err != nil {
		workflow.GetLogger(ctx).Error("queue reminder", "error", err)
		return
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

// report tells the cycle how this member is getting on.
func (r *memberReview) report(ctx workflow.Context) {
	parent := workflow.GetInfo(ctx).ParentWorkflowExecution
	if parent == nil {
		return
	}
	_ = workflow.SignalExternalWorkflow(ctx, parent.ID, "", cycle.SignalReviewProgress, r.progress()).Get(ctx, nil)
}
