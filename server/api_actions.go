package server

import (
	"log/slog"
	"net/http"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/lsip/scrutiny/action"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/workbook"
)

// actionFilter reads the list filters for the API, writing a problem and
// returning false on a bad value.
func actionFilter(c *gin.Context) (store.ActionFilter, bool) {
	f, fields := parseActionFilter(c)
	if len(fields) > 0 {
		badRequest(c, "Some filters are not valid.", fields...)
		return f, false
	}
	return f, true
}

// parseActionFilter reads the list filters from the query string and limits
// them to what the user may see.
func parseActionFilter(c *gin.Context) (store.ActionFilter, []FieldError) {
	f := store.ActionFilter{Scope: userScope(c)}
	var fields []FieldError
	num := func(name string, set func(int64)) {
		if v := c.Query(name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				fields = append(fields, FieldError{Field: name, Message: "must be a whole number"})
				return
			}
			set(n)
		}
	}
	if v := c.Query("area"); v != "" {
		var ok bool
		if f.AreaID, f.AreaCode, ok = areaParam(v); !ok {
			fields = append(fields, FieldError{Field: "area", Message: areaParamMustBe})
		}
	}
	num("panel", func(n int64) { f.PanelID = n })
	num("due_within", func(n int64) { f.DueWithin = int(n) })
	page, perPage := int64(1), int64(50)
	num("page", func(n int64) { page = max(n, 1) })
	num("per_page", func(n int64) { perPage = min(max(n, 1), 200) })
	f.Limit, f.Offset = int(perPage), int((page-1)*perPage)
	f.Owner = c.Query("owner")
	if st := domain.ActionStatus(c.Query("status")); st != "" {
		if !slices.Contains(actionStatuses, st) {
			fields = append(fields, FieldError{Field: "status", Message: "must be open, in_progress, completed or cancelled"})
		}
		f.Status = st
	}
	f.Overdue = c.Query("overdue") == "true"
	return f, fields
}

// actionStatuses are the statuses the action list filters by, in the
// order an action moves through them.
var actionStatuses = []domain.ActionStatus{domain.ActionOpen, domain.ActionInProgress, domain.ActionCompleted, domain.ActionCancelled}

func (s *Server) listActions(c *gin.Context) {
	f, ok := actionFilter(c)
	if !ok {
		return
	}
	rows, total, counts, err := s.deps.Store.ListActions(c.Request.Context(), f)
	if err != nil {
		internalError(c, err)
		return
	}
	if rows == nil {
		rows = []domain.ActionRow{}
	}
	c.JSON(http.StatusOK, actionPage{listPage: listPage[domain.ActionRow]{Items: rows, Total: total, Page: f.Offset/f.Limit + 1, PerPage: f.Limit}, Counts: counts})
}

// actionPage is a page of the action board with the number of actions of
// each status that match the other filters.
type actionPage struct {
	listPage[domain.ActionRow]
	Counts map[domain.ActionStatus]int `json:"counts"`
}

// exportActions streams the filtered action log as a workbook: the zip
// is written onto the response as PostgreSQL yields the rows, so the
// export's memory stays the same whatever its size. The export is audited
// once every row is written, before the workbook's last part: a download
// that completes was recorded.
//
// A failure before any byte has gone (the query refused at once) is
// answered with the problem as usual. After that the status has gone as
// 200 and a problem cannot follow: the failure (the database, the
// client's connection or the audit record failing midway) is logged, and
// the connection is cut without the response's end, so the client sees
// its download fail rather than keep a truncated workbook.
func (s *Server) exportActions(c *gin.Context) {
	f, ok := actionFilter(c)
	if !ok {
		return
	}
	c.Header("Content-Type", workbook.ContentType)
	c.Header("Content-Disposition", `attachment; filename="action-log.xlsx"`)
	log, err := workbook.NewActionLog(c.Writer)
	rows := 0
	if err == nil {
		err = s.deps.Store.EachAction(c.Request.Context(), f, func(a domain.ActionRow) error { rows++; return log.Add(a) })
	}
	if err == nil {
		err = s.recordRead(c, "actions_exported", "actions", "", map[string]any{"rows": rows})
	}
	if err == nil {
		err = log.Close()
	}
	if err != nil {
		abandonDownload(c, err)
	}
}

// abandonDownload ends a streamed download that failed: with the problem
// while nothing has been sent, else by logging the failure and panicking
// with http.ErrAbortHandler, on which net/http drops the connection
// without the response's end (gin will not hijack a connection once the
// body has begun, and recoverPanics lets this panic through).
func abandonDownload(c *gin.Context, err error) {
	if !c.Writer.Written() {
		c.Writer.Header().Del("Content-Disposition")
		c.Writer.Header().Del("Content-Type") // gin's Data keeps one already set
		internalError(c, err)
		return
	}
	slog.ErrorContext(c.Request.Context(), "download failed after it began: connection dropped", "route", routeOf(c), "error", err)
	panic(http.ErrAbortHandler)
}

// loadAction finds the action in the path for the API, writing the
// problem when it is missing or out of the user's scope.
func (s *Server) loadAction(c *gin.Context) (int64, bool) {
	id, p := s.findAction(c)
	if p != nil {
		writeProblem(c, *p)
		return 0, false
	}
	return id, true
}

// findAction finds the action in the path within the user's scope.
func (s *Server) findAction(c *gin.Context) (int64, *Problem) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return 0, &Problem{Status: http.StatusNotFound, Title: "Not found", Detail: "The action was not found"}
	}
	if _, err := s.deps.Store.ActionIn(c.Request.Context(), userScope(c), id); err != nil {
		p := lookupProblem(c, err, "The action")
		return 0, &p
	}
	return id, nil
}

// actionDetail returns the action with its timeline.
func (s *Server) actionDetail(c *gin.Context) {
	id, ok := s.loadAction(c)
	if !ok {
		return
	}
	st, err := s.actionState(c, id)
	if err != nil {
		internalError(c, err)
		return
	}
	c.JSON(http.StatusOK, st)
}

// actionState is the action as it stands: the workflow's view while it runs
// (with the complete stored timeline), PostgreSQL's after.
func (s *Server) actionState(c *gin.Context, id int64) (action.ActionState, error) {
	ctx := c.Request.Context()
	rec, err := s.deps.Store.ActionRecord(ctx, id)
	if err != nil {
		return action.ActionState{}, err
	}
	st := action.ActionState{ActionID: id, Status: rec.Status, Due: rec.Due, OwnerName: rec.OwnerName, OwnerEmail: rec.OwnerEmail,
		ManagerName: rec.ManagerName, ManagerEmail: rec.ManagerEmail}
	if slices.Contains(store.OutstandingActions, rec.Status) {
		qctx, cancel := s.temporalContext(ctx)
		v, err := s.deps.Temporal.QueryWorkflow(qctx, action.WorkflowID(id), "", action.QueryActionState)
		cancel()
		if err == nil {
			var live action.ActionState
			if v.Get(&live) == nil {
				st = live
			}
		}
	}
	if st.Response == "" {
		st.Response = rec.Response
	}
	if st.ResponseRationale == "" {
		st.ResponseRationale = rec.ResponseRationale
	}
	timeline, err := s.deps.Store.ActionTimeline(ctx, id)
	st.Timeline = make([]action.ActionEvent, len(timeline))
	for i, e := range timeline {
		st.Timeline[i] = action.ActionEvent{At: e.At, Actor: e.Actor, Kind: e.Kind, Detail: e.Detail}
	}
	return st, err
}

// actionUpdate sends one of the action workflow's updates, recording the
// signed-in user as the actor.
func (s *Server) actionUpdate(name string) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, ok := s.loadAction(c)
		if !ok {
			return
		}
		var u action.ActionUpdate
		if c.Request.ContentLength != 0 && !decodeJSON(c, &u) {
			return
		}
		u.Actor = currentUser(c).Email
		var st action.ActionState
		if s.sendUpdate(c, action.WorkflowID(id), name, u, &st) {
			c.JSON(http.StatusOK, st)
		}
	}
}
