package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/reviewform"
)

// meetingPageRoutes are the meeting's pages for the cycle panel's
// coordinator and chair: the approved cases with how many reviews each
// has, and per case what the members submitted, added up, with the
// panel's finding recorded beside it.
func (s *Server) meetingPageRoutes() {
	staff := s.engine.Group("", s.requireSession)
	staff.GET("/cycles/:id/meeting", requireRole(meetingRoles), s.meetingIndexPage)
	staff.GET("/cycles/:id/meeting/:case", requireRole(meetingRoles), s.meetingCasePage)
	staff.POST("/cycles/:id/meeting/:case", requireRole(meetingRoles), s.meetingFindingSubmit)
	s.forumPageRoutes(staff)
}

// meetingIndex is the meeting's list of cases.
type meetingIndex struct {
	CycleID int64
	Stage   domain.Stage
	Cases   []meetingIndexRow
}

// meetingIndexRow is one case on the list, with its finding in words.
type meetingIndexRow struct {
	domain.MeetingCase
	FindingLabel string
}

// meetingCaseView is one case's page: the reviews added up, and the
// finding form as typed.
type meetingCaseView struct {
	reviewsSummary
	Stage     domain.Stage
	Category  string
	Rationale string
}

// CanRecord reports whether the workflow takes a finding now: at the
// meeting and until the minutes are approved.
func (v meetingCaseView) CanRecord() bool {
	return v.Stage == domain.StageMeeting || v.Stage == domain.StageMinutes
}

func (s *Server) meetingIndexPage(c *gin.Context) {
	cr, p := s.findCycle(c)
	if p != nil {
		errorPage(c, *p, "/cycles", "Back to cycles")
		return
	}
	if s.forumMeetingPage(c, cr, http.StatusOK, nil) { // pages_forum.go: a forum has an agenda, not cases
		return
	}
	cases, err := s.deps.Store.MeetingCases(c.Request.Context(), cr.ID)
	if err != nil {
		s.pageError(c, err)
		return
	}
	form := reviewform.Default()
	v := meetingIndex{CycleID: cr.ID, Stage: cr.Stage}
	for _, mc := range cases {
		row := meetingIndexRow{MeetingCase: mc}
		if cat, ok := form.Category(mc.Finding); ok {
			row.FindingLabel = cat.Label
		}
		v.Cases = append(v.Cases, row)
	}
	render(c, http.StatusOK, "meeting.html", s.staffPage(c, page{Title: fmt.Sprintf("Meeting of cycle %d", cr.ID), Page: v}))
}

func (s *Server) meetingCasePage(c *gin.Context) {
	s.renderMeetingCase(c, http.StatusOK, nil, "", "")
}

// renderMeetingCase shows one case's page, with the finding form as typed
// and errs beside it; an existing finding fills the form otherwise.
func (s *Server) renderMeetingCase(c *gin.Context, status int, errs []FieldError, category, rationale string) {
	cr, sum, p := s.meetingReviews(c)
	if p != nil {
		errorPage(c, *p, fmt.Sprintf("/cycles/%s/meeting", c.Param("id")), "Back to the meeting's cases")
		return
	}
	v := meetingCaseView{reviewsSummary: sum, Stage: cr.Stage, Category: category, Rationale: rationale}
	if errs == nil && sum.Finding != nil {
		v.Category, v.Rationale = sum.Finding.Category, sum.Finding.Rationale
	}
	fe := map[string]string{}
	for _, e := range errs {
		fe[e.Field] = e.Message
	}
	render(c, status, "meeting_case.html", s.staffPage(c, page{Title: "Case " + sum.Reference + " at the meeting", Page: v,
		Form: reviewform.Default(), Errors: errs, FieldErrors: fe, Flash: c.Query("done")}))
}

// meetingFindingSubmit records the panel's finding on the case through the
// same workflow update as the cycle page and the API, and comes back to
// the case, or shows the page again with the reason it was refused.
func (s *Server) meetingFindingSubmit(c *gin.Context) {
	cr, p := s.findCycle(c)
	if p != nil {
		errorPage(c, *p, "/cycles", "Back to cycles")
		return
	}
	category, rationale := c.PostForm("category"), c.PostForm("rationale")
	f, missing := readFinding(c)
	if missing == "" && strconv.FormatInt(f.CaseID, 10) != c.Param("case") {
		missing = "This form belongs to another case. Open the case again and record its finding there."
	}
	if missing != "" {
		s.renderMeetingCase(c, http.StatusUnprocessableEntity, []FieldError{{Field: "category", Message: missing}}, category, rationale)
		return
	}
	var result any
	if p := s.runUpdate(c.Request.Context(), cr.WorkflowID, cycle.UpdateRecordFinding, f, &result); p != nil {
		s.renderMeetingCase(c, p.Status, []FieldError{{Field: "category", Message: p.Detail}}, category, rationale)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/cycles/%d/meeting/%d?done=%s", cr.ID, f.CaseID, url.QueryEscape("The panel's finding is recorded.")))
}

// readFinding reads a finding form (case_id, category, rationale), for
// the cycle page and the meeting page alike, or says what is missing.
func readFinding(c *gin.Context) (cycle.Finding, string) {
	id, _ := strconv.ParseInt(c.PostForm("case_id"), 10, 64)
	if c.PostForm("category") == "" {
		return cycle.Finding{}, "Choose the panel's finding."
	}
	return cycle.Finding{CaseID: id, Category: c.PostForm("category"), Rationale: c.PostForm("rationale"), RecordedBy: currentUser(c).Email}, ""
}
