package server

import (
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/lsip/scrutiny/action"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/uktime"
)

const sessionCookie = "scrutiny_session"

// sessionTTL is how long a page session lasts without signing in again.
const sessionTTL = 8 * time.Hour

func (s *Server) staffPageRoutes() {
	s.engine.GET("/", func(c *gin.Context) { c.Redirect(http.StatusSeeOther, "/actions") })
	s.engine.GET("/login", s.loginPage)
	s.engine.POST("/login", s.login)
	staff := s.engine.Group("", s.requireSession)
	staff.POST("/logout", s.logout)
	staff.GET("/actions", requireRole(staffRoles), s.actionsPage)
	staff.GET("/actions/export.xlsx", requireRole(staffRoles), s.exportActions)
	staff.GET("/actions/:id", requireRole(staffRoles), s.actionPage)
	staff.POST("/actions/:id/complete", requireRole(actionOwners), s.actionPost(action.UpdateCompleteAction, "The action is completed."))
	staff.POST("/actions/:id/notes", requireRole(actionOwners), s.actionPost(action.UpdateProgressNote, "Your note is added."))
	staff.POST("/actions/:id/respond", requireRole(managerOnly), s.actionPost(action.UpdateRespond, "The response is recorded."))
	staff.POST("/actions/:id/extension", requireRole(actionOwners), s.actionPost(action.UpdateRequestExtension, "The extension request is waiting for the manager."))
	staff.POST("/actions/:id/extension/decision", requireRole(managerOnly), s.actionPost(action.UpdateDecideExtension, "The decision is recorded."))
	staff.POST("/actions/:id/reassign", requireRole(managerOnly), s.actionPost(action.UpdateReassignOwner, "The action has a new owner."))
	staff.POST("/actions/:id/cancel", requireRole(managerOnly), s.actionPost(action.UpdateCancelAction, "The action is cancelled."))
	staff.GET("/cycles", requireRole(staffRoles), s.cyclesPage)
	s.cyclePageRoutes(staff)
}

// requireSession finds the signed-in user from the session cookie, and on
// every POST checks the form's CSRF token against the session's. A session
// that must first enrol a second factor reaches only the enrolment page
// and sign-out.
func (s *Server) requireSession(c *gin.Context) {
	cookie, err := c.Cookie(sessionCookie)
	var ses store.Session
	if err == nil {
		ses, err = s.deps.Store.SessionByCookie(c.Request.Context(), cookie)
	}
	if err != nil {
		c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request.URL.RequestURI()))
		c.Abort()
		return
	}
	if c.Request.Method == http.MethodPost && c.PostForm("csrf") != ses.CSRF {
		errorPage(c, Problem{Status: http.StatusForbidden, Title: "Please try again", Detail: "The form had expired. Go back, reload the page and send it again."}, "/actions", "Back to actions")
		c.Abort()
		return
	}
	if ses.MustEnrol && c.FullPath() != twoFactorPath && c.FullPath() != "/logout" {
		c.Redirect(http.StatusSeeOther, twoFactorPath)
		c.Abort()
		return
	}
	c.Set(userKey, ses.User)
	c.Set("csrf", ses.CSRF)
	c.Set(sessionKey, ses.ID)
	c.Next()
}

func (s *Server) staffPage(c *gin.Context, p page) page {
	u := currentUser(c)
	p.User = &u
	p.CSRF = c.GetString("csrf")
	return p
}

func (s *Server) logout(c *gin.Context) {
	if cookie, err := c.Cookie(sessionCookie); err == nil {
		// The cookie is cleared whatever happens; a session left behind
		// still expires on its own.
		if err := s.deps.Store.Logout(c.Request.Context(), cookie); err != nil {
			slog.Error("log out", "error", err)
		}
	}
	s.clearSession(c)
	c.Redirect(http.StatusSeeOther, "/login")
}

// board is the action board page's data.
type board struct {
	Items            []boardRow
	Total            int
	Counts           map[domain.ActionStatus]int
	Statuses         []domain.ActionStatus
	Status           domain.ActionStatus
	Owner, DueWithin string
	Overdue          bool
	// ExportLink and NextLink are whole addresses, built here: in a
	// template, a query string after "?" would have its = and & escaped.
	ExportLink, NextLink string
}

func (s *Server) actionsPage(c *gin.Context) {
	f, ok := s.pageFilter(c)
	if !ok {
		return
	}
	rows, total, counts, err := s.deps.Store.ListActions(c.Request.Context(), f)
	if err != nil {
		s.pageError(c, err)
		return
	}
	q := c.Request.URL.Query()
	q.Del("page")
	b := board{Items: boardRows(rows), Total: total, Counts: counts, Statuses: actionStatuses,
		Status: f.Status, Owner: f.Owner, Overdue: f.Overdue, ExportLink: "/actions/export.xlsx?" + q.Encode()}
	if f.DueWithin > 0 {
		b.DueWithin = strconv.Itoa(f.DueWithin)
	}
	if f.Offset+len(rows) < total {
		q.Set("page", strconv.Itoa(f.Offset/f.Limit+2))
		b.NextLink = "/actions?" + q.Encode()
	}
	render(c, http.StatusOK, "actions.html", s.staffPage(c, page{Title: "Actions", Page: b, Flash: c.Query("done")}))
}

// boardRow is one action as the board lists it, each value formatted
// here rather than by a function the template calls: the rows are most
// of the page's work, and a template's every function call goes through
// reflection.
type boardRow struct {
	ID      string // the action's ID, for its address
	Title   string // "A-123: " and the description
	Panel   string
	Owner   string
	Due     string // the UK date: "12 January 2027"
	Status  string // the status in words, standing alone: "In progress"
	Overdue bool
}

// boardRows formats the actions for the board.
func boardRows(rows []domain.ActionRow) []boardRow {
	out := make([]boardRow, len(rows))
	for i, a := range rows {
		id := strconv.FormatInt(a.ID, 10)
		out[i] = boardRow{ID: id, Title: "A-" + id + ": " + a.Description, Panel: a.Panel, Owner: a.OwnerName,
			Due: uktime.Date(a.Due), Status: sentence(a.Status.Label()), Overdue: a.Overdue}
	}
	return out
}

// pageFilter reads the board's filters; a bad one is explained on an
// error page.
func (s *Server) pageFilter(c *gin.Context) (store.ActionFilter, bool) {
	f, fields := parseActionFilter(c)
	if len(fields) > 0 {
		errorPage(c, Problem{Status: http.StatusBadRequest, Title: "Those filters are not valid", Detail: "Check the status and the number of days, then try again."}, "/actions", "Clear the filters")
		return f, false
	}
	return f, true
}

func (s *Server) actionPage(c *gin.Context) {
	s.renderAction(c, http.StatusOK, nil)
}

func (s *Server) renderAction(c *gin.Context, status int, errs []FieldError) {
	id, ok := s.loadActionPage(c)
	if !ok {
		return
	}
	st, err := s.actionState(c, id)
	if err != nil {
		s.pageError(c, err)
		return
	}
	fe := map[string]string{}
	for _, e := range errs {
		fe[e.Field] = e.Message
	}
	render(c, status, "action.html", s.staffPage(c, page{Title: "Action A-" + strconv.FormatInt(id, 10), Page: st, Errors: errs, FieldErrors: fe, Flash: c.Query("done")}))
}

func (s *Server) loadActionPage(c *gin.Context) (int64, bool) {
	id, p := s.findAction(c)
	if p != nil {
		errorPage(c, Problem{Status: http.StatusNotFound, Title: "Action not found", Detail: "There is no such action, or it is not one you can see."}, "/actions", "Back to actions")
		return 0, false
	}
	return id, true
}

// actionPost sends an action update from a page form, then shows the
// action again with a confirmation, or with the reason it was refused.
func (s *Server) actionPost(name, done string) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, ok := s.loadActionPage(c)
		if !ok {
			return
		}
		u := action.ActionUpdate{Actor: currentUser(c).Email, Note: strings.TrimSpace(c.PostForm("note")), Evidence: strings.TrimSpace(c.PostForm("evidence")),
			Response: c.PostForm("response"), Rationale: strings.TrimSpace(c.PostForm("rationale")), Name: strings.TrimSpace(c.PostForm("name")),
			Email: strings.TrimSpace(c.PostForm("email")), Approve: c.PostForm("approve") == "true", Language: c.PostForm("language")}
		if d := strings.TrimSpace(c.PostForm("due")); d != "" {
			due, err := time.Parse(time.DateOnly, d)
			if err != nil {
				s.renderAction(c, http.StatusUnprocessableEntity, []FieldError{{Field: "due", Message: "Give the new due date as YYYY-MM-DD"}})
				return
			}
			u.Due = due
		}
		var st action.ActionState
		if p := s.runUpdate(c.Request.Context(), action.WorkflowID(id), name, u, &st); p != nil {
			s.renderAction(c, p.Status, []FieldError{{Field: "note", Message: p.Detail}})
			return
		}
		c.Redirect(http.StatusSeeOther, "/actions/"+strconv.FormatInt(id, 10)+"?done="+url.QueryEscape(done))
	}
}

func (s *Server) cyclesPage(c *gin.Context) {
	limit, offset, _ := paging(c)
	items, _, err := s.deps.Store.CyclesIn(c.Request.Context(), userScope(c), limit, offset)
	if err != nil {
		s.pageError(c, err)
		return
	}
	render(c, http.StatusOK, "cycles.html", s.staffPage(c, page{Title: "Review cycles", Page: items}))
}
