package server_test

import (
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
	"github.com/lsip/scrutiny/links"
	"github.com/lsip/scrutiny/server"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
)

// TestMemberAcceptsAgreementOnFirstVisit: a member who has not accepted
// the confidentiality agreement sees it, and nothing else, on their
// personal page; a form posted before accepting changes nothing; accepting
// without ticking the box says why; accepting stores the version and text
// and opens the page; the coordinator's cycle page shows what was
// accepted; and the API no longer takes a confidentiality date.
func TestMemberAcceptsAgreementOnFirstVisit(t *testing.T) {
	st := testenv.DB(t)
	ctx := t.Context()
	db := testenv.SQL(t, st)
	var panel, open, closed, aled int64
	var area int16
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(db.QueryRow(ctx, `INSERT INTO panels (area_id, name, covers) SELECT id, 'Wales', 'both' FROM areas WHERE code = 'wales' RETURNING id, area_id`).Scan(&panel, &area))
	for _, cy := range []struct {
		wf, from string
		stage    domain.Stage
		id       *int64
	}{{"cycle-open", "2026-01-01", domain.StageConflictCheck, &open}, {"cycle-closed", "2025-01-01", domain.StageClosed, &closed}} {
		must(db.QueryRow(ctx, `INSERT INTO cycles (panel_id, workflow_id, window_start, window_end, quotas, started_by, coordinator_name, coordinator_email, stage)
			VALUES ($1, $2, $4::date, $4::date + 90, '{}', 't', 'C', 'c@example.org', $3) RETURNING id`, panel, cy.wf, cy.stage, cy.from).Scan(cy.id))
	}
	must(db.QueryRow(ctx, `INSERT INTO members (panel_id, name, email, role) VALUES ($1, 'Aled', 'aled@example.org', 'member') RETURNING id`, panel).Scan(&aled))
	_, err := db.Exec(ctx, `INSERT INTO members (panel_id, name, email, role) VALUES ($1, 'Bethan', 'bethan@example.org', 'member')`, panel)
	must(err)
	coordinator, err := st.CreateUser(ctx, store.User{Name: "Cath", Email: "cath@example.org", Role: domain.StaffCoordinator, PanelIDs: []int64{panel}})
	must(err)
	must(st.SetPassword(ctx, coordinator, "a long enough password"))
	cookie, _, err := st.Login(ctx, "cath@example.org", "a long enough password", time.Hour)
	must(err)
	apiToken, err := st.IssueToken(ctx, coordinator, "test")
	must(err)

	unused, err := client.NewLazyClient(client.Options{HostPort: "127.0.0.1:1"})
	must(err)
	defer unused.Close()
	signer, _ := links.NewSigner([]byte(strings.Repeat("k", 32)))
	srv := httptest.NewServer(server.New(server.Deps{Store: st, Temporal: unused, Links: signer}).Handler())
	defer srv.Close()
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	home := srv.URL + "/m/" + signer.Token(links.Claims{MemberID: aled, CycleID: open, Expires: time.Now().Add(time.Hour)})

	code, body := fetch(t, noRedirect, http.MethodGet, home, nil)
	if code != http.StatusOK || !strings.Contains(body, domain.CurrentAgreement.Title) || !strings.Contains(body, "Version "+domain.CurrentAgreement.Version) ||
		strings.Contains(body, "Hello Aled") {
		t.Fatalf("first visit = %d, want the agreement and nothing else\n%s", code, body)
	}
	code, body = fetch(t, noRedirect, http.MethodPost, home+"/rsvp", url.Values{"response": {"attending"}})
	if code != http.StatusConflict || !strings.Contains(body, domain.CurrentAgreement.Title) {
		t.Errorf("an answer posted before accepting = %d", code)
	}
	code, body = fetch(t, noRedirect, http.MethodPost, home+"/agreement", url.Values{})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "Tick the box") || !strings.Contains(body, `href="#accept"`) {
		t.Errorf("accepting without the box ticked = %d\n%s", code, body)
	}
	var signed *string
	db.QueryRow(ctx, `SELECT to_char(confidentiality_signed_on, 'YYYY-MM-DD') FROM members WHERE id = $1`, aled).Scan(&signed)
	if signed != nil {
		t.Fatalf("signed on %s before accepting", *signed)
	}
	resp, err := noRedirect.PostForm(home+"/agreement", url.Values{"accept": {"yes"}})
	must(err)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "?done=") {
		t.Fatalf("accepting = %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	var version, text string
	must(db.QueryRow(ctx, `SELECT a.version, a.text, to_char(m.confidentiality_signed_on, 'YYYY-MM-DD') FROM member_agreements a JOIN members m ON m.id = a.member_id WHERE m.id = $1`, aled).
		Scan(&version, &text, &signed))
	if version != domain.CurrentAgreement.Version || text != domain.CurrentAgreement.Text() || signed == nil {
		t.Errorf("stored acceptance: version %q, signed %v, text %q", version, signed, text)
	}
	if code, body = fetch(t, noRedirect, http.MethodGet, home, nil); code != http.StatusOK || !strings.Contains(body, "Hello Aled") {
		t.Errorf("after accepting = %d\n%s", code, body)
	}

	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/cycles/"+strconv.FormatInt(closed, 10), nil)
	req.AddCookie(&http.Cookie{Name: "scrutiny_session", Value: cookie})
	resp, err = noRedirect.Do(req)
	must(err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	page := string(b)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "Accepted version "+domain.CurrentAgreement.Version) ||
		!strings.Contains(page, "Not accepted yet") || !strings.Contains(page, "lifelong anonymity") {
		t.Errorf("coordinator's cycle page = %d, want Aled's acceptance and Bethan not accepted\n%s", resp.StatusCode, page)
	}

	req, _ = http.NewRequest(http.MethodPost, srv.URL+"/api/v1/panels/"+strconv.FormatInt(panel, 10)+"/members",
		strings.NewReader(`{"name": "Dai", "email": "dai@example.org", "role": "member", "confidentiality_signed_on": "2026-11-01"}`))
	req.Header.Set("Authorization", "Bearer "+apiToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err = noRedirect.Do(req)
	must(err)
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	problem := string(b)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(problem, `"confidentiality_signed_on"`) {
		t.Errorf("adding a member with a confidentiality date = %d, want 400 naming the field\n%s", resp.StatusCode, problem)
	}
}
