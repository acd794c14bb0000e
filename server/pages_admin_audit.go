package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/uktime"
	"github.com/lsip/scrutiny/workbook"
)

// adminAuditRoutes: admins read the audit log, filtered by who, what and
// when, a page at a time, and download the filtered log as a workbook.
func (s *Server) adminAuditRoutes(admin *gin.RouterGroup) {
	admin.GET("/audit", s.adminAuditPage)
	admin.GET("/audit/export.xlsx", s.adminAuditExport)
}

// auditPageSize is how many entries the page shows at a time.
const auditPageSize = 50

// auditView is the audit log page's data.
type auditView struct {
	Rows          []auditRow
	Total         int
	Who, What     string
	From, To      string
	Actions       []auditChoice
	Actors        []string
	PageNo, Pages int
	// Links that keep the filter: the export, and the pages before and
	// after ("" when there is none).
	Export, Prev, Next string
	query              url.Values
}

// auditRow is an entry with what was done in words.
type auditRow struct {
	domain.AuditEntry
	What string
}

// auditChoice is one action the "what" filter offers.
type auditChoice struct{ Value, Label string }

// auditLabel is a stored action in words: "panel_created" is "Panel
// created".
func auditLabel(action string) string {
	s := strings.ReplaceAll(action, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// readAuditFilter reads the filter from the query string; a date that is
// not one is explained beside its field.
func readAuditFilter(c *gin.Context) (store.AuditFilter, auditView, []FieldError) {
	v := auditView{Who: strings.TrimSpace(c.Query("who")), What: strings.TrimSpace(c.Query("what")),
		From: strings.TrimSpace(c.Query("from")), To: strings.TrimSpace(c.Query("to"))}
	f := store.AuditFilter{Who: v.Who, What: v.What}
	var errs []FieldError
	date := func(field, typed, which string) time.Time {
		if typed == "" {
			return time.Time{}
		}
		d, err := time.Parse(time.DateOnly, typed)
		if err != nil {
			errs = append(errs, FieldError{field, "Enter the " + which + " date as YYYY-MM-DD, for example 2027-03-31"})
		}
		return d
	}
	f.From, f.To = date("from", v.From, "first"), date("to", v.To, "last")
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		errs = append(errs, FieldError{"to", "The last date must be the same as or after the first date"})
	}
	q := url.Values{}
	for k, val := range map[string]string{"who": v.Who, "what": v.What, "from": v.From, "to": v.To} {
		if val != "" {
			q.Set(k, val)
		}
	}
	v.query = q
	v.Export = "/admin/audit/export.xlsx?" + q.Encode()
	return f, v, errs
}

func (s *Server) adminAuditPage(c *gin.Context) {
	ctx := c.Request.Context()
	f, v, errs := readAuditFilter(c)
	var err error
	if v.Actions, v.Actors, err = s.auditChoices(c); err != nil {
		s.pageError(c, err)
		return
	}
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusUnprocessableEntity
	} else {
		v.PageNo, _ = strconv.Atoi(c.DefaultQuery("page", "1"))
		v.PageNo = max(v.PageNo, 1)
		f.Limit, f.Offset = auditPageSize, (v.PageNo-1)*auditPageSize
		var entries []domain.AuditEntry
		if entries, v.Total, err = s.deps.Store.AuditLog(ctx, userScope(c), f); err != nil {
			s.pageError(c, err)
			return
		}
		for _, e := range entries {
			v.Rows = append(v.Rows, auditRow{AuditEntry: e, What: auditLabel(e.Action)})
		}
		v.Pages = max(1, (v.Total+auditPageSize-1)/auditPageSize)
		if v.PageNo > 1 {
			v.Prev = v.pageLink(min(v.PageNo-1, v.Pages))
		}
		if v.PageNo < v.Pages {
			v.Next = v.pageLink(v.PageNo + 1)
		}
	}
	render(c, status, "admin_audit.html", s.staffPage(c, page{Title: "Audit log", Page: v, Errors: errs, FieldErrors: adminFieldMap(errs)}))
}

// pageLink is the address of page n of the filtered log.
func (v auditView) pageLink(n int) string {
	q := url.Values{}
	for k, vals := range v.query {
		q[k] = vals
	}
	q.Set("page", strconv.Itoa(n))
	return "/admin/audit?" + q.Encode()
}

// auditChoices are the actions and actors the filters offer.
func (s *Server) auditChoices(c *gin.Context) ([]auditChoice, []string, error) {
	actions, err := s.deps.Store.AuditActions(c.Request.Context())
	if err != nil {
		return nil, nil, err
	}
	actors, err := s.deps.Store.AuditActors(c.Request.Context())
	choices := make([]auditChoice, len(actions))
	for i, a := range actions {
		choices[i] = auditChoice{a, auditLabel(a)}
	}
	return choices, actors, err
}

// adminAuditExport downloads the filtered log as a workbook. The export
// is itself audited.
func (s *Server) adminAuditExport(c *gin.Context) {
	f, v, errs := readAuditFilter(c)
	if len(errs) > 0 {
		s.adminAuditPage(c)
		return
	}
	book, err := workbook.NewAuditLog(auditFilterWords(v))
	if err != nil {
		s.pageError(c, err)
		return
	}
	n := 0
	err = s.deps.Store.EachAuditEntry(c.Request.Context(), userScope(c), f, func(e domain.AuditEntry) error {
		n++
		return book.Add(e)
	})
	if err != nil {
		s.pageError(c, err)
		return
	}
	data, err := book.Close()
	if err == nil {
		err = s.deps.Store.Audit(c.Request.Context(), currentUser(c).Email, "audit_log_exported", "audit_log", "", map[string]any{"entries": n})
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="audit-log.xlsx"`)
	c.Data(http.StatusOK, workbook.ContentType, data)
}

// auditFilterWords describes the filter for the workbook's page header.
func auditFilterWords(v auditView) string {
	var parts []string
	if v.Who != "" {
		parts = append(parts, "who \u201c"+v.Who+"\u201d")
	}
	if v.What != "" {
		parts = append(parts, "what: "+auditLabel(v.What))
	}
	day := func(s string) string {
		d, _ := time.Parse(time.DateOnly, s)
		return uktime.Date(d)
	}
	if v.From != "" {
		parts = append(parts, "from "+day(v.From))
	}
	if v.To != "" {
		parts = append(parts, "to "+day(v.To))
	}
	if len(parts) == 0 {
		return "everything"
	}
	return strings.Join(parts, ", ")
}
