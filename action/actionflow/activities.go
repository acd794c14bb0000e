package actionflow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"go.temporal.io/sdk/temporal"

	"github.com/lsip/scrutiny/mailtext"
	"github.com/lsip/scrutiny/outbox"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/uktime"
)

// Activities carries the dependencies of the action workflow's activities.
// Register one value with the worker; its exported methods become the
// activities.
type Activities struct {
	Store *store.Store
	// PublicURL is the base of links placed in emails.
	PublicURL string
}

// ActionRecord is what the tracking workflow loads when it starts: IDs,
// dates, short labels and the people it writes to, never the description.
type ActionRecord struct {
	Status          string    `json:"status"`
	Kind            string    `json:"kind"`
	Audience        string    `json:"audience"`
	PanelID         int64     `json:"panel_id"`
	CycleID         int64     `json:"cycle_id,omitempty"`
	CaseID          int64     `json:"case_id,omitempty"`
	LearningPointID int64     `json:"learning_point_id,omitempty"`
	Due             time.Time `json:"due"`
	OwnerName       string    `json:"owner_name"`
	OwnerEmail      string    `json:"owner_email"`
	ManagerName     string    `json:"manager_name"`
	ManagerEmail    string    `json:"manager_email"`
	// The organisation's response, if one is recorded already.
	Response          string `json:"response,omitempty"`
	ResponseRationale string `json:"response_rationale,omitempty"`
	// A pending extension request, if any.
	ExtensionTo     *time.Time `json:"extension_to,omitempty"`
	ExtensionReason string     `json:"extension_reason,omitempty"`
	ExtensionBy     string     `json:"extension_by,omitempty"`
	// SeniorName and SeniorEmail are the Area's senior lead, the last rung
	// of the escalation ladder; empty when the Area has none set.
	SeniorName  string `json:"senior_name"`
	SeniorEmail string `json:"senior_email"`
	// LastSeq is the highest event number already written, so a workflow
	// started again for the action numbers on from it.
	LastSeq int `json:"last_seq"`
}

// LoadAction reads an action for its tracking workflow.
func (a *Activities) LoadAction(ctx context.Context, actionID int64) (ActionRecord, error) {
	var r ActionRecord
	err := a.Store.Pool.QueryRow(ctx, `SELECT ac.status, ac.kind, ac.audience, ac.panel_id, coalesce(ac.cycle_id, 0), coalesce(ac.case_id, 0),
			coalesce(ac.learning_point_id, 0), ac.due_on, ac.owner_name, ac.owner_email, ac.manager_name, ac.manager_email,
			coalesce(ac.response, ''), coalesce(ac.response_rationale, ''), ac.extension_requested_to,
			coalesce(ar.senior_lead_name, ''), coalesce(ar.senior_lead_email, ''),
			greatest(ac.last_event_seq, coalesce((SELECT max(seq) FROM action_events WHERE action_id = ac.id), 0))
		FROM actions ac JOIN areas ar ON ar.id = ac.area_id WHERE ac.id = $1`, actionID).
		Scan(&r.Status, &r.Kind, &r.Audience, &r.PanelID, &r.CycleID, &r.CaseID, &r.LearningPointID, &r.Due,
			&r.OwnerName, &r.OwnerEmail, &r.ManagerName, &r.ManagerEmail, &r.Response, &r.ResponseRationale, &r.ExtensionTo,
			&r.SeniorName, &r.SeniorEmail, &r.LastSeq)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, temporal.NewNonRetryableApplicationError(fmt.Sprintf("action %d does not exist", actionID), "NotFound", nil)
	}
	if err != nil || r.ExtensionTo == nil {
		return r, err
	}
	// Who asked for the pending extension, and why, is on its event.
	err = a.Store.Pool.QueryRow(ctx, `SELECT actor, coalesce(detail->>'reason', '') FROM action_events
		WHERE action_id = $1 AND kind = 'extension_requested' ORDER BY seq DESC NULLS LAST, id DESC LIMIT 1`, actionID).
		Scan(&r.ExtensionBy, &r.ExtensionReason)
	if errors.Is(err, pgx.ErrNoRows) {
		err = nil
	}
	return r, err
}

// ActionChange is one change to an action: the timeline event that says
// what happened, who did it and when, and the action's fields as they are
// after it.
type ActionChange struct {
	ActionID int64     `json:"action_id"`
	Seq      int       `json:"seq"`
	At       time.Time `json:"at"`
	Actor    string    `json:"actor"`
	Kind     string    `json:"kind"`
	Detail   string    `json:"detail,omitempty"`
	// Data is stored with Detail in the event's detail (for example an
	// extension's date and reason).
	Data               map[string]string `json:"data,omitempty"`
	Status             string            `json:"status"`
	Due                time.Time         `json:"due"`
	OwnerName          string            `json:"owner_name"`
	OwnerEmail         string            `json:"owner_email"`
	Response           string            `json:"response,omitempty"`
	ResponseRationale  string            `json:"response_rationale,omitempty"`
	CompletionNote     string            `json:"completion_note,omitempty"`
	CompletionEvidence string            `json:"completion_evidence,omitempty"`
	CancelReason       string            `json:"cancel_reason,omitempty"`
	ExtensionTo        *time.Time        `json:"extension_to,omitempty"`
}

// RecordActionChange appends the event, once per sequence number however
// often it is retried, and writes the action's fields unless a later change
// is stored already (the workflow may write two changes at once). It
// returns the event's time as stored.
func (a *Activities) RecordActionChange(ctx context.Context, ch ActionChange) (time.Time, error) {
	if ch.At.IsZero() {
		ch.At = time.Now()
	}
	detail := map[string]string{"text": ch.Detail}
	for k, v := range ch.Data {
		if k != "text" {
			detail[k] = v
		}
	}
	raw, err := json.Marshal(detail)
	if err != nil {
		return time.Time{}, err
	}
	var at time.Time
	err = a.Store.RawTx(ctx, func(tx pgx.Tx) error {
		inserted := true
		err := tx.QueryRow(ctx, `INSERT INTO action_events (action_id, seq, at, actor, kind, detail) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (action_id, seq) DO NOTHING RETURNING at`, ch.ActionID, ch.Seq, ch.At, ch.Actor, ch.Kind, raw).Scan(&at)
		if errors.Is(err, pgx.ErrNoRows) {
			// A retry: the event is there. It must be this change, not a
			// different one numbered the same.
			inserted = false
			var kind string
			if err := tx.QueryRow(ctx, `SELECT at, kind FROM action_events WHERE action_id = $1 AND seq = $2`, ch.ActionID, ch.Seq).Scan(&at, &kind); err != nil {
				return err
			}
			if kind != ch.Kind {
				return temporal.NewNonRetryableApplicationError(fmt.Sprintf("action %d event %d is already %q, not %q", ch.ActionID, ch.Seq, kind, ch.Kind), "SeqClash", nil)
			}
		} else if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE actions SET status = $2, due_on = $3, owner_name = $4, owner_email = $5,
				response = NULLIF($6, ''), response_rationale = NULLIF($7, ''),
				completion_note = NULLIF($8, ''), completion_evidence = NULLIF($9, ''), cancel_reason = NULLIF($10, ''),
				extension_requested_to = $11, updated_at = $12, last_event_seq = $13,
				closed_at = CASE WHEN $2 IN ('completed', 'cancelled') THEN coalesce(closed_at, $12) END
			WHERE id = $1 AND last_event_seq < $13`, ch.ActionID, ch.Status, ch.Due, ch.OwnerName, ch.OwnerEmail, ch.Response, ch.ResponseRationale,
			ch.CompletionNote, ch.CompletionEvidence, ch.CancelReason, ch.ExtensionTo, ch.At, ch.Seq)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			var exists bool
			if err := tx.QueryRow(ctx, `SELECT true FROM actions WHERE id = $1`, ch.ActionID).Scan(&exists); errors.Is(err, pgx.ErrNoRows) {
				return temporal.NewNonRetryableApplicationError(fmt.Sprintf("action %d does not exist", ch.ActionID), "NotFound", nil)
			}
		}
		if !inserted {
			return nil
		}
		return store.Audit(ctx, tx, ch.Actor, "action_"+ch.Kind, "action", strconv.FormatInt(ch.ActionID, 10), map[string]any{"seq": ch.Seq})
	})
	return at, err
}

// ActionMail asks for one email about an action: a reminder, due-date,
// overdue or escalation notice, or (Kind "bounce") word to the manager that
// an earlier one bounced. The workflow says who it goes to; the text comes
// from the actions row.
type ActionMail struct {
	ActionID int64 `json:"action_id"`
	// Key is unique within the action; the outbox key is action/<id>/<Key>.
	Key         string    `json:"key"`
	Kind        string    `json:"kind"` // reminder, due, overdue, escalation, bounce
	Role        string    `json:"role"` // owner, manager, senior, ...
	ToName      string    `json:"to_name"`
	ToEmail     string    `json:"to_email"`
	Due         time.Time `json:"due"`
	At          time.Time `json:"at"` // when the notice was planned for
	DaysOverdue int       `json:"days_overdue,omitempty"`
	OwnerName   string    `json:"owner_name"`
	ManagerName string    `json:"manager_name"`
	// Note explains a fallback, such as no senior lead being set.
	Note string `json:"note,omitempty"`
	// With Kind "bounce": the notice that bounced and its address.
	BouncedKind  string `json:"bounced_kind,omitempty"`
	BouncedRole  string `json:"bounced_role,omitempty"`
	BouncedName  string `json:"bounced_name,omitempty"`
	BouncedEmail string `json:"bounced_email,omitempty"`
}

// ActionMailKey is the outbox key of an action's email.
func ActionMailKey(actionID int64, key string) string {
	return fmt.Sprintf("action/%d/%s", actionID, key)
}

// QueueActionMail queues an action email in the outbox, once per key
// however often it is retried, and returns the outbox row for DeliverMail.
func (a *Activities) QueueActionMail(ctx context.Context, in ActionMail) (outbox.Ref, error) {
	if in.ToEmail == "" {
		return outbox.Ref{}, temporal.NewNonRetryableApplicationError(fmt.Sprintf("action %d %s: no address to send to", in.ActionID, in.Kind), "NoAddress", nil)
	}
	v := actionEmail{ActionMail: in, Link: fmt.Sprintf("%s/actions/%d", a.PublicURL, in.ActionID)}
	var meeting *time.Time
	err := a.Store.Pool.QueryRow(ctx, `SELECT ac.description, ac.kind, ac.audience, p.name, coalesce(c.reference, ''), coalesce(ac.learning_point_id, 0), m.starts_at,
			coalesce(ac.response, '')
		FROM actions ac JOIN panels p ON p.id = ac.panel_id
		LEFT JOIN cases c ON c.id = ac.case_id
		LEFT JOIN meetings m ON m.cycle_id = ac.cycle_id
		WHERE ac.id = $1`, in.ActionID).Scan(&v.Description, &v.Type, &v.Audience, &v.Panel, &v.CaseRef, &v.LearningPointID, &meeting, &v.Response)
	if errors.Is(err, pgx.ErrNoRows) {
		return outbox.Ref{}, temporal.NewNonRetryableApplicationError(fmt.Sprintf("action %d does not exist", in.ActionID), "NotFound", nil)
	}
	if err != nil {
		return outbox.Ref{}, err
	}
	v.Meeting = meeting
	subject, body, err := renderActionEmail(v)
	if err != nil {
		return outbox.Ref{}, err
	}
	return outbox.Queue(ctx, a.Store, store.Mail{Key: ActionMailKey(in.ActionID, in.Key), ToAddress: in.ToEmail, ToName: in.ToName,
		Subject: subject, BodyText: body})
}

// actionEmail is what the action email templates see.
type actionEmail struct {
	ActionMail
	Description     string
	Type            string
	Audience        string
	Panel           string
	CaseRef         string
	LearningPointID int64
	Meeting         *time.Time
	Response        string
	Link            string
}

// Source says where the action came from, in words.
func (e actionEmail) Source() string {
	s := "the " + e.Panel
	if e.Meeting != nil {
		s += " meeting on " + uktime.Date(*e.Meeting)
	}
	if e.CaseRef != "" {
		s += ", case " + e.CaseRef
	}
	if e.LearningPointID != 0 {
		s += fmt.Sprintf(", learning point LP-%d", e.LearningPointID)
	}
	return s
}

// Label is the action's type and audience: "a recommendation for the
// police".
func (e actionEmail) Label() string {
	t := map[string]string{"recommendation": "a recommendation", "learning": "a learning action", "information_request": "a request for information"}[e.Type]
	if t == "" {
		t = "an action"
	}
	switch e.Audience {
	case "prosecution":
		return t + " for the prosecution service"
	case "police":
		return t + " for the police"
	case "partners":
		return t + " for partner organisations"
	}
	return t
}

// DueDate is the due date in words: "Wednesday 31 March 2027".
func (e actionEmail) DueDate() string { return e.Due.Format("Monday 2 January 2006") }

// Overdue says how long the action is overdue: "overdue", "1 day
// overdue", "14 days overdue".
func (e actionEmail) Overdue() string {
	switch e.DaysOverdue {
	case 0:
		return "overdue"
	case 1:
		return "1 day overdue"
	}
	return fmt.Sprintf("%d days overdue", e.DaysOverdue)
}

// Greeting is the name to address, or "colleague" for a mailbox.
func (e actionEmail) Greeting() string {
	if strings.TrimSpace(e.ToName) == "" {
		return "colleague"
	}
	return e.ToName
}

// SentAt is when the notice was planned for, UK local time with the zone
// named: "Monday 15 March 2027, 09:00 GMT (UK time)".
func (e actionEmail) SentAt() string {
	return uktime.Time(e.At) + " (UK time)"
}

// BouncedWhat names the notice that bounced.
func (e actionEmail) BouncedWhat() string {
	switch e.BouncedKind {
	case "due":
		return "due-date reminder"
	case "overdue":
		return "overdue reminder"
	}
	return e.BouncedKind
}

// ResponseText is the recorded response in words.
func (e actionEmail) ResponseText() string { return strings.ReplaceAll(e.Response, "_", " ") }

// renderActionEmail renders an action email with the shared helper.
func renderActionEmail(v actionEmail) (subject, body string, err error) {
	if v.Kind == "bounce" {
		return mailtext.Render("action-bounce", v)
	}
	return mailtext.Render("action-notice", v)
}
