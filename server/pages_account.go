package server

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/lsip/scrutiny/passwords"
	"github.com/lsip/scrutiny/store"
)

// accountPageRoutes serve the single-use account links: the first admin's
// link printed by `scrutiny users create`, invitations and password
// resets. Each shows who the link is for, asks for a new password twice,
// and signs the person in. Opening the link changes nothing; only the
// form's button does, because mail scanners open links.
func (s *Server) accountPageRoutes() {
	s.engine.GET("/account/:token", s.accountLinkPage)
	s.engine.POST("/account/:token", s.useAccountLink)
	s.meRoutes()
	s.peopleRoutes()
}

// accountLinkView is what the choose-a-password page shows.
type accountLinkView struct {
	Name, Email string
	Purpose     store.LinkPurpose
	Action      string
}

func (s *Server) accountLinkPage(c *gin.Context) {
	l, err := s.deps.Store.PeekAccountLink(c.Request.Context(), c.Param("token"))
	if err != nil {
		s.accountLinkError(c, err)
		return
	}
	render(c, http.StatusOK, "account_link.html", page{Title: "Choose a password",
		Page: accountLinkView{Name: l.User.Name, Email: l.User.Email, Purpose: l.Purpose, Action: c.Request.URL.Path}})
}

func (s *Server) useAccountLink(c *gin.Context) {
	ctx := c.Request.Context()
	token := c.Param("token")
	l, err := s.deps.Store.PeekAccountLink(ctx, token)
	if err != nil {
		s.accountLinkError(c, err)
		return
	}
	password, again := c.PostForm("password"), c.PostForm("password_again")
	var fe FieldError
	switch err := passwords.Check(password, l.User.Name, l.User.Email); {
	case err != nil:
		fe = FieldError{Field: "password", Message: sentence(err.Error())}
	case password != again:
		fe = FieldError{Field: "password_again", Message: "The two passwords are not the same; type it again"}
	}
	if fe.Field != "" {
		render(c, http.StatusUnprocessableEntity, "account_link.html", page{Title: "Choose a password", Errors: []FieldError{fe},
			FieldErrors: map[string]string{fe.Field: fe.Message},
			Page:        accountLinkView{Name: l.User.Name, Email: l.User.Email, Purpose: l.Purpose, Action: c.Request.URL.Path}})
		return
	}
	u, err := s.deps.Store.UseAccountLink(ctx, token, password)
	if err != nil {
		s.accountLinkError(c, err)
		return
	}
	// Someone with a second factor signs in with it: a reset link alone,
	// which anyone who can read their email holds, is not enough.
	on, err := s.deps.Store.SecondFactorOn(ctx, u.ID)
	if err != nil {
		s.pageError(c, err)
		return
	}
	if on {
		c.Redirect(http.StatusSeeOther, "/login?done="+url.QueryEscape("Your password is saved. Sign in with it and the code from your app."))
		return
	}
	cookie, _, err := s.deps.Store.OpenSession(ctx, u, sessionTTL, device(c), needsSecondFactor(u.Role))
	if err != nil {
		s.pageError(c, err)
		return
	}
	s.setSession(c, cookie)
	if needsSecondFactor(u.Role) {
		c.Redirect(http.StatusSeeOther, twoFactorPath+"?done="+url.QueryEscape("Your password is saved. Now set up two-step sign-in."))
		return
	}
	c.Redirect(http.StatusSeeOther, "/actions?done="+url.QueryEscape("Your password is saved and you are signed in."))
}

// accountLinkError explains a link that cannot be used, and where to get
// a new one.
func (s *Server) accountLinkError(c *gin.Context, err error) {
	if errors.Is(err, store.ErrLinkUnknown) || errors.Is(err, store.ErrLinkUsed) || errors.Is(err, store.ErrLinkExpired) {
		errorPage(c, Problem{Status: http.StatusGone, Title: "This link cannot be used",
			Detail: sentence(err.Error()) + ". An admin can send a new invitation, or you can ask for a password reset on the sign-in page."}, "/login", "Go to the sign-in page")
		return
	}
	s.pageError(c, err)
}

// sentence gives text a capital first letter, so an error's message or a
// label can open a sentence on a page.
func sentence(msg string) string {
	if msg == "" {
		return msg
	}
	r, size := utf8.DecodeRuneInString(msg)
	return string(unicode.ToUpper(r)) + msg[size:]
}

// setSession gives the browser its session cookie: HTTP only, same-site,
// and secure whenever scrutiny is served over HTTPS.
func (s *Server) setSession(c *gin.Context, cookie string) {
	secure := strings.HasPrefix(s.deps.Config.PublicURL, "https://")
	c.SetSameSite(http.SameSiteLaxMode)
	c.SetCookie(sessionCookie, cookie, int(sessionTTL.Seconds()), "/", "", secure, true)
}
