package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/lsip/scrutiny/action"
	"github.com/lsip/scrutiny/action/actionflow"
	"github.com/lsip/scrutiny/devstack/mailcatcher"
	"github.com/lsip/scrutiny/testenv"
)

// TestActionEscalatesThenStopsWhenCompleted: an overdue action escalates to
// its manager by email; once the owner completes it the workflow ends, so
// nothing more can be sent.
func TestActionEscalatesThenStopsWhenCompleted(t *testing.T) {
	t.Parallel()
	s := newStack(t, false)
	st, catcher, c, f := s.st, s.catcher, s.c, s.f
	now := time.Now().UTC()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	due := now.Add(3 * time.Second)
	var actionID int64
	if err := testenv.SQL(t, st).QueryRow(ctx, `INSERT INTO actions (panel_id, area_id, description, owner_name, owner_email, manager_name, manager_email, due_on)
		SELECT id, area_id, 'Brief lawyers on s.66 uplift', 'Owner', 'owner@example.org', 'Manager', 'manager@example.org', $2 FROM panels WHERE id = $1
		RETURNING id`, f.panelID, due).Scan(&actionID); err != nil {
		t.Fatal(err)
	}
	// The due date is stored as a date; the workflow works from the loaded
	// value, so short durations are injected relative to it.
	var dueOn time.Time
	testenv.SQL(t, st).QueryRow(ctx, `SELECT due_on FROM actions WHERE id = $1`, actionID).Scan(&dueOn)
	offset := time.Until(dueOn)
	timing := action.ActionTiming{Reminders: nil, Ladder: []action.EscalationStep{{After: -offset + 4*time.Second, Who: "manager"}}, Repeat: time.Hour}
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: action.WorkflowID(actionID), TaskQueue: taskQueue}, actionflow.ActionWorkflow,
		action.ActionInput{ActionID: actionID, Timing: timing})
	if err != nil {
		t.Fatal(err)
	}
	escalations, err := catcher.Wait(ctx, 1, func(m *mailcatcher.Message) bool { return strings.HasPrefix(m.Subject, "Escalation") })
	if err != nil {
		t.Fatal(err)
	}
	if escalations[0].EnvelopeTo[0] != "manager@example.org" || !strings.Contains(escalations[0].Text, "Brief lawyers on s.66 uplift") {
		t.Errorf("escalation went to %v: %s", escalations[0].EnvelopeTo, escalations[0].Text)
	}
	update(t, c, action.WorkflowID(actionID), action.UpdateCompleteAction, nil, action.ActionUpdate{Actor: "owner", Note: "Briefing delivered"})
	var final action.ActionState
	if err := run.Get(ctx, &final); err != nil {
		t.Fatal(err)
	}
	if final.Status != "completed" {
		t.Errorf("status %s", final.Status)
	}
	sent := len(catcher.Messages())
	var status string
	var events int
	testenv.SQL(t, st).QueryRow(ctx, `SELECT status, (SELECT count(*) FROM action_events WHERE action_id = $1) FROM actions WHERE id = $1`, actionID).Scan(&status, &events)
	if status != "completed" || events < 3 {
		t.Errorf("in PostgreSQL: status %s, %d events", status, events)
	}
	// The workflow has ended, so no timer is left to send anything more.
	if desc, err := c.DescribeWorkflowExecution(ctx, action.WorkflowID(actionID), ""); err != nil || desc.WorkflowExecutionInfo.GetCloseTime() == nil {
		t.Errorf("the action workflow is still running: %v", err)
	}
	if got := len(catcher.Messages()); got != sent {
		t.Errorf("%d more emails after completion", got-sent)
	}
	recordHistory(t, c, action.WorkflowID(actionID), "action")
}
