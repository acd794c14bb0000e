package server_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
)

// seedComparison gives Wales (the harness's panel) and London North a
// cycle each, met in May 2026, with cases reviewed and a themed learning
// point, and returns Wales's Area ID.
func seedComparison(e *coordEnv) int16 {
	ctx := context.Background()
	var wales int16
	e.must(e.db.QueryRow(ctx, `SELECT area_id FROM panels WHERE id = $1`, e.panel).Scan(&wales))
	var london int64
	e.must(e.db.QueryRow(ctx, `INSERT INTO panels (area_id, name, covers) SELECT id, 'London North LSIP', 'both' FROM areas WHERE code = 'london-north' RETURNING id`).Scan(&london))
	for i, panel := range []int64{e.panel, london} {
		var cycle int64
		e.must(e.db.QueryRow(ctx, `INSERT INTO cycles (panel_id, workflow_id, window_start, window_end, quotas, started_by, coordinator_name, coordinator_email, stage)
			VALUES ($1, 'c' || $2::text, '2026-01-01', '2026-03-31', '{}', 't', 'C', 'c@example.org', 'closed') RETURNING id`, panel, strconv.Itoa(i)).Scan(&cycle))
		_, err := e.db.Exec(ctx, `INSERT INTO meetings (cycle_id, starts_at, ends_at, ics_uid) VALUES ($1, '2026-05-10 17:00Z', '2026-05-10 19:00Z', md5(random()::text))`, cycle)
		e.must(err)
		_, err = e.db.Exec(ctx, `INSERT INTO learning_points (cycle_id, text, tag, theme) VALUES ($1, 'Point', 'prosecution', 'charging')`, cycle)
		e.must(err)
	}
	return wales
}

// TestComparisonPageScope: a manager sees their own Area beside the
// national figures, never another Area, on the page and in the workbook;
// each read is audited; a period that is not dates is named.
func TestComparisonPageScope(t *testing.T) {
	e := startCoordEnv(t, false)
	wales := seedComparison(e)
	manager := e.staff(store.User{Name: "Mair Manager", Email: "mair@example.org", Role: domain.StaffManager, AreaID: &wales})

	status, _, page := manager.get("/reports/comparison?from=2026-04-01&to=2026-09-30")
	if status != http.StatusOK {
		t.Fatalf("comparison page: %d\n%s", status, page)
	}
	for _, want := range []string{"Learning points by theme: National", "Learning points by theme: Wales", "<svg", "<title id=", "<table class=\"chart-data\">"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(page, "London North") {
		t.Error("a manager sees another Area")
	}
	status, _, body := manager.get("/reports/comparison.xlsx?from=2026-04-01&to=2026-09-30")
	if status != http.StatusOK {
		t.Fatalf("comparison workbook: %d", status)
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("Learning themes")
	var areas []string
	for _, r := range rows[4:] {
		areas = append(areas, r[0])
	}
	if strings.Join(areas, "|") != "National|Wales" {
		t.Errorf("workbook Areas %v", areas)
	}
	var reads int
	e.must(e.db.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action = 'report_produced' AND subject_id = 'comparison' AND actor = 'mair@example.org'`).Scan(&reads))
	if reads != 2 {
		t.Errorf("%d comparison reads audited, want 2", reads)
	}
	if status, _, page := manager.get("/reports/comparison?from=2026-13-01&to=2026-09-30"); status != http.StatusUnprocessableEntity || !strings.Contains(page, "From must be a date") {
		t.Errorf("bad period: %d", status)
	}
	if status, _, _ := manager.get("/admin/themes"); status != http.StatusForbidden {
		t.Errorf("a manager reaches the themes page: %d", status)
	}
}

// TestAdminThemeForm: an admin adds a theme; a bad code and a missing name
// are each named, and a code already on the list is refused readably.
func TestAdminThemeForm(t *testing.T) {
	e := startCoordEnv(t, false)
	admin := e.staff(store.User{Name: "Ada Admin", Email: "ada@example.org", Role: domain.StaffAdmin})
	status, _, page := admin.post("/admin/themes", url.Values{"code": {"Bad Code!"}, "label": {""}}, "/admin/themes")
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, "Code must be 2 to 40 lower-case letters") || !strings.Contains(page, "Enter the theme&#39;s name") {
		t.Errorf("bad theme: %d\n%s", status, page)
	}
	status, loc, _ := admin.post("/admin/themes", url.Values{"code": {"youth_victims"}, "label": {"Youth victims"}}, "/admin/themes")
	if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/admin/themes") {
		t.Fatalf("add theme: %d %s", status, loc)
	}
	if _, _, page := admin.get("/admin/themes"); !strings.Contains(page, "Youth victims") || !strings.Contains(page, "ada@example.org") {
		t.Error("the new theme is not listed")
	}
	status, _, page = admin.post("/admin/themes", url.Values{"code": {"charging"}, "label": {"Charging again"}}, "/admin/themes")
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, "already on the list") {
		t.Errorf("duplicate theme: %d", status)
	}
}

// TestBoardPage: a Board list with an address that is not one is refused,
// naming it; the on-demand report downloads with no figure under 5.
func TestBoardPage(t *testing.T) {
	e := startCoordEnv(t, false)
	seedComparison(e)
	admin := e.staff(store.User{Name: "Ada Admin", Email: "ada@example.org", Role: domain.StaffAdmin})
	status, _, page := admin.post("/admin/board", url.Values{"recipients": {"chair@board.example\nnot an address"}, "day": {"31"}, "month": {"4"}}, "/admin/board")
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, "&#34;not an address&#34; is not an email address") || !strings.Contains(page, "Day of the month must be a number from 1 to 28") {
		t.Errorf("bad settings: %d\n%s", status, page)
	}
	status, _, body := admin.get("/admin/board/report.xlsx?from=2026-04-01&to=2026-09-30")
	if status != http.StatusOK {
		t.Fatalf("board report: %d", status)
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	suppressed := 0
	for _, sheet := range f.GetSheetList() {
		rows, _ := f.GetRows(sheet)
		for _, row := range rows {
			for _, v := range row {
				if n, err := strconv.ParseFloat(v, 64); err == nil && n < 5 {
					t.Errorf("%s holds %v", sheet, v)
				}
				if v == "fewer than 5" {
					suppressed++
				}
			}
		}
	}
	if suppressed == 0 {
		t.Error("nothing shows as fewer than 5")
	}
}
