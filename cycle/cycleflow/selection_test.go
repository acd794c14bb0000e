package cycleflow_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/lsip/scrutiny/testenv/flowtest"

	"github.com/jackc/pgx/v5"
	"go.temporal.io/sdk/temporal"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/cycle/cycleflow"
	"github.com/lsip/scrutiny/selection"
)

func TestSelectionAppliesEveryEligibilityRule(t *testing.T) {
	w := newWorld(t)
	id := w.newCycle(t, "cycle", map[string]int{"race": 3, "disability": 2}, nil)
	sel := w.selectCases(t, id, 77)

	// Only the panel's own history counts: a case drawn by a cancelled
	// cycle, or reviewed by another panel, can be drawn.
	race := w.eligibleRefs(t, id, "race")
	if want := []string{"CANCELLED", "OTHER-PANEL", "RACE-1", "RACE-2", "RACE-3", "RACE-4"}; !slices.Equal(race, want) {
		t.Errorf("eligible race cases %v, want %v", race, want)
	}
	if dis := w.eligibleRefs(t, id, "disability"); !slices.Equal(dis, []string{"DIS-1"}) {
		t.Errorf("eligible disability cases %v, want only DIS-1", dis)
	}
	for _, c := range sel.Cases {
		switch c.Reference {
		case "OTHER-AREA", "OUTSIDE", "RELIGION", "APPEAL", "VRR", "CODEF", "WITHDRAWN", "REVIEWED", "FOUND", "DIS-OLD":
			t.Errorf("ineligible case %s was drawn", c.Reference)
		}
	}
	// Race 3 and the only disability case, with a race reserve: no
	// disability case is left to be a reserve.
	roles := byRole(sel.Cases)
	if len(roles["selected"]) != 4 || len(roles["reserve"]) != 1 {
		t.Errorf("selected %v, reserves %v", roles["selected"], roles["reserve"])
	}
	for _, c := range sel.Cases {
		want := map[string]string{"selected": "proposed", "reserve": "reserve", "carried_forward": "proposed"}[c.Role]
		if c.Status != want {
			t.Errorf("%s (%s) has status %q, want %q", c.Reference, c.Role, c.Status, want)
		}
	}

	// The shortfall is recorded, and nothing was widened unasked.
	strata := strataByStrand(sel)
	if s := strata["disability"]; s.Quota != 2 || s.Eligible != 1 || s.Shortfall != 1 || s.Widened {
		t.Errorf("disability stratum %+v, want quota 2, 1 eligible, shortfall 1, not widened", s)
	}
	if s := strata["race"]; s.Quota != 3 || s.Eligible != 6 || s.Shortfall != 0 {
		t.Errorf("race stratum %+v", s)
	}
	if n := w.count(t, `SELECT shortfall FROM cycle_strata WHERE cycle_id = $1 AND stratum = 'disability'`, id); n != 1 {
		t.Errorf("recorded shortfall %d, want 1", n)
	}

	// Anyone can repeat the draw from the recorded seed and eligible sets.
	ctx := context.Background()
	var seed int64
	var reserves int
	w.sql.QueryRow(ctx, `SELECT seed, reserves_per_stratum FROM cycles WHERE id = $1`, id).Scan(&seed, &reserves)
	rows, _ := w.sql.Query(ctx, `SELECT s.stratum, s.quota, array_agg(e.case_id) FROM cycle_strata s
		JOIN cycle_eligible e ON e.cycle_id = s.cycle_id AND e.stratum = s.stratum WHERE s.cycle_id = $1 GROUP BY s.stratum, s.quota`, id)
	recorded, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (selection.Stratum, error) {
		var s selection.Stratum
		return s, r.Scan(&s.Strand, &s.Quota, &s.Eligible)
	})
	if err != nil {
		t.Fatal(err)
	}
	var redrawn, drawn []int64
	for _, r := range selection.Draw(seed, recorded, reserves) {
		redrawn = append(redrawn, append(r.Selected, r.Reserves...)...)
	}
	for _, c := range sel.Cases {
		if c.Role != "carried_forward" {
			drawn = append(drawn, c.CaseID)
		}
	}
	slices.Sort(redrawn)
	slices.Sort(drawn)
	if seed != 77 || !slices.Equal(redrawn, drawn) {
		t.Errorf("re-running the draw from seed %d gave %v; the cycle drew %v", seed, redrawn, drawn)
	}

	// A retried draw, even with another seed, returns what was recorded.
	again := w.selectCases(t, id, 99)
	if len(again.Cases) != len(sel.Cases) || !slices.Equal(byRole(again.Cases)["selected"], roles["selected"]) {
		t.Errorf("a retried draw changed the selection: %v then %v", roles, byRole(again.Cases))
	}
	if n := w.count(t, `SELECT count(*) FROM cycle_cases WHERE cycle_id = $1`, id); n != len(sel.Cases) {
		t.Errorf("%d cycle_cases rows for %d cases", n, len(sel.Cases))
	}
}

func TestSelectionWidensOnlyWhenAsked(t *testing.T) {
	w := newWorld(t)
	id := w.newCycle(t, "widened", map[string]int{"disability": 2, "race": 2}, func(in *cycleflow.CreateCycleInput) { in.WidenMonths = 3 })
	sel := w.selectCases(t, id, 1)
	strata := strataByStrand(sel)
	if s := strata["disability"]; !s.Widened || s.Eligible != 2 || s.Shortfall != 0 {
		t.Errorf("disability stratum %+v, want widened to take DIS-OLD", s)
	}
	if s := strata["race"]; s.Widened || s.Eligible != 6 {
		t.Errorf("race had no shortfall, yet %+v", s)
	}
	if got := w.eligibleRefs(t, id, "disability"); !slices.Equal(got, []string{"DIS-1", "DIS-OLD"}) {
		t.Errorf("widened eligible set %v", got)
	}
	var from time.Time
	w.sql.QueryRow(context.Background(), `SELECT widened_from FROM cycle_strata WHERE cycle_id = $1 AND stratum = 'disability'`, id).Scan(&from)
	if !from.Equal(windowStart.AddDate(0, -3, 0)) {
		t.Errorf("widened window recorded from %v", from)
	}
	if again := w.selectCases(t, id, 1); !strataByStrand(again)["disability"].Widened {
		t.Error("a retried draw forgot that the stratum was widened")
	}
}

func TestSelectionSharesATotalQuota(t *testing.T) {
	w := newWorld(t)
	id := w.newCycle(t, "total", nil, func(in *cycleflow.CreateCycleInput) { in.TotalQuota = 4 })
	sel := w.selectCases(t, id, 5)
	want := selection.Allocate(4, map[string]int{"race": 6, "disability": 1})
	for strand, q := range want {
		if got := strataByStrand(sel)[strand].Quota; q > 0 && got != q {
			t.Errorf("%s quota %d, want %d", strand, got, q)
		}
	}
	if n := len(byRole(sel.Cases)["selected"]); n != 4 {
		t.Errorf("%d cases selected for a total of 4", n)
	}
}

func TestCarryForward(t *testing.T) {
	w := newWorld(t)
	first := w.newCycle(t, "first", map[string]int{"race": 1}, nil)
	sel := w.selectCases(t, first, 1)
	var carried []cycle.CycleCase
	for _, c := range sel.Cases {
		if c.Role == "carried_forward" {
			carried = append(carried, c)
		}
	}
	if len(carried) != 1 || carried[0].Reference != "RACE-5" || carried[0].Status != "proposed" || carried[0].Stratum != "race" {
		t.Fatalf("carried forward %+v, want RACE-5 proposed in race", carried)
	}

	// Once a later cycle has taken the case up, it is not carried again.
	w.exec(t, `UPDATE cycles SET stage = 'closed' WHERE id = $1`, first)
	second := w.newCycle(t, "second", map[string]int{"race": 1}, func(in *cycleflow.CreateCycleInput) {
		in.WindowStart, in.WindowEnd = windowStart.AddDate(0, 3, 0), windowEnd.AddDate(0, 3, 0)
	})
	if got := byRole(w.selectCases(t, second, 1).Cases)["carried_forward"]; len(got) != 0 {
		t.Errorf("carried forward again: %v", got)
	}

	// A cycle that carried it but was cancelled does not count.
	w.exec(t, `UPDATE cycles SET stage = 'cancelled' WHERE id IN ($1, $2)`, first, second)
	third := w.newCycle(t, "third", map[string]int{"race": 1}, func(in *cycleflow.CreateCycleInput) {
		in.WindowStart, in.WindowEnd = windowStart.AddDate(0, 6, 0), windowEnd.AddDate(0, 6, 0)
	})
	if got := byRole(w.selectCases(t, third, 1).Cases)["carried_forward"]; !slices.Equal(got, []string{"RACE-5"}) {
		t.Errorf("after the carrying cycle was cancelled, carried forward %v", got)
	}

	// A case withdrawn from scrutiny altogether never comes back.
	w.exec(t, `UPDATE cycles SET stage = 'cancelled' WHERE id = $1`, third)
	w.exec(t, `UPDATE cases SET withdrawn_at = now() WHERE reference = 'RACE-5'`)
	fourth := w.newCycle(t, "fourth", map[string]int{"race": 1}, func(in *cycleflow.CreateCycleInput) {
		in.WindowStart, in.WindowEnd = windowStart.AddDate(0, 9, 0), windowEnd.AddDate(0, 9, 0)
	})
	if got := byRole(w.selectCases(t, fourth, 1).Cases)["carried_forward"]; len(got) != 0 {
		t.Errorf("a withdrawn case was carried forward: %v", got)
	}
}

func TestReplaceCase(t *testing.T) {
	w := newWorld(t)
	id := w.newCycle(t, "replace", map[string]int{"race": 3}, nil)
	sel := w.selectCases(t, id, 5)
	var selected []cycle.CycleCase
	var reserve cycle.CycleCase
	for _, c := range sel.Cases {
		switch c.Role {
		case "selected":
			selected = append(selected, c)
		case "reserve":
			reserve = c
		}
	}
	replace := func(in cycleflow.ReplaceInput) cycleflow.Replacement {
		t.Helper()
		in.CycleID = id
		rep, err := flowtest.Run[cycleflow.Replacement](t, w.acts, w.acts.ReplaceCase, in)
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}

	// The first withdrawal promotes the reserve, which keeps its role.
	rep := replace(cycleflow.ReplaceInput{CaseID: selected[0].CaseID, Reason: "appeal lodged", By: "cath"})
	if r := rep.Replacement; r == nil || r.CaseID != reserve.CaseID || r.Status != "proposed" || r.Role != "reserve" || r.Reference != reserve.Reference {
		t.Fatalf("first withdrawal: %+v (reserve %+v)", rep.Replacement, reserve)
	}
	if retry := replace(cycleflow.ReplaceInput{CaseID: selected[0].CaseID, Reason: "appeal lodged"}); retry.Replacement == nil || retry.Replacement.CaseID != reserve.CaseID {
		t.Errorf("a retried withdrawal did something else: %+v", retry.Replacement)
	}
	var reason string
	var replacedBy int64
	w.sql.QueryRow(context.Background(), `SELECT withdrawn_reason, replaced_by FROM cycle_cases WHERE cycle_id = $1 AND case_id = $2`, id, selected[0].CaseID).Scan(&reason, &replacedBy)
	if reason != "appeal lodged" || replacedBy != reserve.CaseID {
		t.Errorf("withdrawal recorded as %q replaced by %d", reason, replacedBy)
	}

	// With no reserve left the place stays empty.
	if none := replace(cycleflow.ReplaceInput{CaseID: selected[1].CaseID, Reason: "victim identifiable"}); none.Replacement != nil {
		t.Errorf("with no reserve left: %+v", none.Replacement)
	}

	// A fresh draw takes a case from the rest of the recorded eligible set,
	// reproducibly from the seed and the attempt.
	var candidates []int64
	for _, ref := range w.eligibleRefs(t, id, "race") {
		if !slices.ContainsFunc(sel.Cases, func(c cycle.CycleCase) bool { return c.Reference == ref }) {
			candidates = append(candidates, w.cases[ref])
		}
	}
	wantID, _ := selection.Redraw(5, "race", 1, candidates)
	redraw := replace(cycleflow.ReplaceInput{CaseID: selected[2].CaseID, Reason: "co-defendant trial", Redraw: true, Seed: 5, Attempt: 1})
	if r := redraw.Replacement; r == nil || r.CaseID != wantID || r.Role != "selected" || r.Status != "proposed" {
		t.Fatalf("redraw gave %+v, want case %d selected and proposed", redraw.Replacement, wantID)
	}
	last := replace(cycleflow.ReplaceInput{CaseID: wantID, Reason: "appeal lodged", Redraw: true, Seed: 5, Attempt: 2})
	if last.Replacement == nil || last.Replacement.CaseID == wantID || !slices.Contains(candidates, last.Replacement.CaseID) {
		t.Errorf("second redraw gave %+v from %v", last.Replacement, candidates)
	}
	if exhausted := replace(cycleflow.ReplaceInput{CaseID: last.Replacement.CaseID, Reason: "appeal lodged", Redraw: true, Seed: 5, Attempt: 3}); exhausted.Replacement != nil {
		t.Errorf("every eligible case is used, yet a redraw found %+v", exhausted.Replacement)
	}

	_, err := flowtest.Run[cycleflow.Replacement](t, w.acts, w.acts.ReplaceCase, cycleflow.ReplaceInput{CycleID: id, CaseID: w.cases["OUTSIDE"], Reason: "x"})
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || !appErr.NonRetryable() {
		t.Errorf("withdrawing a case not in the cycle: %v", err)
	}
	// The audit log says a case was withdrawn, never why.
	if n := w.count(t, `SELECT count(*) FROM audit_log WHERE action = 'case_withdrawn' AND detail::text LIKE '%appeal%'`); n != 0 {
		t.Error("a withdrawal reason reached the audit log")
	}
}

func TestApproveSelection(t *testing.T) {
	w := newWorld(t)
	id := w.newCycle(t, "approve", map[string]int{"race": 2}, nil)
	sel := w.selectCases(t, id, 8)
	approved, err := flowtest.Run[[]cycle.CycleCase](t, w.acts, w.acts.ApproveSelection, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(approved) != len(sel.Cases) {
		t.Fatalf("approval returned %d cases of %d", len(approved), len(sel.Cases))
	}
	for _, c := range approved {
		want := map[string]string{"selected": "approved", "carried_forward": "approved", "reserve": "unused_reserve"}[c.Role]
		if c.Status != want {
			t.Errorf("%s (%s) is %q after approval, want %q", c.Reference, c.Role, c.Status, want)
		}
	}
	flowtest.Run[[]cycle.CycleCase](t, w.acts, w.acts.ApproveSelection, id)
	if n := w.count(t, `SELECT count(*) FROM audit_log WHERE action = 'selection_approved'`); n != 1 {
		t.Errorf("%d approvals audited, want 1", n)
	}
}
