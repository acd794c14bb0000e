package server

import (
	"bytes"
	"crypto/rand"
	"embed"
	"errors"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/i18n"
	"github.com/lsip/scrutiny/reviewform"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/uktime"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

var pageTemplates = template.Must(template.New("").Funcs(template.FuncMap{
	"ukdate": uktime.Date,
	// idempotencyKey is a fresh key for each form, so a form sent twice
	// (a double click, a retry after an error) is one change.
	"idempotencyKey": func() string { return rand.Text() },
	"uktime":         uktime.Time,
	// label shows a stage, status or role in plain English, standing
	// alone: "Conflict check".
	"label": func(v interface{ Label() string }) string { return sentence(v.Label()) },
	// caseStatus labels a cycle case's status, which the status query
	// carries as a string.
	"caseStatus": func(s string) string { return sentence(domain.CaseStatus(s).Label()) },
	// strand names a strand code as people say it: "Sexual orientation".
	"strand": func(code string) string {
		if st, ok := domain.StrandByCode(code); ok {
			return st.Label
		}
		return code
	},
	// words shows any other code as words: "carried forward".
	"words": func(s string) string { return sentence(strings.ReplaceAll(s, "_", " ")) },
}).ParseFS(templateFiles, "templates/*.html"))

// page is what every template receives.
type page struct {
	Title       string
	Errors      []FieldError
	FieldErrors map[string]string
	User        *store.User
	CSRF        string
	Flash       string
	Message     string
	Next        string
	NextLabel   string
	Base        string // a member's page address
	// Agreements are where a panel's members stand with the
	// confidentiality agreement, on the cycle page.
	Agreements []store.MemberAgreement
	// Page-specific data.
	Page    any
	Case    caseView
	Form    reviewform.Form
	Answers reviewform.Answers
	// L writes a member's or owner's page in their language; staff pages
	// leave it nil, for English.
	L *i18n.Localizer
}

func render(c *gin.Context, status int, name string, p page) {
	buf := pageBuffers.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= maxPooledPage {
			pageBuffers.Put(buf)
		}
	}()
	if err := pageTemplates.ExecuteTemplate(buf, name, p); err != nil {
		slog.ErrorContext(c.Request.Context(), "render page", "template", name, "error", err)
		if name != errorTemplate {
			errorPage(c, serverProblem, "", "")
		}
		return
	}
	c.Header("Content-Type", "text/html; charset=utf-8")
	c.Header("Cache-Control", "no-store")
	c.Header("X-Frame-Options", "DENY")
	c.Header("Content-Security-Policy", "default-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'")
	c.Status(status)
	c.Writer.Write(buf.Bytes())
}

// pageBuffers hold pages as they render. A page is rendered whole before
// any of it is sent, so a template that fails midway sends the error page
// rather than half a page under a success status, and the page goes out
// in one write rather than one for each piece of the template.
var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledPage is the largest buffer kept for the next page: a rare huge
// page (a long audit log) should not pin its memory for ever.
const maxPooledPage = 1 << 20

// errorTemplate is the page errorPage renders, which must not fail over
// to itself.
const errorTemplate = "error.html"

// errorPage explains a problem in plain English.
func errorPage(c *gin.Context, p Problem, next, nextLabel string) {
	if p.Status == http.StatusServiceUnavailable {
		c.Header("Retry-After", "5") // as writeProblem: try again shortly
	}
	render(c, p.Status, errorTemplate, page{Title: p.Title, Message: p.Detail, Next: next, NextLabel: nextLabel})
}

func (s *Server) pageRoutes() {
	sub, _ := fs.Sub(staticFiles, "static")
	s.engine.StaticFS("/static", http.FS(sub))
	s.staffPageRoutes()
	s.accountPageRoutes()
	s.coordinatorPageRoutes()
	s.adminPageRoutes()
	s.schedulePageRoutes()
	s.ownerPageRoutes()
	s.meetingPageRoutes()
	s.comparisonPageRoutes()
	s.themePageRoutes()
	s.boardPageRoutes()
	s.codecRoutes()
	m := s.engine.Group("/m/:token", s.requireMemberPage)
	m.POST("/agreement", s.memberAgreementSubmit)
	m = m.Group("", s.requireAgreement)
	m.GET("", s.memberHomePage)
	m.GET("/cases/:case", s.memberCasePage)
	m.POST("/cases/:case", s.memberCaseSubmit)
	m.GET("/pack", s.memberPack)
	m.POST("/rsvp", s.memberRSVPPage)
	m.POST("/conflicts", s.memberConflictPage)
	m.POST("/identifying", s.memberIdentifyingPage)
	m.POST("/upload", s.memberUploadPage)
}

func (s *Server) requireMemberPage(c *gin.Context) {
	ma, p := s.checkLink(c)
	if p != nil {
		memberLinkFailed(c, *p)
		c.Abort()
		return
	}
	lang, _, err := s.deps.Store.MemberLanguage(c.Request.Context(), ma.MemberID)
	if err != nil {
		s.pageError(c, err)
		c.Abort()
		return
	}
	c.Set(memberKey, ma)
	c.Set(localizerKey, i18n.For(i18n.Lang(lang)))
	c.Next()
}

// memberView is a page of a member's personal site, in their language.
func memberView(c *gin.Context, p page) page {
	p.Base, p.L = memberBase(c), localizer(c)
	return p
}

// memberFlash is the confirmation named by the done parameter, in the
// member's language, or nothing for a code it does not know.
func memberFlash(c *gin.Context) string {
	if done := c.Query("done"); slices.Contains(memberFlashes, done) {
		return localizer(c).T("member.done." + done)
	}
	return ""
}

func memberBase(c *gin.Context) string { return "/m/" + c.Param("token") }

func (s *Server) memberHomePage(c *gin.Context) {
	p, err := s.memberPageData(c.Request.Context(), currentMember(c))
	if err != nil {
		s.pageError(c, err)
		return
	}
	render(c, http.StatusOK, "member_home.html", memberView(c, page{Title: p.Panel, Page: p, Flash: memberFlash(c)}))
}

func (s *Server) pageError(c *gin.Context, err error) {
	slog.ErrorContext(c.Request.Context(), "page failed", "route", routeOf(c), "error", err)
	errorPage(c, Problem{Status: http.StatusInternalServerError, Title: "Sorry, something went wrong",
		Detail: "The problem has been logged. Please try again in a few minutes; nothing you saved has been lost."}, "", "")
}

func (s *Server) memberCasePage(c *gin.Context) {
	v, err := s.memberCase(c.Request.Context(), currentMember(c), c.Param("case"))
	l := localizer(c)
	if errors.Is(err, store.ErrNotFound) {
		render(c, http.StatusNotFound, errorTemplate, memberView(c, page{Title: l.T("member.missing.title"), Message: l.T("member.missing.detail"),
			Next: memberBase(c), NextLabel: l.T("member.back")}))
		return
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	render(c, http.StatusOK, "member_case.html", memberView(c, page{Title: l.T("member.case.title", "Reference", v.Reference), Case: v, Form: memberReviewForm(c), Answers: v.Answers}))
}

// answersFromForm reads the review form's fields.
func answersFromForm(c *gin.Context, form reviewform.Form) reviewform.Answers {
	a := reviewform.Answers{Ratings: map[string]string{}, Comments: map[string]string{}}
	for _, q := range form.Questions {
		if v := c.PostForm("ratings." + q.Key); v != "" {
			a.Ratings[q.Key] = v
		}
		if v := strings.TrimSpace(c.PostForm("comments." + q.Key)); v != "" {
			a.Comments[q.Key] = v
		}
	}
	a.Overall = c.PostForm("overall")
	a.GoodPractice = strings.TrimSpace(c.PostForm("good_practice"))
	a.Concerns = strings.TrimSpace(c.PostForm("concerns"))
	a.Questions = strings.TrimSpace(c.PostForm("questions"))
	a.Learning = strings.TrimSpace(c.PostForm("learning"))
	return a
}

// memberCaseSubmit saves a draft or sends the review. Problems are shown
// at the top, linked to their fields, and nothing typed is lost.
func (s *Server) memberCaseSubmit(c *gin.Context) {
	m := currentMember(c)
	l := localizer(c)
	form := memberReviewForm(c)
	answers := answersFromForm(c, form)
	v, err := s.memberCase(c.Request.Context(), m, c.Param("case"))
	if errors.Is(err, store.ErrNotFound) {
		render(c, http.StatusNotFound, "member_unsaved.html", memberView(c, page{Title: l.T("member.unsaved.title"), Form: form, Answers: answers,
			Message: l.T("member.unsaved.gone")}))
		return
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	if isAutosave(c) {
		s.autosaveDraft(c, m, v.CaseID, form, answers)
		return
	}
	final := c.PostForm("submit") != string(domain.ReviewDraft)
	show := func(status int, errs []FieldError) {
		fe := map[string]string{}
		for _, e := range errs {
			fe[e.Field] = e.Message
		}
		render(c, status, "member_case.html", memberView(c, page{Title: l.T("member.case.title", "Reference", v.Reference), Case: v, Form: form, Answers: answers, Errors: errs, FieldErrors: fe}))
	}
	if problems := form.Validate(answers, final); len(problems) > 0 {
		errs := make([]FieldError, len(problems))
		for i, p := range problems {
			errs[i] = FieldError{Field: p.Field, Message: p.Message}
		}
		show(http.StatusUnprocessableEntity, errs)
		return
	}
	stored, p := s.saveReview(c.Request.Context(), m, v.CaseID, answers, final, "web")
	if p != nil {
		show(p.Status, []FieldError{{Field: "main", Message: p.Detail}})
		return
	}
	if !final {
		render(c, http.StatusOK, "member_done.html", memberView(c, page{Title: l.T("member.saved.title"), Message: l.T("member.saved.message", "Reference", v.Reference)}))
		return
	}
	msg := l.T("member.sent.message", "Reference", v.Reference)
	if stored.Late {
		msg += l.T("member.sent.late")
	}
	render(c, http.StatusOK, "member_done.html", memberView(c, page{Title: l.T("member.sent.title"), Message: msg}))
}

func (s *Server) memberRSVPPage(c *gin.Context) {
	m := currentMember(c)
	resp := c.PostForm("response")
	if !slices.Contains(meetingResponses, resp) {
		s.memberHomeWithError(c, FieldError{Field: "main", Message: localizer(c).T("member.err.rsvp")})
		return
	}
	// With no meeting scheduled there is nothing to answer; the page
	// thanks the member all the same, as it always has.
	if err := s.deps.Store.RespondToMeeting(c.Request.Context(), m.CycleID, m.MemberID, resp); err != nil && !errors.Is(err, store.ErrNotFound) {
		s.pageError(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, memberBase(c)+"?done=rsvp")
}

func (s *Server) memberHomeWithError(c *gin.Context, fe FieldError) {
	p, err := s.memberPageData(c.Request.Context(), currentMember(c))
	if err != nil {
		s.pageError(c, err)
		return
	}
	render(c, http.StatusUnprocessableEntity, "member_home.html", memberView(c, page{Title: p.Panel, Page: p, Errors: []FieldError{fe}}))
}

func (s *Server) memberConflictPage(c *gin.Context) {
	m := currentMember(c)
	caseID, err := strconv.ParseInt(c.PostForm("case_id"), 10, 64)
	if err != nil {
		s.memberHomeWithError(c, FieldError{Field: "main", Message: localizer(c).T("member.err.conflict_case")})
		return
	}
	if p := s.cycleUpdateFor(c.Request.Context(), m, cycle.UpdateDeclareConflict,
		cycle.ConflictRequest{MemberID: m.MemberID, CaseID: caseID, Note: c.PostForm("note")}); p != nil {
		s.memberHomeWithError(c, FieldError{Field: "main", Message: p.Detail})
		return
	}
	c.Redirect(http.StatusSeeOther, memberBase(c)+"?done=conflict")
}

func (s *Server) memberIdentifyingPage(c *gin.Context) {
	m := currentMember(c)
	caseID, err := strconv.ParseInt(c.PostForm("case_id"), 10, 64)
	if err != nil {
		s.memberHomeWithError(c, FieldError{Field: "main", Message: localizer(c).T("member.err.identifying_case")})
		return
	}
	if p := s.cycleUpdateFor(c.Request.Context(), m, cycle.UpdateReportIdentifying,
		cycle.IdentifyingRequest{MemberID: m.MemberID, CaseID: caseID, Detail: c.PostForm("detail")}); p != nil {
		render(c, p.Status, errorTemplate, memberView(c, page{Title: p.Title, Message: p.Detail, Next: memberBase(c), NextLabel: localizer(c).T("member.back")}))
		return
	}
	c.Redirect(http.StatusSeeOther, memberBase(c)+"?done=identifying")
}

func (s *Server) memberUploadPage(c *gin.Context) {
	m := currentMember(c)
	l := localizer(c)
	file, _, err := c.Request.FormFile("file")
	if err != nil {
		s.memberHomeWithError(c, FieldError{Field: "file", Message: l.T("member.err.no_file")})
		return
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, maxUploadBytes+1))
	if err != nil {
		s.memberHomeWithError(c, FieldError{Field: "file", Message: l.T("member.err.unreadable")})
		return
	}
	if len(data) > maxUploadBytes {
		s.memberHomeWithError(c, FieldError{Field: "file", Message: l.T("member.err.too_large")})
		return
	}
	saved, problems, p := s.acceptUpload(c.Request.Context(), m, data)
	if p != nil {
		s.memberHomeWithError(c, FieldError{Field: "file", Message: p.Title + ". " + p.Detail})
		return
	}
	if len(problems) > 0 {
		pd, err := s.memberPageData(c.Request.Context(), m)
		if err != nil {
			s.pageError(c, err)
			return
		}
		var errs []FieldError
		for _, pr := range problems {
			errs = append(errs, FieldError{Field: "file", Message: l.T("member.err.problem", "Sheet", pr.Sheet, "Cell", pr.Cell, "Message", pr.Message)})
		}
		render(c, http.StatusUnprocessableEntity, "member_home.html", memberView(c, page{Title: pd.Panel, Page: pd, Errors: errs,
			Flash: l.T("member.upload.partly", "Count", len(saved))}))
		return
	}
	render(c, http.StatusOK, "member_done.html", memberView(c, page{Title: l.T("member.upload.received"), Message: l.T("member.upload.sent", "Count", len(saved))}))
}
