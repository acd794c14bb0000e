// Package retention purges personal and case data a set time after a
// cycle's minutes are issued (or after it was cancelled): its workflow, its
// activity and the Temporal Schedule that runs it daily. Findings, learning
// points, actions and the audit log are kept.
package retention

import (
	"errors"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/lsip/scrutiny/flowopts"
	"github.com/lsip/scrutiny/store"
)

// a names the activity this workflow calls; its method is used only as a
// reference, never called directly.
var a *Activities

// WorkflowName is the retention workflow's type name, as recorded in the
// history of its runs.
const WorkflowName = "RetentionWorkflow"

// SessionGrace is how long after expiry a session row is deleted, so that
// a sign-in page racing the expiry still finds it.
const SessionGrace = 24 * time.Hour

// Input is the schedule's argument: how long after the minutes are issued
// a cycle's data is kept (RETENTION_AFTER_MINUTES).
type Input struct {
	After time.Duration `json:"after"`
}

// PurgeRequest is what the purge activity clears: cycles whose minutes were
// issued (or which were cancelled) before CyclesBefore, and sessions that
// expired before SessionsBefore.
type PurgeRequest struct {
	CyclesBefore   time.Time `json:"cycles_before"`
	SessionsBefore time.Time `json:"sessions_before"`
}

// RetentionWorkflow runs one purge. The cut-offs come from the workflow's
// clock, so a retried activity purges against the same moment.
func RetentionWorkflow(ctx workflow.Context, in Input) (store.RetentionCounts, error) {
	if in.After <= 0 {
		return store.RetentionCounts{}, temporal.NewNonRetryableApplicationError("the retention period must be positive", "bad_input", errors.New("retention period not positive"))
	}
	now := workflow.Now(ctx).UTC()
	req := PurgeRequest{CyclesBefore: now.Add(-in.After), SessionsBefore: now.Add(-SessionGrace)}
	var n store.RetentionCounts
	err := workflow.ExecuteActivity(flowopts.Activity(ctx), a.PurgeRetained, req).Get(ctx, &n)
	return n, err
}
