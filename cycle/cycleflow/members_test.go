package cycleflow_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lsip/scrutiny/testenv/flowtest"

	"github.com/jackc/pgx/v5"
	"go.temporal.io/sdk/temporal"

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
	f.st.Pool.QueryRow(context.Background(), `SELECT status, removed FROM reviews WHERE cycle_id = $1 AND member_id = $2 AND case_id = $3`,
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
	rows, _ := st.Pool.Query(ctx, `SELECT message_key, subject || body_text || body_html || coalesce(calendar_ics, '') FROM outbox`)
	for rows.Next() {
		var key, text string
		rows.Scan(&key, &text)
		if strings.Contains(text, "URN-") || strings.Contains(text, "Summary of") {
			t.Errorf("email %s carries a URN or a case summary", key)
		}
	}
	rows.Close()
	rows, _ = st.Pool.Query(ctx, `SELECT id FROM files`)
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

func TestMeetingInvitesAreSentOncePerVersion(t *testing.T) {
	f := newFlow(t)
	if again := f.saveMeeting(t, cycle.Meeting{Start: meetingAt, End: meetingAt.Add(2 * time.Hour), Location: "CPS office, Cardiff"}); again.Sequence != 0 {
		t.Errorf("saving an unchanged meeting raised the sequence to %d", again.Sequence)
	}
	invites, err := flowtest.Run[[]outbox.Ref](t, f.acts, f.acts.QueueInvites, f.cycleID, false)
	if err != nil {
		t.Fatal(err)
	}
	if got := refs(invites); !slices.Equal(got, []int64{f.aled, f.bea, f.carys}) {
		t.Fatalf("invites went to %v, want every active member (Aled, Bea, Carys)", got)
	}
	again, _ := flowtest.Run[[]outbox.Ref](t, f.acts, f.acts.QueueInvites, f.cycleID, false)
	if !slices.Equal(again, invites) {
		t.Errorf("a retry queued different invites: %v then %v", invites, again)
	}
	e := f.outbox(t, invites[0].OutboxID)
	if e.Key != fmt.Sprintf("invite/%d/%d/0", f.cycleID, f.aled) || e.ToAddress != "aled@example.org" {
		t.Errorf("invite row %s to %s", e.Key, e.ToAddress)
	}
	uid := fmt.Sprintf("UID:cycle-%d@scrutiny", f.cycleID)
	for _, want := range []string{"METHOD:REQUEST", uid, "SEQUENCE:0", "DTSTART:20270112T180000Z", `ORGANIZER;CN="Cath Coordinator":mailto:cath@example.org`} {
		if !strings.Contains(e.CalendarICS, want) {
			t.Errorf("invite ICS lacks %q:\n%s", want, e.CalendarICS)
		}
	}
	for _, want := range []string{"Tuesday 12 January 2027, 18:00 GMT to 20:00 GMT", "CPS office, Cardiff", "https://lsip.example/m/", "apologies"} {
		if !strings.Contains(e.BodyText, want) {
			t.Errorf("invite body lacks %q:\n%s", want, e.BodyText)
		}
	}

	// Moving the meeting into summer time sends a new version, in BST.
	summer := time.Date(2027, 6, 15, 17, 0, 0, 0, time.UTC)
	if moved := f.saveMeeting(t, cycle.Meeting{Start: summer, End: summer.Add(2 * time.Hour), OnlineLink: "https://meet.example/lsip"}); moved.Sequence != 1 {
		t.Errorf("a moved meeting has sequence %d, want 1", moved.Sequence)
	}
	moved, _ := flowtest.Run[[]outbox.Ref](t, f.acts, f.acts.QueueInvites, f.cycleID, false)
	e = f.outbox(t, moved[0].OutboxID)
	if e.ID == invites[0].OutboxID || !strings.Contains(e.CalendarICS, "SEQUENCE:1") || !strings.Contains(e.CalendarICS, uid) {
		t.Errorf("the changed invite: row %d, ICS\n%s", e.ID, e.CalendarICS)
	}
	if !strings.Contains(e.BodyText, "Tuesday 15 June 2027, 18:00 BST to 20:00 BST") || !strings.Contains(e.Subject, "changed") {
		t.Errorf("the changed invite reads:\n%s\n\n%s", e.Subject, e.BodyText)
	}
	if n := f.count(t, `SELECT count(*) FROM outbox WHERE message_key LIKE 'invite/%'`); n != 6 {
		t.Errorf("%d invites queued, want 3 members × 2 versions", n)
	}
}

func TestCancelCycleSendsCancellationsOnce(t *testing.T) {
	f := newFlow(t)
	cancelled, err := flowtest.Run[[]outbox.Ref](t, f.acts, f.acts.CancelCycle, f.cycleID, "The chair is unavailable")
	if err != nil {
		t.Fatal(err)
	}
	if got := refs(cancelled); !slices.Equal(got, []int64{f.aled, f.bea, f.carys}) {
		t.Fatalf("cancellations went to %v", got)
	}
	e := f.outbox(t, cancelled[0].OutboxID)
	for _, want := range []string{"METHOD:CANCEL", "STATUS:CANCELLED", "SEQUENCE:1", fmt.Sprintf("UID:cycle-%d@scrutiny", f.cycleID)} {
		if !strings.Contains(e.CalendarICS, want) {
			t.Errorf("cancellation ICS lacks %q", want)
		}
	}
	if e.Key != fmt.Sprintf("invite-cancel/%d/%d", f.cycleID, f.aled) || !strings.Contains(e.BodyText, "The chair is unavailable") ||
		!strings.HasPrefix(e.Subject, "Cancelled") {
		t.Errorf("cancellation %s: %s\n%s", e.Key, e.Subject, e.BodyText)
	}
	again, _ := flowtest.Run[[]outbox.Ref](t, f.acts, f.acts.CancelCycle, f.cycleID, "The chair is unavailable")
	if !slices.Equal(again, cancelled) {
		t.Errorf("a retried cancellation queued %v after %v", again, cancelled)
	}
	var stage, meeting string
	var seq int
	var revoked, cancelledAt *time.Time
	f.st.Pool.QueryRow(context.Background(), `SELECT cy.stage, cy.access_revoked_at, cy.cancelled_at, m.status, m.ics_sequence
		FROM cycles cy JOIN meetings m ON m.cycle_id = cy.id WHERE cy.id = $1`, f.cycleID).Scan(&stage, &revoked, &cancelledAt, &meeting, &seq)
	if stage != "cancelled" || revoked == nil || cancelledAt == nil || meeting != "cancelled" || seq != 1 {
		t.Errorf("after cancelling: stage %s, revoked %v, cancelled %v, meeting %s, sequence %d", stage, revoked, cancelledAt, meeting, seq)
	}
	if n := f.count(t, `SELECT count(*) FROM cycle_cases WHERE cycle_id = $1`, f.cycleID); n == 0 {
		t.Error("cancelling deleted the cycle's records")
	}
}

func TestConflictTeasersIdentifyNothing(t *testing.T) {
	f := newFlow(t)
	teasers, err := flowtest.Run[[]outbox.Ref](t, f.acts, f.acts.QueueConflictTeasers, f.cycleID)
	if err != nil {
		t.Fatal(err)
	}
	if got := refs(teasers); !slices.Equal(got, []int64{f.aled, f.bea}) {
		t.Fatalf("teasers went to %v, want the members who will get packs", got)
	}
	e := f.outbox(t, teasers[0].OutboxID)
	if e.Key != fmt.Sprintf("teaser/%d/%d", f.cycleID, f.aled) {
		t.Errorf("teaser key %s", e.Key)
	}
	for _, c := range f.inReview {
		if line := c.Reference + ": Race; Harassment; Conviction after guilty plea; finalised August 2026"; !strings.Contains(e.BodyText, line) {
			t.Errorf("teaser lacks %q:\n%s", line, e.BodyText)
		}
	}
	if !strings.Contains(e.BodyText, "Tuesday 29 December 2026, 18:00 GMT") || !strings.Contains(e.BodyText, "https://lsip.example/m/") {
		t.Errorf("teaser lacks the deadline or the personal link:\n%s", e.BodyText)
	}
	assertNothingRestricted(t, f.st)
}

func TestPackLeavesOutConflictedCases(t *testing.T) {
	f := newFlow(t)
	f.acts.AttachPacks = true
	conflicted := f.inReview[0]
	for range 2 {
		if err := runErr(t, f.acts, f.acts.RecordConflict, cycleflow.ConflictInput{CycleID: f.cycleID, MemberID: f.aled, CaseID: conflicted.CaseID, Note: "I know the family"}); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.count(t, `SELECT count(*) FROM conflicts WHERE cycle_id = $1`, f.cycleID); n != 1 {
		t.Errorf("%d conflicts stored for one declaration made twice", n)
	}
	recipients, err := flowtest.Run[[]cycleflow.PackRecipient](t, f.acts, f.acts.PackRecipients, f.cycleID)
	if err != nil {
		t.Fatal(err)
	}
	if len(recipients) != 2 || recipients[0].Name != "Aled" || recipients[1].Name != "Bea" {
		t.Fatalf("pack recipients %+v, want Aled and Bea", recipients)
	}

	aled := f.pack(t, f.aled)
	if slices.Contains(aled.CaseIDs, conflicted.CaseID) || len(aled.CaseIDs) != 2 {
		t.Errorf("Aled's pack has cases %v; %d is conflicted", aled.CaseIDs, conflicted.CaseID)
	}
	file, err := f.st.FileByID(context.Background(), aled.FileID)
	if err != nil {
		t.Fatal(err)
	}
	text := workbookText(t, file.Content)
	if strings.Contains(text, conflicted.Reference) {
		t.Errorf("the conflicted case %s is in Aled's workbook", conflicted.Reference)
	}
	for _, id := range aled.CaseIDs {
		if ref := refOf(f.inReview, id); !strings.Contains(text, "# "+ref) {
			t.Errorf("Aled's workbook lacks a sheet for %s", ref)
		}
	}
	if st, _ := f.reviewStatus(t, f.aled, conflicted.CaseID); st != "" {
		t.Errorf("a review was opened for Aled's conflicted case (%s)", st)
	}
	if n := f.count(t, `SELECT count(*) FROM reviews WHERE cycle_id = $1 AND member_id = $2 AND status = 'outstanding' AND form_version = $3`,
		f.cycleID, f.aled, reviewform.Default().Version); n != 2 {
		t.Errorf("%d outstanding reviews opened for Aled, want 2", n)
	}

	// A retry finds the same file and email.
	if again := f.pack(t, f.aled); again.FileID != aled.FileID || again.Mail != aled.Mail || !slices.Equal(again.CaseIDs, aled.CaseIDs) {
		t.Errorf("a retried pack: %+v then %+v", aled, again)
	}
	if n := f.count(t, `SELECT count(*) FROM files WHERE kind = 'pack' AND member_id = $1`, f.aled); n != 1 {
		t.Errorf("%d pack files for Aled", n)
	}

	e := f.outbox(t, aled.Mail.OutboxID)
	if e.Key != fmt.Sprintf("pack/%d/%d", f.cycleID, f.aled) || aled.Mail.MemberID != f.aled || e.AttachmentFileID == nil || *e.AttachmentFileID != aled.FileID {
		t.Errorf("pack email %s attaches %v, want file %d", e.Key, e.AttachmentFileID, aled.FileID)
	}
	for _, want := range []string{"2 cases", "Monday 11 January 2027, 18:00 GMT", "https://lsip.example/m/", "confidential", "upload"} {
		if !strings.Contains(e.BodyText, want) {
			t.Errorf("pack email lacks %q:\n%s", want, e.BodyText)
		}
	}

	// Without AttachPacks the email carries the link alone.
	f.acts.AttachPacks = false
	bea := f.pack(t, f.bea)
	if len(bea.CaseIDs) != 3 {
		t.Errorf("Bea's pack has %d cases, want all 3", len(bea.CaseIDs))
	}
	if e := f.outbox(t, bea.Mail.OutboxID); e.AttachmentFileID != nil {
		t.Error("a pack was attached although AttachPacks is off")
	}
	assertNothingRestricted(t, f.st)
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

func TestConflictAfterReleaseRemovesTheCase(t *testing.T) {
	f := newFlow(t)
	f.pack(t, f.aled)
	c := f.inReview[1].CaseID
	if _, err := f.save(t, f.aled, c, answers(""), false); err != nil {
		t.Fatal(err)
	}
	if err := runErr(t, f.acts, f.acts.RecordConflict, cycleflow.ConflictInput{CycleID: f.cycleID, MemberID: f.aled, CaseID: c, AfterRelease: true}); err != nil {
		t.Fatal(err)
	}
	if _, removed := f.reviewStatus(t, f.aled, c); !removed {
		t.Error("a conflict declared after release left the case in the member's reviews")
	}
	_, err := f.save(t, f.aled, c, answers("handled_well"), true)
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || !appErr.NonRetryable() {
		t.Errorf("a review of a removed case was accepted: %v", err)
	}
	if n := f.count(t, `SELECT count(*) FROM audit_log WHERE action = 'conflict_declared'`); n != 1 {
		t.Errorf("%d conflict audit rows", n)
	}
}

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
	rows, _ := f.st.Pool.Query(context.Background(), `SELECT version || ' ' || status || ' ' || source || ' ' || (answers->>'overall')
		FROM review_versions WHERE cycle_id = $1 AND member_id = $2 AND case_id = $3 ORDER BY version`, f.cycleID, f.aled, c)
	versions, _ := pgx.CollectRows(rows, pgx.RowTo[string])
	if want := []string{"1 draft web ", "2 submitted web concerns", "3 submitted web handled_well"}; !slices.Equal(versions, want) {
		t.Errorf("versions %q, want %q", versions, want)
	}
	var overall string
	var submittedAt *time.Time
	f.st.Pool.QueryRow(context.Background(), `SELECT answers->>'overall', submitted_at FROM reviews WHERE cycle_id = $1 AND member_id = $2 AND case_id = $3`,
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

func sorted(ids ...int64) []int64 {
	slices.Sort(ids)
	return ids
}

func TestIdentifyingReportPullsTheCaseFromEveryPack(t *testing.T) {
	f := newFlow(t)
	f.pack(t, f.aled)
	f.pack(t, f.bea)
	pulled := f.inReview[0]
	report := cycleflow.IdentifyingReport{CycleID: f.cycleID, MemberID: f.bea, CaseID: pulled.CaseID, Detail: "The summary names the street"}
	for range 2 {
		if err := runErr(t, f.acts, f.acts.RecordIdentifyingReport, report); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.count(t, `SELECT count(*) FROM identifying_reports`); n != 1 {
		t.Errorf("%d reports stored for one report sent twice", n)
	}
	for _, m := range []int64{f.aled, f.bea} {
		if _, removed := f.reviewStatus(t, m, pulled.CaseID); !removed {
			t.Errorf("member %d still has the pulled case", m)
		}
	}
	if n := f.count(t, `SELECT count(*) FROM cycle_cases WHERE cycle_id = $1 AND case_id = $2 AND status = 'pulled'`, f.cycleID, pulled.CaseID); n != 1 {
		t.Error("the case is not marked pulled")
	}
	ref, err := flowtest.Run[outbox.Ref](t, f.acts, f.acts.QueueAlert, cycleflow.Alert{CycleID: f.cycleID, Kind: "identifying_detail",
		Key: fmt.Sprintf("identifying/%d", pulled.CaseID), MemberID: f.bea, CaseID: pulled.CaseID})
	if err != nil {
		t.Fatal(err)
	}
	e := f.outbox(t, ref.OutboxID)
	if !strings.Contains(e.Subject+e.BodyText, pulled.Reference) || strings.Contains(e.BodyText, "names the street") || strings.Contains(e.BodyText, "Bea") {
		t.Errorf("the coordinator's alert must name the case but not the report or the reporter:\n%s\n%s", e.Subject, e.BodyText)
	}
}

func TestAlertsToTheCoordinator(t *testing.T) {
	f := newFlow(t)
	f.pack(t, f.aled)
	flowtest.Run[[]cycleflow.NonReturn](t, f.acts, f.acts.RecordNonReturns, f.cycleID)
	cases := []struct {
		alert cycleflow.Alert
		want  []string
	}{
		{cycleflow.Alert{Kind: "bounce", Key: "bounce/1", MemberID: f.aled}, []string{"Aled", "refused", "until their address is corrected"}},
		{cycleflow.Alert{Kind: "non_returns", Key: "non_returns"}, []string{"Aled: 3 missing", f.inReview[0].Reference}},
		{cycleflow.Alert{Kind: "awaiting_approval", Key: "awaiting_approval/1"}, []string{"waiting for you", fmt.Sprintf("https://lsip.example/cycles/%d", f.cycleID)}},
	}
	for _, c := range cases {
		c.alert.CycleID = f.cycleID
		ref, err := flowtest.Run[outbox.Ref](t, f.acts, f.acts.QueueAlert, c.alert)
		if err != nil {
			t.Fatal(err)
		}
		again, _ := flowtest.Run[outbox.Ref](t, f.acts, f.acts.QueueAlert, c.alert)
		if again != ref {
			t.Errorf("%s: a retry queued %v after %v", c.alert.Kind, again, ref)
		}
		e := f.outbox(t, ref.OutboxID)
		if e.ToAddress != "cath@example.org" || e.Key != fmt.Sprintf("alert/%d/%s", f.cycleID, c.alert.Key) || e.MemberID != nil {
			t.Errorf("%s alert %s went to %s", c.alert.Kind, e.Key, e.ToAddress)
		}
		for _, want := range c.want {
			if !strings.Contains(e.Subject+"\n"+e.BodyText, want) {
				t.Errorf("%s alert lacks %q:\n%s\n%s", c.alert.Kind, want, e.Subject, e.BodyText)
			}
		}
		if strings.Contains(e.BodyText, "aled@example.org") {
			t.Errorf("%s alert carries a member's address", c.alert.Kind)
		}
	}
	_, err := flowtest.Run[outbox.Ref](t, f.acts, f.acts.QueueAlert, cycleflow.Alert{CycleID: f.cycleID, Kind: "gossip", Key: "x"})
	if err == nil {
		t.Error("an unknown alert kind was queued")
	}
	assertNothingRestricted(t, f.st)
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

// TestMattersArisingInPackAndMinutes: the panel's open actions from earlier
// cycles, with their responses, reach the next pack's cover and minutes.
func TestMattersArisingInPackAndMinutes(t *testing.T) {
	f := newFlow(t)
	f.exec(t, `INSERT INTO actions (cycle_id, panel_id, area_id, description, owner_name, owner_email, manager_name, manager_email, due_on, status, response, response_rationale)
		SELECT $1, id, area_id, 'Brief lawyers on s.66 uplift', 'Area lead', 'lead@example.org', 'DCCP', 'dccp@example.org', current_date + 30, 'in_progress',
			'accepted', 'Briefing booked for all teams' FROM panels WHERE id = $2`, f.prevID, f.panelID)
	f.exec(t, `INSERT INTO actions (cycle_id, panel_id, area_id, description, owner_name, owner_email, manager_name, manager_email, due_on, status, closed_at)
		SELECT $1, id, area_id, 'Long-closed action', 'Area lead', 'lead@example.org', 'DCCP', 'dccp@example.org', current_date - 400, 'completed', now() - interval '1 year'
		FROM panels WHERE id = $2`, f.prevID, f.panelID)
	pack := f.pack(t, f.aled)
	file, _ := f.st.FileByID(context.Background(), pack.FileID)
	text := workbookText(t, file.Content)
	if !strings.Contains(text, "Brief lawyers on s.66 uplift") || !strings.Contains(text, "Briefing booked for all teams") {
		t.Error("the pack's cover lacks the matters arising with their response")
	}
	if strings.Contains(text, "Long-closed action") {
		t.Error("an action closed a year ago is still a matter arising")
	}
	minutesID, err := flowtest.Run[int64](t, f.acts, f.acts.DraftMinutes, f.cycleID)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := f.st.FileByID(context.Background(), minutesID)
	if !strings.Contains(workbookText(t, m.Content), "Brief lawyers on s.66 uplift") {
		t.Error("the minutes lack the matters arising")
	}
}
