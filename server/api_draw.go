package server

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/lsip/scrutiny/store"
)

// cycleDraw answers GET /cycles/{id}/draw: the cycle's draw as anyone may
// check it (selection.Record), its cases as pseudonymous ordinals only, so
// that `scrutiny draw verify` or a program of one's own can repeat it from
// the seed (docs/selection.md). It is scoped like every cycle read.
func (s *Server) cycleDraw(c *gin.Context) {
	cr, ok := s.loadCycle(c)
	if !ok {
		return
	}
	rec, err := s.deps.Store.PublishedDraw(c.Request.Context(), cr.ID)
	if errors.Is(err, store.ErrNotFound) {
		writeProblem(c, Problem{Status: http.StatusNotFound, Title: "Not drawn yet", Detail: "The cases of this cycle have not been drawn yet."})
		return
	}
	if err != nil {
		internalError(c, err)
		return
	}
	c.JSON(http.StatusOK, rec)
}
