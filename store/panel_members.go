package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/domain"
)

// ActiveMembers lists a panel's active members by name; signedOnly keeps
// those who have signed the confidentiality agreement, who alone may see
// cases.
func (q *Queries) ActiveMembers(ctx context.Context, panelID int64, signedOnly bool) ([]domain.PanelMember, error) {
	rows, err := q.db.Query(ctx, `SELECT id, name, email, role, link_epoch FROM members
		WHERE panel_id = $1 AND active AND left_at IS NULL AND ($2 = false OR confidentiality_signed_on IS NOT NULL)
		ORDER BY name, id`, panelID, signedOnly)
	if err != nil {
		return nil, fmt.Errorf("members of panel %d: %w", panelID, err)
	}
	list, err := pgx.CollectRows(rows, scanPanelMember)
	if err != nil {
		return nil, fmt.Errorf("members of panel %d: %w", panelID, err)
	}
	return list, nil
}

// PanelMember loads one member, whether or not still active.
func (q *Queries) PanelMember(ctx context.Context, memberID int64) (domain.PanelMember, error) {
	rows, err := q.db.Query(ctx, `SELECT id, name, email, role, link_epoch FROM members WHERE id = $1`, memberID)
	if err != nil {
		return domain.PanelMember{}, fmt.Errorf("load member %d: %w", memberID, err)
	}
	m, err := pgx.CollectExactlyOneRow(rows, scanPanelMember)
	if errors.Is(err, pgx.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return m, fmt.Errorf("load member %d: %w", memberID, err)
	}
	return m, nil
}

func scanPanelMember(r pgx.CollectableRow) (domain.PanelMember, error) {
	var m domain.PanelMember
	err := r.Scan(&m.ID, &m.Name, &m.Email, &m.Role, &m.LinkEpoch)
	return m, err
}
