package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
)

// runUpdate sends a workflow update and waits for its result. A failure
// comes back as a Problem a person can act on: a validator's refusal is 422
// with its reason, a finished workflow 409; anything unexpected is logged
// and reported without detail.
func (s *Server) runUpdate(ctx context.Context, workflowID, name string, arg, result any) *Problem {
	var args []any
	if arg != nil {
		args = []any{arg}
	}
	h, err := s.deps.Temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: workflowID, UpdateName: name, Args: args, WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err == nil {
		err = h.Get(ctx, result)
	}
	if err == nil {
		return nil
	}
	var appErr *temporal.ApplicationError
	var notFound *serviceerror.NotFound
	switch {
	case errors.As(err, &notFound):
		return &Problem{Status: http.StatusConflict, Title: "This has finished", Detail: "The review cycle or review this refers to is no longer running, so it cannot change."}
	case errors.As(err, &appErr):
		return &Problem{Status: http.StatusUnprocessableEntity, Title: "This cannot be done", Detail: appErr.Message()}
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return &Problem{Status: http.StatusServiceUnavailable, Title: "Please try again", Detail: "The request took too long. Nothing was lost; please try again in a moment."}
	}
	slog.Error("workflow update failed", "workflow", workflowID, "update", name, "error", err)
	p := serverProblem
	return &p
}

// sendUpdate runs an update for the API, writing the problem on failure.
func (s *Server) sendUpdate(c *gin.Context, workflowID, name string, arg, result any) bool {
	if p := s.runUpdate(c.Request.Context(), workflowID, name, arg, result); p != nil {
		writeProblem(c, *p)
		return false
	}
	return true
}
