package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/domain"
)

// The records the minutes of a cycle's meeting are made from. Each field
// list matches the workbook type it becomes (workbook.Attendee and so on).

// Attendee is a member listed in the minutes and how they attended. RSVP
// is what they answered to the invitation beforehand (attending or
// apologies), empty if they did not answer.
type Attendee struct {
	Name, Role, Status, RSVP string
}

// Declaration is a conflict of interest, with when it was declared in
// words.
type Declaration struct {
	Member, CaseReference, When string
}

// MinutesLearningPoint is a learning point of the cycle.
type MinutesLearningPoint struct {
	CaseReference, Text, Tag string
	GoodPractice             bool
}

// MinutesAction is an action agreed at the meeting.
type MinutesAction struct {
	Reference, Description, Owner, Manager, Audience string
	Due                                              time.Time
}

// CaseOutcome is one approved case with the panel's finding, if any.
type CaseOutcome struct {
	CaseID           int64
	Reference        string
	Strands          []string // strand codes
	PrincipalOffence string
	Outcome          domain.Outcome
	Category         string // the finding's category key, or empty
	Rationale        string
	CarriedForward   bool
}

// RoleReview is one member's review of a case, attributed by role only.
type RoleReview struct {
	Status  domain.ReviewStatus
	Answers []byte // JSON
	Role    domain.Role
}

// DrawCounts counts what happened to the draw after it was made.
type DrawCounts struct {
	Withdrawn, ReservesUsed, CarriedForward int
}

// MinutesAttendance lists the panel's active members, and anyone else
// recorded at the meeting, with how they attended (absent unless
// recorded) and what they answered to the invitation.
func (q *Queries) MinutesAttendance(ctx context.Context, cycleID, panelID int64) ([]Attendee, error) {
	return queryAll(ctx, q.db, fmt.Sprintf("attendance of cycle %d", cycleID), pgx.RowToStructByPos[Attendee],
		`SELECT m.name, m.role, coalesce(at.status, 'absent'), coalesce(mr.response, '') FROM members m
		LEFT JOIN attendance at ON at.member_id = m.id AND at.meeting_id = (SELECT id FROM meetings WHERE cycle_id = $1)
		LEFT JOIN meeting_responses mr ON mr.member_id = m.id AND mr.meeting_id = (SELECT id FROM meetings WHERE cycle_id = $1)
		WHERE m.panel_id = $2 AND ((m.active AND m.left_at IS NULL) OR at.status IS NOT NULL) ORDER BY m.name`, cycleID, panelID)
}

// RSVP is a member's answer to the invitation to a cycle's meeting:
// attending, apologies, or empty before they answer.
type RSVP struct {
	MemberID    int64
	Name        string
	Response    string
	RespondedAt *time.Time
}

// MeetingResponses lists the panel's active members, and anyone else who
// answered, with their answer to the cycle's meeting invitation, by name.
func (q *Queries) MeetingResponses(ctx context.Context, cycleID int64) ([]RSVP, error) {
	return queryAll(ctx, q.db, fmt.Sprintf("answers to the meeting of cycle %d", cycleID), pgx.RowToStructByPos[RSVP],
		`SELECT m.id, m.name, coalesce(mr.response, ''), mr.responded_at FROM cycles cy JOIN members m ON m.panel_id = cy.panel_id
		LEFT JOIN meeting_responses mr ON mr.member_id = m.id AND mr.meeting_id = (SELECT id FROM meetings WHERE cycle_id = cy.id)
		WHERE cy.id = $1 AND ((m.active AND m.left_at IS NULL) OR mr.response IS NOT NULL) ORDER BY m.name, m.id`, cycleID)
}

// Declarations lists the cycle's conflicts of interest by member and case.
func (q *Queries) Declarations(ctx context.Context, cycleID int64) ([]Declaration, error) {
	return queryAll(ctx, q.db, fmt.Sprintf("declarations of cycle %d", cycleID), pgx.RowToStructByPos[Declaration],
		`SELECT m.name, c.reference, CASE WHEN cf.after_release THEN 'after the packs were released' ELSE 'before the packs were released' END
		FROM conflicts cf JOIN members m ON m.id = cf.member_id JOIN cases c ON c.id = cf.case_id WHERE cf.cycle_id = $1 ORDER BY m.name, c.reference`, cycleID)
}

// CaseOutcomes lists the cycle's approved cases by reference, with the
// panel's findings.
func (q *Queries) CaseOutcomes(ctx context.Context, cycleID int64) ([]CaseOutcome, error) {
	return queryAll(ctx, q.db, fmt.Sprintf("findings of cycle %d", cycleID), pgx.RowToStructByPos[CaseOutcome],
		`SELECT c.id, c.reference, ARRAY(SELECT strand FROM case_strands WHERE case_id = c.id ORDER BY strand),
			c.principal_offence, c.outcome, coalesce(f.category, ''), coalesce(f.rationale, ''), coalesce(f.carried_forward, false)
		FROM cycle_cases cc JOIN cases c ON c.id = cc.case_id LEFT JOIN findings f ON f.cycle_id = cc.cycle_id AND f.case_id = cc.case_id
		WHERE cc.cycle_id = $1 AND cc.status = $2 ORDER BY c.reference`, cycleID, domain.CaseApproved)
}

// RoleReviews lists the reviews of a case still in members' packs, by role.
func (q *Queries) RoleReviews(ctx context.Context, cycleID, caseID int64) ([]RoleReview, error) {
	return queryAll(ctx, q.db, fmt.Sprintf("reviews of case %d in cycle %d", caseID, cycleID), pgx.RowToStructByPos[RoleReview],
		`SELECT r.status, r.answers, m.role FROM reviews r JOIN members m ON m.id = r.member_id
		WHERE r.cycle_id = $1 AND r.case_id = $2 AND NOT r.removed ORDER BY m.role, r.member_id`, cycleID, caseID)
}

// LearningPoints lists the cycle's learning points in the order agreed.
func (q *Queries) LearningPoints(ctx context.Context, cycleID int64) ([]MinutesLearningPoint, error) {
	return queryAll(ctx, q.db, fmt.Sprintf("learning points of cycle %d", cycleID), pgx.RowToStructByPos[MinutesLearningPoint],
		`SELECT coalesce(c.reference, ''), lp.text, lp.tag, lp.good_practice FROM learning_points lp
		LEFT JOIN cases c ON c.id = lp.case_id WHERE lp.cycle_id = $1 ORDER BY lp.id`, cycleID)
}

// AgreedActions lists the actions agreed in the cycle, in the order agreed.
func (q *Queries) AgreedActions(ctx context.Context, cycleID int64) ([]MinutesAction, error) {
	return queryAll(ctx, q.db, fmt.Sprintf("actions of cycle %d", cycleID), pgx.RowToStructByPos[MinutesAction],
		`SELECT 'A-' || id, description, owner_name, manager_name, audience, due_on FROM actions WHERE cycle_id = $1 ORDER BY id`, cycleID)
}

// DrawCounts counts the cycle's withdrawn cases, reserves used and cases
// carried forward into it.
func (q *Queries) DrawCounts(ctx context.Context, cycleID int64) (DrawCounts, error) {
	var d DrawCounts
	if err := q.db.QueryRow(ctx, `SELECT count(*) FILTER (WHERE status = $2),
			count(*) FILTER (WHERE role = $3 AND status IN ($4, $5, $2)),
			count(*) FILTER (WHERE role = $6)
		FROM cycle_cases WHERE cycle_id = $1`, cycleID, domain.CaseWithdrawn, DrawReserve, domain.CaseApproved, domain.CasePulled, DrawCarriedForward).
		Scan(&d.Withdrawn, &d.ReservesUsed, &d.CarriedForward); err != nil {
		return d, fmt.Errorf("draw counts of cycle %d: %w", cycleID, err)
	}
	return d, nil
}

// CycleFileID finds the ID of the cycle's file of the kind and name;
// ErrNotFound if there is none.
func (q *Queries) CycleFileID(ctx context.Context, cycleID int64, kind domain.FileKind, filename string) (int64, error) {
	var id int64
	err := q.db.QueryRow(ctx, `SELECT id FROM files WHERE cycle_id = $1 AND kind = $2 AND filename = $3`, cycleID, kind, filename).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("file %s of cycle %d: %w", filename, cycleID, err)
	}
	return id, nil
}
