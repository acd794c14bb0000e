package workflows

import (
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/lsip/scrutiny/activities"
)

// Names of the action workflow's updates and query.
const (
	UpdateProgressNote     = "add-progress-note"
	UpdateRespond          = "respond"
	UpdateCompleteAction   = "complete"
	UpdateReassignOwner    = "reassign-owner"
	UpdateRequestExtension = "request-extension"
	UpdateDecideExtension  = "decide-extension"
	UpdateCancelAction     = "cancel"
	QueryActionState       = "action-state"
)

// EscalationStep is one rung of the ladder: once the action is After
// overdue, Who is told, and reminded weekly until the next rung.
type EscalationStep struct {
	After time.Duration `json:"after"`
	Who   string        `json:"who"` // manager or senior
}

// ActionTiming configures reminders and escalation.
type ActionTiming struct {
	// Reminders go to the owner this long before the due date, and on it.
	Reminders []time.Duration  `json:"reminders"`
	Ladder    []EscalationStep `json:"ladder"`
	Repeat    time.Duration    `json:"repeat"`
}

// DefaultActionTiming: the owner 14 and 3 days before and on the due date;
// the manager at 14 days overdue, a senior lead at 30; weekly repeats.
func DefaultActionTiming() ActionTiming {
	return ActionTiming{
		Reminders: []time.Duration{14 * day, 3 * day},
		Ladder:    []EscalationStep{{After: 14 * day, Who: "manager"}, {After: 30 * day, Who: "senior"}},
		Repeat:    7 * day,
	}
}

// ActionInput starts (or, after continue-as-new, resumes) the tracking of
// one action.
type ActionInput struct {
	ActionID int64        `json:"action_id"`
	Timing   ActionTiming `json:"timing"`
	// SeniorName and SeniorEmail are the last rung of the ladder; when
	// empty, the Area's senior lead is used.
	SeniorName  string `json:"senior_name"`
	SeniorEmail string `json:"senior_email"`
	// ContinueAsNewAfter bounds the events one run records before it
	// continues as new; zero means 1,000.
	ContinueAsNewAfter int          `json:"continue_as_new_after"`
	State              *ActionState `json:"state,omitempty"`
}

// ActionState is the action as the workflow holds it and the query returns.
type ActionState struct {
	ActionID          int64           `json:"action_id"`
	Status            string          `json:"status"`
	Due               time.Time       `json:"due"`
	OwnerName         string          `json:"owner_name"`
	OwnerEmail        string          `json:"owner_email"`
	ManagerName       string          `json:"manager_name"`
	ManagerEmail      string          `json:"manager_email"`
	Response          string          `json:"response,omitempty"`
	ResponseRationale string          `json:"response_rationale,omitempty"`
	PendingExtension  *Extension      `json:"pending_extension,omitempty"`
	Timeline          []ActionEvent   `json:"timeline"`
	Sent              map[string]bool `json:"sent"`
	Seq               int             `json:"seq"`
}

// Extension is a request to move the due date.
type Extension struct {
	To          time.Time `json:"to"`
	Reason      string    `json:"reason"`
	RequestedBy string    `json:"requested_by"`
}

// ActionEvent is one entry of the timeline.
type ActionEvent struct {
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Kind   string    `json:"kind"`
	Detail string    `json:"detail,omitempty"`
}

// ActionUpdate is the argument of every action update; each uses the
// fields it needs.
type ActionUpdate struct {
	Actor     string    `json:"actor"`
	Note      string    `json:"note"`
	Response  string    `json:"response"`  // accepted, partially_accepted, not_accepted
	Rationale string    `json:"rationale"` // with respond
	Evidence  string    `json:"evidence"`  // with complete
	Name      string    `json:"name"`      // with reassign-owner
	Email     string    `json:"email"`     // with reassign-owner
	Due       time.Time `json:"due"`       // with request-extension
	Approve   bool      `json:"approve"`   // with decide-extension
}

type action struct {
	in      ActionInput
	s       *ActionState
	changed bool
}

// ActionWorkflow tracks one action to closure: it reminds the owner before
// and on the due date, escalates up the ladder once overdue with weekly
// repeats, accepts the updates of owners and managers, and writes every
// change to PostgreSQL. It continues as new before its history grows long,
// carrying its state and losing no update.
func ActionWorkflow(ctx workflow.Context, in ActionInput) (ActionState, error) {
	if in.Timing.Reminders == nil && in.Timing.Ladder == nil {
		in.Timing = DefaultActionTiming()
	}
	if in.ContinueAsNewAfter == 0 {
		in.ContinueAsNewAfter = 1000
	}
	w := &action{in: in, s: in.State}
	if w.s == nil {
		var rec activities.ActionRecord
		if err := workflow.ExecuteActivity(activityCtx(ctx), a.LoadAction, in.ActionID).Get(ctx, &rec); err != nil {
			return ActionState{}, err
		}
		w.s = &ActionState{ActionID: in.ActionID, Status: rec.Status, Due: rec.Due, OwnerName: rec.OwnerName, OwnerEmail: rec.OwnerEmail,
			ManagerName: rec.ManagerName, ManagerEmail: rec.ManagerEmail, Sent: map[string]bool{}}
		if w.in.SeniorEmail == "" {
			w.in.SeniorName, w.in.SeniorEmail = rec.SeniorName, rec.SeniorEmail
		}
	}
	if err := w.setup(ctx); err != nil {
		return *w.s, err
	}
	if in.State == nil {
		if err := w.record(ctx, activities.ActionChange{Actor: "system", Kind: "tracking_started"}); err != nil {
			return *w.s, err
		}
	}
	return w.run(ctx)
}

func (w *action) closed() bool { return w.s.Status == "completed" || w.s.Status == "cancelled" }

func (w *action) setup(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryActionState, func() (ActionState, error) { return *w.s, nil }); err != nil {
		return err
	}
	handlers := []struct {
		name     string
		validate func(ActionUpdate) error
		apply    func(workflow.Context, ActionUpdate) error
	}{
		{UpdateProgressNote, w.validateNote, w.progressNote},
		{UpdateRespond, w.validateRespond, w.respond},
		{UpdateCompleteAction, w.validateComplete, w.complete},
		{UpdateReassignOwner, w.validateReassign, w.reassign},
		{UpdateRequestExtension, w.validateExtension, w.requestExtension},
		{UpdateDecideExtension, w.validateDecision, w.decideExtension},
		{UpdateCancelAction, w.validateCancel, w.cancel},
	}
	for _, h := range handlers {
		h := h
		err := workflow.SetUpdateHandlerWithOptions(ctx, h.name,
			func(ctx workflow.Context, u ActionUpdate) (ActionState, error) {
				if err := h.apply(ctx, u); err != nil {
					return *w.s, err
				}
				w.changed = true
				return *w.s, nil
			},
			workflow.UpdateHandlerOptions{Validator: func(_ workflow.Context, u ActionUpdate) error {
				if strings.TrimSpace(u.Actor) == "" {
					return errors.New("say who is making the change")
				}
				if w.closed() {
					return fmt.Errorf("the action is %s and can no longer change", w.s.Status)
				}
				return h.validate(u)
			}})
		if err != nil {
			return err
		}
	}
	return nil
}

// run waits for the next reminder or escalation, re-planning whenever an
// update changes the action, until it is completed or cancelled.
func (w *action) run(ctx workflow.Context) (ActionState, error) {
	for !w.closed() {
		if len(w.s.Timeline) >= w.in.ContinueAsNewAfter || workflow.GetInfo(ctx).GetContinueAsNewSuggested() {
			// Let every accepted update finish before handing over, so none
			// is lost at the boundary.
			if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
				return *w.s, err
			}
			next := w.in
			state := *w.s
			state.Timeline = nil // PostgreSQL keeps the full timeline
			next.State = &state
			return *w.s, workflow.NewContinueAsNewError(ctx, ActionWorkflow, next)
		}
		now := workflow.Now(ctx)
		n, ok := w.next(now)
		w.changed = false
		wait := time.Duration(1<<63 - 1)
		if ok {
			wait = n.at.Sub(now)
		}
		woken, err := workflow.AwaitWithTimeout(ctx, wait, func() bool { return w.changed || w.closed() })
		if err != nil {
			return *w.s, err
		}
		if !woken && ok {
			w.s.Sent[n.key] = true
			if err := w.notify(ctx, n); err != nil {
				workflow.GetLogger(ctx).Error("action notification", "key", n.key, "error", err)
			}
		}
	}
	err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) })
	return *w.s, err
}

// notification is one planned email.
type notification struct {
	at   time.Time
	key  string
	kind string // reminder, due, overdue, escalation
	to   string // owner, manager, senior
}

// next plans the earliest notification not yet sent and not in the past.
// Everything is relative to the current due date, so an approved extension
// re-plans every pending reminder; notifications whose time passed without
// being sent (after a due-date change) are skipped, not sent late.
func (w *action) next(now time.Time) (notification, bool) {
	due := w.s.Due
	d := due.Format(time.DateOnly)
	var plan []notification
	for _, r := range w.in.Timing.Reminders {
		plan = append(plan, notification{due.Add(-r), fmt.Sprintf("%s/remind-%s", d, r), "reminder", "owner"})
	}
	plan = append(plan, notification{due, d + "/due", "due", "owner"})
	// Weekly repeats to the owner until the first rung, then to each rung's
	// person until the next, and to the last rung for as long as it lasts.
	rungs := append([]EscalationStep{{After: 0, Who: "owner"}}, w.in.Timing.Ladder...)
	repeat := w.in.Timing.Repeat
	if repeat <= 0 {
		repeat = 7 * day
	}
	for i, step := range rungs {
		start := due.Add(step.After)
		if i > 0 {
			plan = append(plan, notification{start, fmt.Sprintf("%s/escalate-%d", d, i), "escalation", step.Who})
		}
		for k := 1; ; k++ {
			at := start.Add(time.Duration(k) * repeat)
			if i+1 < len(rungs) && !at.Before(due.Add(rungs[i+1].After)) {
				break
			}
			if i+1 == len(rungs) && at.After(now.Add(repeat)) {
				break
			}
			plan = append(plan, notification{at, fmt.Sprintf("%s/repeat-%d-%d", d, i, k), "overdue", step.Who})
		}
	}
	slices.SortStableFunc(plan, func(x, y notification) int { return x.at.Compare(y.at) })
	for _, n := range plan {
		if !n.at.Before(now) && !w.s.Sent[n.key] {
			return n, true
		}
	}
	return notification{}, false
}

func (w *action) notify(ctx workflow.Context, n notification) error {
	actx := activityCtx(ctx)
	var ref activities.MailRef
	if err := workflow.ExecuteActivity(actx, a.QueueActionMail, activities.ActionMail{
		ActionID: w.s.ActionID, Key: n.key, Kind: n.kind, To: n.to, Due: w.s.Due,
		SeniorName: w.in.SeniorName, SeniorEmail: w.in.SeniorEmail,
	}).Get(ctx, &ref); err != nil {
		return err
	}
	if err := workflow.ExecuteActivity(actx, a.DeliverMail, ref.OutboxID).Get(ctx, nil); err != nil {
		return err
	}
	return w.record(ctx, activities.ActionChange{Actor: "system", Kind: n.kind + "_sent", Detail: "to the " + n.to})
}

// record numbers a change, writes it to PostgreSQL and adds it to the
// timeline.
func (w *action) record(ctx workflow.Context, ch activities.ActionChange) error {
	w.s.Seq++
	ch.ActionID, ch.Seq = w.s.ActionID, w.s.Seq
	ch.Status, ch.Due = w.s.Status, w.s.Due
	ch.OwnerName, ch.OwnerEmail = w.s.OwnerName, w.s.OwnerEmail
	ch.Response, ch.ResponseRationale = w.s.Response, w.s.ResponseRationale
	if w.s.PendingExtension != nil {
		ch.ExtensionTo = &w.s.PendingExtension.To
	}
	var at time.Time
	if err := workflow.ExecuteActivity(activityCtx(ctx), a.RecordActionChange, ch).Get(ctx, &at); err != nil {
		return err
	}
	w.s.Timeline = append(w.s.Timeline, ActionEvent{At: workflow.Now(ctx), Actor: ch.Actor, Kind: ch.Kind, Detail: ch.Detail})
	return nil
}

func (w *action) validateNote(u ActionUpdate) error {
	if strings.TrimSpace(u.Note) == "" {
		return errors.New("the progress note is empty")
	}
	return nil
}

func (w *action) progressNote(ctx workflow.Context, u ActionUpdate) error {
	if w.s.Status == "open" {
		w.s.Status = "in_progress"
	}
	return w.record(ctx, activities.ActionChange{Actor: u.Actor, Kind: "progress_note", Detail: u.Note})
}

var responses = []string{"accepted", "partially_accepted", "not_accepted"}

func (w *action) validateRespond(u ActionUpdate) error {
	if !slices.Contains(responses, u.Response) {
		return errors.New("response must be accepted, partially_accepted or not_accepted")
	}
	if strings.TrimSpace(u.Rationale) == "" {
		return errors.New("give the rationale for the response; panels need to see what was done with their recommendation")
	}
	return nil
}

func (w *action) respond(ctx workflow.Context, u ActionUpdate) error {
	w.s.Response, w.s.ResponseRationale = u.Response, u.Rationale
	return w.record(ctx, activities.ActionChange{Actor: u.Actor, Kind: "response", Detail: strings.ReplaceAll(u.Response, "_", " ") + ": " + u.Rationale})
}

func (w *action) validateComplete(u ActionUpdate) error {
	if strings.TrimSpace(u.Note) == "" {
		return errors.New("write the response that closes the action (what was done)")
	}
	return nil
}

func (w *action) complete(ctx workflow.Context, u ActionUpdate) error {
	w.s.Status = "completed"
	detail := u.Note
	if u.Evidence != "" {
		detail += "\nEvidence: " + u.Evidence
	}
	return w.record(ctx, activities.ActionChange{Actor: u.Actor, Kind: "completed", Detail: detail, CompletionNote: detail})
}

func (w *action) validateReassign(u ActionUpdate) error {
	if strings.TrimSpace(u.Name) == "" {
		return errors.New("give the new owner's name")
	}
	if _, err := mail.ParseAddress(u.Email); err != nil {
		return errors.New("the new owner's email address is not valid")
	}
	return nil
}

func (w *action) reassign(ctx workflow.Context, u ActionUpdate) error {
	from := w.s.OwnerName
	w.s.OwnerName, w.s.OwnerEmail = u.Name, u.Email
	return w.record(ctx, activities.ActionChange{Actor: u.Actor, Kind: "reassigned", Detail: fmt.Sprintf("from %s to %s", from, u.Name)})
}

func (w *action) validateExtension(u ActionUpdate) error {
	if w.s.PendingExtension != nil {
		return errors.New("an extension is already waiting for the manager's decision")
	}
	if !u.Due.After(w.s.Due) {
		return errors.New("the new due date must be after the current one")
	}
	if strings.TrimSpace(u.Note) == "" {
		return errors.New("give a reason for the extension")
	}
	return nil
}

func (w *action) requestExtension(ctx workflow.Context, u ActionUpdate) error {
	w.s.PendingExtension = &Extension{To: u.Due, Reason: u.Note, RequestedBy: u.Actor}
	return w.record(ctx, activities.ActionChange{Actor: u.Actor, Kind: "extension_requested", Detail: fmt.Sprintf("to %s: %s", u.Due.Format(time.DateOnly), u.Note)})
}

func (w *action) validateDecision(u ActionUpdate) error {
	if w.s.PendingExtension == nil {
		return errors.New("there is no extension request to decide")
	}
	return nil
}

// decideExtension records the manager's decision; only an approval moves
// the due date, which re-plans every reminder.
func (w *action) decideExtension(ctx workflow.Context, u ActionUpdate) error {
	ext := w.s.PendingExtension
	w.s.PendingExtension = nil
	kind := "extension_declined"
	if u.Approve {
		kind = "extension_approved"
		w.s.Due = ext.To
	}
	return w.record(ctx, activities.ActionChange{Actor: u.Actor, Kind: kind, Detail: fmt.Sprintf("to %s. %s", ext.To.Format(time.DateOnly), u.Note)})
}

func (w *action) validateCancel(u ActionUpdate) error {
	if strings.TrimSpace(u.Note) == "" {
		return errors.New("give a reason for cancelling the action")
	}
	return nil
}

func (w *action) cancel(ctx workflow.Context, u ActionUpdate) error {
	w.s.Status = "cancelled"
	return w.record(ctx, activities.ActionChange{Actor: u.Actor, Kind: "cancelled", Detail: u.Note, CancelReason: u.Note})
}
