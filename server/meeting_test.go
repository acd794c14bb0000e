package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/links"
	"github.com/lsip/scrutiny/store"
)

// TestMeetingPageShowsReviewsByRole runs a cycle on the in-process
// Temporal to its meeting, with one review sent by an adviser, one by the
// panel's chair and one left in draft. The coordinator and the panel's
// chair see each case's reviews added up, with comments by role, no
// member's name and nothing of the draft, and the viewing is audited; a
// coordinator of another panel and a manager are refused, and so is a
// member's link on the API. A finding recorded from the page reaches the
// workflow; when the meeting closes, the panel's chair account (and no
// one else) is emailed once that the draft minutes wait for approval.
func TestMeetingPageShowsReviewsByRole(t *testing.T) {
	e := startCoordEnv(t, true)
	e.seedCases()
	ctx := context.Background()
	exec := func(sql string, args ...any) {
		t.Helper()
		_, err := e.db.Exec(ctx, sql, args...)
		e.must(err)
	}
	exec(`UPDATE members SET email = 'bea@example.org', role = 'adviser' WHERE id = $1`, e.bea)
	var gwen int64
	e.must(e.db.QueryRow(ctx, `INSERT INTO members (panel_id, name, email, role, confidentiality_signed_on) VALUES ($1, 'Gwen Price', 'gwen@example.org', 'chair', current_date) RETURNING id`, e.panel).Scan(&gwen))
	names := []string{"Aled Jones", "Bea Khan", "Gwen Price"}

	coord := e.staff(store.User{Name: "Cath Coordinator", Email: "cath@example.org", Role: domain.StaffCoordinator, PanelIDs: []int64{e.panel}})
	chair := e.staff(store.User{Name: "Zara Chair", Email: "zara@example.org", Role: domain.StaffChair, PanelIDs: []int64{e.panel}})
	var otherPanel int64
	e.must(e.db.QueryRow(ctx, `INSERT INTO panels (area_id, name, covers) SELECT id, 'Other LSIP', 'hate_crime' FROM areas WHERE code = 'wales' RETURNING id`).Scan(&otherPanel))
	otherCoord := e.staff(store.User{Name: "Olly Other", Email: "olly@example.org", Role: domain.StaffCoordinator, PanelIDs: []int64{otherPanel}})
	var wales int16
	e.must(e.db.QueryRow(ctx, `SELECT id FROM areas WHERE code = 'wales'`).Scan(&wales))
	manager := e.staff(store.User{Name: "Mina Manager", Email: "mina@example.org", Role: domain.StaffManager, AreaID: &wales})

	// The stage dates are seconds apart, so the cycle reaches its meeting
	// in about half a minute.
	now := time.Now().UTC()
	meetingAt := now.Add(25 * time.Second).Truncate(time.Second)
	in := cycle.CycleInput{PanelID: e.panel, WindowStart: now.AddDate(0, -3, 0), WindowEnd: now, Quotas: map[string]int{"race": 2}, ReservesPerStratum: 1,
		Meeting: cycle.Meeting{Start: meetingAt, End: meetingAt.Add(2 * time.Hour), Location: "Cardiff office"},
		Timing: cycle.Timing{ConflictCheckBefore: 20 * time.Second, PacksBefore: 15 * time.Second, ReviewsDueBefore: 3 * time.Second,
			RevokeAfter: time.Hour, Reminders: []time.Duration{time.Second}, ApprovalNudgeEvery: time.Hour},
		StartedBy: "Cath Coordinator", CoordinatorName: "Cath Coordinator", CoordinatorEmail: "cath@example.org", Seed: 7}
	wf := cycle.CycleWorkflowID(in.PanelID, in.WindowStart, in.WindowEnd)
	_, err := e.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: wf, TaskQueue: coordQueue}, cycle.WorkflowName, in)
	e.must(err)
	e.waitFor("the selection", func() bool { return e.cycleStatus(wf).Stage == domain.StageCoordinatorCheck })
	// Approved from the page, so that the audit log names the coordinator.
	cyclePage := fmt.Sprintf("/cycles/%d", e.cycleStatus(wf).CycleID)
	if code, to, body := coord.post(cyclePage+"/approve", url.Values{}, cyclePage); code != http.StatusSeeOther {
		t.Fatalf("approve the selection = %d %s\n%s", code, to, body)
	}
	e.waitFor("the meeting", func() bool { return e.cycleStatus(wf).Stage == domain.StageMeeting })
	st := e.cycleStatus(wf)
	var inReview []cycle.CycleCase
	for _, cc := range st.Cases {
		if cc.Status == string(domain.CaseApproved) {
			inReview = append(inReview, cc)
		}
	}
	if len(inReview) != 2 {
		t.Fatalf("cases in review: %+v", st.Cases)
	}
	target := inReview[0]

	review := func(member int64, status domain.ReviewStatus, charging, overall, comment, concerns string) {
		answers := fmt.Sprintf(`{"ratings": {"charging": %q, "timeliness": "yes"}, "comments": {"charging": %q}, "overall": %q, "good_practice": "", "concerns": %q, "questions": "", "learning": ""}`,
			charging, comment, overall, concerns)
		exec(`INSERT INTO reviews (cycle_id, member_id, case_id, status, answers) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (cycle_id, member_id, case_id) DO UPDATE SET status = EXCLUDED.status, answers = EXCLUDED.answers, removed = false`,
			st.CycleID, member, target.CaseID, status, answers)
	}
	review(e.bea, domain.ReviewSubmitted, "partly", "concerns", "The adviser's view of charging", "")
	review(gwen, domain.ReviewSubmitted, "yes", "handled_well", "", "The chair's concern about letters")
	review(e.aled, domain.ReviewDraft, "no", "not_agreed", "DRAFT COMMENT", "DRAFT CONCERN")

	index := fmt.Sprintf("/cycles/%d/meeting", st.CycleID)
	casePage := fmt.Sprintf("%s/%d", index, target.CaseID)
	code, _, body := coord.get(index)
	if code != http.StatusOK || !strings.Contains(body, fmt.Sprintf(`<a href="%s">%s</a>`, casePage, target.Reference)) || !strings.Contains(body, "<td>2 of ") {
		t.Errorf("the meeting's cases = %d\n%s", code, body)
	}
	code, _, body = coord.get(casePage)
	if code != http.StatusOK {
		t.Fatalf("the meeting page = %d\n%s", code, body)
	}
	var summary string
	e.must(e.db.QueryRow(ctx, `SELECT summary FROM cases WHERE id = $1`, target.CaseID).Scan(&summary))
	for _, want := range []string{
		`<div class="summary">` + summary + `</div>`,
		"<li><strong>Chair:</strong> The chair&#39;s concern about letters</li>",
		"<li><strong>Adviser:</strong> The adviser&#39;s view of charging</li>",
		"<tr><th scope=\"row\">Was the charging decision in line with the Code for Crown Prosecutors?</th><td>1</td><td>1</td><td>0</td><td>0</td></tr>",
		"<tr><td>Handled well</td><td>1</td></tr>", "<tr><td>Concerns identified</td><td>1</td></tr>", "<tr><td>The panel could not agree</td><td>0</td></tr>",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the meeting page lacks %q", want)
		}
	}
	for _, hidden := range append([]string{"DRAFT", "SECRETURN"}, names...) {
		if strings.Contains(body, hidden) {
			t.Errorf("the meeting page shows %q", hidden)
		}
	}
	if code, _, _ := chair.get(casePage); code != http.StatusOK {
		t.Errorf("the panel's chair sees the meeting page = %d, want 200", code)
	}
	var viewed int
	e.must(e.db.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'meeting_reviews_viewed' AND subject_id = $1 AND detail->>'cycle_id' = $2`,
		fmt.Sprint(target.CaseID), fmt.Sprint(st.CycleID)).Scan(&viewed))
	if viewed != 2 {
		t.Errorf("%d viewings audited, want 2 (the coordinator's and the chair's)", viewed)
	}
	for who, b := range map[string]*coordBrowser{"another panel's coordinator": otherCoord, "a manager": manager} {
		if code, _, body := b.get(casePage); code != http.StatusForbidden || strings.Contains(body, "adviser&#39;s view") {
			t.Errorf("%s opens the meeting page = %d, want 403", who, code)
		}
	}

	// The API returns the same aggregate to the coordinator's token, and
	// nothing to a member's link.
	api := fmt.Sprintf("%s/api/v1/cycles/%d/cases/%d/reviews-summary", e.url, st.CycleID, target.CaseID)
	coordID, err := e.st.UserIDByEmail(ctx, "cath@example.org")
	e.must(err)
	token, err := e.st.IssueToken(ctx, coordID, "t")
	e.must(err)
	code, raw := getWithToken(t, api, token)
	var got reviewsSummaryJSON
	e.must(json.Unmarshal([]byte(raw), &got))
	if code != http.StatusOK || got.Submitted != 2 || len(got.Questions) == 0 || got.Questions[0].Key != "charging" ||
		fmt.Sprint(got.Questions[0].Counts) != "[{yes 1} {partly 1} {no 0} {na 0}]" || fmt.Sprint(got.Suggested) != "[{handled_well 1} {handled_well_observations 0} {concerns 1} {not_agreed 0}]" {
		t.Errorf("reviews summary = %d\n%s", code, raw)
	}
	for _, hidden := range append([]string{"DRAFT"}, names...) {
		if strings.Contains(raw, hidden) {
			t.Errorf("the API's summary shows %q", hidden)
		}
	}
	aled := e.signer.Token(links.Claims{MemberID: e.aled, CycleID: st.CycleID, Expires: time.Now().Add(time.Hour)})
	if code, raw := getWithToken(t, api, aled); code != http.StatusUnauthorized || strings.Contains(raw, "adviser") {
		t.Errorf("a member's link on the reviews summary = %d, want 401\n%s", code, raw)
	}

	// Recording the finding from the page: a missing choice is shown beside
	// the field; a chosen one reaches the workflow.
	if code, _, body := coord.post(casePage, url.Values{"case_id": {fmt.Sprint(target.CaseID)}, "rationale": {"Split views"}}, casePage); code != http.StatusUnprocessableEntity ||
		!strings.Contains(body, `href="#category"`) || !strings.Contains(body, "Choose the panel&#39;s finding.") || !strings.Contains(body, "Split views</textarea>") {
		t.Errorf("a finding without a choice = %d\n%s", code, body)
	}
	code, to, body := coord.post(casePage, url.Values{"case_id": {fmt.Sprint(target.CaseID)}, "category": {"concerns"}, "rationale": {"No uplift was sought"}}, casePage)
	if code != http.StatusSeeOther || !strings.HasPrefix(to, casePage+"?done=") {
		t.Fatalf("record the finding = %d %s\n%s", code, to, body)
	}
	if !slices.ContainsFunc(e.cycleStatus(wf).Findings, func(f cycle.Finding) bool {
		return f.CaseID == target.CaseID && f.Category == "concerns" && f.Rationale == "No uplift was sought"
	}) {
		t.Errorf("the workflow's findings %+v lack the one recorded from the page", e.cycleStatus(wf).Findings)
	}
	if _, _, body := coord.get(to); !strings.Contains(body, "Recorded ") || !strings.Contains(body, `value="concerns" checked`) {
		t.Errorf("the page after recording the finding:\n%s", body)
	}

	// The meeting's record made from the pages is audited under the email
	// of the person signed in, as is the approval.
	for path, form := range map[string]url.Values{
		"/attendance":      {fmt.Sprintf("m%d", e.aled): {"present"}},
		"/learning-points": {"text": {"Record hostility at charge"}, "tag": {"prosecution"}},
		"/actions": {"description": {"Brief lawyers"}, "owner_name": {"Area lead"}, "owner_email": {"lead@example.org"},
			"manager_name": {"DCCP"}, "manager_email": {"dccp@example.org"}, "due": {now.AddDate(0, 3, 0).Format(time.DateOnly)}},
	} {
		if code, to, body := coord.post(cyclePage+path, form, cyclePage); code != http.StatusSeeOther || !strings.Contains(to, "done=") {
			t.Errorf("POST %s = %d %s\n%s", path, code, to, body)
		}
	}
	// Aled leaves with his draft still open: the excusal is the
	// coordinator's too.
	if code, to, body := coord.post(cyclePage+"/leave", url.Values{"member_id": {fmt.Sprint(e.aled)}}, cyclePage); code != http.StatusSeeOther {
		t.Errorf("Aled leaves = %d %s\n%s", code, to, body)
	}
	for _, action := range []string{"selection_approved", "attendance_recorded", "learning_point_added", "action_agreed", "reviews_excused"} {
		var actors string
		e.must(e.db.QueryRow(ctx, `SELECT coalesce(string_agg(actor, ','), '') FROM audit_log WHERE action = $1`, action).Scan(&actors))
		if actors != "cath@example.org" {
			t.Errorf("%s audited as %q, want cath@example.org", action, actors)
		}
	}
	var findingBy, recordedBy string
	e.must(e.db.QueryRow(ctx, `SELECT coalesce(string_agg(actor, ','), '') FROM audit_log WHERE action = 'finding_recorded' AND detail->>'case_id' = $1`,
		fmt.Sprint(target.CaseID)).Scan(&findingBy))
	e.must(e.db.QueryRow(ctx, `SELECT recorded_by FROM findings WHERE cycle_id = $1 AND case_id = $2`, st.CycleID, target.CaseID).Scan(&recordedBy))
	if findingBy != "cath@example.org" || recordedBy != "cath@example.org" {
		t.Errorf("the finding from the page is audited as %q and recorded by %q, want cath@example.org", findingBy, recordedBy)
	}

	// Closing the meeting tells the chair's account, once.
	e.update(wf, cycle.UpdateRecordFinding, cycle.Finding{CaseID: inReview[1].CaseID, Category: "handled_well", RecordedBy: "Cath Coordinator"})
	e.update(wf, cycle.UpdateCloseMeeting)
	mail := e.waitMail("zara@example.org", "Draft minutes to approve")
	if !strings.Contains(mail.Text, fmt.Sprintf("/cycles/%d", st.CycleID)) || !strings.Contains(mail.Text, "Dear Zara Chair") {
		t.Errorf("the chair's email:\n%s", mail.Text)
	}
	var rows int
	var to2 string
	e.must(e.db.QueryRow(ctx, `SELECT count(*), string_agg(to_address, ',') FROM outbox WHERE message_key LIKE 'minutes-draft/%'`).Scan(&rows, &to2))
	if rows != 1 || to2 != "zara@example.org" {
		t.Errorf("draft-minutes emails queued: %d to %s, want 1 to zara@example.org", rows, to2)
	}

	// The chair approves the minutes from the page: the issue is audited
	// under her email.
	if code, to, body := chair.post(cyclePage+"/approve-minutes", url.Values{}, cyclePage); code != http.StatusSeeOther || !strings.Contains(to, "done=") {
		t.Fatalf("approve the minutes = %d %s\n%s", code, to, body)
	}
	var issuedBy string
	e.must(e.db.QueryRow(ctx, `SELECT coalesce(string_agg(actor || ' ' || (detail->>'approved_by'), ','), '') FROM audit_log WHERE action = 'minutes_issued'`).Scan(&issuedBy))
	if issuedBy != "zara@example.org zara@example.org" {
		t.Errorf("minutes_issued audited as %q, want zara@example.org approving", issuedBy)
	}
}

// update sends an update to a workflow and waits for it to complete.
func (e *coordEnv) update(workflowID, name string, args ...any) {
	e.t.Helper()
	h, err := e.temporal.UpdateWorkflow(context.Background(), client.UpdateWorkflowOptions{WorkflowID: workflowID, UpdateName: name, Args: args,
		WaitForStage: client.WorkflowUpdateStageCompleted})
	if err == nil {
		err = h.Get(context.Background(), nil)
	}
	if err != nil {
		e.t.Fatalf("update %s: %v", name, err)
	}
}

// reviewsSummaryJSON is the part of the reviews summary the test reads.
type reviewsSummaryJSON struct {
	Submitted int `json:"submitted"`
	Questions []struct {
		Key    string `json:"key"`
		Counts []struct {
			Rating string `json:"rating"`
			Count  int    `json:"count"`
		} `json:"counts"`
	} `json:"questions"`
	Suggested []struct {
		Category string `json:"category"`
		Count    int    `json:"count"`
	} `json:"suggested_findings"`
}

// getWithToken GETs url with a bearer token and returns the status and
// body.
func getWithToken(t *testing.T, url, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}
