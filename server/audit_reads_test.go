package server_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"go.temporal.io/sdk/client"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/server"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
)

// TestSensitiveReadsAreAudited: a case search, an action export and the
// governance report each leave an audit entry naming who read and which
// filters they used, never what they searched for.
func TestSensitiveReadsAreAudited(t *testing.T) {
	st := testenv.DB(t)
	ctx := t.Context()
	uid, err := st.CreateUser(ctx, store.User{Name: "Ada Admin", Email: "ada@cps.example", Role: domain.StaffAdmin})
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := st.IssueToken(ctx, uid, "test")
	unreachable, _ := client.NewLazyClient(client.Options{HostPort: "127.0.0.1:1"})
	defer unreachable.Close()
	srv := httptest.NewServer(server.New(server.Deps{Store: st, Temporal: unreachable}).Handler())
	defer srv.Close()
	for _, path := range []string{"/api/v1/cases?q=secret+words&area=wales", "/api/v1/actions/export", "/api/v1/reports/governance?from=2026-01-01&to=2026-06-30"} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", path, resp.StatusCode)
		}
	}
	db := testenv.SQL(t, st)
	for _, action := range []string{"cases_searched", "actions_exported", "report_produced"} {
		var n int
		db.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = $1 AND actor = 'ada@cps.example'`, action).Scan(&n)
		if n != 1 {
			t.Errorf("%d %s entries, want 1", n, action)
		}
	}
	var leaked int
	db.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE detail::text LIKE '%secret words%'`).Scan(&leaked)
	if leaked != 0 {
		t.Error("the search text reached the audit log")
	}
	var filters string
	db.QueryRow(ctx, `SELECT detail->>'filters' FROM audit_log WHERE action = 'cases_searched'`).Scan(&filters)
	if filters != `["area", "q"]` {
		t.Errorf("search filters recorded as %s", filters)
	}
}
