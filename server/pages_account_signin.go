package server

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/mailtext"
	"github.com/lsip/scrutiny/store"
)

// sessionKey holds the signed-in session's number on the request.
const sessionKey = "session"

// resetTTL is how long a password reset link works.
const resetTTL = time.Hour

// The sign-in page has three steps, all at /login so that only the
// sign-in page is public: the password, then the second factor for those
// who have one, and the "forgotten password" form.
const (
	stepCode   = "code"
	stepForgot = "forgot"
)

// signinView is what the sign-in pages show.
type signinView struct {
	Email     string
	Challenge string
	// Sent says a reset was asked for; the page gives the same answer
	// whether or not the address has an account.
	Sent bool
}

func (s *Server) loginPage(c *gin.Context) {
	if c.Query(stepForgot) != "" {
		render(c, http.StatusOK, "login_forgot.html", page{Title: "Reset your password", Page: signinView{}})
		return
	}
	render(c, http.StatusOK, "login.html", page{Title: "Sign in", Next: c.Query("next"), Flash: c.Query("done"), Page: signinView{}})
}

// login is the password step, and dispatches the other two.
func (s *Server) login(c *gin.Context) {
	switch c.PostForm("step") {
	case stepCode:
		s.loginCode(c)
		return
	case stepForgot:
		s.forgotPassword(c)
		return
	}
	ctx := c.Request.Context()
	email, dev := strings.TrimSpace(c.PostForm("email")), device(c)
	again := func(status int, msg string) {
		fe := FieldError{Field: "email", Message: msg}
		render(c, status, "login.html", page{Title: "Sign in", Errors: []FieldError{fe}, FieldErrors: map[string]string{"email": msg},
			Next: c.PostForm("next"), Page: signinView{Email: email}})
	}
	if s.throttled(c, email, dev.Address, 0, func(msg string) { again(http.StatusTooManyRequests, msg) }) {
		return
	}
	u, err := s.deps.Store.CheckPassword(ctx, email, c.PostForm("password"))
	if errors.Is(err, store.ErrBadLogin) {
		if err := s.deps.Store.RecordSigninFailure(ctx, email, dev.Address, store.FailPassword, 0); err != nil {
			s.pageError(c, err)
			return
		}
		again(http.StatusUnauthorized, "The email address or password is not right")
		return
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	on, err := s.deps.Store.SecondFactorOn(ctx, u.ID)
	if err != nil {
		s.pageError(c, err)
		return
	}
	if !on {
		s.signIn(c, u, needsSecondFactor(u.Role))
		return
	}
	challenge, err := s.deps.Store.IssueChallenge(ctx, u.ID)
	if err != nil {
		s.pageError(c, err)
		return
	}
	render(c, http.StatusOK, "login_code.html", page{Title: "Enter your code", Next: c.PostForm("next"), Page: signinView{Challenge: challenge}})
}

// loginCode is the second-factor step: a code from the person's app, or
// one of their recovery codes.
func (s *Server) loginCode(c *gin.Context) {
	ctx := c.Request.Context()
	challenge, dev := c.PostForm("challenge"), device(c)
	u, err := s.deps.Store.ChallengeUser(ctx, challenge)
	if errors.Is(err, store.ErrNotFound) {
		fe := FieldError{Field: "email", Message: "Signing in took too long. Please sign in again"}
		render(c, http.StatusUnauthorized, "login.html", page{Title: "Sign in", Errors: []FieldError{fe}, FieldErrors: map[string]string{"email": fe.Message}, Next: c.PostForm("next"), Page: signinView{}})
		return
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	again := func(status int, msg string) {
		fe := FieldError{Field: "code", Message: msg}
		render(c, status, "login_code.html", page{Title: "Enter your code", Errors: []FieldError{fe}, FieldErrors: map[string]string{"code": msg},
			Next: c.PostForm("next"), Page: signinView{Challenge: challenge}})
	}
	if s.throttled(c, u.Email, dev.Address, u.ID, func(msg string) { again(http.StatusTooManyRequests, msg) }) {
		return
	}
	_, err = s.deps.Store.CheckSecondFactor(ctx, u.ID, c.PostForm("code"), time.Now())
	if errors.Is(err, store.ErrBadCode) {
		if err := s.deps.Store.RecordSigninFailure(ctx, u.Email, dev.Address, store.FailCode, u.ID); err != nil {
			s.pageError(c, err)
			return
		}
		again(http.StatusUnauthorized, sentence(err.Error()))
		return
	}
	if err == nil {
		err = s.deps.Store.EndChallenge(ctx, challenge)
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	s.signIn(c, u, false)
}

// throttled refuses a sign-in that comes too soon after too many
// failures, records the refusal, and shows how long to wait.
func (s *Server) throttled(c *gin.Context, email, address string, userID int64, show func(msg string)) bool {
	ctx := c.Request.Context()
	wait, err := s.deps.Store.SigninWait(ctx, email, address)
	if err == nil && wait > 0 {
		err = s.deps.Store.RecordSigninFailure(ctx, email, address, store.FailThrottled, userID)
	}
	if err != nil {
		s.pageError(c, err)
		return true
	}
	if wait <= 0 {
		return false
	}
	show(fmt.Sprintf("There have been too many attempts to sign in. Please wait %d minutes and try again, or reset your password", int(wait.Minutes())+1))
	return true
}

// signIn opens the session and goes on to the page the person asked for,
// or to enrolling a second factor when their role needs one and they have
// none yet.
func (s *Server) signIn(c *gin.Context, u store.User, mustEnrol bool) {
	cookie, _, err := s.deps.Store.OpenSession(c.Request.Context(), u, sessionTTL, device(c), mustEnrol)
	if err != nil {
		s.pageError(c, err)
		return
	}
	s.setSession(c, cookie)
	next := localPath(c.PostForm("next"), "/actions")
	if mustEnrol {
		next = twoFactorPath
	}
	c.Redirect(http.StatusSeeOther, next)
}

// forgotPassword emails a reset link to an active account with the
// address, and answers the same whether or not there is one, so the page
// cannot be used to learn who has an account.
func (s *Server) forgotPassword(c *gin.Context) {
	ctx := c.Request.Context()
	email := strings.TrimSpace(c.PostForm("email"))
	if addr, err := mail.ParseAddress(email); err != nil || addr.Address != email {
		fe := FieldError{Field: "email", Message: "Enter your email address, like name@cps.gov.uk"}
		render(c, http.StatusUnprocessableEntity, "login_forgot.html", page{Title: "Reset your password", Errors: []FieldError{fe},
			FieldErrors: map[string]string{"email": fe.Message}, Page: signinView{Email: email}})
		return
	}
	if err := s.deps.Store.Audit(ctx, email, "password_reset_requested", "user", "", map[string]any{"address": device(c).Address}); err != nil {
		s.pageError(c, err)
		return
	}
	u, err := s.deps.Store.ActiveUserByEmail(ctx, email)
	if err == nil {
		err = s.sendAccountLink(c, u, store.LinkReset, resetTTL, email, "")
	}
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		// Said to no one but the log: the answer must not differ.
		slog.Error("password reset", "error", err)
	}
	render(c, http.StatusOK, "login_forgot.html", page{Title: "Check your email", Page: signinView{Email: email, Sent: true}})
}

// sendAccountLink issues a single-use link for the person and emails it:
// a reset, or an invitation from invitedBy.
func (s *Server) sendAccountLink(c *gin.Context, u store.User, purpose store.LinkPurpose, ttl time.Duration, actor, invitedBy string) error {
	token, err := s.deps.Store.IssueAccountLink(c.Request.Context(), u.ID, purpose, ttl, actor)
	if err != nil {
		return err
	}
	return s.mailAccountLink(c, u, purpose, token, ttl, invitedBy)
}

// mailAccountLink emails an issued account link. The message key names
// the link by a hash of its token, so each link is one message.
func (s *Server) mailAccountLink(c *gin.Context, u store.User, purpose store.LinkPurpose, token string, ttl time.Duration, invitedBy string) error {
	name := "account-reset"
	if purpose == store.LinkInvitation {
		name = "account-invitation"
	}
	subject, body, err := mailtext.Render(name, map[string]any{"Name": u.Name, "InvitedBy": invitedBy, "Role": roleLabel(u.Role),
		"SecondFactor": needsSecondFactor(u.Role), "Link": s.deps.Config.PublicURL + "/account/" + token, "Expires": time.Now().Add(ttl)})
	if err != nil {
		return err
	}
	sum := sha256.Sum256([]byte(token))
	return s.sendMail(c.Request.Context(), store.Mail{Key: fmt.Sprintf("account/%s/%d/%s", purpose, u.ID, hex.EncodeToString(sum[:8])),
		ToAddress: u.Email, ToName: u.Name, Subject: subject, BodyText: body})
}

// needsSecondFactor says whether the role must sign in with a second
// factor: admins and managers, whose accounts reach furthest.
func needsSecondFactor(r domain.StaffRole) bool {
	return r == domain.StaffAdmin || r == domain.StaffManager
}

// roleLabel is a role in plain English, as a person is told it.
func roleLabel(r domain.StaffRole) string {
	switch r {
	case domain.StaffAdmin:
		return "administrator"
	case domain.StaffCoordinator:
		return "panel coordinator"
	case domain.StaffChair:
		return "panel chair"
	case domain.StaffManager:
		return "Area manager"
	}
	return string(r)
}

// device is where a request comes from, for the session list and the
// sign-in slowdown.
func device(c *gin.Context) store.Device {
	return store.Device{UserAgent: c.Request.UserAgent(), Address: c.ClientIP()}
}

// clearSession tells the browser to forget its session cookie.
func (s *Server) clearSession(c *gin.Context) {
	c.SetCookie(sessionCookie, "", -1, "/", "", strings.HasPrefix(s.deps.Config.PublicURL, "https://"), true)
}

// localPath is next if it is a path on this site, and fallback otherwise.
// Browsers read "//host", `/\host` and a slash then a tab as another site, and a
// scheme or a host makes any address absolute, so only a clean path that
// parses with neither is kept.
func localPath(next, fallback string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\t\r\n") {
		return fallback
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return fallback
	}
	return next
}
