package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/i18n"
	"github.com/lsip/scrutiny/store"
)

// sendJSON sends body to the API at url with a bearer token and returns
// the status, the content type and the body.
func sendJSON(t *testing.T, method, url, token, body string) (int, string, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, bytes.NewBufferString(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(raw)
}

// TestAdminSetsAPanelBilingual: an admin makes a panel bilingual on its
// page and back again, each change stored and audited, and a panel
// created through the API as bilingual is listed as bilingual.
func TestAdminSetsAPanelBilingual(t *testing.T) {
	e := startAdminEnv(t)
	ctx := context.Background()
	admin := e.signedIn(store.User{Name: "Ada Admin", Email: "ada@cps.example", Role: domain.StaffAdmin})

	code, to, body := admin.post("/admin/panels/new", url.Values{"area": {"wales"}, "name": {"Wales LSIP"}, "covers": {"hate_crime"}, "strands": {"race"}, "bilingual": {"true"}})
	if code != http.StatusSeeOther {
		t.Fatalf("creating = %d to %q\n%s", code, to, body)
	}
	var panel int64
	var bilingual bool
	if err := e.db.QueryRow(ctx, `SELECT id, bilingual FROM panels WHERE name = 'Wales LSIP'`).Scan(&panel, &bilingual); err != nil || !bilingual {
		t.Fatalf("created bilingual = %v (%v), want true", bilingual, err)
	}
	path := "/admin/panels/" + adminID(panel)
	if _, _, body := admin.get(path); !strings.Contains(body, `name="bilingual" value="true" checked`) || !strings.Contains(body, "Welsh and English in every member email") {
		t.Errorf("the panel's page does not show it bilingual\n%s", body)
	}
	// An unticked box is not posted: the panel writes in each member's
	// own language again.
	if code, to, body := admin.post(path, url.Values{"name": {"Wales LSIP"}, "covers": {"hate_crime"}, "strands": {"race"}}); code != http.StatusSeeOther {
		t.Fatalf("editing = %d to %q\n%s", code, to, body)
	}
	if err := e.db.QueryRow(ctx, `SELECT bilingual FROM panels WHERE id = $1`, panel).Scan(&bilingual); err != nil || bilingual {
		t.Errorf("after unticking, bilingual = %v (%v), want false", bilingual, err)
	}
	for action, want := range map[string]string{"panel_created": "true", "panel_updated": "false"} {
		if n := e.count(`SELECT count(*) FROM audit_log WHERE action = $1 AND subject_id = $2 AND detail->>'bilingual' = $3`, action, adminID(panel), want); n != 1 {
			t.Errorf("%d %s entries with bilingual %s, want 1", n, action, want)
		}
	}

	adminUserID, err := e.st.UserIDByEmail(ctx, "ada@cps.example")
	if err != nil {
		t.Fatal(err)
	}
	token, err := e.st.IssueToken(ctx, adminUserID, "t")
	if err != nil {
		t.Fatal(err)
	}
	code, _, raw := sendJSON(t, http.MethodPost, e.url+"/api/v1/panels", token,
		`{"area": "wales", "name": "Gwent LSIP", "covers": "hate_crime", "strands": ["race"], "bilingual": true}`)
	var created domain.Panel
	if err := json.Unmarshal([]byte(raw), &created); err != nil || code != http.StatusCreated || !created.Bilingual {
		t.Fatalf("API create = %d %v\n%s", code, err, raw)
	}
	code, _, raw = sendJSON(t, http.MethodGet, e.url+"/api/v1/panels", token, "")
	var list struct {
		Items []domain.Panel `json:"items"`
	}
	if err := json.Unmarshal([]byte(raw), &list); err != nil || code != http.StatusOK {
		t.Fatalf("API list = %d %v\n%s", code, err, raw)
	}
	listed := map[string]bool{}
	for _, p := range list.Items {
		listed[p.Name] = p.Bilingual
	}
	if len(listed) != 2 || !listed["Gwent LSIP"] || listed["Wales LSIP"] {
		t.Errorf("listed bilingual flags %v, want Gwent LSIP only\n%s", listed, raw)
	}
}

// TestAgreedActionOwnerLanguage runs a forum's cycle to its meeting on the
// in-process Temporal. An action agreed on the cycle page for an owner
// who prefers Welsh is stored with that language and the owner's first
// email arrives over SMTP in Welsh; an unknown language sent to the API is
// refused with a problem naming owner_language, and nothing is stored.
func TestAgreedActionOwnerLanguage(t *testing.T) {
	e := startCoordEnv(t, true)
	ctx := context.Background()
	_, err := e.db.Exec(ctx, `UPDATE panels SET kind = 'forum' WHERE id = $1`, e.panel)
	e.must(err)
	coord := e.staff(store.User{Name: "Cath Coordinator", Email: "cath@example.org", Role: domain.StaffCoordinator, PanelIDs: []int64{e.panel}})

	meetingAt := time.Now().UTC().Add(15 * time.Second).Truncate(time.Second)
	day := meetingAt.Truncate(24 * time.Hour)
	in := cycle.CycleInput{PanelID: e.panel, WindowStart: day, WindowEnd: day, Forum: true,
		Agenda:  []cycle.AgendaItem{{Title: "Reporting hate crime", Lead: "Police lead", Minutes: 30}},
		Meeting: cycle.Meeting{Start: meetingAt, End: meetingAt.Add(2 * time.Hour), Location: "Cardiff library"},
		Timing:  cycle.Timing{}.WithDefaults(), StartedBy: "Cath Coordinator", CoordinatorName: "Cath Coordinator", CoordinatorEmail: "cath@example.org"}
	wf := cycle.CycleWorkflowID(in.PanelID, in.WindowStart, in.WindowEnd)
	_, err = e.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: wf, TaskQueue: coordQueue}, cycle.WorkflowName, in)
	e.must(err)
	e.waitFor("the meeting", func() bool { return e.cycleStatus(wf).Stage == domain.StageMeeting })
	cycleID := e.cycleStatus(wf).CycleID
	cyclePage := fmt.Sprintf("/cycles/%d", cycleID)
	if _, _, body := coord.get(cyclePage); !strings.Contains(body, `<option value="cy">Cymraeg (Welsh)</option>`) {
		t.Errorf("the agree-action form offers no owner's language\n%s", body)
	}

	due := time.Now().AddDate(0, 3, 0).Format(time.DateOnly)
	code, to, body := coord.post(cyclePage+"/actions", url.Values{"description": {"Hyfforddi swyddogion"}, "owner_name": {"Olu Owner"}, "owner_email": {ownerAddress},
		"owner_language": {"cy"}, "manager_name": {"Mo Manager"}, "manager_email": {"mo@example.org"}, "due": {due}}, cyclePage)
	if code != http.StatusSeeOther || !strings.Contains(to, "done=") {
		t.Fatalf("agree the action = %d %s\n%s", code, to, body)
	}
	var actionID int64
	var lang string
	e.must(e.db.QueryRow(ctx, `SELECT id, owner_language FROM actions WHERE cycle_id = $1`, cycleID).Scan(&actionID, &lang))
	if lang != "cy" {
		t.Errorf("stored owner_language = %q, want cy", lang)
	}
	agreed := e.waitMail(ownerAddress, fmt.Sprintf("Cam gweithredu newydd i chi: A-%d", actionID))
	if !strings.HasPrefix(agreed.Text, "Annwyl Olu Owner,") || i18n.Missing(agreed.Text) {
		t.Errorf("the owner's first email is not in Welsh:\n%s", agreed.Text)
	}

	coordID, err := e.st.UserIDByEmail(ctx, "cath@example.org")
	e.must(err)
	token, err := e.st.IssueToken(ctx, coordID, "t")
	e.must(err)
	code, ctype, raw := sendJSON(t, http.MethodPost, fmt.Sprintf("%s/api/v1/cycles/%d/actions", e.url, cycleID), token,
		fmt.Sprintf(`{"description": "Brief lawyers", "owner_name": "Olu Owner", "owner_email": %q, "owner_language": "fr",
			"manager_name": "Mo Manager", "manager_email": "mo@example.org", "due": "%sT12:00:00Z"}`, ownerAddress, due))
	if code != http.StatusUnprocessableEntity || ctype != "application/problem+json" || !strings.Contains(raw, "owner_language") {
		t.Errorf("an unknown owner_language = %d %s\n%s", code, ctype, raw)
	}
	var actions int
	e.must(e.db.QueryRow(ctx, `SELECT count(*) FROM actions WHERE cycle_id = $1`, cycleID).Scan(&actions))
	if actions != 1 {
		t.Errorf("%d actions stored, want only the Welsh owner's", actions)
	}
}

// TestCoordinatorSetsAMembersLanguage: the coordinator's member page
// changes a member's language, and it is stored.
func TestCoordinatorSetsAMembersLanguage(t *testing.T) {
	e := startCoordEnv(t, false)
	b := e.staff(store.User{Name: "Cath", Email: "cath@example.org", Role: domain.StaffCoordinator, PanelIDs: []int64{e.panel}})
	aledPage := fmt.Sprintf("/members/%d", e.aled)
	if code, to, body := b.post(aledPage, url.Values{"name": {"Aled Jones"}, "email": {"aled@example.org"}, "role": {"member"}, "language": {"cy"}}, aledPage); code != http.StatusSeeOther {
		t.Fatalf("save Aled = %d %s\n%s", code, to, body)
	}
	var lang string
	e.must(e.db.QueryRow(context.Background(), `SELECT language FROM members WHERE id = $1`, e.aled).Scan(&lang))
	if lang != "cy" {
		t.Errorf("Aled's language = %q, want cy", lang)
	}
	if _, _, body := b.get(aledPage); !strings.Contains(body, `value="cy" checked`) {
		t.Errorf("Aled's page does not show Welsh chosen\n%s", body)
	}
}
