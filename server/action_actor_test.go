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

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/action"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/uktime"
)

// TestStaffActionUpdatesNameTheEmail: a progress note added from the staff
// page and one sent through the API are on the action's timeline, and in
// the audit log, under the email of the person signed in (their stable
// identity), not their display name.
func TestStaffActionUpdatesNameTheEmail(t *testing.T) {
	e := startCoordEnv(t, true)
	ctx := context.Background()
	id := e.addOwnedAction("Brief all hate crime lawyers", ownerAddress, uktime.CalendarDay(time.Now()).AddDate(0, 1, 0))
	e.track(id, action.ActionTiming{})

	var wales int16
	e.must(e.db.QueryRow(ctx, `SELECT id FROM areas WHERE code = 'wales'`).Scan(&wales))
	mo := e.staff(store.User{Name: "Mo Manager", Email: "mo@example.org", Role: domain.StaffManager, AreaID: &wales})
	page := fmt.Sprintf("/actions/%d", id)
	if code, to, body := mo.post(page+"/notes", url.Values{"note": {"Asked the unit heads"}}, page); code != http.StatusSeeOther || !strings.Contains(to, "done=") {
		t.Fatalf("a note from the page = %d %s\n%s", code, to, body)
	}

	cath, err := e.st.CreateUser(ctx, store.User{Name: "Cath Coordinator", Email: "cath@example.org", Role: domain.StaffCoordinator, PanelIDs: []int64{e.panel}})
	e.must(err)
	token, err := e.st.IssueToken(ctx, cath, "t")
	e.must(err)
	req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/api/v1/actions/%d/notes", e.url, id), strings.NewReader(`{"note": "Briefing drafted"}`))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	e.must(err)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("a note through the API = %d", resp.StatusCode)
	}

	rows, err := e.db.Query(ctx, `SELECT actor FROM action_events WHERE action_id = $1 AND kind = 'progress_note' ORDER BY seq`, id)
	e.must(err)
	actors, err := pgx.CollectRows(rows, pgx.RowTo[string])
	e.must(err)
	if want := []string{"mo@example.org", "cath@example.org"}; !slices.Equal(actors, want) {
		t.Errorf("the notes' timeline actors are %q, want %q", actors, want)
	}
	for _, who := range []string{"mo@example.org", "cath@example.org"} {
		if n := e.audits(who, "action_progress_note", id); n != 1 {
			t.Errorf("%d progress-note audit entries under %s, want 1", n, who)
		}
	}
}
