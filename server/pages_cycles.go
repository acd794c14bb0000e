package server

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // UK time without the system zone database

	"github.com/gin-gonic/gin"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/reviewform"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/uktime"
)

func (s *Server) cyclePageRoutes(staff *gin.RouterGroup) {
	staff.GET("/cycles/new", requireRole(coordinatorOnly), s.newCyclePage)
	staff.POST("/cycles/new", requireRole(coordinatorOnly), s.newCycleSubmit)
	staff.GET("/cycles/:id", requireRole(staffRoles), s.cyclePage)
	staff.GET("/cycles/:id/minutes.xlsx", requireRole(staffRoles), s.cycleFile(domain.FileMinutes))
	staff.POST("/cycles/:id/approve", requireRole(coordinatorOnly), s.cyclePost(cycle.UpdateApproveSelection, "The selection is approved.", func(c *gin.Context) (any, string) {
		return cycle.ApproveSelectionRequest{By: currentUser(c).Email}, ""
	}))
	staff.POST("/cycles/:id/replace", requireRole(coordinatorOnly), s.cyclePost(cycle.UpdateReplaceCase, "The case is withdrawn.", func(c *gin.Context) (any, string) {
		id, err := strconv.ParseInt(c.PostForm("case_id"), 10, 64)
		if err != nil {
			return nil, "Choose a case to withdraw."
		}
		return cycle.ReplaceRequest{CaseID: id, Reason: c.PostForm("reason"), Redraw: c.PostForm("redraw") == "true", By: currentUser(c).Email}, ""
	}))
	staff.POST("/cycles/:id/attendance", requireRole(meetingRoles), s.cyclePost(cycle.UpdateRecordAttendance, "Attendance is recorded.", func(c *gin.Context) (any, string) {
		at := cycle.Attendance{Status: map[int64]string{}, By: currentUser(c).Email}
		c.Request.ParseForm()
		for key, vals := range c.Request.PostForm {
			if id, err := strconv.ParseInt(strings.TrimPrefix(key, "m"), 10, 64); err == nil && strings.HasPrefix(key, "m") && len(vals) > 0 {
				at.Status[id] = vals[0]
			}
		}
		if len(at.Status) == 0 {
			return nil, "Mark at least one member present, with apologies or absent."
		}
		return at, ""
	}))
	staff.GET("/cycles/:id/packs/:file", requireRole(meetingRoles), s.coordinatorPack)
	staff.POST("/cycles/:id/findings", requireRole(meetingRoles), s.cyclePost(cycle.UpdateRecordFinding, "The finding is recorded.", func(c *gin.Context) (any, string) { return readFinding(c) }))
	staff.POST("/cycles/:id/learning-points", requireRole(meetingRoles), s.cyclePost(cycle.UpdateAddLearningPoint, "The learning point is added.", func(c *gin.Context) (any, string) {
		return cycle.LearningPoint{Text: strings.TrimSpace(c.PostForm("text")), Tag: c.PostForm("tag"), By: currentUser(c).Email}, ""
	}))
	staff.POST("/cycles/:id/actions", requireRole(meetingRoles), s.cyclePost(cycle.UpdateAddAction, "The action is added and its tracking has started.", func(c *gin.Context) (any, string) {
		due, err := time.Parse(time.DateOnly, c.PostForm("due"))
		if err != nil {
			return nil, "Give the due date as YYYY-MM-DD."
		}
		return cycle.AgreedAction{Description: strings.TrimSpace(c.PostForm("description")), OwnerName: c.PostForm("owner_name"), OwnerEmail: c.PostForm("owner_email"),
			ManagerName: c.PostForm("manager_name"), ManagerEmail: c.PostForm("manager_email"), Due: due, OwnerLanguage: c.PostForm("owner_language"), By: currentUser(c).Email}, ""
	}))
	staff.POST("/cycles/:id/close-meeting", requireRole(meetingRoles), s.cyclePost(cycle.UpdateCloseMeeting, "The draft minutes are ready for the chair.", func(*gin.Context) (any, string) { return nil, "" }))
	staff.POST("/cycles/:id/approve-minutes", requireRole(chairOnly), s.cyclePost(cycle.UpdateApproveMinutes, "The minutes are issued and on their way to the members.", func(c *gin.Context) (any, string) {
		return cycle.ApproveMinutesRequest{ApprovedBy: currentUser(c).Email}, ""
	}))
}

// coordinatorPack downloads a member's pack as it was sent, for the
// coordinator; the download is audited like every other.
func (s *Server) coordinatorPack(c *gin.Context) {
	cr, p := s.findCycle(c)
	if p != nil {
		errorPage(c, *p, "/cycles", "Back to cycles")
		return
	}
	noPack := func() {
		errorPage(c, Problem{Status: http.StatusNotFound, Title: "No pack", Detail: "That member has no pack in this cycle."}, fmt.Sprintf("/cycles/%d", cr.ID), "Back to the cycle")
	}
	memberID, err := strconv.ParseInt(strings.TrimSuffix(c.Param("file"), ".xlsx"), 10, 64)
	if err != nil {
		noPack()
		return
	}
	fileID, err := s.deps.Store.LatestCycleFile(c.Request.Context(), cr.ID, domain.FilePack, memberID)
	if errors.Is(err, store.ErrNotFound) {
		noPack()
		return
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	s.sendFile(c, fileID, currentUser(c).Email)
}

// newCycleForm is what the start-a-cycle form shows and re-shows.
type newCycleForm struct {
	Panels                                  []domain.Panel
	PanelID, WindowStart, WindowEnd, Quotas string
	Theme, MeetingStart, Hours, Location    string
	OnlineLink                              string
	startKindFields
}

// panelsFor is every panel the user may start a cycle for: the open ones.
func (s *Server) panelsFor(c *gin.Context) ([]domain.Panel, error) {
	return s.deps.Store.OpenPanelsIn(c.Request.Context(), userScope(c))
}

func (s *Server) newCyclePage(c *gin.Context) {
	panels, err := s.panelsFor(c)
	if err != nil {
		s.pageError(c, err)
		return
	}
	f := newCycleForm{Panels: panels, Hours: "2", PanelID: c.Query("panel_id")}
	f.choose(panels, f.PanelID)
	render(c, http.StatusOK, "cycle_new.html", s.staffPage(c, page{Title: "Start a review cycle", Page: f}))
}

// newCycleSubmit reads the form, starts the cycle as the API does, and
// shows the cycle, or the form again with every problem beside its field.
func (s *Server) newCycleSubmit(c *gin.Context) {
	f := newCycleForm{PanelID: c.PostForm("panel_id"), WindowStart: c.PostForm("window_start"), WindowEnd: c.PostForm("window_end"),
		Quotas: c.PostForm("quotas"), Theme: c.PostForm("theme"), MeetingStart: c.PostForm("meeting_start"), Hours: c.PostForm("hours"),
		Location: c.PostForm("location"), OnlineLink: c.PostForm("online_link"), startKindFields: readStartKindFields(c)}
	panels, err := s.panelsFor(c)
	if err != nil {
		s.pageError(c, err)
		return
	}
	f.Panels = panels
	f.choose(panels, f.PanelID)
	req := startCycleRequest{WindowStart: f.WindowStart, WindowEnd: f.WindowEnd, Theme: f.Theme, Quotas: map[string]int{},
		Meeting: cycle.Meeting{Location: f.Location, OnlineLink: f.OnlineLink}}
	errs := f.apply(&req)
	// A missing or mistyped panel is ID 0, which beginCycle reports
	// against the panel field.
	req.PanelID, _ = strconv.ParseInt(f.PanelID, 10, 64)
	for _, part := range strings.Split(f.Quotas, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if strings.TrimSpace(part) == "" {
			continue
		}
		if !ok || err != nil {
			errs = append(errs, FieldError{Field: "quotas", Message: fmt.Sprintf("%q should look like race=2", strings.TrimSpace(part))})
			continue
		}
		req.Quotas[strings.TrimSpace(k)] = n
	}
	start, err := time.ParseInLocation("2006-01-02 15:04", strings.TrimSpace(f.MeetingStart), uktime.London)
	if err != nil {
		errs = append(errs, FieldError{Field: "meeting.start", Message: "Give the meeting's date and time as YYYY-MM-DD HH:MM"})
	}
	hours, err := strconv.ParseFloat(f.Hours, 64)
	if err != nil || hours <= 0 {
		hours = 2
	}
	req.Meeting.Start, req.Meeting.End = start, start.Add(time.Duration(hours*float64(time.Hour)))
	var started cycle.CycleStatus
	if len(errs) == 0 {
		var p *Problem
		started, p = s.beginCycle(c, req)
		if p != nil {
			errs = onStartForm(p.Errors, req)
			if len(errs) == 0 {
				errs = []FieldError{{Field: "main", Message: p.Detail}}
			}
		}
	}
	if len(errs) > 0 {
		fe := map[string]string{}
		for _, e := range errs {
			fe[e.Field] = e.Message
			if strings.HasPrefix(e.Field, "quotas.") {
				fe["quotas"] = e.Field[7:] + " " + e.Message
			}
		}
		render(c, http.StatusUnprocessableEntity, "cycle_new.html", s.staffPage(c, page{Title: "Start a review cycle", Page: f, Errors: errs, FieldErrors: fe}))
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/cycles/%d?done=%s", started.CycleID, url.QueryEscape("The cycle has started and the cases are drawn. Check the selection below.")))
}

func (s *Server) cyclePage(c *gin.Context) {
	cr, p := s.findCycle(c)
	if p != nil {
		errorPage(c, *p, "/cycles", "Back to cycles")
		return
	}
	if err := s.recordRead(c, "cycle_viewed", "cycle", strconv.FormatInt(cr.ID, 10), nil); err != nil {
		s.pageError(c, err)
		return
	}
	s.renderCycle(c, cr, http.StatusOK, nil)
}

func (s *Server) renderCycle(c *gin.Context, cr domain.CycleRef, status int, errs []FieldError) {
	st, err := s.statusOf(c.Request.Context(), cr)
	var noAnswer *errNoAnswer
	if errors.As(err, &noAnswer) {
		slog.Error("cycle page", "error", err)
		errorPage(c, noAnswerProblem(noAnswer), "/cycles", "Back to cycles")
		return
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	rsvps, err := s.deps.Store.MeetingResponses(c.Request.Context(), cr.ID)
	if err != nil {
		s.pageError(c, err)
		return
	}
	p, err := s.withAgreements(c, cr.PanelID, page{Title: fmt.Sprintf("Cycle %d", cr.ID), Page: cycleView{CycleStatus: st, RSVPs: rsvps},
		Form: reviewform.Default(), Errors: errs, Flash: c.Query("done")})
	if err != nil {
		s.pageError(c, err)
		return
	}
	render(c, status, "cycle.html", s.staffPage(c, p))
}

// cyclePost sends one cycle update from a page form: the form reader turns
// the fields into the update's argument (or says what is missing); a
// refusal is shown with the workflow's reason.
func (s *Server) cyclePost(name, done string, read func(*gin.Context) (any, string)) gin.HandlerFunc {
	return func(c *gin.Context) {
		cr, p := s.findCycle(c)
		if p != nil {
			errorPage(c, *p, "/cycles", "Back to cycles")
			return
		}
		arg, missing := read(c)
		if missing != "" {
			s.renderCycle(c, cr, http.StatusUnprocessableEntity, []FieldError{{Field: "main", Message: missing}})
			return
		}
		var result any
		if p := s.runUpdate(c.Request.Context(), cr.WorkflowID, name, arg, &result); p != nil {
			s.renderCycle(c, cr, p.Status, []FieldError{{Field: "main", Message: p.Detail}})
			return
		}
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/cycles/%d?done=%s", cr.ID, url.QueryEscape(done)))
	}
}
