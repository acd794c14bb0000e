package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"go.temporal.io/sdk/temporal"

	"github.com/lsip/scrutiny/store"
)

// ActionRecord is what the tracking workflow loads when it starts.
type ActionRecord struct {
	Status       string    `json:"status"`
	Due          time.Time `json:"due"`
	OwnerName    string    `json:"owner_name"`
	OwnerEmail   string    `json:"owner_email"`
	ManagerName  string    `json:"manager_name"`
	ManagerEmail string    `json:"manager_email"`
	// SeniorName and SeniorEmail are the Area's senior lead, the last rung
	// of the escalation ladder; empty when the Area has none set.
	SeniorName  string `json:"senior_name"`
	SeniorEmail string `json:"senior_email"`
}

// LoadAction reads an action for its tracking workflow.
func (a *Activities) LoadAction(ctx context.Context, actionID int64) (ActionRecord, error) {
	var r ActionRecord
	err := a.Store.Pool.QueryRow(ctx, `SELECT ac.status, ac.due_on, ac.owner_name, ac.owner_email, ac.manager_name, ac.manager_email,
			coalesce(ar.senior_lead_name, ''), coalesce(ar.senior_lead_email, '')
		FROM actions ac JOIN areas ar ON ar.id = ac.area_id WHERE ac.id = $1`, actionID).
		Scan(&r.Status, &r.Due, &r.OwnerName, &r.OwnerEmail, &r.ManagerName, &r.ManagerEmail, &r.SeniorName, &r.SeniorEmail)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, temporal.NewNonRetryableApplicationError(fmt.Sprintf("action %d does not exist", actionID), "NotFound", nil)
	}
	return r, err
}

// ActionChange is one change to an action: the action's fields as they
// now are, and the timeline event that says what happened and who did it.
type ActionChange struct {
	ActionID          int64      `json:"action_id"`
	Seq               int        `json:"seq"`
	Actor             string     `json:"actor"`
	Kind              string     `json:"kind"`
	Detail            string     `json:"detail,omitempty"`
	Status            string     `json:"status"`
	Due               time.Time  `json:"due"`
	OwnerName         string     `json:"owner_name"`
	OwnerEmail        string     `json:"owner_email"`
	Response          string     `json:"response,omitempty"`
	ResponseRationale string     `json:"response_rationale,omitempty"`
	CompletionNote    string     `json:"completion_note,omitempty"`
	CancelReason      string     `json:"cancel_reason,omitempty"`
	ExtensionTo       *time.Time `json:"extension_to,omitempty"`
}

// RecordActionChange writes the action's current fields and appends the
// event, once per sequence number however often it is retried. It returns
// the time the event was stored.
func (a *Activities) RecordActionChange(ctx context.Context, ch ActionChange) (time.Time, error) {
	var at time.Time
	err := a.Store.InTx(ctx, func(tx pgx.Tx) error {
		detail, _ := json.Marshal(map[string]string{"text": ch.Detail})
		err := tx.QueryRow(ctx, `INSERT INTO action_events (action_id, seq, actor, kind, detail) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (action_id, seq) DO UPDATE SET seq = EXCLUDED.seq RETURNING at`, ch.ActionID, ch.Seq, ch.Actor, ch.Kind, detail).Scan(&at)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE actions SET status = $2, due_on = $3, owner_name = $4, owner_email = $5,
				response = NULLIF($6, ''), response_rationale = NULLIF($7, ''),
				completion_note = coalesce(NULLIF($8, ''), completion_note), cancel_reason = coalesce(NULLIF($9, ''), cancel_reason),
				extension_requested_to = $10, updated_at = now(),
				closed_at = CASE WHEN $2 IN ('completed', 'cancelled') THEN coalesce(closed_at, now()) ELSE NULL END
			WHERE id = $1`, ch.ActionID, ch.Status, ch.Due, ch.OwnerName, ch.OwnerEmail, ch.Response, ch.ResponseRationale,
			ch.CompletionNote, ch.CancelReason, ch.ExtensionTo)
		if err != nil {
			return err
		}
		return store.Audit(ctx, tx, ch.Actor, "action_"+ch.Kind, "action", strconv.FormatInt(ch.ActionID, 10), nil)
	})
	return at, err
}

// ActionMail asks for one reminder or escalation about an action.
type ActionMail struct {
	ActionID    int64     `json:"action_id"`
	Key         string    `json:"key"`
	Kind        string    `json:"kind"` // reminder, due, overdue, escalation
	To          string    `json:"to"`   // owner, manager, senior
	Due         time.Time `json:"due"`
	SeniorName  string    `json:"senior_name"`
	SeniorEmail string    `json:"senior_email"`
}

// QueueActionMail queues a reminder or escalation, keyed so each is sent
// once.
func (a *Activities) QueueActionMail(ctx context.Context, in ActionMail) (MailRef, error) {
	var desc, owner, ownerEmail, manager, managerEmail, panel string
	err := a.Store.Pool.QueryRow(ctx, `SELECT ac.description, ac.owner_name, ac.owner_email, ac.manager_name, ac.manager_email, p.name
		FROM actions ac JOIN panels p ON p.id = ac.panel_id WHERE ac.id = $1`, in.ActionID).Scan(&desc, &owner, &ownerEmail, &manager, &managerEmail, &panel)
	if err != nil {
		return MailRef{}, err
	}
	to := panelMember{Name: owner, Email: ownerEmail}
	note := ""
	switch in.To {
	case "manager":
		to = panelMember{Name: manager, Email: managerEmail}
	case "senior":
		to = panelMember{Name: in.SeniorName, Email: in.SeniorEmail}
		if in.SeniorEmail == "" {
			// No senior lead is configured: the manager is told instead,
			// and told why, rather than the escalation going nowhere.
			to = panelMember{Name: manager, Email: managerEmail}
			note = "No senior lead is set for this Area, so this escalation comes to you as the manager."
		}
	}
	subject, body, err := render("action", map[string]any{"Kind": in.Kind, "Name": to.Name, "Description": desc, "Owner": owner, "Panel": panel,
		"Due": in.Due, "Overdue": int(time.Since(in.Due).Hours() / 24), "Link": fmt.Sprintf("%s/actions/%d", a.PublicURL, in.ActionID), "Note": note, "ID": in.ActionID})
	if err != nil {
		return MailRef{}, err
	}
	return a.queue(ctx, a.Store.Pool, fmt.Sprintf("action/%d/%s", in.ActionID, in.Key), to, subject, body, nil, "")
}
