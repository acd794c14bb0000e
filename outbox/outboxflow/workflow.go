package outboxflow

import (
	"go.temporal.io/sdk/workflow"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/flowopts"
)

// deliver names the activity for the workflow; its methods are never
// called on it.
var deliver *Activities

// SendMailWorkflow delivers one queued message that no other workflow
// owns, such as an invitation or a password reset, retrying through a mail
// outage as every delivery does. It is started under outbox.SendWorkflowID,
// so a message is delivered by one workflow however often it is started.
func SendMailWorkflow(ctx workflow.Context, outboxID int64) (domain.MailStatus, error) {
	var result domain.MailStatus
	err := workflow.ExecuteActivity(flowopts.Activity(ctx), deliver.DeliverMail, outboxID).Get(ctx, &result)
	return result, err
}
