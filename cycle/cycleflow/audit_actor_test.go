package cycleflow_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/cycle/cycleflow"
	"github.com/lsip/scrutiny/outbox"
	"github.com/lsip/scrutiny/testenv/flowtest"
)

// TestAuditNamesThePerson: the draw, the approval of the selection,
// attendance, a learning point, an agreed action, the excusal of a
// departing member's reviews and the cancellation are audited under the
// email of the person who made them (the draw under the coordinator who
// started the cycle), as the server puts it in the update, not under a
// role.
func TestAuditNamesThePerson(t *testing.T) {
	f := newFlow(t)
	const cath, zara = "cath@example.org", "zara@example.org"

	// A cycle of its own (flow's is approved already), on a database of its own.
	w := newWorld(t)
	other := w.newCycle(t, "approved-by", map[string]int{"race": 2}, nil)
	w.selectCases(t, other, 8)
	if _, err := flowtest.Run[[]cycle.CycleCase](t, w.acts, w.acts.ApproveSelectionBy, cycleflow.ApproveInput{CycleID: other, By: cath}); err != nil {
		t.Fatal(err)
	}
	if err := runErr(t, f.acts, f.acts.RecordAttendance, cycle.Attendance{CycleID: f.cycleID, Status: map[int64]string{f.aled: "present"}, By: zara}); err != nil {
		t.Fatal(err)
	}
	env := flowtest.NewEnv(f.acts)
	lpID, err := flowtest.RunIn[int64](t, env, f.acts.AddLearningPoint, cycle.LearningPoint{CycleID: f.cycleID, Text: "Record hostility at charge", Tag: "prosecution", By: zara})
	if err != nil {
		t.Fatal(err)
	}
	action, err := flowtest.RunIn[cycle.RecordedAction](t, env, f.acts.RecordAction, cycle.AgreedAction{CycleID: f.cycleID, LearningPointID: lpID,
		Description: "Brief lawyers", OwnerName: "Area lead", OwnerEmail: "lead@example.org", ManagerName: "DCCP", ManagerEmail: "dccp@example.org",
		Due: meetingAt.AddDate(0, 3, 0), By: cath})
	if err != nil {
		t.Fatal(err)
	}

	// Bea leaves with her pack unreviewed; then the cycle is cancelled.
	f.pack(t, f.bea)
	if excused, err := flowtest.RunIn[int](t, env, f.acts.ExcuseReviewsBy, cycleflow.ExcuseInput{CycleID: f.cycleID, MemberID: f.bea, By: cath}); err != nil || excused == 0 {
		t.Fatalf("excused %d: %v", excused, err)
	}
	if _, err := flowtest.RunIn[[]outbox.Ref](t, env, f.acts.CancelCycleBy, cycleflow.CancelInput{CycleID: f.cycleID, Reason: "The chair is unavailable", By: zara}); err != nil {
		t.Fatal(err)
	}

	for _, c := range []struct{ action, actor string }{{"cases_selected", cath}, {"selection_approved", cath}} {
		var actor string
		if err := w.sql.QueryRow(context.Background(), `SELECT actor FROM audit_log WHERE action = $1 AND subject_id = $2`, c.action, strconv.FormatInt(other, 10)).Scan(&actor); err != nil {
			t.Errorf("%s: %v", c.action, err)
		} else if actor != c.actor {
			t.Errorf("%s audited as %q, want %q", c.action, actor, c.actor)
		}
	}
	for _, want := range []struct{ action, subject, actor string }{
		{"attendance_recorded", strconv.FormatInt(f.cycleID, 10), zara},
		{"learning_point_added", strconv.FormatInt(f.cycleID, 10), zara},
		{"action_agreed", strconv.FormatInt(action.ActionID, 10), cath},
		{"reviews_excused", strconv.FormatInt(f.cycleID, 10), cath},
		{"cycle_cancelled", strconv.FormatInt(f.cycleID, 10), zara},
	} {
		var actor string
		if err := f.sql.QueryRow(context.Background(), `SELECT actor FROM audit_log WHERE action = $1 AND subject_id = $2`, want.action, want.subject).Scan(&actor); err != nil {
			t.Errorf("%s: %v", want.action, err)
		} else if actor != want.actor {
			t.Errorf("%s audited as %q, want %q", want.action, actor, want.actor)
		}
	}
}
