package store_test

import (
	"context"
	"slices"
	"strconv"
	"testing"

	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
)

// TestRecordSelectionReadsBackWhatItRecorded: RecordSelection records a
// draw, its eligible sets and its audit entry in one batch and returns the
// draw as Strata and CycleCases read it afterwards. A batch that fails
// part way (an eligible case that does not exist) leaves nothing of its
// draw behind: no seed, stratum, case, eligible row or audit entry.
func TestRecordSelectionReadsBackWhatItRecorded(t *testing.T) {
	st := testenv.DB(t)
	db := testenv.SQL(t, st)
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var panel int64
	must(db.QueryRow(ctx, `INSERT INTO panels (area_id, name, covers) SELECT id, 'Wales', 'both' FROM areas WHERE code = 'wales' RETURNING id`).Scan(&panel))
	newCycle := func(name, windowStart string) int64 {
		t.Helper()
		var id int64
		must(db.QueryRow(ctx, `INSERT INTO cycles (panel_id, workflow_id, window_start, window_end, quotas, started_by, coordinator_name, coordinator_email)
			VALUES ($1, $2, $3, '2026-03-31', '{}', 't', 'C', 'c@example.org') RETURNING id`, panel, name, windowStart).Scan(&id))
		return id
	}
	importCases(t, st, variedCases(9))
	ids := map[string][]int64{}
	for _, strand := range []string{"race", "disability"} {
		rows, err := db.Query(ctx, `SELECT case_id FROM case_strands WHERE strand = $1 ORDER BY case_id`, strand)
		must(err)
		for rows.Next() {
			var id int64
			must(rows.Scan(&id))
			ids[strand] = append(ids[strand], id)
		}
		must(rows.Err())
		if len(ids[strand]) < 4 {
			t.Fatalf("%d %s cases, want at least 4", len(ids[strand]), strand)
		}
	}
	drawn := []store.DrawnStratum{
		{Strand: "disability", Quota: 2, Eligible: len(ids["disability"]), EligibleIDs: ids["disability"],
			Selected: []int64{ids["disability"][3], ids["disability"][0]}, Reserves: []int64{ids["disability"][1]}},
		{Strand: "race", Quota: 1, Eligible: len(ids["race"]), EligibleIDs: ids["race"], Selected: []int64{ids["race"][2]}},
	}
	cycleID := newCycle("cycle-record", "2026-01-01")
	strata, cases, err := st.RecordSelection(ctx, cycleID, 7, drawn, nil, store.DrawAudit{Actor: "c@example.org", Detail: map[string]any{"seed": 7}})
	must(err)

	storedStrata, err := st.Strata(ctx, cycleID)
	must(err)
	storedCases, err := st.CycleCases(ctx, cycleID)
	must(err)
	if !slices.Equal(strata, storedStrata) || !slices.Equal(cases, storedCases) {
		t.Errorf("returned %v and %v, stored %v and %v", strata, cases, storedStrata, storedCases)
	}
	wantStrata := []store.Stratum{{Strand: "disability", Quota: 2, Eligible: len(ids["disability"])}, {Strand: "race", Quota: 1, Eligible: len(ids["race"])}}
	if !slices.Equal(strata, wantStrata) {
		t.Errorf("strata %v, want %v", strata, wantStrata)
	}
	var got []int64
	var roles []string
	for _, c := range cases {
		got, roles = append(got, c.CaseID), append(roles, c.Role)
	}
	want := []int64{ids["disability"][3], ids["disability"][0], ids["disability"][1], ids["race"][2]}
	if !slices.Equal(got, want) || !slices.Equal(roles, []string{store.DrawSelected, store.DrawSelected, store.DrawReserve, store.DrawSelected}) {
		t.Errorf("cases %v as %v, want %v as selected, selected, reserve, selected", got, roles, want)
	}
	for _, s := range drawn {
		var eligible []int64
		must(db.QueryRow(ctx, `SELECT array_agg(case_id ORDER BY case_id) FROM cycle_eligible WHERE cycle_id = $1 AND stratum = $2`, cycleID, s.Strand).Scan(&eligible))
		if !slices.Equal(eligible, s.EligibleIDs) {
			t.Errorf("%s: recorded eligible %v, drew from %v", s.Strand, eligible, s.EligibleIDs)
		}
	}
	var audited int
	must(db.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'cases_selected' AND subject_id = $1 AND actor = 'c@example.org' AND detail->>'seed' = '7'`,
		strconv.FormatInt(cycleID, 10)).Scan(&audited))
	if audited != 1 {
		t.Errorf("%d audit entries of the draw, want 1", audited)
	}

	failed := newCycle("cycle-record-fails", "2026-02-01")
	bad := []store.DrawnStratum{{Strand: "race", Quota: 1, Eligible: 2, EligibleIDs: []int64{ids["race"][0], -1}, Selected: []int64{ids["race"][0]}}}
	if _, _, err := st.RecordSelection(ctx, failed, 7, bad, nil, store.DrawAudit{Actor: "c@example.org"}); err == nil {
		t.Fatal("a draw naming a case that does not exist was recorded")
	}
	var seeded bool
	var left int
	must(db.QueryRow(ctx, `SELECT seed IS NOT NULL, (SELECT count(*) FROM cycle_strata WHERE cycle_id = $1) + (SELECT count(*) FROM cycle_cases WHERE cycle_id = $1)
		+ (SELECT count(*) FROM cycle_eligible WHERE cycle_id = $1) + (SELECT count(*) FROM audit_log WHERE action = 'cases_selected' AND subject_id = $2)
		FROM cycles WHERE id = $1`, failed, strconv.FormatInt(failed, 10)).Scan(&seeded, &left))
	if seeded || left != 0 {
		t.Errorf("after the failed draw: seed recorded %t, %d rows of it left", seeded, left)
	}
}
