// Package digest sends each manager a weekly email of their Area's
// outstanding and overdue actions, with the action log attached: its
// workflow, its activities and the Temporal Schedule that runs it.
package digest

import (
	"fmt"

	"go.temporal.io/sdk/workflow"

	"github.com/lsip/scrutiny/flowopts"
	"github.com/lsip/scrutiny/outbox"
	"github.com/lsip/scrutiny/outbox/outboxflow"
)

// a and delivery name the activities this workflow calls; their methods are
// used only as references, never called directly.
var (
	a        *Activities
	delivery *outboxflow.Activities
)

// ScheduleID is the one Temporal Schedule that sends the weekly
// manager digest; creating it at start-up is idempotent because the ID is
// fixed.
const ScheduleID = "weekly-manager-digest"

// DigestWorkflow sends each manager a digest of their Area's outstanding
// and overdue actions, with the filtered export attached. The week's date
// keys every email, so a retried run sends nothing twice.
func DigestWorkflow(ctx workflow.Context) (int, error) {
	week := workflow.Now(ctx).UTC().Format("2006-01-02")
	actx := flowopts.Activity(ctx)
	var managers []int64
	if err := workflow.ExecuteActivity(actx, a.DigestRecipients).Get(ctx, &managers); err != nil {
		return 0, err
	}
	sent := 0
	for _, id := range managers {
		var ref outbox.Ref
		if err := workflow.ExecuteActivity(actx, a.QueueDigest, id, week).Get(ctx, &ref); err != nil {
			return sent, fmt.Errorf("digest for manager %d: %w", id, err)
		}
		if ref.OutboxID == 0 {
			continue // nothing outstanding in their Area
		}
		if err := workflow.ExecuteActivity(actx, delivery.DeliverMail, ref.OutboxID).Get(ctx, nil); err != nil {
			return sent, err
		}
		sent++
	}
	return sent, nil
}

// WorkflowName is the digest workflow's type name, as recorded in the
// history of its runs.
const WorkflowName = "DigestWorkflow"
