package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/domain"
)

// What the chair and the coordinator read before and at the meeting. Only
// submitted reviews still in members' packs are counted or quoted; drafts
// never are, and members are attributed by panel role, never by name.

// submittedReview is the condition on reviews r that keeps what the
// meeting may see: submitted, and still in the member's pack. The
// statement passes the submitted status as $3.
const submittedReview = `r.cycle_id = $1 AND r.case_id = $2 AND NOT r.removed AND r.status = $3`

// MeetingCases lists the cycle's approved cases by reference, with how
// many reviews of each the members have sent and the panel's finding.
func (q *Queries) MeetingCases(ctx context.Context, cycleID int64) ([]domain.MeetingCase, error) {
	return queryAll(ctx, q.db, fmt.Sprintf("meeting cases of cycle %d", cycleID), pgx.RowToStructByPos[domain.MeetingCase],
		`SELECT c.id, c.reference, c.principal_offence,
			count(r.case_id) FILTER (WHERE r.status = $3)::int, count(r.case_id) FILTER (WHERE r.status <> $4)::int, coalesce(f.category, '')
		FROM cycle_cases cc JOIN cases c ON c.id = cc.case_id
			LEFT JOIN reviews r ON r.cycle_id = cc.cycle_id AND r.case_id = cc.case_id AND NOT r.removed
			LEFT JOIN findings f ON f.cycle_id = cc.cycle_id AND f.case_id = cc.case_id
		WHERE cc.cycle_id = $1 AND cc.status = $2
		GROUP BY c.id, c.reference, c.principal_offence, f.category ORDER BY c.reference`,
		cycleID, domain.CaseApproved, domain.ReviewSubmitted, domain.ReviewExcused)
}

// MeetingReviews adds up the submitted reviews of one approved case of the
// cycle: its anonymised facts, each question's ratings and the suggested
// findings counted, the comments by role, and the panel's finding.
// ErrNotFound when the case is not approved in the cycle.
func (q *Queries) MeetingReviews(ctx context.Context, cycleID, caseID int64) (domain.MeetingReviews, error) {
	what := fmt.Sprintf("reviews of case %d in cycle %d", caseID, cycleID)
	m := domain.MeetingReviews{Ratings: map[string]map[string]int{}, Suggested: map[string]int{}}
	err := q.db.QueryRow(ctx, `SELECT c.id, c.reference, c.category, ARRAY(SELECT strand FROM case_strands WHERE case_id = c.id ORDER BY strand),
			c.principal_offence, c.outcome, c.finalised_on, c.uplift_applied, c.victim_personal_statement, c.community_impact_statement,
			c.special_measures, c.complainant_anonymity, c.youth, c.summary
		FROM cycle_cases cc JOIN cases c ON c.id = cc.case_id
		WHERE cc.cycle_id = $1 AND cc.case_id = $2 AND cc.status = $3`, cycleID, caseID, domain.CaseApproved).
		Scan(&m.Case.CaseID, &m.Case.Reference, &m.Case.Category, &m.Case.Strands, &m.Case.PrincipalOffence, &m.Case.Outcome,
			&m.Case.FinalisedOn, &m.Case.UpliftApplied, &m.Case.VictimPersonalStatement, &m.Case.CommunityImpactStatement,
			&m.Case.SpecialMeasures, &m.Case.ComplainantAnonymity, &m.Case.Youth, &m.Case.Summary)
	if errors.Is(err, pgx.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return m, fmt.Errorf("%s: %w", what, err)
	}
	if err := q.db.QueryRow(ctx, `SELECT count(*) FILTER (WHERE r.status = $3), count(*) FILTER (WHERE r.status NOT IN ($3, $4))
		FROM reviews r WHERE r.cycle_id = $1 AND r.case_id = $2 AND NOT r.removed`,
		cycleID, caseID, domain.ReviewSubmitted, domain.ReviewExcused).Scan(&m.Submitted, &m.Awaited); err != nil {
		return m, fmt.Errorf("%s: %w", what, err)
	}
	type tally struct {
		Key, Value string
		Count      int
	}
	ratings, err := queryAll(ctx, q.db, what, pgx.RowToStructByPos[tally],
		`SELECT a.key, a.value, count(*)::int FROM reviews r,
			jsonb_each_text(CASE WHEN jsonb_typeof(r.answers->'ratings') = 'object' THEN r.answers->'ratings' ELSE '{}' END) a
		WHERE `+submittedReview+` AND a.value <> '' GROUP BY a.key, a.value`, cycleID, caseID, domain.ReviewSubmitted)
	if err != nil {
		return m, err
	}
	for _, t := range ratings {
		if m.Ratings[t.Key] == nil {
			m.Ratings[t.Key] = map[string]int{}
		}
		m.Ratings[t.Key][t.Value] = t.Count
	}
	suggested, err := queryAll(ctx, q.db, what, pgx.RowToStructByPos[tally],
		`SELECT r.answers->>'overall', '', count(*)::int FROM reviews r
		WHERE `+submittedReview+` AND coalesce(r.answers->>'overall', '') <> '' GROUP BY 1`, cycleID, caseID, domain.ReviewSubmitted)
	if err != nil {
		return m, err
	}
	for _, t := range suggested {
		m.Suggested[t.Key] = t.Count
	}
	// A comment on a question is under "comments"; every other text
	// answer is a top-level string beside the ratings and the overall
	// category.
	m.Comments, err = queryAll(ctx, q.db, what, pgx.RowToStructByPos[domain.RoleComment],
		`SELECT m.role, t.field, t.text FROM reviews r JOIN members m ON m.id = r.member_id,
			LATERAL (SELECT 'comments.' || key, value FROM jsonb_each_text(CASE WHEN jsonb_typeof(r.answers->'comments') = 'object' THEN r.answers->'comments' ELSE '{}' END)
				UNION ALL SELECT key, value FROM jsonb_each_text(r.answers - 'ratings' - 'comments' - 'overall')) t(field, text)
		WHERE `+submittedReview+` AND btrim(t.text) <> ''
		ORDER BY array_position($4::text[], m.role), r.member_id, t.field`, cycleID, caseID, domain.ReviewSubmitted, roleOrder())
	if err != nil {
		return m, err
	}
	var f domain.PanelFinding
	err = q.db.QueryRow(ctx, `SELECT category, rationale, recorded_by, recorded_at FROM findings WHERE cycle_id = $1 AND case_id = $2`, cycleID, caseID).
		Scan(&f.Category, &f.Rationale, &f.RecordedBy, &f.RecordedAt)
	switch {
	case err == nil:
		m.Finding = &f
	case !errors.Is(err, pgx.ErrNoRows):
		return m, fmt.Errorf("finding on case %d in cycle %d: %w", caseID, cycleID, err)
	}
	return m, nil
}

// PanelChairs lists the active staff accounts with the chair's role on the
// panel: the people who approve a cycle's minutes.
func (q *Queries) PanelChairs(ctx context.Context, panelID int64) ([]domain.StaffContact, error) {
	return queryAll(ctx, q.db, fmt.Sprintf("chairs of panel %d", panelID), pgx.RowToStructByPos[domain.StaffContact],
		`SELECT u.id, u.name, u.email FROM users u JOIN user_panels up ON up.user_id = u.id
		WHERE up.panel_id = $1 AND u.role = $2 AND u.active ORDER BY u.name, u.id`, panelID, domain.StaffChair)
}

// roleOrder is the panel's roles in the order the meeting reads them.
func roleOrder() []string {
	out := make([]string, len(domain.Roles))
	for i, r := range domain.Roles {
		out[i] = string(r)
	}
	return out
}
