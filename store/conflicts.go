package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/domain"
)

// Conflict is a member's declaration of a conflict of interest with a
// case.
type Conflict struct {
	CycleID, MemberID, CaseID int64
	Note                      string
	// AfterRelease is true when declared after the member had the pack.
	AfterRelease bool
}

// IdentifyingReport is a member's report that a case reveals identifying
// detail. Detail stays internal.
type IdentifyingReport struct {
	CycleID, MemberID, CaseID int64
	Detail                    string
}

// RecordConflict stores a declaration, reporting false when the member had
// already declared it.
func (q *Queries) RecordConflict(ctx context.Context, c Conflict) (bool, error) {
	tag, err := q.db.Exec(ctx, `INSERT INTO conflicts (cycle_id, member_id, case_id, note, after_release) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (cycle_id, member_id, case_id) DO NOTHING`, c.CycleID, c.MemberID, c.CaseID, c.Note, c.AfterRelease)
	if err != nil {
		return false, fmt.Errorf("conflict of member %d with case %d: %w", c.MemberID, c.CaseID, err)
	}
	return tag.RowsAffected() > 0, nil
}

// ConflictedCases lists the cases the member has declared a conflict with.
func (q *Queries) ConflictedCases(ctx context.Context, cycleID, memberID int64) ([]int64, error) {
	return queryAll(ctx, q.db, fmt.Sprintf("conflicts of member %d in cycle %d", memberID, cycleID), pgx.RowTo[int64],
		`SELECT case_id FROM conflicts WHERE cycle_id = $1 AND member_id = $2`, cycleID, memberID)
}

// RemoveFromPack takes a case out of one member's reviews.
func (q *Queries) RemoveFromPack(ctx context.Context, cycleID, memberID, caseID int64) error {
	if _, err := q.db.Exec(ctx, `UPDATE reviews SET removed = true WHERE cycle_id = $1 AND member_id = $2 AND case_id = $3`,
		cycleID, memberID, caseID); err != nil {
		return fmt.Errorf("remove case %d from member %d's pack: %w", caseID, memberID, err)
	}
	return nil
}

// RecordIdentifyingReport stores a report, reporting false when the member
// had already made it.
func (q *Queries) RecordIdentifyingReport(ctx context.Context, r IdentifyingReport) (bool, error) {
	tag, err := q.db.Exec(ctx, `INSERT INTO identifying_reports (cycle_id, member_id, case_id, detail) VALUES ($1, $2, $3, $4)
		ON CONFLICT (cycle_id, member_id, case_id) DO NOTHING`, r.CycleID, r.MemberID, r.CaseID, r.Detail)
	if err != nil {
		return false, fmt.Errorf("identifying report on case %d: %w", r.CaseID, err)
	}
	return tag.RowsAffected() > 0, nil
}

// PullCase pulls a case from the cycle and from every member's pack.
func (q *Queries) PullCase(ctx context.Context, cycleID, caseID int64) error {
	if _, err := q.db.Exec(ctx, `UPDATE cycle_cases SET status = $3 WHERE cycle_id = $1 AND case_id = $2`, cycleID, caseID, domain.CasePulled); err != nil {
		return fmt.Errorf("pull case %d from cycle %d: %w", caseID, cycleID, err)
	}
	if _, err := q.db.Exec(ctx, `UPDATE reviews SET removed = true WHERE cycle_id = $1 AND case_id = $2`, cycleID, caseID); err != nil {
		return fmt.Errorf("pull case %d from the packs of cycle %d: %w", caseID, cycleID, err)
	}
	return nil
}

// CaseReference is a case's pseudonymous reference, by which an alert
// names a reported case.
func (q *Queries) CaseReference(ctx context.Context, caseID int64) (string, error) {
	var ref string
	err := q.db.QueryRow(ctx, `SELECT reference FROM cases WHERE id = $1`, caseID).Scan(&ref)
	if errors.Is(err, pgx.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("case %d: %w", caseID, err)
	}
	return ref, nil
}
