package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
)

// TestForumPages: a forum's cycle page has no case, pack or finding
// section and calls its learning points key messages; its meeting page
// shows the agenda, which the coordinator changes before the meeting (a
// line that is not valid is named), and at the meeting takes the notes of
// an item, which reach PostgreSQL through the workflow; the attendance
// form lists the forum's members.
func TestForumPages(t *testing.T) {
	e := startCoordEnv(t, true)
	ctx := context.Background()
	_, err := e.db.Exec(ctx, `UPDATE panels SET kind = 'forum' WHERE id = $1`, e.panel)
	e.must(err)
	coord := e.staff(store.User{Name: "Cath Coordinator", Email: "cath@example.org", Role: domain.StaffCoordinator, PanelIDs: []int64{e.panel}})

	meetingAt := time.Now().UTC().Add(20 * time.Second).Truncate(time.Second)
	day := meetingAt.Truncate(24 * time.Hour)
	in := cycle.CycleInput{PanelID: e.panel, WindowStart: day, WindowEnd: day, Forum: true,
		Agenda:  []cycle.AgendaItem{{Title: "Hate crime reporting in schools", Lead: "Youth officer", Minutes: 30}},
		Meeting: cycle.Meeting{Start: meetingAt, End: meetingAt.Add(2 * time.Hour), Location: "Cardiff library"},
		Timing:  cycle.Timing{}.WithDefaults(), StartedBy: "Cath Coordinator", CoordinatorName: "Cath Coordinator", CoordinatorEmail: "cath@example.org"}
	wf := cycle.CycleWorkflowID(in.PanelID, in.WindowStart, in.WindowEnd)
	_, err = e.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: wf, TaskQueue: coordQueue}, cycle.WorkflowName, in)
	e.must(err)
	e.waitFor("the invitations", func() bool { return e.cycleStatus(wf).Stage == domain.StageCoordinatorCheck })
	id := e.cycleStatus(wf).CycleID
	cyclePage, meetingPage := fmt.Sprintf("/cycles/%d", id), fmt.Sprintf("/cycles/%d/meeting", id)

	code, _, body := coord.get(cyclePage)
	if code != http.StatusOK || !strings.Contains(body, "This is a forum") || strings.Contains(body, "<h2>Cases</h2>") || strings.Contains(body, "Approve the selection") {
		t.Errorf("forum cycle page = %d\n%s", code, body)
	}
	code, _, body = coord.get(meetingPage)
	if code != http.StatusOK || !strings.Contains(body, "Hate crime reporting in schools") || !strings.Contains(body, "Change the agenda") {
		t.Errorf("forum meeting page = %d\n%s", code, body)
	}
	if code, _, body := coord.post(fmt.Sprintf("/cycles/%d/agenda", id), url.Values{"agenda": {"Schools | Youth officer | many"}}, meetingPage); code != http.StatusUnprocessableEntity || !strings.Contains(body, "Line 1: the minutes must be a whole number") {
		t.Errorf("a bad agenda = %d\n%s", code, body)
	}
	if code, to, body := coord.post(fmt.Sprintf("/cycles/%d/agenda", id), url.Values{"agenda": {"Hate crime reporting in schools | Youth officer | 30\nAny other business\n"}}, meetingPage); code != http.StatusSeeOther {
		t.Fatalf("change the agenda = %d %s\n%s", code, to, body)
	}
	agenda, err := e.st.Agenda(ctx, id)
	e.must(err)
	if len(agenda) != 2 || agenda[1].Title != "Any other business" || agenda[0].Minutes != 30 {
		t.Errorf("stored agenda: %+v", agenda)
	}

	e.waitFor("the meeting", func() bool { return e.cycleStatus(wf).Stage == domain.StageMeeting })
	if code, to, body := coord.post(fmt.Sprintf("/cycles/%d/agenda/2", id), url.Values{"notes": {"Nothing else was raised."}}, meetingPage); code != http.StatusSeeOther {
		t.Fatalf("record notes = %d %s\n%s", code, to, body)
	}
	agenda, err = e.st.Agenda(ctx, id)
	e.must(err)
	if agenda[1].Notes != "Nothing else was raised." {
		t.Errorf("notes of item 2: %q", agenda[1].Notes)
	}
	code, _, body = coord.get(cyclePage)
	if code != http.StatusOK || !strings.Contains(body, "<legend>Aled Jones</legend>") || !strings.Contains(body, "<h2>Key message</h2>") || strings.Contains(body, "<h2>Findings</h2>") {
		t.Errorf("forum cycle page at the meeting = %d\n%s", code, body)
	}
}
