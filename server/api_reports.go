package server

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/workbook"
)

// governanceReport builds the Board report for a date range: nationally and
// for each Area for an admin, or for their own Area for a manager.
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
	u := currentUser(c)
	ctx := c.Request.Context()
	type area struct {
		id   int16
		name string
	}
	var areas []area
	switch u.Role {
	case "admin":
		rows, err := s.deps.Store.Pool.Query(ctx, `SELECT id, name FROM areas ORDER BY name`)
		if err == nil {
			areas, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (area, error) {
				var a area
				return a, r.Scan(&a.id, &a.name)
			})
		}
		if err != nil {
			internalError(c, err)
			return
		}
	case "manager":
		var a area
		if err := s.deps.Store.Pool.QueryRow(ctx, `SELECT id, name FROM areas WHERE id = $1`, u.AreaID).Scan(&a.id, &a.name); err != nil {
			internalError(c, err)
			return
		}
		areas = []area{a}
	default:
		forbidden(c)
		return
	}
	var sets []domain.Figures
	if u.Role == "admin" {
		national, err := s.deps.Store.GovernanceFigures(ctx, from, to, nil, "National")
		if err != nil {
			internalError(c, err)
			return
		}
		sets = append(sets, national)
	}
	for _, a := range areas {
		id := a.id
		fig, err := s.deps.Store.GovernanceFigures(ctx, from, to, &id, a.name)
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
