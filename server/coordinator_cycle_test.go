package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/links"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/uktime"
)

// TestCyclePageManagesTheCycle: on the cycle page a coordinator sees the
// members' replies to the invitation; moving the meeting first shows each
// stage's date before and after; a member leaving mid-cycle is told to the
// cycle and their link stops (and so is a deactivation through the API's
// PATCH); cancelling needs a reason, which the members
// are sent, and is audited under the coordinator's email; the key
// messages download from the page.
func TestCyclePageManagesTheCycle(t *testing.T) {
	e := startCoordEnv(t, true)
	e.seedCases()
	ctx := context.Background()
	e.must(func() error {
		_, err := e.db.Exec(ctx, `UPDATE members SET email = 'bea@example.org' WHERE id = $1`, e.bea)
		return err
	}())
	var cai int64
	e.must(e.db.QueryRow(ctx, `INSERT INTO members (panel_id, name, email, role, confidentiality_signed_on) VALUES ($1, 'Cai Evans', 'cai@example.org', 'member', current_date) RETURNING id`, e.panel).Scan(&cai))
	b := e.staff(store.User{Name: "Cath", Email: "cath@example.org", Role: domain.StaffCoordinator, PanelIDs: []int64{e.panel}})
	cycleID, wf := e.startCycle(b)
	page := fmt.Sprintf("/cycles/%d", cycleID)
	st := e.cycleStatus(wf)

	aled := e.signer.Token(links.Claims{MemberID: e.aled, CycleID: cycleID, Expires: time.Now().Add(time.Hour)})
	resp, err := http.Post(e.url+"/api/v1/m/"+aled+"/rsvp", "application/json", strings.NewReader(`{"response": "attending"}`))
	e.must(err)
	resp.Body.Close()
	_, _, body := b.get(page)
	if !strings.Contains(body, "<td>Aled Jones</td><td>Attending</td>") || !strings.Contains(body, "<td>Bea Khan</td><td>No reply yet</td>") {
		t.Errorf("the cycle page's replies:\n%s", body)
	}

	newStart := st.Meeting.Start.AddDate(0, 0, 7).In(uktime.London)
	move := url.Values{"meeting_start": {newStart.Format("2006-01-02 15:04")}, "hours": {"2"}, "location": {"Swansea office"}}
	code, _, body := b.post(page+"/reschedule", move, page)
	if code != http.StatusOK {
		t.Fatalf("see what moves = %d\n%s", code, body)
	}
	after := cycle.DefaultTiming().ScheduleFor(newStart)
	for _, want := range []string{
		"<th scope=\"row\">Reviews due</th><td>" + uktime.Time(st.Schedule.ReviewsDue) + "</td><td>" + uktime.Time(after.ReviewsDue) + "</td>",
		"<th scope=\"row\">Conflict of interest check</th><td>" + uktime.Time(st.Schedule.ConflictCheck) + "</td><td>" + uktime.Time(after.ConflictCheck) + "</td>",
		`name="confirm" value="yes"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the reschedule page lacks %q:\n%s", want, body)
		}
	}
	if got := e.cycleStatus(wf).Meeting.Start; !got.Equal(st.Meeting.Start) {
		t.Errorf("showing what moves moved the meeting to %v", got)
	}
	if code, _, body = b.post(page+"/reschedule", url.Values{"meeting_start": {"next Tuesday"}, "location": {"Swansea office"}}, page); code != http.StatusUnprocessableEntity ||
		!strings.Contains(body, `href="#meeting.start"`) {
		t.Errorf("a mistyped date = %d\n%s", code, body)
	}

	if code, _, body = b.post(page+"/leave", url.Values{"member_id": {fmt.Sprint(e.bea)}}, page); code != http.StatusSeeOther {
		t.Fatalf("Bea leaves = %d\n%s", code, body)
	}
	if !slices.ContainsFunc(e.cycleStatus(wf).Members, func(m cycle.MemberStatus) bool { return m.MemberID == e.bea && m.Left }) {
		t.Error("the cycle was not told Bea left")
	}
	bea := e.signer.Token(links.Claims{MemberID: e.bea, CycleID: cycleID, Expires: time.Now().Add(time.Hour)})
	if e.memberLinkWorks(bea) {
		t.Error("Bea's link works after she left")
	}

	// The API's deactivation tells the running cycle too.
	userID, err := e.st.CreateUser(ctx, store.User{Name: "Cath API", Email: "cath.api@example.org", Role: domain.StaffCoordinator, PanelIDs: []int64{e.panel}})
	e.must(err)
	token, err := e.st.IssueToken(ctx, userID, "t")
	e.must(err)
	req, _ := http.NewRequest(http.MethodPatch, fmt.Sprintf("%s/api/v1/members/%d", e.url, cai), strings.NewReader(`{"active": false}`))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err = http.DefaultClient.Do(req)
	e.must(err)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !slices.ContainsFunc(e.cycleStatus(wf).Members, func(m cycle.MemberStatus) bool { return m.MemberID == cai && m.Left }) {
		t.Errorf("PATCH active=false = %d, and the cycle was not told Cai left", resp.StatusCode)
	}

	if code, _, body = b.post(page+"/cancel", url.Values{"reason": {""}}, page); code != http.StatusUnprocessableEntity || !strings.Contains(body, "Give the reason") {
		t.Errorf("cancel without a reason = %d\n%s", code, body)
	}
	if code, _, body = b.post(page+"/cancel", url.Values{"reason": {"The chair is unavailable"}}, page); code != http.StatusSeeOther {
		t.Fatalf("cancel = %d\n%s", code, body)
	}
	notice := e.waitMail("aled@example.org", "Cancelled")
	if !strings.Contains(notice.Text, "The chair is unavailable") {
		t.Errorf("the cancellation Aled received:\n%s", notice.Text)
	}
	var cancelledBy string
	e.must(e.db.QueryRow(ctx, `SELECT coalesce(string_agg(actor, ','), '') FROM audit_log WHERE action = 'cycle_cancelled' AND subject_id = $1`, fmt.Sprint(cycleID)).Scan(&cancelledBy))
	if cancelledBy != "cath@example.org" {
		t.Errorf("the cancellation is audited as %q, want cath@example.org (the person signed in)", cancelledBy)
	}

	e.must(func() error {
		_, err := e.db.Exec(ctx, `INSERT INTO files (kind, cycle_id, filename, content_type, content, sha256) VALUES ('key_messages', $1, 'key-messages.xlsx', 'application/octet-stream', 'KM', 'x')`, cycleID)
		return err
	}())
	if code, _, body = b.get(page + "/key-messages.xlsx"); code != http.StatusOK || body != "KM" {
		t.Errorf("key messages = %d %q", code, body)
	}
}

// TestGovernanceReportPage: a manager downloads the governance report for
// a period from the page; a mistyped date is explained beside its field.
func TestGovernanceReportPage(t *testing.T) {
	e := startCoordEnv(t, false)
	var wales int16
	e.must(e.db.QueryRow(context.Background(), `SELECT id FROM areas WHERE code = 'wales'`).Scan(&wales))
	b := e.staff(store.User{Name: "Mo", Email: "mo@example.org", Role: domain.StaffManager, AreaID: &wales})
	if code, _, body := b.get("/reports/governance"); code != http.StatusOK || !strings.Contains(body, `action="/reports/governance.xlsx"`) {
		t.Fatalf("report page = %d\n%s", code, body)
	}
	code, _, body := b.get("/reports/governance.xlsx?from=2026-04-01&to=31%2F03%2F2027")
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `href="#to"`) || !strings.Contains(body, `value="2026-04-01"`) {
		t.Errorf("a mistyped date = %d\n%s", code, body)
	}
	resp, err := b.client.Get(e.url + "/reports/governance.xlsx?from=2026-04-01&to=2027-03-31")
	e.must(err)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Disposition"), "governance-report-2026-04-01-to-2027-03-31.xlsx") {
		t.Errorf("report download = %d %q", resp.StatusCode, resp.Header.Get("Content-Disposition"))
	}
}
