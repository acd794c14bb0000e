package server

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/cycle/start"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
)

// startCycleRequest is a request to start a cycle, as the form and the API
// build it.
type startCycleRequest = start.Request

// startCycleBody is the body of POST /api/v1/cycles as the API reads it:
// a start request with its timing in plain units (see timingRequest).
type startCycleBody struct {
	start.Request
	Timing *timingRequest `json:"timing"`
}

// timingRequest is a cycle's timing as the API takes it, in plain units;
// absent fields take the defaults. cycle.Timing keeps time.Duration,
// whose nanoseconds are in recorded workflow histories and schedules.
type timingRequest struct {
	ConflictCheckBefore Duration   `json:"conflict_check_before"`
	PacksBefore         Duration   `json:"packs_before"`
	ReviewsDueBefore    Duration   `json:"reviews_due_before"`
	RevokeAfter         Duration   `json:"revoke_after"`
	Reminders           []Duration `json:"reminders"`
	ApprovalNudgeEvery  Duration   `json:"approval_nudge_every"`
}

// timing is the request as the workflow's timing; nil stays nil (all
// defaults), and so do absent reminders.
func (t *timingRequest) timing() *cycle.Timing {
	if t == nil {
		return nil
	}
	out := cycle.Timing{ConflictCheckBefore: time.Duration(t.ConflictCheckBefore), PacksBefore: time.Duration(t.PacksBefore),
		ReviewsDueBefore: time.Duration(t.ReviewsDueBefore), RevokeAfter: time.Duration(t.RevokeAfter), ApprovalNudgeEvery: time.Duration(t.ApprovalNudgeEvery)}
	if t.Reminders != nil {
		out.Reminders = make([]time.Duration, len(t.Reminders))
		for i, r := range t.Reminders {
			out.Reminders[i] = time.Duration(r)
		}
	}
	return &out
}

func (s *Server) startCycle(c *gin.Context) {
	var body startCycleBody
	if !decodeJSON(c, &body) {
		return
	}
	req := body.Request
	req.Timing = body.Timing.timing()
	started, p := s.beginCycle(c, req)
	if p != nil {
		writeProblem(c, *p)
		return
	}
	c.Header("Location", fmt.Sprintf("/api/v1/cycles/%d", started.CycleID))
	c.JSON(http.StatusCreated, started)
}

// beginCycle checks a request to start a cycle and starts it with
// update-with-start, returning as soon as the cycle is stored. Field
// problems come back in the Problem's Errors. The work is start.Cycle's,
// which a panel's recurring schedule calls too.
func (s *Server) beginCycle(c *gin.Context, req startCycleRequest) (cycle.CycleStatus, *Problem) {
	started, r := start.Cycle(c.Request.Context(), s.startDeps(), currentUser(c), req)
	if r == nil {
		return started, nil
	}
	p := refusalProblem(c, r)
	return started, &p
}

// startDeps are what start.Cycle needs, from the server's.
func (s *Server) startDeps() start.Deps {
	return start.Deps{Store: s.deps.Store, Temporal: s.deps.Temporal, TaskQueue: s.deps.Config.TaskQueue, UpdateID: updateID}
}

// refusalProblem is the problem that answers a refused start: 403 for a
// panel outside the user's scope, the logged, undetailed 500 for a failure
// on our side, and otherwise the refusal as it stands.
func refusalProblem(c *gin.Context, r *start.Refusal) Problem {
	switch {
	case errors.Is(r.Err, store.ErrOutOfScope):
		return forbiddenProblem
	case r.Err != nil:
		slog.Error("start cycle", "route", routeOf(c), "error", r.Err)
		return serverProblem
	}
	p := Problem{Status: r.Status, Title: r.Title, Detail: r.Detail, Existing: r.Existing}
	for _, f := range r.Fields {
		p.Errors = append(p.Errors, FieldError{Field: f.Field, Message: f.Message})
	}
	return p
}

func (s *Server) listCycles(c *gin.Context) {
	limit, offset, page := paging(c)
	items, total, err := s.deps.Store.CyclesIn(c.Request.Context(), userScope(c), limit, offset)
	if err != nil {
		internalError(c, err)
		return
	}
	pageOf(c, items, total, page, limit)
}

// loadCycle finds the cycle in the path for the API, writing the problem
// when it is missing or not the user's to act on.
func (s *Server) loadCycle(c *gin.Context) (domain.CycleRef, bool) {
	cr, p := s.findCycle(c)
	if p != nil {
		writeProblem(c, *p)
		return cr, false
	}
	return cr, true
}

// findCycle finds the cycle in the path within the user's scope.
func (s *Server) findCycle(c *gin.Context) (domain.CycleRef, *Problem) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return domain.CycleRef{}, &Problem{Status: http.StatusNotFound, Title: "Not found", Detail: "The cycle was not found"}
	}
	cr, err := s.deps.Store.CycleIn(c.Request.Context(), userScope(c), id)
	if err != nil {
		p := lookupProblem(c, err, "The cycle")
		return cr, &p
	}
	return cr, nil
}

func (s *Server) cycleStatus(c *gin.Context) {
	cr, ok := s.loadCycle(c)
	if !ok {
		return
	}
	st, err := s.statusOf(c.Request.Context(), cr)
	if err != nil {
		statusFailed(c, err)
		return
	}
	if err := s.recordRead(c, "cycle_viewed", "cycle", strconv.FormatInt(cr.ID, 10), nil); err != nil {
		internalError(c, err)
		return
	}
	c.JSON(http.StatusOK, st)
}

// cycleUpdate returns a handler that decodes a body of type T (unless the
// update takes none), sends it to the cycle's workflow as update name, and
// answers with the update's result.
func cycleUpdate[T any](s *Server, name string, prepare func(*gin.Context, *T)) gin.HandlerFunc {
	return func(c *gin.Context) {
		cr, ok := s.loadCycle(c)
		if !ok {
			return
		}
		var arg any
		if prepare != nil {
			// An empty body is the zero value: the workflow's validator then
			// says what is missing.
			var body T
			if c.Request.ContentLength != 0 && !decodeJSON(c, &body) {
				return
			}
			prepare(c, &body)
			arg = body
		}
		var result any
		if !s.sendUpdate(c, cr.WorkflowID, name, arg, &result) {
			return
		}
		// Answer with the cycle as it now stands, so every write returns
		// what was stored.
		st, err := s.statusOf(c.Request.Context(), cr)
		if err != nil {
			statusFailed(c, err)
			return
		}
		c.JSON(http.StatusOK, cycleUpdated{Result: result, Cycle: st})
	}
}

// noBody marks updates that take no arguments.
type noBody struct{}

func (s *Server) cycleFile(kind domain.FileKind) gin.HandlerFunc {
	return func(c *gin.Context) {
		cr, ok := s.loadCycle(c)
		if !ok {
			return
		}
		id, err := s.deps.Store.LatestCycleFile(c.Request.Context(), cr.ID, kind, 0)
		if errors.Is(err, store.ErrNotFound) {
			notFound(c, "The "+kind.Label()+" file")
			return
		}
		if err != nil {
			internalError(c, err)
			return
		}
		s.sendFile(c, id, currentUser(c).Email)
	}
}

// memberLeft marks a member as having left the panel (ending their access
// at once) and tells the panel's running cycles, which excuse their open
// reviews. The member must be on the cycle's panel.
func (s *Server) memberLeft(c *gin.Context) {
	cr, ok := s.loadCycle(c)
	if !ok {
		return
	}
	n, p := s.memberLeaves(c, cr, c.Param("member"))
	if p != nil {
		writeProblem(c, *p)
		return
	}
	memberID, _ := strconv.ParseInt(c.Param("member"), 10, 64)
	c.JSON(http.StatusOK, memberLeftAnswer{MemberID: memberID, Left: true, CyclesTold: n})
}

// memberLeaves makes the member named by param, who must be on the cycle's
// panel, leave it: their access ends and every running cycle is told. It
// returns how many cycles were told.
func (s *Server) memberLeaves(c *gin.Context, cr domain.CycleRef, param string) (int, *Problem) {
	memberID, err := strconv.ParseInt(param, 10, 64)
	notOnPanel := &Problem{Status: http.StatusNotFound, Title: "Not found", Detail: "That member of this panel was not found"}
	if err != nil {
		return 0, notOnPanel
	}
	panelID, err := s.deps.Store.MemberPanelIn(c.Request.Context(), userScope(c), memberID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && panelID != cr.PanelID) {
		return 0, notOnPanel
	}
	if err != nil {
		p := lookupProblem(c, err, "The member")
		return 0, &p
	}
	inactive := false
	res, p := s.changeMember(c.Request.Context(), memberID, domain.MemberChange{Active: &inactive}, currentUser(c).Email)
	return res.CyclesTold, p
}
