package e2e

import (
	"bytes"
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/lsip/scrutiny/action"
	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
	"github.com/lsip/scrutiny/workbook"
)

// TestForumJourney runs a forum's cycle on the real Temporal server,
// PostgreSQL and SMTP: the coordinator starts it through the API with an
// agenda and no quotas; the members' invitation lists the agenda and
// carries the calendar invitation; the case-only updates are refused; at
// the meeting the record takes attendance, an item's discussion, a key
// message and an action; the chair approves the minutes, which arrive by
// email with the agenda and no case sheet; the action is tracked by its
// own workflow, and the cycle closes.
func TestForumJourney(t *testing.T) {
	t.Parallel()
	sys := newStack(t, false)
	st, catcher, c := sys.st, sys.catcher, sys.c
	ctx := context.Background()
	forum, err := st.CreatePanel(ctx, domain.NewPanel{AreaCode: "wales", Name: "Community Accountability Forum", Covers: "both", Kind: domain.PanelForum}, "admin")
	if err != nil {
		t.Fatal(err)
	}
	db := testenv.SQL(t, st)
	for _, m := range [][2]string{{"Dewi Price", "dewi@example.org"}, {"Elin Rees", "elin@example.org"}} {
		if _, err := db.Exec(ctx, `INSERT INTO members (panel_id, name, email, role, confidentiality_signed_on) VALUES ($1, $2, $3, 'member', now())`,
			forum.ID, m[0], m[1]); err != nil {
			t.Fatal(err)
		}
	}
	coordID, _ := st.CreateUser(ctx, store.User{Name: "Cath Coordinator", Email: "cath@example.org", Role: domain.StaffCoordinator, PanelIDs: []int64{forum.ID}})
	tok, _ := st.IssueToken(ctx, coordID, "test")
	coord := apiClient{t, sys.url, tok}

	meetingAt := time.Now().UTC().Add(20 * time.Second).Truncate(time.Second)
	code, started := coord.do("POST", "/api/v1/cycles", map[string]any{
		"panel_id": forum.ID,
		"meeting":  map[string]any{"start": meetingAt, "end": meetingAt.Add(2 * time.Hour), "location": "Cardiff library"},
		"agenda": []map[string]any{{"title": "Hate crime reporting in schools", "lead": "Youth officer", "minutes": 30},
			{"title": "Any other business"}},
	})
	if code != http.StatusCreated {
		t.Fatalf("start: %d %v", code, started)
	}
	cycleID := int64(started["cycle_id"].(float64))
	var id string
	if err := db.QueryRow(ctx, `SELECT workflow_id FROM cycles WHERE id = $1`, cycleID).Scan(&id); err != nil {
		t.Fatal(err)
	}

	invite := mailTo(t, catcher, "dewi@example.org", "Meeting invitation: Community Accountability Forum")
	if !strings.Contains(invite.Text, "1. Hate crime reporting in schools (led by Youth officer), 30 minutes") || strings.Contains(invite.Text, "pack") {
		t.Errorf("invitation:\n%s", invite.Text)
	}
	ics, ok := invite.Attachment("invite.ics")
	// RFC 5545 folds long lines: a line break and a space continue one.
	unfolded := strings.NewReplacer("\r\n ", "", "\n ", "").Replace(string(ics.Data))
	if !ok || !strings.Contains(unfolded, "METHOD:REQUEST") || !strings.Contains(unfolded, "1. Hate crime reporting in schools") {
		t.Errorf("calendar invitation: %v %s", ok, ics.Data)
	}

	h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: id, UpdateName: cycle.UpdateApproveSelection,
		Args: []any{cycle.ApproveSelectionRequest{By: "cath@example.org"}}, WaitForStage: client.WorkflowUpdateStageCompleted})
	if err == nil {
		err = h.Get(ctx, nil)
	}
	if err == nil || !strings.Contains(err.Error(), "a forum reviews no cases") {
		t.Errorf("approving a forum's selection: %v", err)
	}

	waitStage(t, c, id, domain.StageMeeting)
	var dewi, elin int64
	db.QueryRow(ctx, `SELECT id FROM members WHERE email = 'dewi@example.org'`).Scan(&dewi)
	db.QueryRow(ctx, `SELECT id FROM members WHERE email = 'elin@example.org'`).Scan(&elin)
	update(t, c, id, cycle.UpdateRecordAttendance, nil, cycle.Attendance{Status: map[int64]string{dewi: "present", elin: "apologies"}})
	update(t, c, id, cycle.UpdateAgendaNotes, nil, cycle.AgendaNotes{Item: 1, Notes: "Schools asked for a short reporting guide.", By: "cath@example.org"})
	var keyMessage int64
	update(t, c, id, cycle.UpdateAddLearningPoint, &keyMessage, cycle.LearningPoint{Text: "Schools want a simple way to report hate crime", Tag: "partners"})
	var act cycle.RecordedAction
	update(t, c, id, cycle.UpdateAddAction, &act, cycle.AgreedAction{Description: "Publish a schools reporting guide", Audience: "partners",
		OwnerName: "Area engagement lead", OwnerEmail: "lead@example.org", ManagerName: "DCCP", ManagerEmail: "dccp@example.org", Due: time.Now().AddDate(0, 2, 0)})
	var draftID, issuedID int64
	update(t, c, id, cycle.UpdateCloseMeeting, &draftID)
	update(t, c, id, cycle.UpdateApproveMinutes, &issuedID, cycle.ApproveMinutesRequest{ApprovedBy: "chair"})

	minutes := mailTo(t, catcher, "dewi@example.org", "Minutes of the Community Accountability Forum")
	if len(minutes.Attachments) != 1 {
		t.Fatalf("minutes email has %d attachments", len(minutes.Attachments))
	}
	sheets := sheetsOf(t, minutes.Attachments[0].Data)
	if !slices.Contains(sheets, workbook.AgendaSheet) || !slices.Contains(sheets, workbook.ForumKeyMessagesSheet) || slices.Contains(sheets, workbook.CasesSheet) {
		t.Errorf("forum minutes sheets: %v", sheets)
	}
	text := rowsOf(t, minutes.Attachments[0].Data, workbook.AgendaSheet) + rowsOf(t, minutes.Attachments[0].Data, workbook.ForumKeyMessagesSheet)
	for _, want := range []string{"Schools asked for a short reporting guide.", "Schools want a simple way to report hate crime"} {
		if !strings.Contains(text, want) {
			t.Errorf("minutes lack %q: %s", want, text)
		}
	}

	ctx2, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	var result cycle.CycleStatus
	if err := c.GetWorkflow(ctx2, id, "").Get(ctx2, &result); err != nil {
		t.Fatal(err)
	}
	if result.Stage != domain.StageClosed || !result.Forum || len(result.Cases) != 0 || !slices.Equal(result.Actions, []int64{act.ActionID}) {
		t.Errorf("final status %+v", result)
	}
	desc, err := c.DescribeWorkflowExecution(ctx, action.WorkflowID(act.ActionID), "")
	if err != nil {
		t.Fatal(err)
	}
	if s := desc.WorkflowExecutionInfo.Status; s != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
		t.Errorf("the forum's action is not tracked: its workflow is %v", s)
	}
	var actions, reviews, cases int
	db.QueryRow(ctx, `SELECT (SELECT count(*) FROM actions WHERE cycle_id = $1), (SELECT count(*) FROM reviews WHERE cycle_id = $1),
		(SELECT count(*) FROM cycle_cases WHERE cycle_id = $1)`, cycleID).Scan(&actions, &reviews, &cases)
	if actions != 1 || reviews != 0 || cases != 0 {
		t.Errorf("in PostgreSQL: %d actions, %d reviews, %d cases", actions, reviews, cases)
	}
}

// rowsOf is the text of a workbook sheet, a row per line.
func rowsOf(t *testing.T, data []byte, sheet string) string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, "|") + "\n")
	}
	return b.String()
}
