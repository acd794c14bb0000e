package server

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/workbook"
)

// governanceReport builds the Board report for a date range: for each Area
// in the user's scope (their own, for a manager), and nationally for an
// admin, whose scope is everything.
func (s *Server) governanceReport(c *gin.Context) {
	from, to, fields := reportPeriod(c.Query)
	if len(fields) > 0 {
		badRequest(c, "The report needs a valid period.", fields...)
		return
	}
	data, err := s.governanceWorkbook(c, from, to)
	if err != nil {
		internalError(c, err)
		return
	}
	sendGovernanceReport(c, from, to, data)
}

// reportPeriod reads the report's from and to dates through get, naming
// each that is not valid.
func reportPeriod(get func(string) string) (from, to time.Time, fields []FieldError) {
	from, errFrom := time.Parse(time.DateOnly, get("from"))
	to, errTo := time.Parse(time.DateOnly, get("to"))
	if errFrom != nil {
		fields = append(fields, FieldError{Field: "from", Message: "must be a date as YYYY-MM-DD"})
	}
	if errTo != nil {
		fields = append(fields, FieldError{Field: "to", Message: "must be a date as YYYY-MM-DD"})
	}
	if errFrom == nil && errTo == nil && to.Before(from) {
		fields = append(fields, FieldError{Field: "to", Message: "must not be before from"})
	}
	return from, to, fields
}

// governanceWorkbook is the report for the period, in the user's scope:
// the one way the API and the report page build it.
func (s *Server) governanceWorkbook(c *gin.Context, from, to time.Time) ([]byte, error) {
	ctx := c.Request.Context()
	sc := userScope(c)
	areas, err := s.deps.Store.AreasIn(ctx, sc)
	if err != nil {
		return nil, err
	}
	var sets []domain.Figures
	if sc.Everything() {
		national, err := s.deps.Store.GovernanceFigures(ctx, from, to, nil, "National")
		if err != nil {
			return nil, err
		}
		sets = append(sets, national)
	}
	for _, a := range areas {
		fig, err := s.deps.Store.GovernanceFigures(ctx, from, to, &a.ID, a.Name)
		if err != nil {
			return nil, err
		}
		sets = append(sets, fig)
	}
	if err := s.recordRead(c, "report_produced", "report", "governance", map[string]any{"areas": len(areas)}); err != nil {
		return nil, err
	}
	return workbook.BuildGovernanceReport(from, to, sets)
}

// sendGovernanceReport sends the report as a download named by its period.
func sendGovernanceReport(c *gin.Context, from, to time.Time, data []byte) {
	c.Header("Content-Disposition", `attachment; filename="governance-report-`+from.Format(time.DateOnly)+`-to-`+to.Format(time.DateOnly)+`.xlsx"`)
	c.Data(http.StatusOK, workbook.ContentType, data)
}
