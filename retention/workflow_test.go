package retention

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/lsip/scrutiny/store"
)

// TestRetentionWorkflowPurgesAgainstItsClock: a run started (in skipped
// time) on a given day asks the activity to purge cycles issued more than
// the retention period before that day, and sessions expired a day before
// it, and returns the counts.
func TestRetentionWorkflowPurgesAgainstItsClock(t *testing.T) {
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	start := time.Date(2027, 3, 1, 3, 0, 0, 0, time.UTC)
	env.SetStartTime(start)
	env.RegisterActivity(&Activities{})
	var got PurgeRequest
	env.OnActivity(a.PurgeRetained, mock.Anything, mock.Anything).Return(func(_ context.Context, req PurgeRequest) (store.RetentionCounts, error) {
		got = req
		return store.RetentionCounts{Cycles: 2, PackFiles: 5}, nil
	})
	env.ExecuteWorkflow(RetentionWorkflow, Input{After: 90 * 24 * time.Hour})
	var n store.RetentionCounts
	if err := env.GetWorkflowResult(&n); err != nil {
		t.Fatal(err)
	}
	if !got.CyclesBefore.Equal(start.AddDate(0, 0, -90)) || !got.SessionsBefore.Equal(start.Add(-SessionGrace)) {
		t.Errorf("purge asked for %+v; want cycles before %s and sessions before %s", got, start.AddDate(0, 0, -90), start.Add(-SessionGrace))
	}
	if n.PackFiles != 5 {
		t.Errorf("result %+v, want the activity's counts", n)
	}
}

// TestRetentionWorkflowRefusesNoPeriod: a zero period would purge
// everything at once; the run fails without calling the activity.
func TestRetentionWorkflowRefusesNoPeriod(t *testing.T) {
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.RegisterActivity(&Activities{})
	called := false
	env.OnActivity(a.PurgeRetained, mock.Anything, mock.Anything).Return(func(context.Context, PurgeRequest) (store.RetentionCounts, error) {
		called = true
		return store.RetentionCounts{}, nil
	})
	env.ExecuteWorkflow(RetentionWorkflow, Input{})
	var appErr *temporal.ApplicationError
	if err := env.GetWorkflowError(); !errors.As(err, &appErr) || !appErr.NonRetryable() || called {
		t.Errorf("error %v, activity called %v; want a non-retryable refusal and no purge", err, called)
	}
}
