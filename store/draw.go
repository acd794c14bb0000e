package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/selection"
)

// PublishedDraw is the cycle's draw as anyone may check it (see
// selection.Record and docs/selection.md): the seed, each stratum's quota
// (and, for a national panel, each Area's share), its eligible cases and
// what the draw took. Cases appear only as their ordinal in the cycle's
// eligible set, ordered by internal ID, never by reference: the ordinals
// keep the order the draw depends on and identify nobody. Cases redrawn
// later in place of withdrawn ones are listed apart, each with what it
// was drawn from (publishedRedraws); cases carried forward are not drawn
// and are left out. ErrNotFound until the cases are drawn.
func (q *Queries) PublishedDraw(ctx context.Context, cycleID int64) (selection.Record, error) {
	rec, err := q.publishedDraw(ctx, cycleID)
	if err != nil {
		return rec, fmt.Errorf("published draw of cycle %d: %w", cycleID, err)
	}
	return rec, nil
}

func (q *Queries) publishedDraw(ctx context.Context, cycleID int64) (selection.Record, error) {
	rec := selection.Record{CycleID: cycleID, Strata: []selection.RecordStratum{}, Redraws: []selection.RecordRedraw{}}
	var seed *int64
	var kind domain.PanelKind
	var theme []byte
	err := q.db.QueryRow(ctx, `SELECT cy.seed, cy.reserves_per_stratum, p.kind, cy.theme_filter FROM cycles cy JOIN panels p ON p.id = cy.panel_id WHERE cy.id = $1`,
		cycleID).Scan(&seed, &rec.ReservesPerStratum, &kind, &theme)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && seed == nil) {
		return rec, ErrNotFound
	}
	if err != nil {
		return rec, err
	}
	rec.Seed = *seed
	if kind == domain.PanelNational {
		var tf domain.ThemeFilter
		if err := json.Unmarshal(theme, &tf); err != nil {
			return rec, err
		}
		rec.National, rec.MinPerArea = true, tf.PerArea()
	}
	type row struct {
		Stratum string
		Ordinal int64
		Area    string
	}
	// Every eligible case of every stratum, numbered across the cycle.
	eligible, err := queryAll(ctx, q.db, "eligible", pgx.RowToStructByPos[row],
		`WITH numbered AS (SELECT case_id, dense_rank() OVER (ORDER BY case_id) AS ordinal FROM (SELECT DISTINCT case_id FROM cycle_eligible WHERE cycle_id = $1) d)
		SELECT e.stratum, n.ordinal, a.code FROM cycle_eligible e JOIN numbered n USING (case_id)
		JOIN cases c ON c.id = e.case_id JOIN areas a ON a.id = c.area_id
		WHERE e.cycle_id = $1 ORDER BY e.stratum, n.ordinal`, cycleID)
	if err != nil {
		return rec, err
	}
	type drawnRow struct {
		Stratum  string
		Ordinal  int64
		Area     string
		Reserve  bool
		Position int
	}
	// The seeded draw: the first quota-less-shortfall selected of each
	// stratum (a redrawn case comes after every case drawn) and its reserves.
	drawn, err := queryAll(ctx, q.db, "drawn", pgx.RowToStructByPos[drawnRow],
		`WITH numbered AS (SELECT case_id, dense_rank() OVER (ORDER BY case_id) AS ordinal FROM (SELECT DISTINCT case_id FROM cycle_eligible WHERE cycle_id = $1) d)
		SELECT cc.stratum, n.ordinal, a.code, cc.role = $2, cc.draw_position FROM cycle_cases cc JOIN numbered n USING (case_id)
		JOIN cycle_strata s ON s.cycle_id = cc.cycle_id AND s.stratum = cc.stratum
		JOIN cases c ON c.id = cc.case_id JOIN areas a ON a.id = c.area_id
		WHERE cc.cycle_id = $1 AND (cc.role = $2 OR (cc.role = $3 AND cc.draw_position < s.quota - s.shortfall))
		ORDER BY cc.stratum, cc.draw_position`, cycleID, DrawReserve, DrawSelected)
	if err != nil {
		return rec, err
	}
	type stratumRow struct {
		Stratum          string
		Quota, Shortfall int
	}
	strata, err := queryAll(ctx, q.db, "strata", pgx.RowToStructByPos[stratumRow],
		`SELECT stratum, quota, shortfall FROM cycle_strata WHERE cycle_id = $1`, cycleID)
	if err != nil {
		return rec, err
	}
	type areaRow struct {
		Stratum, Area string
		Quota         int
	}
	shares, err := queryAll(ctx, q.db, "Area quotas", pgx.RowToStructByPos[areaRow],
		`SELECT q.stratum, a.code, q.quota FROM cycle_area_quotas q JOIN areas a ON a.id = q.area_id WHERE q.cycle_id = $1`, cycleID)
	if err != nil {
		return rec, err
	}
	slices.SortFunc(strata, func(a, b stratumRow) int { return strings.Compare(a.Stratum, b.Stratum) })
	for _, st := range strata {
		out := selection.RecordStratum{Strand: st.Stratum, Quota: st.Quota, Shortfall: st.Shortfall, Eligible: []int64{}, Selected: []int64{}, Reserves: []int64{}}
		areas := map[string]*selection.RecordArea{}
		area := func(code string) *selection.RecordArea {
			if areas[code] == nil {
				areas[code] = &selection.RecordArea{Area: code, Eligible: []int64{}, Selected: []int64{}}
			}
			return areas[code]
		}
		for _, e := range eligible {
			if e.Stratum == st.Stratum {
				out.Eligible = append(out.Eligible, e.Ordinal)
				area(e.Area).Eligible = append(area(e.Area).Eligible, e.Ordinal)
			}
		}
		for _, d := range drawn {
			switch {
			case d.Stratum != st.Stratum:
			case d.Reserve:
				out.Reserves = append(out.Reserves, d.Ordinal)
			default:
				out.Selected = append(out.Selected, d.Ordinal)
				area(d.Area).Selected = append(area(d.Area).Selected, d.Ordinal)
			}
		}
		for _, sh := range shares {
			if sh.Stratum == st.Stratum {
				area(sh.Area).Quota = sh.Quota
			}
		}
		if rec.National {
			for _, code := range slices.Sorted(maps.Keys(areas)) {
				out.Areas = append(out.Areas, *areas[code])
			}
		}
		rec.Strata = append(rec.Strata, out)
	}
	rec.Redraws, err = q.publishedRedraws(ctx, cycleID)
	return rec, err
}

// publishedRedraws are the cycle's fresh draws in place of withdrawn
// cases, in the order they were made. A redrawn case is a selected one
// placed after the stratum's seeded selection (store.AddRedrawnCase puts
// it after every case of the cycle), so its candidates were the strand's
// eligible cases not yet in the cycle: none placed before it. Its attempt
// is its rank among the strand's redraws, as the cycle workflow counts
// them; the case it replaced names it in replaced_by.
func (q *Queries) publishedRedraws(ctx context.Context, cycleID int64) ([]selection.RecordRedraw, error) {
	return queryAll(ctx, q.db, "redraws", func(r pgx.CollectableRow) (selection.RecordRedraw, error) {
		var x selection.RecordRedraw
		return x, r.Scan(&x.Strand, &x.Attempt, &x.Replaced, &x.Replacement, &x.Candidates)
	}, `WITH numbered AS (SELECT case_id, dense_rank() OVER (ORDER BY case_id) AS ordinal FROM (SELECT DISTINCT case_id FROM cycle_eligible WHERE cycle_id = $1) d),
		redrawn AS (SELECT cc.stratum, cc.case_id, cc.draw_position, row_number() OVER (PARTITION BY cc.stratum ORDER BY cc.draw_position) AS attempt
			FROM cycle_cases cc JOIN cycle_strata s ON s.cycle_id = cc.cycle_id AND s.stratum = cc.stratum
			WHERE cc.cycle_id = $1 AND cc.role = $2 AND cc.draw_position >= s.quota - s.shortfall)
		SELECT r.stratum, r.attempt::int, coalesce(nw.ordinal, 0), nr.ordinal,
			ARRAY(SELECT n.ordinal FROM cycle_eligible e JOIN numbered n USING (case_id) WHERE e.cycle_id = $1 AND e.stratum = r.stratum
				AND NOT EXISTS (SELECT 1 FROM cycle_cases x WHERE x.cycle_id = $1 AND x.case_id = e.case_id AND x.draw_position < r.draw_position)
				ORDER BY n.ordinal)
		FROM redrawn r JOIN numbered nr ON nr.case_id = r.case_id
		LEFT JOIN cycle_cases w ON w.cycle_id = $1 AND w.replaced_by = r.case_id
		LEFT JOIN numbered nw ON nw.case_id = w.case_id
		ORDER BY r.draw_position`, cycleID, DrawSelected)
}
