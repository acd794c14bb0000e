package digest

import (
	"context"
	"errors"
	"fmt"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
)

// EnsureSchedule makes the weekly manager digest's Temporal Schedule
// match configuration: created (once; the fixed ID makes a second call a
// no-op) when enabled, deleted when switched off. It runs every Monday at
// 08:00 UK time.
func EnsureSchedule(ctx context.Context, c client.Client, taskQueue string, enabled bool) error {
	h := c.ScheduleClient().GetHandle(ctx, ScheduleID)
	if !enabled {
		err := h.Delete(ctx)
		var notFound *serviceerror.NotFound
		if err != nil && !errors.As(err, &notFound) {
			return fmt.Errorf("remove the digest schedule: %w", err)
		}
		return nil
	}
	_, err := c.ScheduleClient().Create(ctx, client.ScheduleOptions{
		ID: ScheduleID,
		Spec: client.ScheduleSpec{
			Calendars:    []client.ScheduleCalendarSpec{{DayOfWeek: []client.ScheduleRange{{Start: 1}}, Hour: []client.ScheduleRange{{Start: 8}}}},
			TimeZoneName: "Europe/London",
		},
		Action: &client.ScheduleWorkflowAction{ID: "manager-digest", Workflow: WorkflowName, TaskQueue: taskQueue},
	})
	if errors.Is(err, temporal.ErrScheduleAlreadyRunning) {
		return nil
	}
	return err
}
