package e2e

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/cycle/cycleflow"
	"github.com/lsip/scrutiny/devstack/mailcatcher"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/reviewform"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
	"github.com/lsip/scrutiny/worker"
)

const taskQueue = "scrutiny-e2e"

// fixture is a panel in Wales with three members (one who has not signed
// the confidentiality agreement) and closed cases in two strands.
type fixture struct {
	panelID             int64
	aled, bea, unsigned int64
}

func seed(t *testing.T, st *store.Store, now time.Time) fixture {
	t.Helper()
	ctx := context.Background()
	var f fixture
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	db := testenv.SQL(t, st)
	must(db.QueryRow(ctx, `INSERT INTO panels (area_id, name, covers) SELECT id, 'Wales LSIP', 'hate_crime' FROM areas WHERE code = 'wales' RETURNING id`).Scan(&f.panelID))
	_, err := db.Exec(ctx, `INSERT INTO panel_strands (panel_id, strand) VALUES ($1, 'race'), ($1, 'disability')`, f.panelID)
	must(err)
	add := func(name, email string, signed bool) int64 {
		var id int64
		var signedOn *time.Time
		if signed {
			signedOn = &now
		}
		must(db.QueryRow(ctx, `INSERT INTO members (panel_id, name, email, role, confidentiality_signed_on) VALUES ($1, $2, $3, 'member', $4) RETURNING id`,
			f.panelID, name, email, signedOn).Scan(&id))
		return id
	}
	f.aled = add("Aled Jones", "aled@example.org", true)
	f.bea = add("Bea Khan", "bea@example.org", true)
	f.unsigned = add("Cai Evans", "cai@example.org", false)
	var recs []domain.CaseRecord
	for i := range 8 {
		strand := "race"
		if i >= 5 {
			strand = "disability"
		}
		recs = append(recs, domain.CaseRecord{AreaCode: "wales", Reference: fmt.Sprintf("WAL-HC-%03d", i), URN: fmt.Sprintf("SECRETURN%03d", i),
			Category: domain.HateCrime, Strands: []string{strand}, PrincipalOffence: "Racially aggravated harassment",
			FinalisedOn: now.AddDate(0, -2, 0), Outcome: domain.ConvictionPlea, Summary: fmt.Sprintf("Summary of case %d: abuse in a shop.", i)})
	}
	must(st.InTx(ctx, func(tx *store.Tx) error { _, _, err := tx.UpsertCases(ctx, recs); return err }))
	return f
}

func startWorker(t *testing.T, c client.Client, deps worker.Deps) func() {
	w := worker.New(c, taskQueue, deps)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	return w.Stop
}

// status asks the running cycle. A query can fail while a worker is
// restarting, so it is retried for a while.
func status(t *testing.T, c client.Client, id string) cycle.CycleStatus {
	t.Helper()
	var v converter.EncodedValue
	var err error
	for range 20 {
		if v, err = c.QueryWorkflow(context.Background(), id, "", cycle.QueryStatus); err == nil {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("query: %v", err)
	}
	var s cycle.CycleStatus
	if err := v.Get(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

func waitStage(t *testing.T, c client.Client, id string, stage domain.Stage) cycle.CycleStatus {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		if s := status(t, c, id); s.Stage == stage {
			return s
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("cycle never reached %s (at %s)", stage, status(t, c, id).Stage)
	return cycle.CycleStatus{}
}

func update(t *testing.T, c client.Client, workflowID, name string, result any, args ...any) {
	t.Helper()
	h, err := c.UpdateWorkflow(context.Background(), client.UpdateWorkflowOptions{WorkflowID: workflowID, UpdateName: name, Args: args, WaitForStage: client.WorkflowUpdateStageCompleted})
	if err != nil {
		t.Fatalf("update %s: %v", name, err)
	}
	if err := h.Get(context.Background(), result); err != nil {
		t.Fatalf("update %s: %v", name, err)
	}
}

// TestReviewCycleJourney runs a whole cycle on the real server: draw,
// approval, a conflict, packs by email, reviews, a worker restart, the
// meeting's findings and action, the chair's approval and the minutes.
func TestReviewCycleJourney(t *testing.T) {
	t.Parallel()
	sys := newStack(t, true)
	st, catcher, c, f := sys.st, sys.catcher, sys.c, sys.f
	now := time.Now().UTC()

	// Stage dates are seconds apart so the journey runs in about a minute.
	meetingAt := now.Add(45 * time.Second).Truncate(time.Second)
	in := cycle.CycleInput{
		PanelID: f.panelID, WindowStart: now.AddDate(0, -3, 0), WindowEnd: now, Quotas: map[string]int{"race": 2, "disability": 1}, ReservesPerStratum: 1,
		Meeting: cycle.Meeting{Start: meetingAt, End: meetingAt.Add(2 * time.Hour), Location: "Cardiff office"},
		Timing: cycle.Timing{ConflictCheckBefore: 30 * time.Second, PacksBefore: 25 * time.Second, ReviewsDueBefore: 5 * time.Second,
			RevokeAfter: 15 * time.Second, Reminders: []time.Duration{2 * time.Second}, ApprovalNudgeEvery: time.Hour},
		StartedBy: "coordinator", CoordinatorName: "Cath Coordinator", CoordinatorEmail: "cath@example.org", Seed: 2026,
	}
	id := cycle.CycleWorkflowID(in.PanelID, in.WindowStart, in.WindowEnd)
	run, err := c.ExecuteWorkflow(context.Background(), client.StartWorkflowOptions{ID: id, TaskQueue: taskQueue}, cycleflow.CycleWorkflow, in)
	if err != nil {
		t.Fatal(err)
	}
	// A second start of the same panel and window is refused.
	if _, err := c.ExecuteWorkflow(context.Background(), client.StartWorkflowOptions{ID: id, TaskQueue: taskQueue, WorkflowExecutionErrorWhenAlreadyStarted: true}, cycleflow.CycleWorkflow, in); err == nil {
		t.Error("a second cycle for the same panel and window was started")
	}

	s := waitStage(t, c, id, domain.StageCoordinatorCheck)
	var approved []cycle.CycleCase
	update(t, c, id, cycle.UpdateApproveSelection, &approved)
	var inReview []cycle.CycleCase
	for _, cc := range approved {
		if cc.Status == "approved" {
			inReview = append(inReview, cc)
		}
	}
	if len(inReview) != 3 || s.Seed != 2026 {
		t.Fatalf("approved %v (seed %d)", approved, s.Seed)
	}
	conflicted := inReview[0]
	update(t, c, id, cycle.UpdateDeclareConflict, nil, cycle.ConflictRequest{MemberID: f.aled, CaseID: conflicted.CaseID, Note: "I know the family"})

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	isPack := func(m *mailcatcher.Message) bool { return strings.HasPrefix(m.Subject, "Your review pack") }
	packs, err := catcher.Wait(ctx, 2, isPack)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range packs {
		att := m.Attachments
		if len(att) != 1 {
			t.Fatalf("pack email to %v has %d attachments", m.EnvelopeTo, len(att))
		}
		sheets := sheetsOf(t, att[0].Data)
		hasConflicted := slices.Contains(sheets, conflicted.Reference)
		switch m.EnvelopeTo[0] {
		case "aled@example.org":
			if hasConflicted || len(sheets) != 2+2+1 {
				t.Errorf("Aled's pack sheets %v: the conflicted case %s must be absent", sheets, conflicted.Reference)
			}
		case "bea@example.org":
			if !hasConflicted || len(sheets) != 2+3+1 {
				t.Errorf("Bea's pack sheets %v", sheets)
			}
		default:
			t.Errorf("a pack went to %v, who has not signed the confidentiality agreement", m.EnvelopeTo)
		}
		if strings.Contains(string(m.Raw), "SECRETURN") {
			t.Error("a URN left the database in a pack email")
		}
	}

	answers := reviewform.Answers{Ratings: map[string]string{}, Overall: "handled_well", GoodPractice: "Swift charging decision"}
	for _, q := range reviewform.Default().Questions {
		answers.Ratings[q.Key] = "yes"
	}
	for _, cc := range inReview {
		for _, member := range []int64{f.aled, f.bea} {
			if member == f.aled && cc.CaseID == conflicted.CaseID {
				continue
			}
			var stored cycle.StoredReview
			update(t, c, cycle.MemberReviewWorkflowID(id, member), cycle.UpdateSaveReview, &stored,
				cycle.ReviewSubmission{CaseID: cc.CaseID, Answers: answers, Final: true, Source: "api"})
		}
	}
	// The conflicted case is refused for Aled.
	h, err := c.UpdateWorkflow(context.Background(), client.UpdateWorkflowOptions{WorkflowID: cycle.MemberReviewWorkflowID(id, f.aled),
		UpdateName: cycle.UpdateSaveReview, Args: []any{cycle.ReviewSubmission{CaseID: conflicted.CaseID, Answers: answers, Final: true}},
		WaitForStage: client.WorkflowUpdateStageCompleted})
	if err == nil {
		err = h.Get(context.Background(), nil)
	}
	if err == nil || !strings.Contains(err.Error(), "not in your pack") {
		t.Errorf("review of a conflicted case: %v", err)
	}

	// Restart the worker mid-cycle: nothing is sent twice, nothing is lost.
	sys.restartWorker(t)

	waitStage(t, c, id, domain.StageMeeting)
	update(t, c, id, cycle.UpdateRecordAttendance, nil, cycle.Attendance{Status: map[int64]string{f.aled: "present", f.bea: "present", f.unsigned: "apologies"}})
	for i, cc := range inReview {
		category := "handled_well"
		if i == 1 {
			category = "not_agreed"
		}
		update(t, c, id, cycle.UpdateRecordFinding, nil, cycle.Finding{CaseID: cc.CaseID, Category: category, Rationale: "Discussed at length", RecordedBy: "chair"})
	}
	var lpID int64
	update(t, c, id, cycle.UpdateAddLearningPoint, &lpID, cycle.LearningPoint{Text: "Record hostility evidence at charge", Tag: "prosecution"})
	var action cycle.RecordedAction
	update(t, c, id, cycle.UpdateAddAction, &action, cycle.AgreedAction{Description: "Brief all hate crime lawyers on s.66 uplift", LearningPointID: lpID,
		OwnerName: "Area hate crime lead", OwnerEmail: "lead@example.org", ManagerName: "DCCP", ManagerEmail: "dccp@example.org", Due: now.AddDate(0, 2, 0)})
	var draftID, issuedID int64
	update(t, c, id, cycle.UpdateCloseMeeting, &draftID)
	update(t, c, id, cycle.UpdateApproveMinutes, &issuedID, cycle.ApproveMinutesRequest{ApprovedBy: "chair"})

	// The minutes go to Aled, Bea and the coordinator: Cai never accepted
	// the confidentiality agreement, so they are not his to read.
	minutes, err := catcher.Wait(ctx, 3, func(m *mailcatcher.Message) bool { return strings.HasPrefix(m.Subject, "Minutes of") })
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range minutes {
		if slices.Contains(m.EnvelopeTo, "cai@example.org") {
			t.Error("the minutes reached a member who never accepted the confidentiality agreement")
		}
	}
	wb, err := excelize.OpenReader(bytes.NewReader(minutes[0].Attachments[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	cases, _ := wb.GetRows("Cases")
	actions, _ := wb.GetRows("Actions")
	if len(cases) != 4 || len(actions) != 2 || actions[1][1] != "Brief all hate crime lawyers on s.66 uplift" {
		t.Errorf("minutes: %d case rows, actions %v", len(cases)-1, actions)
	}
	if !strings.Contains(fmt.Sprint(cases), "The panel could not agree") {
		t.Error("the minutes lack the findings")
	}

	var result cycle.CycleStatus
	if err := run.Get(ctx, &result); err != nil {
		t.Fatal(err)
	}
	if result.Stage != domain.StageClosed || !result.AccessRevoked || !result.MinutesIssued {
		t.Errorf("final status %+v", result)
	}
	var actionsInDB, reviews, carried int
	testenv.SQL(t, st).QueryRow(ctx, `SELECT (SELECT count(*) FROM actions WHERE cycle_id = $1), (SELECT count(*) FROM reviews WHERE cycle_id = $1 AND status = 'submitted'),
		(SELECT count(*) FROM findings WHERE cycle_id = $1 AND carried_forward)`, result.CycleID).Scan(&actionsInDB, &reviews, &carried)
	if actionsInDB != 1 || reviews != 5 || carried != 1 {
		t.Errorf("in PostgreSQL: %d actions, %d submitted reviews, %d carried forward", actionsInDB, reviews, carried)
	}
	// Exactly one email per outbox key reached the server. Mail still
	// going out (the action's agreed notice is sent as the cycle ends) is
	// let finish first, so a message is never counted before its row.
	waitFor(t, func() bool {
		var pending int
		testenv.SQL(t, st).QueryRow(ctx, `SELECT count(*) FROM outbox WHERE status = 'pending'`).Scan(&pending)
		return pending == 0
	})
	var queued int
	testenv.SQL(t, st).QueryRow(ctx, `SELECT count(*) FROM outbox WHERE status = 'sent'`).Scan(&queued)
	if got := len(catcher.Messages()); got != queued {
		t.Errorf("%d messages arrived for %d sent outbox rows: something was sent twice", got, queued)
	}
	if n := len(catcher.Messages()); n == 0 {
		t.Error("no mail at all")
	}
	for _, m := range catcher.Messages() {
		if strings.HasPrefix(m.Subject, "Minutes of") && slices.Contains(m.EnvelopeTo, "cai@example.org") {
			t.Error("the minutes reached a member who never accepted the confidentiality agreement")
		}
	}
	recordHistory(t, c, id, "cycle")
	recordHistory(t, c, cycle.MemberReviewWorkflowID(id, f.bea), "member-review")
}

func sheetsOf(t *testing.T, data []byte) []string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return f.GetSheetList()
}
