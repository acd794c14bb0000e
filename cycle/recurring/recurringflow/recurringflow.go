// Package recurringflow runs a panel's recurring review cycles: the
// workflow each run of the panel's Temporal Schedule starts, and its one
// activity, which starts the cycle through start.Cycle exactly as the
// start-a-cycle form does, as the coordinator who set the schedule up.
package recurringflow

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"go.temporal.io/sdk/workflow"

	"github.com/lsip/scrutiny/cycle/recurring"
	"github.com/lsip/scrutiny/cycle/start"
	"github.com/lsip/scrutiny/flowopts"
	"github.com/lsip/scrutiny/store"
)

// RecurringCycleWorkflow is one run of a panel's schedule: it takes the
// run's time from the workflow clock and has the activity start the cycle.
// It ends as soon as the cycle is stored, so the schedule's "skip overlaps"
// only ever skips a run that comes while an earlier one is still starting.
func RecurringCycleWorkflow(ctx workflow.Context, in recurring.Input) (recurring.Result, error) {
	var a *Activities
	var out recurring.Result
	run := recurring.Run{PanelID: in.PanelID, At: workflow.Now(ctx)}
	err := workflow.ExecuteActivity(flowopts.Activity(ctx), a.StartRecurringCycle, run).Get(ctx, &out)
	return out, err
}

// Activities hold what starting a cycle needs.
type Activities struct {
	Start start.Deps
}

// StartRecurringCycle reads the panel's schedule and starts the cycle of
// the run at run.At as the schedule's owner. A request the form would
// refuse (a live cycle for the window, a closed panel, an owner who is no
// longer a coordinator of it) starts nothing: the refusal is the result,
// and is audited, since trying again would not help. Only a failure on our
// side is an error, and is retried.
func (a *Activities) StartRecurringCycle(ctx context.Context, run recurring.Run) (recurring.Result, error) {
	panel := strconv.FormatInt(run.PanelID, 10)
	cs, err := a.Start.Store.CycleScheduleOf(ctx, run.PanelID)
	if errors.Is(err, store.ErrNotFound) {
		return recurring.Result{Refused: "the panel has no recurring cycle"}, nil
	}
	if err != nil {
		return recurring.Result{}, err
	}
	var refused string
	var started recurring.Result
	if !cs.OwnerActive {
		refused = "the coordinator who set up the recurring cycle no longer has an active account"
	} else {
		status, r := start.Cycle(ctx, a.Start, cs.Owner, recurring.Request(cs, run.At))
		switch {
		case r == nil:
			started = recurring.Result{CycleID: status.CycleID}
		case r.Status == http.StatusInternalServerError:
			return recurring.Result{}, r.Err
		default:
			refused = refusalText(r)
		}
	}
	if refused != "" {
		if err := a.Start.Store.Audit(ctx, cs.Owner.Email, "recurring_cycle_refused", "panel", panel, map[string]any{"reason": refused}); err != nil {
			return recurring.Result{}, err
		}
		return recurring.Result{Refused: refused}, nil
	}
	if err := a.Start.Store.Audit(ctx, cs.Owner.Email, "recurring_cycle_started", "cycle", strconv.FormatInt(started.CycleID, 10), map[string]any{"panel_id": run.PanelID}); err != nil {
		return recurring.Result{}, err
	}
	return started, nil
}

// refusalText says in a sentence why the form would have refused the
// run's request.
func refusalText(r *start.Refusal) string {
	if errors.Is(r.Err, store.ErrOutOfScope) {
		return "the coordinator who set up the recurring cycle may no longer start cycles for this panel"
	}
	text := r.Detail
	for _, f := range r.Fields {
		text += fmt.Sprintf(" %s %s.", f.Field, f.Message)
	}
	return text
}
