package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/links"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
	"github.com/lsip/scrutiny/testenv/temporalenv"
)

// TestEveryRouteWithEveryRole walks the whole route table with each kind
// of caller and checks who is let in (any answer but 401 or 403) and who is
// refused. Allowed callers may still get 404, 409 or 422: this test is
// about access only.
func TestEveryRouteWithEveryRole(t *testing.T) {
	st := testenv.DB(t)
	db := testenv.SQL(t, st)
	ts := temporalenv.Start(t)
	ctx := context.Background()
	var panel, otherPanel, cycle, action, member int64
	var area, otherArea int16
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(db.QueryRow(ctx, `INSERT INTO panels (area_id, name, covers) SELECT id, 'Wales', 'both' FROM areas WHERE code = 'wales' RETURNING id, area_id`).Scan(&panel, &area))
	must(db.QueryRow(ctx, `INSERT INTO panels (area_id, name, covers) SELECT id, 'NE', 'both' FROM areas WHERE code = 'north-east' RETURNING id, area_id`).Scan(&otherPanel, &otherArea))
	must(db.QueryRow(ctx, `INSERT INTO cycles (panel_id, workflow_id, window_start, window_end, quotas, started_by, coordinator_name, coordinator_email)
		VALUES ($1, 'cycle-access', '2026-01-01', '2026-03-31', '{}', 't', 'C', 'c@example.org') RETURNING id`, panel).Scan(&cycle))
	must(db.QueryRow(ctx, `INSERT INTO members (panel_id, name, email, role) VALUES ($1, 'Aled', 'aled@example.org', 'member') RETURNING id`, panel).Scan(&member))
	must(db.QueryRow(ctx, `INSERT INTO actions (panel_id, area_id, description, owner_name, owner_email, manager_name, manager_email, due_on)
		VALUES ($1, $2, 'a', 'o', 'o@example.org', 'm', 'm@example.org', current_date) RETURNING id`, panel, area).Scan(&action))

	token := func(u store.User) string {
		id, err := st.CreateUser(ctx, u)
		must(err)
		tok, err := st.IssueToken(ctx, id, "t")
		must(err)
		return tok
	}
	type caller struct {
		name   string
		role   domain.StaffRole
		own    bool // scoped to the fixture's panel or Area
		bearer string
		member bool
	}
	callers := []caller{
		{"anonymous", "", false, "", false},
		{"admin", "admin", true, token(store.User{Name: "A", Email: "admin@example.org", Role: "admin"}), false},
		{"coordinator", "coordinator", true, token(store.User{Name: "C", Email: "c1@example.org", Role: "coordinator", PanelIDs: []int64{panel}}), false},
		{"other coordinator", "coordinator", false, token(store.User{Name: "C2", Email: "c2@example.org", Role: "coordinator", PanelIDs: []int64{otherPanel}}), false},
		{"chair", "chair", true, token(store.User{Name: "Ch", Email: "ch@example.org", Role: "chair", PanelIDs: []int64{panel}}), false},
		{"manager", "manager", true, token(store.User{Name: "M", Email: "m1@example.org", Role: "manager", AreaID: &area}), false},
		{"other manager", "manager", false, token(store.User{Name: "M2", Email: "m2@example.org", Role: "manager", AreaID: &otherArea}), false},
		{"member link", "", false, "", true},
	}
	signer, _ := links.NewSigner([]byte(strings.Repeat("k", 32)))
	memberToken := signer.Token(links.Claims{MemberID: member, CycleID: cycle, Expires: time.Now().Add(time.Hour)})
	s := New(Deps{Store: st, Temporal: ts.Client(), Links: signer})
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()

	// Routes whose resource is not tied to one panel or Area: any caller
	// with the role gets in, and the answer is limited to their scope.
	unscoped := []string{"/panels", "/cases", "/cycles", "/actions", "/actions/export", "/cases/import", "/reports/governance"}
	for _, r := range s.apiRoutes() {
		path := strings.NewReplacer("{id}", strconv.FormatInt(cycle, 10), "{member}", strconv.FormatInt(member, 10),
			"{token}", memberToken, "{case}", "1").Replace(r.Path)
		switch {
		case strings.HasPrefix(r.Path, "/actions/{id}"):
			path = strings.Replace(r.Path, "{id}", strconv.FormatInt(action, 10), 1)
		case strings.HasPrefix(r.Path, "/panels/{id}"):
			path = strings.Replace(r.Path, "{id}", strconv.FormatInt(panel, 10), 1)
		case strings.HasPrefix(r.Path, "/members/{id}"):
			path = strings.Replace(r.Path, "{id}", strconv.FormatInt(member, 10), 1)
		}
		for _, c := range callers {
			var want bool
			switch r.Auth {
			case authPublic:
				want = true
			case authMember:
				want = c.member
			case authStaff:
				roleOK := c.role == "admin" || slices.Contains(r.Roles, c.role)
				want = roleOK && (c.own || slices.Contains(unscoped, r.Path))
			}
			// A member has no bearer token, so on staff routes they are
			// anonymous; staff have no valid link on member routes.
			req, _ := http.NewRequest(r.Method, srv.URL+"/api/v1"+path, strings.NewReader(`{}`))
			req.Header.Set("Content-Type", "application/json")
			if c.bearer != "" {
				req.Header.Set("Authorization", "Bearer "+c.bearer)
			}
			if r.Auth == authMember && !c.member {
				req.URL.Path = strings.Replace(req.URL.Path, memberToken, "not-a-valid-link", 1)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			// Some allowed calls change the fixture (a member leaving); put
			// it back so the next caller meets the same state.
			must(func() error {
				_, err := db.Exec(ctx, `UPDATE members SET active = true, left_at = NULL WHERE id = $1`, member)
				return err
			}())
			got := resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusForbidden
			if got != want {
				t.Errorf("%s %s as %s: %d (allowed %v, want %v)", r.Method, r.Path, c.name, resp.StatusCode, got, want)
			}
		}
	}
}

// TestEveryPageNeedsSignInOrALink walks every page route: staff pages send
// an anonymous visitor to sign in, member and action owner pages refuse a
// bad link and admit a good one, account links refuse a made-up token, and
// only the sign-in page, static files and the home redirect are public. A manager cannot reach a coordinator's page.
func TestEveryPageNeedsSignInOrALink(t *testing.T) {
	st := testenv.DB(t)
	db := testenv.SQL(t, st)
	ts := temporalenv.Start(t)
	ctx := context.Background()
	var panel, cycle, member int64
	var area int16
	db.QueryRow(ctx, `INSERT INTO panels (area_id, name, covers) SELECT id, 'Wales', 'both' FROM areas WHERE code = 'wales' RETURNING id, area_id`).Scan(&panel, &area)
	db.QueryRow(ctx, `INSERT INTO cycles (panel_id, workflow_id, window_start, window_end, quotas, started_by, coordinator_name, coordinator_email)
		VALUES ($1, 'cycle-pages', '2026-01-01', '2026-03-31', '{}', 't', 'C', 'c@example.org') RETURNING id`, panel).Scan(&cycle)
	db.QueryRow(ctx, `INSERT INTO members (panel_id, name, email, role) VALUES ($1, 'Aled', 'aled@example.org', 'member') RETURNING id`, panel).Scan(&member)
	signer, _ := links.NewSigner([]byte(strings.Repeat("k", 32)))
	good := signer.Token(links.Claims{MemberID: member, CycleID: cycle, Expires: time.Now().Add(time.Hour)})
	s := New(Deps{Store: st, Temporal: ts.Client(), Links: signer})
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	public := map[string]bool{"GET /healthz": true, "GET /readyz": true, "GET /": true, "GET /login": true, "POST /login": true, "GET /static/*filepath": true, "HEAD /static/*filepath": true}
	pages := 0
	for _, r := range s.engine.Routes() {
		if strings.HasPrefix(r.Path, "/api/") || public[r.Method+" "+r.Path] {
			continue
		}
		pages++
		path := strings.NewReplacer(":id", strconv.FormatInt(cycle, 10), ":case", "1", ":file", strconv.FormatInt(member, 10)+".xlsx").Replace(r.Path)
		if strings.HasPrefix(r.Path, "/account/") {
			// Account links (first sign-in, invitation, reset) are their
			// own credential: a made-up one is refused.
			req, _ := http.NewRequest(r.Method, srv.URL+strings.Replace(path, ":token", "acl_not-a-link", 1), strings.NewReader(""))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, err := noRedirect.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusGone {
				t.Errorf("%s %s with a made-up link: %d, want 410", r.Method, r.Path, resp.StatusCode)
			}
			continue
		}
		if strings.HasPrefix(r.Path, "/m/") || strings.HasPrefix(r.Path, "/o/") {
			link := good
			if strings.HasPrefix(r.Path, "/o/") {
				// An action owner's link: a good one is for an open action.
				link = ownerLinkFixture(t, st, signer, panel)
			}
			for _, tc := range []struct {
				token string
				in    bool
			}{{"not-a-link", false}, {link, true}} {
				req, _ := http.NewRequest(r.Method, srv.URL+strings.Replace(path, ":token", tc.token, 1), strings.NewReader(""))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				resp, err := noRedirect.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				got := resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusForbidden
				if got != tc.in {
					t.Errorf("%s %s with link %q: %d", r.Method, r.Path, tc.token[:min(8, len(tc.token))], resp.StatusCode)
				}
			}
			continue
		}
		req, _ := http.NewRequest(r.Method, srv.URL+path, nil)
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
			t.Errorf("%s %s anonymously: %d to %q, want a redirect to sign in", r.Method, r.Path, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	if pages < 20 {
		t.Errorf("only %d page routes walked", pages)
	}

	managerID, _ := st.CreateUser(ctx, store.User{Name: "M", Email: "m@example.org", Role: "manager", AreaID: &area})
	st.SetPassword(ctx, managerID, "a long enough password")
	cookie, _, err := st.Login(ctx, "m@example.org", "a long enough password", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", srv.URL+"/cycles/new", nil)
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: cookie})
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("a manager opened the start-a-cycle page: %d", resp.StatusCode)
	}
	// A POST without the session's CSRF token is refused.
	req, _ = http.NewRequest("POST", srv.URL+"/logout", strings.NewReader("csrf=wrong"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: cookie})
	resp, _ = noRedirect.Do(req)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("a POST with a wrong CSRF token: %d", resp.StatusCode)
	}
}
