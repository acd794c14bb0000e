package cycleflow_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lsip/scrutiny/testenv"
	"github.com/lsip/scrutiny/testenv/flowtest"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/cycle/cycleflow"
	"github.com/lsip/scrutiny/outbox"
	"github.com/lsip/scrutiny/reviewform"
	"github.com/lsip/scrutiny/store"
)

// flow is a world with a cycle whose selection is approved and whose
// meeting is set, and members of every kind. beforeApproval, if given,
// runs on the drawn selection before the coordinator approves it.
type flow struct {
	*world
	cycleID  int64
	inReview []cycle.CycleCase
	// aled and bea will get packs; carys has not signed the
	// confidentiality agreement; dai has left; efa is inactive.
	aled, bea, carys, dai, efa int64
}

func newFlow(t *testing.T, beforeApproval ...func(*flow, cycleflow.Selection)) *flow {
	t.Helper()
	f := &flow{world: newWorld(t)}
	f.aled = f.member(t, "Aled", "member", true)
	f.bea = f.member(t, "Bea", "chair", true)
	f.carys = f.member(t, "Carys", "adviser", false)
	f.dai = f.member(t, "Dai", "member", true)
	f.efa = f.member(t, "Efa", "member", true)
	f.exec(t, `UPDATE members SET left_at = now() WHERE id = $1`, f.dai)
	f.exec(t, `UPDATE members SET active = false WHERE id = $1`, f.efa)
	f.cycleID = f.newCycle(t, "flow", map[string]int{"race": 2}, nil)
	sel := f.selectCases(t, f.cycleID, 11)
	for _, fn := range beforeApproval {
		fn(f, sel)
	}
	approved, err := flowtest.Run[[]cycle.CycleCase](t, f.acts, f.acts.ApproveSelection, f.cycleID)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range approved {
		if c.Status == "approved" {
			f.inReview = append(f.inReview, c)
		}
	}
	if len(f.inReview) != 3 { // two drawn (or a reserve in place of one) and RACE-5 carried forward
		t.Fatalf("in review: %+v", f.inReview)
	}
	f.saveMeeting(t, cycle.Meeting{Start: meetingAt, End: meetingAt.Add(2 * time.Hour), Location: "CPS office, Cardiff"})
	return f
}

func (f *flow) saveMeeting(t *testing.T, m cycle.Meeting) cycleflow.SavedMeeting {
	t.Helper()
	saved, err := flowtest.Run[cycleflow.SavedMeeting](t, f.acts, f.acts.SaveMeeting, f.cycleID, m)
	if err != nil {
		t.Fatal(err)
	}
	return saved
}

func (f *flow) pack(t *testing.T, memberID int64) cycleflow.Pack {
	t.Helper()
	p, err := flowtest.Run[cycleflow.Pack](t, f.acts, f.acts.PreparePack, cycleflow.PackInput{CycleID: f.cycleID, MemberID: memberID,
		Deadline: schedule().ReviewsDue, Expires: schedule().AccessRevoked})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (f *flow) outbox(t *testing.T, id int64) store.OutboxEntry {
	t.Helper()
	e, err := f.st.OutboxByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func (f *flow) reviewStatus(t *testing.T, memberID, caseID int64) (status string, removed bool) {
	t.Helper()
	f.sql.QueryRow(context.Background(), `SELECT status, removed FROM reviews WHERE cycle_id = $1 AND member_id = $2 AND case_id = $3`,
		f.cycleID, memberID, caseID).Scan(&status, &removed)
	return status, removed
}

// answers is a complete review.
func answers(overall string) reviewform.Answers {
	a := reviewform.Answers{Ratings: map[string]string{}, Overall: overall, GoodPractice: "Early special measures application"}
	for _, q := range reviewform.Default().Questions {
		a.Ratings[q.Key] = "yes"
	}
	return a
}

func (f *flow) save(t *testing.T, memberID, caseID int64, a reviewform.Answers, final bool) (cycle.StoredReview, error) {
	t.Helper()
	return flowtest.Run[cycle.StoredReview](t, f.acts, f.acts.SaveReview, cycleflow.ReviewInput{CycleID: f.cycleID, MemberID: memberID, CaseID: caseID,
		Answers: a, Final: final, Source: "web"})
}

func refs(ms []outbox.Ref) []int64 {
	var out []int64
	for _, m := range ms {
		out = append(out, m.MemberID)
	}
	return out
}

// assertNothingRestricted checks every queued email and every stored file
// for a URN, and every email for a case summary.
func assertNothingRestricted(t *testing.T, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	rows, _ := testenv.SQL(t, st).Query(ctx, `SELECT message_key, subject || body_text || body_html || coalesce(calendar_ics, '') FROM outbox`)
	for rows.Next() {
		var key, text string
		rows.Scan(&key, &text)
		if strings.Contains(text, "URN-") || strings.Contains(text, "Summary of") {
			t.Errorf("email %s carries a URN or a case summary", key)
		}
	}
	rows.Close()
	rows, _ = testenv.SQL(t, st).Query(ctx, `SELECT id FROM files`)
	ids, _ := pgx.CollectRows(rows, pgx.RowTo[int64])
	for _, id := range ids {
		f, err := st.FileByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(workbookText(t, f.Content), "URN-") {
			t.Errorf("file %s carries a URN", f.Filename)
		}
	}
}

// runErr executes an activity that returns only an error.
func runErr(t *testing.T, acts *cycleflow.Activities, fn any, args ...any) error {
	t.Helper()
	_, err := flowtest.Run[struct{}](t, acts, fn, args...)
	return err
}

func refOf(cases []cycle.CycleCase, id int64) string {
	for _, c := range cases {
		if c.CaseID == id {
			return c.Reference
		}
	}
	return ""
}

func sorted(ids ...int64) []int64 {
	slices.Sort(ids)
	return ids
}
