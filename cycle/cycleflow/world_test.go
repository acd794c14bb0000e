package cycleflow_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/lsip/scrutiny/testenv/flowtest"

	"github.com/jackc/pgx/v5"
	"github.com/xuri/excelize/v2"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/cycle/cycleflow"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/links"
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
	sql     testenv.RawSQL // raw SQL for fixtures and checks
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
	w := &world{st: st, sql: testenv.SQL(t, st), acts: &cycleflow.Activities{Store: st, Links: signer, PublicURL: "https://lsip.example"}, cases: map[string]int64{}}
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
	if err := st.InTx(ctx, func(tx *store.Tx) error { _, _, err := tx.UpsertCases(ctx, recs); return err }); err != nil {
		t.Fatal(err)
	}
	rows, _ := w.sql.Query(ctx, `SELECT reference, id FROM cases`)
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
	if _, err := w.sql.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// panel adds a Wales panel covering strands.
func (w *world) panel(t *testing.T, name string, strands ...string) int64 {
	t.Helper()
	var id int64
	if err := w.sql.QueryRow(context.Background(), `INSERT INTO panels (area_id, name, covers) SELECT id, $1, 'hate_crime' FROM areas WHERE code = 'wales' RETURNING id`,
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
	if err := w.sql.QueryRow(context.Background(), `INSERT INTO cycles (panel_id, workflow_id, window_start, window_end, quotas, started_by, coordinator_name, coordinator_email, stage)
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
	if err := w.sql.QueryRow(context.Background(), `INSERT INTO members (panel_id, name, email, role, confidentiality_signed_on) VALUES ($1, $2, lower($2) || '@example.org', $3, $4) RETURNING id`,
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
	rows, _ := w.sql.Query(context.Background(), `SELECT c.reference FROM cycle_eligible e JOIN cases c ON c.id = e.case_id
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
	if err := w.sql.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
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
