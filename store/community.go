package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/domain"
)

// CommunityUpdate is the "you said, we did" update for local community
// groups: for one Area and period, the cases its panels reviewed by strand,
// the learning they raised by theme, and the actions taken with the
// organisation's response. It holds no case reference, no summary and no
// name: texts quoting a reviewed case's reference have it replaced by
// "a case" here, so nothing built from it can show one.
//
// Only cycles whose minutes were issued count, since the update reports
// what was agreed; a cycle counts in the period its meeting falls in. A
// national panel's cycles count for the Area that hosts the panel.
type CommunityUpdate struct {
	Area     domain.AreaRef
	From, To time.Time
	// CasesByStrand is every strand, in domain.Strands' order, with the
	// approved cases reviewed in it (a case in two strands counts in
	// both); Cases is the number of distinct cases.
	CasesByStrand []CommunityCount
	Cases         int
	// Learning is the learning points by theme, the shared list's order,
	// then those not themed.
	Learning []CommunityTheme
	Actions  []CommunityAction
}

// CommunityCount is one figure, by its strand's code. Anything shown to
// the public passes it through workbook.SuppressSmall.
type CommunityCount struct {
	Code string
	N    int
}

// CommunityTheme is one learning theme with its points' texts.
type CommunityTheme struct {
	Code, Label string
	WelshLabel  string // an added theme's Welsh name, if an admin gave one
	Points      []CommunityPoint
}

// CommunityPoint is one learning point, as the public may read it.
type CommunityPoint struct {
	Text         string
	GoodPractice bool
}

// CommunityAction is one action as the public may read it. Of an action's
// fields only these are public-facing: what the panel asked for, where it
// stands, the organisation's coded response and its explanation, and the
// note written on completion. The owner, the manager, their emails, the
// due date, the evidence (often an internal link) and progress notes are
// never read.
type CommunityAction struct {
	Description       string
	Status            domain.ActionStatus
	Response          string // accepted, partially_accepted, not_accepted, or ""
	ResponseRationale string
	CompletionNote    string
}

// publishedCycles are the cycles of Area $1's panels whose meeting falls
// in [$2, $3] and whose minutes were issued (as StoredCycleStatus decides),
// with refs: the case references of each of those cycles, and of every
// cycle an action of the Area came from (a national panel's, or one met
// before the period), as one case-insensitive pattern, longest first (so
// "X-10" is not left as "a case0" by "X-1"), for redact.
const publishedCycles = `WITH period AS (
	SELECT DISTINCT cy.id FROM cycles cy JOIN panels p ON p.id = cy.panel_id JOIN meetings m ON m.cycle_id = cy.id
	WHERE p.area_id = $1 AND m.starts_at::date BETWEEN $2 AND $3
		AND EXISTS (SELECT 1 FROM audit_log WHERE action = 'minutes_issued' AND subject_type = 'cycle' AND subject_id = cy.id::text)),
refs AS (
	SELECT cc.cycle_id, string_agg(regexp_replace(c.reference, '([^[:alnum:][:space:]])', '\\\1', 'g'), '|' ORDER BY length(c.reference) DESC) AS pattern
	FROM cycle_cases cc JOIN cases c ON c.id = cc.case_id
	WHERE cc.cycle_id IN (SELECT id FROM period UNION SELECT cycle_id FROM actions WHERE area_id = $1) GROUP BY cc.cycle_id) `

// redact is the SQL expression of a text column with every reference of
// its cycle's cases replaced by "a case".
func redact(col string) string {
	return `coalesce(regexp_replace(` + col + `, refs.pattern, 'a case', 'gi'), ` + col + `)`
}

// CommunityArea finds the Area with code within the scope. The update is
// public material about a whole Area, so a coordinator or chair reaches
// the Areas of their panels, a manager their own and an admin every Area
// (AreasIn). An Area outside the scope is ErrOutOfScope; an unknown code
// ErrNotFound.
func (q *Queries) CommunityArea(ctx context.Context, sc Scope, code string) (domain.AreaRef, error) {
	areas, err := q.AreasIn(ctx, sc)
	if err != nil {
		return domain.AreaRef{}, err
	}
	for _, a := range areas {
		if a.Code == code {
			return a, nil
		}
	}
	var exists bool
	if err := q.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM areas WHERE code = $1)`, code).Scan(&exists); err != nil {
		return domain.AreaRef{}, fmt.Errorf("Area %q: %w", code, err)
	}
	if exists {
		return domain.AreaRef{}, ErrOutOfScope
	}
	return domain.AreaRef{}, fmt.Errorf("Area %q: %w", code, ErrNotFound)
}

// CommunityUpdate gathers the update of area for [from, to] (dates, both
// included). Actions count when they belong to the Area (actions.area_id,
// so a national panel's action owned here counts here) and were raised or
// closed in the period; cancelled actions are left out.
func (q *Queries) CommunityUpdate(ctx context.Context, area domain.AreaRef, from, to time.Time) (CommunityUpdate, error) {
	u := CommunityUpdate{Area: area, From: from, To: to}
	what := fmt.Sprintf("community update of %s, %s to %s", area.Code, from.Format(time.DateOnly), to.Format(time.DateOnly))
	byStrand := map[string]int{}
	rows, err := q.db.Query(ctx, publishedCycles+`SELECT coalesce(cs.strand, ''), count(DISTINCT cc.case_id) FROM period
		JOIN cycle_cases cc ON cc.cycle_id = period.id AND cc.status = $4 JOIN case_strands cs ON cs.case_id = cc.case_id
		GROUP BY ROLLUP (cs.strand)`, area.ID, from, to, domain.CaseApproved)
	if err != nil {
		return u, fmt.Errorf("%s: %w", what, err)
	}
	var strand string
	var n int
	if _, err := pgx.ForEachRow(rows, []any{&strand, &n}, func() error {
		if strand == "" {
			u.Cases = n // the ROLLUP's total: each case once
		} else {
			byStrand[strand] = n
		}
		return nil
	}); err != nil {
		return u, fmt.Errorf("%s: %w", what, err)
	}
	for _, st := range domain.Strands {
		u.CasesByStrand = append(u.CasesByStrand, CommunityCount{Code: st.Code, N: byStrand[st.Code]})
	}
	if u.Learning, err = q.communityLearning(ctx, area, from, to); err != nil {
		return u, fmt.Errorf("%s: %w", what, err)
	}
	u.Actions, err = queryAll(ctx, q.db, what, pgx.RowToStructByPos[CommunityAction], publishedCycles+`SELECT `+redact("ac.description")+`, ac.status,
			coalesce(ac.response, ''), `+redact("coalesce(ac.response_rationale, '')")+`, `+redact("coalesce(ac.completion_note, '')")+`
		FROM actions ac LEFT JOIN refs ON refs.cycle_id = ac.cycle_id
		WHERE ac.area_id = $1 AND ac.status <> $4 AND (ac.created_at::date BETWEEN $2 AND $3 OR ac.closed_at::date BETWEEN $2 AND $3)
		ORDER BY ac.status = $5 DESC, ac.id`, area.ID, from, to, domain.ActionCancelled, domain.ActionCompleted)
	return u, err
}

// communityLearning lists the learning points of the period's cycles under
// their themes: the shared list's order, then "Not themed". Themes with no
// point are left out.
func (q *Queries) communityLearning(ctx context.Context, area domain.AreaRef, from, to time.Time) ([]CommunityTheme, error) {
	type point struct {
		Theme, Text  string
		GoodPractice bool
	}
	points, err := queryAll(ctx, q.db, "learning", pgx.RowToStructByPos[point], publishedCycles+`SELECT coalesce(lp.theme, ''), `+redact("lp.text")+`, lp.good_practice
		FROM period JOIN learning_points lp ON lp.cycle_id = period.id LEFT JOIN refs ON refs.cycle_id = lp.cycle_id
		ORDER BY lp.good_practice DESC, lp.id`, area.ID, from, to)
	if err != nil {
		return nil, err
	}
	themes, err := q.LearningThemes(ctx)
	if err != nil {
		return nil, err
	}
	all := make([]CommunityTheme, 0, len(themes)+1)
	for _, th := range themes {
		all = append(all, CommunityTheme{Code: th.Code, Label: th.Label, WelshLabel: th.WelshLabel})
	}
	all = append(all, CommunityTheme{Code: domain.NoTheme, Label: "Not themed"})
	var out []CommunityTheme
	for _, th := range all {
		for _, p := range points {
			if p.Theme == th.Code {
				th.Points = append(th.Points, CommunityPoint{Text: p.Text, GoodPractice: p.GoodPractice})
			}
		}
		if len(th.Points) > 0 {
			out = append(out, th)
		}
	}
	return out, nil
}

// CommunityGroup is a local community group an Area sends its updates to.
type CommunityGroup struct {
	ID       int64
	Name     string
	Email    string
	Language string // en or cy
}

// ErrGroupExists is returned when an Area already lists a group at the
// email address.
var ErrGroupExists = errors.New("a group with this email address is already on the list")

// CommunityGroups lists the Area's groups, by name.
func (q *Queries) CommunityGroups(ctx context.Context, areaID int16) ([]CommunityGroup, error) {
	return queryAll(ctx, q.db, fmt.Sprintf("community groups of Area %d", areaID), pgx.RowToStructByPos[CommunityGroup],
		`SELECT id, name, email, language FROM community_groups WHERE area_id = $1 AND removed_at IS NULL ORDER BY lower(name), id`, areaID)
}

// AddCommunityGroup adds a group to the Area's list, noting who added it.
// An address the Area already lists (ignoring case) is ErrGroupExists.
func (q *Queries) AddCommunityGroup(ctx context.Context, areaID int16, g CommunityGroup, by string) (int64, error) {
	var id int64
	err := q.db.QueryRow(ctx, `INSERT INTO community_groups (area_id, name, email, language, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		areaID, g.Name, g.Email, g.Language, by).Scan(&id)
	if _, ok := IsUniqueViolation(err); ok {
		return 0, ErrGroupExists
	}
	if err != nil {
		return 0, fmt.Errorf("add community group to Area %d: %w", areaID, err)
	}
	return id, nil
}

// RemoveCommunityGroup takes a group off the Area's list. The row stays,
// marked removed, so the record of what was sent to it stays whole. A
// group not on the Area's list is ErrNotFound.
func (q *Queries) RemoveCommunityGroup(ctx context.Context, areaID int16, groupID int64) error {
	tag, err := q.db.Exec(ctx, `UPDATE community_groups SET removed_at = now() WHERE id = $1 AND area_id = $2 AND removed_at IS NULL`, groupID, areaID)
	if err != nil {
		return fmt.Errorf("remove community group %d: %w", groupID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("community group %d of Area %d: %w", groupID, areaID, ErrNotFound)
	}
	return nil
}

// ErrUpdateAlreadySent is returned when the Area's update for the period
// has already been sent.
var ErrUpdateAlreadySent = errors.New("the update for this period has already been sent")

// CommunitySend is one update sent to one group.
type CommunitySend struct {
	From, To  time.Time
	GroupName string
	SentBy    string
	SentAt    time.Time
	Status    domain.MailStatus
}

// StartCommunitySend begins sending the Area's update for [from, to] in
// the caller's transaction: it holds the Area's row until the transaction
// ends, so two sends cannot overlap, and refuses with ErrUpdateAlreadySent
// when any group has already been sent this period's update.
func (tx *Tx) StartCommunitySend(ctx context.Context, areaID int16, from, to time.Time) error {
	var sent bool
	err := tx.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM community_update_sends WHERE area_id = a.id AND period_from = $2 AND period_to = $3)
		FROM areas a WHERE a.id = $1 FOR UPDATE OF a`, areaID, from, to).Scan(&sent)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("Area %d: %w", areaID, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("start community send for Area %d: %w", areaID, err)
	}
	if sent {
		return ErrUpdateAlreadySent
	}
	return nil
}

// RecordCommunitySend records that the update for the period went to a
// group in the queued email outboxID. A second record for the same group
// and period is ErrUpdateAlreadySent.
func (q *Queries) RecordCommunitySend(ctx context.Context, areaID int16, from, to time.Time, groupID, outboxID int64, by string) error {
	_, err := q.db.Exec(ctx, `INSERT INTO community_update_sends (area_id, period_from, period_to, group_id, outbox_id, sent_by) VALUES ($1, $2, $3, $4, $5, $6)`,
		areaID, from, to, groupID, outboxID, by)
	if _, ok := IsUniqueViolation(err); ok {
		return ErrUpdateAlreadySent
	}
	if err != nil {
		return fmt.Errorf("record community send to group %d: %w", groupID, err)
	}
	return nil
}

// CommunitySends lists the updates the Area has sent, newest first, with
// each email's delivery status.
func (q *Queries) CommunitySends(ctx context.Context, areaID int16) ([]CommunitySend, error) {
	return queryAll(ctx, q.db, fmt.Sprintf("community sends of Area %d", areaID), pgx.RowToStructByPos[CommunitySend],
		`SELECT s.period_from, s.period_to, g.name, s.sent_by, s.sent_at, o.status FROM community_update_sends s
		JOIN community_groups g ON g.id = s.group_id JOIN outbox o ON o.id = s.outbox_id
		WHERE s.area_id = $1 ORDER BY s.sent_at DESC, g.name LIMIT 100`, areaID)
}
