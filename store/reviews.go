package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/domain"
)

// OpenReviews gives a member an outstanding review of each case, on the
// review form of formVersion. A review that already exists is left as it
// is, so sending a pack again changes nothing.
func (q *Queries) OpenReviews(ctx context.Context, cycleID, memberID int64, caseIDs []int64, formVersion string) error {
	_, err := q.db.Exec(ctx, `INSERT INTO reviews (cycle_id, member_id, case_id, form_version)
		SELECT $1, $2, case_id, $4 FROM unnest($3::bigint[]) AS case_id
		ON CONFLICT DO NOTHING`, cycleID, memberID, caseIDs, formVersion)
	if err != nil {
		return fmt.Errorf("open reviews for member %d in cycle %d: %w", memberID, cycleID, err)
	}
	return nil
}

// ReviewKey names one member's review of one case in a cycle.
type ReviewKey struct {
	CycleID, MemberID, CaseID int64
}

// ReviewState is where a review stands after its latest save.
type ReviewState struct {
	Status    domain.ReviewStatus
	Version   int
	Late      bool
	UpdatedAt time.Time
}

// LockedReview is a review read with LockReview.
type LockedReview struct {
	ReviewState
	// Removed is true once the case has left the member's pack.
	Removed bool
	// SameAnswers is true when the stored answers equal those asked about.
	SameAnswers bool
}

// LockReview loads a review and locks it until the transaction ends,
// comparing its answers with answers (JSON); ErrNotFound if the member has
// no review of the case.
func (q *Queries) LockReview(ctx context.Context, k ReviewKey, answers []byte) (LockedReview, error) {
	var r LockedReview
	err := q.db.QueryRow(ctx, `SELECT status, removed, answers = $4::jsonb, version, late, updated_at FROM reviews
		WHERE cycle_id = $1 AND member_id = $2 AND case_id = $3 FOR UPDATE`,
		k.CycleID, k.MemberID, k.CaseID, answers).Scan(&r.Status, &r.Removed, &r.SameAnswers, &r.Version, &r.Late, &r.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return r, fmt.Errorf("review of case %d by member %d: %w", k.CaseID, k.MemberID, err)
	}
	return r, nil
}

// ReviewSave is one save or submission of a review's answers (JSON).
type ReviewSave struct {
	Status  domain.ReviewStatus
	Answers []byte
	Late    bool
	Final   bool
	// Source is where the answers came from: web, api or workbook.
	Source string
}

// SaveReview stores the answers as the review's next version, keeping the
// version in review_versions, and returns the review as it now stands. A
// late save marks the review late for good; a final one stamps the
// submission time.
func (q *Queries) SaveReview(ctx context.Context, k ReviewKey, s ReviewSave) (ReviewState, error) {
	var r ReviewState
	err := q.db.QueryRow(ctx, `UPDATE reviews SET status = $4, answers = $5, late = late OR $6, version = version + 1, updated_at = now(),
			submitted_at = CASE WHEN $7 THEN now() ELSE submitted_at END
		WHERE cycle_id = $1 AND member_id = $2 AND case_id = $3 RETURNING status, version, late, updated_at`,
		k.CycleID, k.MemberID, k.CaseID, s.Status, s.Answers, s.Late, s.Final).Scan(&r.Status, &r.Version, &r.Late, &r.UpdatedAt)
	if err != nil {
		return r, fmt.Errorf("save review of case %d by member %d: %w", k.CaseID, k.MemberID, err)
	}
	if _, err := q.db.Exec(ctx, `INSERT INTO review_versions (cycle_id, member_id, case_id, version, status, answers, source) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		k.CycleID, k.MemberID, k.CaseID, r.Version, r.Status, s.Answers, s.Source); err != nil {
		return r, fmt.Errorf("keep version %d of the review of case %d by member %d: %w", r.Version, k.CaseID, k.MemberID, err)
	}
	return r, nil
}

// MarkNonReturns marks every review of the cycle still outstanding or in
// draft as not submitted, and returns how many it marked.
func (q *Queries) MarkNonReturns(ctx context.Context, cycleID int64) (int64, error) {
	tag, err := q.db.Exec(ctx, `UPDATE reviews SET status = $2, updated_at = now()
		WHERE cycle_id = $1 AND status IN ($3, $4) AND NOT removed`,
		cycleID, domain.ReviewNotSubmitted, domain.ReviewOutstanding, domain.ReviewDraft)
	if err != nil {
		return 0, fmt.Errorf("mark non-returns of cycle %d: %w", cycleID, err)
	}
	return tag.RowsAffected(), nil
}

// MemberNonReturns is one member's reviews marked not submitted.
type MemberNonReturns struct {
	MemberID int64
	CaseIDs  []int64
}

// NonReturns lists, by member, the cases whose reviews are marked not
// submitted.
func (q *Queries) NonReturns(ctx context.Context, cycleID int64) ([]MemberNonReturns, error) {
	return queryAll(ctx, q.db, fmt.Sprintf("non-returns of cycle %d", cycleID), pgx.RowToStructByPos[MemberNonReturns],
		`SELECT member_id, array_agg(case_id ORDER BY case_id) FROM reviews
		WHERE cycle_id = $1 AND status = $2 AND NOT removed GROUP BY member_id ORDER BY member_id`, cycleID, domain.ReviewNotSubmitted)
}

// NonReturnLine is one member's missing reviews, named for the
// coordinator: how many, and the cases' references.
type NonReturnLine struct {
	Name       string
	Count      int
	References string
}

// NonReturnLines lists each member with reviews marked not submitted, by
// name.
func (q *Queries) NonReturnLines(ctx context.Context, cycleID int64) ([]NonReturnLine, error) {
	return queryAll(ctx, q.db, fmt.Sprintf("non-returns of cycle %d", cycleID), pgx.RowToStructByPos[NonReturnLine],
		`SELECT m.name, count(*), string_agg(c.reference, ', ' ORDER BY c.reference) FROM reviews r
			JOIN members m ON m.id = r.member_id JOIN cases c ON c.id = r.case_id
		WHERE r.cycle_id = $1 AND r.status = $2 AND NOT r.removed GROUP BY m.id, m.name ORDER BY m.name, m.id`, cycleID, domain.ReviewNotSubmitted)
}

// ExcuseReviews excuses a member's reviews that are neither submitted,
// already excused, nor removed from their pack, and returns how many it
// excused.
func (q *Queries) ExcuseReviews(ctx context.Context, cycleID, memberID int64) (int64, error) {
	tag, err := q.db.Exec(ctx, `UPDATE reviews SET status = $3, updated_at = now()
		WHERE cycle_id = $1 AND member_id = $2 AND status NOT IN ($4, $3) AND NOT removed`,
		cycleID, memberID, domain.ReviewExcused, domain.ReviewSubmitted)
	if err != nil {
		return 0, fmt.Errorf("excuse reviews of member %d in cycle %d: %w", memberID, cycleID, err)
	}
	return tag.RowsAffected(), nil
}

// ExcusedReviews counts a member's excused reviews in the cycle.
func (q *Queries) ExcusedReviews(ctx context.Context, cycleID, memberID int64) (int, error) {
	var n int
	if err := q.db.QueryRow(ctx, `SELECT count(*) FROM reviews WHERE cycle_id = $1 AND member_id = $2 AND status = $3`,
		cycleID, memberID, domain.ReviewExcused).Scan(&n); err != nil {
		return 0, fmt.Errorf("excused reviews of member %d in cycle %d: %w", memberID, cycleID, err)
	}
	return n, nil
}
