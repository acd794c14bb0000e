// Package worker wires scrutiny's workflows and activities to a Temporal
// worker. The `worker` command runs it alone; `dev` runs it in-process.
package worker

import (
	"context"
	"errors"
	"fmt"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
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
	w.RegisterWorkflow(workflows.DigestWorkflow)
	w.RegisterActivity(acts)
	return w
}

// EnsureDigestSchedule makes the weekly manager digest's Temporal Schedule
// match configuration: created (once; the fixed ID makes a second call a
// no-op) when enabled, deleted when switched off. It runs every Monday at
// 08:00 UK time.
func EnsureDigestSchedule(ctx context.Context, c client.Client, taskQueue string, enabled bool) error {
	h := c.ScheduleClient().GetHandle(ctx, workflows.DigestScheduleID)
	if !enabled {
		err := h.Delete(ctx)
		var notFound *serviceerror.NotFound
		if err != nil && !errors.As(err, &notFound) {
			return fmt.Errorf("remove the digest schedule: %w", err)
		}
		return nil
	}
	_, err := c.ScheduleClient().Create(ctx, client.ScheduleOptions{
		ID: workflows.DigestScheduleID,
		Spec: client.ScheduleSpec{
			Calendars:    []client.ScheduleCalendarSpec{{DayOfWeek: []client.ScheduleRange{{Start: 1}}, Hour: []client.ScheduleRange{{Start: 8}}}},
			TimeZoneName: "Europe/London",
		},
		Action: &client.ScheduleWorkflowAction{ID: "manager-digest", Workflow: workflows.DigestWorkflow, TaskQueue: taskQueue},
	})
	if errors.Is(err, temporal.ErrScheduleAlreadyRunning) {
		return nil
	}
	return err
}
