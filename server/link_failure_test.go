package server_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/lsip/scrutiny/i18n"
	"github.com/lsip/scrutiny/links"
	"github.com/lsip/scrutiny/server"
	"github.com/lsip/scrutiny/testenv"
)

// TestRefusedLinksSpeakTheirPersonsLanguage: a member's or an owner's link
// that is refused is explained in the language of the person it names
// when scrutiny signed it (expired, access ended, the action closed), and
// in Welsh then English when it names nobody (a forged link, an action
// that is gone); the API still answers in English.
func TestRefusedLinksSpeakTheirPersonsLanguage(t *testing.T) {
	st := testenv.DB(t)
	db := testenv.SQL(t, st)
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var panel, cycle, welsh, english, open, closed int64
	var area int16
	must(db.QueryRow(ctx, `INSERT INTO panels (area_id, name, covers) SELECT id, 'Wales', 'both' FROM areas WHERE code = 'wales' RETURNING id, area_id`).Scan(&panel, &area))
	must(db.QueryRow(ctx, `INSERT INTO cycles (panel_id, workflow_id, window_start, window_end, quotas, started_by, coordinator_name, coordinator_email)
		VALUES ($1, 'cycle-links', '2026-01-01', '2026-03-31', '{}', 't', 'C', 'c@example.org') RETURNING id`, panel).Scan(&cycle))
	must(db.QueryRow(ctx, `INSERT INTO members (panel_id, name, email, role, language) VALUES ($1, 'Aled', 'aled@example.org', 'member', 'cy') RETURNING id`, panel).Scan(&welsh))
	must(db.QueryRow(ctx, `INSERT INTO members (panel_id, name, email, role, language, active) VALUES ($1, 'Ann', 'ann@example.org', 'member', 'en', false) RETURNING id`, panel).Scan(&english))
	for status, id := range map[string]*int64{"open": &open, "completed": &closed} {
		must(db.QueryRow(ctx, `INSERT INTO actions (panel_id, area_id, description, owner_name, owner_email, owner_language, manager_name, manager_email, due_on, status)
			VALUES ($1, $2, 'a', 'Owain', 'owain@example.org', 'cy', 'Mari', 'mari@example.org', current_date, $3) RETURNING id`, panel, area, status).Scan(id))
	}

	signer, err := links.NewSigner([]byte(strings.Repeat("k", 32)))
	must(err)
	srv := httptest.NewServer(server.New(server.Deps{Store: st, Links: signer}).Handler())
	defer srv.Close()
	past, future := time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	member := func(id int64, expires time.Time) string {
		return "/m/" + signer.Token(links.Claims{MemberID: id, CycleID: cycle, Expires: expires})
	}
	owner := func(id int64, expires time.Time) string {
		return "/o/" + signer.OwnerToken(links.OwnerClaims{ActionID: id, Email: "owain@example.org", Expires: expires})
	}

	welshOnly := []string{`<html lang="cy">`}
	both := []string{`<html lang="cy">`, `<div lang="cy">`, `<div lang="en">`}
	for _, tc := range []struct {
		name, path string
		status     int
		want, gone []string
	}{
		{"an expired member's link", member(welsh, past), http.StatusUnauthorized, append(welshOnly, "Nid yw&#39;r ddolen hon yn gweithio"), []string{"This link does not work", `lang="en"`}},
		{"an ended English member's link", member(english, future), http.StatusForbidden, []string{`<html lang="en">`, "This link no longer works"}, []string{`lang="cy"`}},
		{"a forged member's link", "/m/not-a-link", http.StatusUnauthorized, append(both, "Nid yw&#39;r ddolen hon yn gweithio", "This link does not work"), nil},
		{"an expired owner's link", owner(open, past), http.StatusUnauthorized, append(welshOnly, "cam gweithredu"), []string{"This link does not work", `lang="en"`}},
		{"a closed action's link", owner(closed, future), http.StatusForbidden, append(welshOnly, "Mae&#39;r cam gweithredu hwn wedi&#39;i gau", "Wedi&#39;i gwblhau"), []string{"This action is closed"}},
		{"a link to no action", owner(closed+100, future), http.StatusForbidden, append(both, "Nid yw&#39;r ddolen hon yn gweithio mwyach", "This link no longer works"), nil},
	} {
		res, err := http.Get(srv.URL + tc.path)
		must(err)
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		html := string(b)
		if res.StatusCode != tc.status || i18n.Missing(html) {
			t.Errorf("%s = %d, want %d:\n%s", tc.name, res.StatusCode, tc.status, html)
		}
		for _, w := range tc.want {
			if !strings.Contains(html, w) {
				t.Errorf("%s lacks %q:\n%s", tc.name, w, html)
			}
		}
		if cy, en := strings.Index(html, `<div lang="cy">`), strings.Index(html, `<div lang="en">`); en >= 0 && cy > en {
			t.Errorf("%s is in English before Welsh", tc.name)
		}
		for _, w := range tc.gone {
			if strings.Contains(html, w) {
				t.Errorf("%s shows %q:\n%s", tc.name, w, html)
			}
		}
	}
	// The API answers the Welsh member's expired link in English.
	res, err := http.Get(srv.URL + "/api/v1" + member(welsh, past))
	must(err)
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized || !strings.Contains(string(b), "This link does not work") {
		t.Errorf("the API's refusal = %d: %s", res.StatusCode, b)
	}
}
