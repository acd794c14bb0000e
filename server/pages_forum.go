package server

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
)

// A forum's meeting page: a forum reviews no cases, so in place of the
// meeting's list of cases its page shows the agenda, lets the coordinator
// change it before the meeting, and takes the notes of each item's
// discussion at the meeting. Both are the forum's cycle updates, which
// refuse what the stage cannot take.

// forumPageRoutes are the forum meeting page's forms.
func (s *Server) forumPageRoutes(staff *gin.RouterGroup) {
	staff.POST("/cycles/:id/agenda", requireRole(meetingRoles), s.forumAgendaSubmit)
	staff.POST("/cycles/:id/agenda/:item", requireRole(meetingRoles), s.forumNotesSubmit)
}

// forumMeetingView is a forum's meeting page.
type forumMeetingView struct {
	CycleID int64
	Stage   domain.Stage
	Agenda  []store.AgendaItem
	// AgendaText is the agenda as the change form shows it, a line an item.
	AgendaText string
}

// CanEditAgenda reports whether the agenda may still change: before the
// meeting, as the workflow's validator allows.
func (v forumMeetingView) CanEditAgenda() bool {
	return v.Stage == domain.StageSelecting || v.Stage == domain.StageCoordinatorCheck
}

// CanRecord reports whether the notes of an item are taken now: at the
// meeting and until the minutes are approved.
func (v forumMeetingView) CanRecord() bool {
	return v.Stage == domain.StageMeeting || v.Stage == domain.StageMinutes
}

// forumMeetingPage renders the meeting page of a forum's cycle and reports
// true, or reports false for a panel's cycle, whose page lists its cases.
func (s *Server) forumMeetingPage(c *gin.Context, cr domain.CycleRef, status int, errs []FieldError) bool {
	cy, err := s.deps.Store.Cycle(c.Request.Context(), cr.ID)
	if err != nil {
		s.pageError(c, err)
		return true
	}
	if cy.PanelKind != domain.PanelForum {
		return false
	}
	agenda, err := s.deps.Store.Agenda(c.Request.Context(), cr.ID)
	if err != nil {
		s.pageError(c, err)
		return true
	}
	v := forumMeetingView{CycleID: cr.ID, Stage: cr.Stage, Agenda: agenda, AgendaText: c.PostForm("agenda")}
	if v.AgendaText == "" {
		v.AgendaText = agendaText(agenda)
	}
	render(c, status, "forum_meeting.html", s.staffPage(c, page{Title: fmt.Sprintf("Meeting of cycle %d", cr.ID), Page: v,
		Errors: errs, FieldErrors: fieldMap(errs), Flash: c.Query("done")}))
	return true
}

// agendaText writes an agenda a line an item: "Title | Lead | Minutes".
func agendaText(items []store.AgendaItem) string {
	var b strings.Builder
	for _, it := range items {
		line := []string{it.Title, it.Lead, ""}
		if it.Minutes > 0 {
			line[2] = strconv.Itoa(it.Minutes)
		}
		b.WriteString(strings.TrimRight(strings.Join(line, " | "), " |") + "\n")
	}
	return b.String()
}

// agendaFromText reads the change form's agenda, a line an item, "Title |
// Lead | Minutes" with the lead and minutes optional; a problem names the
// line.
func agendaFromText(text string) ([]cycle.AgendaItem, []FieldError) {
	var items []cycle.AgendaItem
	var errs []FieldError
	n := 0
	for line := range strings.Lines(text) {
		n++
		if strings.TrimSpace(line) == "" {
			continue
		}
		parts := strings.Split(line, "|")
		it := cycle.AgendaItem{Title: strings.TrimSpace(parts[0])}
		if len(parts) > 1 {
			it.Lead = strings.TrimSpace(parts[1])
		}
		if len(parts) > 2 && strings.TrimSpace(parts[2]) != "" {
			m, err := strconv.Atoi(strings.TrimSpace(parts[2]))
			if err != nil {
				errs = append(errs, FieldError{Field: "agenda", Message: fmt.Sprintf("Line %d: the minutes must be a whole number", n)})
				continue
			}
			it.Minutes = m
		}
		items = append(items, it)
	}
	problems := cycle.AgendaProblems(items)
	for _, field := range slices.Sorted(maps.Keys(problems)) {
		errs = append(errs, FieldError{Field: "agenda", Message: agendaProblem(field, problems[field])})
	}
	return items, errs
}

// agendaProblem words one of cycle.AgendaProblems for a page: "Agenda item
// 2: give the item a title", or "The agenda has 31 items; at most 30".
func agendaProblem(field, problem string) string {
	m := startFieldPattern.FindStringSubmatch(field)
	if m == nil || m[2] == "" {
		return "The agenda " + problem
	}
	i, _ := strconv.Atoi(m[2])
	return fmt.Sprintf("Agenda item %d: %s", i+1, problem)
}

// forumAgendaSubmit changes a forum's agenda before its meeting.
func (s *Server) forumAgendaSubmit(c *gin.Context) {
	cr, p := s.findCycle(c)
	if p != nil {
		errorPage(c, *p, "/cycles", "Back to cycles")
		return
	}
	items, errs := agendaFromText(c.PostForm("agenda"))
	if len(errs) == 0 {
		if p := s.runUpdate(c.Request.Context(), cr.WorkflowID, cycle.UpdateSetAgenda, cycle.SetAgendaRequest{Items: items, By: currentUser(c).Email}, nil); p != nil {
			errs = []FieldError{{Field: "agenda", Message: p.Detail}}
		}
	}
	if len(errs) > 0 {
		s.forumMeetingPage(c, cr, http.StatusUnprocessableEntity, errs)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/cycles/%d/meeting?done=%s", cr.ID, url.QueryEscape("The agenda is changed.")))
}

// forumNotesSubmit records the discussion of one agenda item.
func (s *Server) forumNotesSubmit(c *gin.Context) {
	cr, p := s.findCycle(c)
	if p != nil {
		errorPage(c, *p, "/cycles", "Back to cycles")
		return
	}
	item, err := strconv.Atoi(c.Param("item"))
	field := "notes-" + c.Param("item")
	var errs []FieldError
	switch {
	case err != nil || item < 1:
		errs = []FieldError{{Field: "main", Message: "There is no such agenda item"}}
	case strings.TrimSpace(c.PostForm("notes")) == "":
		errs = []FieldError{{Field: field, Message: "Write the notes of the discussion"}}
	default:
		if p := s.runUpdate(c.Request.Context(), cr.WorkflowID, cycle.UpdateAgendaNotes,
			cycle.AgendaNotes{Item: item, Notes: c.PostForm("notes"), By: currentUser(c).Email}, nil); p != nil {
			errs = []FieldError{{Field: field, Message: p.Detail}}
		}
	}
	if len(errs) > 0 {
		s.forumMeetingPage(c, cr, http.StatusUnprocessableEntity, errs)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/cycles/%d/meeting?done=%s#item-%d", cr.ID, url.QueryEscape(fmt.Sprintf("The notes of item %d are recorded.", item)), item))
}
