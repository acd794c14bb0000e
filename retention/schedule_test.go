package retention_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/lsip/scrutiny/retention"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv/temporalenv"
)

// TestScheduleRunsThePurgeDaily: EnsureSchedule is idempotent and a second
// call brings the period up to date; the schedule fires once a day, and a
// run it starts calls the purge activity with the configured period;
// switched off, the schedule is removed.
func TestScheduleRunsThePurgeDaily(t *testing.T) {
	ts := temporalenv.Start(t)
	c := ts.Client()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	const queue = "retention-test"
	requests := make(chan retention.PurgeRequest, 1)
	w := sdkworker.New(c, queue, sdkworker.Options{})
	w.RegisterWorkflowWithOptions(retention.RetentionWorkflow, workflow.RegisterOptions{Name: retention.WorkflowName})
	w.RegisterActivityWithOptions(func(_ context.Context, req retention.PurgeRequest) (store.RetentionCounts, error) {
		requests <- req
		return store.RetentionCounts{}, nil
	}, activity.RegisterOptions{Name: "PurgeRetained"})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Stop()

	for _, days := range []int{30, 30, 90} {
		if err := retention.EnsureSchedule(ctx, c, queue, true, time.Duration(days)*24*time.Hour); err != nil {
			t.Fatalf("EnsureSchedule (%d days): %v", days, err)
		}
	}
	h := c.ScheduleClient().GetHandle(ctx, retention.ScheduleID)
	desc, err := h.Describe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	next := desc.Info.NextActionTimes
	if len(next) < 2 || next[1].Sub(next[0]) < 23*time.Hour || next[1].Sub(next[0]) > 25*time.Hour {
		t.Errorf("next runs %v, want one a day", next)
	}
	if act, ok := desc.Schedule.Action.(*client.ScheduleWorkflowAction); !ok || act.Workflow != retention.WorkflowName {
		t.Errorf("schedule action %+v, want %s", desc.Schedule.Action, retention.WorkflowName)
	}

	if err := h.Trigger(ctx, client.ScheduleTriggerOptions{}); err != nil {
		t.Fatal(err)
	}
	select {
	case req := <-requests:
		if ago := time.Since(req.CyclesBefore); ago < 89*24*time.Hour || ago > 91*24*time.Hour {
			t.Errorf("the run purges cycles issued before %s (%s ago), want 90 days ago", req.CyclesBefore, ago)
		}
	case <-ctx.Done():
		t.Fatal("the scheduled run never called the purge activity")
	}

	if err := retention.EnsureSchedule(ctx, c, queue, false, 0); err != nil {
		t.Fatal(err)
	}
	var notFound *serviceerror.NotFound
	if _, err := h.Describe(ctx); !errors.As(err, &notFound) {
		t.Errorf("after switching off, Describe = %v; want not found", err)
	}
	if err := retention.EnsureSchedule(ctx, c, queue, false, 0); err != nil {
		t.Errorf("removing an absent schedule: %v", err)
	}
}
