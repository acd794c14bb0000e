package server

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
)

func (s *Server) listPanels(c *gin.Context) {
	limit, offset, page := paging(c)
	items, total, err := s.deps.Store.PanelsIn(c.Request.Context(), userScope(c), limit, offset)
	if err != nil {
		internalError(c, err)
		return
	}
	pageOf(c, items, total, page, limit)
}

// panelRequest creates a panel.
type panelRequest struct {
	Area    string   `json:"area"`
	Name    string   `json:"name"`
	Covers  string   `json:"covers"`
	Strands []string `json:"strands"`
	// Kind is local (the default), national or forum. A national panel's
	// area is the Area that hosts it; it draws from every Area.
	Kind domain.PanelKind `json:"kind"`
	// Bilingual (optional, false by default) writes every member email in
	// Welsh then English, as a panel in Wales may.
	Bilingual bool `json:"bilingual"`
}

// coversBoth is a panel's covers when it reviews both categories.
const coversBoth = "both"

// createPanel adds a panel with the strands it reviews; each strand must
// belong to what the panel covers.
func (s *Server) createPanel(c *gin.Context) {
	var req panelRequest
	if !decodeJSON(c, &req) {
		return
	}
	var fields []FieldError
	area, ok := domain.AreaByName(req.Area)
	if !ok {
		fields = append(fields, FieldError{"area", "is not one of the 14 CPS Areas"})
	}
	if strings.TrimSpace(req.Name) == "" {
		fields = append(fields, FieldError{"name", "is required"})
	}
	if req.Covers != string(domain.HateCrime) && req.Covers != string(domain.VAWG) && req.Covers != coversBoth {
		fields = append(fields, FieldError{"covers", "must be hate_crime, vawg or both"})
	}
	if len(req.Strands) == 0 {
		fields = append(fields, FieldError{"strands", "name at least one strand"})
	}
	if req.Kind != "" && !slices.Contains(domain.PanelKinds, req.Kind) {
		fields = append(fields, FieldError{"kind", "must be local, national or forum"})
	}
	for i, code := range req.Strands {
		st, ok := domain.StrandByCode(code)
		switch {
		case !ok:
			fields = append(fields, FieldError{fmt.Sprintf("strands[%d]", i), "is not a known strand"})
		case req.Covers != coversBoth && string(st.Category) != req.Covers:
			fields = append(fields, FieldError{fmt.Sprintf("strands[%d]", i), "is not a strand of what the panel covers"})
		default:
			req.Strands[i] = st.Code
		}
	}
	if len(fields) > 0 {
		badRequest(c, "Some fields need correcting.", fields...)
		return
	}
	out, err := s.deps.Store.CreatePanel(c.Request.Context(), domain.NewPanel{AreaCode: area.Code, Name: req.Name, Covers: req.Covers, Strands: req.Strands, Kind: req.Kind, Bilingual: req.Bilingual},
		currentUser(c).Email)
	if _, dup := store.IsUniqueViolation(err); dup {
		writeProblem(c, Problem{Status: http.StatusConflict, Title: "That panel exists", Detail: "The Area already has a panel with this name.", Errors: []FieldError{{"name", "is already used in this Area"}}})
		return
	}
	if err != nil {
		internalError(c, err)
		return
	}
	c.JSON(http.StatusCreated, out)
}

// loadPanel finds the panel in the path, writing the problem when it is
// missing or not the user's.
func (s *Server) loadPanel(c *gin.Context, param string) (int64, bool) {
	id, err := strconv.ParseInt(c.Param(param), 10, 64)
	if err != nil {
		notFound(c, "The panel")
		return 0, false
	}
	p, err := s.deps.Store.PanelIn(c.Request.Context(), userScope(c), id)
	if err != nil {
		writeProblem(c, lookupProblem(c, err, "The panel"))
		return 0, false
	}
	return p.ID, true
}
