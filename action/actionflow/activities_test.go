package actionflow_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lsip/scrutiny/testenv/flowtest"

	"github.com/jackc/pgx/v5"
	"go.temporal.io/sdk/temporal"

	"github.com/lsip/scrutiny/action/actionflow"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/outbox"
	"github.com/lsip/scrutiny/outbox/outboxflow"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
)

// actionFixture is one action in a London North panel's cycle, about a
// case, with the Area's senior lead set.
type actionFixture struct {
	st       *store.Store
	acts     *actionflow.Activities
	actionID int64
	caseRef  string
}

var actionDueOn = time.Date(2027, 4, 9, 0, 0, 0, 0, time.UTC)

func newActionFixture(t *testing.T) *actionFixture {
	t.Helper()
	st := testenv.DB(t)
	f := &actionFixture{st: st, acts: &actionflow.Activities{Store: st, PublicURL: "https://scrutiny.example"}, caseRef: "LN-HC-0042"}
	ctx := context.Background()
	db := testenv.SQL(t, st)
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := db.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	exec(`UPDATE areas SET senior_lead_name = 'DCCP London North', senior_lead_email = 'dccp.ln@cps.example' WHERE code = 'london-north'`)
	rec := domain.CaseRecord{AreaCode: "london-north", Reference: f.caseRef, URN: "01XX0000000", Category: domain.HateCrime, Strands: []string{"race"},
		PrincipalOffence: "Harassment", FinalisedOn: time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC), Outcome: domain.ConvictionPlea, Summary: "An anonymised summary"}
	if err := st.InTx(ctx, func(tx *store.Tx) error { _, _, err := tx.UpsertCases(ctx, []domain.CaseRecord{rec}); return err }); err != nil {
		t.Fatal(err)
	}
	var panelID, cycleID int64
	if err := db.QueryRow(ctx, `INSERT INTO panels (area_id, name, covers) SELECT id, 'London North LSIP', 'both' FROM areas WHERE code = 'london-north' RETURNING id`).Scan(&panelID); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(ctx, `INSERT INTO cycles (panel_id, workflow_id, window_start, window_end, quotas, started_by, coordinator_name, coordinator_email)
		VALUES ($1, 'cycle-test', '2026-07-01', '2026-09-30', '{}', 'test', 'Cora Coordinator', 'cora@cps.example') RETURNING id`, panelID).Scan(&cycleID); err != nil {
		t.Fatal(err)
	}
	exec(`INSERT INTO meetings (cycle_id, starts_at, ends_at, ics_uid) VALUES ($1, '2027-03-10 18:00+00', '2027-03-10 20:00+00', 'cycle-test@scrutiny')`, cycleID)
	if err := db.QueryRow(ctx, `INSERT INTO actions (cycle_id, panel_id, area_id, case_id, kind, audience, description, owner_name, owner_email, manager_name, manager_email, due_on)
		SELECT $1, $2, p.area_id, (SELECT id FROM cases WHERE reference = $3), 'recommendation', 'police', 'Brief all hate crime lawyers on the s.66 uplift',
			'Olu Owner', 'owner@cps.example', 'Mina Manager', 'manager@cps.example', $4
		FROM panels p WHERE p.id = $2 RETURNING id`, cycleID, panelID, f.caseRef, actionDueOn).Scan(&f.actionID); err != nil {
		t.Fatal(err)
	}
	// The cycle's RecordAction writes a first event without a number.
	exec(`INSERT INTO action_events (action_id, actor, kind) VALUES ($1, 'panel', 'created')`, f.actionID)
	return f
}

type actionRow struct {
	Status, Owner, Response, Rationale, Completion, Evidence, Cancel string
	Due                                                              time.Time
	ExtensionTo, ClosedAt                                            *time.Time
	UpdatedAt                                                        time.Time
	LastSeq                                                          int
}

func (f *actionFixture) row(t *testing.T) actionRow {
	t.Helper()
	var r actionRow
	err := testenv.SQL(t, f.st).QueryRow(context.Background(), `SELECT status, owner_email, coalesce(response, ''), coalesce(response_rationale, ''),
			coalesce(completion_note, ''), coalesce(completion_evidence, ''), coalesce(cancel_reason, ''), due_on, extension_requested_to, closed_at, updated_at, last_event_seq
		FROM actions WHERE id = $1`, f.actionID).Scan(&r.Status, &r.Owner, &r.Response, &r.Rationale, &r.Completion, &r.Evidence, &r.Cancel,
		&r.Due, &r.ExtensionTo, &r.ClosedAt, &r.UpdatedAt, &r.LastSeq)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

type actionEventRow struct {
	Seq               int
	At                time.Time
	Actor, Kind, Text string
}

func (f *actionFixture) events(t *testing.T) []actionEventRow {
	t.Helper()
	rows, err := testenv.SQL(t, f.st).Query(context.Background(), `SELECT seq, at, actor, kind, coalesce(detail->>'text', '') FROM action_events
		WHERE action_id = $1 AND seq IS NOT NULL ORDER BY seq`, f.actionID)
	if err != nil {
		t.Fatal(err)
	}
	evs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (actionEventRow, error) {
		var e actionEventRow
		return e, r.Scan(&e.Seq, &e.At, &e.Actor, &e.Kind, &e.Text)
	})
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func (f *actionFixture) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := testenv.SQL(t, f.st).QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// change is the action as the workflow would write it after a change.
func (f *actionFixture) change(seq int, at time.Time, actor, kind, detail string) domain.ActionChange {
	return domain.ActionChange{ActionID: f.actionID, Seq: seq, At: at, Actor: actor, Kind: kind, Detail: detail,
		Status: "open", Due: actionDueOn, OwnerName: "Olu Owner", OwnerEmail: "owner@cps.example"}
}

// TestActionLoadAndRecordChanges: LoadAction gives the workflow what it
// needs; each change writes the actions row and one event with its actor
// and time, once however often it is retried, never letting a late retry
// of an older change overwrite a newer one.
func TestActionLoadAndRecordChanges(t *testing.T) {
	f := newActionFixture(t)
	rec, err := flowtest.Run[domain.ActionRecord](t, f.acts, f.acts.LoadAction, f.actionID)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Status != "open" || rec.Kind != "recommendation" || rec.Audience != "police" || !rec.Due.Equal(actionDueOn) || rec.CycleID == 0 || rec.CaseID == 0 ||
		rec.OwnerEmail != "owner@cps.example" || rec.ManagerName != "Mina Manager" || rec.SeniorEmail != "dccp.ln@cps.example" || rec.LastSeq != 0 || rec.ExtensionTo != nil {
		t.Fatalf("loaded %+v", rec)
	}

	t1 := time.Date(2027, 3, 1, 10, 0, 0, 0, time.UTC)
	t2 := t1.Add(26 * time.Hour)
	for _, ch := range []domain.ActionChange{
		f.change(1, t1, "system", "tracking_started", "Tracking started; due 9 April 2027"),
		func() domain.ActionChange {
			ch := f.change(2, t2, "Olu Owner", "progress_note", "Briefing drafted")
			ch.Status = "in_progress"
			return ch
		}(),
	} {
		at, err := flowtest.Run[time.Time](t, f.acts, f.acts.RecordActionChange, ch)
		if err != nil || !at.Equal(ch.At) {
			t.Fatalf("record %s: %v at %v", ch.Kind, err, at)
		}
	}
	// A retry of the note: nothing more is written.
	note := f.change(2, t2, "Olu Owner", "progress_note", "Briefing drafted")
	note.Status = "in_progress"
	if at, err := flowtest.Run[time.Time](t, f.acts, f.acts.RecordActionChange, note); err != nil || !at.Equal(t2) {
		t.Fatalf("retried note: %v at %v", err, at)
	}
	evs := f.events(t)
	if len(evs) != 2 || evs[1].Actor != "Olu Owner" || evs[1].Kind != "progress_note" || evs[1].Text != "Briefing drafted" || !evs[1].At.Equal(t2) || !evs[0].At.Equal(t1) {
		t.Fatalf("events %+v", evs)
	}
	if n := f.count(t, `SELECT count(*) FROM audit_log WHERE subject_type = 'action' AND subject_id = $1`, strconv.FormatInt(f.actionID, 10)); n != 2 {
		t.Errorf("%d audit rows, want one per change", n)
	}
	if r := f.row(t); r.Status != "in_progress" || !r.UpdatedAt.Equal(t2) || r.LastSeq != 2 || r.ClosedAt != nil {
		t.Errorf("row after the note: %+v", r)
	}

	// A pending extension, with its reason, is what a restarted workflow
	// loads back.
	t3 := t2.Add(24 * time.Hour)
	to := actionDueOn.AddDate(0, 0, 21)
	ext := f.change(3, t3, "Olu Owner", "extension_requested", "Asked to move the due date to 30 April 2027: guidance awaited")
	ext.Status, ext.ExtensionTo, ext.Data = "in_progress", &to, map[string]string{"to": "2027-04-30", "reason": "guidance awaited"}
	if _, err := flowtest.Run[time.Time](t, f.acts, f.acts.RecordActionChange, ext); err != nil {
		t.Fatal(err)
	}
	rec, err = flowtest.Run[domain.ActionRecord](t, f.acts, f.acts.LoadAction, f.actionID)
	if err != nil || rec.ExtensionTo == nil || !rec.ExtensionTo.Equal(to) || rec.ExtensionReason != "guidance awaited" || rec.ExtensionBy != "Olu Owner" || rec.LastSeq != 3 || rec.Status != "in_progress" {
		t.Fatalf("reloaded %+v (%v)", rec, err)
	}

	// Two changes written at once, the later first: the row keeps the
	// later (the completion), and both events are there.
	t4, t5 := t3.Add(time.Hour), t3.Add(2*time.Hour)
	done := f.change(5, t5, "Nia New", "completed", "Delivered to all lawyers Evidence: https://intranet.example/s66")
	done.Status, done.OwnerName, done.OwnerEmail = "completed", "Nia New", "nia@cps.example"
	done.Response, done.ResponseRationale = "accepted", "Agreed in full"
	done.CompletionNote, done.CompletionEvidence = "Delivered to all lawyers", "https://intranet.example/s66"
	reassigned := f.change(4, t4, "Mina Manager", "reassigned", "Owner changed from Olu Owner to Nia New")
	reassigned.Status, reassigned.OwnerName, reassigned.OwnerEmail, reassigned.ExtensionTo = "in_progress", "Nia New", "nia@cps.example", &to
	for _, ch := range []domain.ActionChange{done, reassigned} {
		if _, err := flowtest.Run[time.Time](t, f.acts, f.acts.RecordActionChange, ch); err != nil {
			t.Fatal(err)
		}
	}
	r := f.row(t)
	if r.Status != "completed" || r.Owner != "nia@cps.example" || r.Response != "accepted" || r.Completion != "Delivered to all lawyers" ||
		r.Evidence != "https://intranet.example/s66" || r.ExtensionTo != nil || r.ClosedAt == nil || !r.ClosedAt.Equal(t5) || r.LastSeq != 5 {
		t.Errorf("row after the completion and a late reassignment: %+v", r)
	}
	if evs := f.events(t); len(evs) != 5 || evs[3].Kind != "reassigned" || evs[3].Actor != "Mina Manager" || evs[4].Kind != "completed" {
		t.Errorf("events %+v", evs)
	}

	// A different change under a number already used is refused, loudly.
	clash := f.change(2, t5, "someone", "cancelled", "x")
	_, err = flowtest.Run[time.Time](t, f.acts, f.acts.RecordActionChange, clash)
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || !appErr.NonRetryable() || !strings.Contains(err.Error(), `already "progress_note"`) {
		t.Errorf("a clashing sequence number: %v", err)
	}

	// An action that does not exist is not retried for ever.
	_, err = flowtest.Run[domain.ActionRecord](t, f.acts, f.acts.LoadAction, int64(999999))
	if !errors.As(err, &appErr) || !appErr.NonRetryable() {
		t.Errorf("loading a missing action: %v", err)
	}
}

// TestActionMailQueuedOnce: an action email lands in the outbox once per
// key, addressed as the workflow said, in plain English with the
// description, the due date, UK time with the zone named and the link; a
// retried activity finds the same row, and delivering it twice sends one
// message.
func TestActionMailQueuedOnce(t *testing.T) {
	f := newActionFixture(t)
	catcher, sender := testenv.SMTP(t, nil)
	delivery := &outboxflow.Activities{Store: f.st, Mailer: sender}
	ctx := context.Background()

	reminder := actionflow.ActionMail{ActionID: f.actionID, Key: "remind/2027-04-09/14d", Kind: "reminder", Role: "owner",
		ToName: "Olu Owner", ToEmail: "owner@cps.example", Due: actionDueOn, At: time.Date(2027, 3, 26, 9, 0, 0, 0, time.UTC),
		OwnerName: "Olu Owner", ManagerName: "Mina Manager"}
	ref, err := flowtest.Run[outbox.Ref](t, f.acts, f.acts.QueueActionMail, reminder)
	if err != nil {
		t.Fatal(err)
	}
	again, err := flowtest.Run[outbox.Ref](t, f.acts, f.acts.QueueActionMail, reminder)
	if err != nil || again.OutboxID != ref.OutboxID {
		t.Fatalf("queued twice: rows %d and %d (%v)", ref.OutboxID, again.OutboxID, err)
	}
	key := actionflow.ActionMailKey(f.actionID, "remind/2027-04-09/14d")
	if key != "action/"+strconv.FormatInt(f.actionID, 10)+"/remind/2027-04-09/14d" {
		t.Errorf("key %s", key)
	}
	if n := f.count(t, `SELECT count(*) FROM outbox WHERE message_key = $1`, key); n != 1 {
		t.Fatalf("%d outbox rows for %s", n, key)
	}
	e, err := f.st.OutboxByID(ctx, ref.OutboxID)
	if err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(f.actionID, 10)
	if e.ToAddress != "owner@cps.example" || e.ToName != "Olu Owner" || e.Subject != "Reminder: action A-"+id+" is due on Friday 9 April 2027" {
		t.Errorf("to %s <%s>, subject %q", e.ToName, e.ToAddress, e.Subject)
	}
	for _, want := range []string{
		"Dear Olu Owner,",
		"This action is due on Friday 9 April 2027.",
		"Action A-" + id + ": Brief all hate crime lawyers on the s.66 uplift",
		"This is a recommendation for the police, from the London North LSIP meeting on 10 March 2027, case LN-HC-0042.",
		"Due date: Friday 9 April 2027",
		"https://scrutiny.example/actions/" + id + "\n",
		"opening the link changes nothing",
		"Sent Friday 26 March 2027, 09:00 GMT (UK time).",
	} {
		if !strings.Contains(e.BodyText, want) {
			t.Errorf("the reminder lacks %q:\n%s", want, e.BodyText)
		}
	}
	if strings.Contains(e.BodyText, "01XX0000000") || strings.Contains(e.BodyText, "anonymised summary") {
		t.Errorf("the reminder carries case detail:\n%s", e.BodyText)
	}
	for range 2 { // a retried delivery
		if res, err := flowtest.Run[domain.MailStatus](t, delivery, delivery.DeliverMail, ref.OutboxID); err != nil || res != domain.MailSent {
			t.Fatalf("DeliverMail = %q, %v", res, err)
		}
	}
	if n := len(catcher.Messages()); n != 1 {
		t.Errorf("%d messages arrived, want exactly 1", n)
	}

	// An escalation after the clocks change, to a senior lead with no name.
	esc := actionflow.ActionMail{ActionID: f.actionID, Key: "escalate/2027-04-09/2/0", Kind: "escalation", Role: "senior",
		ToEmail: "dccp.ln@cps.example", Due: actionDueOn, At: time.Date(2027, 5, 9, 8, 0, 0, 0, time.UTC), DaysOverdue: 30,
		OwnerName: "Olu Owner", ManagerName: "Mina Manager"}
	ref, err = flowtest.Run[outbox.Ref](t, f.acts, f.acts.QueueActionMail, esc)
	if err != nil {
		t.Fatal(err)
	}
	e, _ = f.st.OutboxByID(ctx, ref.OutboxID)
	for _, want := range []string{"Dear colleague,", "This action is 30 days overdue and has been escalated to you.", "Sent Sunday 9 May 2027, 09:00 BST (UK time)."} {
		if !strings.Contains(e.BodyText, want) {
			t.Errorf("the escalation lacks %q:\n%s", want, e.BodyText)
		}
	}
	if e.Subject != "Escalation: action A-"+id+" is 30 days overdue" {
		t.Errorf("escalation subject %q", e.Subject)
	}

	// The manager is told of a bounce.
	bounce := actionflow.ActionMail{ActionID: f.actionID, Key: "bounce/remind/2027-04-09/3d", Kind: "bounce", Role: "manager",
		ToName: "Mina Manager", ToEmail: "manager@cps.example", Due: actionDueOn, At: time.Date(2027, 4, 6, 8, 0, 0, 0, time.UTC),
		OwnerName: "Olu Owner", BouncedKind: "reminder", BouncedRole: "owner", BouncedName: "Olu Owner", BouncedEmail: "owner@cps.example"}
	ref, err = flowtest.Run[outbox.Ref](t, f.acts, f.acts.QueueActionMail, bounce)
	if err != nil {
		t.Fatal(err)
	}
	e, _ = f.st.OutboxByID(ctx, ref.OutboxID)
	if e.Subject != "Undelivered: the reminder for action A-"+id || !strings.Contains(e.BodyText, "could not be delivered to Olu Owner at owner@cps.example") ||
		!strings.Contains(e.BodyText, "If the owner has moved on, please reassign the action") {
		t.Errorf("bounce report %q:\n%s", e.Subject, e.BodyText)
	}

	// No address: refused, not retried.
	reminder.ToEmail, reminder.Key = "", "remind/x"
	_, err = flowtest.Run[outbox.Ref](t, f.acts, f.acts.QueueActionMail, reminder)
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || !appErr.NonRetryable() {
		t.Errorf("no address: %v", err)
	}
}
