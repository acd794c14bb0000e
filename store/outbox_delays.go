package store

import (
	"context"
	"fmt"
	"time"

	"github.com/lsip/scrutiny/domain"
)

// DelayedMail is a cycle's mail that delivery has tried and failed to send
// and is still retrying: what the coordinator is told while the mail
// server is down or refusing us.
type DelayedMail struct {
	Count int
	// Since is when the oldest of them was queued; LastError is the newest
	// message's failure.
	Since     time.Time
	LastError string
}

// DelayedCycleMail counts the cycle's pending messages whose last delivery
// attempt failed. The cycle's mail is found by message key, as the
// retention purge finds it (cycleMailPrefixes and member links).
func (q *Queries) DelayedCycleMail(ctx context.Context, cycleID int64) (DelayedMail, error) {
	var d DelayedMail
	var since *time.Time
	var lastErr *string
	err := q.db.QueryRow(ctx, `SELECT count(*), min(created_at),
			(array_agg(last_error ORDER BY id DESC))[1]
		FROM outbox o
		WHERE o.status = $2 AND o.last_error IS NOT NULL
			AND (o.message_key LIKE 'member-link/%/' || $1::bigint || '/%'
				OR o.message_key LIKE ANY (SELECT p || '/' || $1::bigint || '/%' FROM unnest($3::text[]) p))`,
		cycleID, domain.MailPending, cycleMailPrefixes).Scan(&d.Count, &since, &lastErr)
	if err != nil {
		return d, fmt.Errorf("delayed mail of cycle %d: %w", cycleID, err)
	}
	if since != nil {
		d.Since = *since
	}
	if lastErr != nil {
		d.LastError = *lastErr
	}
	return d, nil
}
