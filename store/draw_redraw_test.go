package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/lsip/scrutiny/selection"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
)

// TestPublishedDrawListsRedraws: two cases withdrawn and drawn afresh
// (as cycleflow's ReplaceCase does) appear in the published draw in the
// order they were made, each naming the case it replaced, its attempt,
// its candidates and the case it took, all by pseudonymous number; the
// whole record verifies, and a tampered redraw does not.
func TestPublishedDrawListsRedraws(t *testing.T) {
	st := testenv.DB(t)
	db := testenv.SQL(t, st)
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var panel, cycleID int64
	must(db.QueryRow(ctx, `INSERT INTO panels (area_id, name, covers) SELECT id, 'Wales', 'both' FROM areas WHERE code = 'wales' RETURNING id`).Scan(&panel))
	must(db.QueryRow(ctx, `INSERT INTO cycles (panel_id, workflow_id, window_start, window_end, quotas, started_by, coordinator_name, coordinator_email)
		VALUES ($1, 'cycle-redraw', '2026-01-01', '2026-03-31', '{}', 't', 'C', 'c@example.org') RETURNING id`, panel).Scan(&cycleID))
	var ids []int64
	for i := range 8 {
		var id int64
		must(db.QueryRow(ctx, `INSERT INTO cases (area_id, reference, category, principal_offence, finalised_on, outcome, summary)
			SELECT id, $1, 'hate_crime', 'Assault', '2026-02-01', 'conviction_plea', 'S' FROM areas WHERE code = 'wales' RETURNING id`,
			fmt.Sprintf("WAL-R-%d", i)).Scan(&id))
		ids = append(ids, id)
	}
	const seed = 77
	r := selection.Draw(seed, []selection.Stratum{{Strand: "race", Quota: 2, Eligible: ids}}, 1)[0]
	must(st.InTx(ctx, func(tx *store.Tx) error {
		return tx.RecordDraw(ctx, cycleID, seed, []store.DrawnStratum{{Strand: "race", Quota: 2, Eligible: r.EligibleCount,
			EligibleIDs: ids, Selected: r.Selected, Reserves: r.Reserves}}, nil)
	}))
	ordinal := func(id int64) int64 { return int64(slices.Index(ids, id) + 1) } // ids ascend, as the ordinals do
	withdrawn := []int64{r.Selected[0]}
	var taken []int64
	for attempt := 1; attempt <= 2; attempt++ {
		must(st.InTx(ctx, func(tx *store.Tx) error {
			candidates, err := tx.RedrawCandidates(ctx, cycleID, "race")
			if err != nil {
				return err
			}
			id, _ := selection.Redraw(seed, "race", attempt, candidates)
			if err := tx.AddRedrawnCase(ctx, cycleID, id, "race"); err != nil {
				return err
			}
			taken = append(taken, id)
			return tx.WithdrawCase(ctx, cycleID, withdrawn[len(withdrawn)-1], "conflict", &id)
		}))
		withdrawn = append(withdrawn, taken[len(taken)-1]) // the second redraw replaces the first
	}

	rec, err := st.PublishedDraw(ctx, cycleID)
	must(err)
	if len(rec.Redraws) != 2 {
		t.Fatalf("redraws %+v, want 2", rec.Redraws)
	}
	for i, rd := range rec.Redraws {
		if rd.Strand != "race" || rd.Attempt != i+1 || rd.Replaced != ordinal(withdrawn[i]) || rd.Replacement != ordinal(taken[i]) {
			t.Errorf("redraw %d = %+v, want attempt %d replacing %d by %d", i+1, rd, i+1, ordinal(withdrawn[i]), ordinal(taken[i]))
		}
	}
	if want := 8 - 3 - 1; len(rec.Redraws[1].Candidates) != want || slices.Contains(rec.Redraws[1].Candidates, ordinal(taken[0])) {
		t.Errorf("the second redraw's candidates %v: want the %d eligible not yet in the cycle", rec.Redraws[1].Candidates, want)
	}
	if len(rec.Strata[0].Selected) != 2 {
		t.Errorf("the seeded draw changed: %+v", rec.Strata[0])
	}
	if diffs := selection.Verify(rec); len(diffs) != 0 {
		t.Errorf("the published draw with its redraws does not verify: %v", diffs)
	}
	rec.Redraws[1].Replacement = rec.Redraws[1].Candidates[0] + rec.Redraws[1].Candidates[1] - rec.Redraws[1].Replacement
	if diffs := selection.Verify(rec); len(diffs) == 0 {
		t.Error("a tampered redraw verifies")
	}
}
