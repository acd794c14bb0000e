package server_test

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/lsip/scrutiny/action"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/links"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/uktime"
)

const ownerAddress = "olu@partner.example"

// addOwnedAction adds an action of the Wales panel, due on due, owned by
// owner, with Mo of the Wales Area as its manager.
func (e *coordEnv) addOwnedAction(desc, owner string, due time.Time) int64 {
	e.t.Helper()
	var id int64
	e.must(e.db.QueryRow(context.Background(), `INSERT INTO actions (panel_id, area_id, description, owner_name, owner_email, manager_name, manager_email, due_on)
		SELECT id, area_id, $2, 'Olu Owner', $3, 'Mo Manager', 'mo@example.org', $4 FROM panels WHERE id = $1 RETURNING id`,
		e.panel, desc, owner, due).Scan(&id))
	return id
}

// track starts the action's workflow, as the cycle does when the action
// is agreed.
func (e *coordEnv) track(id int64, timing action.ActionTiming) {
	e.t.Helper()
	_, err := e.temporal.ExecuteWorkflow(context.Background(), client.StartWorkflowOptions{ID: action.WorkflowID(id), TaskQueue: coordQueue},
		action.WorkflowName, action.ActionInput{ActionID: id, Timing: timing})
	e.must(err)
}

// ownerLinkIn is the owner's personal link in an email's text.
func (e *coordEnv) ownerLinkIn(text string) string {
	e.t.Helper()
	m := regexp.MustCompile(regexp.QuoteMeta(e.url) + `(/o/[A-Za-z0-9_-]+)\n`).FindStringSubmatch(text)
	if m == nil {
		e.t.Fatalf("no owner link in:\n%s", text)
	}
	return m[1]
}

// ownerBrowser is the owner's phone: no session, no cookies, redirects
// not followed.
type ownerBrowser struct {
	e      *coordEnv
	client *http.Client
}

func (o ownerBrowser) do(method, path string, form url.Values) (int, string, string) {
	o.e.t.Helper()
	req, _ := http.NewRequest(method, o.e.url+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := o.client.Do(req)
	o.e.must(err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(body)
}

func (e *coordEnv) audits(actor, what string, actionID int64) int {
	e.t.Helper()
	var n int
	e.must(e.db.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE actor = $1 AND action = $2 AND subject_type = 'action' AND subject_id = $3`,
		actor, what, strconv.FormatInt(actionID, 10)).Scan(&n))
	return n
}

// TestOwnerAnswersFromTheirReminder: an action owner without a staff
// account is told the action was agreed, then reminded; from the reminder's
// link, on a page of their own, they add a note, ask for more time and
// complete the action with evidence, each as themselves in the timeline
// and the audit log; opening the page changes nothing and offers none of
// the manager's decisions. The manager's board shows the action completed,
// and the link stops working.
func TestOwnerAnswersFromTheirReminder(t *testing.T) {
	e := startCoordEnv(t, true)
	ctx := context.Background()
	today := uktime.CalendarDay(time.Now())
	due := today.AddDate(0, 0, 2)
	id := e.addOwnedAction("Brief all hate crime lawyers on the s.66 uplift", ownerAddress, due)
	idText := strconv.FormatInt(id, 10)
	// One reminder, a few seconds from now: an offset that is not whole
	// days counts exactly back from 09:00 UK time on the due date.
	y, m, d := due.Date()
	off := time.Date(y, m, d, 9, 0, 0, 0, uktime.London).Sub(time.Now().Add(4 * time.Second)).Truncate(time.Second)
	if off%uktime.Day == 0 {
		off -= time.Second
	}
	e.track(id, action.ActionTiming{Reminders: []time.Duration{off}, Repeat: 7 * uktime.Day, SendAt: 9 * time.Hour})

	agreed := e.waitMail(ownerAddress, "New action for you: A-"+idText)
	if !strings.Contains(agreed.Text, "Brief all hate crime lawyers on the s.66 uplift") || !strings.Contains(agreed.Text, "Please complete it by "+due.Format("Monday 2 January 2006")) {
		t.Errorf("the agreed notice:\n%s", agreed.Text)
	}
	reminder := e.waitMail(ownerAddress, "Reminder: action A-"+idText)
	link := e.ownerLinkIn(reminder.Text)
	if strings.Contains(reminder.Text, "/actions/"+idText) {
		t.Errorf("the owner's reminder links to the staff page:\n%s", reminder.Text)
	}

	o := ownerBrowser{e: e, client: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	count := func(kind string) int {
		var n int
		e.must(e.db.QueryRow(ctx, `SELECT count(*) FROM action_events WHERE action_id = $1 AND kind LIKE $2`, id, kind).Scan(&n))
		return n
	}
	e.waitFor("the reminder on the timeline", func() bool { return count("reminder_sent") == 1 })
	events := count("%")
	code, _, body := o.do("GET", link, nil)
	if code != http.StatusOK || !strings.Contains(body, "Brief all hate crime lawyers on the s.66 uplift") || !strings.Contains(body, `action="`+link+`/complete"`) {
		t.Fatalf("the owner's page = %d\n%s", code, body)
	}
	for _, staffOnly := range []string{"/respond", "/reassign", "/cancel", "/decision", "Sign out", `href="/actions"`} {
		if strings.Contains(body, staffOnly) {
			t.Errorf("the owner's page offers %q", staffOnly)
		}
	}
	if count("%") != events || e.audits(ownerAddress, "owner_link_viewed", id) != 1 {
		t.Errorf("opening the page: %d events (was %d), %d view audits", count("%"), events, e.audits(ownerAddress, "owner_link_viewed", id))
	}

	// A progress note: refused when empty, kept when sent.
	code, _, body = o.do("POST", link+"/notes", url.Values{"note": {"  "}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `href="#progress"`) || !strings.Contains(body, "Write the progress note") {
		t.Errorf("an empty note = %d\n%s", code, body)
	}
	code, loc, _ := o.do("POST", link+"/notes", url.Values{"note": {"Met the police lead on Monday"}})
	if code != http.StatusSeeOther || loc != link+"?done=notes" {
		t.Fatalf("a note = %d to %q", code, loc)
	}
	if _, _, body = o.do("GET", loc, nil); !strings.Contains(body, "Your progress note is added.") || !strings.Contains(body, "Met the police lead on Monday") {
		t.Errorf("after the note:\n%s", body)
	}

	// More time: a mistyped date is explained and the reason kept.
	code, _, body = o.do("POST", link+"/extension", url.Values{"due": {"next week"}, "note": {"Waiting for the police's data"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `href="#due"`) || !strings.Contains(body, "Waiting for the police&#39;s data</textarea>") {
		t.Errorf("a mistyped date = %d\n%s", code, body)
	}
	code, _, body = o.do("POST", link+"/extension", url.Values{"due": {today.Format(time.DateOnly)}, "note": {"Waiting for the police's data"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "The new due date must be after") {
		t.Errorf("a date before the due date = %d\n%s", code, body)
	}
	newDue := due.AddDate(0, 0, 14)
	if code, loc, _ = o.do("POST", link+"/extension", url.Values{"due": {newDue.Format(time.DateOnly)}, "note": {"Waiting for the police's data"}}); code != http.StatusSeeOther {
		t.Fatalf("asking for more time = %d", code)
	}
	var extTo *time.Time
	e.must(e.db.QueryRow(ctx, `SELECT extension_requested_to FROM actions WHERE id = $1`, id).Scan(&extTo))
	if extTo == nil || !extTo.Equal(newDue) {
		t.Errorf("extension stored as %v, want %v", extTo, newDue)
	}
	if _, _, body = o.do("GET", loc, nil); !strings.Contains(html.UnescapeString(body), "waiting for the manager's decision") || strings.Contains(body, `action="`+link+`/extension"`) {
		t.Errorf("after asking for more time:\n%s", body)
	}

	// Completion with evidence.
	if code, _, body = o.do("POST", link+"/complete", url.Values{"evidence": {"https://intranet.example/briefing"}}); code != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "https://intranet.example/briefing</textarea>") {
		t.Errorf("completing without saying what was done = %d\n%s", code, body)
	}
	code, _, body = o.do("POST", link+"/complete", url.Values{"note": {"All lawyers briefed"}, "evidence": {"https://intranet.example/briefing"}})
	if code != http.StatusOK || !strings.Contains(body, "is recorded as completed") {
		t.Fatalf("completing = %d\n%s", code, body)
	}
	var status, evidence string
	e.must(e.db.QueryRow(ctx, `SELECT status, coalesce(completion_evidence, '') FROM actions WHERE id = $1`, id).Scan(&status, &evidence))
	if status != string(domain.ActionCompleted) || evidence != "https://intranet.example/briefing" {
		t.Errorf("in PostgreSQL: %s, evidence %q", status, evidence)
	}
	rows, err := e.db.Query(ctx, `SELECT kind FROM action_events WHERE action_id = $1 AND actor = $2 ORDER BY seq`, id, ownerAddress)
	e.must(err)
	var kinds []string
	for rows.Next() {
		var k string
		e.must(rows.Scan(&k))
		kinds = append(kinds, k)
	}
	if strings.Join(kinds, ",") != "progress_note,extension_requested,completed" {
		t.Errorf("the owner's events: %v", kinds)
	}
	for _, a := range []string{"action_progress_note", "action_extension_requested", "action_completed"} {
		if n := e.audits(ownerAddress, a, id); n != 1 {
			t.Errorf("%d %s audit entries by the owner", n, a)
		}
	}

	// The manager's board shows it completed.
	var wales int16
	e.must(e.db.QueryRow(ctx, `SELECT id FROM areas WHERE code = 'wales'`).Scan(&wales))
	mo := e.staff(store.User{Name: "Mo Manager", Email: "mo@example.org", Role: domain.StaffManager, AreaID: &wales})
	code, _, body = mo.get("/actions?status=completed")
	if code != http.StatusOK || !strings.Contains(body, "A-"+idText+": Brief all hate crime lawyers") || !strings.Contains(body, "Completed") {
		t.Errorf("the manager's board = %d\n%s", code, body)
	}

	// The link has done its work.
	if code, _, body = o.do("GET", link, nil); code != http.StatusForbidden || !strings.Contains(body, "This action is closed") {
		t.Errorf("the link after completion = %d\n%s", code, body)
	}
	if e.audits("owner link", "owner_link_refused", id) != 1 {
		t.Error("the refusal is not audited")
	}
}

// TestOwnerLinkRefused: a forged, an expired, a member's, another action's
// and a reassigned owner's link are all refused.
func TestOwnerLinkRefused(t *testing.T) {
	e := startCoordEnv(t, true)
	o := ownerBrowser{e: e, client: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	due := uktime.CalendarDay(time.Now()).AddDate(0, 1, 0)
	mine := e.addOwnedAction("Publish the panel's findings", ownerAddress, due)
	others := e.addOwnedAction("Review the charging advice", "pat@partner.example", due)
	e.track(mine, action.ActionTiming{})
	link := e.ownerLinkIn(e.waitMail(ownerAddress, "New action for you: A-"+strconv.FormatInt(mine, 10)).Text)
	if code, _, _ := o.do("GET", link, nil); code != http.StatusOK {
		t.Fatalf("the owner's own link = %d", code)
	}

	token := strings.TrimPrefix(link, "/o/")
	forged := []byte(token)
	forged[4] ^= 1
	for name, tc := range map[string]struct {
		token string
		want  int
	}{
		"forged":         {string(forged), http.StatusUnauthorized},
		"expired":        {e.signer.OwnerToken(links.OwnerClaims{ActionID: mine, Email: ownerAddress, Expires: time.Now().Add(-time.Minute)}), http.StatusUnauthorized},
		"a member's":     {e.signer.Token(links.Claims{MemberID: e.aled, CycleID: 1, Expires: time.Now().Add(time.Hour)}), http.StatusUnauthorized},
		"another action": {e.signer.OwnerToken(links.OwnerClaims{ActionID: others, Email: ownerAddress, Expires: time.Now().Add(time.Hour)}), http.StatusForbidden},
	} {
		for _, path := range []string{"", "/notes"} {
			method := "GET"
			if path != "" {
				method = "POST"
			}
			if code, _, _ := o.do(method, "/o/"+tc.token+path, url.Values{"note": {"Done"}}); code != tc.want {
				t.Errorf("%s link, %s %s: %d, want %d", name, method, path, code, tc.want)
			}
		}
	}

	// The manager reassigns the action: the old owner's link stops working.
	var wales int16
	e.must(e.db.QueryRow(context.Background(), `SELECT id FROM areas WHERE code = 'wales'`).Scan(&wales))
	mo := e.staff(store.User{Name: "Mo Manager", Email: "mo@example.org", Role: domain.StaffManager, AreaID: &wales})
	page := "/actions/" + strconv.FormatInt(mine, 10)
	if code, _, body := mo.post(page+"/reassign", url.Values{"name": {"Nia New"}, "email": {"nia@partner.example"}}, page); code != http.StatusSeeOther {
		t.Fatalf("reassigning = %d\n%s", code, body)
	}
	code, _, body := o.do("GET", link, nil)
	if code != http.StatusForbidden || !strings.Contains(body, "now has another owner") {
		t.Errorf("the old owner's link after reassignment = %d\n%s", code, body)
	}
	if code, _, _ := o.do("POST", link+"/notes", url.Values{"note": {"Still on it"}}); code != http.StatusForbidden {
		t.Errorf("a note from the old owner's link = %d", code)
	}
}
