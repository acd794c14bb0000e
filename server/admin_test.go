package server_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/server"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
)

// adminEnv is a running scrutiny for the administration page tests: real
// PostgreSQL; none of these pages talks to Temporal.
type adminEnv struct {
	t   *testing.T
	st  *store.Store
	db  testenv.RawSQL
	url string
}

func startAdminEnv(t *testing.T) *adminEnv {
	t.Helper()
	st := testenv.DB(t)
	unused, err := client.NewLazyClient(client.Options{HostPort: "127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(unused.Close)
	srv := httptest.NewServer(server.New(server.Deps{Store: st, Temporal: unused}).Handler())
	t.Cleanup(srv.Close)
	return &adminEnv{t: t, st: st, db: testenv.SQL(t, st), url: srv.URL}
}

// adminUser is one signed-in member of staff: their session cookie and
// its CSRF token.
type adminUser struct {
	e            *adminEnv
	cookie, csrf string
}

// signedIn makes an account and signs it in with a full session.
func (e *adminEnv) signedIn(u store.User) adminUser {
	e.t.Helper()
	ctx := context.Background()
	id, err := e.st.CreateUser(ctx, u)
	if err == nil {
		err = e.st.SetPassword(ctx, id, "a long enough password")
	}
	var a adminUser
	if err == nil {
		a.cookie, a.csrf, err = e.st.Login(ctx, u.Email, "a long enough password", time.Hour)
	}
	if err != nil {
		e.t.Fatal(err)
	}
	a.e = e
	return a
}

// get fetches a page and returns its status, redirect and body.
func (a adminUser) get(path string) (int, string, string) {
	a.e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, a.e.url+path, nil)
	return a.do(req)
}

// post sends a form with the session's CSRF token.
func (a adminUser) post(path string, form url.Values) (int, string, string) {
	a.e.t.Helper()
	form.Set("csrf", a.csrf)
	req, _ := http.NewRequest(http.MethodPost, a.e.url+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return a.do(req)
}

func (a adminUser) do(req *http.Request) (int, string, string) {
	a.e.t.Helper()
	req.AddCookie(&http.Cookie{Name: "scrutiny_session", Value: a.cookie})
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Do(req)
	if err != nil {
		a.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(body)
}

// adminID is an ID as it appears in paths and the audit log.
func adminID(id int64) string { return strconv.FormatInt(id, 10) }

// count runs a counting query.
func (e *adminEnv) count(sql string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.db.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// wantForm checks that a form was refused with each message beside its
// field and what was typed kept.
func wantForm(t *testing.T, what string, code int, body string, want ...string) {
	t.Helper()
	if code != http.StatusUnprocessableEntity {
		t.Errorf("%s: %d, want 422", what, code)
	}
	if !strings.Contains(body, "There is a problem") {
		t.Errorf("%s: no error summary", what)
	}
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("%s: the page lacks %q\n%s", what, w, body)
		}
	}
}

// TestAdminAreas: an admin sees each Area's managers and senior lead,
// sets the senior lead and the escalation ladder with every mistake
// explained beside its field, and the action workflow's load sees the
// Area's ladder. Only admins reach the pages.
func TestAdminAreas(t *testing.T) {
	e := startAdminEnv(t)
	ctx := context.Background()
	var wales int16
	if err := e.db.QueryRow(ctx, `SELECT id FROM areas WHERE code = 'wales'`).Scan(&wales); err != nil {
		t.Fatal(err)
	}
	admin := e.signedIn(store.User{Name: "Ada Admin", Email: "ada@cps.example", Role: domain.StaffAdmin})
	manager := e.signedIn(store.User{Name: "Mina Manager", Email: "mina@cps.example", Role: domain.StaffManager, AreaID: &wales})

	code, _, body := admin.get("/admin")
	for _, link := range []string{`<a href="/admin">Administration</a>`, `href="/admin/areas"`, `href="/admin/panels"`, `href="/admin/people"`, `href="/admin/audit"`} {
		if code != http.StatusOK || !strings.Contains(body, link) {
			t.Errorf("the administration page = %d, without %s", code, link)
		}
	}
	code, _, body = admin.get("/admin/areas")
	if code != http.StatusOK || !strings.Contains(body, `href="/admin/areas/wales"`) || !strings.Contains(body, "Mina Manager") || !strings.Contains(body, "Not set") {
		t.Fatalf("Areas page = %d\n%s", code, body)
	}
	code, _, body = admin.get("/admin/areas/wales")
	if code != http.StatusOK || !strings.Contains(body, "mina@cps.example") || !strings.Contains(body, `href="/admin/people"`) {
		t.Fatalf("Wales page = %d\n%s", code, body)
	}
	if code, _, _ := admin.get("/admin/areas/atlantis"); code != http.StatusNotFound {
		t.Errorf("an unknown Area = %d", code)
	}

	for _, tc := range []struct {
		what string
		form url.Values
		want []string
	}{
		{"a name without an address", url.Values{"senior_lead_name": {"Dai Davies"}},
			[]string{`href="#senior_lead_email"`, "Enter the senior lead&#39;s email address", `value="Dai Davies"`}},
		{"a malformed address", url.Values{"senior_lead_name": {"Dai Davies"}, "senior_lead_email": {"dai at cps"}},
			[]string{"Enter an email address like name@example.org", `value="dai at cps"`}},
		{"one day count only", url.Values{"manager_days": {"7"}},
			[]string{`href="#senior_days"`, "Enter the days for the senior lead too", `value="7"`}},
		{"days not numbers", url.Values{"manager_days": {"a week"}, "senior_days": {"400"}},
			[]string{"for the manager as a whole number from 1 to 365", "for the senior lead as a whole number from 1 to 365"}},
		{"the senior lead before the manager", url.Values{"manager_days": {"10"}, "senior_days": {"10"}},
			[]string{"enter more days than for the manager"}},
	} {
		code, _, body := admin.post("/admin/areas/wales", tc.form)
		wantForm(t, tc.what, code, body, tc.want...)
	}
	if n := e.count(`SELECT count(*) FROM audit_log WHERE action = 'area_updated'`); n != 0 {
		t.Fatalf("refused forms wrote %d audit entries", n)
	}

	code, to, _ := admin.post("/admin/areas/wales", url.Values{"senior_lead_name": {"Dai Davies"}, "senior_lead_email": {"dai.davies@cps.example"},
		"manager_days": {"5"}, "senior_days": {"9"}})
	if code != http.StatusSeeOther || !strings.HasPrefix(to, "/admin/areas?done=") {
		t.Fatalf("saving = %d to %q", code, to)
	}
	if _, _, body := admin.get(to); !strings.Contains(body, "Wales is saved.") || !strings.Contains(body, "dai.davies@cps.example") || !strings.Contains(body, "Manager after 5 days, senior lead after 9") {
		t.Errorf("after saving, the Areas page shows\n%s", body)
	}
	if n := e.count(`SELECT count(*) FROM audit_log WHERE action = 'area_updated' AND subject_id = 'wales' AND actor = 'ada@cps.example'`); n != 1 {
		t.Errorf("%d audit entries for the change", n)
	}
	// An action agreed in Wales loads the Area's ladder and senior lead.
	var panel, actionID int64
	if err := e.db.QueryRow(ctx, `INSERT INTO panels (area_id, name, covers) VALUES ($1, 'Wales LSIP', 'both') RETURNING id`, wales).Scan(&panel); err != nil {
		t.Fatal(err)
	}
	if err := e.db.QueryRow(ctx, `INSERT INTO actions (panel_id, area_id, description, owner_name, owner_email, manager_name, manager_email, due_on)
		VALUES ($1, $2, 'a', 'o', 'o@example.org', 'm', 'm@example.org', current_date) RETURNING id`, panel, wales).Scan(&actionID); err != nil {
		t.Fatal(err)
	}
	rec, err := e.st.ActionRecord(ctx, actionID)
	if err != nil || rec.EscalateManagerDays != 5 || rec.EscalateSeniorDays != 9 || rec.SeniorEmail != "dai.davies@cps.example" || rec.SeniorName != "Dai Davies" {
		t.Errorf("the action loads %+v, %v", rec, err)
	}
	// Clearing both brings back the usual ladder and no senior lead.
	if code, _, _ := admin.post("/admin/areas/wales", url.Values{}); code != http.StatusSeeOther {
		t.Fatalf("clearing = %d", code)
	}
	if rec, err := e.st.ActionRecord(ctx, actionID); err != nil || rec.EscalateManagerDays != 0 || rec.EscalateSeniorDays != 0 || rec.SeniorEmail != "" {
		t.Errorf("after clearing, the action loads %+v, %v", rec, err)
	}

	for _, path := range []string{"/admin", "/admin/areas", "/admin/areas/wales"} {
		if code, _, _ := manager.get(path); code != http.StatusForbidden {
			t.Errorf("a manager opened %s: %d", path, code)
		}
	}
	if code, _, _ := manager.post("/admin/areas/wales", url.Values{"senior_lead_name": {"X"}, "senior_lead_email": {"x@example.org"}}); code != http.StatusForbidden {
		t.Errorf("a manager saved an Area: %d", code)
	}
}

// TestAdminPanels: an admin creates a panel, with every mistake explained
// beside its field; changes its name, what it covers and its strands; and
// closes it. A closed panel leaves the start-a-cycle list and refuses a
// new cycle, while its cycles stay listed.
func TestAdminPanels(t *testing.T) {
	e := startAdminEnv(t)
	ctx := context.Background()
	admin := e.signedIn(store.User{Name: "Ada Admin", Email: "ada@cps.example", Role: domain.StaffAdmin})

	code, _, body := admin.post("/admin/panels/new", url.Values{"name": {"  "}, "covers": {"vawg"}, "strands": {"race", "rape"}})
	wantForm(t, "a panel without Area or name, with a strand outside what it covers", code, body,
		`href="#area"`, "Choose the CPS Area", `href="#name"`, "Enter the panel&#39;s name",
		`href="#strands"`, "not part of what the panel covers: Race", `value="vawg" checked`, `value="rape" checked`)
	code, _, body = admin.post("/admin/panels/new", url.Values{"area": {"wales"}, "name": {"Wales LSIP"}})
	wantForm(t, "a panel without covers or strands", code, body, "Choose what the panel covers", "Choose at least one strand")

	code, to, _ := admin.post("/admin/panels/new", url.Values{"area": {"wales"}, "name": {"Wales LSIP"}, "covers": {"hate_crime"}, "strands": {"race", "disability"}})
	if code != http.StatusSeeOther || !strings.HasPrefix(to, "/admin/panels?done=") {
		t.Fatalf("creating = %d to %q", code, to)
	}
	var panel int64
	if err := e.db.QueryRow(ctx, `SELECT id FROM panels WHERE name = 'Wales LSIP'`).Scan(&panel); err != nil {
		t.Fatal(err)
	}
	path := "/admin/panels/" + adminID(panel)
	code, _, body = admin.post("/admin/panels/new", url.Values{"area": {"wales"}, "name": {"Wales LSIP"}, "covers": {"both"}, "strands": {"race"}})
	wantForm(t, "a name already used in the Area", code, body, "Another panel in this Area already has this name")

	code, to, _ = admin.post(path, url.Values{"name": {"Wales Scrutiny Panel"}, "covers": {"both"}, "strands": {"race", "domestic_abuse"}})
	if code != http.StatusSeeOther || !strings.HasPrefix(to, path+"?done=") {
		t.Fatalf("editing = %d to %q", code, to)
	}
	var name, covers, strands string
	if err := e.db.QueryRow(ctx, `SELECT name, covers, (SELECT string_agg(strand, ',' ORDER BY strand) FROM panel_strands WHERE panel_id = p.id) FROM panels p WHERE id = $1`, panel).
		Scan(&name, &covers, &strands); err != nil || name != "Wales Scrutiny Panel" || covers != "both" || strands != "domestic_abuse,race" {
		t.Errorf("after editing: %q %q %q %v", name, covers, strands, err)
	}
	code, _, body = admin.post(path, url.Values{"name": {"Wales Scrutiny Panel"}, "covers": {"hate_crime"}, "strands": {"race", "domestic_abuse"}})
	wantForm(t, "covers narrowed below the strands", code, body, "not part of what the panel covers: Domestic abuse")

	// A coordinator of the panel may start a cycle for it, until it closes.
	coordinator := e.signedIn(store.User{Name: "Cara Coordinator", Email: "cara@cps.example", Role: domain.StaffCoordinator, PanelIDs: []int64{panel}})
	if _, _, body := coordinator.get("/cycles/new"); !strings.Contains(body, "Wales Scrutiny Panel") {
		t.Fatalf("the open panel is not offered\n%s", body)
	}
	if _, err := e.db.Exec(ctx, `INSERT INTO cycles (panel_id, workflow_id, window_start, window_end, quotas, started_by, coordinator_name, coordinator_email, stage)
		VALUES ($1, 'cycle-old', '2026-01-01', '2026-03-31', '{}', 't', 'C', 'c@example.org', 'closed')`, panel); err != nil {
		t.Fatal(err)
	}
	if code, to, _ := admin.post(path+"/close", url.Values{}); code != http.StatusSeeOther || !strings.HasPrefix(to, "/admin/panels?done=") {
		t.Fatalf("closing = %d to %q", code, to)
	}
	if _, _, body := admin.get("/admin/panels"); !strings.Contains(body, `<span class="tag">Closed</span>`) {
		t.Errorf("the panels list does not show the panel closed\n%s", body)
	}
	if _, _, body := coordinator.get("/cycles/new"); strings.Contains(body, "Wales Scrutiny Panel") {
		t.Errorf("the closed panel is still offered for a new cycle")
	}
	code, _, body = coordinator.post("/cycles/new", url.Values{"panel_id": {adminID(panel)}, "window_start": {"2026-04-01"}, "window_end": {"2026-06-30"},
		"quotas": {"race=1"}, "meeting_start": {time.Now().AddDate(0, 2, 0).Format("2006-01-02") + " 18:00"}, "hours": {"2"}, "location": {"Cardiff"}})
	wantForm(t, "a cycle for the closed panel", code, body, "this panel is closed and starts no new cycles")
	if _, _, body := coordinator.get("/cycles"); !strings.Contains(body, "Wales Scrutiny Panel") {
		t.Errorf("the closed panel's cycle left the cycles list\n%s", body)
	}
	for action, want := range map[string]int{"panel_created": 1, "panel_updated": 1, "panel_closed": 1} {
		if n := e.count(`SELECT count(*) FROM audit_log WHERE action = $1 AND subject_id = $2 AND actor = 'ada@cps.example'`, action, adminID(panel)); n != want {
			t.Errorf("%d %s entries, want %d", n, action, want)
		}
	}
	if code, _, _ := coordinator.get("/admin/panels"); code != http.StatusForbidden {
		t.Errorf("a coordinator opened the panels page: %d", code)
	}
}
