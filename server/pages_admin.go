package server

import (
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/lsip/scrutiny/action"
	"github.com/lsip/scrutiny/store"
)

// adminPageRoutes are the administration pages, for admins only: the
// Areas (managers, senior lead, escalation ladder), the panels, and the
// audit log. The people page is another's; these pages link to it.
func (s *Server) adminPageRoutes() {
	admin := s.engine.Group("/admin", s.requireSession, requireRole(adminOnly))
	admin.GET("", s.adminHomePage)
	admin.GET("/areas", s.adminAreasPage)
	admin.GET("/areas/:code", s.adminAreaPage)
	admin.POST("/areas/:code", s.adminAreaSubmit)
	s.adminPanelRoutes(admin)
	s.adminAuditRoutes(admin)
}

func (s *Server) adminHomePage(c *gin.Context) {
	render(c, http.StatusOK, "admin_home.html", s.staffPage(c, page{Title: "Administration"}))
}

// adminFieldMap is the page's FieldErrors: each field's message, for the
// template to show beside it.
func adminFieldMap(errs []FieldError) map[string]string {
	fe := map[string]string{}
	for _, e := range errs {
		if _, seen := fe[e.Field]; !seen {
			fe[e.Field] = e.Message
		}
	}
	return fe
}

// adminDone redirects to to with a confirmation to show there.
func adminDone(c *gin.Context, to, done string) {
	c.Redirect(http.StatusSeeOther, to+"?done="+url.QueryEscape(done))
}

// areaList is the Areas page's data.
type areaList struct {
	Areas                   []store.AreaSettings
	ManagerDays, SeniorDays int // the usual ladder
}

func (s *Server) adminAreasPage(c *gin.Context) {
	areas, err := s.deps.Store.AreaSettingsIn(c.Request.Context(), userScope(c))
	if err != nil {
		s.pageError(c, err)
		return
	}
	render(c, http.StatusOK, "admin_areas.html", s.staffPage(c, page{Title: "Areas", Flash: c.Query("done"),
		Page: areaList{Areas: areas, ManagerDays: action.DefaultManagerDays, SeniorDays: action.DefaultSeniorDays}}))
}

// areaForm is the form for one Area, as shown and as typed.
type areaForm struct {
	Area                                         store.AreaSettings
	LeadName, LeadEmail, ManagerDays, SeniorDays string
	DefaultManagerDays, DefaultSeniorDays        int
}

// loadArea finds the Area in the path, or explains that there is none.
func (s *Server) loadArea(c *gin.Context) (store.AreaSettings, bool) {
	a, err := s.deps.Store.AreaSettingsByCode(c.Request.Context(), userScope(c), c.Param("code"))
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrOutOfScope) {
		errorPage(c, Problem{Status: http.StatusNotFound, Title: "Area not found", Detail: "There is no CPS Area with this code."}, "/admin/areas", "Back to Areas")
		return a, false
	}
	if err != nil {
		s.pageError(c, err)
		return a, false
	}
	return a, true
}

func (s *Server) adminAreaPage(c *gin.Context) {
	a, ok := s.loadArea(c)
	if !ok {
		return
	}
	f := areaForm{Area: a, LeadName: a.SeniorLeadName, LeadEmail: a.SeniorLeadEmail,
		DefaultManagerDays: action.DefaultManagerDays, DefaultSeniorDays: action.DefaultSeniorDays}
	if a.ManagerDays > 0 {
		f.ManagerDays, f.SeniorDays = strconv.Itoa(a.ManagerDays), strconv.Itoa(a.SeniorDays)
	}
	render(c, http.StatusOK, "admin_area.html", s.staffPage(c, page{Title: a.Name, Page: f}))
}

// adminAreaSubmit saves the senior lead and the ladder, or shows the form
// again with each problem beside its field and everything typed kept.
func (s *Server) adminAreaSubmit(c *gin.Context) {
	a, ok := s.loadArea(c)
	if !ok {
		return
	}
	f := areaForm{Area: a, LeadName: strings.TrimSpace(c.PostForm("senior_lead_name")), LeadEmail: strings.TrimSpace(c.PostForm("senior_lead_email")),
		ManagerDays: strings.TrimSpace(c.PostForm("manager_days")), SeniorDays: strings.TrimSpace(c.PostForm("senior_days")),
		DefaultManagerDays: action.DefaultManagerDays, DefaultSeniorDays: action.DefaultSeniorDays}
	ch, errs := checkAreaForm(f)
	if len(errs) == 0 {
		err := s.deps.Store.UpdateAreaSettings(c.Request.Context(), a.Code, ch, currentUser(c).Email)
		if err != nil {
			s.pageError(c, err)
			return
		}
		adminDone(c, "/admin/areas", a.Name+" is saved.")
		return
	}
	render(c, http.StatusUnprocessableEntity, "admin_area.html", s.staffPage(c, page{Title: a.Name, Page: f, Errors: errs, FieldErrors: adminFieldMap(errs)}))
}

// checkAreaForm turns the typed form into a change: a senior lead has
// both a name and an address, or neither; the ladder has both days, in
// order, or neither (the usual ladder).
func checkAreaForm(f areaForm) (store.AreaChange, []FieldError) {
	ch := store.AreaChange{SeniorLeadName: f.LeadName, SeniorLeadEmail: f.LeadEmail}
	var errs []FieldError
	switch {
	case f.LeadName == "" && f.LeadEmail != "":
		errs = append(errs, FieldError{"senior_lead_name", "Enter the senior lead's name, or clear the email address too"})
	case utf8.RuneCountInString(f.LeadName) > maxAdminName:
		errs = append(errs, FieldError{"senior_lead_name", "Enter a name of " + strconv.Itoa(maxAdminName) + " characters or fewer"})
	}
	if f.LeadEmail == "" && f.LeadName != "" {
		errs = append(errs, FieldError{"senior_lead_email", "Enter the senior lead's email address, or clear the name too"})
	} else if addr, err := mail.ParseAddress(f.LeadEmail); f.LeadEmail != "" && (err != nil || addr.Address != f.LeadEmail) {
		errs = append(errs, FieldError{"senior_lead_email", "Enter an email address like name@example.org"})
	}
	day := func(field, typed, who string) int {
		n, err := strconv.Atoi(typed)
		if err != nil || n < 1 || n > 365 {
			errs = append(errs, FieldError{field, fmt.Sprintf("Enter the days after the due date for the %s as a whole number from 1 to 365", who)})
			return 0
		}
		return n
	}
	switch {
	case f.ManagerDays == "" && f.SeniorDays == "":
	case f.ManagerDays == "":
		errs = append(errs, FieldError{"manager_days", "Enter the days for the manager too, or clear both for the usual ladder"})
	case f.SeniorDays == "":
		errs = append(errs, FieldError{"senior_days", "Enter the days for the senior lead too, or clear both for the usual ladder"})
	default:
		ch.ManagerDays, ch.SeniorDays = day("manager_days", f.ManagerDays, "manager"), day("senior_days", f.SeniorDays, "senior lead")
		if ch.ManagerDays > 0 && ch.SeniorDays > 0 && ch.SeniorDays <= ch.ManagerDays {
			errs = append(errs, FieldError{"senior_days", "The senior lead is told after the manager: enter more days than for the manager"})
		}
	}
	return ch, errs
}
