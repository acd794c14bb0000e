package server

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/lsip/scrutiny/caseimport"
	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/domain"
)

// coordinatorPageRoutes are the pages for what the API offers coordinators
// (and, where the API allows, managers): case import and search, a panel's
// members, a cycle's reschedule, cancellation and leavers, and the key
// messages and governance report to download. Each uses the same store
// method or workflow update as its API route.
func (s *Server) coordinatorPageRoutes() {
	staff := s.engine.Group("", s.requireSession)
	staff.GET("/cases", requireRole(staffRoles), s.caseSearchPage)
	staff.GET("/cases/import", requireRole(importers), s.caseImportPage)
	staff.POST("/cases/import", requireRole(importers), s.caseImportSubmit)
	staff.GET("/members", requireRole(staffRoles), s.memberPanelsPage)
	staff.GET("/panels/:id/members", requireRole(staffRoles), s.membersPage)
	staff.POST("/panels/:id/members", requireRole(coordinatorOnly), s.memberAddSubmit)
	staff.GET("/members/:id", requireRole(coordinatorOnly), s.memberEditPage)
	staff.POST("/members/:id", requireRole(coordinatorOnly), s.memberEditSubmit)
	staff.POST("/members/:id/deactivate", requireRole(coordinatorOnly), s.memberDeactivateSubmit)
	staff.POST("/members/:id/link", requireRole(coordinatorOnly), s.memberLinkSubmit)
	staff.POST("/cycles/:id/reschedule", requireRole(coordinatorOnly), s.rescheduleSubmit)
	staff.POST("/cycles/:id/cancel", requireRole(coordinatorOnly), s.cyclePost(cycle.UpdateCancel, "The cycle is cancelled and the members told.", func(c *gin.Context) (any, string) {
		r := cycle.CancelRequest{Reason: c.PostForm("reason"), By: currentUser(c).Email}
		if r.Reason == "" {
			return nil, "Give the reason for cancelling: the members are told it."
		}
		return r, ""
	}))
	staff.POST("/cycles/:id/leave", requireRole(coordinatorOnly), s.memberLeaveSubmit)
	staff.GET("/cycles/:id/key-messages.xlsx", requireRole(staffRoles), s.cycleFile(domain.FileKeyMessages))
	staff.GET("/reports/governance", requireRole(managerOnly), s.governancePage)
	staff.GET("/reports/governance.xlsx", requireRole(managerOnly), s.governanceDownload)
}

// caseSearch is the case search page's data: the filters as typed, the
// page of cases found and the query strings of the pages either side.
type caseSearch struct {
	Q, Area, Strand, From, To string
	Areas                     []domain.Area
	Strands                   []domain.Strand
	Searched                  bool
	Items                     []caseRow
	Total                     int
	Prev, Next                string
}

// caseRow is a case as the search page lists it, its strands in words.
type caseRow struct {
	domain.CaseListing
	StrandLabels string
}

// caseSearchPage searches closed cases as the API does (store.SearchCases,
// in the user's scope), showing anonymised fields only: never a URN.
func (s *Server) caseSearchPage(c *gin.Context) {
	v := caseSearch{Q: c.Query("q"), Area: c.Query("area"), Strand: c.Query("strand"), From: c.Query("finalised_from"), To: c.Query("finalised_to"),
		Areas: domain.Areas, Strands: domain.Strands, Searched: len(c.Request.URL.Query()) > 0}
	f, errs := caseFilter(c.Query)
	if len(errs) > 0 {
		render(c, http.StatusUnprocessableEntity, "cases_search.html", s.staffPage(c, page{Title: "Find closed cases", Page: v, Errors: errs, FieldErrors: fieldMap(errs)}))
		return
	}
	limit, offset, pg := paging(c)
	if v.Searched {
		items, total, err := s.deps.Store.SearchCases(c.Request.Context(), userScope(c), f, limit, offset)
		if err == nil {
			err = s.recordRead(c, "cases_searched", "cases", "", map[string]any{"results": total})
		}
		if err != nil {
			s.pageError(c, err)
			return
		}
		v.Total = total
		for _, x := range items {
			var labels []string
			for _, code := range x.Strands {
				if st, ok := domain.StrandByCode(code); ok {
					labels = append(labels, st.Label)
				}
			}
			v.Items = append(v.Items, caseRow{CaseListing: x, StrandLabels: strings.Join(labels, ", ")})
		}
		q := c.Request.URL.Query()
		if pg > 1 {
			q.Set("page", strconv.Itoa(pg-1))
			v.Prev = q.Encode()
		}
		if offset+len(items) < total {
			q.Set("page", strconv.Itoa(pg+1))
			v.Next = q.Encode()
		}
	}
	render(c, http.StatusOK, "cases_search.html", s.staffPage(c, page{Title: "Find closed cases", Page: v}))
}

// caseImport is the upload page's data: every problem in the file, by row
// and column, when it was refused.
type caseImport struct {
	Filename string
	Problems caseimport.Errors
}

func (s *Server) caseImportPage(c *gin.Context) {
	render(c, http.StatusOK, "cases_import.html", s.staffPage(c, page{Title: "Import closed cases", Page: caseImport{}, Flash: c.Query("done")}))
}

// caseImportSubmit imports an uploaded extract as the API does
// (importExtract): a file with any problem is refused whole, and every
// problem is listed by row and column for the coordinator to correct.
func (s *Server) caseImportSubmit(c *gin.Context) {
	refuse := func(status int, v caseImport, errs ...FieldError) {
		render(c, status, "cases_import.html", s.staffPage(c, page{Title: "Import closed cases", Page: v, Errors: errs, FieldErrors: fieldMap(errs)}))
	}
	file, header, err := c.Request.FormFile("file")
	if err != nil {
		refuse(http.StatusUnprocessableEntity, caseImport{}, FieldError{Field: "file", Message: "Choose the CSV or Excel file to import."})
		return
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, 50<<20+1))
	if err != nil || len(data) > 50<<20 {
		refuse(http.StatusRequestEntityTooLarge, caseImport{Filename: header.Filename}, FieldError{Field: "file", Message: "The file is larger than 50 MB. Split the extract into smaller files."})
		return
	}
	res, problems, outside, err := s.importExtract(c, header.Filename, data)
	switch {
	case err != nil:
		s.pageError(c, err)
	case len(problems) > 0:
		msg := fmt.Sprintf("Nothing was imported: the file has %d problems, listed below. Correct them and upload the file again.", problems.Total())
		if problems.Total() > caseimport.MaxProblems {
			msg = fmt.Sprintf("Nothing was imported: the file has %d problems; the first %d are listed below. Correct them and upload the file again.", problems.Total(), caseimport.MaxProblems)
		}
		if problems.Total() == 1 {
			msg = "Nothing was imported: the file has 1 problem, shown below. Correct it and upload the file again."
		}
		refuse(http.StatusUnprocessableEntity, caseImport{Filename: header.Filename, Problems: problems}, FieldError{Field: "problems", Message: msg})
	case len(outside) > 0:
		errs := make([]FieldError, len(outside))
		for i, o := range outside {
			errs[i] = FieldError{Field: "file", Message: "Nothing was imported: " + o.Message + "."}
		}
		refuse(http.StatusForbidden, caseImport{Filename: header.Filename}, errs...)
	default:
		done := fmt.Sprintf("%s is imported: %d rows, %d new cases and %d updated.", header.Filename, res.Rows, res.Inserted, res.Updated)
		c.Redirect(http.StatusSeeOther, "/cases/import?done="+url.QueryEscape(done))
	}
}

// fieldMap is a page's FieldErrors: each field's first message, for the
// template to show beside it.
func fieldMap(errs []FieldError) map[string]string {
	fe := map[string]string{}
	for _, e := range errs {
		if _, seen := fe[e.Field]; !seen {
			fe[e.Field] = e.Message
		}
	}
	return fe
}
