// Package action is the contract of the action-tracking workflow: its
// input, state, timing, update and query names and workflow ID. The server
// and the cycle workflow use it to start and talk to an action's workflow;
// the workflow itself and its activities are in action/actionflow.
package action

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/uktime"
)

// Names of the action workflow's updates and query. Every update takes an
// ActionUpdate (Actor says who is making the change) and returns the
// action's state once the change is stored in PostgreSQL; the query returns
// the state with its timeline.
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

// The kinds of notice the workflow sends, and so the kinds of the timeline
// events ("<kind>_sent") that record them.
const (
	NoticeAgreed     = "agreed"     // to the owner, once, when tracking starts
	NoticeReminder   = "reminder"   // to the owner, before the due date
	NoticeDue        = "due"        // to the owner, on the due date
	NoticeOverdue    = "overdue"    // weekly, to the current rung while overdue
	NoticeEscalation = "escalation" // once, to each rung as it is reached
)

// Who a notice goes to: the rungs of the ladder. A rung with its own
// Email may carry another label.
const (
	RungOwner   = "owner"   // the action's owner
	RungManager = "manager" // the action's manager
	RungSenior  = "senior"  // the Area's senior lead (ActionInput.SeniorName, SeniorEmail)
)

// EscalationStep is one rung of the ladder: once the action is After
// overdue, the rung's person is told, and reminded every Repeat until the
// next rung is reached. Who is "manager" (the action's manager) or
// "senior" (ActionInput's senior lead); a rung with its own Email goes to
// Name and Email, and Who is then only a label.
type EscalationStep struct {
	After time.Duration `json:"after"`
	Who   string        `json:"who"`
	Name  string        `json:"name,omitempty"`
	Email string        `json:"email,omitempty"`
}

// ActionTiming configures reminders and escalation. Offsets that are whole
// days are counted in UK calendar days and fire at SendAt, UK local time,
// whatever the clocks did in between; other offsets are exact durations
// from the due date's SendAt.
type ActionTiming struct {
	// Reminders go to the owner this long before the due date. The owner is
	// always reminded on the due date itself.
	Reminders []time.Duration `json:"reminders"`
	// Ladder is in order of After; see EscalationStep.
	Ladder []EscalationStep `json:"ladder"`
	// Repeat is how often the current rung (the owner until the first
	// escalation) is reminded while the action stays overdue.
	Repeat time.Duration `json:"repeat"`
	// SendAt is the time of day, UK local time, at which notices go out.
	SendAt time.Duration `json:"send_at"`
}

// The usual escalation ladder: the manager is told 14 days after the due
// date and the Area's senior lead 30 days after. An Area may set its own
// days (see AreaLadder).
const (
	DefaultManagerDays = 14
	DefaultSeniorDays  = 30
)

// DefaultActionTiming: the owner at 09:00 UK time 14 and 3 days before the
// due date and on it, then weekly; the manager at 14 days overdue, a senior
// lead at 30; each reminded weekly until the next rung or closure.
func DefaultActionTiming() ActionTiming {
	return ActionTiming{
		Reminders: []time.Duration{14 * uktime.Day, 3 * uktime.Day},
		Ladder:    AreaLadder(DefaultManagerDays, DefaultSeniorDays),
		Repeat:    7 * uktime.Day,
		SendAt:    9 * time.Hour,
	}
}

// AreaLadder is the ladder of an Area that tells the manager managerDays
// after the due date and its senior lead seniorDays after. Days that are
// not positive and in order give the usual ladder.
func AreaLadder(managerDays, seniorDays int) []EscalationStep {
	if managerDays <= 0 || seniorDays <= managerDays {
		managerDays, seniorDays = DefaultManagerDays, DefaultSeniorDays
	}
	return []EscalationStep{
		{After: time.Duration(managerDays) * uktime.Day, Who: RungManager},
		{After: time.Duration(seniorDays) * uktime.Day, Who: RungSenior},
	}
}

// IsZero reports whether no field of the timing is set: the caller left
// it to the defaults (and to the action's Area for the ladder).
func (t ActionTiming) IsZero() bool {
	return t.Reminders == nil && t.Ladder == nil && t.Repeat == 0 && t.SendAt == 0
}

// WithDefaults: a zero Timing is DefaultActionTiming. A Timing with any
// field set is taken as given (nil Reminders or Ladder mean none, SendAt
// zero means midnight), except that Repeat defaults to a week.
func (t ActionTiming) WithDefaults() ActionTiming {
	if t.IsZero() {
		return DefaultActionTiming()
	}
	if t.Repeat <= 0 {
		t.Repeat = 7 * uktime.Day
	}
	t.Reminders = slices.Clone(t.Reminders)
	slices.SortFunc(t.Reminders, func(x, y time.Duration) int { return cmp.Compare(y, x) })
	t.Ladder = slices.Clone(t.Ladder)
	slices.SortStableFunc(t.Ladder, func(x, y EscalationStep) int { return cmp.Compare(x.After, y.After) })
	return t
}

// ActionInput starts the tracking of one action or, after continue-as-new,
// resumes it with State.
type ActionInput struct {
	ActionID int64 `json:"action_id"`
	// Timing left zero is DefaultActionTiming with the ladder of the
	// action's Area, fixed when the action is loaded and carried across
	// continue-as-new.
	Timing ActionTiming `json:"timing"`
	// SeniorName and SeniorEmail are the "senior" rung of the ladder. When
	// empty, the Area's senior lead (typically the DCCP) is used; when the
	// Area has none, the manager is told instead, and told why.
	SeniorName  string `json:"senior_name,omitempty"`
	SeniorEmail string `json:"senior_email,omitempty"`
	// ContinueAsNewAfter, when positive, continues as new once a run has
	// recorded that many events (for tests). Whatever it is, the workflow
	// continues as new when Temporal suggests it or the history reaches
	// actionHistoryCap events.
	ContinueAsNewAfter int `json:"continue_as_new_after,omitempty"`
	// State carries the action across continue-as-new.
	State *ActionState `json:"state,omitempty"`
}

// ActionSource says where the action came from: its cycle (and so its
// meeting), and the case or learning point if any.
type ActionSource struct {
	PanelID         int64 `json:"panel_id"`
	CycleID         int64 `json:"cycle_id,omitempty"`
	CaseID          int64 `json:"case_id,omitempty"`
	LearningPointID int64 `json:"learning_point_id,omitempty"`
}

// ActionState is the action as the workflow holds it and the query and
// every update return.
type ActionState struct {
	ActionID           int64               `json:"action_id"`
	Status             domain.ActionStatus `json:"status"`
	Kind               string              `json:"kind,omitempty"`     // recommendation, learning, information_request
	Audience           string              `json:"audience,omitempty"` // prosecution, police, partners
	Source             ActionSource        `json:"source"`
	Due                time.Time           `json:"due"` // a date: midnight UTC of the due day
	OwnerName          string              `json:"owner_name"`
	OwnerEmail         string              `json:"owner_email"`
	ManagerName        string              `json:"manager_name"`
	ManagerEmail       string              `json:"manager_email"`
	Response           string              `json:"response,omitempty"` // accepted, partially_accepted, not_accepted
	ResponseRationale  string              `json:"response_rationale,omitempty"`
	CompletionNote     string              `json:"completion_note,omitempty"`
	CompletionEvidence string              `json:"completion_evidence,omitempty"`
	CancelReason       string              `json:"cancel_reason,omitempty"`
	PendingExtension   *Extension          `json:"pending_extension,omitempty"`
	Timeline           []ActionEvent       `json:"timeline"`
	// NextNotice is the next reminder or escalation and when it will go;
	// nil once the action is closed.
	NextNotice *ActionNotice `json:"next_notice,omitempty"`
	// NotifiedThrough: every notice planned at or before this time has been
	// sent or deliberately skipped (see the rules on ActionWorkflow).
	NotifiedThrough time.Time `json:"notified_through"`
	// Seq numbers the changes written to PostgreSQL.
	Seq int `json:"seq"`
	// Runs counts continue-as-new hand-overs.
	Runs int `json:"runs,omitempty"`
}

// Extension is a request to move the due date, waiting for the manager.
type Extension struct {
	To          time.Time `json:"to"`
	Reason      string    `json:"reason"`
	RequestedBy string    `json:"requested_by"`
}

// ActionEvent is one entry of the timeline; Detail is a short summary (the
// full text is in PostgreSQL).
type ActionEvent struct {
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Kind   string    `json:"kind"`
	Detail string    `json:"detail,omitempty"`
	Seq    int       `json:"seq,omitempty"`
}

// ActionNotice is one planned reminder or escalation.
type ActionNotice struct {
	At   time.Time `json:"at"`
	Key  string    `json:"key"`  // unique per action, the outbox key's tail
	Kind string    `json:"kind"` // reminder, due, overdue, escalation
	Step int       `json:"step"` // 0 is the owner, 1.. the ladder's rungs
	To   string    `json:"to"`   // owner, or the rung's Who
}

// ActionUpdate is the argument of every action update; each uses the
// fields it needs.
type ActionUpdate struct {
	Actor     string    `json:"actor"`
	Note      string    `json:"note"`      // progress note, completion text, extension or cancellation reason, decision note
	Response  string    `json:"response"`  // with respond: accepted, partially_accepted, not_accepted
	Rationale string    `json:"rationale"` // with respond
	Evidence  string    `json:"evidence"`  // with complete, optional: a note or a URL
	Name      string    `json:"name"`      // with reassign-owner
	Email     string    `json:"email"`     // with reassign-owner
	Due       time.Time `json:"due"`       // with request-extension: the new due date
	Approve   bool      `json:"approve"`   // with decide-extension
	// Language, with reassign-owner and optional, is the new owner's
	// language (en or cy) for their emails and page; empty takes the one
	// known for the person at Email, else English.
	Language string `json:"language,omitempty"`
}

// WorkflowID is the ID of the workflow tracking one action.
func WorkflowID(actionID int64) string {
	return fmt.Sprintf("action-%d", actionID)
}

// WorkflowName is the action workflow's type name, as recorded in the
// history of running workflows.
const WorkflowName = "ActionWorkflow"
