package server_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"go.temporal.io/sdk/client"

	"github.com/lsip/scrutiny/server"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
)

func TestGovernanceReport(t *testing.T) {
	st := testenv.DB(t)
	db := testenv.SQL(t, st)
	ctx := context.Background()
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := db.Exec(ctx, sql, args...); err != nil {
			t.Fatal(err)
		}
	}
	var panel, cycle, c1, c2 int64
	var area int16
	db.QueryRow(ctx, `INSERT INTO panels (area_id, name, covers) SELECT id, 'Wales LSIP', 'both' FROM areas WHERE code = 'wales' RETURNING id, area_id`).Scan(&panel, &area)
	db.QueryRow(ctx, `INSERT INTO cycles (panel_id, workflow_id, window_start, window_end, quotas, started_by, coordinator_name, coordinator_email, stage)
		VALUES ($1, 'c', '2026-01-01', '2026-03-31', '{}', 't', 'C', 'c@example.org', 'closed') RETURNING id`, panel).Scan(&cycle)
	exec(`INSERT INTO meetings (cycle_id, starts_at, ends_at, ics_uid) VALUES ($1, '2026-05-10 17:00Z', '2026-05-10 19:00Z', 'u')`, cycle)
	db.QueryRow(ctx, `INSERT INTO cases (area_id, reference, category, principal_offence, finalised_on, outcome, summary) VALUES ($1, 'R-1', 'hate_crime', 'x', '2026-02-01', 'conviction_plea', 's') RETURNING id`, area).Scan(&c1)
	db.QueryRow(ctx, `INSERT INTO cases (area_id, reference, category, principal_offence, finalised_on, outcome, summary) VALUES ($1, 'R-2', 'vawg', 'x', '2026-02-01', 'acquittal', 's') RETURNING id`, area).Scan(&c2)
	exec(`INSERT INTO case_strands VALUES ($1, 'race'), ($2, 'domestic_abuse')`, c1, c2)
	exec(`INSERT INTO cycle_cases (cycle_id, case_id, stratum, draw_position, role, status) VALUES ($1, $2, 'race', 0, 'selected', 'approved'), ($1, $3, 'domestic_abuse', 0, 'selected', 'approved')`, cycle, c1, c2)
	exec(`INSERT INTO findings (cycle_id, case_id, category, recorded_by) VALUES ($1, $2, 'concerns', 'chair'), ($1, $3, 'handled_well', 'chair')`, cycle, c1, c2)
	exec(`INSERT INTO learning_points (cycle_id, text, tag) VALUES ($1, 'Flag hostility at charge', 'prosecution')`, cycle)
	for _, days := range []int{10, 20, 40} {
		exec(`INSERT INTO actions (panel_id, area_id, cycle_id, description, owner_name, owner_email, manager_name, manager_email, due_on, status, created_at, closed_at)
			VALUES ($1, $2, $3, 'a', 'o', 'o@example.org', 'm', 'm@example.org', '2026-06-01', 'completed', '2026-05-11', '2026-05-11'::timestamptz + $4 * interval '1 day')`, panel, area, cycle, days)
	}
	exec(`INSERT INTO actions (panel_id, area_id, description, owner_name, owner_email, manager_name, manager_email, due_on, created_at)
		VALUES ($1, $2, 'late', 'o', 'o@example.org', 'm', 'm@example.org', current_date - 5, '2026-05-11')`, panel, area)

	fig, err := st.GovernanceFigures(ctx, mustDate("2026-04-01"), mustDate("2026-09-30"), &area, "Wales")
	if err != nil {
		t.Fatal(err)
	}
	if fig.Cycles != 1 || fig.CasesByStrand["race"]["conviction_plea"] != 1 || fig.Findings["concerns"] != 1 ||
		fig.ActionsRaised != 4 || fig.ActionsClosed != 3 || fig.ActionsOpen != 1 || fig.ActionsOverdue != 1 ||
		fig.MedianDaysToClose == nil || *fig.MedianDaysToClose != 20 || len(fig.LearningByTag["prosecution"]) != 1 {
		t.Errorf("figures %+v (median %v)", fig, fig.MedianDaysToClose)
	}

	admin, _ := st.CreateUser(ctx, store.User{Name: "Admin", Email: "a@example.org", Role: "admin"})
	token, _ := st.IssueToken(ctx, admin, "t")
	lazy, _ := client.NewLazyClient(client.Options{HostPort: "127.0.0.1:1"})
	srv := httptest.NewServer(server.New(server.Deps{Store: st, Temporal: lazy}).Handler())
	defer srv.Close()
	req, _ := http.NewRequest("GET", srv.URL+"/api/v1/reports/governance?from=2026-04-01&to=2026-09-30", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("report: %v %v", resp.Status, err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	wb, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	sheets := wb.GetSheetList()
	if len(sheets) != 15 || sheets[0] != "National" {
		t.Fatalf("sheets %v", sheets)
	}
	rows, _ := wb.GetRows("Wales")
	var text strings.Builder
	for _, r := range rows {
		text.WriteString(strings.Join(r, "|") + "\n")
	}
	for _, want := range []string{"Cycles run|1", "Median time to close|20.0 days", "Flag hostility at charge", "Concerns identified|1"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("the Wales sheet lacks %q:\n%s", want, text.String())
		}
	}
	bad, _ := http.NewRequest("GET", srv.URL+"/api/v1/reports/governance?from=soon", nil)
	bad.Header.Set("Authorization", "Bearer "+token)
	resp, _ = http.DefaultClient.Do(bad)
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("bad period: %d", resp.StatusCode)
	}
}

func mustDate(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}
