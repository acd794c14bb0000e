package server

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/i18n"
)

// agreementPage is what the confidentiality agreement page shows.
type agreementPage struct {
	Agreement domain.Agreement
}

// requireAgreement shows a member who has not yet accepted the
// confidentiality agreement the agreement instead of what they asked for:
// nothing on their personal page, not even the non-identifying teasers,
// comes before it. A form posted before accepting is answered the same
// way, with 409, and changes nothing.
func (s *Server) requireAgreement(c *gin.Context) {
	ag, err := s.deps.Store.AgreementOf(c.Request.Context(), currentMember(c).MemberID)
	if err != nil {
		s.pageError(c, err)
		c.Abort()
		return
	}
	if ag.Accepted() {
		c.Next()
		return
	}
	status := http.StatusOK
	if c.Request.Method != http.MethodGet {
		status = http.StatusConflict
	}
	renderAgreement(c, status, nil)
	c.Abort()
}

func renderAgreement(c *gin.Context, status int, errs []FieldError) {
	fe := map[string]string{}
	for _, e := range errs {
		fe[e.Field] = e.Message
	}
	ag := agreementIn(localizer(c))
	render(c, status, "member_agreement.html", memberView(c, page{Title: ag.Title,
		Page: agreementPage{Agreement: ag}, Errors: errs, FieldErrors: fe}))
}

// agreementParagraphs is how many paragraphs the current agreement has in
// the catalogues (agreement.p1 to agreement.p6).
const agreementParagraphs = 6

// agreementIn is the current confidentiality agreement worded in the
// member's language, under the current version: a member accepts, and the
// store records word for word, the text they were shown. In English it is
// domain.CurrentAgreement, as a test checks.
func agreementIn(l *i18n.Localizer) domain.Agreement {
	ag := domain.Agreement{Version: domain.CurrentAgreement.Version, Title: l.T("agreement.title")}
	for i := 1; i <= agreementParagraphs; i++ {
		ag.Paragraphs = append(ag.Paragraphs, l.T(fmt.Sprintf("agreement.p%d", i)))
	}
	return ag
}

// memberAgreementSubmit records the member's acceptance of the current
// agreement, word for word, and takes them to their page. Without the box
// ticked the agreement is shown again with the reason.
func (s *Server) memberAgreementSubmit(c *gin.Context) {
	if c.PostForm("accept") != "yes" {
		renderAgreement(c, http.StatusUnprocessableEntity, []FieldError{{Field: "accept", Message: localizer(c).T("agreement.err.tick")}})
		return
	}
	if err := s.deps.Store.AcceptAgreement(c.Request.Context(), currentMember(c).MemberID, agreementIn(localizer(c))); err != nil {
		s.pageError(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, memberBase(c)+"?done=agreement")
}

// withAgreements adds where each active member of the panel stands with
// the confidentiality agreement to a cycle page, for the coordinator.
func (s *Server) withAgreements(c *gin.Context, panelID int64, p page) (page, error) {
	var err error
	p.Agreements, err = s.deps.Store.PanelAgreements(c.Request.Context(), panelID)
	return p, err
}
