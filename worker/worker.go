// Package worker is the one place that wires each of scrutiny's contexts
// (the review cycle and its recurring runs, action tracking, the weekly
// digest and the outbox) to a Temporal worker. The `worker` command runs it
// alone; `dev` runs it in-process.
package worker

import (
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/lsip/scrutiny/action"
	"github.com/lsip/scrutiny/action/actionflow"
	"github.com/lsip/scrutiny/boardreport"
	"github.com/lsip/scrutiny/boardreport/boardflow"
	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/cycle/cycleflow"
	"github.com/lsip/scrutiny/cycle/recurring"
	"github.com/lsip/scrutiny/cycle/recurring/recurringflow"
	"github.com/lsip/scrutiny/cycle/start"
	"github.com/lsip/scrutiny/digest"
	"github.com/lsip/scrutiny/links"
	"github.com/lsip/scrutiny/mailer"
	"github.com/lsip/scrutiny/outbox"
	"github.com/lsip/scrutiny/outbox/outboxflow"
	"github.com/lsip/scrutiny/retention"
	"github.com/lsip/scrutiny/store"
)

// Deps are what the activities of every context need, and the worker's
// limits.
type Deps struct {
	Store  *store.Store
	Mailer *mailer.Sender
	Links  *links.Signer
	// PublicURL is the base of links placed in emails.
	PublicURL string
	// AttachPacks sends each member's workbook attached to the email;
	// otherwise the email carries only the personal link.
	AttachPacks bool
	// Limits bound what the worker runs at once and how long it waits for
	// activities in flight when stopped.
	Limits Limits
}

// Limits bound one worker process. A zero field means the SDK's default.
type Limits struct {
	// MaxActivities is how many activities run at once.
	MaxActivities int
	// MaxWorkflowTasks is how many workflow tasks run at once.
	MaxWorkflowTasks int
	// StopTimeout is how long Stop waits for the activities in flight to
	// finish and report their results before cancelling them. Zero
	// cancels them at once, leaving Temporal to retry them elsewhere
	// after their timeout.
	StopTimeout time.Duration
}

// Options are the SDK worker options that apply l.
func (l Limits) Options() sdkworker.Options {
	return sdkworker.Options{
		MaxConcurrentActivityExecutionSize:     l.MaxActivities,
		MaxConcurrentWorkflowTaskExecutionSize: l.MaxWorkflowTasks,
		WorkerStopTimeout:                      l.StopTimeout,
	}
}

// New returns a worker on taskQueue with every workflow and activity
// registered, within d.Limits. The caller starts and stops it.
func New(c client.Client, taskQueue string, d Deps) sdkworker.Worker {
	w := sdkworker.New(c, taskQueue, d.Limits.Options())
	RegisterWorkflows(w)
	RegisterActivities(w, c, taskQueue, d)
	return w
}

// RegisterWorkflows registers every workflow under the type name recorded
// in the history of running workflows. The names are explicit so that
// moving or renaming a Go function can never change them.
func RegisterWorkflows(r sdkworker.WorkflowRegistry) {
	r.RegisterWorkflowWithOptions(cycleflow.CycleWorkflow, workflow.RegisterOptions{Name: cycle.WorkflowName})
	r.RegisterWorkflowWithOptions(cycleflow.MemberReviewWorkflow, workflow.RegisterOptions{Name: cycle.MemberReviewWorkflowName})
	r.RegisterWorkflowWithOptions(actionflow.ActionWorkflow, workflow.RegisterOptions{Name: action.WorkflowName})
	r.RegisterWorkflowWithOptions(digest.DigestWorkflow, workflow.RegisterOptions{Name: digest.WorkflowName})
	r.RegisterWorkflowWithOptions(outboxflow.SendMailWorkflow, workflow.RegisterOptions{Name: outbox.SendWorkflowName})
	r.RegisterWorkflowWithOptions(recurringflow.RecurringCycleWorkflow, workflow.RegisterOptions{Name: recurring.WorkflowName})
	r.RegisterWorkflowWithOptions(retention.RetentionWorkflow, workflow.RegisterOptions{Name: retention.WorkflowName})
	r.RegisterWorkflowWithOptions(boardflow.BoardReportWorkflow, workflow.RegisterOptions{Name: boardreport.WorkflowName})
}

// RegisterActivities registers each context's activities. Activity type
// names are the method names, which are unique across the contexts. A
// recurring cycle's run starts its cycle through c on taskQueue, as the
// server does.
func RegisterActivities(r sdkworker.ActivityRegistry, c client.Client, taskQueue string, d Deps) {
	r.RegisterActivityWithOptions(&cycleflow.Activities{Store: d.Store, Links: d.Links, PublicURL: d.PublicURL, AttachPacks: d.AttachPacks}, activity.RegisterOptions{})
	r.RegisterActivityWithOptions(&actionflow.Activities{Store: d.Store, Links: d.Links, PublicURL: d.PublicURL}, activity.RegisterOptions{})
	r.RegisterActivityWithOptions(&digest.Activities{Store: d.Store, PublicURL: d.PublicURL}, activity.RegisterOptions{})
	r.RegisterActivityWithOptions(&outboxflow.Activities{Store: d.Store, Mailer: d.Mailer}, activity.RegisterOptions{})
	r.RegisterActivityWithOptions(&retention.Activities{Store: d.Store}, activity.RegisterOptions{})
	r.RegisterActivityWithOptions(&boardflow.Activities{Store: d.Store}, activity.RegisterOptions{})
	r.RegisterActivityWithOptions(&recurringflow.Activities{Start: start.Deps{Store: d.Store, Temporal: c, TaskQueue: taskQueue}}, activity.RegisterOptions{})
}
