package server

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/totp"
)

// twoFactorPath is the second-factor page: the one page a session that
// must enrol can reach.
const twoFactorPath = "/me/two-factor"

// totpIssuer names scrutiny in a person's authenticator app.
const totpIssuer = "LSIP scrutiny"

func (s *Server) twoFactorRoutes(me *gin.RouterGroup) {
	me.GET("/two-factor", s.twoFactorPage)
	me.POST("/two-factor", s.confirmTwoFactor)
	me.POST("/two-factor/recovery-codes", s.newRecoveryCodes)
	me.POST("/two-factor/off", s.turnOffTwoFactor)
}

// twoFactorView is the second-factor page's data. Codes are recovery
// codes just made, shown this once.
type twoFactorView struct {
	On, Required bool
	Secret       string
	// URI is the otpauth:// setup link, which html/template would
	// otherwise refuse as an unknown scheme.
	URI   template.URL
	Codes []string
	Left  int
}

func (s *Server) twoFactorPage(c *gin.Context) {
	s.renderTwoFactor(c, http.StatusOK, nil, nil)
}

func (s *Server) renderTwoFactor(c *gin.Context, status int, codes []string, errs []FieldError) {
	ctx := c.Request.Context()
	u := currentUser(c)
	v := twoFactorView{Required: needsSecondFactor(u.Role), Codes: codes}
	var err error
	if v.On, err = s.deps.Store.SecondFactorOn(ctx, u.ID); err == nil {
		if v.On {
			v.Left, err = s.deps.Store.RecoveryCodesLeft(ctx, u.ID)
		} else if v.Secret, err = s.deps.Store.EnrolmentSecret(ctx, u.ID); err == nil {
			v.URI = template.URL(totp.URI(totpIssuer, u.Email, v.Secret))
		}
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	fe := map[string]string{}
	for _, e := range errs {
		fe[e.Field] = e.Message
	}
	render(c, status, "account_two_factor.html", s.staffPage(c, page{Title: "Two-step sign-in", Page: v, Errors: errs, FieldErrors: fe, Flash: c.Query("done")}))
}

// confirmTwoFactor turns the second factor on once the person types a
// code from their app, and shows their recovery codes once.
func (s *Server) confirmTwoFactor(c *gin.Context) {
	codes, err := s.deps.Store.ConfirmTOTP(c.Request.Context(), currentUser(c), c.PostForm("code"), time.Now())
	switch {
	case errors.Is(err, store.ErrBadCode):
		s.renderTwoFactor(c, http.StatusUnprocessableEntity, nil, []FieldError{{Field: "code",
			Message: "That code is not right. Type the 6-digit code your app shows now for LSIP scrutiny"}})
	case errors.Is(err, store.ErrNotFound):
		c.Redirect(http.StatusSeeOther, twoFactorPath)
	case err != nil:
		s.pageError(c, err)
	default:
		s.renderTwoFactor(c, http.StatusOK, codes, nil)
	}
}

func (s *Server) newRecoveryCodes(c *gin.Context) {
	u := currentUser(c)
	on, err := s.deps.Store.SecondFactorOn(c.Request.Context(), u.ID)
	if err != nil {
		s.pageError(c, err)
		return
	}
	if !on {
		c.Redirect(http.StatusSeeOther, twoFactorPath)
		return
	}
	codes, err := s.deps.Store.NewRecoveryCodes(c.Request.Context(), u)
	if err != nil {
		s.pageError(c, err)
		return
	}
	s.renderTwoFactor(c, http.StatusOK, codes, nil)
}

// turnOffTwoFactor is for those whose role does not need a second factor.
func (s *Server) turnOffTwoFactor(c *gin.Context) {
	u := currentUser(c)
	if needsSecondFactor(u.Role) {
		errorPage(c, Problem{Status: http.StatusForbidden, Title: "Two-step sign-in stays on",
			Detail: "Admins and managers must sign in with a code. To move it to a new phone, ask an admin to reset it, then set it up again."}, twoFactorPath, "Back")
		return
	}
	if err := s.deps.Store.TurnOffTOTP(c.Request.Context(), u, u.Email); err != nil {
		s.pageError(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, twoFactorPath+"?done="+url.QueryEscape("Two-step sign-in is off."))
}
