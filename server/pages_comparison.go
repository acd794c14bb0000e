package server

import (
	"fmt"
	"html/template"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/lsip/scrutiny/boardreport"
	"github.com/lsip/scrutiny/chart"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/reviewform"
	"github.com/lsip/scrutiny/workbook"
)

// comparisonPageRoutes are the cross-Area comparison's page and workbook,
// beside the governance report: admins see every Area, managers their own
// beside the national figures (store.Comparison applies the scope).
func (s *Server) comparisonPageRoutes() {
	staff := s.engine.Group("", s.requireSession)
	staff.GET("/reports/comparison", requireRole(managerOnly), s.comparisonPage)
	staff.GET("/reports/comparison.xlsx", requireRole(managerOnly), s.comparisonDownload)
}

// comparisonView is the comparison page's data: the period as typed,
// whether figures are suppressed as the Board sees them, and a section
// per measure with a chart (and its table) per Area.
type comparisonView struct {
	From, To string
	Board    bool
	Sections []comparisonSection
}

// comparisonSection is one measure: its charts, nationally first.
type comparisonSection struct {
	Title  string
	Charts []template.HTML
}

// comparisonPeriod reads the period, defaulting to the six months before
// today, and whether to suppress small figures as the Board's copy does.
// Staff see exact figures unless they ask for the Board's view.
func comparisonPeriod(c *gin.Context) (v comparisonView, from, to time.Time, errs []FieldError) {
	v = comparisonView{From: c.Query("from"), To: c.Query("to"), Board: c.Query("board") == "yes"}
	if v.From == "" && v.To == "" {
		p := boardreport.PeriodBefore(time.Now())
		v.From, v.To = p.From, p.To
	}
	from, to, fields := reportPeriod(func(k string) string { return map[string]string{"from": v.From, "to": v.To}[k] })
	for _, f := range fields {
		errs = append(errs, FieldError{Field: f.Field, Message: map[string]string{"from": "From", "to": "To"}[f.Field] + " " + f.Message})
	}
	return v, from, to, errs
}

// comparisonPage shows the comparison with an SVG chart and a table for
// each measure and Area. The read is audited like any report.
func (s *Server) comparisonPage(c *gin.Context) {
	v, from, to, errs := comparisonPeriod(c)
	if len(errs) > 0 {
		render(c, http.StatusUnprocessableEntity, "comparison.html", s.staffPage(c, page{Title: "Comparing Areas", Page: v, Errors: errs, FieldErrors: fieldMap(errs)}))
		return
	}
	cmp, err := s.deps.Store.Comparison(c.Request.Context(), userScope(c), from, to)
	if err == nil {
		err = s.recordRead(c, "report_produced", "report", "comparison", map[string]any{"areas": len(cmp.Sets) - 1})
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	v.Sections = comparisonSections(cmp, v.Board)
	render(c, http.StatusOK, "comparison.html", s.staffPage(c, page{Title: "Comparing Areas", Page: v}))
}

// comparisonSections draws each measure's chart for each Area: its bars
// are the shared vocabularies' entries, in their order.
func comparisonSections(cmp domain.Comparison, suppress bool) []comparisonSection {
	type entry struct{ key, label string }
	var strands, categories, themes []entry
	for _, st := range domain.Strands {
		strands = append(strands, entry{st.Code, st.Label})
	}
	for _, cat := range reviewform.Default().Categories {
		categories = append(categories, entry{cat.Key, cat.Label})
	}
	for _, th := range cmp.Themes {
		themes = append(themes, entry{th.Code, th.Label})
	}
	themes = append(themes, entry{domain.NoTheme, "Not themed"})
	measures := []struct {
		id, title string
		entries   []entry
		value     func(domain.ComparisonFigures, string) int
	}{
		{"strands", "Cases reviewed by strand", strands, func(f domain.ComparisonFigures, k string) int { return f.CasesByStrand[k] }},
		{"findings", "Findings by category", categories, func(f domain.ComparisonFigures, k string) int { return f.FindingsByCategory[k] }},
		{"themes", "Learning points by theme", themes, func(f domain.ComparisonFigures, k string) int { return f.LearningByTheme[k] }},
		{"actions", "Actions", []entry{{"raised", "Raised"}, {"closed", "Completed"}, {"overdue", "Overdue"}}, func(f domain.ComparisonFigures, k string) int {
			return map[string]int{"raised": f.ActionsRaised, "closed": f.ActionsClosed, "overdue": f.ActionsOverdue}[k]
		}},
	}
	var sections []comparisonSection
	for _, m := range measures {
		sec := comparisonSection{Title: m.title}
		for i, set := range cmp.Sets {
			ch := chart.BarChart{ID: fmt.Sprintf("%s-%d", m.id, i), Title: m.title + ": " + set.Name}
			for _, e := range m.entries {
				ch.Bars = append(ch.Bars, chart.Count(e.label, m.value(set, e.key), suppress))
			}
			sec.Charts = append(sec.Charts, ch.HTML())
		}
		sections = append(sections, sec)
	}
	return sections
}

// comparisonDownload sends the same figures as a workbook with native
// Excel charts, suppressed when the Board's view was asked for.
func (s *Server) comparisonDownload(c *gin.Context) {
	v, from, to, errs := comparisonPeriod(c)
	if len(errs) > 0 {
		render(c, http.StatusUnprocessableEntity, "comparison.html", s.staffPage(c, page{Title: "Comparing Areas", Page: v, Errors: errs, FieldErrors: fieldMap(errs)}))
		return
	}
	cmp, err := s.deps.Store.Comparison(c.Request.Context(), userScope(c), from, to)
	if err == nil {
		err = s.recordRead(c, "report_produced", "report", "comparison", map[string]any{"areas": len(cmp.Sets) - 1, "format": "xlsx"})
	}
	var data []byte
	if err == nil {
		data, err = workbook.BuildComparison(cmp, v.Board)
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="area-comparison-`+from.Format(time.DateOnly)+`-to-`+to.Format(time.DateOnly)+`.xlsx"`)
	c.Data(http.StatusOK, workbook.ContentType, data)
}
