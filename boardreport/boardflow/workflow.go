package boardflow

import (
	"go.temporal.io/sdk/workflow"

	"github.com/lsip/scrutiny/boardreport"
	"github.com/lsip/scrutiny/flowopts"
	"github.com/lsip/scrutiny/outbox/outboxflow"
)

// a and delivery name the activities this workflow calls; their methods are
// used only as references, never called directly.
var (
	a        *Activities
	delivery *outboxflow.Activities
)

// BoardReportWorkflow reports the six months before the day it runs: it
// builds the report and queues one email per Board recipient with the
// stored workbook attached (the workbook never enters history, only the
// outbox IDs do), then delivers each. The period keys every email, so a
// retried run sends nothing twice. It returns how many emails it sent.
func BoardReportWorkflow(ctx workflow.Context) (int, error) {
	period := boardreport.PeriodBefore(workflow.Now(ctx))
	actx := flowopts.Activity(ctx)
	var queued []int64
	if err := workflow.ExecuteActivity(actx, a.QueueBoardReport, period).Get(ctx, &queued); err != nil {
		return 0, err
	}
	for i, id := range queued {
		if err := workflow.ExecuteActivity(actx, delivery.DeliverMail, id).Get(ctx, nil); err != nil {
			return i, err
		}
	}
	return len(queued), nil
}
