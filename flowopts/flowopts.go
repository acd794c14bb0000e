// Package flowopts holds the activity options every scrutiny workflow uses,
// so that the cycle, action and digest workflows retry their I/O the same
// way.
package flowopts

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// Activity gives ctx the standard activity options: two minutes per
// attempt, retried with backoff capped at ten minutes, so a database or
// mail outage delays the work rather than losing it.
func Activity(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 2 * time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    10 * time.Minute,
		},
	})
}
