package server

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/lsip/scrutiny/caseimport"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
)

// importCases takes an uploaded extract and reports the same row-and-column
// problems as the command line. Its cases must all be for Areas the user
// covers: a coordinator their panels' Areas, a manager their own.
func (s *Server) importCases(c *gin.Context) {
	file, header, err := c.Request.FormFile("file")
	if err != nil {
		badRequest(c, "Attach the extract as the form field 'file'.", FieldError{"file", "is required"})
		return
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, 50<<20+1))
	if err != nil || len(data) > 50<<20 {
		writeProblem(c, Problem{Status: http.StatusRequestEntityTooLarge, Title: "The file is too large", Detail: "Split the extract into files under 50 MB."})
		return
	}
	res, problems, outside, err := s.importExtract(c, header.Filename, data)
	switch {
	case err != nil:
		internalError(c, err)
	case len(problems) > 0:
		c.JSON(http.StatusUnprocessableEntity, importRefused{Type: problemType + "import-refused", Title: "Nothing was imported",
			Status: http.StatusUnprocessableEntity, Detail: "Correct these problems and upload the file again.", Problems: problems})
	case len(outside) > 0:
		writeProblem(c, Problem{Status: http.StatusForbidden, Title: "Not allowed", Errors: outside,
			Detail: "Your account can import cases only for the Areas it covers. Nothing was imported."})
	default:
		c.JSON(http.StatusCreated, res)
	}
}

// importExtract checks an extract and imports it for the signed-in user:
// the one way the API and the upload page import. Nothing is imported
// while the file has any problem (each comes back, by row and column) or
// any case is for an Area the user does not cover (each such Area comes
// back against the area column).
func (s *Server) importExtract(c *gin.Context, filename string, data []byte) (caseimport.Result, caseimport.Errors, []FieldError, error) {
	var problems caseimport.Errors
	extract, err := caseimport.Check(filename, data)
	if errors.As(err, &problems) {
		return caseimport.Result{}, problems, nil, nil
	}
	if err != nil {
		return caseimport.Result{}, nil, nil, err
	}
	outside, err := s.areasOutside(c.Request.Context(), userScope(c), extract.Cases)
	if err != nil || len(outside) > 0 {
		return caseimport.Result{}, nil, outside, err
	}
	res, err := caseimport.Save(c.Request.Context(), s.deps.Store, extract, currentUser(c).Email)
	if errors.As(err, &problems) {
		return res, problems, nil, nil
	}
	return res, nil, nil, err
}

// areasOutside names, against the file's area column, each Area the
// cases are for that the scope does not cover.
func (s *Server) areasOutside(ctx context.Context, sc store.Scope, recs []domain.CaseRecord) ([]FieldError, error) {
	if sc.Everything() {
		return nil, nil
	}
	areas, err := s.deps.Store.AreasIn(ctx, sc)
	if err != nil {
		return nil, err
	}
	named := map[string]bool{}
	for _, a := range areas {
		named[a.Code] = true
	}
	var fields []FieldError
	for _, r := range recs {
		if named[r.AreaCode] {
			continue
		}
		named[r.AreaCode] = true // each Area once
		name := r.AreaCode
		if a, ok := domain.AreaByName(r.AreaCode); ok {
			name = a.Name
		}
		fields = append(fields, FieldError{Field: "area", Message: name + " is not an Area your account covers"})
	}
	return fields, nil
}

// searchCases finds cases by Area, strand, finalised dates and reference or
// offence text. It never returns a URN.
func (s *Server) searchCases(c *gin.Context) {
	limit, offset, page := paging(c)
	f, fields := caseFilter(c.Query)
	if len(fields) > 0 {
		badRequest(c, "Some filters are not valid.", fields...)
		return
	}
	items, total, err := s.deps.Store.SearchCases(c.Request.Context(), userScope(c), f, limit, offset)
	if err == nil {
		err = s.recordRead(c, "cases_searched", "cases", "", map[string]any{"results": total})
	}
	if err != nil {
		internalError(c, err)
		return
	}
	pageOf(c, items, total, page, limit)
}

// areaParam reads an Area filter: the Area's numeric ID, or its code
// (such as "wales", see domain.Areas) or name. ok is false for anything
// else.
func areaParam(v string) (id int16, code string, ok bool) {
	if n, err := strconv.ParseInt(v, 10, 16); err == nil {
		return int16(n), "", n > 0
	}
	a, ok := domain.AreaByName(v)
	return 0, a.Code, ok
}

// areaParamMustBe says what an Area filter takes.
const areaParamMustBe = `must be a CPS Area's code (such as "wales") or its numeric ID`

// caseFilter reads a case search's filters through get (the query string,
// for the API and the search page alike): Area (by ID, code or name), strand,
// finalised dates and text. Every filter that is not valid is named.
func caseFilter(get func(string) string) (store.CaseFilter, []FieldError) {
	var f store.CaseFilter
	var fields []FieldError
	if v := get("strand"); v != "" {
		if st, ok := domain.StrandByCode(v); ok {
			f.Strand = st.Code
		} else {
			fields = append(fields, FieldError{"strand", "is not a known strand"})
		}
	}
	if v := get("area"); v != "" {
		var ok bool
		if f.AreaID, f.AreaCode, ok = areaParam(v); !ok {
			fields = append(fields, FieldError{"area", areaParamMustBe})
		}
	}
	for _, p := range []struct {
		name string
		set  **time.Time
	}{{"finalised_from", &f.FinalisedFrom}, {"finalised_to", &f.FinalisedTo}} {
		if v := get(p.name); v != "" {
			d, err := time.Parse(time.DateOnly, v)
			if err != nil {
				fields = append(fields, FieldError{p.name, "must be a date as YYYY-MM-DD"})
				continue
			}
			*p.set = &d
		}
	}
	f.Text = strings.TrimSpace(get("q"))
	return f, fields
}
