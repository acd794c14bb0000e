package cycleflow_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lsip/scrutiny/cycle/cycleflow"
	"go.temporal.io/sdk/temporal"

	"github.com/lsip/scrutiny/testenv/flowtest"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/domain"
)

func TestStagesAndAccess(t *testing.T) {
	f := newFlow(t)
	moved := schedule()
	moved.Meeting = moved.Meeting.AddDate(0, 0, 7)
	if err := runErr(t, f.acts, f.acts.SetStage, f.cycleID, domain.StageReviewing, moved); err != nil {
		t.Fatal(err)
	}
	var stage string
	var meeting time.Time
	f.sql.QueryRow(context.Background(), `SELECT stage, (schedule->>'meeting')::timestamptz FROM cycles WHERE id = $1`, f.cycleID).Scan(&stage, &meeting)
	if stage != "reviewing" || !meeting.Equal(moved.Meeting) {
		t.Errorf("stage %s, meeting %v after SetStage", stage, meeting)
	}
	for range 2 {
		if err := runErr(t, f.acts, f.acts.RevokeAccess, f.cycleID); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.count(t, `SELECT count(*) FROM audit_log WHERE action = 'access_revoked'`); n != 1 {
		t.Errorf("%d revocations audited, want 1", n)
	}
	if err := runErr(t, f.acts, f.acts.CloseCycle, f.cycleID); err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, `SELECT count(*) FROM cycles WHERE id = $1 AND stage = 'closed' AND closed_at IS NOT NULL AND access_revoked_at IS NOT NULL`, f.cycleID); n != 1 {
		t.Error("the cycle is not closed with access revoked")
	}
}

// TestMeetingRecordAndMinutes runs a cycle from packs to issued minutes and
// checks what the minutes say and what they must never say.
func TestMeetingRecordAndMinutes(t *testing.T) {
	f := newFlow(t, func(f *flow, sel cycleflow.Selection) {
		for _, c := range sel.Cases {
			if c.Role == "selected" {
				flowtest.Run[cycleflow.Replacement](t, f.acts, f.acts.ReplaceCase, cycleflow.ReplaceInput{CycleID: f.cycleID, CaseID: c.CaseID, Reason: "appeal lodged", By: "cath"})
				return
			}
		}
	})
	a, b, c := f.inReview[0], f.inReview[1], f.inReview[2]
	if err := runErr(t, f.acts, f.acts.RecordConflict, cycleflow.ConflictInput{CycleID: f.cycleID, MemberID: f.aled, CaseID: a.CaseID}); err != nil {
		t.Fatal(err)
	}
	f.pack(t, f.aled)
	f.pack(t, f.bea)
	bea := answers("concerns")
	bea.Concerns = "Hostility was not put to the court"
	for _, cc := range f.inReview {
		if _, err := f.save(t, f.bea, cc.CaseID, bea, true); err != nil {
			t.Fatal(err)
		}
	}
	aled := answers("handled_well")
	aled.Ratings["timeliness"] = "no"
	f.save(t, f.aled, b.CaseID, aled, true)
	flowtest.Run[[]cycleflow.NonReturn](t, f.acts, f.acts.RecordNonReturns, f.cycleID) // Aled never returned c

	attendance := cycle.Attendance{CycleID: f.cycleID, Status: map[int64]string{f.aled: "present", f.bea: "present", f.carys: "absent"}}
	runErr(t, f.acts, f.acts.RecordAttendance, attendance)
	attendance.Status = map[int64]string{f.carys: "apologies"} // corrected
	if err := runErr(t, f.acts, f.acts.RecordAttendance, attendance); err != nil {
		t.Fatal(err)
	}
	for _, fd := range []cycle.Finding{
		{CaseID: a.CaseID, Category: "handled_well"},
		{CaseID: b.CaseID, Category: "concerns"},
		{CaseID: b.CaseID, Category: "handled_well_observations", Rationale: "Good work, slow letters"}, // recorded again: replaces
		{CaseID: c.CaseID, Category: "not_agreed", Rationale: "Views split on the charging decision"},
	} {
		fd.CycleID, fd.RecordedBy = f.cycleID, "Bea"
		if err := runErr(t, f.acts, f.acts.RecordFinding, fd); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.count(t, `SELECT count(*) FROM findings WHERE cycle_id = $1`, f.cycleID); n != 3 {
		t.Errorf("%d findings for 3 cases", n)
	}
	if n := f.count(t, `SELECT count(*) FROM findings WHERE cycle_id = $1 AND carried_forward AND case_id = $2`, f.cycleID, c.CaseID); n != 1 {
		t.Error("the could-not-agree finding does not carry forward")
	}

	// One workflow run: each call is its own activity.
	env := flowtest.NewEnv(f.acts)
	lp := cycle.LearningPoint{CycleID: f.cycleID, CaseID: b.CaseID, Text: "Send victim letters within the target time", Tag: "prosecution"}
	lpID, err := flowtest.RunIn[int64](t, env, f.acts.AddLearningPoint, lp)
	if err != nil {
		t.Fatal(err)
	}
	good, _ := flowtest.RunIn[int64](t, env, f.acts.AddLearningPoint, cycle.LearningPoint{CycleID: f.cycleID, Text: "Early ISVA referral", Tag: "partners", GoodPractice: true})
	// A fresh environment's first activity has the ID of the run's first:
	// Temporal retrying it.
	if retried, _ := flowtest.Run[int64](t, f.acts, f.acts.AddLearningPoint, lp); retried != lpID || good == lpID {
		t.Errorf("learning points %d and %d; the retry gave %d", lpID, good, retried)
	}
	action, err := flowtest.RunIn[cycle.RecordedAction](t, env, f.acts.RecordAction, cycle.AgreedAction{CycleID: f.cycleID, LearningPointID: lpID,
		Description: "Audit victim letter times", OwnerName: "Area lead", OwnerEmail: "lead@example.org", ManagerName: "DCCP", ManagerEmail: "dccp@example.org",
		Due: meetingAt.AddDate(0, 3, 0)})
	if err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, `SELECT count(*) FROM actions ac JOIN panels p ON p.id = ac.panel_id
		WHERE ac.id = $1 AND ac.panel_id = $2 AND ac.area_id = p.area_id AND ac.status = 'open' AND ac.kind = 'recommendation'`, action.ActionID, f.panelID); n != 1 {
		t.Error("the action is not stored open in the cycle's panel and Area")
	}
	if n := f.count(t, `SELECT count(*) FROM action_events WHERE action_id = $1 AND kind = 'created' AND actor = 'panel'`, action.ActionID); n != 1 {
		t.Error("the action has no 'created' event")
	}

	draftID, err := flowtest.Run[int64](t, f.acts, f.acts.DraftMinutes, f.cycleID)
	if err != nil {
		t.Fatal(err)
	}
	draftFile, _ := f.st.FileByID(context.Background(), draftID)
	draft := workbookText(t, draftFile.Content)
	for _, want := range []string{
		"DRAFT",
		"Aled|Member|Present", "Bea|Chair|Present", "Carys|Adviser|Apologies",
		"Aled|" + a.Reference + "|before the packs were released",
		"Handled well, with observations|Good work, slow letters",
		"The panel could not agree|Views split on the charging decision",
		"A panel chair: Hostility was not put to the court",
		"Yes 1 · Partly 0 · No 1", // timeliness of b: Bea yes, Aled no
		"Send victim letters within the target time", "Early ISVA referral",
		"A-" + fmt.Sprint(action.ActionID) + "|Audit victim letter times",
		"Cases withdrawn at the coordinator's check|1", "Reserves used|1", "Cases carried forward from the last meeting|1",
	} {
		if !strings.Contains(draft, want) {
			t.Errorf("the draft minutes lack %q", want)
		}
	}
	casesSheet := draft[strings.Index(draft, "# Cases"):strings.Index(draft, "# Learning points")]
	for _, never := range []string{"Dai", "Efa"} {
		if strings.Contains(draft, never) {
			t.Errorf("the minutes list %s, who is no longer on the panel", never)
		}
	}
	if strings.Contains(casesSheet, "Aled") || strings.Contains(casesSheet, "Bea") {
		t.Error("the minutes attribute members' words by name, not role")
	}
	if strings.Contains(draft, "appeal lodged") {
		t.Error("the minutes give a withdrawal's reason")
	}
	for _, row := range strings.Split(casesSheet, "\n") {
		if strings.HasPrefix(row, c.Reference+"|") && !strings.HasSuffix(row, "|1|1|0|A panel chair: Early special measures application|A panel chair: Hostility was not put to the court|Yes") {
			t.Errorf("case %s in the minutes: %s", c.Reference, row)
		}
	}

	issued, err := flowtest.Run[cycleflow.IssuedMinutes](t, f.acts, f.acts.IssueMinutes, f.cycleID, "Bea")
	if err != nil {
		t.Fatal(err)
	}
	again, err := flowtest.Run[cycleflow.IssuedMinutes](t, f.acts, f.acts.IssueMinutes, f.cycleID, "Bea")
	if err != nil || again.FileID != issued.FileID || !slices.Equal(again.Mail, issued.Mail) {
		t.Errorf("issuing again gave %+v after %+v (%v)", again, issued, err)
	}
	// Carys never accepted the confidentiality agreement: the minutes,
	// which name cases and findings, are not for her.
	if got := refs(issued.Mail); !slices.Equal(got, []int64{f.aled, f.bea, 0}) {
		t.Errorf("minutes went to members %v, want every member who accepted the agreement, and the coordinator", got)
	}
	for _, m := range issued.Mail {
		e := f.outbox(t, m.OutboxID)
		who := fmt.Sprint(m.MemberID)
		if m.MemberID == 0 {
			who = "coordinator"
			if e.ToAddress != "cath@example.org" || !strings.Contains(e.BodyText, fmt.Sprintf("https://lsip.example/cycles/%d", f.cycleID)) {
				t.Errorf("the coordinator's copy: %s\n%s", e.ToAddress, e.BodyText)
			}
		}
		if e.Key != fmt.Sprintf("minutes/%d/%s", f.cycleID, who) || e.AttachmentFileID == nil || *e.AttachmentFileID != issued.FileID {
			t.Errorf("minutes email %s attaches %v, want file %d", e.Key, e.AttachmentFileID, issued.FileID)
		}
		if !strings.HasPrefix(e.Subject, "Minutes of the Wales LSIP meeting on 12 January 2027") || !strings.Contains(e.BodyText, "key messages") {
			t.Errorf("minutes email reads:\n%s\n%s", e.Subject, e.BodyText)
		}
	}
	final, _ := f.st.FileByID(context.Background(), issued.FileID)
	if text := workbookText(t, final.Content); !strings.Contains(text, "Issued ") || strings.Contains(text, "DRAFT") {
		t.Error("the issued minutes are not marked issued")
	}
	if n := f.count(t, `SELECT count(*) FROM files WHERE cycle_id = $1 AND kind = 'key_messages'`, f.cycleID); n != 1 {
		t.Errorf("%d key messages files, want 1", n)
	}
	if n := f.count(t, `SELECT count(*) FROM audit_log WHERE action = 'minutes_issued' AND actor = 'Bea'`); n != 1 {
		t.Errorf("%d minutes_issued audit rows, want 1", n)
	}
	var keyID int64
	f.sql.QueryRow(context.Background(), `SELECT id FROM files WHERE cycle_id = $1 AND kind = 'key_messages'`, f.cycleID).Scan(&keyID)
	key, _ := f.st.FileByID(context.Background(), keyID)
	keyText := workbookText(t, key.Content)
	if !strings.Contains(keyText, "Early ISVA referral") || !strings.Contains(keyText, "fewer than 5") {
		t.Errorf("key messages:\n%s", keyText)
	}
	for _, cc := range f.inReview {
		if strings.Contains(keyText, cc.Reference) {
			t.Errorf("the public key messages name case %s", cc.Reference)
		}
	}
	assertNothingRestricted(t, f.st)
}

// TestDatabaseRefusalIsNotRetried: a write the schema refuses (here an
// action of a kind the actions table does not allow, as if a validator had
// missed it) fails at once as a non-retryable refusal the API shows as
// 422, instead of an activity retrying for ever.
func TestDatabaseRefusalIsNotRetried(t *testing.T) {
	f := newFlow(t)
	err := runErr(t, f.acts, f.acts.RecordAction, cycle.AgreedAction{CycleID: f.cycleID, Kind: "wish", Audience: "prosecution",
		Description: "Brief lawyers", OwnerName: "Owner", OwnerEmail: "owner@example.org", ManagerName: "Manager", ManagerEmail: "manager@example.org",
		Due: time.Now().AddDate(0, 2, 0)})
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || !appErr.NonRetryable() || appErr.Type() != "InvalidInput" {
		t.Fatalf("RecordAction with a kind the schema refuses: %v, want a non-retryable InvalidInput", err)
	}
}

// TestAttendanceOfAStrangerIsRefused: attendance naming a member of
// another panel (or no member at all) is refused for good, naming the
// member, and records nothing.
func TestAttendanceOfAStrangerIsRefused(t *testing.T) {
	f := newFlow(t)
	var stranger int64
	if err := f.sql.QueryRow(context.Background(), `INSERT INTO panels (area_id, name, covers) SELECT id, 'Another panel', 'both' FROM areas WHERE code = 'london-north'
		RETURNING id`).Scan(&stranger); err != nil {
		t.Fatal(err)
	}
	if err := f.sql.QueryRow(context.Background(), `INSERT INTO members (panel_id, name, email, role) VALUES ($1, 'Stranger', 'stranger@example.org', 'member') RETURNING id`, stranger).Scan(&stranger); err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{stranger, 999999} {
		err := runErr(t, f.acts, f.acts.RecordAttendance, cycle.Attendance{CycleID: f.cycleID, Status: map[int64]string{id: "present"}})
		var appErr *temporal.ApplicationError
		if !errors.As(err, &appErr) || !appErr.NonRetryable() || !strings.Contains(appErr.Message(), "not on this cycle's panel") {
			t.Errorf("attendance of member %d: %v, want a non-retryable refusal", id, err)
		}
	}
	if n := f.count(t, `SELECT count(*) FROM attendance`); n != 0 {
		t.Errorf("%d attendance rows written", n)
	}
}
