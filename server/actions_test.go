package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/server"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
	"github.com/lsip/scrutiny/testenv/temporalenv"
)

// TestManagerBoardAndExport: a manager sees only their Area's actions, the
// filters work, and the export lists exactly the filtered actions with the
// overdue ones highlighted.
func TestManagerBoardAndExport(t *testing.T) {
	st := testenv.DB(t)
	db := testenv.SQL(t, st)
	ts := temporalenv.Start(t)
	ctx := context.Background()
	var walesPanel, nePanel int64
	var walesArea int16
	db.QueryRow(ctx, `INSERT INTO panels (area_id, name, covers) SELECT id, 'Wales LSIP', 'both' FROM areas WHERE code = 'wales' RETURNING id, area_id`).Scan(&walesPanel, &walesArea)
	db.QueryRow(ctx, `INSERT INTO panels (area_id, name, covers) SELECT id, 'North East LSIP', 'both' FROM areas WHERE code = 'north-east' RETURNING id`).Scan(&nePanel)
	add := func(panel int64, desc, status string, dueDays int) {
		if _, err := db.Exec(ctx, `INSERT INTO actions (panel_id, area_id, description, owner_name, owner_email, manager_name, manager_email, due_on, status)
			SELECT id, area_id, $2, 'Owner', 'owner@example.org', 'Manager', 'manager@example.org', current_date + $3::int, $4 FROM panels WHERE id = $1`,
			panel, desc, dueDays, status); err != nil {
			t.Fatal(err)
		}
	}
	add(walesPanel, "Wales overdue one", "open", -10)
	add(walesPanel, "Wales overdue two", "in_progress", -1)
	add(walesPanel, "Wales due soon", "open", 5)
	add(walesPanel, "Wales done", "completed", -30)
	add(nePanel, "North East overdue", "open", -3)

	managerID, _ := st.CreateUser(ctx, store.User{Name: "Morgan", Email: "m@example.org", Role: "manager", AreaID: &walesArea})
	token, _ := st.IssueToken(ctx, managerID, "t")
	srv := httptest.NewServer(server.New(server.Deps{Store: st, Temporal: ts.Client()}).Handler())
	defer srv.Close()
	get := func(path string) (*http.Response, []byte) {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}

	_, body := get("/api/v1/actions")
	var all struct {
		Items  []domain.ActionRow `json:"items"`
		Total  int                `json:"total"`
		Counts map[string]int     `json:"counts"`
	}
	json.Unmarshal(body, &all)
	if all.Total != 4 || all.Counts["open"] != 2 || all.Counts["completed"] != 1 {
		t.Fatalf("manager's board: %s", body)
	}
	for i := 1; i < len(all.Items); i++ {
		if all.Items[i].Due.Before(all.Items[i-1].Due) {
			t.Error("the board is not sorted by due date")
		}
	}
	_, body = get("/api/v1/actions?overdue=true&per_page=1&page=2")
	var page struct {
		Items []domain.ActionRow `json:"items"`
		Total int                `json:"total"`
	}
	json.Unmarshal(body, &page)
	if page.Total != 2 || len(page.Items) != 1 || page.Items[0].Description != "Wales overdue two" {
		t.Errorf("overdue, page 2 of 1: %s", body)
	}
	if resp, body := get("/api/v1/actions?status=lost"); resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), `"field":"status"`) {
		t.Errorf("bad filter: %d %s", resp.StatusCode, body)
	}

	resp, data := get("/api/v1/actions/export?overdue=true")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("export: %d %s", resp.StatusCode, data)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("Actions")
	var listed []string
	for _, r := range rows[1:] {
		listed = append(listed, r[3])
	}
	sort.Strings(listed)
	if strings.Join(listed, "|") != "Wales overdue one|Wales overdue two" {
		t.Errorf("export lists %v", listed)
	}
	style, _ := f.GetCellStyle("Actions", "A2")
	s, _ := f.GetStyle(style)
	if s == nil || len(s.Fill.Color) == 0 {
		t.Error("overdue rows are not highlighted")
	}
	if panes, _ := f.GetPanes("Actions"); !panes.Freeze {
		t.Error("the header row is not frozen")
	}
}
