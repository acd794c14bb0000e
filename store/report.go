package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/domain"
)

// GovernanceFigures gathers the figures for [from, to] for one Area (or
// every Area when areaID is nil). Cycles count when their meeting falls in
// the period; actions when raised or closed in it.
func (s *Store) GovernanceFigures(ctx context.Context, from, to time.Time, areaID *int16, name string) (domain.Figures, error) {
	f := domain.Figures{Name: name, CasesByStrand: map[string]map[string]int{}, Findings: map[string]int{}, LearningByTag: map[string][]string{}}
	const inArea = `($3::smallint IS NULL OR p.area_id = $3)`
	const cyclesInPeriod = `SELECT cy.id FROM cycles cy JOIN panels p ON p.id = cy.panel_id JOIN meetings m ON m.cycle_id = cy.id
		WHERE cy.stage NOT IN ('cancelled') AND m.starts_at::date BETWEEN $1 AND $2 AND ` + inArea
	q := s.Pool
	if err := q.QueryRow(ctx, `SELECT count(*) FROM (`+cyclesInPeriod+`) x`, from, to, areaID).Scan(&f.Cycles); err != nil {
		return f, err
	}
	rows, err := q.Query(ctx, `SELECT cs.strand, c.outcome, count(DISTINCT c.id) FROM cycle_cases cc
		JOIN cases c ON c.id = cc.case_id JOIN case_strands cs ON cs.case_id = c.id
		WHERE cc.status = 'approved' AND cc.cycle_id IN (`+cyclesInPeriod+`) GROUP BY 1, 2`, from, to, areaID)
	if err != nil {
		return f, err
	}
	for rows.Next() {
		var strand, outcome string
		var n int
		if err := rows.Scan(&strand, &outcome, &n); err != nil {
			rows.Close()
			return f, err
		}
		if f.CasesByStrand[strand] == nil {
			f.CasesByStrand[strand] = map[string]int{}
		}
		f.CasesByStrand[strand][outcome] = n
	}
	rows.Close()
	rows, err = q.Query(ctx, `SELECT category, count(*) FROM findings WHERE cycle_id IN (`+cyclesInPeriod+`) GROUP BY 1`, from, to, areaID)
	if err != nil {
		return f, err
	}
	for rows.Next() {
		var cat string
		var n int
		if err := rows.Scan(&cat, &n); err != nil {
			rows.Close()
			return f, err
		}
		f.Findings[cat] = n
	}
	rows.Close()
	err = q.QueryRow(ctx, `SELECT
			count(*) FILTER (WHERE ac.created_at::date BETWEEN $1 AND $2),
			count(*) FILTER (WHERE ac.closed_at::date BETWEEN $1 AND $2 AND ac.status = 'completed'),
			count(*) FILTER (WHERE ac.status IN ('open', 'in_progress')),
			count(*) FILTER (WHERE ac.status IN ('open', 'in_progress') AND ac.due_on < current_date),
			percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM ac.closed_at - ac.created_at) / 86400)
				FILTER (WHERE ac.closed_at::date BETWEEN $1 AND $2 AND ac.status = 'completed')
		FROM actions ac JOIN panels p ON p.id = ac.panel_id WHERE `+inArea, from, to, areaID).
		Scan(&f.ActionsRaised, &f.ActionsClosed, &f.ActionsOpen, &f.ActionsOverdue, &f.MedianDaysToClose)
	if err != nil {
		return f, err
	}
	rows, err = q.Query(ctx, `SELECT tag, text FROM learning_points WHERE cycle_id IN (`+cyclesInPeriod+`) ORDER BY tag, id`, from, to, areaID)
	if err != nil {
		return f, err
	}
	type lp struct{ tag, text string }
	lps, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (lp, error) {
		var x lp
		return x, r.Scan(&x.tag, &x.text)
	})
	for _, x := range lps {
		f.LearningByTag[x.tag] = append(f.LearningByTag[x.tag], x.text)
	}
	return f, err
}
