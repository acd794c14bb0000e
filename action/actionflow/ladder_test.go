package actionflow

import (
	"errors"
	"testing"
	"time"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/workflow"

	"github.com/lsip/scrutiny/action"
	"github.com/lsip/scrutiny/testenv/flowtest"
	"github.com/lsip/scrutiny/uktime"
)

// TestActionAreaLadderEscalatesOnTheAreasDays: an action agreed in an
// Area whose ladder tells the manager 5 days after the due date and the
// senior lead 9 days after escalates on exactly those days (in skipped
// time), and nothing goes on the usual 14th and 30th.
func TestActionAreaLadderEscalatesOnTheAreasDays(t *testing.T) {
	rec := openAction()
	rec.EscalateManagerDays, rec.EscalateSeniorDays = 5, 9
	w := newActionWorld(t, nil, rec)
	done := w.update(nine(16).Add(time.Hour), action.UpdateCompleteAction, action.ActionUpdate{Actor: "Olu Owner", Note: "Done"})
	w.run(action.ActionInput{ActionID: 5})
	flowtest.MustOK(t, "complete", done)
	wantSent(t, "the Area's ladder", w.rec,
		"Fri 26 Mar 09:00 GMT reminder owner owner@cps.example remind/2027-04-09/14d",
		"Tue 6 Apr 09:00 BST reminder owner owner@cps.example remind/2027-04-09/3d",
		"Fri 9 Apr 09:00 BST due owner owner@cps.example remind/2027-04-09/0d",
		"Wed 14 Apr 09:00 BST escalation manager manager@cps.example escalate/2027-04-09/1/0",
		"Sun 18 Apr 09:00 BST escalation senior dccp.ln@cps.example escalate/2027-04-09/2/0",
		"Sun 25 Apr 09:00 BST overdue senior dccp.ln@cps.example escalate/2027-04-09/2/1",
	)
	if m := w.rec.mails[3].M; m.DaysOverdue != 5 || m.ToName != "Mina Manager" {
		t.Errorf("the manager's escalation asked for %+v", m)
	}
}

// TestActionAreaLadderCarriedAndOverridden: the Area's ladder is fixed in
// the input that continue-as-new hands on, and a timing given in the
// input wins over the Area's.
func TestActionAreaLadderCarriedAndOverridden(t *testing.T) {
	rec := openAction()
	rec.EscalateManagerDays, rec.EscalateSeniorDays = 5, 9
	w := newActionWorld(t, nil, rec)
	w.update(nine(-14).Add(time.Hour), action.UpdateProgressNote, action.ActionUpdate{Actor: "Olu Owner", Note: "Started"})
	w.env.ExecuteWorkflow(ActionWorkflow, action.ActionInput{ActionID: 5, ContinueAsNewAfter: 3})
	var can *workflow.ContinueAsNewError
	if !errors.As(w.env.GetWorkflowError(), &can) {
		t.Fatalf("expected continue-as-new, got %v", w.env.GetWorkflowError())
	}
	var next action.ActionInput
	if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &next); err != nil {
		t.Fatal(err)
	}
	if l := next.Timing.Ladder; len(l) != 2 || l[0].After != 5*uktime.Day || l[0].Who != action.RungManager || l[1].After != 9*uktime.Day || l[1].Who != action.RungSenior {
		t.Errorf("ladder carried over: %+v", l)
	}

	given := newActionWorld(t, nil, rec)
	given.update(nine(15), action.UpdateCompleteAction, action.ActionUpdate{Actor: "Olu Owner", Note: "Done"})
	timing := action.DefaultActionTiming()
	timing.Reminders = []time.Duration{}
	given.run(action.ActionInput{ActionID: 5, Timing: timing})
	wantSent(t, "the given timing", given.rec,
		"Fri 9 Apr 09:00 BST due owner owner@cps.example remind/2027-04-09/0d",
		"Fri 16 Apr 09:00 BST overdue owner owner@cps.example escalate/2027-04-09/0/1",
		"Fri 23 Apr 09:00 BST escalation manager manager@cps.example escalate/2027-04-09/1/0",
	)
}
