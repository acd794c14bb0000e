package server_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
)

// TestAClosedForumCyclePageHasNoCaseSections: once a forum's cycle has
// closed its page is built from PostgreSQL, not the workflow, and still
// knows it is a forum's: no cases, selection, packs or findings.
func TestAClosedForumCyclePageHasNoCaseSections(t *testing.T) {
	e := startCoordEnv(t, false)
	ctx := context.Background()
	_, err := e.db.Exec(ctx, `UPDATE panels SET kind = 'forum' WHERE id = $1`, e.panel)
	e.must(err)
	var id int64
	e.must(e.db.QueryRow(ctx, `INSERT INTO cycles (panel_id, workflow_id, window_start, window_end, quotas, started_by, coordinator_name, coordinator_email, stage)
		VALUES ($1, 'cycle-forum-closed', '2026-03-02', '2026-03-02', '{}', 't', 'Cath', 'cath@example.org', 'closed') RETURNING id`, e.panel).Scan(&id))
	coord := e.staff(store.User{Name: "Cath Coordinator", Email: "cath@example.org", Role: domain.StaffCoordinator, PanelIDs: []int64{e.panel}})
	code, _, body := coord.get(fmt.Sprintf("/cycles/%d", id))
	if code != http.StatusOK || !strings.Contains(body, "This is a forum") {
		t.Fatalf("the closed forum's cycle page = %d\n%s", code, body)
	}
	for _, gone := range []string{"<h2>Cases</h2>", "<h2>Members</h2>", "<h2>Packs</h2>", "<h2>Findings</h2>", "Reviews due", "Seed"} {
		if strings.Contains(body, gone) {
			t.Errorf("the closed forum's cycle page shows %s:\n%s", gone, body)
		}
	}
}
