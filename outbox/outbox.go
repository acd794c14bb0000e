// Package outbox is the one way scrutiny sends email. A message is queued
// in PostgreSQL's outbox table under a key unique to that message, in the
// same transaction as the change it reports, and the caller gets back a
// Ref; the DeliverMail activity (package outboxflow) then sends the row
// once. A retried activity finds its row by key, so no email is queued or
// sent twice.
//
// Workflows deliver their own mail. Mail that no workflow owns (an
// invitation, a password reset) is delivered by the send-mail workflow,
// which the API starts by the name and ID below.
package outbox

import (
	"context"
	"fmt"

	"github.com/lsip/scrutiny/mailtext"
	"github.com/lsip/scrutiny/store"
)

// SendWorkflowName is the workflow that delivers one queued message no
// other workflow owns. Its input is the outbox row's ID.
const SendWorkflowName = "SendMailWorkflow"

// SendWorkflowID is the send-mail workflow's ID for an outbox row, so
// starting it twice for one message runs it once.
func SendWorkflowID(outboxID int64) string { return fmt.Sprintf("mail-%d", outboxID) }

// Ref is one queued email, to be delivered by DeliverMail. It is recorded
// in workflow history.
type Ref struct {
	OutboxID int64 `json:"outbox_id"`
	MemberID int64 `json:"member_id,omitempty"`
}

// Enqueuer is the store, or one of its transactions.
type Enqueuer interface {
	EnqueueMail(ctx context.Context, m store.Mail) (int64, error)
}

// Queue enqueues m through q (the store or the caller's transaction) and
// returns its reference. A message whose key is already queued returns the
// existing row. Every email gets an HTML part beside its text, readable on
// a phone: the text rendered as HTML, unless the caller gave its own.
func Queue(ctx context.Context, q Enqueuer, m store.Mail) (Ref, error) {
	if m.BodyHTML == "" {
		m.BodyHTML = mailtext.HTML(m.Subject, m.BodyText)
	}
	id, err := q.EnqueueMail(ctx, m)
	ref := Ref{OutboxID: id}
	if m.MemberID != nil {
		ref.MemberID = *m.MemberID
	}
	return ref, err
}
