package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/domain"
)

// releaseHeldMail puts back in the queue, addressed to the member's address
// as it is now, every message held because an earlier one to them bounced,
// and returns their outbox IDs for the caller to deliver.
func (q *Queries) releaseHeldMail(ctx context.Context, memberID int64) ([]int64, error) {
	rows, err := q.db.Query(ctx, `UPDATE outbox o SET status = $2, to_address = m.email, to_name = m.name, last_error = NULL
		FROM members m WHERE m.id = o.member_id AND o.member_id = $1 AND o.status = $3 RETURNING o.id`,
		memberID, domain.MailPending, domain.MailHeld)
	if err != nil {
		return nil, fmt.Errorf("release member %d's held mail: %w", memberID, err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("release member %d's held mail: %w", memberID, err)
	}
	return ids, nil
}

// HeldMail counts, by member, the messages held for a panel's members
// whose address bounced: what correcting the address will send.
func (q *Queries) HeldMail(ctx context.Context, panelID int64) (map[int64]int, error) {
	type count struct {
		MemberID int64
		N        int
	}
	list, err := queryAll(ctx, q.db, fmt.Sprintf("held mail of panel %d", panelID), pgx.RowToStructByPos[count],
		`SELECT o.member_id, count(*)::int FROM outbox o JOIN members m ON m.id = o.member_id
		WHERE m.panel_id = $1 AND o.status = $2 GROUP BY o.member_id`, panelID, domain.MailHeld)
	if err != nil {
		return nil, err
	}
	held := make(map[int64]int, len(list))
	for _, c := range list {
		held[c.MemberID] = c.N
	}
	return held, nil
}
