package bench

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"time"

	"github.com/lsip/scrutiny/cycle/cycleflow"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
)

const (
	rowLocalDraw     = "selection: stratified draw, 10 cases over 5 strata, one Area, one quarter, eligible set recorded"
	rowNationalDraw  = "selection: national themed draw over the whole pool, Area-stratified, eligible set recorded"
	rowNationalRatio = "selection: national draw against ORDER BY random() LIMIT n per stratum"
	rowReproducible  = "selection: both draws repeat from their seed"
)

// drawSeed is the seed of every benchmark draw, so that every run of a
// draw must give the same cases.
const drawSeed = 20261202

// The local draw: two cases from each of five strands, in one quarter.
var (
	localQuarterFrom = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	localQuarterTo   = time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC)
	localQuotas      = map[string]int{"race": 2, "religion": 2, "disability": 2, "domestic_abuse": 2, "rape": 2}
)

// The national theme: youth victims of race and disability hate crime
// convicted after trial, over the whole pool.
var (
	youthVictim    = true
	nationalTheme  = domain.ThemeFilter{Strands: []string{"race", "disability"}, Outcomes: []domain.Outcome{domain.ConvictionTrial}, YouthVictim: &youthVictim}
	nationalQuotas = map[string]int{"race": 5, "disability": 5}
)

// runSelection times the cycle's selection activity itself
// (cycleflow.Activities.SelectCases: the eligible sets from PostgreSQL,
// the seeded draw, and the draw and eligible sets recorded in one
// transaction) on a fresh cycle each run, and the naive draw beside the
// national one. Each run's cycle is cancelled afterwards, so the next
// sees the same eligible cases and must draw the same ones.
func runSelection(ctx context.Context, e *env) ([]Row, error) {
	stack, err := e.dataset(ctx)
	if err != nil {
		return nil, err
	}
	act := &cycleflow.Activities{Store: stack.Store}
	var rows []Row
	reproducible := true
	var notes []string
	draw := func(p panel, from, to time.Time, quotas map[string]int, theme domain.ThemeFilter) ([]time.Duration, []int64, error) {
		var cycleID int64
		var first []cycleflow.Selection
		ds, err := samples(ctx, e.o.Runs, func(int) error {
			if cycleID != 0 {
				if err := stack.Store.CancelCycle(ctx, cycleID, "benchmark run"); err != nil {
					return err
				}
			}
			cycleID, err = e.newCycle(ctx, stack.Store, p, from, to, domain.CycleQuotas{PerStrand: quotas}, theme, false)
			return err
		}, func(int) error {
			sel, err := act.SelectCases(ctx, cycleflow.SelectInput{CycleID: cycleID, Seed: drawSeed})
			if err != nil {
				return err
			}
			first = append(first, sel)
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
		if cycleID != 0 {
			if err := stack.Store.CancelCycle(ctx, cycleID, "benchmark run"); err != nil {
				return nil, nil, err
			}
		}
		same := 0
		for _, s := range first[1:] {
			if reflect.DeepEqual(drawnIDs(s), drawnIDs(first[0])) {
				same++
			}
		}
		if same != len(first)-1 || len(drawnIDs(first[0])) == 0 {
			reproducible = false
		}
		notes = append(notes, fmt.Sprintf("%d of %d runs drew the %d cases of the first", same+1, len(first), len(drawnIDs(first[0]))))
		return ds, drawnIDs(first[0]), nil
	}

	ds, _, err := draw(e.local, localQuarterFrom, localQuarterTo, localQuotas, domain.ThemeFilter{})
	if err != nil {
		return rows, fmt.Errorf("local draw: %w", err)
	}
	local := timed(rowLocalDraw, ds, 10*time.Millisecond)
	local.Note = "the selection activity reads the five strands' eligible sets in one query, draws, and records the draw and the eligible sets in one transaction; see the plan below for where the query's time goes"
	rows = append(rows, local)

	wholeTo := store.BenchCasesFrom.AddDate(0, 0, store.BenchCaseDays)
	ds, _, err = draw(e.national, store.BenchCasesFrom, wholeTo, nationalQuotas, nationalTheme)
	if err != nil {
		return rows, fmt.Errorf("national draw: %w", err)
	}
	national := timed(rowNationalDraw, ds, 100*time.Millisecond)
	rows = append(rows, national)

	base, err := samples(ctx, e.o.Runs, nil, func(int) error {
		for _, strand := range slices.Sorted(maps.Keys(nationalQuotas)) {
			if _, err := stack.Store.NaiveRandomDraw(ctx, store.Eligibility{PanelID: e.national.id, From: store.BenchCasesFrom,
				To: wholeTo, National: true, Theme: nationalTheme}, strand, nationalQuotas[strand]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return rows, fmt.Errorf("naive draw: %w", err)
	}
	ratio := Row{Name: rowNationalRatio, Median: national.Median, P95: national.P95, Baseline: percentile(base, 50), Budget: "ratio ≥ 5×",
		Note: "the real draw loads each stratum's whole eligible set, draws in Go and records the set; the naive one only sorts it in PostgreSQL and records nothing"}
	ratio.Ratio = float64(ratio.Baseline) / float64(max(national.Median, time.Microsecond))
	ratio.Status = verdict(ratio.Ratio >= 5)
	rows = append(rows, ratio)

	rows = append(rows, Row{Name: rowReproducible, Value: fmt.Sprintf("%t", reproducible), Budget: "same seed, same cases",
		Status: verdict(reproducible), Note: "local: " + notes[0] + "; national: " + notes[1]})
	return rows, nil
}

// drawnIDs are the IDs of a selection's cases, in the order it lists them.
func drawnIDs(s cycleflow.Selection) []int64 {
	var out []int64
	for _, c := range s.Cases {
		out = append(out, c.CaseID)
	}
	return out
}
