package server

import (
	"context"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
)

// sendUpdate sends a workflow update and waits for its result, writing the
// right problem on failure: a validator's refusal is 422 with its reason, a
// missing workflow 404, a finished one 409.
func (s *Server) sendUpdate(c *gin.Context, workflowID, name string, arg, result any) bool {
	var args []any
	if arg != nil {
		args = []any{arg}
	}
	h, err := s.deps.Temporal.UpdateWorkflow(c.Request.Context(), client.UpdateWorkflowOptions{
		WorkflowID: workflowID, UpdateName: name, Args: args, WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err == nil {
		err = h.Get(c.Request.Context(), result)
	}
	if err == nil {
		return true
	}
	var appErr *temporal.ApplicationError
	var notFound *serviceerror.NotFound
	switch {
	case errors.As(err, &notFound):
		writeProblem(c, Problem{Status: http.StatusConflict, Title: "This has finished", Detail: "The review cycle or review this refers to is no longer running, so it cannot change."})
	case errors.As(err, &appErr):
		writeProblem(c, Problem{Status: http.StatusUnprocessableEntity, Title: "This cannot be done", Detail: appErr.Message()})
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		writeProblem(c, Problem{Status: http.StatusServiceUnavailable, Title: "Please try again", Detail: "The request took too long. Nothing was lost; please try again in a moment."})
	default:
		internalError(c, err)
	}
	return false
}
