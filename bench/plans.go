package bench

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
)

const rowPlans = "plans: action list, case selection and governance report read through indexes"

// PlanGroup is the plans of the statements one real store method ran.
type PlanGroup struct {
	Title string
	Plans []store.Explained
}

// runPlans records, with EXPLAIN (ANALYZE, BUFFERS) on the dataset, the
// plan of every read the action list, the case selection (local and
// national, and the naive draw beside it) and the governance report run,
// by calling the store methods the server and the selection activity
// call, and checks each group reads through an index.
func runPlans(ctx context.Context, e *env) ([]Row, error) {
	stack, err := e.dataset(ctx)
	if err != nil {
		return nil, err
	}
	if err := e.actions(ctx); err != nil {
		return nil, err
	}
	area := *e.manager.AreaID
	wholeTo := store.BenchCasesFrom.AddDate(0, 0, store.BenchCaseDays)
	national := store.Eligibility{PanelID: e.national.id, From: store.BenchCasesFrom, To: wholeTo, National: true, Theme: nationalTheme}
	groups := []struct {
		title string
		fn    func(q *store.Queries) error
	}{
		{"Action list: GET /api/v1/actions?overdue=true&area=" + domain.Areas[0].Code + " (store.ListActions, as the Area's manager)", func(q *store.Queries) error {
			_, _, _, err := q.ListActions(ctx, store.ActionFilter{Scope: store.ScopeOf(e.manager), AreaID: area, AreaCode: domain.Areas[0].Code, Overdue: true, Limit: 50})
			return err
		}},
		{"Case selection, local: the five strands of the local draw, one Area, one quarter (store.EligiblePools)", func(q *store.Queries) error {
			_, err := q.EligiblePools(ctx, store.Eligibility{PanelID: e.local.id, AreaID: area, From: localQuarterFrom, To: localQuarterTo}, slices.Sorted(maps.Keys(localQuotas))...)
			return err
		}},
		{"Case selection, national themed: both strands of the theme over the whole pool (store.EligiblePools)", func(q *store.Queries) error {
			_, err := q.EligiblePools(ctx, national, nationalTheme.Strands...)
			return err
		}},
		{"Baseline: ORDER BY random() LIMIT n over the same national filter, for one strand of the two (store.NaiveRandomDraw)", func(q *store.Queries) error {
			_, err := q.NaiveRandomDraw(ctx, national, "race", nationalQuotas["race"])
			return err
		}},
		{"Governance report, national figures (store.GovernanceFigures)", func(q *store.Queries) error {
			_, err := q.GovernanceFigures(ctx, store.BenchCasesFrom, time.Now().UTC(), nil, "National")
			return err
		}},
	}
	var noIndex []string
	for _, g := range groups {
		plans, err := stack.Store.ExplainEach(ctx, g.fn)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", g.title, err)
		}
		e.plans = append(e.plans, PlanGroup{Title: g.title, Plans: plans})
		if !strings.HasPrefix(g.title, "Baseline") && !usesIndex(plans) {
			noIndex = append(noIndex, g.title)
		}
	}
	r := Row{Name: rowPlans, Value: fmt.Sprintf("%d of %d", len(groups)-1-len(noIndex), len(groups)-1), Budget: "every one uses an index",
		Status: verdict(len(noIndex) == 0), Note: "the plans are below the table"}
	if len(noIndex) > 0 {
		r.Note = "no index in: " + strings.Join(noIndex, "; ") + "; " + r.Note
	}
	return []Row{r}, nil
}

// usesIndex reports whether any of the plans reads through an index.
func usesIndex(plans []store.Explained) bool {
	for _, p := range plans {
		if strings.Contains(p.Plan, "Index Scan") || strings.Contains(p.Plan, "Index Only Scan") {
			return true
		}
	}
	return false
}
