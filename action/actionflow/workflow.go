// Package actionflow tracks each agreed action to closure: the workflow
// (its state and run here, its plan of notices in plan.go, its sending in
// sending.go, its updates in updates.go) and the activities that load and
// write the action through the store and queue its emails. Its contract
// (input, state, update and query names, workflow ID) is package action.
package actionflow

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"go.temporal.io/sdk/workflow"

	"github.com/lsip/scrutiny/action"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/flowopts"
	"github.com/lsip/scrutiny/outbox/outboxflow"
)

// a and delivery name the activities this workflow calls; their methods are
// used only as references, never called directly.
var (
	a        *Activities
	delivery *outboxflow.Activities
)

// actionHistoryCap bounds one run's history well below Temporal's limits;
// a weekly notice costs about 25 events, so this is years of escalation.
const actionHistoryCap = 5000

// actionTimelineCap bounds the timeline carried across continue-as-new;
// PostgreSQL keeps every event.
const actionTimelineCap = 500

// actionTextLimit bounds free text, so a pasted document does not land in
// the workflow's history.
const actionTextLimit = 5000

type actionRun struct {
	in     action.ActionInput
	s      *action.ActionState
	loaded bool
	// areaLadder: the input gave no timing, so the ladder is the one the
	// action's Area sets, if it sets one.
	areaLadder bool
	replanned  bool // the due date moved or the action closed: wake the loop
	runEvents  int  // events recorded in this run
	// tickets and serving order the updates' changes: each takes a ticket
	// when it starts and applies its change when served.
	tickets, serving int
}

// ActionWorkflow tracks one action to closure. It tells the owner what was
// agreed when tracking starts (see agreedNotice), reminds them before and
// on the due date, escalates up the ladder once overdue with weekly
// repeats, accepts the validated updates of owners and managers, and writes
// every change to PostgreSQL. It continues as new before its history grows
// long, carrying its state and losing no update.
//
// The notices for a due date D form a fixed plan (see noticePlan):
// reminders at D minus each Reminders offset, the due notice at D, weekly
// overdue notices to the owner, an escalation at each rung's D+After and
// weekly repeats to that rung until the next. The rules:
//
//  1. A notice is sent at most once: the workflow remembers how far through
//     the plan it is (NotifiedThrough), and the outbox key
//     action/<id>/remind/<D>/<offset> or action/<id>/escalate/<D>/<step>/<n>
//     makes a retried send one email.
//  2. When the workflow wakes and several notices have come due at once (a
//     worker was down), only the latest is sent; the earlier are superseded.
//  3. At the start, and whenever the due date moves (an approved extension),
//     the plan is made afresh for the new date from now: reminders whose
//     time has already passed are skipped. If the due date itself has
//     passed, the latest on-due or overdue notice (the current rung) is sent
//     at once, a single message, and the weekly repeats continue from it.
//  4. A declined extension changes nothing. Completing or cancelling stops
//     every notice; the workflow ends once running updates have finished.
//  5. Reassigning the owner changes who receives the next notices, not when.
func ActionWorkflow(ctx workflow.Context, in action.ActionInput) (action.ActionState, error) {
	areaLadder := in.Timing.IsZero()
	in.Timing = in.Timing.WithDefaults()
	w := &actionRun{in: in, s: &action.ActionState{ActionID: in.ActionID, Timeline: []action.ActionEvent{}}, areaLadder: areaLadder}
	if in.State != nil {
		w.s, w.loaded = in.State, true
		w.s.Runs++
	}
	// Handlers first, so an update sent right after the start is not
	// refused; they wait for the action to load.
	if err := w.setup(ctx); err != nil {
		return *w.s, err
	}
	if !w.loaded {
		if err := w.load(ctx); err != nil {
			return *w.s, err
		}
		if w.closed() {
			// Already closed (a workflow started again for an old action):
			// refuse whatever arrived meanwhile, then end.
			err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) })
			return w.snapshot(), err
		}
		w.replan(workflow.Now(ctx))
		if err := w.record(ctx, domain.ActionChange{Actor: "system", Kind: "tracking_started",
			Detail: "Tracking started; due " + actionDate(w.s.Due)}); err != nil {
			return w.snapshot(), err
		}
		w.agreedNotice(ctx)
	}
	return w.run(ctx)
}

// agreedNoticeChange names the change that added the agreed notice. Old
// histories must replay, so new commands are gated: GetVersion records a
// marker in new runs (version 1) and returns DefaultVersion when replaying
// a history recorded before the change, which then issues no new command.
const agreedNoticeChange = "agreed-notice"

// agreedNotice tells the owner, once, what was agreed, by when and where
// to answer it. It runs only in the first run of a newly tracked action
// (after continue-as-new the action is loaded from State and never comes
// here), and only at version 1 of agreedNoticeChange.
func (w *actionRun) agreedNotice(ctx workflow.Context) {
	if workflow.GetVersion(ctx, agreedNoticeChange, workflow.DefaultVersion, 1) != 1 {
		return
	}
	w.send(ctx, action.ActionNotice{At: workflow.Now(ctx), Key: action.NoticeAgreed, Kind: action.NoticeAgreed, To: action.RungOwner})
}

func (w *actionRun) load(ctx workflow.Context) error {
	var rec domain.ActionRecord
	if err := workflow.ExecuteActivity(flowopts.Activity(ctx), a.LoadAction, w.in.ActionID).Get(ctx, &rec); err != nil {
		return err
	}
	s := w.s
	s.Status, s.Kind, s.Audience = rec.Status, rec.Kind, rec.Audience
	s.Source = action.ActionSource{PanelID: rec.PanelID, CycleID: rec.CycleID, CaseID: rec.CaseID, LearningPointID: rec.LearningPointID}
	s.Due = actionDay(rec.Due)
	s.OwnerName, s.OwnerEmail, s.ManagerName, s.ManagerEmail = rec.OwnerName, rec.OwnerEmail, rec.ManagerName, rec.ManagerEmail
	s.Response, s.ResponseRationale = rec.Response, rec.ResponseRationale
	if rec.ExtensionTo != nil {
		s.PendingExtension = &action.Extension{To: actionDay(*rec.ExtensionTo), Reason: rec.ExtensionReason, RequestedBy: rec.ExtensionBy}
	}
	// Carry on numbering after whatever an earlier workflow for this action
	// wrote, so no event is mistaken for a retry of another.
	s.Seq = rec.LastSeq
	if w.in.SeniorEmail == "" {
		w.in.SeniorName, w.in.SeniorEmail = rec.SeniorName, rec.SeniorEmail
	}
	// The Area's ladder is fixed now, in the input that continue-as-new
	// carries on, so a later change to the Area leaves this action as it
	// was agreed. A history recorded before Areas had ladders loads zero
	// days and keeps the usual ladder.
	if w.areaLadder && rec.EscalateManagerDays > 0 {
		w.in.Timing.Ladder = action.AreaLadder(rec.EscalateManagerDays, rec.EscalateSeniorDays)
	}
	w.loaded = true
	return nil
}

func (w *actionRun) closed() bool {
	return w.s.Status == domain.ActionCompleted || w.s.Status == domain.ActionCancelled
}

// snapshot is a copy of the state safe to hand out.
func (w *actionRun) snapshot() action.ActionState {
	st := *w.s
	st.Timeline = slices.Clone(w.s.Timeline)
	if st.Timeline == nil {
		st.Timeline = []action.ActionEvent{}
	}
	return st
}

// actionHandler is one update: check validates it against the current
// state, apply makes the change (synchronously) and says what to record.
type actionHandler struct {
	name  string
	check func(workflow.Context, action.ActionUpdate) error
	apply func(workflow.Context, action.ActionUpdate) domain.ActionChange
}

func (w *actionRun) setup(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, action.QueryActionState, func() (action.ActionState, error) { return w.snapshot(), nil }); err != nil {
		return err
	}
	for _, h := range []actionHandler{
		{action.UpdateProgressNote, w.checkNote, w.progressNote},
		{action.UpdateRespond, w.checkRespond, w.respond},
		{action.UpdateCompleteAction, w.checkComplete, w.complete},
		{action.UpdateReassignOwner, w.checkReassign, w.reassign},
		{action.UpdateRequestExtension, w.checkExtension, w.requestExtension},
		{action.UpdateDecideExtension, w.checkDecision, w.decideExtension},
		{action.UpdateCancelAction, w.checkCancel, w.cancel},
	} {
		err := workflow.SetUpdateHandlerWithOptions(ctx, h.name,
			func(ctx workflow.Context, u action.ActionUpdate) (action.ActionState, error) {
				// Updates apply in the order they were accepted, including
				// those that arrived while the action was loading.
				ticket := w.tickets
				w.tickets++
				err := workflow.Await(ctx, func() bool { return w.loaded && w.serving == ticket })
				w.serving++
				if err != nil {
					return w.snapshot(), err
				}
				// Check again: another update may have changed the action
				// between this one's validation and now (two closing at once).
				if err := w.validate(ctx, h, u); err != nil {
					return w.snapshot(), err
				}
				ch := h.apply(ctx, u)
				if err := w.record(ctx, ch); err != nil {
					return w.snapshot(), err
				}
				return w.snapshot(), nil
			},
			workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, u action.ActionUpdate) error { return w.validate(ctx, h, u) }})
		if err != nil {
			return err
		}
	}
	return nil
}

// validate runs the checks every update shares, then the update's own.
// Before the action has loaded only the state-free checks run; the handler
// runs them all once it has.
func (w *actionRun) validate(ctx workflow.Context, h actionHandler, u action.ActionUpdate) error {
	if strings.TrimSpace(u.Actor) == "" {
		return errors.New("say who is making the change: the actor is empty")
	}
	for _, f := range [][2]string{{"note", u.Note}, {"rationale", u.Rationale}, {"evidence", u.Evidence}} {
		if utf8.RuneCountInString(f[1]) > actionTextLimit {
			return fmt.Errorf("the %s is too long: at most %d characters", f[0], actionTextLimit)
		}
	}
	if !w.loaded {
		return nil
	}
	if w.closed() {
		return fmt.Errorf("action A-%d is %s and can no longer change", w.s.ActionID, w.s.Status)
	}
	return h.check(ctx, u)
}

// run sends each notice when it comes due, re-planning when the due date
// moves, until the action is completed or cancelled.
func (w *actionRun) run(ctx workflow.Context) (action.ActionState, error) {
	for !w.closed() {
		if w.continueAsNewDue(ctx) {
			return w.continueAsNew(ctx)
		}
		now := workflow.Now(ctx)
		passed, next := w.plan().pick(w.s.NotifiedThrough, now)
		if passed != nil {
			// Advance first: a re-plan during the send must not be undone.
			w.s.NotifiedThrough = passed.At
			w.send(ctx, *passed)
			continue
		}
		w.s.NextNotice = next
		w.replanned = false
		wake := func() bool { return w.replanned || w.closed() || w.continueAsNewDue(ctx) }
		var err error
		if next != nil {
			_, err = workflow.AwaitWithTimeout(ctx, next.At.Sub(now), wake)
		} else {
			err = workflow.Await(ctx, wake)
		}
		if err != nil {
			return w.snapshot(), err
		}
	}
	w.s.NextNotice = nil
	err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) })
	return w.snapshot(), err
}

func (w *actionRun) continueAsNewDue(ctx workflow.Context) bool {
	info := workflow.GetInfo(ctx)
	return (w.in.ContinueAsNewAfter > 0 && w.runEvents >= w.in.ContinueAsNewAfter) ||
		info.GetContinueAsNewSuggested() || info.GetCurrentHistoryLength() >= actionHistoryCap
}

// continueAsNew hands over to a new run once every running update has
// finished, so none is lost: updates accepted while waiting are waited for
// too, and the state they leave is what the new run starts from.
func (w *actionRun) continueAsNew(ctx workflow.Context) (action.ActionState, error) {
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return w.snapshot(), err
	}
	if w.closed() {
		// An update closed the action while we waited: just finish.
		w.s.NextNotice = nil
		return w.snapshot(), nil
	}
	st := w.snapshot()
	st.NextNotice = nil
	if n := len(st.Timeline); n > actionTimelineCap {
		st.Timeline = st.Timeline[n-actionTimelineCap:]
	}
	next := w.in
	next.State = &st
	return st, workflow.NewContinueAsNewError(ctx, action.WorkflowName, next)
}

// plan is the notice plan for the action's current due date.
func (w *actionRun) plan() noticePlan { return noticePlan{timing: w.in.Timing, due: w.s.Due} }

// replan starts the plan afresh for the (new) due date from now (rule 3)
// and wakes the loop to follow it.
func (w *actionRun) replan(now time.Time) {
	w.s.NotifiedThrough = w.plan().start(now)
	w.replanned = true
}

// record numbers a change, adds it to the timeline and writes it, with the
// action's fields as they now are, to PostgreSQL.
func (w *actionRun) record(ctx workflow.Context, ch domain.ActionChange) error {
	s := w.s
	s.Seq++
	w.runEvents++
	ch.ActionID, ch.Seq, ch.At = s.ActionID, s.Seq, workflow.Now(ctx)
	ch.Status, ch.Due = s.Status, s.Due
	ch.OwnerName, ch.OwnerEmail = s.OwnerName, s.OwnerEmail
	ch.Response, ch.ResponseRationale = s.Response, s.ResponseRationale
	ch.CompletionNote, ch.CompletionEvidence, ch.CancelReason = s.CompletionNote, s.CompletionEvidence, s.CancelReason
	if s.PendingExtension != nil {
		to := s.PendingExtension.To
		ch.ExtensionTo = &to
	}
	s.Timeline = append(s.Timeline, action.ActionEvent{At: ch.At, Actor: ch.Actor, Kind: ch.Kind, Detail: actionSummary(ch.Detail), Seq: ch.Seq})
	return workflow.ExecuteActivity(flowopts.Activity(ctx), a.RecordActionChange, ch).Get(ctx, nil)
}

// actionSummary shortens text for the timeline: one line, at most 160 characters.
func actionSummary(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= 160 {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:159])) + "…"
}
