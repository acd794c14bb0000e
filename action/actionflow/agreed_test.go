package actionflow

import (
	"errors"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/workflow"

	"github.com/lsip/scrutiny/action"
	"github.com/lsip/scrutiny/testenv/flowtest"
)

// TestActionAgreedNoticeOnce: a newly tracked action (version 1 of the
// agreed-notice change) tells its owner once, when tracking starts, before
// any reminder; the run after continue-as-new does not tell them again.
func TestActionAgreedNoticeOnce(t *testing.T) {
	rec := &actionRecorder{bounce: map[string]bool{}}
	w := newActionWorld(t, rec, openAction())
	w.agreed = 1
	w.env.ExecuteWorkflow(ActionWorkflow, action.ActionInput{ActionID: 5, ContinueAsNewAfter: 2})
	var can *workflow.ContinueAsNewError
	if !errors.As(w.env.GetWorkflowError(), &can) {
		t.Fatalf("expected continue-as-new after two events, got %v", w.env.GetWorkflowError())
	}
	var next action.ActionInput
	if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &next); err != nil {
		t.Fatal(err)
	}
	next.ContinueAsNewAfter = 0

	w2 := newActionWorld(t, rec, openAction())
	w2.agreed = 1
	w2.env.SetStartTime(w.env.Now())
	done := w2.update(nine(-14).Add(time.Hour), action.UpdateCompleteAction, action.ActionUpdate{Actor: "owner@cps.example", Note: "Done"})
	w2.run(next)
	flowtest.MustOK(t, "complete", done)
	wantSent(t, "the agreed notice, then the plan", rec,
		"Mon 1 Mar 10:00 GMT agreed owner owner@cps.example agreed",
		"Fri 26 Mar 09:00 GMT reminder owner owner@cps.example remind/2027-04-09/14d",
	)
	m := rec.mails[0].M
	if m.ToName != "Olu Owner" || m.ManagerName != "Mina Manager" || !m.Due.Equal(actionDue) || !m.At.Equal(actionStart) {
		t.Errorf("the agreed notice asked for %+v", m)
	}
	want := "tracking_started,agreed_sent,reminder_sent,completed"
	if got := strings.Join(rec.kinds(), ","); got != want {
		t.Errorf("changes written %s, want %s", got, want)
	}
	if d := rec.bySeq()[1].Detail; d != "Notice of the agreed action to the owner, Olu Owner (due 9 April 2027)" {
		t.Errorf("agreed_sent detail %q", d)
	}
	checkChanges(t, rec)
}

// TestActionAgreedNoticeBounce: an agreed notice that bounces is recorded
// and the manager is told, as for any notice to the owner.
func TestActionAgreedNoticeBounce(t *testing.T) {
	w := newActionWorld(t, nil, openAction())
	w.agreed = 1
	w.rec.bounce["owner@cps.example"] = true
	w.update(actionStart.Add(time.Hour), action.UpdateCancelAction, action.ActionUpdate{Actor: "Mina Manager", Note: "Owner unknown"})
	w.run(action.ActionInput{ActionID: 5})
	wantSent(t, "the notice and the bounce report", w.rec,
		"Mon 1 Mar 10:00 GMT agreed owner owner@cps.example agreed",
		"Mon 1 Mar 10:00 GMT bounce manager manager@cps.example bounce/agreed",
	)
	if m := w.rec.mails[1].M; m.BouncedKind != action.NoticeAgreed || m.BouncedEmail != "owner@cps.example" {
		t.Errorf("bounce report asked for %+v", m)
	}
	want := "tracking_started,mail_bounced,bounce_reported,cancelled"
	if got := strings.Join(w.rec.kinds(), ","); got != want {
		t.Errorf("changes written %s, want %s", got, want)
	}
}
