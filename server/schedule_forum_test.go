package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"go.temporal.io/sdk/client"

	"github.com/lsip/scrutiny/cycle/recurring"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
)

// TestAForumRecurs: a forum's recurring cycle is set up without a window
// or quotas (the form does not ask for them), and its run starts a forum
// cycle on the same cycle workflow, with no cases.
func TestAForumRecurs(t *testing.T) {
	e := startCoordEnv(t, true)
	ctx := context.Background()
	_, err := e.db.Exec(ctx, `UPDATE panels SET kind = 'forum' WHERE id = $1`, e.panel)
	e.must(err)
	coord := e.staff(store.User{Name: "Cath Coordinator", Email: "cath@example.org", Role: domain.StaffCoordinator, PanelIDs: []int64{e.panel}})
	page := "/panels/" + strconv.FormatInt(e.panel, 10) + "/schedule"

	if code, _, body := coord.get(page); code != http.StatusOK || strings.Contains(body, `id="quotas"`) || strings.Contains(body, `id="window_months"`) {
		t.Errorf("a forum's schedule form = %d, asks for cases:\n%s", code, body)
	}
	form := url.Values{"every_months": {"3"}, "first_month": {"3"}, "weekday": {"3"}, "run_at": {"09:30"}, "theme": {"Youth voice"},
		"meeting_weeks": {"6"}, "meeting_at": {"18:00"}, "hours": {"2"}, "location": {"Cardiff library"}}
	if code, to, body := coord.post(page, form, page); code != http.StatusSeeOther {
		t.Fatalf("a forum's recurring cycle = %d %s\n%s", code, to, body)
	}
	if code, _, body := coord.get(page); code != http.StatusOK || !strings.Contains(body, "None: this is a forum") || strings.Contains(body, "Cases per strand") {
		t.Errorf("a forum's schedule page = %d:\n%s", code, body)
	}
	handle := e.temporal.ScheduleClient().GetHandle(ctx, recurring.ScheduleID(e.panel))
	e.must(handle.Trigger(ctx, client.ScheduleTriggerOptions{}))
	run := e.waitRun(handle, 1)
	if run.Refused != "" || run.CycleID == 0 {
		t.Fatalf("the forum's run: %+v", run)
	}
	if in := e.cycleInput(run.CycleID); !in.Forum || len(in.Quotas) != 0 || in.Theme != "Youth voice" {
		t.Errorf("the forum's run started %+v", in)
	}
}
