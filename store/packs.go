package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/domain"
)

// StoredPack is a pack already built and queued: its file, its email and
// the cases it opened reviews of.
type StoredPack struct {
	FileID   int64
	OutboxID int64
	CaseIDs  []int64
}

// StoredPack finds the member's latest pack file and the email queued
// under mailKey, with the cases of their reviews by reference; ErrNotFound
// until both exist.
func (q *Queries) StoredPack(ctx context.Context, cycleID, memberID int64, mailKey string) (StoredPack, error) {
	var p StoredPack
	err := q.db.QueryRow(ctx, `SELECT f.id, o.id, ARRAY(SELECT r.case_id FROM reviews r JOIN cases c ON c.id = r.case_id
			WHERE r.cycle_id = $2 AND r.member_id = $3 ORDER BY c.reference)
		FROM outbox o, files f WHERE o.message_key = $1 AND f.kind = $4 AND f.cycle_id = $2 AND f.member_id = $3
		ORDER BY f.id DESC LIMIT 1`, mailKey, cycleID, memberID, domain.FilePack).Scan(&p.FileID, &p.OutboxID, &p.CaseIDs)
	if errors.Is(err, pgx.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return p, fmt.Errorf("pack of member %d in cycle %d: %w", memberID, cycleID, err)
	}
	return p, nil
}

// ApprovedCases loads the anonymised facts of the cycle's approved cases,
// by reference: what a pack and a conflict teaser show.
func (q *Queries) ApprovedCases(ctx context.Context, cycleID int64) ([]domain.CaseFacts, error) {
	return queryAll(ctx, q.db, fmt.Sprintf("approved cases of cycle %d", cycleID), pgx.RowToStructByPos[domain.CaseFacts],
		`SELECT c.id, c.reference, c.category, ARRAY(SELECT strand FROM case_strands WHERE case_id = c.id ORDER BY strand),
			c.principal_offence, c.outcome, c.finalised_on, c.uplift_applied, c.victim_personal_statement, c.community_impact_statement,
			c.special_measures, c.complainant_anonymity, c.youth, c.summary
		FROM cycle_cases cc JOIN cases c ON c.id = cc.case_id
		WHERE cc.cycle_id = $1 AND cc.status = $2 ORDER BY c.reference`, cycleID, domain.CaseApproved)
}

// MattersArising lists the panel's actions from other cycles that are
// still open, or closed in the last six months, with their responses.
func (q *Queries) MattersArising(ctx context.Context, panelID, cycleID int64) ([]domain.MatterArising, error) {
	return queryAll(ctx, q.db, fmt.Sprintf("matters arising for cycle %d", cycleID), pgx.RowToStructByPos[domain.MatterArising],
		`SELECT 'A-' || id, description, owner_name, status, coalesce(response_rationale, completion_note, ''), due_on
		FROM actions WHERE panel_id = $1 AND (cycle_id IS NULL OR cycle_id <> $2)
		  AND (status = ANY($3) OR closed_at > now() - interval '6 months')
		ORDER BY due_on, id`, panelID, cycleID, OutstandingActions)
}
