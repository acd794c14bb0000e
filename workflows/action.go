package workflows

import (
	"go.temporal.io/sdk/workflow"
)

// ActionInput starts the tracking of one action.
type ActionInput struct {
	ActionID int64 `json:"action_id"`
}

// ActionWorkflow tracks one action to closure. This first version only
// marks the start of tracking; reminders, escalation and the manager's
// updates follow in the action-tracking work.
func ActionWorkflow(ctx workflow.Context, in ActionInput) error {
	return workflow.ExecuteActivity(activityCtx(ctx), a.RecordActionEvent, in.ActionID, "system", "tracking_started").Get(ctx, nil)
}
