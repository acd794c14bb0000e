package workflows

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/lsip/scrutiny/activities"
)

var (
	actionStart = time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	due         = time.Date(2027, 3, 31, 9, 0, 0, 0, time.UTC)
)

type actionWorld struct {
	t       *testing.T
	env     *testsuite.TestWorkflowEnvironment
	mu      sync.Mutex
	mails   []time.Time
	to      []string
	changes []activities.ActionChange
	n       int
}

func newActionWorld(t *testing.T) *actionWorld {
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))))
	w := &actionWorld{t: t, env: suite.NewTestWorkflowEnvironment()}
	w.env.SetStartTime(actionStart)
	w.env.RegisterWorkflow(ActionWorkflow)
	w.env.RegisterActivity(&activities.Activities{})
	w.env.OnActivity(a.LoadAction, mock.Anything, mock.Anything).Return(activities.ActionRecord{Status: "open", Due: due,
		OwnerName: "Owner", OwnerEmail: "owner@example.org", ManagerName: "Manager", ManagerEmail: "manager@example.org"}, nil)
	w.env.OnActivity(a.RecordActionChange, mock.Anything, mock.Anything).Return(func(_ context.Context, ch activities.ActionChange) (time.Time, error) {
		w.mu.Lock()
		defer w.mu.Unlock()
		w.changes = append(w.changes, ch)
		return w.env.Now(), nil
	})
	w.env.OnActivity(a.QueueActionMail, mock.Anything, mock.Anything).Return(func(_ context.Context, m activities.ActionMail) (activities.MailRef, error) {
		w.mu.Lock()
		defer w.mu.Unlock()
		w.mails = append(w.mails, w.env.Now().UTC())
		w.to = append(w.to, m.Kind+":"+m.To)
		return activities.MailRef{OutboxID: int64(len(w.mails))}, nil
	})
	w.env.OnActivity(a.DeliverMail, mock.Anything, mock.Anything).Return(activities.Delivered, nil)
	return w
}

func (w *actionWorld) update(at time.Time, name string, u ActionUpdate) *outcome {
	o := &outcome{}
	w.env.RegisterDelayedCallback(func() {
		w.n++
		w.env.UpdateWorkflow(name, fmt.Sprintf("u%d", w.n), &testsuite.TestUpdateCallback{
			OnReject:   func(err error) { o.err, o.done = err, true },
			OnAccept:   func() {},
			OnComplete: func(r any, err error) { o.result, o.err, o.done = r, err, true },
		}, u)
	}, at.Sub(actionStart))
	return o
}

func (w *actionWorld) run(in ActionInput) ActionState {
	w.t.Helper()
	w.env.ExecuteWorkflow(ActionWorkflow, in)
	if !w.env.IsWorkflowCompleted() {
		w.t.Fatal("action workflow did not complete")
	}
	var st ActionState
	if err := w.env.GetWorkflowError(); err != nil {
		w.t.Fatal(err)
	}
	w.env.GetWorkflowResult(&st)
	return st
}

func TestActionRemindersEscalationsAndRepeats(t *testing.T) {
	w := newActionWorld(t)
	done := w.update(due.Add(40*day), UpdateCompleteAction, ActionUpdate{Actor: "owner", Note: "Training delivered to all lawyers", Evidence: "attendance list"})
	st := w.run(ActionInput{ActionID: 5})
	mustOK(t, "complete", done)
	assertTimes(t, "every notification", w.mails,
		due.Add(-14*day), due.Add(-3*day), due, due.Add(7*day), due.Add(14*day), due.Add(21*day), due.Add(28*day), due.Add(30*day), due.Add(37*day))
	want := []string{"reminder:owner", "reminder:owner", "due:owner", "overdue:owner", "escalation:manager", "overdue:manager", "overdue:manager", "escalation:senior", "overdue:senior"}
	if fmt.Sprint(w.to) != fmt.Sprint(want) {
		t.Errorf("recipients %v, want %v", w.to, want)
	}
	if st.Status != "completed" {
		t.Errorf("status %s", st.Status)
	}
	last := w.changes[len(w.changes)-1]
	if last.Kind != "completed" || last.Actor != "owner" || last.CompletionNote == "" || last.Status != "completed" {
		t.Errorf("last change written %+v", last)
	}
}

func TestApprovedExtensionReplansReminders(t *testing.T) {
	w := newActionWorld(t)
	newDue := due.Add(20 * day)
	req := w.update(due.Add(-5*day), UpdateRequestExtension, ActionUpdate{Actor: "owner", Due: newDue, Note: "Waiting for the new guidance"})
	again := w.update(due.Add(-5*day+time.Minute), UpdateRequestExtension, ActionUpdate{Actor: "owner", Due: newDue.Add(day), Note: "again"})
	ok := w.update(due.Add(-4*day), UpdateDecideExtension, ActionUpdate{Actor: "manager", Approve: true, Note: "Agreed"})
	w.update(newDue.Add(day), UpdateCompleteAction, ActionUpdate{Actor: "owner", Note: "Done"})
	st := w.run(ActionInput{ActionID: 5})
	mustOK(t, "request", req)
	mustReject(t, "a second pending request", again, "already waiting")
	mustOK(t, "approve", ok)
	assertTimes(t, "notifications around an approved extension", w.mails, due.Add(-14*day), newDue.Add(-14*day), newDue.Add(-3*day), newDue)
	if !st.Due.Equal(newDue) || st.PendingExtension != nil {
		t.Errorf("after approval: due %v, pending %+v", st.Due, st.PendingExtension)
	}
}

func TestDeclinedExtensionKeepsTheDueDate(t *testing.T) {
	w := newActionWorld(t)
	w.update(due.Add(-5*day), UpdateRequestExtension, ActionUpdate{Actor: "owner", Due: due.Add(20 * day), Note: "More time"})
	no := w.update(due.Add(-4*day), UpdateDecideExtension, ActionUpdate{Actor: "manager", Approve: false, Note: "Needed for the Board"})
	w.update(due.Add(8*day), UpdateCompleteAction, ActionUpdate{Actor: "owner", Note: "Done"})
	st := w.run(ActionInput{ActionID: 5})
	mustOK(t, "decline", no)
	assertTimes(t, "notifications after a declined extension", w.mails, due.Add(-14*day), due.Add(-3*day), due, due.Add(7*day))
	if !st.Due.Equal(due) {
		t.Errorf("a declined extension moved the due date to %v", st.Due)
	}
}

func TestActionValidatorsNameWhatIsWrong(t *testing.T) {
	w := newActionWorld(t)
	at := actionStart.Add(time.Hour)
	noText := w.update(at, UpdateCompleteAction, ActionUpdate{Actor: "owner"})
	past := w.update(at, UpdateRequestExtension, ActionUpdate{Actor: "owner", Due: due.Add(-day), Note: "x"})
	noPending := w.update(at, UpdateDecideExtension, ActionUpdate{Actor: "manager", Approve: true})
	badResponse := w.update(at, UpdateRespond, ActionUpdate{Actor: "manager", Response: "maybe", Rationale: "x"})
	noActor := w.update(at, UpdateProgressNote, ActionUpdate{Note: "x"})
	badOwner := w.update(at, UpdateReassignOwner, ActionUpdate{Actor: "manager", Name: "New", Email: "not-an-email"})
	respond := w.update(at.Add(time.Hour), UpdateRespond, ActionUpdate{Actor: "manager", Response: "partially_accepted", Rationale: "Training yes, new form no"})
	note := w.update(at.Add(time.Hour), UpdateProgressNote, ActionUpdate{Actor: "owner", Note: "Drafting the briefing"})
	w.update(at.Add(2*time.Hour), UpdateCancelAction, ActionUpdate{Actor: "manager", Note: "Superseded by national guidance"})
	st := w.run(ActionInput{ActionID: 5})
	mustReject(t, "complete without text", noText, "response that closes")
	mustReject(t, "extension to the past", past, "after the current one")
	mustReject(t, "decision with none pending", noPending, "no extension request")
	mustReject(t, "unknown response", badResponse, "accepted, partially_accepted or not_accepted")
	mustReject(t, "no actor", noActor, "who is making the change")
	mustReject(t, "bad owner email", badOwner, "email address")
	mustOK(t, "respond", respond)
	mustOK(t, "progress note", note)
	if st.Status != "cancelled" || st.Response != "partially_accepted" || len(w.mails) != 0 {
		t.Errorf("state %+v, mails %v", st, w.mails)
	}
}

// TestContinueAsNewKeepsEveryUpdate forces a continue-as-new after a few
// events while updates keep arriving, and checks the new run's input
// carries all of them.
func TestContinueAsNewKeepsEveryUpdate(t *testing.T) {
	w := newActionWorld(t)
	at := actionStart.Add(time.Hour)
	notes := []*outcome{}
	for i := range 4 {
		notes = append(notes, w.update(at, UpdateProgressNote, ActionUpdate{Actor: "owner", Note: fmt.Sprintf("note %d", i)}))
	}
	reassign := w.update(at, UpdateReassignOwner, ActionUpdate{Actor: "manager", Name: "New Owner", Email: "new@example.org"})
	w.env.ExecuteWorkflow(ActionWorkflow, ActionInput{ActionID: 5, ContinueAsNewAfter: 3})
	var can *workflow.ContinueAsNewError
	if !errors.As(w.env.GetWorkflowError(), &can) {
		t.Fatalf("expected continue-as-new, got %v", w.env.GetWorkflowError())
	}
	for _, o := range append(notes, reassign) {
		mustOK(t, "update around the boundary", o)
	}
	var next ActionInput
	if err := converterFor().FromPayloads(can.Input, &next); err != nil {
		t.Fatal(err)
	}
	if next.State == nil || next.State.OwnerName != "New Owner" || next.State.Status != "in_progress" || next.State.Seq != 6 {
		t.Fatalf("state carried over: %+v", next.State)
	}
	if len(w.changes) != 6 {
		t.Errorf("%d changes written to PostgreSQL, want 6 (start, four notes, reassignment)", len(w.changes))
	}
	// The next run picks up with the carried state and keeps reminding.
	next.ContinueAsNewAfter = 0
	w2 := newActionWorld(t)
	w2.update(due.Add(time.Hour), UpdateCompleteAction, ActionUpdate{Actor: "New Owner", Note: "Done"})
	st := w2.run(next)
	assertTimes(t, "reminders in the new run", w2.mails, due.Add(-14*day), due.Add(-3*day), due)
	if st.OwnerName != "New Owner" || st.Status != "completed" {
		t.Errorf("final %+v", st)
	}
}

func converterFor() interface {
	FromPayloads(*commonpb.Payloads, ...any) error
} {
	return converter.GetDefaultDataConverter()
}
