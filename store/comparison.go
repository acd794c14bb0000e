package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/domain"
)

// Comparison computes the cross-Area comparison for [from, to]: the
// national figures and those of each Area the scope reaches (an admin
// every Area, a manager their own). Cycles count when their meeting falls
// in the period; actions by the Area that owns them. Each figure is one
// GROUPING SETS statement giving every Area's row and the national total
// together, so the two always add up the same way.
func (q *Queries) Comparison(ctx context.Context, sc Scope, from, to time.Time) (domain.Comparison, error) {
	cmp := domain.Comparison{From: from, To: to}
	areas, err := q.AreasIn(ctx, sc)
	if err != nil {
		return cmp, err
	}
	if cmp.Themes, err = q.LearningThemes(ctx); err != nil {
		return cmp, err
	}
	ids := make([]int16, len(areas))
	byArea := map[int16]*domain.ComparisonFigures{}
	cmp.Sets = make([]domain.ComparisonFigures, len(areas)+1)
	cmp.Sets[0] = newComparisonFigures(0, "National")
	byArea[0] = &cmp.Sets[0]
	for i, a := range areas {
		ids[i] = a.ID
		cmp.Sets[i+1] = newComparisonFigures(a.ID, a.Name)
		byArea[a.ID] = &cmp.Sets[i+1]
	}
	if err := q.comparisonCounts(ctx, byArea, from, to, ids); err != nil {
		return cmp, fmt.Errorf("comparison %s to %s: %w", from.Format(time.DateOnly), to.Format(time.DateOnly), err)
	}
	if err := q.comparisonActions(ctx, byArea, from, to, ids); err != nil {
		return cmp, fmt.Errorf("comparison %s to %s: %w", from.Format(time.DateOnly), to.Format(time.DateOnly), err)
	}
	return cmp, nil
}

func newComparisonFigures(id int16, name string) domain.ComparisonFigures {
	return domain.ComparisonFigures{AreaID: id, Name: name, CasesByStrand: map[string]int{}, FindingsByCategory: map[string]int{}, LearningByTheme: map[string]int{}}
}

// comparisonCycles are the cycles whose meeting falls in [$1, $2], not
// cancelled ($3), with their panel's Area.
const comparisonCycles = `WITH period AS (SELECT DISTINCT cy.id, p.area_id FROM cycles cy JOIN panels p ON p.id = cy.panel_id
	JOIN meetings m ON m.cycle_id = cy.id WHERE cy.stage <> $3 AND m.starts_at::date BETWEEN $1 AND $2) `

// inAreas keeps the national row (area 0) and the rows of the Areas in $4.
const inAreas = ` HAVING GROUPING(period.area_id) = 1 OR period.area_id = ANY($4)`

// comparisonCounts fills cases reviewed by strand, findings by category
// and learning points by theme.
func (q *Queries) comparisonCounts(ctx context.Context, byArea map[int16]*domain.ComparisonFigures, from, to time.Time, ids []int16) error {
	type count struct {
		area int16
		key  string
		n    int
	}
	queries := []struct {
		what  string
		sql   string
		extra []any // parameters from $5 on
		into  func(*domain.ComparisonFigures) map[string]int
	}{
		{"cases by strand", `SELECT coalesce(period.area_id, 0), cs.strand, count(DISTINCT cc.case_id) FROM period
			JOIN cycle_cases cc ON cc.cycle_id = period.id AND cc.status = $5 JOIN case_strands cs ON cs.case_id = cc.case_id
			GROUP BY GROUPING SETS ((period.area_id, cs.strand), (cs.strand))`, []any{domain.CaseApproved},
			func(f *domain.ComparisonFigures) map[string]int { return f.CasesByStrand }},
		{"findings by category", `SELECT coalesce(period.area_id, 0), fi.category, count(*) FROM period JOIN findings fi ON fi.cycle_id = period.id
			GROUP BY GROUPING SETS ((period.area_id, fi.category), (fi.category))`, nil,
			func(f *domain.ComparisonFigures) map[string]int { return f.FindingsByCategory }},
		{"learning by theme", `SELECT coalesce(period.area_id, 0), coalesce(lp.theme, ''), count(*) FROM period JOIN learning_points lp ON lp.cycle_id = period.id
			GROUP BY GROUPING SETS ((period.area_id, coalesce(lp.theme, '')), (coalesce(lp.theme, '')))`, nil,
			func(f *domain.ComparisonFigures) map[string]int { return f.LearningByTheme }},
	}
	for _, x := range queries {
		rows, err := queryAll(ctx, q.db, x.what, func(r pgx.CollectableRow) (count, error) {
			var c count
			return c, r.Scan(&c.area, &c.key, &c.n)
		}, comparisonCycles+x.sql+inAreas, append([]any{from, to, domain.StageCancelled, ids}, x.extra...)...)
		if err != nil {
			return err
		}
		for _, c := range rows {
			if f := byArea[c.area]; f != nil {
				x.into(f)[c.key] = c.n
			}
		}
	}
	return nil
}

// comparisonActions fills the actions raised, completed and overdue, and
// the median days to complete, by the Area that owns each action.
func (q *Queries) comparisonActions(ctx context.Context, byArea map[int16]*domain.ComparisonFigures, from, to time.Time, ids []int16) error {
	rows, err := q.db.Query(ctx, `SELECT coalesce(ac.area_id, 0),
			count(*) FILTER (WHERE ac.created_at::date BETWEEN $1 AND $2),
			count(*) FILTER (WHERE ac.status = $3 AND ac.closed_at::date BETWEEN $1 AND $2),
			count(*) FILTER (WHERE ac.status <> $4 AND ac.due_on BETWEEN $1 AND least($2, current_date - 1)
				AND (ac.status <> $3 OR ac.closed_at::date > ac.due_on)),
			percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM ac.closed_at - ac.created_at) / 86400)
				FILTER (WHERE ac.status = $3 AND ac.closed_at::date BETWEEN $1 AND $2)
		FROM actions ac GROUP BY GROUPING SETS ((ac.area_id), ())
		HAVING GROUPING(ac.area_id) = 1 OR ac.area_id = ANY($5)`, from, to, domain.ActionCompleted, domain.ActionCancelled, ids)
	if err != nil {
		return fmt.Errorf("actions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var area int16
		var raised, closed, overdue int
		var median *float64
		if err := rows.Scan(&area, &raised, &closed, &overdue, &median); err != nil {
			return fmt.Errorf("actions: %w", err)
		}
		if f := byArea[area]; f != nil {
			f.ActionsRaised, f.ActionsClosed, f.ActionsOverdue, f.MedianDaysToClose = raised, closed, overdue, median
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("actions: %w", err)
	}
	return nil
}
