package server

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/lsip/scrutiny/domain"
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
	render(c, status, "member_agreement.html", page{Title: domain.CurrentAgreement.Title, Base: memberBase(c),
		Page: agreementPage{Agreement: domain.CurrentAgreement}, Errors: errs, FieldErrors: fe})
}

// memberAgreementSubmit records the member's acceptance of the current
// agreement, word for word, and takes them to their page. Without the box
// ticked the agreement is shown again with the reason.
func (s *Server) memberAgreementSubmit(c *gin.Context) {
	if c.PostForm("accept") != "yes" {
		renderAgreement(c, http.StatusUnprocessableEntity, []FieldError{{Field: "accept",
			Message: "Tick the box to say you accept the agreement. If you cannot accept it, please contact your panel coordinator."}})
		return
	}
	if err := s.deps.Store.AcceptAgreement(c.Request.Context(), currentMember(c).MemberID, domain.CurrentAgreement); err != nil {
		s.pageError(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, memberBase(c)+"?done=Thank+you.+You+have+accepted+the+confidentiality+agreement.")
}

// withAgreements adds where each active member of the panel stands with
// the confidentiality agreement to a cycle page, for the coordinator.
func (s *Server) withAgreements(c *gin.Context, panelID int64, p page) (page, error) {
	var err error
	p.Agreements, err = s.deps.Store.PanelAgreements(c.Request.Context(), panelID)
	return p, err
}
