package store

import (
	"context"
	"fmt"
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
