package cycleflow_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lsip/scrutiny/testenv/flowtest"

	"github.com/jackc/pgx/v5"
	"github.com/xuri/excelize/v2"
	"go.temporal.io/sdk/temporal"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/cycle/cycleflow"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/links"
	"github.com/lsip/scrutiny/selection"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
)

var (
	windowStart = time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	windowEnd   = time.Date(2026, 9, 30, 0, 0, 0, 0, time.UTC)
	// meetingAt is 18:00 in the UK, on GMT.
	meetingAt = time.Date(2027, 1, 12, 18, 0, 0, 0, time.UTC)
)

// world is a Wales panel reviewing race and disability, with cases that
// each break one eligibility rule, eligible ones, and an earlier closed
// cycle of the panel.
type world struct {
	st      *store.Store
	acts    *cycleflow.Activities
	panelID int64
	prevID  int64 // the panel's earlier, closed cycle
	cases   map[string]int64
}

func newWorld(t *testing.T) *world {
	t.Helper()
	st := testenv.DB(t)
	signer, err := links.NewSigner([]byte(strings.Repeat("s", 32)))
	if err != nil {
		t.Fatal(err)
	}
	w := &world{st: st, acts: &cycleflow.Activities{Store: st, Links: signer, PublicURL: "https://lsip.example"}, cases: map[string]int64{}}
	w.panelID = w.panel(t, "Wales LSIP", "race", "disability")
	in := windowStart.AddDate(0, 1, 0)
	mk := func(ref, area, strand string, finalised time.Time, edit func(*domain.CaseRecord)) domain.CaseRecord {
		r := domain.CaseRecord{AreaCode: area, Reference: ref, URN: "URN-" + ref, Category: domain.HateCrime, Strands: []string{strand},
			PrincipalOffence: "Harassment", FinalisedOn: finalised, Outcome: domain.ConvictionPlea, Summary: "Summary of " + ref}
		if edit != nil {
			edit(&r)
		}
		return r
	}
	recs := []domain.CaseRecord{
		mk("RACE-1", "wales", "race", in, nil), mk("RACE-2", "wales", "race", in, nil), mk("RACE-3", "wales", "race", in, nil),
		mk("RACE-4", "wales", "race", in, nil),
		mk("RACE-5", "wales", "race", in, nil),      // the earlier cycle could not agree on it
		mk("REVIEWED", "wales", "race", in, nil),    // the earlier cycle reviewed it
		mk("FOUND", "wales", "race", in, nil),       // the panel recorded a finding on it
		mk("CANCELLED", "wales", "race", in, nil),   // drawn only by a cycle that was cancelled
		mk("OTHER-PANEL", "wales", "race", in, nil), // reviewed by another panel, not this one
		mk("OTHER-AREA", "north-east", "race", in, nil),
		mk("OUTSIDE", "wales", "race", windowStart.AddDate(0, -1, 0), nil),
		mk("RELIGION", "wales", "religion", in, nil), // a strand the panel does not cover
		mk("APPEAL", "wales", "race", in, func(r *domain.CaseRecord) { r.AppealPending = true }),
		mk("VRR", "wales", "race", in, func(r *domain.CaseRecord) { r.VRRPending = true }),
		mk("CODEF", "wales", "race", in, func(r *domain.CaseRecord) { r.CodefendantOutstanding = true }),
		mk("WITHDRAWN", "wales", "race", in, nil),
		mk("DIS-1", "wales", "disability", in, func(r *domain.CaseRecord) { r.PrincipalOffence = "Assault by beating"; r.Outcome = domain.Acquittal }),
		mk("DIS-OLD", "wales", "disability", windowStart.AddDate(0, -2, 0), nil),
	}
	ctx := context.Background()
	if err := st.RawTx(ctx, func(tx pgx.Tx) error { _, _, err := store.UpsertCases(ctx, tx, recs); return err }); err != nil {
		t.Fatal(err)
	}
	rows, _ := st.Pool.Query(ctx, `SELECT reference, id FROM cases`)
	for rows.Next() {
		var ref string
		var id int64
		rows.Scan(&ref, &id)
		w.cases[ref] = id
	}
	rows.Close()
	w.exec(t, `UPDATE cases SET withdrawn_at = now() WHERE reference = 'WITHDRAWN'`)

	w.prevID = w.insertCycle(t, w.panelID, "previous", "closed")
	w.exec(t, `INSERT INTO cycle_cases (cycle_id, case_id, stratum, draw_position, role, status)
		VALUES ($1, $2, 'race', 0, 'selected', 'approved'), ($1, $3, 'race', 1, 'selected', 'approved')`, w.prevID, w.cases["REVIEWED"], w.cases["RACE-5"])
	w.exec(t, `INSERT INTO findings (cycle_id, case_id, category, carried_forward, recorded_by)
		VALUES ($1, $2, 'not_agreed', true, 'chair'), ($1, $3, 'concerns', false, 'chair')`, w.prevID, w.cases["RACE-5"], w.cases["FOUND"])
	cancelled := w.insertCycle(t, w.panelID, "cancelled", "cancelled")
	w.exec(t, `INSERT INTO cycle_cases (cycle_id, case_id, stratum, draw_position, role, status) VALUES ($1, $2, 'race', 0, 'selected', 'approved')`,
		cancelled, w.cases["CANCELLED"])
	other := w.insertCycle(t, w.panel(t, "Cardiff LSIP", "race"), "other-panel", "closed")
	w.exec(t, `INSERT INTO cycle_cases (cycle_id, case_id, stratum, draw_position, role, status) VALUES ($1, $2, 'race', 0, 'selected', 'approved')`,
		other, w.cases["OTHER-PANEL"])
	return w
}

func (w *world) exec(t *testing.T, sql string, args ...any) {
	t.Helper()
	if _, err := w.st.Pool.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// panel adds a Wales panel covering strands.
func (w *world) panel(t *testing.T, name string, strands ...string) int64 {
	t.Helper()
	var id int64
	if err := w.st.Pool.QueryRow(context.Background(), `INSERT INTO panels (area_id, name, covers) SELECT id, $1, 'hate_crime' FROM areas WHERE code = 'wales' RETURNING id`,
		name).Scan(&id); err != nil {
		t.Fatal(err)
	}
	for _, s := range strands {
		w.exec(t, `INSERT INTO panel_strands (panel_id, strand) VALUES ($1, $2)`, id, s)
	}
	return id
}

// insertCycle adds an earlier cycle directly, for the history a draw reads.
func (w *world) insertCycle(t *testing.T, panelID int64, workflowID, stage string) int64 {
	t.Helper()
	var id int64
	if err := w.st.Pool.QueryRow(context.Background(), `INSERT INTO cycles (panel_id, workflow_id, window_start, window_end, quotas, started_by, coordinator_name, coordinator_email, stage)
		VALUES ($1, $2, '2026-01-01', '2026-03-31', '{}', 't', 'Cath', 'cath@example.org', $3) RETURNING id`, panelID, workflowID, stage).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// member adds a member to the panel; signed says whether they have signed
// the confidentiality agreement.
func (w *world) member(t *testing.T, name, role string, signed bool) int64 {
	t.Helper()
	var signedOn *time.Time
	if signed {
		d := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
		signedOn = &d
	}
	var id int64
	if err := w.st.Pool.QueryRow(context.Background(), `INSERT INTO members (panel_id, name, email, role, confidentiality_signed_on) VALUES ($1, $2, lower($2) || '@example.org', $3, $4) RETURNING id`,
		w.panelID, name, role, signedOn).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// schedule is the cycle's dates for a meeting at meetingAt.
func schedule() cycle.Schedule {
	return cycle.Schedule{ConflictCheck: meetingAt.AddDate(0, 0, -21), PacksRelease: meetingAt.AddDate(0, 0, -14),
		ReviewsDue: meetingAt.AddDate(0, 0, -1), Meeting: meetingAt, AccessRevoked: meetingAt.AddDate(0, 0, 1)}
}

// newCycle starts a cycle of the panel for the default window, one reserve
// per stratum; edit changes the request.
func (w *world) newCycle(t *testing.T, workflowID string, quotas map[string]int, edit func(*cycleflow.CreateCycleInput)) int64 {
	t.Helper()
	in := cycleflow.CreateCycleInput{WorkflowID: workflowID, PanelID: w.panelID, WindowStart: windowStart, WindowEnd: windowEnd,
		Quotas: quotas, ReservesPerStratum: 1, StartedBy: "cath", CoordinatorName: "Cath Coordinator", CoordinatorEmail: "cath@example.org",
		Schedule: schedule()}
	if edit != nil {
		edit(&in)
	}
	id, err := flowtest.Run[int64](t, w.acts, w.acts.CreateCycle, in)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func (w *world) selectCases(t *testing.T, cycleID, seed int64) cycleflow.Selection {
	t.Helper()
	sel, err := flowtest.Run[cycleflow.Selection](t, w.acts, w.acts.SelectCases, cycleflow.SelectInput{CycleID: cycleID, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	return sel
}

// eligibleRefs is the recorded eligible set of a stratum, by reference.
func (w *world) eligibleRefs(t *testing.T, cycleID int64, stratum string) []string {
	t.Helper()
	rows, _ := w.st.Pool.Query(context.Background(), `SELECT c.reference FROM cycle_eligible e JOIN cases c ON c.id = e.case_id
		WHERE e.cycle_id = $1 AND e.stratum = $2 ORDER BY c.reference`, cycleID, stratum)
	refs, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return refs
}

func (w *world) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := w.st.Pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

func byRole(cases []cycle.CycleCase) map[string][]string {
	out := map[string][]string{}
	for _, c := range cases {
		out[c.Role] = append(out[c.Role], c.Reference)
	}
	return out
}

func strataByStrand(sel cycleflow.Selection) map[string]cycle.StratumSummary {
	out := map[string]cycle.StratumSummary{}
	for _, s := range sel.Strata {
		out[s.Strand] = s
	}
	return out
}

func TestCreateCycleFindsItsRowAndRefusesAnUnknownPanel(t *testing.T) {
	w := newWorld(t)
	first := w.newCycle(t, "cycle-a", map[string]int{"race": 2}, nil)
	again := w.newCycle(t, "cycle-a", map[string]int{"race": 2}, nil)
	if again != first {
		t.Errorf("a repeated start made cycle %d after %d", again, first)
	}
	if n := w.count(t, `SELECT count(*) FROM audit_log WHERE action = 'cycle_started'`); n != 1 {
		t.Errorf("%d cycle_started audit rows, want 1", n)
	}
	var stage string
	w.st.Pool.QueryRow(context.Background(), `SELECT stage FROM cycles WHERE id = $1`, first).Scan(&stage)
	if stage != "selecting" {
		t.Errorf("a new cycle is in stage %q", stage)
	}

	_, err := flowtest.Run[int64](t, w.acts, w.acts.CreateCycle, cycleflow.CreateCycleInput{WorkflowID: "cycle-b", PanelID: 999999,
		WindowStart: windowStart, WindowEnd: windowEnd, StartedBy: "cath", CoordinatorName: "Cath", CoordinatorEmail: "cath@example.org"})
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || !appErr.NonRetryable() || !strings.Contains(err.Error(), "panel 999999 does not exist") {
		t.Errorf("unknown panel: %v", err)
	}
}

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
	w.st.Pool.QueryRow(ctx, `SELECT seed, reserves_per_stratum FROM cycles WHERE id = $1`, id).Scan(&seed, &reserves)
	rows, _ := w.st.Pool.Query(ctx, `SELECT s.stratum, s.quota, array_agg(e.case_id) FROM cycle_strata s
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
	w.st.Pool.QueryRow(context.Background(), `SELECT widened_from FROM cycle_strata WHERE cycle_id = $1 AND stratum = 'disability'`, id).Scan(&from)
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
	w.st.Pool.QueryRow(context.Background(), `SELECT withdrawn_reason, replaced_by FROM cycle_cases WHERE cycle_id = $1 AND case_id = $2`, id, selected[0].CaseID).Scan(&reason, &replacedBy)
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

// workbookText is every cell of every sheet, a row per line, each sheet
// headed "# name".
func workbookText(t *testing.T, data []byte) string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b strings.Builder
	for _, s := range f.GetSheetList() {
		b.WriteString("# " + s + "\n")
		rows, _ := f.GetRows(s)
		for _, r := range rows {
			b.WriteString(strings.Join(r, "|") + "\n")
		}
	}
	return b.String()
}
