package worker_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/lsip/scrutiny/testenv/temporalenv"
	"github.com/lsip/scrutiny/worker"
)

// heldActivity is a test activity that runs until the test releases it,
// counting how often it started and finished.
type heldActivity struct {
	started, stopping chan string
	release           chan struct{}
	starts, finishes  atomic.Int32
}

// Hold reports its start and, until the test releases it, waits; it
// reports when its worker begins to stop. Once released it returns at once.
func (a *heldActivity) Hold(ctx context.Context, id string) (string, error) {
	a.starts.Add(1)
	a.started <- id
	select {
	case <-activity.GetWorkerStopChannel(ctx):
		a.stopping <- id
	case <-a.release:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	select {
	case <-a.release:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	a.finishes.Add(1)
	return "finished " + id, nil
}

// holdWorkflow runs Hold once, never retrying it, so that an activity the
// worker abandoned would fail the workflow rather than run again.
func holdWorkflow(ctx workflow.Context, id string) (string, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 5 * time.Minute,
		RetryPolicy: &temporal.RetryPolicy{MaximumAttempts: 1}})
	var out string
	err := workflow.ExecuteActivity(ctx, "Hold", id).Get(ctx, &out)
	return out, err
}

// TestStopFinishesActivitiesInFlight stops a worker built with
// worker.Limits while an activity runs: Stop waits for the activity to
// finish and report its result, within StopTimeout, and returns only then.
// The one activity slot of MaxActivities keeps a second workflow's activity
// from starting meanwhile. A new worker then completes both workflows, each
// activity having run exactly once.
func TestStopFinishesActivitiesInFlight(t *testing.T) {
	srv := temporalenv.Start(t)
	c := srv.Client()
	const queue = "stop-test"
	limits := worker.Limits{MaxActivities: 1, MaxWorkflowTasks: 2, StopTimeout: 5 * time.Minute}
	held := &heldActivity{started: make(chan string, 2), stopping: make(chan string, 2), release: make(chan struct{})}
	newWorker := func() sdkworker.Worker {
		w := sdkworker.New(c, queue, limits.Options())
		w.RegisterWorkflowWithOptions(holdWorkflow, workflow.RegisterOptions{Name: "StopTestHold"})
		w.RegisterActivity(held.Hold)
		return w
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	first := newWorker()
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	var runs []client.WorkflowRun
	for _, id := range []string{"stop-test-a", "stop-test-b"} {
		run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: queue}, "StopTestHold", id)
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, run)
	}
	var inFlight string
	select {
	case inFlight = <-held.started:
	case <-ctx.Done():
		t.Fatal("no activity started")
	}

	stopped := make(chan struct{})
	go func() { first.Stop(); close(stopped) }()
	select {
	case <-held.stopping:
	case <-ctx.Done():
		t.Fatal("the activity never saw its worker stopping")
	}
	select {
	case <-stopped:
		t.Fatal("Stop returned while an activity was still running")
	default:
	}
	close(held.release)
	select {
	case <-stopped:
	case <-ctx.Done():
		t.Fatal("Stop did not return after the activity in flight finished")
	}
	if n := held.finishes.Load(); n != 1 {
		t.Fatalf("%d activities finished before Stop returned, want the one in flight (%s)", n, inFlight)
	}
	if n := held.starts.Load(); n != 1 {
		t.Errorf("%d activities started on a worker with one activity slot, want 1", n)
	}

	second := newWorker()
	if err := second.Start(); err != nil {
		t.Fatal(err)
	}
	defer second.Stop()
	for _, run := range runs {
		var out string
		if err := run.Get(ctx, &out); err != nil {
			t.Fatalf("workflow %s: %v", run.GetID(), err)
		}
		if out != "finished "+run.GetID() {
			t.Errorf("workflow %s returned %q", run.GetID(), out)
		}
	}
	if starts, finishes := held.starts.Load(), held.finishes.Load(); starts != 2 || finishes != 2 {
		t.Errorf("activities started %d and finished %d times, want each of the two once", starts, finishes)
	}
}
