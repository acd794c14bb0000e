package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/uktime"
)

// statusOf is the cycle's status from its one source at the time: the
// workflow's answer while it runs, and the stored record once it has
// finished or its history is gone. Any other failure to ask the workflow
// is returned as an errNoAnswer, never covered up by the stored record,
// which would hide a stuck workflow. The query and the describe that
// follows a failed one share the server's one Temporal deadline.
func (s *Server) statusOf(ctx context.Context, cr domain.CycleRef) (cycle.CycleStatus, error) {
	if !cr.Finished() {
		tctx, cancel := s.temporalContext(ctx)
		defer cancel()
		v, err := s.deps.Temporal.QueryWorkflow(tctx, cr.WorkflowID, "", cycle.QueryStatus)
		if err == nil {
			var st cycle.CycleStatus
			if err := v.Get(&st); err != nil {
				return st, fmt.Errorf("read the status of cycle %d: %w", cr.ID, err)
			}
			if err := s.countReviews(ctx, &st); err != nil {
				return st, err
			}
			return st, s.noteDelayedMail(ctx, &st)
		}
		if running, derr := s.workflowRunning(tctx, cr.WorkflowID); running || derr != nil {
			return cycle.CycleStatus{}, &errNoAnswer{cycle: cr, err: err}
		}
	}
	return s.deps.Store.StoredCycleStatus(ctx, cr.ID)
}

// countReviews puts each member's review counts from the store, where
// every save lands, into the running cycle's status: the workflow hears of
// no saves made directly (store.SaveMemberReview).
func (s *Server) countReviews(ctx context.Context, st *cycle.CycleStatus) error {
	counts, err := s.deps.Store.ReviewProgress(ctx, st.CycleID)
	if err != nil {
		return err
	}
	byMember := make(map[int64]cycle.ReviewProgress, len(counts))
	for _, p := range counts {
		byMember[p.MemberID] = p
	}
	for i, m := range st.Members {
		if p, ok := byMember[m.MemberID]; ok {
			st.Members[i].ReviewProgress = p
		}
	}
	return nil
}

// noteDelayedMail tells the coordinator, among the running cycle's
// notices, of its mail that delivery is still retrying after failures (the
// mail server down, or refusing us), so a delay is seen, not guessed from
// packs that have not gone.
func (s *Server) noteDelayedMail(ctx context.Context, st *cycle.CycleStatus) error {
	d, err := s.deps.Store.DelayedCycleMail(ctx, st.CycleID)
	if err != nil || d.Count == 0 {
		return err
	}
	what := "1 email of this cycle is"
	if d.Count > 1 {
		what = fmt.Sprintf("%d emails of this cycle are", d.Count)
	}
	st.Notices = append(st.Notices, fmt.Sprintf("%s delayed: waiting since %s because the mail server has not accepted them (last error: %s). Sending is retried automatically.",
		what, d.Since.In(uktime.London).Format("2 January 2006 15:04"), d.LastError))
	return nil
}

// workflowRunning reports whether the workflow is still running. One that
// does not exist (never started, or its history gone) is not.
func (s *Server) workflowRunning(ctx context.Context, workflowID string) (bool, error) {
	d, err := s.deps.Temporal.DescribeWorkflowExecution(ctx, workflowID, "")
	var notFound *serviceerror.NotFound
	if errors.As(err, &notFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return d.GetWorkflowExecutionInfo().GetStatus() == enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING, nil
}

// errNoAnswer is a running cycle's workflow failing to answer its status
// query: it may be stuck, or Temporal out of reach.
type errNoAnswer struct {
	cycle domain.CycleRef
	err   error
}

func (e *errNoAnswer) Error() string {
	return fmt.Sprintf("cycle %d's workflow %s did not answer its status query: %v", e.cycle.ID, e.cycle.WorkflowID, e.err)
}

func (e *errNoAnswer) Unwrap() error { return e.err }

// noAnswerProblem is what a person sees when the cycle's workflow did not
// answer: the failure as it is, with what to do about it.
func noAnswerProblem(e *errNoAnswer) Problem {
	return Problem{Status: http.StatusServiceUnavailable, Title: "The cycle is not answering",
		Detail: fmt.Sprintf("Cycle %d is running, but its workflow (%s) did not answer when asked how it stands: %v. "+
			"Please try again in a moment; if it keeps happening, the workflow may be stuck and the system administrator should look at it.",
			e.cycle.ID, e.cycle.WorkflowID, e.err)}
}

// statusFailed writes the API's answer to a failed statusOf: 503 when the
// workflow did not answer, else the logged 500.
func statusFailed(c *gin.Context, err error) {
	var noAnswer *errNoAnswer
	if errors.As(err, &noAnswer) {
		slog.Error("cycle status", "error", err)
		writeProblem(c, noAnswerProblem(noAnswer))
		return
	}
	internalError(c, err)
}

// sendFile serves a stored file as a download and audits it: every view
// and download of case material is recorded.
func (s *Server) sendFile(c *gin.Context, fileID int64, actor string) {
	f, err := s.deps.Store.FileByID(c.Request.Context(), fileID)
	if errors.Is(err, store.ErrNotFound) {
		notFound(c, "The file")
		return
	}
	if err != nil {
		internalError(c, err)
		return
	}
	if err := s.deps.Store.Audit(c.Request.Context(), actor, "file_downloaded", "file", strconv.FormatInt(f.ID, 10), map[string]any{"kind": f.Kind}); err != nil {
		internalError(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="`+f.Filename+`"`)
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, f.ContentType, f.Content)
}
