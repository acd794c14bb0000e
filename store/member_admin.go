package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/domain"
)

// MemberChanged is a change made to a member: the member as they now are,
// their panel, and the outbox IDs of mail held for them that a corrected
// address released, for the caller to deliver.
type MemberChanged struct {
	Member   domain.Member
	PanelID  int64
	Released []int64
}

// ChangeMember applies ch and audits it, in one transaction. A corrected
// email clears a bounce and puts the mail held since back in the queue,
// addressed anew; making a member inactive records when they left, which
// ends their access at once (telling their running cycles is the caller's
// part). A member that does not exist is ErrNotFound; an email already on
// the panel is a unique violation.
func (s *Store) ChangeMember(ctx context.Context, id int64, ch domain.MemberChange, actor string) (MemberChanged, error) {
	var out MemberChanged
	err := s.InTx(ctx, func(tx *Tx) error {
		var oldEmail string
		err := tx.db.QueryRow(ctx, `SELECT panel_id, email FROM members WHERE id = $1 FOR UPDATE`, id).Scan(&out.PanelID, &oldEmail)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		rows, err := tx.db.Query(ctx, `UPDATE members SET
				unreachable_since = CASE WHEN $2::text IS NOT NULL AND lower($2) <> lower(email) THEN NULL ELSE unreachable_since END,
				email = coalesce($2, email), active = coalesce($3, active),
				left_at = CASE WHEN $3 = false THEN coalesce(left_at, now()) WHEN $3 = true THEN NULL ELSE left_at END,
				language = coalesce($4, language), name = coalesce($5, name), role = coalesce($6, role)
			WHERE id = $1 RETURNING `+memberColumns, id, ch.Email, ch.Active, ch.Language, ch.Name, ch.Role)
		if err != nil {
			return err
		}
		if out.Member, err = pgx.CollectExactlyOneRow(rows, scanMember); err != nil {
			return err
		}
		emailChanged := ch.Email != nil && !strings.EqualFold(*ch.Email, oldEmail)
		if emailChanged {
			if out.Released, err = tx.releaseHeldMail(ctx, id); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, actor, "member_changed", "member", strconv.FormatInt(id, 10),
			map[string]any{"email_changed": emailChanged, "held_mail_released": len(out.Released)})
	})
	if err != nil {
		return MemberChanged{}, fmt.Errorf("change member %d: %w", id, err)
	}
	return out, nil
}

// MemberByID loads one member as the coordinator manages them.
func (q *Queries) MemberByID(ctx context.Context, id int64) (domain.Member, error) {
	rows, err := q.db.Query(ctx, `SELECT `+memberColumns+` FROM members WHERE id = $1`, id)
	var m domain.Member
	if err == nil {
		m, err = pgx.CollectExactlyOneRow(rows, scanMember)
	}
	if errors.Is(err, pgx.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return m, fmt.Errorf("load member %d: %w", id, err)
	}
	return m, nil
}

// RunningCycles lists the panel's cycles whose workflows are still
// running (neither closed nor cancelled): the cycles a member's leaving
// must reach.
func (q *Queries) RunningCycles(ctx context.Context, panelID int64) ([]domain.CycleRef, error) {
	return queryAll(ctx, q.db, fmt.Sprintf("running cycles of panel %d", panelID), pgx.RowToStructByPos[domain.CycleRef],
		`SELECT cy.id, cy.workflow_id, cy.stage, cy.panel_id, p.area_id FROM cycles cy JOIN panels p ON p.id = cy.panel_id
		WHERE cy.panel_id = $1 AND cy.stage NOT IN ($2, $3) ORDER BY cy.id`, panelID, domain.StageClosed, domain.StageCancelled)
}
