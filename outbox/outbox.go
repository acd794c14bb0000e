// Package outbox is the one way scrutiny sends email. Activities queue a
// message in PostgreSQL's outbox table under a key unique to that message,
// in the same transaction as the change it reports, and get back a Ref; the
// DeliverMail activity then sends the row once. A retried activity finds
// its row by key, so no email is queued or sent twice.
package outbox

import (
	"context"

	"github.com/lsip/scrutiny/mailer"
	"github.com/lsip/scrutiny/store"
)

// Activities delivers queued mail. Register one value with the worker.
type Activities struct {
	Store  *store.Store
	Mailer *mailer.Sender
}

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
// existing row.
func Queue(ctx context.Context, q Enqueuer, m store.Mail) (Ref, error) {
	id, err := q.EnqueueMail(ctx, m)
	ref := Ref{OutboxID: id}
	if m.MemberID != nil {
		ref.MemberID = *m.MemberID
	}
	return ref, err
}
