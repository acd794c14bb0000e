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
	from, errFrom := time.Parse(time.DateOnly, c.Query("from"))
	to, errTo := time.Parse(time.DateOnly, c.Query("to"))
	var fields []FieldError
	if errFrom != nil {
		fields = append(fields, FieldError{Field: "from", Message: "must be a date as YYYY-MM-DD"})
	}
	if errTo != nil {
		fields = append(fields, FieldError{Field: "to", Message: "must be a date as YYYY-MM-DD"})
	}
	if errFrom == nil && errTo == nil && to.Before(from) {
		fields = append(fields, FieldError{Field: "to", Message: "must not be before from"})
	}
	if len(fields) > 0 {
		badRequest(c, "The report needs a valid period.", fields...)
		return
	}
	ctx := c.Request.Context()
	sc := userScope(c)
	areas, err := s.deps.Store.AreasIn(ctx, sc)
	if err != nil {
		internalError(c, err)
		return
	}
	var sets []domain.Figures
	if sc.Everything() {
		national, err := s.deps.Store.GovernanceFigures(ctx, from, to, nil, "National")
		if err != nil {
			internalError(c, err)
			return
		}
		sets = append(sets, national)
	}
	for _, a := range areas {
		fig, err := s.deps.Store.GovernanceFigures(ctx, from, to, &a.ID, a.Name)
		if err != nil {
			internalError(c, err)
			return
		}
		sets = append(sets, fig)
	}
	data, err := workbook.BuildGovernanceReport(from, to, sets)
	if err != nil {
		internalError(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="governance-report-`+c.Query("from")+`-to-`+c.Query("to")+`.xlsx"`)
	c.Data(http.StatusOK, workbook.ContentType, data)
}
