package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
)

// TestDrawCopyFollowsCases: the draw reads its eligible cases from the
// copy of their attributes in case_strands (migration 0024). Through an
// import, a re-import that changes cases, and a withdrawal written
// straight to the table, the draw's eligible set stays the one the base
// tables give (the naive baseline's query, asked for every case), for a
// local, a national and themed draws.
func TestDrawCopyFollowsCases(t *testing.T) {
	st := testenv.DB(t)
	db := testenv.SQL(t, st)
	ctx := context.Background()
	var panel, wales int64
	if err := db.QueryRow(ctx, `INSERT INTO panels (area_id, name, covers) SELECT id, 'Wales', 'both' FROM areas WHERE code = 'wales' RETURNING id, area_id`).Scan(&panel, &wales); err != nil {
		t.Fatal(err)
	}
	recs := variedCases(60)
	importCases(t, st, recs)

	youth, online := true, false
	from, to := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)
	rules := []store.Eligibility{
		{PanelID: panel, AreaID: int16(wales), From: from, To: to},
		{PanelID: panel, From: from, To: to, National: true},
		{PanelID: panel, From: from, To: to, National: true, Theme: domain.ThemeFilter{
			Outcomes: []domain.Outcome{domain.ConvictionTrial, domain.Acquittal}, YouthVictim: &youth, OnlineOffending: &online}},
		{PanelID: panel, AreaID: int16(wales), From: from, To: to, Theme: domain.ThemeFilter{
			VictimGroups: []domain.VictimGroup{domain.VictimHomeless}, FinalisedFrom: "2026-02-01"}},
	}
	strands := []string{"race", "disability"}
	check := func(when string) {
		t.Helper()
		for i, e := range rules {
			pools, err := st.EligiblePools(ctx, e, strands...)
			if err != nil {
				t.Fatal(err)
			}
			found := 0
			for _, strand := range strands {
				var drawn []int64
				for _, ids := range pools[strand] {
					drawn = append(drawn, ids...)
				}
				slices.Sort(drawn)
				base, err := st.NaiveRandomDraw(ctx, e, strand, 1000)
				if err != nil {
					t.Fatal(err)
				}
				slices.Sort(base)
				if !slices.Equal(drawn, base) {
					t.Errorf("%s, rule %d, %s: the draw's eligible set %v, the base tables' %v", when, i, strand, drawn, base)
				}
				found += len(drawn)
			}
			if found == 0 {
				t.Errorf("%s, rule %d: nothing eligible in either strand, so the comparison shows nothing", when, i)
			}
		}
	}
	check("after the import")

	// Re-import every third case changed in each attribute the draw reads.
	for i := range recs {
		if i%3 != 0 {
			continue
		}
		r := &recs[i]
		r.FinalisedOn = r.FinalisedOn.AddDate(0, 1, 0)
		r.Outcome = []domain.Outcome{domain.ConvictionTrial, domain.Acquittal, domain.ConvictionPlea}[i%3]
		r.YouthVictim, r.OnlineOffending = !r.YouthVictim, !r.OnlineOffending
		r.VictimGroup = []domain.VictimGroup{"", domain.VictimHomeless}[i%2]
		r.AppealPending = i%9 == 0
		r.Strands = []string{"race", "disability"}
	}
	importCases(t, st, recs)
	if _, err := db.Exec(ctx, `UPDATE cases SET withdrawn_at = now() WHERE reference IN ('CPY-4', 'CPY-5', 'CPY-7')`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `UPDATE cases SET area_id = (SELECT id FROM areas WHERE code = 'wessex') WHERE reference = 'CPY-8'`); err != nil {
		t.Fatal(err)
	}
	check("after the changes")
}

// variedCases are n cases of two Areas whose attributes vary
// independently, so that each rule of TestDrawCopyFollowsCases keeps some
// and drops some.
func variedCases(n int) []domain.CaseRecord {
	var recs []domain.CaseRecord
	for i := range n {
		recs = append(recs, domain.CaseRecord{
			AreaCode: []string{"wales", "london-north"}[i%2], Reference: fmt.Sprintf("CPY-%d", i), URN: fmt.Sprintf("URN%d", i),
			Category: domain.HateCrime, Strands: [][]string{{"race"}, {"disability"}, {"race", "disability"}}[i%3],
			PrincipalOffence: "Assault", FinalisedOn: time.Date(2025, 12, 15, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 11*i%120),
			Outcome:     []domain.Outcome{domain.ConvictionPlea, domain.ConvictionTrial, domain.Acquittal, domain.Dismissed}[i%4],
			YouthVictim: i%5 < 2, OnlineOffending: i%7 < 3, VictimGroup: []domain.VictimGroup{"", domain.VictimHomeless, domain.VictimSexWorker}[i%3],
			VRRPending: i == 11, CodefendantOutstanding: i == 13, Summary: "Synthetic case.",
		})
	}
	return recs
}

func importCases(t *testing.T, st *store.Store, recs []domain.CaseRecord) {
	t.Helper()
	if _, _, _, err := st.ImportCases(context.Background(), "cases.csv", fmt.Sprintf("%064d", len(recs)), "admin@example.org", recs); err != nil {
		t.Fatal(err)
	}
}

// TestEligibleRowsKeepTheirReferences: cycle_eligible's references are
// checked once per statement (migration 0024) but hold as its foreign keys
// did: a row naming a case, cycle or strand that does not exist is
// refused, a case or strand a draw recorded cannot be deleted, and
// deleting a cycle deletes its recorded rows.
func TestEligibleRowsKeepTheirReferences(t *testing.T) {
	st := testenv.DB(t)
	db := testenv.SQL(t, st)
	ctx := context.Background()
	var panel, cycleID, caseID int64
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(db.QueryRow(ctx, `INSERT INTO panels (area_id, name, covers) SELECT id, 'Wales', 'both' FROM areas WHERE code = 'wales' RETURNING id`).Scan(&panel))
	must(db.QueryRow(ctx, `INSERT INTO cycles (panel_id, workflow_id, window_start, window_end, quotas, started_by, coordinator_name, coordinator_email)
		VALUES ($1, 'cycle-refs', '2026-01-01', '2026-03-31', '{}', 't', 'C', 'c@example.org') RETURNING id`, panel).Scan(&cycleID))
	importCases(t, st, variedCases(3))
	must(db.QueryRow(ctx, `SELECT id FROM cases WHERE reference = 'CPY-0'`).Scan(&caseID))
	must(st.InTx(ctx, func(tx *store.Tx) error {
		return tx.RecordDraw(ctx, cycleID, 5, []store.DrawnStratum{{Strand: "race", Quota: 1, Eligible: 1, EligibleIDs: []int64{caseID}, Selected: []int64{caseID}}}, nil)
	}))

	refused := func(what, sql string, args ...any) {
		t.Helper()
		_, err := db.Exec(ctx, sql, args...)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "23503" {
			t.Errorf("%s: got %v, want a foreign key violation", what, err)
		}
	}
	refused("an unknown case", `INSERT INTO cycle_eligible (cycle_id, stratum, case_id) VALUES ($1, 'race', $2), ($1, 'race', -1)`, cycleID, caseID+100)
	refused("an unknown cycle", `INSERT INTO cycle_eligible (cycle_id, stratum, case_id) VALUES (-1, 'race', $1)`, caseID)
	refused("an unknown strand", `INSERT INTO cycle_eligible (cycle_id, stratum, case_id) VALUES ($1, 'nonesuch', $2)`, cycleID, caseID)
	refused("a case moved to an unknown one", `UPDATE cycle_eligible SET case_id = -1 WHERE cycle_id = $1`, cycleID)
	// Only cycle_eligible holds the case and the strand now: no drawn case,
	// and no case, panel or stratum of the strand.
	exec := func(sql string, args ...any) {
		t.Helper()
		_, err := db.Exec(ctx, sql, args...)
		must(err)
	}
	exec(`DELETE FROM cycle_cases WHERE cycle_id = $1`, cycleID)
	exec(`INSERT INTO cycle_eligible (cycle_id, stratum, case_id) VALUES ($1, 'fgm', $2)`, cycleID, caseID)
	refused("deleting a recorded case", `DELETE FROM cases WHERE id = $1`, caseID)
	refused("deleting a recorded strand", `DELETE FROM strands WHERE code = 'fgm'`)

	exec(`DELETE FROM cycles WHERE id = $1`, cycleID)
	var left int
	must(db.QueryRow(ctx, `SELECT count(*) FROM cycle_eligible`).Scan(&left))
	if left != 0 {
		t.Errorf("%d eligible rows left after their cycle was deleted", left)
	}
	exec(`DELETE FROM cases WHERE id = $1`, caseID)
	exec(`DELETE FROM strands WHERE code = 'fgm'`)
}
