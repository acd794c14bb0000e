package worker_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/proxy"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/lsip/scrutiny/payloadcrypt"
	"github.com/lsip/scrutiny/payloadcrypt/payloadcrypttest"
	"github.com/lsip/scrutiny/worker"
)

// TestReplayRecordedHistories replays every history under
// testdata/histories against the workflows as the worker registers them
// now. The histories were recorded from finished end-to-end runs of an
// earlier release (see e2e/history_test.go); a change to a workflow type
// name, an update or query name, an activity type name, a payload's JSON
// field or the order of a workflow's commands makes the replay fail, as it
// would fail the workflows still running when the change is deployed.
// The replayer opens payloads as the worker does, with the test
// environments' payload key: histories recorded before payloads were
// sealed pass through it unchanged, and later ones are sealed with it.
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
			history := readHistory(t, file)
			if err := replay(history, payloadcrypttest.DataConverter()); err != nil {
				t.Fatalf("replaying %s: %v", file, err)
			}
		})
	}
}

// TestReplaySealedHistory seals every payload of a recorded history with
// the test key, as a worker with PAYLOAD_KEYS writes them: the worker's
// codec opens and replays it; a worker holding only another key cannot
// replay it, and opening its input names the key that is missing.
func TestReplaySealedHistory(t *testing.T) {
	history := readHistory(t, filepath.Join("testdata", "histories", "member-review.json"))
	codec := payloadcrypttest.Codec()
	sealed := 0
	err := proxy.VisitPayloads(context.Background(), history, proxy.VisitPayloadsOptions{
		SkipSearchAttributes: true,
		Visitor: func(_ *proxy.VisitPayloadsContext, p []*commonpb.Payload) ([]*commonpb.Payload, error) {
			sealed += len(p)
			return codec.Encode(p)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if sealed == 0 {
		t.Fatal("the history has no payloads to seal")
	}
	if err := replay(history, codec.DataConverter()); err != nil {
		t.Fatalf("replaying the sealed history: %v", err)
	}
	other, err := payloadcrypt.FromConfig("other:9vCwOKfCgumBWud/dxWPZdxA8nHksS3cHgfeXLLKqKM=")
	if err != nil {
		t.Fatal(err)
	}
	if err := replay(history, other.DataConverter()); err == nil {
		t.Error("a worker without the key replayed the sealed history")
	}
	input := history.GetEvents()[0].GetWorkflowExecutionStartedEventAttributes().GetInput()
	var in map[string]any
	if err := other.DataConverter().FromPayloads(input, &in); err == nil || !strings.Contains(err.Error(), `unknown key ID "test"`) {
		t.Errorf("opening the sealed input without its key: %v, want the key named", err)
	}
}

func readHistory(t *testing.T, file string) *historypb.History {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	history, err := client.HistoryFromJSON(f, client.HistoryJSONOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return history
}

// replay runs history through every registered workflow with dc opening
// its payloads.
func replay(history *historypb.History, dc converter.DataConverter) error {
	started := history.GetEvents()[0].GetWorkflowExecutionStartedEventAttributes()
	replayer, err := sdkworker.NewWorkflowReplayerWithOptions(sdkworker.WorkflowReplayerOptions{DataConverter: dc})
	if err != nil {
		return err
	}
	worker.RegisterWorkflows(replayer)
	return replayer.ReplayWorkflowHistoryWithOptions(nil, history, sdkworker.ReplayWorkflowHistoryOptions{
		OriginalExecution: workflow.Execution{ID: started.GetWorkflowId(), RunID: started.GetOriginalExecutionRunId()},
	})
}
