// Package worker wires scrutiny's workflows and activities to a Temporal
// worker. The `worker` command runs it alone; `dev` runs it in-process.
package worker

import (
	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/lsip/scrutiny/activities"
	"github.com/lsip/scrutiny/workflows"
)

// New returns a worker on taskQueue with every workflow and activity
// registered. The caller starts and stops it.
func New(c client.Client, taskQueue string, acts *activities.Activities) sdkworker.Worker {
	w := sdkworker.New(c, taskQueue, sdkworker.Options{})
	w.RegisterWorkflow(workflows.CycleWorkflow)
	w.RegisterWorkflow(workflows.MemberReviewWorkflow)
	w.RegisterWorkflow(workflows.ActionWorkflow)
	w.RegisterActivity(acts)
	return w
}
