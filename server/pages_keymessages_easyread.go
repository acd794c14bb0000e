package server

import (
	"errors"
	"html/template"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/i18n"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/uktime"
	"github.com/lsip/scrutiny/workbook"
)

// keyMessagesPageRoutes are a cycle's public key messages as a plain HTML
// page beside the workbook: layout=easyread gives the Easy Read layout and
// download=yes the page as a file with its stylesheet inside; lang=cy
// gives the Welsh text. Staff who
// can see the cycle may read them once the minutes are issued.
func (s *Server) keyMessagesPageRoutes() {
	staff := s.engine.Group("", s.requireSession)
	staff.GET("/cycles/:id/key-messages", requireRole(staffRoles), s.keyMessagesPage)
}

// keyMessagesDoc is what the key messages' page templates receive, with
// the words of the page's language.
type keyMessagesDoc struct {
	publicText
	PanelName, AreaName, Month string
	// Cases is nil for a forum, which reviews no cases.
	Cases  *workbook.Count
	Groups []workbook.KeyMessagesGroup
	// Inline is the stylesheet, when the page leaves the site.
	Inline template.CSS
}

// keyMessagesPage shows the key messages of a cycle whose minutes are
// issued, built from the same records and by the same grouping and
// redaction (workbook.KeyMessageGroups) as the key messages workbook.
// The read is audited like the workbook's download.
func (s *Server) keyMessagesPage(c *gin.Context) {
	cr, p := s.findCycle(c)
	if p != nil {
		errorPage(c, *p, "/cycles", "Back to cycles")
		return
	}
	ctx := c.Request.Context()
	fileID, err := s.deps.Store.LatestCycleFile(ctx, cr.ID, domain.FileKeyMessages, 0)
	if errors.Is(err, store.ErrNotFound) {
		errorPage(c, Problem{Status: http.StatusNotFound, Title: "No key messages yet", Detail: "The key messages are published when the minutes are issued."},
			"/cycles/"+strconv.FormatInt(cr.ID, 10), "Back to the cycle")
		return
	}
	var cy domain.Cycle
	var points []store.MinutesLearningPoint
	var cases []store.CaseOutcome
	if err == nil {
		cy, err = s.deps.Store.Cycle(ctx, cr.ID)
	}
	if err == nil {
		points, err = s.deps.Store.LearningPoints(ctx, cr.ID)
	}
	if err == nil && cy.PanelKind != domain.PanelForum {
		cases, err = s.deps.Store.CaseOutcomes(ctx, cr.ID)
	}
	easyRead := c.Query("layout") == "easyread"
	if err == nil {
		err = s.recordRead(c, "file_downloaded", "file", strconv.FormatInt(fileID, 10), map[string]any{"kind": domain.FileKeyMessages, "format": map[bool]string{false: "html", true: "easyread"}[easyRead]})
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	k := workbook.KeyMessages{PanelName: cy.PanelName, AreaName: cy.AreaName, Meeting: cy.Meeting()}
	for _, l := range points {
		k.LearningPoints = append(k.LearningPoints, workbook.LearningPoint(l))
	}
	l := i18n.For(i18n.Parse(c.Query("lang")))
	d := keyMessagesDoc{publicText: publicText{L: l}, PanelName: cy.PanelName, AreaName: cy.AreaName, Month: l.Month(cy.Meeting().In(uktime.London)), Groups: workbook.KeyMessageGroups(k)}
	if cy.PanelKind != domain.PanelForum {
		d.Cases = &workbook.Count{Label: l.T("community.km.cases"), N: len(cases)}
	}
	if c.Query("download") == "yes" {
		d.Inline = communityCSS()
		c.Header("Content-Disposition", `attachment; filename="key-messages-`+strconv.FormatInt(cr.ID, 10)+map[bool]string{false: "", true: "-easy-read"}[easyRead]+`.html"`)
	}
	name := "community_keymessages.html"
	if easyRead {
		name = "community_keymessages_easyread.html"
	}
	render(c, http.StatusOK, name, page{Title: l.T("community.km.title", "Panel", cy.PanelName), Page: d, L: l})
}
