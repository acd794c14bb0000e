package cycleflow_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lsip/scrutiny/testenv/flowtest"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/cycle/cycleflow"
	"github.com/lsip/scrutiny/outbox"
	"github.com/lsip/scrutiny/reviewform"
)

func TestSaveReviewKeepsEveryVersion(t *testing.T) {
	f := newFlow(t)
	f.pack(t, f.aled)
	c := f.inReview[0].CaseID
	draft := answers("")
	draft.Ratings = map[string]string{"charging": "partly"}
	steps := []struct {
		answers     reviewform.Answers
		final       bool
		wantStatus  string
		wantVersion int
	}{
		{draft, false, "draft", 1},
		{draft, false, "draft", 1}, // a retry of the same save adds nothing
		{answers("concerns"), true, "submitted", 2},
		{answers("handled_well"), false, "submitted", 3}, // a later draft keeps the case submitted
	}
	for i, s := range steps {
		got, err := f.save(t, f.aled, c, s.answers, s.final)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != s.wantStatus || got.Version != s.wantVersion {
			t.Errorf("save %d: %s version %d, want %s version %d", i+1, got.Status, got.Version, s.wantStatus, s.wantVersion)
		}
	}
	rows, _ := f.sql.Query(context.Background(), `SELECT version || ' ' || status || ' ' || source || ' ' || (answers->>'overall')
		FROM review_versions WHERE cycle_id = $1 AND member_id = $2 AND case_id = $3 ORDER BY version`, f.cycleID, f.aled, c)
	versions, _ := pgx.CollectRows(rows, pgx.RowTo[string])
	if want := []string{"1 draft web ", "2 submitted web concerns", "3 submitted web handled_well"}; !slices.Equal(versions, want) {
		t.Errorf("versions %q, want %q", versions, want)
	}
	var overall string
	var submittedAt *time.Time
	f.sql.QueryRow(context.Background(), `SELECT answers->>'overall', submitted_at FROM reviews WHERE cycle_id = $1 AND member_id = $2 AND case_id = $3`,
		f.cycleID, f.aled, c).Scan(&overall, &submittedAt)
	if overall != "handled_well" || submittedAt == nil {
		t.Errorf("stored review: overall %q, submitted at %v", overall, submittedAt)
	}
}

func TestNonReturnsAndExcusals(t *testing.T) {
	f := newFlow(t)
	f.pack(t, f.aled)
	f.pack(t, f.bea)
	a, b, c := f.inReview[0].CaseID, f.inReview[1].CaseID, f.inReview[2].CaseID
	f.save(t, f.aled, a, answers("handled_well"), true)
	f.save(t, f.aled, b, answers("handled_well"), true)
	f.save(t, f.bea, a, answers("concerns"), true)
	f.save(t, f.bea, b, answers(""), false) // a draft is not a return

	var missing []cycleflow.NonReturn
	for range 2 {
		var err error
		if missing, err = flowtest.Run[[]cycleflow.NonReturn](t, f.acts, f.acts.RecordNonReturns, f.cycleID); err != nil {
			t.Fatal(err)
		}
	}
	want := []cycleflow.NonReturn{{MemberID: f.aled, CaseIDs: []int64{c}}, {MemberID: f.bea, CaseIDs: sorted(b, c)}}
	if fmt.Sprint(missing) != fmt.Sprint(want) {
		t.Errorf("non-returns %v, want %v", missing, want)
	}
	if n := f.count(t, `SELECT count(*) FROM reviews WHERE cycle_id = $1 AND status = 'not_submitted'`, f.cycleID); n != 3 {
		t.Errorf("%d reviews marked not submitted, want 3", n)
	}
	if n := f.count(t, `SELECT count(*) FROM audit_log WHERE action = 'non_returns_recorded'`); n != 1 {
		t.Errorf("%d non-return audit rows for one deadline", n)
	}

	// Bea leaves: her two missing reviews are excused, her submission kept.
	for range 2 {
		excused, err := flowtest.Run[int](t, f.acts, f.acts.ExcuseReviews, f.cycleID, f.bea)
		if err != nil || excused != 2 {
			t.Errorf("excused %d (%v), want 2", excused, err)
		}
	}
	if st, _ := f.reviewStatus(t, f.bea, a); st != "submitted" {
		t.Errorf("Bea's submitted review became %s", st)
	}
}

func TestReminder(t *testing.T) {
	f := newFlow(t)
	in := cycleflow.ReminderInput{CycleID: f.cycleID, MemberID: f.aled, Deadline: schedule().ReviewsDue, Outstanding: 2, Key: "7d"}
	ref, err := flowtest.Run[outbox.Ref](t, f.acts, f.acts.QueueReminder, in)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := flowtest.Run[outbox.Ref](t, f.acts, f.acts.QueueReminder, in); again != ref {
		t.Errorf("a retried reminder queued %v after %v", again, ref)
	}
	e := f.outbox(t, ref.OutboxID)
	if e.Key != fmt.Sprintf("reminder/%d/%d/7d", f.cycleID, f.aled) || ref.MemberID != f.aled {
		t.Errorf("reminder key %s", e.Key)
	}
	link := regexp.MustCompile(`https://lsip\.example/m/\S+`)
	for _, ok := range []bool{strings.Contains(e.BodyText, "2 case reviews"), strings.Contains(e.BodyText, "Monday 11 January 2027, 18:00 GMT"), link.MatchString(e.BodyText)} {
		if !ok {
			t.Errorf("reminder reads:\n%s", e.BodyText)
			break
		}
	}
}
