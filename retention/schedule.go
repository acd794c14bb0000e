package retention

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
)

// ScheduleID is the one Temporal Schedule that runs the purge; creating it
// at start-up is idempotent because the ID is fixed.
const ScheduleID = "retention"

// EnsureSchedule makes the daily retention schedule match configuration:
// created when enabled (or, if it exists, its period brought up to date),
// deleted when switched off. It runs every day at 03:00 UK time.
func EnsureSchedule(ctx context.Context, c client.Client, taskQueue string, enabled bool, after time.Duration) error {
	h := c.ScheduleClient().GetHandle(ctx, ScheduleID)
	if !enabled {
		err := h.Delete(ctx)
		var notFound *serviceerror.NotFound
		if err != nil && !errors.As(err, &notFound) {
			return fmt.Errorf("remove the retention schedule: %w", err)
		}
		return nil
	}
	spec := client.ScheduleSpec{
		Calendars:    []client.ScheduleCalendarSpec{{Hour: []client.ScheduleRange{{Start: 3}}}},
		TimeZoneName: "Europe/London",
	}
	action := &client.ScheduleWorkflowAction{ID: "retention-purge", Workflow: WorkflowName, TaskQueue: taskQueue, Args: []any{Input{After: after}}}
	_, err := c.ScheduleClient().Create(ctx, client.ScheduleOptions{ID: ScheduleID, Spec: spec, Action: action})
	if !errors.Is(err, temporal.ErrScheduleAlreadyRunning) {
		return err
	}
	err = h.Update(ctx, client.ScheduleUpdateOptions{DoUpdate: func(in client.ScheduleUpdateInput) (*client.ScheduleUpdate, error) {
		s := in.Description.Schedule
		s.Spec, s.Action = &spec, action
		return &client.ScheduleUpdate{Schedule: &s}, nil
	}})
	if err != nil {
		return fmt.Errorf("update the retention schedule: %w", err)
	}
	return nil
}
