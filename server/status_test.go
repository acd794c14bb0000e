package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
)

// unanswering is a Temporal client whose status queries fail, with the
// workflow in the given state.
type unanswering struct {
	client.Client
	queryErr error
	status   enumspb.WorkflowExecutionStatus
}

func (u unanswering) QueryWorkflow(context.Context, string, string, string, ...any) (converter.EncodedValue, error) {
	return nil, u.queryErr
}

func (u unanswering) DescribeWorkflowExecution(context.Context, string, string) (*workflowservice.DescribeWorkflowExecutionResponse, error) {
	if u.status == enumspb.WORKFLOW_EXECUTION_STATUS_UNSPECIFIED {
		return nil, serviceerror.NewNotFound("workflow not found")
	}
	return &workflowservice.DescribeWorkflowExecutionResponse{WorkflowExecutionInfo: &workflowpb.WorkflowExecutionInfo{Status: u.status}}, nil
}

// TestStatusHasOneSource: a running workflow that does not answer is shown
// as the failure it is (503), while a finished or vanished workflow's
// cycle is read from the stored record.
func TestStatusHasOneSource(t *testing.T) {
	st := testenv.DB(t)
	db := testenv.SQL(t, st)
	ctx := context.Background()
	var cycleID int64
	if err := db.QueryRow(ctx, `WITH p AS (INSERT INTO panels (area_id, name, covers) SELECT id, 'Wales', 'both' FROM areas WHERE code = 'wales' RETURNING id)
		INSERT INTO cycles (panel_id, workflow_id, window_start, window_end, quotas, started_by, coordinator_name, coordinator_email)
		SELECT id, 'cycle-status', '2026-01-01', '2026-03-31', '{}', 't', 'C', 'c@example.org' FROM p RETURNING id`).Scan(&cycleID); err != nil {
		t.Fatal(err)
	}
	admin, _ := st.CreateUser(ctx, store.User{Name: "A", Email: "a@example.org", Role: "admin"})
	token, _ := st.IssueToken(ctx, admin, "t")
	for _, tc := range []struct {
		name   string
		client unanswering
		status int
	}{
		{"running, no answer", unanswering{queryErr: context.DeadlineExceeded, status: enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING}, http.StatusServiceUnavailable},
		{"finished", unanswering{queryErr: errors.New("no worker to replay it"), status: enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED}, http.StatusOK},
		{"not found", unanswering{queryErr: serviceerror.NewNotFound("workflow not found")}, http.StatusOK},
	} {
		srv := httptest.NewServer(New(Deps{Store: st, Temporal: tc.client}).Handler())
		req, _ := http.NewRequest("GET", srv.URL+"/api/v1/cycles/"+strconv.FormatInt(cycleID, 10), nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]any
		json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		srv.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("%s: %d %v, want %d", tc.name, resp.StatusCode, body, tc.status)
		}
		if tc.status == http.StatusOK && body["cycle_id"] != float64(cycleID) {
			t.Errorf("%s: the stored status is %v", tc.name, body)
		}
		if tc.status != http.StatusOK && resp.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: %s, want a problem", tc.name, resp.Header.Get("Content-Type"))
		}
	}
}
