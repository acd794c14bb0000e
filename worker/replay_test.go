package worker_test

import (
	"os"
	"path/filepath"
	"testing"

	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/lsip/scrutiny/worker"
)

// TestReplayRecordedHistories replays every history under
// testdata/histories against the workflows as the worker registers them
// now. The histories were recorded from finished end-to-end runs of an
// earlier release (see e2e/history_test.go); a change to a workflow type
// name, an update or query name, an activity type name, a payload's JSON
// field or the order of a workflow's commands makes the replay fail, as it
// would fail the workflows still running when the change is deployed.
func TestReplayRecordedHistories(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "histories", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no recorded histories under testdata/histories")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			f, err := os.Open(file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			history, err := client.HistoryFromJSON(f, client.HistoryJSONOptions{})
			if err != nil {
				t.Fatal(err)
			}
			started := history.GetEvents()[0].GetWorkflowExecutionStartedEventAttributes()
			replayer := sdkworker.NewWorkflowReplayer()
			worker.RegisterWorkflows(replayer)
			err = replayer.ReplayWorkflowHistoryWithOptions(nil, history, sdkworker.ReplayWorkflowHistoryOptions{
				OriginalExecution: workflow.Execution{ID: started.GetWorkflowId(), RunID: started.GetOriginalExecutionRunId()},
			})
			if err != nil {
				t.Fatalf("replaying %s (workflow %s): %v", file, started.GetWorkflowId(), err)
			}
		})
	}
}
