package actionflow

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/testenv/flowtest"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/converter"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/lsip/scrutiny/action"
	"github.com/lsip/scrutiny/outbox"
	"github.com/lsip/scrutiny/outbox/outboxflow"
	"github.com/lsip/scrutiny/uktime"
)

// The action tests run in 2027, across the UK's clock change (Sunday 28
// March, 01:00 GMT), so they also pin that notices go at 09:00 UK time on
// both sides of it.
var (
	actionStart = ukAt(3, 1, 10, 0)                           // Monday 1 March 2027, 10:00 GMT
	actionDue   = time.Date(2027, 4, 9, 0, 0, 0, 0, time.UTC) // Friday 9 April 2027
)

// ukAt is a time in 2027, UK local time.
func ukAt(month time.Month, d, h, m int) time.Time {
	return time.Date(2027, month, d, h, m, 0, 0, uktime.London)
}

// nine is 09:00 UK time days after (or before) the due date.
func nine(days int) time.Time { return ukAt(4, 9+days, 9, 0) }

type actionSent struct {
	At  time.Time
	M   ActionMail
	Box int64
}

type actionOutcome struct {
	err   error
	state action.ActionState
	done  bool
}

func (o *actionOutcome) Finished() (bool, error) { return o.done, o.err }

// actionWorld plays the activities for the action workflow: it answers
// with fixed data and records what was asked and when (the mock clock).
type actionWorld struct {
	t       *testing.T
	env     *testsuite.TestWorkflowEnvironment
	rec     *actionRecorder
	updates int
	// agreed is the version of the agreed-notice change the run sees. The
	// notice-plan tests keep DefaultVersion, as actions tracked before the
	// notice existed, so their lists are the plan's alone; agreed_test.go
	// sets 1, as a new action gets.
	agreed workflow.Version
}

// actionRecorder is shared by the runs of one action across
// continue-as-new, as PostgreSQL would be.
type actionRecorder struct {
	mu      sync.Mutex
	mails   []actionSent
	changes []domain.ActionChange
	loads   int
	bounce  map[string]bool // addresses that bounce
	// recordDelay and loadDelay are how long each write to and the load
	// from PostgreSQL take (mock time).
	recordDelay, loadDelay time.Duration
	// deliverDelay[n] is how long the n-th delivery (from 1) takes.
	deliverDelay map[int]time.Duration
	deliveries   int
}

func newActionWorld(t *testing.T, rec *actionRecorder, load domain.ActionRecord) *actionWorld {
	if rec == nil {
		rec = &actionRecorder{bounce: map[string]bool{}}
	}
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))))
	w := &actionWorld{t: t, env: suite.NewTestWorkflowEnvironment(), rec: rec, agreed: workflow.DefaultVersion}
	w.env.SetStartTime(actionStart)
	w.env.OnGetVersion(agreedNoticeChange, workflow.DefaultVersion, 1).Return(func(string, workflow.Version, workflow.Version) workflow.Version { return w.agreed })
	w.env.RegisterWorkflow(ActionWorkflow)
	w.env.RegisterActivity(&Activities{})
	w.env.RegisterActivity(&outboxflow.Activities{})
	w.env.OnActivity(a.LoadAction, mock.Anything, mock.Anything).AfterFn(func() time.Duration {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		return rec.loadDelay
	}).Return(func(context.Context, int64) (domain.ActionRecord, error) {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		rec.loads++
		return load, nil
	})
	w.env.OnActivity(a.RecordActionChange, mock.Anything, mock.Anything).AfterFn(func() time.Duration {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		return rec.recordDelay
	}).Return(func(_ context.Context, ch domain.ActionChange) (time.Time, error) {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		rec.changes = append(rec.changes, ch)
		return ch.At, nil
	})
	w.env.OnActivity(a.QueueActionMail, mock.Anything, mock.Anything).Return(func(_ context.Context, m ActionMail) (outbox.Ref, error) {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		rec.mails = append(rec.mails, actionSent{At: w.env.Now(), M: m, Box: int64(len(rec.mails) + 1)})
		return outbox.Ref{OutboxID: int64(len(rec.mails))}, nil
	})
	w.env.OnActivity(delivery.DeliverMail, mock.Anything, mock.Anything).AfterFn(func() time.Duration {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		rec.deliveries++
		return rec.deliverDelay[rec.deliveries]
	}).Return(func(_ context.Context, id int64) (domain.MailStatus, error) {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		if rec.bounce[rec.mails[id-1].M.ToEmail] {
			return domain.MailBounced, nil
		}
		return domain.MailSent, nil
	})
	return w
}

// openAction is the actions row as the cycle's RecordAction leaves it.
func openAction() domain.ActionRecord {
	return domain.ActionRecord{Status: "open", Kind: "recommendation", Audience: "prosecution", PanelID: 3, CycleID: 7, Due: actionDue,
		OwnerName: "Olu Owner", OwnerEmail: "owner@cps.example", ManagerName: "Mina Manager", ManagerEmail: "manager@cps.example",
		SeniorName: "DCCP London North", SeniorEmail: "dccp.ln@cps.example"}
}

// update sends an update at the given time.
func (w *actionWorld) update(at time.Time, name string, u action.ActionUpdate) *actionOutcome {
	o := &actionOutcome{}
	w.env.RegisterDelayedCallback(func() {
		w.updates++
		w.env.UpdateWorkflow(name, fmt.Sprintf("u%d", w.updates), &testsuite.TestUpdateCallback{
			OnReject: func(err error) { o.err, o.done = err, true },
			OnAccept: func() {},
			OnComplete: func(r any, err error) {
				o.err, o.done = err, true
				if st, ok := r.(action.ActionState); ok {
					o.state = st
				}
			},
		}, u)
	}, at.Sub(actionStart))
	return o
}

func (w *actionWorld) run(in action.ActionInput) action.ActionState {
	w.t.Helper()
	w.env.ExecuteWorkflow(ActionWorkflow, in)
	if !w.env.IsWorkflowCompleted() {
		w.t.Fatal("the action workflow did not complete")
	}
	if err := w.env.GetWorkflowError(); err != nil {
		w.t.Fatal(err)
	}
	var st action.ActionState
	if err := w.env.GetWorkflowResult(&st); err != nil {
		w.t.Fatal(err)
	}
	return st
}

// sent lists what was emailed: "time kind role email key".
func (r *actionRecorder) sent() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, s := range r.mails {
		out = append(out, fmt.Sprintf("%s %s %s %s %s", s.At.In(uktime.London).Format("Mon 2 Jan 15:04 MST"), s.M.Kind, s.M.Role, s.M.ToEmail, s.M.Key))
	}
	return out
}

func (r *actionRecorder) times() []time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []time.Time
	for _, s := range r.mails {
		out = append(out, s.At)
	}
	return out
}

// bySeq is the changes written, in sequence order.
func (r *actionRecorder) bySeq() []domain.ActionChange {
	r.mu.Lock()
	defer r.mu.Unlock()
	changes := slices.Clone(r.changes)
	slices.SortStableFunc(changes, func(x, y domain.ActionChange) int { return x.Seq - y.Seq })
	return changes
}

// kinds lists the changes written, in sequence order (writes may run
// concurrently, so they can arrive in another order; PostgreSQL orders them
// by sequence).
func (r *actionRecorder) kinds() []string {
	var out []string
	for _, c := range r.bySeq() {
		out = append(out, c.Kind)
	}
	return out
}

func wantSent(t *testing.T, what string, r *actionRecorder, want ...string) {
	t.Helper()
	got := r.sent()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\ngot:\n  %s\nwant:\n  %s", what, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// checkChanges: every change written has the next sequence number, its
// actor and the workflow's time.
func checkChanges(t *testing.T, r *actionRecorder) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	seen := map[int]bool{}
	for _, c := range r.changes {
		if seen[c.Seq] || c.Seq < 1 || c.Seq > len(r.changes) {
			t.Errorf("change %+v: sequence %d is repeated or out of range", c, c.Seq)
		}
		seen[c.Seq] = true
		if c.Actor == "" || c.At.IsZero() || c.ActionID != 5 {
			t.Errorf("change without actor, time or action: %+v", c)
		}
	}
}

// TestActionNoticesAtExactUKTimes: with the default timing and nothing
// done, the owner is reminded 14 and 3 days before, on the due date and a
// week later; the manager at 14 days overdue and weekly; the senior lead at
// 30 days and weekly, all at 09:00 UK time across the clock change. The
// completion stops them and ends the workflow.
func TestActionNoticesAtExactUKTimes(t *testing.T) {
	w := newActionWorld(t, nil, openAction())
	done := w.update(nine(40).Add(time.Hour), action.UpdateCompleteAction, action.ActionUpdate{Actor: "Olu Owner", Note: "All lawyers briefed on s.66", Evidence: "https://intranet.example/briefing"})
	st := w.run(action.ActionInput{ActionID: 5})
	flowtest.MustOK(t, "complete", done)
	wantSent(t, "every notice", w.rec,
		"Fri 26 Mar 09:00 GMT reminder owner owner@cps.example remind/2027-04-09/14d",
		"Tue 6 Apr 09:00 BST reminder owner owner@cps.example remind/2027-04-09/3d",
		"Fri 9 Apr 09:00 BST due owner owner@cps.example remind/2027-04-09/0d",
		"Fri 16 Apr 09:00 BST overdue owner owner@cps.example escalate/2027-04-09/0/1",
		"Fri 23 Apr 09:00 BST escalation manager manager@cps.example escalate/2027-04-09/1/0",
		"Fri 30 Apr 09:00 BST overdue manager manager@cps.example escalate/2027-04-09/1/1",
		"Fri 7 May 09:00 BST overdue manager manager@cps.example escalate/2027-04-09/1/2",
		"Sun 9 May 09:00 BST escalation senior dccp.ln@cps.example escalate/2027-04-09/2/0",
		"Sun 16 May 09:00 BST overdue senior dccp.ln@cps.example escalate/2027-04-09/2/1",
	)
	// The same, as instants: 09:00 GMT is 09:00 UTC, 09:00 BST is 08:00 UTC.
	if got := w.rec.times(); !got[0].Equal(time.Date(2027, 3, 26, 9, 0, 0, 0, time.UTC)) || !got[1].Equal(time.Date(2027, 4, 6, 8, 0, 0, 0, time.UTC)) {
		t.Errorf("first reminders at %v and %v", got[0].UTC(), got[1].UTC())
	}
	m := w.rec.mails[4].M
	if m.DaysOverdue != 14 || m.ToName != "Mina Manager" || !m.Due.Equal(actionDue) || !m.At.Equal(nine(14)) {
		t.Errorf("the escalation asked for %+v", m)
	}
	if st.Status != domain.ActionCompleted || st.CompletionNote != "All lawyers briefed on s.66" || st.CompletionEvidence != "https://intranet.example/briefing" || st.NextNotice != nil {
		t.Errorf("final state %+v", st)
	}
	want := []string{"tracking_started", "reminder_sent", "reminder_sent", "due_sent", "overdue_sent", "escalation_sent", "overdue_sent", "overdue_sent", "escalation_sent", "overdue_sent", "completed"}
	if got := w.rec.kinds(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("changes written %v, want %v", got, want)
	}
	last := w.rec.bySeq()[len(w.rec.changes)-1]
	if last.Actor != "Olu Owner" || last.Status != domain.ActionCompleted || last.CompletionEvidence == "" || !last.At.Equal(nine(40).Add(time.Hour)) {
		t.Errorf("completion written as %+v", last)
	}
	checkChanges(t, w.rec)
	if len(st.Timeline) != len(want) || st.Timeline[len(want)-1].Actor != "Olu Owner" || !st.Timeline[1].At.Equal(nine(-14)) {
		t.Errorf("timeline %+v", st.Timeline)
	}
}

// TestActionCompletionAndCancellationStopEverything: nothing fires after the
// action closes, and the workflow ends there.
func TestActionCompletionAndCancellationStopEverything(t *testing.T) {
	t.Run("completed before the due date", func(t *testing.T) {
		w := newActionWorld(t, nil, openAction())
		w.update(nine(-1), action.UpdateCompleteAction, action.ActionUpdate{Actor: "Olu Owner", Note: "Done"})
		st := w.run(action.ActionInput{ActionID: 5})
		wantSent(t, "before completion only", w.rec,
			"Fri 26 Mar 09:00 GMT reminder owner owner@cps.example remind/2027-04-09/14d",
			"Tue 6 Apr 09:00 BST reminder owner owner@cps.example remind/2027-04-09/3d")
		if st.Status != domain.ActionCompleted || !w.env.Now().Equal(nine(-1)) {
			t.Errorf("status %s; the workflow ran on to %v", st.Status, w.env.Now())
		}
	})
	t.Run("cancelled while escalated", func(t *testing.T) {
		w := newActionWorld(t, nil, openAction())
		w.update(nine(15), action.UpdateCancelAction, action.ActionUpdate{Actor: "Mina Manager", Note: "Superseded by national guidance"})
		st := w.run(action.ActionInput{ActionID: 5})
		times := w.rec.times()
		if len(times) != 5 || !times[4].Equal(nine(14)) {
			t.Errorf("sent %v", w.rec.sent())
		}
		last := w.rec.bySeq()[len(w.rec.changes)-1]
		if st.Status != domain.ActionCancelled || st.CancelReason != "Superseded by national guidance" || last.Kind != "cancelled" || last.CancelReason == "" || !w.env.Now().Equal(nine(15)) {
			t.Errorf("state %+v, last change %+v, ended %v", st, last, w.env.Now())
		}
	})
}

// TestActionApprovedExtensionReplansNotices: rule 3. After the 14-day
// reminder the owner asks to move the due date three days; by the approval
// the new date's 14-day reminder (29 March) has passed unsent, so it is
// skipped; the old date's notices never go, and the new plan runs.
func TestActionApprovedExtensionReplansNotices(t *testing.T) {
	w := newActionWorld(t, nil, openAction())
	newDue := actionDue.AddDate(0, 0, 3) // Monday 12 April
	req := w.update(nine(-12), action.UpdateRequestExtension, action.ActionUpdate{Actor: "Olu Owner", Due: newDue, Note: "Waiting for the national guidance"})
	again := w.update(nine(-12).Add(time.Hour), action.UpdateRequestExtension, action.ActionUpdate{Actor: "Olu Owner", Due: newDue.AddDate(0, 0, 1), Note: "Or a day later"})
	ok := w.update(nine(-10), action.UpdateDecideExtension, action.ActionUpdate{Actor: "Mina Manager", Approve: true, Note: "Agreed"})
	w.update(nine(11), action.UpdateCompleteAction, action.ActionUpdate{Actor: "Olu Owner", Note: "Done"})
	st := w.run(action.ActionInput{ActionID: 5})
	flowtest.MustOK(t, "request", req)
	if req.state.PendingExtension == nil || !req.state.PendingExtension.To.Equal(newDue) || !req.state.Due.Equal(actionDue) {
		t.Errorf("the request returned %+v", req.state)
	}
	flowtest.MustReject(t, "a second pending request", again, "already waiting for the manager's decision")
	flowtest.MustOK(t, "approve", ok)
	if !ok.state.Due.Equal(newDue) || ok.state.PendingExtension != nil {
		t.Errorf("the approval returned %+v", ok.state)
	}
	if ok.state.NextNotice == nil || !ok.state.NextNotice.At.Equal(nine(0)) || ok.state.NextNotice.Key != "remind/2027-04-12/3d" {
		t.Errorf("next notice after the approval: %+v", ok.state.NextNotice)
	}
	wantSent(t, "notices around an approved extension", w.rec,
		"Fri 26 Mar 09:00 GMT reminder owner owner@cps.example remind/2027-04-09/14d",
		// The new 14-day reminder (Monday 29 March) had passed: skipped.
		"Fri 9 Apr 09:00 BST reminder owner owner@cps.example remind/2027-04-12/3d",
		"Mon 12 Apr 09:00 BST due owner owner@cps.example remind/2027-04-12/0d",
		"Mon 19 Apr 09:00 BST overdue owner owner@cps.example escalate/2027-04-12/0/1",
	)
	if !st.Due.Equal(newDue) {
		t.Errorf("due %v", st.Due)
	}
	var asked, approval domain.ActionChange
	for _, c := range w.rec.changes {
		switch c.Kind {
		case "extension_requested":
			asked = c
		case "extension_approved":
			approval = c
		}
	}
	if asked.ExtensionTo == nil || !asked.ExtensionTo.Equal(newDue) || asked.Data["reason"] != "Waiting for the national guidance" || !asked.Due.Equal(actionDue) {
		t.Errorf("request written as %+v", asked)
	}
	if !approval.Due.Equal(newDue) || approval.ExtensionTo != nil || approval.Actor != "Mina Manager" {
		t.Errorf("approval written as %+v", approval)
	}
}

// TestActionLateApprovalSendsOneCatchUp: rule 3 when the new due date has itself
// passed by the time the manager approves: one message, the current rung's
// escalation, at once; then weekly from it.
func TestActionLateApprovalSendsOneCatchUp(t *testing.T) {
	w := newActionWorld(t, nil, openAction())
	newDue := actionDue.AddDate(0, 0, 2) // Sunday 11 April
	w.update(nine(-5), action.UpdateRequestExtension, action.ActionUpdate{Actor: "Olu Owner", Due: newDue, Note: "Two more days"})
	late := ukAt(4, 29, 11, 30) // 18 days after the new date
	w.update(late, action.UpdateDecideExtension, action.ActionUpdate{Actor: "Mina Manager", Approve: true})
	w.update(nine(23).Add(time.Hour), action.UpdateCompleteAction, action.ActionUpdate{Actor: "Olu Owner", Note: "Done"})
	w.run(action.ActionInput{ActionID: 5})
	wantSent(t, "notices around a late approval", w.rec,
		"Fri 26 Mar 09:00 GMT reminder owner owner@cps.example remind/2027-04-09/14d",
		"Tue 6 Apr 09:00 BST reminder owner owner@cps.example remind/2027-04-09/3d",
		// The request waits; the notices for the current date go on.
		"Fri 9 Apr 09:00 BST due owner owner@cps.example remind/2027-04-09/0d",
		"Fri 16 Apr 09:00 BST overdue owner owner@cps.example escalate/2027-04-09/0/1",
		"Fri 23 Apr 09:00 BST escalation manager manager@cps.example escalate/2027-04-09/1/0",
		// Approved for 11 April, 18 days late: the manager's escalation
		// for the new date (25 April) is the latest due, sent at once...
		"Thu 29 Apr 11:30 BST escalation manager manager@cps.example escalate/2027-04-11/1/0",
		// ...and the weekly repeat follows the new date's plan.
		"Sun 2 May 09:00 BST overdue manager manager@cps.example escalate/2027-04-11/1/1",
	)
}

// TestActionDeclinedExtensionChangesNothing: the due date and every notice stay.
func TestActionDeclinedExtensionChangesNothing(t *testing.T) {
	w := newActionWorld(t, nil, openAction())
	w.update(nine(-5), action.UpdateRequestExtension, action.ActionUpdate{Actor: "Olu Owner", Due: actionDue.AddDate(0, 0, 20), Note: "More time"})
	no := w.update(nine(-4), action.UpdateDecideExtension, action.ActionUpdate{Actor: "Mina Manager", Approve: false, Note: "Needed for the Board"})
	w.update(nine(8), action.UpdateCompleteAction, action.ActionUpdate{Actor: "Olu Owner", Note: "Done"})
	st := w.run(action.ActionInput{ActionID: 5})
	flowtest.MustOK(t, "decline", no)
	if !no.state.Due.Equal(actionDue) || no.state.PendingExtension != nil {
		t.Errorf("the decline returned %+v", no.state)
	}
	wantSent(t, "notices after a declined extension", w.rec,
		"Fri 26 Mar 09:00 GMT reminder owner owner@cps.example remind/2027-04-09/14d",
		"Tue 6 Apr 09:00 BST reminder owner owner@cps.example remind/2027-04-09/3d",
		"Fri 9 Apr 09:00 BST due owner owner@cps.example remind/2027-04-09/0d",
		"Fri 16 Apr 09:00 BST overdue owner owner@cps.example escalate/2027-04-09/0/1",
	)
	if !st.Due.Equal(actionDue) {
		t.Errorf("a declined extension moved the due date to %v", st.Due)
	}
}

// TestActionStartedOverdueSendsOneCatchUp: a workflow started for an action
// already 20 days overdue sends the current rung's escalation once, not the
// whole backlog.
func TestActionStartedOverdueSendsOneCatchUp(t *testing.T) {
	rec := openAction()
	rec.Due = time.Date(2027, 2, 9, 0, 0, 0, 0, time.UTC) // 20 days before the start
	rec.LastSeq = 12                                      // an earlier workflow wrote 12 events
	w := newActionWorld(t, nil, rec)
	w.update(ukAt(3, 10, 12, 0), action.UpdateCompleteAction, action.ActionUpdate{Actor: "Olu Owner", Note: "Done"})
	w.run(action.ActionInput{ActionID: 5})
	wantSent(t, "catch-up", w.rec,
		"Mon 1 Mar 10:00 GMT escalation manager manager@cps.example escalate/2027-02-09/1/0",
		"Tue 2 Mar 09:00 GMT overdue manager manager@cps.example escalate/2027-02-09/1/1",
		"Tue 9 Mar 09:00 GMT overdue manager manager@cps.example escalate/2027-02-09/1/2",
	)
	if first := w.rec.bySeq()[0]; first.Seq != 13 || first.Kind != "tracking_started" {
		t.Errorf("numbering did not carry on from the stored events: %+v", first)
	}
}

// TestActionAlreadyClosedEndsAtOnce: a workflow started again for an
// action completed earlier writes nothing, sends nothing and ends.
func TestActionAlreadyClosedEndsAtOnce(t *testing.T) {
	rec := openAction()
	rec.Status = domain.ActionCompleted
	w := newActionWorld(t, nil, rec)
	st := w.run(action.ActionInput{ActionID: 5})
	if st.Status != domain.ActionCompleted || len(w.rec.changes) != 0 || len(w.rec.mails) != 0 || !w.env.Now().Equal(actionStart) {
		t.Errorf("state %+v, %d changes, %d mails, ended %v", st, len(w.rec.changes), len(w.rec.mails), w.env.Now())
	}
}

// TestActionMailOutageSendsOnlyTheLatest: rule 2. Delivering the 3-day
// reminder takes twelve days (the mail server is down and the activity
// retries); the due-date and first overdue notices come due meanwhile, and
// only the latest of them is sent when the loop gets back, not both.
func TestActionMailOutageSendsOnlyTheLatest(t *testing.T) {
	w := newActionWorld(t, nil, openAction())
	w.rec.deliverDelay = map[int]time.Duration{2: 12 * uktime.Day}
	w.update(nine(15), action.UpdateCompleteAction, action.ActionUpdate{Actor: "Olu Owner", Note: "Done"})
	w.run(action.ActionInput{ActionID: 5})
	wantSent(t, "after an outage", w.rec,
		"Fri 26 Mar 09:00 GMT reminder owner owner@cps.example remind/2027-04-09/14d",
		"Tue 6 Apr 09:00 BST reminder owner owner@cps.example remind/2027-04-09/3d",
		// Back on 18 April: the due-date notice (9 April) is superseded.
		"Sun 18 Apr 09:00 BST overdue owner owner@cps.example escalate/2027-04-09/0/1",
		"Fri 23 Apr 09:00 BST escalation manager manager@cps.example escalate/2027-04-09/1/0",
	)
}

// TestActionCustomLadderAndFallbacks: configurable reminders, rungs with their
// own people, repeat and sending time; no senior lead set means the manager
// is told, and told why.
func TestActionCustomLadderAndFallbacks(t *testing.T) {
	rec := openAction()
	rec.SeniorName, rec.SeniorEmail = "", ""
	w := newActionWorld(t, nil, rec)
	w.update(nine(11), action.UpdateCompleteAction, action.ActionUpdate{Actor: "Olu Owner", Note: "Done"})
	w.run(action.ActionInput{ActionID: 5, Timing: action.ActionTiming{
		Reminders: []time.Duration{2 * uktime.Day, 7 * uktime.Day},
		Ladder:    []action.EscalationStep{{After: 8 * uktime.Day, Who: "ccp", Name: "Chief Crown Prosecutor", Email: "ccp@cps.example"}, {After: 3 * uktime.Day, Who: "senior"}},
		Repeat:    2 * uktime.Day,
		SendAt:    8*time.Hour + 30*time.Minute,
	}})
	wantSent(t, "custom timing", w.rec,
		"Fri 2 Apr 08:30 BST reminder owner owner@cps.example remind/2027-04-09/7d",
		"Wed 7 Apr 08:30 BST reminder owner owner@cps.example remind/2027-04-09/2d",
		"Fri 9 Apr 08:30 BST due owner owner@cps.example remind/2027-04-09/0d",
		"Sun 11 Apr 08:30 BST overdue owner owner@cps.example escalate/2027-04-09/0/1",
		"Mon 12 Apr 08:30 BST escalation senior manager@cps.example escalate/2027-04-09/1/0",
		"Wed 14 Apr 08:30 BST overdue senior manager@cps.example escalate/2027-04-09/1/1",
		"Fri 16 Apr 08:30 BST overdue senior manager@cps.example escalate/2027-04-09/1/2",
		"Sat 17 Apr 08:30 BST escalation ccp ccp@cps.example escalate/2027-04-09/2/0",
		"Mon 19 Apr 08:30 BST overdue ccp ccp@cps.example escalate/2027-04-09/2/1",
	)
	if note := w.rec.mails[4].M.Note; !strings.Contains(note, "No senior lead is set") {
		t.Errorf("the fallback escalation does not say why: %q", note)
	}
}

// TestActionValidatorsNameWhatIsWrong: bad updates are refused with a
// reason a person can act on, and change nothing.
func TestActionValidatorsNameWhatIsWrong(t *testing.T) {
	w := newActionWorld(t, nil, openAction())
	at := actionStart.Add(time.Hour)
	cases := []struct {
		name string
		u    action.ActionUpdate
		want string
	}{
		{action.UpdateCompleteAction, action.ActionUpdate{Actor: "Olu Owner", Evidence: "a link"}, "write the response that closes the action"},
		{action.UpdateRequestExtension, action.ActionUpdate{Actor: "Olu Owner", Due: time.Date(2027, 2, 28, 0, 0, 0, 0, time.UTC), Note: "x"}, "the new due date must be after today (1 March 2027)"},
		{action.UpdateRequestExtension, action.ActionUpdate{Actor: "Olu Owner", Due: actionStart, Note: "x"}, "the new due date must be after today"},
		{action.UpdateRequestExtension, action.ActionUpdate{Actor: "Olu Owner", Due: actionDue.AddDate(0, 0, -1), Note: "x"}, "after the current due date (9 April 2027)"},
		{action.UpdateRequestExtension, action.ActionUpdate{Actor: "Olu Owner", Due: actionDue.AddDate(0, 1, 0)}, "give a reason for the extension"},
		{action.UpdateRequestExtension, action.ActionUpdate{Actor: "Olu Owner", Note: "x"}, "give the new due date"},
		{action.UpdateDecideExtension, action.ActionUpdate{Actor: "Mina Manager", Approve: true}, "no extension request waiting for a decision"},
		{action.UpdateRespond, action.ActionUpdate{Actor: "Mina Manager", Response: "maybe", Rationale: "x"}, `accepted, partially_accepted or not_accepted, not "maybe"`},
		{action.UpdateRespond, action.ActionUpdate{Actor: "Mina Manager", Response: "accepted"}, "give the rationale"},
		{action.UpdateProgressNote, action.ActionUpdate{Note: "x"}, "say who is making the change"},
		{action.UpdateProgressNote, action.ActionUpdate{Actor: "Olu Owner", Note: "  "}, "the progress note is empty"},
		{action.UpdateProgressNote, action.ActionUpdate{Actor: "Olu Owner", Note: strings.Repeat("x", 5001)}, "the note is too long"},
		{action.UpdateReassignOwner, action.ActionUpdate{Actor: "Mina Manager", Name: "New", Email: "not-an-email"}, `email address "not-an-email" is not valid`},
		{action.UpdateReassignOwner, action.ActionUpdate{Actor: "Mina Manager", Email: "new@cps.example"}, "give the new owner's name"},
		{action.UpdateReassignOwner, action.ActionUpdate{Actor: "Mina Manager", Name: "Olu Owner", Email: "owner@cps.example"}, "already owns this action"},
		{action.UpdateCancelAction, action.ActionUpdate{Actor: "Mina Manager"}, "give a reason for cancelling"},
	}
	var outcomes []*actionOutcome
	for _, c := range cases {
		outcomes = append(outcomes, w.update(at, c.name, c.u))
	}
	done := w.update(at.Add(time.Hour), action.UpdateCompleteAction, action.ActionUpdate{Actor: "Olu Owner", Note: "Done"})
	w.run(action.ActionInput{ActionID: 5})
	for i, c := range cases {
		flowtest.MustReject(t, c.name+" "+c.want, outcomes[i], c.want)
	}
	flowtest.MustOK(t, "complete", done)
	if got := w.rec.kinds(); strings.Join(got, ",") != "tracking_started,completed" {
		t.Errorf("rejected updates wrote changes: %v", got)
	}
}

// TestActionUpdateAfterCompletionIsRefused: while the workflow is still draining
// a slow completion write, a further update is refused by the validator.
func TestActionUpdateAfterCompletionIsRefused(t *testing.T) {
	w := newActionWorld(t, nil, openAction())
	w.rec.recordDelay = time.Hour
	at := actionStart.Add(2 * time.Hour)
	done := w.update(at, action.UpdateCompleteAction, action.ActionUpdate{Actor: "Olu Owner", Note: "Done"})
	late := w.update(at.Add(time.Minute), action.UpdateProgressNote, action.ActionUpdate{Actor: "Olu Owner", Note: "after"})
	w.run(action.ActionInput{ActionID: 5})
	flowtest.MustOK(t, "complete", done)
	flowtest.MustReject(t, "a note after completion", late, "action A-5 is completed and can no longer change")
}

// TestActionUpdatesBeforeLoadAndClosingRace: updates sent while the action
// is still loading are accepted and wait for it; of a completion and a
// cancellation accepted together, the first wins and the second is refused
// when it runs.
func TestActionUpdatesBeforeLoadAndClosingRace(t *testing.T) {
	w := newActionWorld(t, nil, openAction())
	w.rec.loadDelay = time.Hour
	at := actionStart.Add(time.Minute)
	note := w.update(at, action.UpdateProgressNote, action.ActionUpdate{Actor: "Olu Owner", Note: "Started"})
	done := w.update(at.Add(time.Second), action.UpdateCompleteAction, action.ActionUpdate{Actor: "Olu Owner", Note: "Done"})
	cancel := w.update(at.Add(2*time.Second), action.UpdateCancelAction, action.ActionUpdate{Actor: "Mina Manager", Note: "Not needed"})
	st := w.run(action.ActionInput{ActionID: 5})
	flowtest.MustOK(t, "note before load", note)
	flowtest.MustOK(t, "complete before load", done)
	flowtest.MustReject(t, "cancel after the completion", cancel, "action A-5 is completed and can no longer change")
	if st.Status != domain.ActionCompleted || st.CancelReason != "" {
		t.Errorf("final %+v", st)
	}
	if got := strings.Join(w.rec.kinds(), ","); got != "tracking_started,progress_note,completed" {
		t.Errorf("changes %s", got)
	}
}

// TestActionResponseProgressAndReassignment: the response and notes are stored
// and returned; the first note moves the action to in progress; the next
// reminder goes to the new owner; the query shows the timeline.
func TestActionResponseProgressAndReassignment(t *testing.T) {
	w := newActionWorld(t, nil, openAction())
	at := actionStart.Add(24 * time.Hour)
	resp := w.update(at, action.UpdateRespond, action.ActionUpdate{Actor: "Mina Manager", Response: "partially_accepted", Rationale: "Training yes; a new form no"})
	note := w.update(at.Add(time.Hour), action.UpdateProgressNote, action.ActionUpdate{Actor: "Olu Owner", Note: "Briefing drafted"})
	re := w.update(at.Add(2*time.Hour), action.UpdateReassignOwner, action.ActionUpdate{Actor: "Mina Manager", Name: "Nia New", Email: "nia@cps.example"})
	var queried action.ActionState
	w.env.RegisterDelayedCallback(func() {
		v, err := w.env.QueryWorkflow(action.QueryActionState)
		if err != nil {
			t.Errorf("query: %v", err)
			return
		}
		if err := v.Get(&queried); err != nil {
			t.Error(err)
		}
	}, at.Add(3*time.Hour).Sub(actionStart))
	w.update(nine(-3).Add(time.Hour), action.UpdateCompleteAction, action.ActionUpdate{Actor: "Nia New", Note: "Delivered"})
	w.run(action.ActionInput{ActionID: 5})
	flowtest.MustOK(t, "respond", resp)
	flowtest.MustOK(t, "note", note)
	flowtest.MustOK(t, "reassign", re)
	if resp.state.Response != "partially_accepted" || resp.state.ResponseRationale != "Training yes; a new form no" || resp.state.Status != domain.ActionOpen {
		t.Errorf("respond returned %+v", resp.state)
	}
	if note.state.Status != domain.ActionInProgress || re.state.OwnerEmail != "nia@cps.example" {
		t.Errorf("note returned %s, reassign returned %s", note.state.Status, re.state.OwnerEmail)
	}
	wantSent(t, "reminders to the new owner", w.rec,
		"Fri 26 Mar 09:00 GMT reminder owner nia@cps.example remind/2027-04-09/14d",
		"Tue 6 Apr 09:00 BST reminder owner nia@cps.example remind/2027-04-09/3d")
	var kinds []string
	for _, e := range queried.Timeline {
		kinds = append(kinds, e.Kind+" by "+e.Actor)
	}
	if want := "tracking_started by system,response by Mina Manager,progress_note by Olu Owner,reassigned by Mina Manager"; strings.Join(kinds, ",") != want {
		t.Errorf("queried timeline %v", kinds)
	}
	if e := queried.Timeline[3]; !e.At.Equal(at.Add(2*time.Hour)) || e.Detail != "Owner changed from Olu Owner to Nia New" {
		t.Errorf("reassignment event %+v", e)
	}
	if queried.NextNotice == nil || !queried.NextNotice.At.Equal(nine(-14)) || queried.NextNotice.Kind != action.NoticeReminder {
		t.Errorf("next notice %+v", queried.NextNotice)
	}
	for _, c := range w.rec.changes {
		if c.Kind == "progress_note" && (c.Status != domain.ActionInProgress || c.Response != "partially_accepted" || c.Detail != "Briefing drafted") {
			t.Errorf("note written as %+v", c)
		}
	}
}

// TestActionBounceIsRecordedAndTheManagerTold: the owner's address refuses the
// reminder; the timeline says so and the manager is emailed once.
func TestActionBounceIsRecordedAndTheManagerTold(t *testing.T) {
	w := newActionWorld(t, nil, openAction())
	w.rec.bounce["owner@cps.example"] = true
	w.update(nine(-14).Add(time.Hour), action.UpdateReassignOwner, action.ActionUpdate{Actor: "Mina Manager", Name: "Nia New", Email: "nia@cps.example"})
	w.update(nine(-3).Add(time.Hour), action.UpdateCompleteAction, action.ActionUpdate{Actor: "Nia New", Note: "Done"})
	w.run(action.ActionInput{ActionID: 5})
	wantSent(t, "bounce", w.rec,
		"Fri 26 Mar 09:00 GMT reminder owner owner@cps.example remind/2027-04-09/14d",
		"Fri 26 Mar 09:00 GMT bounce manager manager@cps.example bounce/remind/2027-04-09/14d",
		"Tue 6 Apr 09:00 BST reminder owner nia@cps.example remind/2027-04-09/3d")
	if got := strings.Join(w.rec.kinds(), ","); !strings.Contains(got, "tracking_started,mail_bounced,bounce_reported,reassigned,reminder_sent") {
		t.Errorf("changes %s", got)
	}
}

// TestActionContinueAsNewKeepsEveryUpdate forces continue-as-new after four
// events while updates keep arriving (each write takes a minute, so they
// overlap the hand-over), and checks that the new run starts from a state
// that has all of them, then carries on without repeating a notice.
func TestActionContinueAsNewKeepsEveryUpdate(t *testing.T) {
	rec := &actionRecorder{bounce: map[string]bool{}}
	rec.recordDelay = time.Minute
	w := newActionWorld(t, rec, openAction())
	at := nine(-14).Add(time.Hour) // after the first reminder: events 1 and 2
	var around []*actionOutcome
	for i := range 4 {
		around = append(around, w.update(at, action.UpdateProgressNote, action.ActionUpdate{Actor: "Olu Owner", Note: fmt.Sprintf("note %d", i)}))
	}
	// These arrive while the run is waiting for the notes to finish.
	around = append(around,
		w.update(at.Add(30*time.Second), action.UpdateReassignOwner, action.ActionUpdate{Actor: "Mina Manager", Name: "Nia New", Email: "nia@cps.example"}),
		w.update(at.Add(45*time.Second), action.UpdateRespond, action.ActionUpdate{Actor: "Mina Manager", Response: "accepted", Rationale: "Agreed in full"}))
	w.env.ExecuteWorkflow(ActionWorkflow, action.ActionInput{ActionID: 5, ContinueAsNewAfter: 4})
	var can *workflow.ContinueAsNewError
	if !errors.As(w.env.GetWorkflowError(), &can) {
		t.Fatalf("expected continue-as-new, got %v", w.env.GetWorkflowError())
	}
	for i, o := range around {
		flowtest.MustOK(t, fmt.Sprintf("update %d around the boundary", i), o)
	}
	// The threshold was reached at the notes (10:00); the hand-over waited
	// for the last write, the response's, which ended at 10:01:45.
	if ended := w.env.Now(); ended.Before(at.Add(105 * time.Second)) {
		t.Errorf("continued as new at %v, before the updates finished", ended)
	}
	var next action.ActionInput
	if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &next); err != nil {
		t.Fatal(err)
	}
	s := next.State
	if s == nil || s.Seq != 8 || s.OwnerEmail != "nia@cps.example" || s.Status != domain.ActionInProgress || s.Response != "accepted" || len(s.Timeline) != 8 {
		t.Fatalf("state carried over: %+v", s)
	}
	if len(rec.changes) != 8 {
		t.Fatalf("%d changes written, want 8: %v", len(rec.changes), rec.kinds())
	}
	if next.ContinueAsNewAfter != 4 || next.Timing.Repeat != 7*uktime.Day || next.SeniorEmail != "dccp.ln@cps.example" {
		t.Errorf("configuration carried over: %+v", next)
	}

	// The next run: one more update, then completion. It must not load the
	// row again nor repeat the 14-day reminder.
	next.ContinueAsNewAfter = 0
	w2 := newActionWorld(t, rec, openAction())
	w2.env.SetStartTime(at.Add(2 * time.Minute))
	start2 := at.Add(2 * time.Minute)
	o := &actionOutcome{}
	w2.env.RegisterDelayedCallback(func() {
		w2.env.UpdateWorkflow(action.UpdateProgressNote, "n2", &testsuite.TestUpdateCallback{OnReject: func(err error) { o.err, o.done = err, true }, OnAccept: func() {},
			OnComplete: func(_ any, err error) { o.err, o.done = err, true }}, action.ActionUpdate{Actor: "Nia New", Note: "after the hand-over"})
	}, time.Hour)
	w2.env.RegisterDelayedCallback(func() {
		w2.env.UpdateWorkflow(action.UpdateCompleteAction, "c2", &testsuite.TestUpdateCallback{OnReject: func(error) {}, OnAccept: func() {}, OnComplete: func(any, error) {}},
			action.ActionUpdate{Actor: "Nia New", Note: "Done"})
	}, nine(1).Sub(start2))
	w2.env.ExecuteWorkflow(ActionWorkflow, next)
	if err := w2.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	var final action.ActionState
	w2.env.GetWorkflowResult(&final)
	flowtest.MustOK(t, "note in the new run", o)
	if rec.loads != 1 {
		t.Errorf("the row was loaded %d times", rec.loads)
	}
	wantSent(t, "across the hand-over", rec,
		"Fri 26 Mar 09:00 GMT reminder owner owner@cps.example remind/2027-04-09/14d",
		"Tue 6 Apr 09:00 BST reminder owner nia@cps.example remind/2027-04-09/3d",
		"Fri 9 Apr 09:00 BST due owner nia@cps.example remind/2027-04-09/0d")
	if final.Status != domain.ActionCompleted || final.Seq != 12 || final.Runs != 1 || len(final.Timeline) != 12 || final.Response != "accepted" {
		t.Errorf("final %+v", final)
	}
	want := "tracking_started,reminder_sent,progress_note,progress_note,progress_note,progress_note,reassigned,response,progress_note,reminder_sent,due_sent,completed"
	if got := strings.Join(rec.kinds(), ","); got != want {
		t.Errorf("changes written:\n %s\nwant\n %s", got, want)
	}
	checkChanges(t, rec)
}
