package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/domain"
)

// GovernanceFigures gathers the figures for [from, to] for one Area (or
// every Area when areaID is nil). Cycles count when their meeting falls in
// the period; actions when raised or closed in it.
func (q *Queries) GovernanceFigures(ctx context.Context, from, to time.Time, areaID *int16, name string) (domain.Figures, error) {
	f := domain.Figures{Name: name, CasesByStrand: map[string]map[string]int{}, Findings: map[string]int{}, LearningByTag: map[string][]string{}}
	if err := q.governanceFigures(ctx, &f, from, to, areaID); err != nil {
		return f, fmt.Errorf("governance figures for %s: %w", name, err)
	}
	return f, nil
}

func (q *Queries) governanceFigures(ctx context.Context, f *domain.Figures, from, to time.Time, areaID *int16) error {
	// Every statement takes the period and the Area as $1 to $3; those
	// that pick the cycles of the period take the cancelled stage as $4.
	const inArea = `($3::smallint IS NULL OR p.area_id = $3)`
	const cyclesInPeriod = `SELECT cy.id FROM cycles cy JOIN panels p ON p.id = cy.panel_id JOIN meetings m ON m.cycle_id = cy.id
		WHERE cy.stage <> $4 AND m.starts_at::date BETWEEN $1 AND $2 AND ` + inArea
	cancelled := domain.StageCancelled
	if err := q.db.QueryRow(ctx, `SELECT count(*) FROM (`+cyclesInPeriod+`) x`, from, to, areaID, cancelled).Scan(&f.Cycles); err != nil {
		return fmt.Errorf("cycles: %w", err)
	}
	type reviewed struct {
		strand, outcome string
		n               int
	}
	byStrand, err := queryAll(ctx, q.db, "cases by strand", func(r pgx.CollectableRow) (reviewed, error) {
		var x reviewed
		return x, r.Scan(&x.strand, &x.outcome, &x.n)
	}, `SELECT cs.strand, c.outcome, count(DISTINCT c.id) FROM cycle_cases cc
		JOIN cases c ON c.id = cc.case_id JOIN case_strands cs ON cs.case_id = c.id
		WHERE cc.status = $5 AND cc.cycle_id IN (`+cyclesInPeriod+`) GROUP BY 1, 2`, from, to, areaID, cancelled, domain.CaseApproved)
	if err != nil {
		return err
	}
	for _, x := range byStrand {
		if f.CasesByStrand[x.strand] == nil {
			f.CasesByStrand[x.strand] = map[string]int{}
		}
		f.CasesByStrand[x.strand][x.outcome] = x.n
	}
	type found struct {
		category string
		n        int
	}
	findings, err := queryAll(ctx, q.db, "findings", func(r pgx.CollectableRow) (found, error) {
		var x found
		return x, r.Scan(&x.category, &x.n)
	}, `SELECT category, count(*) FROM findings WHERE cycle_id IN (`+cyclesInPeriod+`) GROUP BY 1`, from, to, areaID, cancelled)
	if err != nil {
		return err
	}
	for _, x := range findings {
		f.Findings[x.category] = x.n
	}
	err = q.db.QueryRow(ctx, `SELECT
			count(*) FILTER (WHERE ac.created_at::date BETWEEN $1 AND $2),
			count(*) FILTER (WHERE ac.closed_at::date BETWEEN $1 AND $2 AND ac.status = $4),
			count(*) FILTER (WHERE ac.status = ANY($5)),
			count(*) FILTER (WHERE ac.status = ANY($5) AND ac.due_on < current_date),
			percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM ac.closed_at - ac.created_at) / 86400)
				FILTER (WHERE ac.closed_at::date BETWEEN $1 AND $2 AND ac.status = $4)
		FROM actions ac JOIN panels p ON p.id = ac.panel_id WHERE `+inArea, from, to, areaID, domain.ActionCompleted, OutstandingActions).
		Scan(&f.ActionsRaised, &f.ActionsClosed, &f.ActionsOpen, &f.ActionsOverdue, &f.MedianDaysToClose)
	if err != nil {
		return fmt.Errorf("actions: %w", err)
	}
	type point struct{ tag, text string }
	points, err := queryAll(ctx, q.db, "learning points", func(r pgx.CollectableRow) (point, error) {
		var x point
		return x, r.Scan(&x.tag, &x.text)
	}, `SELECT tag, text FROM learning_points WHERE cycle_id IN (`+cyclesInPeriod+`) ORDER BY tag, id`, from, to, areaID, cancelled)
	for _, x := range points {
		f.LearningByTag[x.tag] = append(f.LearningByTag[x.tag], x.text)
	}
	return err
}
