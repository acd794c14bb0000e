package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/domain"
)

// DigestRecipient is a manager as the weekly digest addresses them, with
// the Area whose actions it lists.
type DigestRecipient struct {
	Name, Email string
	AreaID      int16
	Area        string
}

// ActiveManagerIDs lists the active managers, who each get a weekly
// digest.
func (q *Queries) ActiveManagerIDs(ctx context.Context) ([]int64, error) {
	rows, err := q.db.Query(ctx, `SELECT id FROM users WHERE role = $1 AND active ORDER BY id`, domain.StaffManager)
	if err != nil {
		return nil, fmt.Errorf("list managers: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("list managers: %w", err)
	}
	return ids, nil
}

// DigestRecipient loads a manager and their Area. A missing user, or one
// without an Area, is ErrNotFound.
func (q *Queries) DigestRecipient(ctx context.Context, userID int64) (DigestRecipient, error) {
	var r DigestRecipient
	err := q.db.QueryRow(ctx, `SELECT u.name, u.email, u.area_id, ar.name FROM users u JOIN areas ar ON ar.id = u.area_id WHERE u.id = $1`,
		userID).Scan(&r.Name, &r.Email, &r.AreaID, &r.Area)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, fmt.Errorf("load digest recipient %d: %w", userID, ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("load digest recipient %d: %w", userID, err)
	}
	return r, nil
}

// OutboxIDByKey finds the queued email with the message key, so a retried
// digest is not built twice. None is ErrNotFound.
func (q *Queries) OutboxIDByKey(ctx context.Context, key string) (int64, error) {
	var id int64
	err := q.db.QueryRow(ctx, `SELECT id FROM outbox WHERE message_key = $1`, key).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("find mail %s: %w", key, ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("find mail %s: %w", key, err)
	}
	return id, nil
}
