package store

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/domain"
)

// OutboxLedgerEntry is one queued email's delivery state, without its
// body: what accounting for every email needs.
type OutboxLedgerEntry struct {
	ID      int64
	Key     string
	Status  domain.MailStatus
	Resends int
}

// OutboxLedger lists every queued email in ID order. The load run
// (package loadrun) compares it with what reached the SMTP server, to
// prove each message was sent exactly once; it runs on a database of its
// own, so every row is the run's.
func (q *Queries) OutboxLedger(ctx context.Context) ([]OutboxLedgerEntry, error) {
	return queryAll(ctx, q.db, "outbox ledger", pgx.RowToStructByPos[OutboxLedgerEntry],
		`SELECT id, message_key, status, resends FROM outbox ORDER BY id`)
}
