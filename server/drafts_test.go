package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/lsip/scrutiny/config"
	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/i18n"
	"github.com/lsip/scrutiny/links"
	"github.com/lsip/scrutiny/server"
	"github.com/lsip/scrutiny/testenv"
	"github.com/lsip/scrutiny/testenv/temporalenv"
)

// stubReview stands in for a member's review workflow: it keeps every
// review saved to it, for the test to query.
func stubReview(ctx workflow.Context) error {
	var saved []cycle.ReviewSubmission
	if err := workflow.SetUpdateHandler(ctx, cycle.UpdateSaveReview, func(ctx workflow.Context, in cycle.ReviewSubmission) (cycle.StoredReview, error) {
		saved = append(saved, in)
		return cycle.StoredReview{CaseID: in.CaseID, Status: "draft", Version: len(saved)}, nil
	}); err != nil {
		return err
	}
	if err := workflow.SetQueryHandler(ctx, "saved", func() ([]cycle.ReviewSubmission, error) { return saved, nil }); err != nil {
		return err
	}
	return workflow.Await(ctx, func() bool { return false })
}

// TestReviewDraftsSaveAsYouGo: the review form carries the autosave
// script, which the page's Content-Security-Policy allows; a background
// save stores a draft (never the review) and answers in words; and when
// the link has expired or access has ended, what the member typed comes
// back to them with what to do, on the page and to the script alike.
func TestReviewDraftsSaveAsYouGo(t *testing.T) {
	st := testenv.DB(t)
	ctx := t.Context()
	db := testenv.SQL(t, st)
	ts := temporalenv.Start(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var panel, cy, aled, kase int64
	var area int16
	must(db.QueryRow(ctx, `INSERT INTO panels (area_id, name, covers) SELECT id, 'Wales', 'both' FROM areas WHERE code = 'wales' RETURNING id, area_id`).Scan(&panel, &area))
	must(db.QueryRow(ctx, `INSERT INTO cycles (panel_id, workflow_id, window_start, window_end, quotas, started_by, coordinator_name, coordinator_email, stage)
		VALUES ($1, 'cycle-drafts', '2026-01-01', '2026-03-31', '{}', 't', 'C', 'c@example.org', 'reviewing') RETURNING id`, panel).Scan(&cy))
	must(db.QueryRow(ctx, `INSERT INTO members (panel_id, name, email, role, confidentiality_signed_on) VALUES ($1, 'Aled', 'aled@example.org', 'member', '2026-01-01') RETURNING id`, panel).Scan(&aled))
	must(db.QueryRow(ctx, `INSERT INTO cases (area_id, reference, category, principal_offence, finalised_on, outcome, summary)
		VALUES ($1, 'R-1', 'hate_crime', 'Assault', '2026-02-01', 'conviction_plea', 'The secret summary') RETURNING id`, area).Scan(&kase))
	_, err := db.Exec(ctx, `INSERT INTO reviews (cycle_id, member_id, case_id) VALUES ($1, $2, $3)`, cy, aled, kase)
	must(err)

	w := worker.New(ts.Client(), "drafts", worker.Options{})
	w.RegisterWorkflowWithOptions(stubReview, workflow.RegisterOptions{Name: "stub-review"})
	must(w.Start())
	defer w.Stop()
	reviewID := cycle.MemberReviewWorkflowID("cycle-drafts", aled)
	_, err = ts.Client().ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: reviewID, TaskQueue: "drafts"}, "stub-review")
	must(err)

	signer, _ := links.NewSigner([]byte(strings.Repeat("k", 32)))
	srv := httptest.NewServer(server.New(server.Deps{Store: st, Temporal: ts.Client(), Links: signer, Config: config.Config{TaskQueue: "drafts"}}).Handler())
	defer srv.Close()
	caseURL := func(expires time.Time) string {
		return srv.URL + "/m/" + signer.Token(links.Claims{MemberID: aled, CycleID: cy, Expires: expires}) + "/cases/" + strconv.FormatInt(kase, 10)
	}
	live := caseURL(time.Now().Add(time.Hour))
	typed := url.Values{"good_practice": {"An early victim statement."}, "concerns": {"The uplift was not applied."}}
	post := func(addr string, background bool) (*http.Response, string) {
		req, _ := http.NewRequest(http.MethodPost, addr, strings.NewReader(typed.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if background {
			req.Header.Set("X-Autosave", "1")
		}
		resp, err := http.DefaultClient.Do(req)
		must(err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}

	resp, err := http.Get(live)
	must(err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(string(b), `<script src="/static/autosave.js"`) || !strings.Contains(string(b), "data-autosave") ||
		!strings.Contains(string(b), `data-autosave-offline="Your draft could not be saved: the connection was lost.`) ||
		!strings.Contains(csp, "default-src 'self'") || strings.Contains(csp, "script-src") && !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("the review form does not load the autosave script under its policy %q", csp)
	}
	script, err := http.Get(srv.URL + "/static/autosave.js")
	must(err)
	js, _ := io.ReadAll(script.Body)
	script.Body.Close()
	if script.StatusCode != http.StatusOK || !strings.Contains(string(js), "X-Autosave") {
		t.Errorf("GET /static/autosave.js = %d", script.StatusCode)
	}

	resp, body := post(live, true)
	var result struct {
		Saved   bool   `json:"saved"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal([]byte(body), &result); err != nil || resp.StatusCode != http.StatusOK || !result.Saved || !strings.HasPrefix(result.Message, "Draft saved at ") {
		t.Fatalf("background save = %d %s", resp.StatusCode, body)
	}
	v, err := ts.Client().QueryWorkflow(ctx, reviewID, "", "saved")
	must(err)
	var saved []cycle.ReviewSubmission
	must(v.Get(&saved))
	if len(saved) != 1 || saved[0].Final || saved[0].CaseID != kase || saved[0].Answers.Concerns != "The uplift was not applied." {
		t.Errorf("the workflow was sent %+v, want one draft with the concerns typed", saved)
	}

	expired := caseURL(time.Now().Add(-time.Minute))
	resp, body = post(expired, false)
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "Your answers have not been saved") ||
		!strings.Contains(body, "An early victim statement.") || !strings.Contains(body, "The uplift was not applied.") ||
		!strings.Contains(body, "ask your panel coordinator for a new") || strings.Contains(body, "The secret summary") {
		t.Errorf("sending with an expired link = %d, want the answers back with what to do\n%s", resp.StatusCode, body)
	}
	resp, body = post(expired, true)
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "could not be saved") || !strings.Contains(body, "copy your answers") {
		t.Errorf("background save with an expired link = %d %s", resp.StatusCode, body)
	}
	// A link we did not sign names nobody: the kept answers are explained
	// in Welsh then English, the Welsh marked as such.
	resp, body = post(srv.URL+"/m/not-a-link/cases/"+strconv.FormatInt(kase, 10), false)
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "The uplift was not applied.") ||
		!strings.Contains(body, `<span lang="cy">Nid yw eich atebion wedi&#39;u cadw</span> / Your answers have not been saved`) ||
		!strings.Contains(body, "ask your panel coordinator for a new") || i18n.Missing(body) {
		t.Errorf("sending with a link that names nobody = %d, want the answers back in Welsh and English\n%s", resp.StatusCode, body)
	}
	// A link we did not sign names nobody: the answer is in Welsh then
	// English, each part marked with its language.
	resp, body = post(srv.URL+"/m/not-a-link/cases/"+strconv.FormatInt(kase, 10), true)
	var both struct {
		Message string `json:"message"`
		Parts   []struct{ Lang, Text string }
	}
	if err := json.Unmarshal([]byte(body), &both); err != nil || resp.StatusCode != http.StatusUnauthorized || len(both.Parts) != 2 ||
		both.Parts[0].Lang != "cy" || !strings.HasPrefix(both.Parts[0].Text, "Nid oedd modd cadw eich drafft") ||
		both.Parts[1].Lang != "en" || !strings.Contains(both.Parts[1].Text, "copy your answers") ||
		both.Message != both.Parts[0].Text+"\n"+both.Parts[1].Text || i18n.Missing(body) {
		t.Errorf("background save with a link that names nobody = %d %s", resp.StatusCode, body)
	}
	_, err = db.Exec(ctx, `UPDATE cycles SET access_revoked_at = now() WHERE id = $1`, cy)
	must(err)
	resp, body = post(live, false)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "The uplift was not applied.") || !strings.Contains(body, "access to this review cycle has ended") {
		t.Errorf("sending after access ended = %d\n%s", resp.StatusCode, body)
	}
}
