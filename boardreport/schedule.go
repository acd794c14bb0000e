package boardreport

import (
	"context"
	"errors"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/lsip/scrutiny/store"
)

// Spec is when the report runs: at 08:00 UK time on the settings' day of
// the month, in their first month and six months later.
func Spec(s store.BoardReportSettings) client.ScheduleSpec {
	return client.ScheduleSpec{
		Calendars: []client.ScheduleCalendarSpec{{
			Month:      []client.ScheduleRange{{Start: s.FirstMonth}, {Start: s.FirstMonth + 6}},
			DayOfMonth: []client.ScheduleRange{{Start: s.DayOfMonth}},
			Hour:       []client.ScheduleRange{{Start: 8}},
		}},
		TimeZoneName: "Europe/London",
	}
}

// EnsureSchedule makes the Board report's Temporal Schedule match the
// settings: created the first time, its calendar and action brought in
// line when it already exists, so there is only ever one. Overlapping
// runs are skipped.
func EnsureSchedule(ctx context.Context, c client.Client, taskQueue string, s store.BoardReportSettings) error {
	spec := Spec(s)
	action := &client.ScheduleWorkflowAction{ID: "board-report", Workflow: WorkflowName, TaskQueue: taskQueue}
	_, err := c.ScheduleClient().Create(ctx, client.ScheduleOptions{ID: ScheduleID, Spec: spec, Action: action, Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_SKIP})
	if !errors.Is(err, temporal.ErrScheduleAlreadyRunning) {
		return err
	}
	return c.ScheduleClient().GetHandle(ctx, ScheduleID).Update(ctx, client.ScheduleUpdateOptions{
		DoUpdate: func(in client.ScheduleUpdateInput) (*client.ScheduleUpdate, error) {
			sch := in.Description.Schedule
			sch.Spec, sch.Action = &spec, action
			if sch.Policy == nil {
				sch.Policy = &client.SchedulePolicies{}
			}
			sch.Policy.Overlap = enumspb.SCHEDULE_OVERLAP_POLICY_SKIP
			return &client.ScheduleUpdate{Schedule: &sch}, nil
		}})
}
