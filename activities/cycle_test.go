package activities_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/xuri/excelize/v2"

	"github.com/lsip/scrutiny/activities"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/links"
	"github.com/lsip/scrutiny/selection"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
)

var (
	windowStart = time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	windowEnd   = time.Date(2026, 9, 30, 0, 0, 0, 0, time.UTC)
)

type world struct {
	st      *store.Store
	acts    *activities.Activities
	panelID int64
	cases   map[string]int64 // reference -> id
}

// newWorld makes a Wales panel reviewing race and disability, with cases
// that each break one eligibility rule, and eligible ones.
func newWorld(t *testing.T) *world {
	t.Helper()
	st := testenv.DB(t)
	signer, _ := links.NewSigner([]byte(strings.Repeat("s", 32)))
	w := &world{st: st, acts: &activities.Activities{Store: st, Links: signer, PublicURL: "http://x"}, cases: map[string]int64{}}
	ctx := context.Background()
	if err := st.Pool.QueryRow(ctx, `INSERT INTO panels (area_id, name, covers) SELECT id, 'Wales LSIP', 'hate_crime' FROM areas WHERE code = 'wales' RETURNING id`).Scan(&w.panelID); err != nil {
		t.Fatal(err)
	}
	st.Pool.Exec(ctx, `INSERT INTO panel_strands (panel_id, strand) VALUES ($1, 'race'), ($1, 'disability')`, w.panelID)
	in := windowStart.AddDate(0, 1, 0)
	mk := func(ref, area, strand string, finalised time.Time, edit func(*store.CaseRecord)) store.CaseRecord {
		r := store.CaseRecord{AreaCode: area, Reference: ref, URN: "URN-" + ref, Category: domain.HateCrime, Strands: []string{strand},
			PrincipalOffence: "Harassment", FinalisedOn: finalised, Outcome: domain.ConvictionPlea, Summary: "Summary " + ref}
		if edit != nil {
			edit(&r)
		}
		return r
	}
	recs := []store.CaseRecord{
		mk("RACE-1", "wales", "race", in, nil), mk("RACE-2", "wales", "race", in, nil), mk("RACE-3", "wales", "race", in, nil),
		mk("RACE-4", "wales", "race", in, nil), mk("RACE-5", "wales", "race", in, nil),
		mk("DIS-1", "wales", "disability", in, nil),
		mk("DIS-OLD", "wales", "disability", windowStart.AddDate(0, -2, 0), nil),
		mk("OTHER-AREA", "north-east", "race", in, nil),
		mk("OUTSIDE", "wales", "race", windowStart.AddDate(0, -1, 0), nil),
		mk("RELIGION", "wales", "religion", in, nil),
		mk("APPEAL", "wales", "race", in, func(r *store.CaseRecord) { r.AppealPending = true }),
		mk("VRR", "wales", "race", in, func(r *store.CaseRecord) { r.VRRPending = true }),
		mk("CODEF", "wales", "race", in, func(r *store.CaseRecord) { r.CodefendantOutstanding = true }),
		mk("WITHDRAWN", "wales", "race", in, nil),
		mk("REVIEWED", "wales", "race", in, nil),
	}
	err := st.InTx(ctx, func(tx pgx.Tx) error { _, _, err := store.UpsertCases(ctx, tx, recs); return err })
	if err != nil {
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
	st.Pool.Exec(ctx, `UPDATE cases SET withdrawn_at = now() WHERE reference = 'WITHDRAWN'`)
	// An earlier, closed cycle reviewed REVIEWED and could not agree on RACE-5.
	var prev int64
	st.Pool.QueryRow(ctx, `INSERT INTO cycles (panel_id, workflow_id, window_start, window_end, quotas, started_by, coordinator_name, coordinator_email, stage)
		VALUES ($1, 'previous', '2026-01-01', '2026-03-31', '{}', 't', 'Cath', 'cath@example.org', 'closed') RETURNING id`, w.panelID).Scan(&prev)
	st.Pool.Exec(ctx, `INSERT INTO cycle_cases (cycle_id, case_id, stratum, draw_position, role, status) VALUES ($1, $2, 'race', 0, 'selected', 'approved'), ($1, $3, 'race', 1, 'selected', 'approved')`,
		prev, w.cases["REVIEWED"], w.cases["RACE-5"])
	st.Pool.Exec(ctx, `INSERT INTO findings (cycle_id, case_id, category, carried_forward, recorded_by) VALUES ($1, $2, 'not_agreed', true, 'chair')`, prev, w.cases["RACE-5"])
	return w
}

func (w *world) cycle(t *testing.T, quotas map[string]int, widen int) int64 {
	t.Helper()
	id, err := run[int64](t, w.acts, w.acts.CreateCycle, activities.CreateCycleInput{WorkflowID: fmt.Sprintf("cycle-%d-%d", len(quotas), widen), PanelID: w.panelID,
		WindowStart: windowStart, WindowEnd: windowEnd, Quotas: quotas, ReservesPerStratum: 1, WidenMonths: widen,
		StartedBy: "t", CoordinatorName: "Cath", CoordinatorEmail: "cath@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestSelectionAppliesEveryEligibilityRule(t *testing.T) {
	w := newWorld(t)
	id := w.cycle(t, map[string]int{"race": 3, "disability": 2}, 0)
	sel, err := run[activities.Selection](t, w.acts, w.acts.SelectCases, activities.SelectInput{CycleID: id, Seed: 77})
	if err != nil {
		t.Fatal(err)
	}
	var refs []string
	byRole := map[string][]string{}
	for _, c := range sel.Cases {
		refs = append(refs, c.Reference)
		byRole[c.Role] = append(byRole[c.Role], c.Reference)
	}
	for _, bad := range []string{"OTHER-AREA", "OUTSIDE", "RELIGION", "APPEAL", "VRR", "CODEF", "WITHDRAWN", "REVIEWED", "DIS-OLD"} {
		if slices.Contains(refs, bad) {
			t.Errorf("ineligible case %s was drawn", bad)
		}
	}
	if !slices.Equal(byRole["carried_forward"], []string{"RACE-5"}) {
		t.Errorf("carried forward %v, want the could-not-agree case RACE-5", byRole["carried_forward"])
	}
	if len(byRole["selected"]) != 4 || len(byRole["reserve"]) != 1 { // race 3 + disability 1; one race reserve
		t.Errorf("selected %v, reserves %v", byRole["selected"], byRole["reserve"])
	}
	strata := map[string]activities.StratumSummary{}
	for _, s := range sel.Strata {
		strata[s.Strand] = s
	}
	if strata["race"].Eligible != 4 || strata["disability"].Shortfall != 1 || strata["disability"].Widened {
		t.Errorf("strata %+v", strata)
	}

	// Anyone can repeat the draw from the recorded seed and eligible set.
	ctx := context.Background()
	var seed int64
	w.st.Pool.QueryRow(ctx, `SELECT seed FROM cycles WHERE id = $1`, id).Scan(&seed)
	var strataIn []selection.Stratum
	for _, s := range []string{"disability", "race"} {
		rows, _ := w.st.Pool.Query(ctx, `SELECT case_id FROM cycle_eligible WHERE cycle_id = $1 AND stratum = $2`, id, s)
		ids, _ := pgx.CollectRows(rows, pgx.RowTo[int64])
		strataIn = append(strataIn, selection.Stratum{Strand: s, Quota: strata[s].Quota, Eligible: ids})
	}
	var redrawn []int64
	for _, r := range selection.Draw(seed, strataIn, 1) {
		redrawn = append(redrawn, append(r.Selected, r.Reserves...)...)
	}
	var drawn []int64
	for _, c := range sel.Cases {
		if c.Role != "carried_forward" {
			drawn = append(drawn, c.CaseID)
		}
	}
	slices.Sort(redrawn)
	slices.Sort(drawn)
	if !slices.Equal(redrawn, drawn) {
		t.Errorf("re-running the draw gave %v, the cycle drew %v", redrawn, drawn)
	}

	again, _ := run[activities.Selection](t, w.acts, w.acts.SelectCases, activities.SelectInput{CycleID: id, Seed: 99})
	if len(again.Cases) != len(sel.Cases) {
		t.Errorf("a retried draw changed the selection: %d then %d cases", len(sel.Cases), len(again.Cases))
	}
}

func TestSelectionWidensOnlyWhenAsked(t *testing.T) {
	w := newWorld(t)
	id := w.cycle(t, map[string]int{"disability": 2}, 3)
	sel, err := run[activities.Selection](t, w.acts, w.acts.SelectCases, activities.SelectInput{CycleID: id, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(sel.Strata) != 1 || !sel.Strata[0].Widened || sel.Strata[0].Eligible != 2 || sel.Strata[0].Shortfall != 0 {
		t.Errorf("widened stratum %+v", sel.Strata)
	}
}

func TestReplaceCasePromotesReserveThenRunsShort(t *testing.T) {
	w := newWorld(t)
	id := w.cycle(t, map[string]int{"race": 3}, 0)
	sel, _ := run[activities.Selection](t, w.acts, w.acts.SelectCases, activities.SelectInput{CycleID: id, Seed: 5})
	var selected []activities.CycleCase
	var reserve activities.CycleCase
	for _, c := range sel.Cases {
		switch c.Role {
		case "selected":
			selected = append(selected, c)
		case "reserve":
			reserve = c
		}
	}
	rep, err := run[activities.Replacement](t, w.acts, w.acts.ReplaceCase, activities.ReplaceInput{CycleID: id, CaseID: selected[0].CaseID, Reason: "appeal lodged", By: "coordinator"})
	if err != nil || rep.Replacement == nil || rep.Replacement.CaseID != reserve.CaseID || rep.Replacement.Status != "proposed" {
		t.Fatalf("first withdrawal: %+v, %v (reserve %d)", rep.Replacement, err, reserve.CaseID)
	}
	retry, _ := run[activities.Replacement](t, w.acts, w.acts.ReplaceCase, activities.ReplaceInput{CycleID: id, CaseID: selected[0].CaseID, Reason: "appeal lodged"})
	if retry.Replacement == nil || retry.Replacement.CaseID != reserve.CaseID {
		t.Errorf("a retried withdrawal did something else: %+v", retry.Replacement)
	}
	none, err := run[activities.Replacement](t, w.acts, w.acts.ReplaceCase, activities.ReplaceInput{CycleID: id, CaseID: selected[1].CaseID, Reason: "victim identifiable"})
	if err != nil || none.Replacement != nil {
		t.Errorf("with no reserve left: %+v, %v", none.Replacement, err)
	}
	redraw, err := run[activities.Replacement](t, w.acts, w.acts.ReplaceCase, activities.ReplaceInput{CycleID: id, CaseID: selected[2].CaseID, Redraw: true, Seed: 5, Attempt: 1})
	if err != nil {
		t.Fatal(err)
	}
	if redraw.Replacement != nil {
		t.Errorf("every eligible race case is already in the cycle, yet a redraw found %+v", redraw.Replacement)
	}
	var reason string
	w.st.Pool.QueryRow(context.Background(), `SELECT withdrawn_reason FROM cycle_cases WHERE cycle_id = $1 AND case_id = $2`, id, selected[0].CaseID).Scan(&reason)
	if reason != "appeal lodged" {
		t.Errorf("withdrawal reason %q not kept internally", reason)
	}
}

// TestMattersArisingInPackAndMinutes: the panel's open actions from earlier
// cycles, with their responses, reach the next pack's cover and minutes.
func TestMattersArisingInPackAndMinutes(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	var prev int64
	w.st.Pool.QueryRow(ctx, `SELECT id FROM cycles WHERE workflow_id = 'previous'`).Scan(&prev)
	w.st.Pool.Exec(ctx, `INSERT INTO actions (cycle_id, panel_id, area_id, description, owner_name, owner_email, manager_name, manager_email, due_on, status, response, response_rationale)
		SELECT $1, id, area_id, 'Brief lawyers on s.66 uplift', 'Area lead', 'lead@example.org', 'DCCP', 'dccp@example.org', current_date + 30, 'in_progress',
			'accepted', 'Briefing booked for all teams' FROM panels WHERE id = $2`, prev, w.panelID)
	id := w.cycle(t, map[string]int{"race": 2}, 0)
	run[activities.Selection](t, w.acts, w.acts.SelectCases, activities.SelectInput{CycleID: id, Seed: 3})
	run[[]activities.CycleCase](t, w.acts, w.acts.ApproveSelection, id)
	start := time.Now().Add(30 * 24 * time.Hour)
	run[activities.SavedMeeting](t, w.acts, w.acts.SaveMeeting, id, activities.Meeting{Start: start, End: start.Add(time.Hour), Location: "Cardiff"})
	var member int64
	w.st.Pool.QueryRow(ctx, `INSERT INTO members (panel_id, name, email, role, confidentiality_signed_on) VALUES ($1, 'Aled', 'aled@example.org', 'member', now()) RETURNING id`, w.panelID).Scan(&member)
	pack, err := run[activities.Pack](t, w.acts, w.acts.PreparePack, activities.PackInput{CycleID: id, MemberID: member, Deadline: start.Add(-24 * time.Hour), Expires: start.Add(24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	again, _ := run[activities.Pack](t, w.acts, w.acts.PreparePack, activities.PackInput{CycleID: id, MemberID: member, Deadline: start.Add(-24 * time.Hour), Expires: start.Add(24 * time.Hour)})
	if again.FileID != pack.FileID || again.Mail.OutboxID != pack.Mail.OutboxID {
		t.Errorf("a retried pack built a second file or email: %+v then %+v", pack, again)
	}
	f, _ := w.st.FileByID(ctx, pack.FileID)
	if text := workbookText(t, f.Content); !strings.Contains(text, "Brief lawyers on s.66 uplift") || !strings.Contains(text, "Briefing booked for all teams") {
		t.Error("the pack's cover lacks the matters arising with their response")
	}
	var body string
	w.st.Pool.QueryRow(ctx, `SELECT body_text FROM outbox WHERE id = $1`, pack.Mail.OutboxID).Scan(&body)
	if strings.Contains(body, "URN-") || strings.Contains(body, "Summary ") {
		t.Error("the pack email carries a URN or a case summary")
	}
	minutesID, err := run[int64](t, w.acts, w.acts.DraftMinutes, id)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := w.st.FileByID(ctx, minutesID)
	if !strings.Contains(workbookText(t, m.Content), "Brief lawyers on s.66 uplift") {
		t.Error("the minutes lack the matters arising")
	}
}

func workbookText(t *testing.T, data []byte) string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b strings.Builder
	for _, s := range f.GetSheetList() {
		rows, _ := f.GetRows(s)
		for _, r := range rows {
			b.WriteString(strings.Join(r, "|") + "\n")
		}
	}
	return b.String()
}
