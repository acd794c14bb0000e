package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/uktime"
)

// startCycle starts a cycle for the panel from the page, with the meeting
// in 40 days, and waits for its selection; it returns the cycle's ID and
// workflow ID.
func (e *coordEnv) startCycle(b *coordBrowser) (int64, string) {
	e.t.Helper()
	now := time.Now().In(uktime.London)
	code, to, body := b.post("/cycles/new", url.Values{"panel_id": {strconv.FormatInt(e.panel, 10)}, "window_start": {now.AddDate(0, -3, 0).Format(time.DateOnly)},
		"window_end": {now.Format(time.DateOnly)}, "quotas": {"race=2, disability=1"}, "meeting_start": {now.AddDate(0, 0, 40).Format(time.DateOnly) + " 18:00"},
		"hours": {"2"}, "location": {"Cardiff office"}}, "/cycles/new")
	if code != http.StatusSeeOther {
		e.t.Fatalf("start a cycle = %d\n%s", code, body)
	}
	id, _ := strconv.ParseInt(strings.TrimPrefix(strings.Split(to, "?")[0], "/cycles/"), 10, 64)
	var wf string
	e.must(e.db.QueryRow(context.Background(), `SELECT workflow_id FROM cycles WHERE id = $1`, id).Scan(&wf))
	e.waitFor("the selection", func() bool { return e.cycleStatus(wf).Stage == domain.StageCoordinatorCheck })
	return id, wf
}

// cycleStatus asks the running cycle how it stands.
func (e *coordEnv) cycleStatus(workflowID string) cycle.CycleStatus {
	e.t.Helper()
	v, err := e.temporal.QueryWorkflow(context.Background(), workflowID, "", cycle.QueryStatus)
	var st cycle.CycleStatus
	if err == nil {
		err = v.Get(&st)
	}
	if err != nil {
		e.t.Fatalf("cycle status: %v", err)
	}
	return st
}

// linkIn is the token of the personal link in an email's text.
func linkIn(t *testing.T, text string) string {
	t.Helper()
	m := regexp.MustCompile(`/m/([A-Za-z0-9_-]+)`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no personal link in\n%s", text)
	}
	return m[1]
}

// TestMemberPages: a coordinator adds and edits members on the panel's
// page (a bad address is explained beside its field); after Bea's invite
// bounces and a reschedule's invite is held for her, correcting her
// address sends the held invite to the new one; re-issuing Aled's link
// stops the old one and emails a new one that works; deactivating Aled
// tells the running cycle, which marks him left, and his link stops.
func TestMemberPages(t *testing.T) {
	e := startCoordEnv(t, true)
	e.seedCases()
	ctx := context.Background()
	b := e.staff(store.User{Name: "Cath", Email: "cath@example.org", Role: domain.StaffCoordinator, PanelIDs: []int64{e.panel}})
	membersPage := fmt.Sprintf("/panels/%d/members", e.panel)

	code, _, body := b.post(membersPage, url.Values{"name": {"Cai Evans"}, "email": {"not an address"}, "role": {"adviser"}, "language": {"cy"}}, membersPage)
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `href="#email"`) || !strings.Contains(body, `value="Cai Evans"`) {
		t.Fatalf("a bad address = %d\n%s", code, body)
	}
	if code, _, body = b.post(membersPage, url.Values{"name": {"Cai Evans"}, "email": {"cai@example.org"}, "role": {"adviser"}, "language": {"cy"}}, membersPage); code != http.StatusSeeOther {
		t.Fatalf("add a member = %d\n%s", code, body)
	}
	var cai int64
	e.must(e.db.QueryRow(ctx, `SELECT id FROM members WHERE email = 'cai@example.org'`).Scan(&cai))
	if _, _, body = b.get(membersPage); !strings.Contains(body, "Cai Evans") || !strings.Contains(body, "Welsh") || !strings.Contains(body, "Adviser") {
		t.Errorf("the members page does not list the new member:\n%s", body)
	}
	caiPage := fmt.Sprintf("/members/%d", cai)
	if code, _, body = b.post(caiPage, url.Values{"name": {"Cai Evans-Price"}, "email": {"cai@example.org"}, "role": {"chair"}, "language": {"en"}}, caiPage); code != http.StatusSeeOther {
		t.Fatalf("edit a member = %d\n%s", code, body)
	}
	var name, role, lang string
	e.must(e.db.QueryRow(ctx, `SELECT name, role, language FROM members WHERE id = $1`, cai).Scan(&name, &role, &lang))
	if name != "Cai Evans-Price" || role != "chair" || lang != "en" {
		t.Errorf("after the edit: %s, %s, %s", name, role, lang)
	}

	cycleID, wf := e.startCycle(b)
	aledInvite := e.waitMail("aled@example.org", "Meeting invitation")
	oldLink := linkIn(t, aledInvite.Text)
	e.waitFor("Bea's invite to bounce", func() bool {
		var bounced bool
		e.must(e.db.QueryRow(ctx, `SELECT unreachable_since IS NOT NULL FROM members WHERE id = $1`, e.bea).Scan(&bounced))
		return bounced
	})
	cyclePage := fmt.Sprintf("/cycles/%d", cycleID)
	newStart := time.Now().In(uktime.London).AddDate(0, 0, 45).Format(time.DateOnly) + " 18:00"
	if code, to, body := b.post(cyclePage+"/reschedule", url.Values{"meeting_start": {newStart}, "hours": {"2"}, "location": {"Swansea office"}, "confirm": {"yes"}}, cyclePage); code != http.StatusSeeOther {
		t.Fatalf("reschedule = %d to %q\n%s", code, to, body)
	}
	e.waitFor("Bea's changed invite to be held", func() bool {
		var held int
		e.must(e.db.QueryRow(ctx, `SELECT count(*) FROM outbox WHERE member_id = $1 AND status = 'held'`, e.bea).Scan(&held))
		return held == 1
	})
	beaPage := fmt.Sprintf("/members/%d", e.bea)
	if _, _, body = b.get(beaPage); !strings.Contains(body, "Email to this member bounced") || !strings.Contains(body, "1 email is held") {
		t.Errorf("Bea's page does not show the bounce and the held email:\n%s", body)
	}
	code, to, _ := b.post(beaPage, url.Values{"name": {"Bea Khan"}, "email": {"bea@example.org"}, "role": {"member"}, "language": {"en"}}, beaPage)
	if code != http.StatusSeeOther {
		t.Fatalf("correct Bea's address = %d", code)
	}
	if _, _, body = b.get(to); !strings.Contains(body, "1 held email is sent again") {
		t.Errorf("the confirmation does not mention the held email:\n%s", body)
	}
	resent := e.waitMail("bea@example.org", "Meeting changed")
	if !strings.Contains(resent.Text, "Swansea office") {
		t.Errorf("the held invite that arrived:\n%s", resent.Text)
	}
	var unreachable bool
	e.must(e.db.QueryRow(ctx, `SELECT unreachable_since IS NOT NULL FROM members WHERE id = $1`, e.bea).Scan(&unreachable))
	if unreachable {
		t.Error("Bea is still marked unreachable")
	}

	if !e.memberLinkWorks(oldLink) {
		t.Fatal("Aled's link did not work before it was re-issued")
	}
	aledPage := fmt.Sprintf("/members/%d", e.aled)
	if code, _, body = b.post(aledPage+"/link", url.Values{}, aledPage); code != http.StatusSeeOther {
		t.Fatalf("re-issue Aled's link = %d\n%s", code, body)
	}
	if e.memberLinkWorks(oldLink) {
		t.Error("Aled's old link still works after it was re-issued")
	}
	newLink := linkIn(t, e.waitMail("aled@example.org", "Your new personal link").Text)
	if newLink == oldLink || !e.memberLinkWorks(newLink) {
		t.Errorf("Aled's new link does not work (same as the old: %v)", newLink == oldLink)
	}

	if code, to, body = b.post(aledPage+"/deactivate", url.Values{}, aledPage); code != http.StatusSeeOther {
		t.Fatalf("deactivate Aled = %d\n%s", code, body)
	}
	if _, _, body = b.get(to); !strings.Contains(body, "1 running cycle was told") {
		t.Errorf("the confirmation does not say the cycle was told:\n%s", body)
	}
	st := e.cycleStatus(wf)
	if !slices.ContainsFunc(st.Members, func(m cycle.MemberStatus) bool { return m.MemberID == e.aled && m.Left }) {
		t.Errorf("the cycle was not told Aled left: %+v", st.Members)
	}
	if e.memberLinkWorks(newLink) {
		t.Error("a deactivated member's link still works")
	}
}
