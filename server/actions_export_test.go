package server_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/lsip/scrutiny/server"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
	"github.com/lsip/scrutiny/testenv/temporalenv"
)

// TestExportFailureIsNeverAWholeWorkbook: the export is streamed, so a
// failure at its end (here the audit record refused by PostgreSQL) comes
// after the status. A small export, still wholly in the zip's buffers,
// is answered with the problem; a large one, already partly sent, ends
// with the connection cut, so the client's read fails rather than end
// cleanly on a truncated workbook.
func TestExportFailureIsNeverAWholeWorkbook(t *testing.T) {
	st := testenv.DB(t)
	db := testenv.SQL(t, st)
	ts := temporalenv.Start(t)
	ctx := context.Background()
	var panel int64
	var area int16
	db.QueryRow(ctx, `INSERT INTO panels (area_id, name, covers) SELECT id, 'Wales LSIP', 'both' FROM areas WHERE code = 'wales' RETURNING id, area_id`).Scan(&panel, &area)
	if _, err := db.Exec(ctx, `CREATE FUNCTION refuse_export() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$;
		CREATE TRIGGER refuse_export BEFORE INSERT ON audit_log FOR EACH ROW WHEN (NEW.action = 'actions_exported') EXECUTE FUNCTION refuse_export()`); err != nil {
		t.Fatal(err)
	}
	managerID, _ := st.CreateUser(ctx, store.User{Name: "Morgan", Email: "m@example.org", Role: "manager", AreaID: &area})
	token, _ := st.IssueToken(ctx, managerID, "t")
	srv := httptest.NewServer(server.New(server.Deps{Store: st, Temporal: ts.Client()}).Handler())
	defer srv.Close()
	export := func() (*http.Response, []byte, error) {
		req, _ := http.NewRequest("GET", srv.URL+"/api/v1/actions/export", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		return resp, body, err
	}
	addActions := func(n int) {
		if _, err := db.Exec(ctx, `INSERT INTO actions (panel_id, area_id, description, owner_name, owner_email, manager_name, manager_email, due_on, status)
			SELECT $1, $2, 'Action ' || g, 'Owner', 'owner@example.org', 'Manager', 'manager@example.org', current_date + g % 90, 'open'
			FROM generate_series(1, $3::int) g`, panel, area, n); err != nil {
			t.Fatal(err)
		}
	}

	addActions(3)
	resp, body, err := export()
	if err != nil || resp.StatusCode != http.StatusInternalServerError || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") ||
		resp.Header.Get("Content-Disposition") != "" {
		t.Errorf("small export refused: %v %d %q %q: %.200s", err, resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"), body)
	}

	addActions(20_000)
	resp, body, err = export()
	if resp.StatusCode != http.StatusOK || err == nil {
		t.Errorf("large export refused midway: %d, read %d bytes and ended with %v, want the read to fail", resp.StatusCode, len(body), err)
	}
}
