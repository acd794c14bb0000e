package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/lsip/scrutiny/cycle/start"
)

// runUpdate sends a workflow update and waits for its result. A failure
// comes back as a Problem a person can act on: a validator's refusal is 422
// with its reason, a finished workflow 409; anything unexpected is logged
// and reported without detail.
//
// The update's ID comes from the request's idempotency key when there is
// one (the API's Idempotency-Key header; every staff form carries one), so
// a person who retries after "please try again" gets the first attempt's
// result instead of a second action or note. No call waits longer than
// the server's Temporal deadline.
func (s *Server) runUpdate(ctx context.Context, workflowID, name string, arg, result any) *Problem {
	ctx, cancel := s.temporalContext(ctx)
	defer cancel()
	var args []any
	if arg != nil {
		args = []any{arg}
	}
	h, err := s.deps.Temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		UpdateID:   updateID(ctx, workflowID, name),
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
	case start.TemporalUnreachable(err):
		p := unreachableProblem
		return &p
	}
	slog.ErrorContext(ctx, "workflow update failed", "workflow", workflowID, "update", name, "error", err)
	p := serverProblem
	return &p
}

// temporalContext bounds a call to Temporal made on a person's behalf by
// the server's deadline (start.TemporalDeadline, the start of a cycle's
// own, so every call waits alike), so an unreachable cluster is a prompt
// 503, never a hung request: without it the SDK retries an unreachable
// service until the caller gives up.
func (s *Server) temporalContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, s.temporalDeadline)
}

// unreachableProblem answers a request whose call to Temporal failed
// because Temporal did not answer in time; writeProblem and errorPage add
// Retry-After to it.
var unreachableProblem = Problem{Status: http.StatusServiceUnavailable, Title: "Please try again",
	Detail: "The workflow service did not answer in time. Nothing was lost; please try again in a moment."}

// temporalPageError shows a page's failed call to Temporal: a readable
// "try again" page (503, Retry-After) when Temporal did not answer, the
// logged 500 page otherwise.
func (s *Server) temporalPageError(c *gin.Context, err error) {
	if start.TemporalUnreachable(err) {
		slog.Warn("page: Temporal unreachable", "route", routeOf(c), "error", err)
		errorPage(c, unreachableProblem, c.Request.URL.Path, "Try again")
		return
	}
	s.pageError(c, err)
}

// idempotencyKeyCtx carries the request's Idempotency-Key to runUpdate.
type idempotencyKeyCtx struct{}

// idempotencyKey puts the Idempotency-Key header (the API) or the
// idempotency_key form field (a page) into the request's context.
func idempotencyKey(c *gin.Context) {
	key := c.GetHeader("Idempotency-Key")
	if key == "" && c.Request.Method == http.MethodPost && c.ContentType() == "application/x-www-form-urlencoded" {
		key = c.PostForm("idempotency_key")
	}
	if key != "" {
		c.Request = c.Request.WithContext(context.WithValue(c.Request.Context(), idempotencyKeyCtx{}, key))
	}
	c.Next()
}

// updateID names an update so that the same request sent twice is one
// update. Without a key it is empty and Temporal picks a fresh ID: two
// identical requests are then two updates, which the workflow's
// validators judge (a second approval is refused as already done).
func updateID(ctx context.Context, workflowID, name string) string {
	key, ok := ctx.Value(idempotencyKeyCtx{}).(string)
	if !ok {
		return ""
	}
	sum := sha256.Sum256([]byte(workflowID + "\x00" + name + "\x00" + key))
	return name + "-" + hex.EncodeToString(sum[:16])
}

// sendUpdate runs an update for the API, writing the problem on failure.
func (s *Server) sendUpdate(c *gin.Context, workflowID, name string, arg, result any) bool {
	if p := s.runUpdate(c.Request.Context(), workflowID, name, arg, result); p != nil {
		writeProblem(c, *p)
		return false
	}
	return true
}
