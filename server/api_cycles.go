package server

import (
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
)

// startCycleRequest is the body of POST /api/v1/cycles.
type startCycleRequest struct {
	PanelID            int64          `json:"panel_id"`
	WindowStart        string         `json:"window_start"`
	WindowEnd          string         `json:"window_end"`
	Theme              string         `json:"theme"`
	Quotas             map[string]int `json:"quotas"`
	TotalQuota         int            `json:"total_quota"`
	ReservesPerStratum *int           `json:"reserves_per_stratum"`
	WidenMonths        int            `json:"widen_months"`
	Meeting            cycle.Meeting  `json:"meeting"`
	Timing             *cycle.Timing  `json:"timing"`
	Seed               int64          `json:"seed"`
}

func (s *Server) startCycle(c *gin.Context) {
	var req startCycleRequest
	if !decodeJSON(c, &req) {
		return
	}
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
// problems come back in the Problem's Errors.
func (s *Server) beginCycle(c *gin.Context, req startCycleRequest) (cycle.CycleStatus, *Problem) {
	var started cycle.CycleStatus
	ctx := c.Request.Context()
	var fields []FieldError
	bad := func(field, msg string) { fields = append(fields, FieldError{Field: field, Message: msg}) }
	panel, err := s.deps.Store.PanelIn(ctx, userScope(c), req.PanelID)
	panelFound := err == nil
	switch {
	case errors.Is(err, store.ErrNotFound):
		bad("panel_id", "there is no panel with this ID")
	case err != nil:
		p := lookupProblem(c, err, "The panel")
		return started, &p
	case !panel.Active:
		bad("panel_id", "this panel is closed and starts no new cycles")
	}
	start, errStart := time.Parse(time.DateOnly, req.WindowStart)
	end, errEnd := time.Parse(time.DateOnly, req.WindowEnd)
	if errStart != nil {
		bad("window_start", "must be a date as YYYY-MM-DD")
	}
	if errEnd != nil {
		bad("window_end", "must be a date as YYYY-MM-DD")
	}
	if errStart == nil && errEnd == nil && end.Before(start) {
		bad("window_end", "must not be before window_start")
	}
	if len(req.Quotas) == 0 && req.TotalQuota <= 0 {
		bad("quotas", "give per-strand quotas, or a total_quota shared across the panel's strands")
	}
	for strand, n := range req.Quotas {
		if _, ok := domain.StrandByCode(strand); !ok {
			bad("quotas."+strand, "is not a known strand")
		} else if panelFound && !slices.Contains(panel.Strands, strand) {
			bad("quotas."+strand, "is not a strand this panel reviews")
		}
		if n < 0 || n > 20 {
			bad("quotas."+strand, "must be between 0 and 20")
		}
	}
	reserves := 1
	if req.ReservesPerStratum != nil {
		reserves = *req.ReservesPerStratum
		if reserves < 0 || reserves > 5 {
			bad("reserves_per_stratum", "must be between 0 and 5")
		}
	}
	if !req.Meeting.Start.After(time.Now()) {
		bad("meeting.start", "must be in the future")
	}
	if !req.Meeting.End.After(req.Meeting.Start) {
		bad("meeting.end", "must be after the start")
	}
	if strings.TrimSpace(req.Meeting.Location) == "" && strings.TrimSpace(req.Meeting.OnlineLink) == "" {
		bad("meeting.location", "give a place or an online link")
	}
	// The timing is resolved here, defaults included, and recorded in the
	// workflow's input, so a later change of defaults never alters a
	// running cycle.
	var timing cycle.Timing
	if req.Timing != nil {
		timing = *req.Timing
	}
	timing = timing.WithDefaults()
	problems := timing.Problems()
	for _, field := range slices.Sorted(maps.Keys(problems)) {
		bad("timing."+field, problems[field])
	}
	if len(fields) > 0 {
		return started, &Problem{Status: http.StatusBadRequest, Title: "The request is not valid", Detail: "Some fields need correcting.", Errors: fields}
	}
	// A live cycle for the same panel and window is refused by name.
	existing, err := s.deps.Store.LiveCycleFor(ctx, req.PanelID, start, end)
	if err == nil {
		return started, &Problem{Status: http.StatusConflict, Title: "This cycle already exists",
			Detail: fmt.Sprintf("Cycle %d already covers this panel and window.", existing), Existing: fmt.Sprintf("/api/v1/cycles/%d", existing)}
	}
	if !errors.Is(err, store.ErrNotFound) {
		slog.Error("start cycle", "error", err)
		p := serverProblem
		return started, &p
	}
	u := currentUser(c)
	in := cycle.CycleInput{PanelID: req.PanelID, WindowStart: start, WindowEnd: end, Theme: req.Theme, Quotas: req.Quotas,
		TotalQuota: req.TotalQuota, ReservesPerStratum: reserves, WidenMonths: req.WidenMonths, Meeting: req.Meeting,
		StartedBy: u.Name, CoordinatorName: u.Name, CoordinatorEmail: u.Email, Seed: req.Seed}
	in.Timing = timing
	cancelled, err := s.deps.Store.CancelledCycles(ctx, req.PanelID, start, end)
	if err != nil {
		slog.Error("start cycle", "error", err)
		p := serverProblem
		return started, &p
	}
	id := cycle.RestartedCycleWorkflowID(cycle.CycleWorkflowID(req.PanelID, start, end), cancelled)
	op := s.deps.Temporal.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
		ID: id, TaskQueue: s.deps.Config.TaskQueue, WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
	}, cycle.WorkflowName, in)
	h, err := s.deps.Temporal.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
		StartWorkflowOperation: op,
		UpdateOptions:          client.UpdateWorkflowOptions{UpdateName: cycle.UpdateStarted, WaitForStage: client.WorkflowUpdateStageCompleted},
	})
	if err == nil {
		err = h.Get(ctx, &started)
	}
	var already *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &already) {
		return started, &Problem{Status: http.StatusConflict, Title: "This cycle already exists",
			Detail: "A cycle for this panel and window was started before (workflow " + id + ").", Existing: id}
	}
	if err != nil {
		slog.Error("start cycle", "error", err)
		p := serverProblem
		return started, &p
	}
	return started, nil
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
		c.JSON(http.StatusOK, gin.H{"result": result, "cycle": st})
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
	c.JSON(http.StatusOK, gin.H{"member_id": memberID, "left": true, "cycles_told": n})
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
	res, p := s.changeMember(c.Request.Context(), memberID, domain.MemberChange{Active: &inactive}, currentUser(c).Name)
	return res.CyclesTold, p
}
