package server

import (
	"errors"
	"html/template"
	"io/fs"
	"net/http"
	"net/mail"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/lsip/scrutiny/boardreport"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/i18n"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/workbook"
)

// communityPageRoutes are the community updates ("you said, we did") of an
// Area, by its code: the staff page with the Area's community groups, the
// update as a plain HTML page (also in Easy Read, and as a download) and as
// a workbook, and sending it to the groups. Staff reach the Areas of their
// scope (store.CommunityArea); any of them may read the update, which is
// public material; coordinators and managers keep the groups; coordinators
// send (admins may always).
func (s *Server) communityPageRoutes() {
	staff := s.engine.Group("/community/:area", s.requireSession, requireRole(staffRoles))
	staff.GET("", s.communityPage)
	staff.GET("/update", s.communityUpdatePage)
	staff.GET("/update.xlsx", s.communityDownload)
	staff.POST("/groups", requireRole(actionOwners), s.communityGroupAdd)
	staff.POST("/groups/:group/remove", requireRole(actionOwners), s.communityGroupRemove)
	staff.POST("/send", requireRole(coordinatorOnly), s.communitySend)
}

// communityView is the staff page's data.
type communityView struct {
	Area     domain.AreaRef
	From, To string
	Groups   []store.CommunityGroup
	Sends    []store.CommunitySend
	// The group being added, as typed.
	Name, Email, Language string
}

// communityContext finds the Area in the path within the user's scope and
// reads the period (by default the six months before today, like the
// comparison). It answers the request itself and returns false when the
// Area is out of reach.
func (s *Server) communityContext(c *gin.Context, get func(string) string) (v communityView, from, to time.Time, errs []FieldError, ok bool) {
	area, err := s.deps.Store.CommunityArea(c.Request.Context(), userScope(c), c.Param("area"))
	switch {
	case errors.Is(err, store.ErrOutOfScope):
		errorPage(c, Problem{Status: http.StatusForbidden, Title: "Not your Area", Detail: "You can see the community updates of your own Area only."}, "/actions", "Back to actions")
		return v, from, to, nil, false
	case errors.Is(err, store.ErrNotFound):
		errorPage(c, Problem{Status: http.StatusNotFound, Title: "Not found", Detail: "There is no Area with this code."}, "/actions", "Back to actions")
		return v, from, to, nil, false
	case err != nil:
		s.pageError(c, err)
		return v, from, to, nil, false
	}
	v = communityView{Area: area, From: get("from"), To: get("to")}
	if v.From == "" && v.To == "" {
		p := boardreport.PeriodBefore(time.Now())
		v.From, v.To = p.From, p.To
	}
	from, to, fields := reportPeriod(func(k string) string { return map[string]string{"from": v.From, "to": v.To}[k] })
	for _, f := range fields {
		errs = append(errs, FieldError{Field: f.Field, Message: map[string]string{"from": "From", "to": "To"}[f.Field] + " " + f.Message})
	}
	return v, from, to, errs, true
}

// communityPage shows the period, the download links, the groups with the
// form to add one, and what has been sent.
func (s *Server) communityPage(c *gin.Context) {
	v, _, _, errs, ok := s.communityContext(c, c.Query)
	if ok {
		s.renderCommunity(c, v, errs)
	}
}

func (s *Server) renderCommunity(c *gin.Context, v communityView, errs []FieldError) {
	ctx := c.Request.Context()
	var err error
	if v.Groups, err = s.deps.Store.CommunityGroups(ctx, v.Area.ID); err == nil {
		v.Sends, err = s.deps.Store.CommunitySends(ctx, v.Area.ID)
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	render(c, status, "community.html", s.staffPage(c, page{Title: "Community updates: " + v.Area.Name, Flash: c.Query("done"), Page: v, Errors: errs, FieldErrors: fieldMap(errs)}))
}

// communityUpdate builds the update for the request's Area and period,
// audited as a report produced. It answers the request itself on failure.
func (s *Server) communityUpdate(c *gin.Context, format string) (store.CommunityUpdate, communityView, bool) {
	v, from, to, errs, ok := s.communityContext(c, c.Query)
	if !ok {
		return store.CommunityUpdate{}, v, false
	}
	if len(errs) > 0 {
		s.renderCommunity(c, v, errs)
		return store.CommunityUpdate{}, v, false
	}
	u, err := s.deps.Store.CommunityUpdate(c.Request.Context(), v.Area, from, to)
	if err == nil {
		err = s.recordRead(c, "report_produced", "report", "community_update", map[string]any{"area": v.Area.Code, "from": v.From, "to": v.To, "format": format})
	}
	if err != nil {
		s.pageError(c, err)
		return store.CommunityUpdate{}, v, false
	}
	return u, v, true
}

// communityDocument puts the store's update into words for the public,
// in l's language, with each action's coded response beside it (for the
// Easy Read layout's plain sentences).
func communityDocument(u store.CommunityUpdate, l *i18n.Localizer) (workbook.CommunityUpdate, []string) {
	doc := workbook.CommunityUpdate{Lang: l.Lang(), AreaName: u.Area.Name, From: u.From, To: u.To, Cases: workbook.Count{Label: l.T("community.heading.cases"), N: u.Cases}}
	for _, c := range u.CasesByStrand {
		doc.CasesByStrand = append(doc.CasesByStrand, workbook.Count{Label: l.Label("strand", c.Code), N: c.N})
	}
	for _, th := range u.Learning {
		// Each theme, and the points no theme holds, are named in the
		// reader's language.
		t := workbook.CommunityTheme{Label: themeName(l, th.Code, th.Label, th.WelshLabel)}
		if th.Code == domain.NoTheme {
			t.Label = l.T("community.not_themed")
		}
		for _, p := range th.Points {
			if p.GoodPractice {
				t.GoodPractice = append(t.GoodPractice, p.Text)
			} else {
				t.Learning = append(t.Learning, p.Text)
			}
		}
		doc.Learning = append(doc.Learning, t)
	}
	responses := make([]string, 0, len(u.Actions))
	for _, a := range u.Actions {
		var response string
		if a.Response != "" {
			response = l.T("community.response." + a.Response)
		}
		doc.Actions = append(doc.Actions, workbook.CommunityAction{Description: a.Description, Status: l.T("community.status." + string(a.Status)),
			Response: response, Rationale: a.ResponseRationale, CompletionNote: a.CompletionNote})
		responses = append(responses, a.Response)
	}
	return doc, responses
}

// publicText gives the public pages' templates their language's words:
// {{$d.T "community.km.area"}}, a figure as the public may see it, and a
// message of several short lines (Easy Read) split at "|".
type publicText struct{ L *i18n.Localizer }

// T is a message in the page's language.
func (p publicText) T(key string, args ...any) string { return p.L.T(key, args...) }

// Lang is the language's code, for a lang attribute.
func (p publicText) Lang() string { return string(p.L.Lang()) }

// Shown is a figure as the public sees it: "fewer than 5" under 5.
func (p publicText) Shown(c workbook.Count) string { return p.L.T("community.count", "N", c.N) }

// Lines is a message of one idea a line, as Easy Read lists it.
func (p publicText) Lines(key string) []string { return strings.Split(p.L.T(key), "|") }

// communityPart is the update in one language: a page has one, an email
// to a group on a bilingual panel has Welsh then English.
type communityPart struct {
	publicText
	U workbook.CommunityUpdate
	// Responses are the actions' coded responses, in U.Actions' order.
	Responses []string
}

// Period is the update's period in the part's language.
func (p communityPart) Period() string {
	return p.L.T("community.period", "From", p.U.From, "To", p.U.To)
}

// communityDoc is what the update's page template receives: the update
// in each of its languages, whether it is the Easy Read layout, and the
// stylesheet inlined when the page leaves the site (a download or an
// email), linked otherwise.
type communityDoc struct {
	Parts    []communityPart
	EasyRead bool
	Inline   template.CSS
}

// communityCSS is the update's stylesheet, for pages that leave the site.
func communityCSS() template.CSS {
	b, _ := fs.ReadFile(staticFiles, "static/community.css") // embedded: cannot fail
	return template.CSS(b)
}

// communityParts is the update in each of langs, in that order.
func communityParts(u store.CommunityUpdate, langs []i18n.Lang) []communityPart {
	parts := make([]communityPart, 0, len(langs))
	for _, lang := range langs {
		l := i18n.For(lang)
		doc, responses := communityDocument(u, l)
		parts = append(parts, communityPart{publicText: publicText{L: l}, U: doc, Responses: responses})
	}
	return parts
}

// communityDocPage is the page data for the update's document, in its first
// part's language.
func communityDocPage(d communityDoc) page {
	first := d.Parts[0]
	return page{Title: first.T("community.title", "Area", first.U.AreaName), Page: d, L: first.L}
}

// communityUpdatePage shows the update as a page; layout=easyread gives
// the Easy Read layout, lang=cy the Welsh text and download=yes the same
// page as a file, with its stylesheet inside it.
func (s *Server) communityUpdatePage(c *gin.Context) {
	d := communityDoc{EasyRead: c.Query("layout") == "easyread"}
	download := c.Query("download") == "yes"
	format := "html"
	if d.EasyRead {
		format = "easyread"
	}
	u, v, ok := s.communityUpdate(c, format)
	if !ok {
		return
	}
	d.Parts = communityParts(u, []i18n.Lang{i18n.Parse(c.Query("lang"))})
	if download {
		d.Inline = communityCSS()
		c.Header("Content-Disposition", `attachment; filename="you-said-we-did-`+v.Area.Code+`-`+v.From+`-to-`+v.To+`.html"`)
	}
	name := "community_update.html"
	if d.EasyRead {
		name = "community_update_easyread.html"
	}
	render(c, http.StatusOK, name, communityDocPage(d))
}

// communityDownload sends the update as a workbook: in the language asked
// for (lang=cy for Welsh), or with a Welsh and an English sheet for an Area
// whose panels write in both.
func (s *Server) communityDownload(c *gin.Context) {
	u, v, ok := s.communityUpdate(c, "xlsx")
	if !ok {
		return
	}
	bilingual, err := s.deps.Store.AreaBilingual(c.Request.Context(), v.Area.ID)
	if err != nil {
		s.pageError(c, err)
		return
	}
	langs := []i18n.Lang{i18n.Parse(c.Query("lang"))}
	if bilingual {
		langs = i18n.MailLangs("", true)
	}
	var docs []workbook.CommunityUpdate
	for _, p := range communityParts(u, langs) {
		docs = append(docs, p.U)
	}
	data, err := workbook.BuildCommunityUpdate(docs...)
	if err != nil {
		s.pageError(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="you-said-we-did-`+v.Area.Code+`-`+v.From+`-to-`+v.To+`.xlsx"`)
	c.Data(http.StatusOK, workbook.ContentType, data)
}

// validGroup checks a group as typed, naming each wrong field.
func validGroup(g store.CommunityGroup) []FieldError {
	var errs []FieldError
	if g.Name == "" || len([]rune(g.Name)) > 120 {
		errs = append(errs, FieldError{Field: "name", Message: "Enter the group's name, in at most 120 characters"})
	}
	if a, err := mail.ParseAddress(g.Email); err != nil || a.Address != g.Email || len(g.Email) > 254 {
		errs = append(errs, FieldError{Field: "email", Message: "Enter the group's email address, such as contact@group.example"})
	}
	if g.Language != "en" && g.Language != "cy" {
		errs = append(errs, FieldError{Field: "language", Message: "Choose English or Welsh"})
	}
	return errs
}
