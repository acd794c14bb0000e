package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/domain"
)

// memberColumns are a domain.Member's columns, in scanMember's order.
const memberColumns = `id, name, email, role, active, to_char(confidentiality_signed_on, 'YYYY-MM-DD'), language, unreachable_since IS NOT NULL`

func scanMember(r pgx.CollectableRow) (domain.Member, error) {
	var m domain.Member
	return m, r.Scan(&m.ID, &m.Name, &m.Email, &m.Role, &m.Active, &m.ConfidentialitySignedOn, &m.Language, &m.Unreachable)
}

// MembersOf is a page of a panel's members by name, with how many it has.
func (q *Queries) MembersOf(ctx context.Context, panelID int64, limit, offset int) ([]domain.Member, int, error) {
	var total int
	if err := q.db.QueryRow(ctx, `SELECT count(*) FROM members WHERE panel_id = $1`, panelID).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count members of panel %d: %w", panelID, err)
	}
	list, err := queryAll(ctx, q.db, "list members", scanMember,
		`SELECT `+memberColumns+` FROM members WHERE panel_id = $1 ORDER BY name LIMIT $2 OFFSET $3`, panelID, limit, offset)
	return list, total, err
}

// AddMember adds a member to a panel. An email already on the panel is a
// unique violation.
func (q *Queries) AddMember(ctx context.Context, panelID int64, m domain.NewMember) (domain.Member, error) {
	rows, err := q.db.Query(ctx, `INSERT INTO members (panel_id, name, email, role, language)
		VALUES ($1, $2, $3, $4, $5) RETURNING `+memberColumns, panelID, m.Name, m.Email, m.Role, m.Language)
	var out domain.Member
	if err == nil {
		out, err = pgx.CollectExactlyOneRow(rows, scanMember)
	}
	if err != nil {
		return out, fmt.Errorf("add member to panel %d: %w", panelID, err)
	}
	return out, nil
}

// MemberPanelIn finds the panel of a member in the scope: ErrNotFound when
// there is no such member, ErrOutOfScope when their panel is not the user's.
func (q *Queries) MemberPanelIn(ctx context.Context, sc Scope, memberID int64) (int64, error) {
	w := filter{args: []any{memberID}}
	sc.limit(&w, "p.id", "p.area_id")
	var panelID int64
	var in bool
	err := q.db.QueryRow(ctx, `SELECT p.id, `+w.test()+` FROM members m JOIN panels p ON p.id = m.panel_id WHERE m.id = $1`, w.args...).
		Scan(&panelID, &in)
	return panelID, visible(err, in, "look up member "+strconv.FormatInt(memberID, 10))
}

// MemberCycle is the head of a member's page for a cycle.
func (q *Queries) MemberCycle(ctx context.Context, cycleID, memberID int64) (domain.MemberCycle, error) {
	var mc domain.MemberCycle
	var schedule []byte
	err := q.db.QueryRow(ctx, `SELECT p.name, cy.stage, cy.schedule, coalesce(mt.starts_at, 'epoch'),
			coalesce((SELECT response FROM meeting_responses WHERE meeting_id = mt.id AND member_id = $2), ''),
			EXISTS (SELECT 1 FROM reviews WHERE cycle_id = cy.id AND member_id = $2)
		FROM cycles cy JOIN panels p ON p.id = cy.panel_id LEFT JOIN meetings mt ON mt.cycle_id = cy.id WHERE cy.id = $1`, cycleID, memberID).
		Scan(&mc.Panel, &mc.Stage, &schedule, &mc.Meeting, &mc.Response, &mc.Released)
	if err != nil {
		return mc, fmt.Errorf("member %d's page of cycle %d: %w", memberID, cycleID, err)
	}
	// The schedule is the workflow's; only its deadline is read here, and
	// a cycle not yet scheduled has none.
	var due struct {
		ReviewsDue time.Time `json:"reviews_due"`
	}
	if len(schedule) > 0 {
		if err := json.Unmarshal(schedule, &due); err != nil {
			return mc, fmt.Errorf("schedule of cycle %d: %w", cycleID, err)
		}
	}
	mc.ReviewsDue = due.ReviewsDue
	return mc, nil
}

// PackCases are the cases on a member's page: those drawn for the cycle
// and not held in reserve, less any removed from the member's pack.
func (q *Queries) PackCases(ctx context.Context, cycleID, memberID int64) ([]domain.PackCase, error) {
	return queryAll(ctx, q.db, "list a member's cases", func(r pgx.CollectableRow) (domain.PackCase, error) {
		var x domain.PackCase
		return x, r.Scan(&x.CaseID, &x.Reference, &x.Strands, &x.StrandCodes, &x.Offence, &x.Outcome, &x.Finalised, &x.FinalisedOn, &x.ReviewStatus, &x.Conflicted)
	}, `SELECT c.id, c.reference,
			(SELECT string_agg(s.label, ', ' ORDER BY s.label) FROM case_strands cs JOIN strands s ON s.code = cs.strand WHERE cs.case_id = c.id),
			(SELECT coalesce(array_agg(s.code ORDER BY s.label), '{}') FROM case_strands cs JOIN strands s ON s.code = cs.strand WHERE cs.case_id = c.id),
			c.principal_offence, c.outcome, to_char(c.finalised_on, 'FMMonth YYYY'), c.finalised_on, coalesce(r.status, ''),
			EXISTS (SELECT 1 FROM conflicts WHERE cycle_id = cc.cycle_id AND member_id = $2 AND case_id = c.id)
		FROM cycle_cases cc JOIN cases c ON c.id = cc.case_id
		LEFT JOIN reviews r ON r.cycle_id = cc.cycle_id AND r.case_id = c.id AND r.member_id = $2
		WHERE cc.cycle_id = $1 AND cc.status IN ($3, $4) AND cc.role <> $5 AND (r.removed IS NULL OR NOT r.removed)
		ORDER BY c.reference`, cycleID, memberID, domain.CaseApproved, domain.CaseProposed, DrawReserve)
}

// CaseReview is one case of a member's released pack with their review.
// A case not in their pack (never, or no longer) is ErrNotFound.
func (q *Queries) CaseReview(ctx context.Context, cycleID, memberID, caseID int64) (domain.CaseReview, error) {
	var v domain.CaseReview
	err := q.db.QueryRow(ctx, `SELECT c.id, c.reference, c.summary, r.status, r.answers FROM reviews r JOIN cases c ON c.id = r.case_id
		WHERE r.cycle_id = $1 AND r.member_id = $2 AND r.case_id = $3 AND NOT r.removed`, cycleID, memberID, caseID).
		Scan(&v.CaseID, &v.Reference, &v.Summary, &v.ReviewStatus, &v.Answers)
	if errors.Is(err, pgx.ErrNoRows) {
		return v, fmt.Errorf("case %d in member %d's pack: %w", caseID, memberID, ErrNotFound)
	}
	if err != nil {
		return v, fmt.Errorf("case %d in member %d's pack: %w", caseID, memberID, err)
	}
	return v, nil
}

// PackReleased reports whether a member's pack for the cycle has been
// released: their reviews exist from that moment.
func (q *Queries) PackReleased(ctx context.Context, cycleID, memberID int64) (bool, error) {
	var released bool
	if err := q.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM reviews WHERE cycle_id = $1 AND member_id = $2)`, cycleID, memberID).Scan(&released); err != nil {
		return false, fmt.Errorf("is member %d's pack released: %w", memberID, err)
	}
	return released, nil
}

// RespondToMeeting records whether a member will attend the cycle's
// scheduled meeting, replacing an earlier answer. With no meeting
// scheduled it is ErrNotFound.
func (q *Queries) RespondToMeeting(ctx context.Context, cycleID, memberID int64, response string) error {
	tag, err := q.db.Exec(ctx, `INSERT INTO meeting_responses (meeting_id, member_id, response)
		SELECT id, $2, $3 FROM meetings WHERE cycle_id = $1 AND status = $4
		ON CONFLICT (meeting_id, member_id) DO UPDATE SET response = EXCLUDED.response, responded_at = now()`, cycleID, memberID, response, domain.MeetingScheduled)
	if err != nil {
		return fmt.Errorf("member %d's answer to the meeting: %w", memberID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("scheduled meeting of cycle %d: %w", cycleID, ErrNotFound)
	}
	return nil
}
