package actionflow

import (
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // UK local time without the system's zone database
	"unicode/utf8"

	"go.temporal.io/sdk/workflow"

	"github.com/lsip/scrutiny/action"
	"github.com/lsip/scrutiny/flowopts"
	"github.com/lsip/scrutiny/outbox"
	"github.com/lsip/scrutiny/uktime"
)

// a and delivery name the activities this workflow calls; their methods are
// used only as references, never called directly.
var (
	a        *Activities
	delivery *outbox.Activities
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
	in        action.ActionInput
	s         *action.ActionState
	loaded    bool
	replanned bool // the due date moved or the action closed: wake the loop
	runEvents int  // events recorded in this run
	// tickets and serving order the updates' changes: each takes a ticket
	// when it starts and applies its change when served.
	tickets, serving int
}

// ActionWorkflow tracks one action to closure. It reminds the owner before
// and on the due date, escalates up the ladder once overdue with weekly
// repeats, accepts the validated updates of owners and managers, and writes
// every change to PostgreSQL. It continues as new before its history grows
// long, carrying its state and losing no update.
//
// The notices for a due date D form a fixed plan (see plan): reminders at
// D minus each Reminders offset, the due notice at D, weekly overdue
// notices to the owner, an escalation at each rung's D+After and weekly
// repeats to that rung until the next. The rules:
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
	in.Timing = in.Timing.WithDefaults()
	w := &actionRun{in: in, s: &action.ActionState{ActionID: in.ActionID, Timeline: []action.ActionEvent{}}}
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
		if err := w.record(ctx, ActionChange{Actor: "system", Kind: "tracking_started",
			Detail: "Tracking started; due " + actionDate(w.s.Due)}); err != nil {
			return w.snapshot(), err
		}
	}
	return w.run(ctx)
}

func (w *actionRun) load(ctx workflow.Context) error {
	var rec ActionRecord
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
	w.loaded = true
	return nil
}

func (w *actionRun) closed() bool {
	return w.s.Status == action.ActionCompleted || w.s.Status == action.ActionCancelled
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
	apply func(workflow.Context, action.ActionUpdate) ActionChange
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
		passed, next := w.schedule(now)
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

// Planning.

// actionDay is the calendar date of t (in t's own zone), as midnight UTC: how
// due dates are held.
func actionDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// actionDate formats a due date: "31 March 2027".
func actionDate(d time.Time) string { return d.Format("2 January 2006") }

// dueAt is the moment offset from the due date's SendAt: whole days count
// UK calendar days (so 09:00 stays 09:00 across a clock change), anything
// else is an exact duration.
func (w *actionRun) dueAt(offset time.Duration) time.Time {
	y, m, d := w.s.Due.Date()
	send := w.in.Timing.SendAt
	anchor := time.Date(y, m, d, int(send/time.Hour), int(send%time.Hour/time.Minute), int(send%time.Minute/time.Second), 0, uktime.London)
	return actionAfter(anchor, offset)
}

// actionAfter adds d to t, counting whole days as UK calendar days.
func actionAfter(t time.Time, d time.Duration) time.Time {
	if d%uktime.Day == 0 {
		return t.In(uktime.London).AddDate(0, 0, int(d/uktime.Day))
	}
	return t.Add(d)
}

func actionOffsetLabel(d time.Duration) string {
	if d%uktime.Day == 0 {
		return fmt.Sprintf("%dd", d/uktime.Day)
	}
	return d.String()
}

// plan lists the notices for the current due date in time order: all of
// them up to the first after until (the last rung repeats for ever).
func (w *actionRun) plan(until time.Time) []action.ActionNotice {
	t := w.in.Timing
	ds := w.s.Due.Format(time.DateOnly)
	var out []action.ActionNotice
	for _, r := range t.Reminders {
		if r > 0 {
			out = append(out, action.ActionNotice{At: w.dueAt(-r), Key: fmt.Sprintf("remind/%s/%s", ds, actionOffsetLabel(r)), Kind: action.NoticeReminder, To: "owner"})
		}
	}
	out = append(out, action.ActionNotice{At: w.dueAt(0), Key: fmt.Sprintf("remind/%s/0d", ds), Kind: action.NoticeDue, To: "owner"})
	rungs := append([]action.EscalationStep{{Who: "owner"}}, t.Ladder...)
	for i, step := range rungs {
		start := w.dueAt(step.After)
		if i > 0 {
			out = append(out, action.ActionNotice{At: start, Key: fmt.Sprintf("escalate/%s/%d/0", ds, i), Kind: action.NoticeEscalation, Step: i, To: step.Who})
		}
		last := i == len(rungs)-1
		var end time.Time
		if !last {
			end = w.dueAt(rungs[i+1].After)
		}
		for k := 1; k < 100000; k++ {
			at := actionAfter(start, time.Duration(k)*t.Repeat)
			if !last && !at.Before(end) {
				break
			}
			out = append(out, action.ActionNotice{At: at, Key: fmt.Sprintf("escalate/%s/%d/%d", ds, i, k), Kind: action.NoticeOverdue, Step: i, To: step.Who})
			if last && at.After(until) {
				break
			}
		}
	}
	slices.SortStableFunc(out, func(x, y action.ActionNotice) int { return x.At.Compare(y.At) })
	return out
}

// schedule finds the notice to send now (the latest that came due since
// NotifiedThrough, superseding any earlier) and the next one to wait for.
func (w *actionRun) schedule(now time.Time) (passed, next *action.ActionNotice) {
	for _, n := range w.plan(now) {
		switch {
		case !n.At.After(w.s.NotifiedThrough):
		case !n.At.After(now):
			passed = &n
		case next == nil:
			next = &n
		}
	}
	return passed, next
}

// replan starts the plan afresh for the (new) due date from now: notices
// already past are skipped, except that once the due date itself has
// passed the latest on-due or overdue notice is sent at once.
func (w *actionRun) replan(now time.Time) {
	w.s.NotifiedThrough = now
	if due := w.dueAt(0); !now.Before(due) {
		var latest time.Time
		for _, n := range w.plan(now) {
			if !n.At.Before(due) && !n.At.After(now) {
				latest = n.At
			}
		}
		w.s.NotifiedThrough = latest.Add(-time.Nanosecond)
	}
	w.replanned = true
}

// Sending.

// recipient is who a notice goes to; note explains a fallback.
func (w *actionRun) recipient(n action.ActionNotice) (name, email, note string) {
	step := action.EscalationStep{Who: "owner"}
	if n.Step > 0 && n.Step <= len(w.in.Timing.Ladder) {
		step = w.in.Timing.Ladder[n.Step-1]
	}
	switch {
	case step.Email != "":
		return step.Name, step.Email, ""
	case step.Who == "owner":
		return w.s.OwnerName, w.s.OwnerEmail, ""
	case step.Who == "senior" && w.in.SeniorEmail != "":
		return w.in.SeniorName, w.in.SeniorEmail, ""
	case step.Who == "senior":
		return w.s.ManagerName, w.s.ManagerEmail, "No senior lead is set for this Area, so this escalation comes to you as the manager."
	case step.Who == "manager":
		return w.s.ManagerName, w.s.ManagerEmail, ""
	}
	return w.s.ManagerName, w.s.ManagerEmail, fmt.Sprintf("The escalation ladder names %q without an address, so this comes to you as the manager.", step.Who)
}

// send queues one notice in the outbox, delivers it and records it. A
// failure is logged and the plan moves on: one missed email must not stop
// the tracking. A bounce is recorded, and the manager is told when the
// address that bounced was someone else's.
func (w *actionRun) send(ctx workflow.Context, n action.ActionNotice) {
	name, email, note := w.recipient(n)
	// A catch-up goes later than planned: the email speaks of now.
	now := workflow.Now(ctx)
	overdue := int(uktime.CalendarDay(now).Sub(w.s.Due) / uktime.Day)
	m := ActionMail{ActionID: w.s.ActionID, Key: n.Key, Kind: n.Kind, Role: n.To, ToName: name, ToEmail: email,
		Due: w.s.Due, At: now, DaysOverdue: max(overdue, 0), OwnerName: w.s.OwnerName, ManagerName: w.s.ManagerName, Note: note}
	result, err := w.mail(ctx, m)
	if err != nil {
		workflow.GetLogger(ctx).Error("action notice not sent", "action", w.s.ActionID, "key", n.Key, "error", err)
		_ = w.record(ctx, ActionChange{Actor: "system", Kind: "mail_failed", Detail: fmt.Sprintf("The %s to %s could not be sent", n.Kind, name)})
		return
	}
	what := fmt.Sprintf("%s to the %s, %s (due %s)", actionNoticeLabel(n.Kind), n.To, name, actionDate(w.s.Due))
	switch result {
	case outbox.Bounced, outbox.Held:
		_ = w.record(ctx, ActionChange{Actor: "system", Kind: "mail_bounced", Detail: "Not delivered: " + what + "; the address " + email + " was refused"})
		if email != w.s.ManagerEmail {
			w.reportBounce(ctx, n, name, email)
		}
	default:
		_ = w.record(ctx, ActionChange{Actor: "system", Kind: n.Kind + "_sent", Detail: strings.ToUpper(what[:1]) + what[1:]})
	}
}

func (w *actionRun) reportBounce(ctx workflow.Context, n action.ActionNotice, name, email string) {
	m := ActionMail{ActionID: w.s.ActionID, Key: "bounce/" + n.Key, Kind: "bounce", Role: "manager",
		ToName: w.s.ManagerName, ToEmail: w.s.ManagerEmail, Due: w.s.Due, At: workflow.Now(ctx),
		OwnerName: w.s.OwnerName, ManagerName: w.s.ManagerName, BouncedName: name, BouncedEmail: email, BouncedKind: n.Kind, BouncedRole: n.To}
	if _, err := w.mail(ctx, m); err != nil {
		workflow.GetLogger(ctx).Error("bounce report not sent", "action", w.s.ActionID, "error", err)
		return
	}
	_ = w.record(ctx, ActionChange{Actor: "system", Kind: "bounce_reported", Detail: "The manager was told that mail to " + email + " bounced"})
}

func (w *actionRun) mail(ctx workflow.Context, m ActionMail) (string, error) {
	actx := flowopts.Activity(ctx)
	var ref outbox.Ref
	if err := workflow.ExecuteActivity(actx, a.QueueActionMail, m).Get(ctx, &ref); err != nil {
		return "", err
	}
	var result string
	err := workflow.ExecuteActivity(actx, delivery.DeliverMail, ref.OutboxID).Get(ctx, &result)
	return result, err
}

func actionNoticeLabel(kind string) string {
	switch kind {
	case action.NoticeDue:
		return "due-date reminder"
	case action.NoticeOverdue:
		return "overdue reminder"
	}
	return kind
}

// record numbers a change, adds it to the timeline and writes it, with the
// action's fields as they now are, to PostgreSQL.
func (w *actionRun) record(ctx workflow.Context, ch ActionChange) error {
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

// The updates.

func (w *actionRun) checkNote(_ workflow.Context, u action.ActionUpdate) error {
	if strings.TrimSpace(u.Note) == "" {
		return errors.New("the progress note is empty: say what has been done")
	}
	return nil
}

func (w *actionRun) progressNote(_ workflow.Context, u action.ActionUpdate) ActionChange {
	if w.s.Status == action.ActionOpen {
		w.s.Status = action.ActionInProgress
	}
	return ActionChange{Actor: u.Actor, Kind: "progress_note", Detail: u.Note}
}

var actionResponses = []string{"accepted", "partially_accepted", "not_accepted"}

func (w *actionRun) checkRespond(_ workflow.Context, u action.ActionUpdate) error {
	if !slices.Contains(actionResponses, u.Response) {
		return fmt.Errorf("the response must be accepted, partially_accepted or not_accepted, not %q", u.Response)
	}
	if strings.TrimSpace(u.Rationale) == "" {
		return errors.New("give the rationale for the response: panels need to see why")
	}
	return nil
}

func (w *actionRun) respond(_ workflow.Context, u action.ActionUpdate) ActionChange {
	w.s.Response, w.s.ResponseRationale = u.Response, strings.TrimSpace(u.Rationale)
	return ActionChange{Actor: u.Actor, Kind: "response", Detail: strings.ReplaceAll(u.Response, "_", " ") + ": " + w.s.ResponseRationale}
}

func (w *actionRun) checkComplete(_ workflow.Context, u action.ActionUpdate) error {
	if strings.TrimSpace(u.Note) == "" {
		return errors.New("write the response that closes the action: what was done")
	}
	return nil
}

func (w *actionRun) complete(_ workflow.Context, u action.ActionUpdate) ActionChange {
	s := w.s
	s.Status, s.CompletionNote, s.CompletionEvidence = action.ActionCompleted, strings.TrimSpace(u.Note), strings.TrimSpace(u.Evidence)
	s.PendingExtension = nil
	w.replanned = true
	detail := s.CompletionNote
	if s.CompletionEvidence != "" {
		detail += " Evidence: " + s.CompletionEvidence
	}
	return ActionChange{Actor: u.Actor, Kind: "completed", Detail: detail}
}

func (w *actionRun) checkReassign(_ workflow.Context, u action.ActionUpdate) error {
	if strings.TrimSpace(u.Name) == "" {
		return errors.New("give the new owner's name")
	}
	addr, err := mail.ParseAddress(strings.TrimSpace(u.Email))
	if err != nil || addr.Address != strings.TrimSpace(u.Email) {
		return fmt.Errorf("the new owner's email address %q is not valid", u.Email)
	}
	if strings.EqualFold(addr.Address, w.s.OwnerEmail) && strings.TrimSpace(u.Name) == w.s.OwnerName {
		return fmt.Errorf("%s already owns this action", w.s.OwnerName)
	}
	return nil
}

func (w *actionRun) reassign(_ workflow.Context, u action.ActionUpdate) ActionChange {
	from := w.s.OwnerName
	w.s.OwnerName, w.s.OwnerEmail = strings.TrimSpace(u.Name), strings.TrimSpace(u.Email)
	return ActionChange{Actor: u.Actor, Kind: "reassigned", Detail: fmt.Sprintf("Owner changed from %s to %s", from, w.s.OwnerName)}
}

func (w *actionRun) checkExtension(ctx workflow.Context, u action.ActionUpdate) error {
	if p := w.s.PendingExtension; p != nil {
		return fmt.Errorf("an extension to %s is already waiting for the manager's decision; only one request can wait at a time", actionDate(p.To))
	}
	if u.Due.IsZero() {
		return errors.New("give the new due date")
	}
	to, today := actionDay(u.Due), uktime.CalendarDay(workflow.Now(ctx))
	if !to.After(today) {
		return fmt.Errorf("the new due date must be after today (%s)", actionDate(today))
	}
	if !to.After(w.s.Due) {
		return fmt.Errorf("the new due date must be after the current due date (%s)", actionDate(w.s.Due))
	}
	if strings.TrimSpace(u.Note) == "" {
		return errors.New("give a reason for the extension")
	}
	return nil
}

func (w *actionRun) requestExtension(_ workflow.Context, u action.ActionUpdate) ActionChange {
	to := actionDay(u.Due)
	reason := strings.TrimSpace(u.Note)
	w.s.PendingExtension = &action.Extension{To: to, Reason: reason, RequestedBy: u.Actor}
	return ActionChange{Actor: u.Actor, Kind: "extension_requested", Detail: fmt.Sprintf("Asked to move the due date to %s: %s", actionDate(to), reason),
		Data: map[string]string{"to": to.Format(time.DateOnly), "reason": reason}}
}

func (w *actionRun) checkDecision(_ workflow.Context, _ action.ActionUpdate) error {
	if w.s.PendingExtension == nil {
		return errors.New("there is no extension request waiting for a decision")
	}
	return nil
}

// decideExtension records the manager's decision; only an approval moves
// the due date, and that re-plans every notice (rule 3).
func (w *actionRun) decideExtension(ctx workflow.Context, u action.ActionUpdate) ActionChange {
	ext := w.s.PendingExtension
	w.s.PendingExtension = nil
	note := strings.TrimSpace(u.Note)
	if !u.Approve {
		return ActionChange{Actor: u.Actor, Kind: "extension_declined",
			Detail: strings.TrimSpace(fmt.Sprintf("Declined moving the due date to %s; it stays %s. %s", actionDate(ext.To), actionDate(w.s.Due), note))}
	}
	from := w.s.Due
	w.s.Due = ext.To
	w.replan(workflow.Now(ctx))
	return ActionChange{Actor: u.Actor, Kind: "extension_approved",
		Detail: strings.TrimSpace(fmt.Sprintf("Due date moved from %s to %s; reminders re-planned. %s", actionDate(from), actionDate(ext.To), note))}
}

func (w *actionRun) checkCancel(_ workflow.Context, u action.ActionUpdate) error {
	if strings.TrimSpace(u.Note) == "" {
		return errors.New("give a reason for cancelling the action")
	}
	return nil
}

func (w *actionRun) cancel(_ workflow.Context, u action.ActionUpdate) ActionChange {
	w.s.Status, w.s.CancelReason = action.ActionCancelled, strings.TrimSpace(u.Note)
	w.s.PendingExtension = nil
	w.replanned = true
	return ActionChange{Actor: u.Actor, Kind: "cancelled", Detail: w.s.CancelReason}
}
