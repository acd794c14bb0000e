package server

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"

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
	var f store.ActionFilter
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
	num("area", func(n int64) { f.AreaID = int16(n) })
	num("panel", func(n int64) { f.PanelID = n })
	num("due_within", func(n int64) { f.DueWithin = int(n) })
	page, perPage := int64(1), int64(50)
	num("page", func(n int64) { page = max(n, 1) })
	num("per_page", func(n int64) { perPage = min(max(n, 1), 200) })
	f.Limit, f.Offset = int(perPage), int((page-1)*perPage)
	f.Owner = c.Query("owner")
	if st := c.Query("status"); st != "" {
		if !contains([]string{"open", "in_progress", "completed", "cancelled"}, st) {
			fields = append(fields, FieldError{Field: "status", Message: "must be open, in_progress, completed or cancelled"})
		}
		f.Status = st
	}
	f.Overdue = c.Query("overdue") == "true"
	u := currentUser(c)
	switch u.Role {
	case "manager":
		f.ScopeAreaID = u.AreaID
	case "coordinator", "chair":
		f.ScopePanelIDs = append([]int64{}, u.PanelIDs...)
	}
	return f, fields
}

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
	c.JSON(http.StatusOK, gin.H{"items": rows, "total": total, "counts": counts, "page": f.Offset/f.Limit + 1, "per_page": f.Limit})
}

// exportActions streams the filtered action log into a workbook.
func (s *Server) exportActions(c *gin.Context) {
	f, ok := actionFilter(c)
	if !ok {
		return
	}
	log, err := workbook.NewActionLog()
	if err != nil {
		internalError(c, err)
		return
	}
	if err := s.deps.Store.EachAction(c.Request.Context(), f, log.Add); err != nil {
		internalError(c, err)
		return
	}
	data, err := log.Close()
	if err != nil {
		internalError(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="action-log.xlsx"`)
	c.Data(http.StatusOK, workbook.ContentType, data)
}

// loadAction finds the action in the path for the API, writing the
// problem when it is missing or out of the user's scope.
func (s *Server) loadAction(c *gin.Context) (int64, string, bool) {
	id, status, p := s.findAction(c)
	if p != nil {
		writeProblem(c, *p)
		return 0, "", false
	}
	return id, status, true
}

// findAction finds the action in the path and checks the user's scope.
func (s *Server) findAction(c *gin.Context) (int64, string, *Problem) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	var sc scope
	var status string
	if err == nil {
		err = s.deps.Store.Pool.QueryRow(c.Request.Context(), `SELECT panel_id, area_id, status FROM actions WHERE id = $1`, id).Scan(&sc.PanelID, &sc.AreaID, &status)
	}
	if err != nil {
		return 0, "", &Problem{Status: http.StatusNotFound, Title: "Not found", Detail: "The action was not found"}
	}
	if !allowed(currentUser(c), sc, routeRoles(c)...) {
		return 0, "", &Problem{Status: http.StatusForbidden, Title: "Not allowed", Detail: "Your account cannot do this for this panel or Area."}
	}
	return id, status, nil
}

// actionDetail returns the action with its timeline.
func (s *Server) actionDetail(c *gin.Context) {
	id, _, ok := s.loadAction(c)
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
	var st action.ActionState
	var response, rationale *string
	err := s.deps.Store.Pool.QueryRow(ctx, `SELECT id, status, due_on, owner_name, owner_email, manager_name, manager_email, response, response_rationale
		FROM actions WHERE id = $1`, id).Scan(&st.ActionID, &st.Status, &st.Due, &st.OwnerName, &st.OwnerEmail, &st.ManagerName, &st.ManagerEmail, &response, &rationale)
	if err != nil {
		return st, err
	}
	if st.Status == "open" || st.Status == "in_progress" {
		if v, err := s.deps.Temporal.QueryWorkflow(ctx, action.WorkflowID(id), "", action.QueryActionState); err == nil {
			var live action.ActionState
			if v.Get(&live) == nil {
				st = live
			}
		}
	}
	if response != nil && st.Response == "" {
		st.Response = *response
	}
	if rationale != nil && st.ResponseRationale == "" {
		st.ResponseRationale = *rationale
	}
	st.Timeline, err = s.storedTimeline(c, id)
	return st, err
}

func (s *Server) storedTimeline(c *gin.Context, id int64) ([]action.ActionEvent, error) {
	rows, err := s.deps.Store.Pool.Query(c.Request.Context(), `SELECT at, actor, kind, coalesce(detail->>'text', '') FROM action_events WHERE action_id = $1 ORDER BY at, id`, id)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (action.ActionEvent, error) {
		var e action.ActionEvent
		return e, r.Scan(&e.At, &e.Actor, &e.Kind, &e.Detail)
	})
}

// actionUpdate sends one of the action workflow's updates, recording the
// signed-in user as the actor.
func (s *Server) actionUpdate(name string) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, _, ok := s.loadAction(c)
		if !ok {
			return
		}
		var u action.ActionUpdate
		if c.Request.ContentLength != 0 && !decodeJSON(c, &u) {
			return
		}
		u.Actor = currentUser(c).Name
		var st action.ActionState
		if s.sendUpdate(c, action.WorkflowID(id), name, u, &st) {
			c.JSON(http.StatusOK, st)
		}
	}
}
