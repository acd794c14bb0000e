package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/domain"
)

// MemberLink is what a member's personal link for a cycle opens now, with
// the member's link epoch for the caller to compare with the link's. A
// member not on the cycle's panel is ErrNotFound.
func (q *Queries) MemberLink(ctx context.Context, memberID, cycleID int64) (domain.MemberLink, error) {
	var l domain.MemberLink
	err := q.db.QueryRow(ctx, `SELECT m.name, m.active AND m.left_at IS NULL, cy.access_revoked_at IS NOT NULL OR cy.stage IN ($3, $4), cy.panel_id, m.link_epoch
		FROM members m JOIN cycles cy ON cy.panel_id = m.panel_id WHERE m.id = $1 AND cy.id = $2`,
		memberID, cycleID, domain.StageCancelled, domain.StageClosed).Scan(&l.Name, &l.Active, &l.Revoked, &l.PanelID, &l.Epoch)
	if errors.Is(err, pgx.ErrNoRows) {
		return l, fmt.Errorf("member %d in cycle %d: %w", memberID, cycleID, ErrNotFound)
	}
	if err != nil {
		return l, fmt.Errorf("member %d in cycle %d: %w", memberID, cycleID, err)
	}
	return l, nil
}

// ReissueMemberLink moves the member's link epoch on, so every personal
// link made before stops working, audits it, and returns the new epoch
// for the links that replace them.
func (s *Store) ReissueMemberLink(ctx context.Context, memberID int64, actor string) (int, error) {
	var epoch int
	err := s.InTx(ctx, func(tx *Tx) error {
		err := tx.db.QueryRow(ctx, `UPDATE members SET link_epoch = link_epoch + 1 WHERE id = $1 RETURNING link_epoch`, memberID).Scan(&epoch)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "member_link_reissued", "member", strconv.FormatInt(memberID, 10), map[string]any{"epoch": epoch})
	})
	if err != nil {
		return 0, fmt.Errorf("re-issue member %d's link: %w", memberID, err)
	}
	return epoch, nil
}

// LinkCycle is a cycle in which a member's personal link still opens their
// page, and until when.
type LinkCycle struct {
	CycleID       int64
	Panel         string
	Coordinator   string
	AccessRevoked time.Time
}

// LinkCycles lists the cycles of the member's panel whose access is still
// open (not closed, cancelled or revoked) and whose schedule says until
// when: the cycles a re-issued link is needed for.
func (q *Queries) LinkCycles(ctx context.Context, memberID int64) ([]LinkCycle, error) {
	return queryAll(ctx, q.db, fmt.Sprintf("cycles open to member %d", memberID), pgx.RowToStructByPos[LinkCycle],
		`SELECT cy.id, p.name, cy.coordinator_name, (cy.schedule->>'access_revoked')::timestamptz
		FROM members m JOIN cycles cy ON cy.panel_id = m.panel_id JOIN panels p ON p.id = cy.panel_id
		WHERE m.id = $1 AND cy.access_revoked_at IS NULL AND cy.stage NOT IN ($2, $3)
			AND cy.schedule->>'access_revoked' IS NOT NULL AND (cy.schedule->>'access_revoked')::timestamptz > now()
		ORDER BY cy.id`, memberID, domain.StageCancelled, domain.StageClosed)
}
