package server_test

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strings"
	"testing"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
)

// seedCommunity gives the coordEnv's Wales panel a cycle met in May 2026
// with its minutes issued: 3 race and 6 disability cases, a themed
// learning point quoting a case reference, and a completed action with the
// organisation's response.
func (e *coordEnv) seedCommunity() (cycle int64) {
	ctx := context.Background()
	e.must(e.db.QueryRow(ctx, `INSERT INTO cycles (panel_id, workflow_id, window_start, window_end, quotas, started_by, coordinator_name, coordinator_email, stage)
		VALUES ($1, 'community-1', '2026-01-01', '2026-03-31', '{}', 't', 'Cerys Coordinator', 'cerys@example.org', 'closed') RETURNING id`, e.panel).Scan(&cycle))
	_, err := e.db.Exec(ctx, `INSERT INTO meetings (cycle_id, starts_at, ends_at, ics_uid) VALUES ($1, '2026-05-10 17:00Z', '2026-05-10 19:00Z', 'uid-community')`, cycle)
	e.must(err)
	_, err = e.db.Exec(ctx, `INSERT INTO audit_log (actor, action, subject_type, subject_id) VALUES ('chair@example.org', 'minutes_issued', 'cycle', $1)`, fmt.Sprint(cycle))
	e.must(err)
	for i := range 9 {
		strand := "race"
		if i >= 3 {
			strand = "disability"
		}
		var c int64
		e.must(e.db.QueryRow(ctx, `INSERT INTO cases (area_id, reference, category, principal_offence, finalised_on, outcome, summary)
			SELECT id, $1, 'hate_crime', 'Harassment', '2026-02-01', 'conviction_plea', 'SECRET SUMMARY' FROM areas WHERE code = 'wales' RETURNING id`, fmt.Sprintf("WAL-C-%d", i)).Scan(&c))
		_, err = e.db.Exec(ctx, `INSERT INTO case_strands VALUES ($1, $2)`, c, strand)
		e.must(err)
		_, err = e.db.Exec(ctx, `INSERT INTO cycle_cases (cycle_id, case_id, stratum, draw_position, role, status) VALUES ($1, $2, $3, 0, 'selected', 'approved')`, cycle, c, strand)
		e.must(err)
	}
	_, err = e.db.Exec(ctx, `INSERT INTO learning_points (cycle_id, case_id, text, tag, theme)
		SELECT $1, id, 'WAL-C-1 showed hostility evidence was missed', 'prosecution', 'hostility_evidence' FROM cases WHERE reference = 'WAL-C-1'`, cycle)
	e.must(err)
	_, err = e.db.Exec(ctx, `INSERT INTO actions (panel_id, area_id, cycle_id, description, owner_name, owner_email, manager_name, manager_email, due_on, status, response, completion_note, created_at, closed_at)
		SELECT $1, area_id, $2, 'Train lawyers on hostility evidence', 'Owen Owner', 'owen@example.org', 'Mona Manager', 'mona@example.org', '2026-07-01',
			'completed', 'accepted', 'Training given', '2026-05-11', '2026-06-20' FROM panels WHERE id = $1`, e.panel, cycle)
	e.must(err)
	return cycle
}

const communityPeriod = "from=2026-04-01&to=2026-09-30"

// TestCommunityUpdatePage: the update's page and its Easy Read layout show
// the themed learning and the response, a figure of 3 as "fewer than 5",
// and no case reference, summary or name; the Easy Read layout has its
// large-type class and plain sentences; neither has a script.
func TestCommunityUpdatePage(t *testing.T) {
	e := startCoordEnv(t, false)
	e.seedCommunity()
	coord := e.staff(store.User{Name: "Cerys Coordinator", Email: "cerys@example.org", Role: domain.StaffCoordinator, PanelIDs: []int64{e.panel}})
	for _, layout := range []string{"", "&layout=easyread"} {
		code, _, body := coord.get("/community/wales/update?" + communityPeriod + layout)
		if code != 200 {
			t.Fatalf("%q: %d\n%s", layout, code, body)
		}
		for _, want := range []string{"Hostility evidence", "hostility evidence was missed", "Train lawyers on hostility evidence", "Race: fewer than 5", "Disability: 6"} {
			if !strings.Contains(body, want) {
				t.Errorf("%q lacks %q:\n%s", layout, want, body)
			}
		}
		for _, never := range []string{"WAL-C", "SECRET", "Owen", "owen@", "Mona", "<script", " 3 cases", ": 3<"} {
			if strings.Contains(body, never) {
				t.Errorf("%q shows %q:\n%s", layout, never, body)
			}
		}
		easy := strings.Contains(body, `class="community easyread"`)
		if easy != (layout != "") {
			t.Errorf("%q: Easy Read class present %v", layout, easy)
		}
		if layout != "" && !strings.Contains(body, "We agreed to do this.") {
			t.Errorf("Easy Read lacks the plain response:\n%s", body)
		}
	}
	code, _, body := coord.get("/community/wales?" + communityPeriod)
	if code != 200 || !strings.Contains(body, `href="/community/wales/update?from=2026-04-01&amp;to=2026-09-30&amp;layout=easyread"`) {
		t.Errorf("the community page's Easy Read link: %d\n%s", code, body)
	}
	code, _, body = coord.get("/community/london-north/update?" + communityPeriod)
	if code != 403 {
		t.Errorf("another Area: %d\n%s", code, body)
	}
	resp, err := coord.client.Get(e.url + "/community/wales/update?download=yes&layout=easyread&" + communityPeriod)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") || !strings.Contains(string(page), "<style>") || strings.Contains(string(page), "/static/") {
		t.Errorf("the downloaded page does not stand alone: %v\n%s", resp.Header, page)
	}
	resp, err = coord.client.Get(e.url + "/community/wales/update.xlsx?" + communityPeriod)
	if err != nil || resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Errorf("workbook: %v %v", resp, err)
	}
	resp.Body.Close()
}

// TestCommunityGroupsBadInput: the groups form names the wrong field and
// adds nothing.
func TestCommunityGroupsBadInput(t *testing.T) {
	e := startCoordEnv(t, false)
	coord := e.staff(store.User{Name: "Cerys Coordinator", Email: "cerys@example.org", Role: domain.StaffCoordinator, PanelIDs: []int64{e.panel}})
	code, _, body := coord.post("/community/wales/groups", url.Values{"name": {"Cardiff Forum"}, "email": {"not-an-address"}, "language": {"fr"}}, "/community/wales")
	if code != 422 || !strings.Contains(body, `href="#email"`) || !strings.Contains(body, `href="#language"`) || strings.Contains(body, `href="#name"`) {
		t.Errorf("bad group: %d\n%s", code, body)
	}
	var n int
	e.must(e.db.QueryRow(context.Background(), `SELECT count(*) FROM community_groups`).Scan(&n))
	if n != 0 {
		t.Errorf("%d groups added", n)
	}
}

// TestCommunityUpdateSend: the coordinator sends the period's update and
// each group gets exactly one email carrying it, with no case detail or
// name; a second send for the period is refused and sends nothing.
func TestCommunityUpdateSend(t *testing.T) {
	e := startCoordEnv(t, true)
	e.seedCommunity()
	coord := e.staff(store.User{Name: "Cerys Coordinator", Email: "cerys@example.org", Role: domain.StaffCoordinator, PanelIDs: []int64{e.panel}})
	for _, g := range [][2]string{{"Cardiff Forum", "forum@example.org"}, {"Swansea Women's Aid", "aid@example.org"}} {
		if code, _, body := coord.post("/community/wales/groups", url.Values{"name": {g[0]}, "email": {g[1]}, "language": {"en"}}, "/community/wales"); code != 303 {
			t.Fatalf("add %s: %d\n%s", g[0], code, body)
		}
	}
	form := url.Values{"from": {"2026-04-01"}, "to": {"2026-09-30"}}
	code, location, body := coord.post("/community/wales/send", form, "/community/wales")
	if code != 303 {
		t.Fatalf("send: %d\n%s", code, body)
	}
	if _, _, body := coord.get(location); !strings.Contains(body, "The update is on its way to 2 groups.") || !strings.Contains(body, `value="2026-09-30"`) {
		t.Errorf("after sending, %s shows:\n%s", location, body)
	}
	for _, to := range []string{"forum@example.org", "aid@example.org"} {
		m := e.waitMail(to, "You said, we did: Wales")
		if !strings.Contains(m.HTML, "hostility evidence was missed") || !strings.Contains(m.HTML, "Race: fewer than 5") {
			t.Errorf("%s: the email lacks the update:\n%s", to, m.HTML)
		}
		for _, never := range []string{"WAL-C", "SECRET", "Owen", "Mona", "cerys@"} {
			if strings.Contains(m.HTML+m.Text, never) {
				t.Errorf("%s: the email shows %q", to, never)
			}
		}
	}
	code, _, body = coord.post("/community/wales/send", form, "/community/wales")
	if code != 422 || !strings.Contains(body, "already been sent") {
		t.Errorf("second send: %d\n%s", code, body)
	}
	var queued int
	e.must(e.db.QueryRow(context.Background(), `SELECT count(*) FROM outbox WHERE message_key LIKE 'community/%'`).Scan(&queued))
	e.waitFor("both emails delivered", func() bool { return len(e.mail.Messages()) >= 2 })
	perGroup := map[string]int{}
	for _, m := range e.mail.Messages() {
		perGroup[strings.Join(m.EnvelopeTo, ",")]++
	}
	if queued != 2 || perGroup["forum@example.org"] != 1 || perGroup["aid@example.org"] != 1 || len(perGroup) != 2 {
		t.Errorf("queued %d, delivered %v: want one email to each group", queued, perGroup)
	}
}

// TestKeyMessagesEasyRead: a cycle's key messages are a page once the
// minutes are issued, plain and in Easy Read (large-type class, plain
// sentences), grouped by audience, with case references replaced and the
// number of cases shown as the public sees it.
func TestKeyMessagesEasyRead(t *testing.T) {
	e := startCoordEnv(t, false)
	cycle := e.seedCommunity()
	coord := e.staff(store.User{Name: "Cerys Coordinator", Email: "cerys@example.org", Role: domain.StaffCoordinator, PanelIDs: []int64{e.panel}})
	path := fmt.Sprintf("/cycles/%d/key-messages", cycle)
	if code, _, body := coord.get(path); code != 404 || !strings.Contains(body, "when the minutes are issued") {
		t.Errorf("before the key messages exist: %d\n%s", code, body)
	}
	_, err := e.db.Exec(context.Background(), `INSERT INTO files (kind, cycle_id, filename, content_type, content, sha256) VALUES ('key_messages', $1, 'k.xlsx', 'x', 'x', 'x')`, cycle)
	e.must(err)
	for _, layout := range []string{"", "?layout=easyread"} {
		code, _, body := coord.get(path + layout)
		if code != 200 {
			t.Fatalf("%q: %d\n%s", layout, code, body)
		}
		for _, want := range []string{"For the Prosecution service", "a case showed hostility evidence was missed", "Wales LSIP", "May 2026"} {
			if !strings.Contains(body, want) {
				t.Errorf("%q lacks %q:\n%s", layout, want, body)
			}
		}
		if strings.Contains(body, "WAL-C") || strings.Contains(body, "<script") {
			t.Errorf("%q shows a case reference or a script:\n%s", layout, body)
		}
		if easy := strings.Contains(body, `class="community easyread"`); easy != (layout != "") {
			t.Errorf("%q: Easy Read class present %v", layout, easy)
		}
		if layout != "" && !strings.Contains(body, "The panel looked at 9 cases.") {
			t.Errorf("Easy Read lacks the plain count:\n%s", body)
		}
	}
}
