package server

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/lsip/scrutiny/store"
)

// meRoutes are a person's own account pages: their sessions, their API
// tokens and their second factor.
func (s *Server) meRoutes() {
	me := s.engine.Group("/me", s.requireSession)
	me.GET("", s.mePage)
	me.POST("/sessions/:id/end", s.endSession)
	me.POST("/sessions/end-all", s.endAllSessions)
	me.GET("/tokens", s.tokensPage)
	me.POST("/tokens", s.createToken)
	me.POST("/tokens/:id/revoke", s.revokeToken)
	s.twoFactorRoutes(me)
}

// sessionRow is one session as the account page lists it.
type sessionRow struct {
	store.SessionInfo
	Device  string
	Current bool
}

// meView is the account page's data.
type meView struct {
	Role                   string
	Sessions               []sessionRow
	SecondFactor, Required bool
}

func (s *Server) mePage(c *gin.Context) {
	ctx := c.Request.Context()
	u := currentUser(c)
	list, err := s.deps.Store.SessionsOf(ctx, u.ID)
	if err != nil {
		s.pageError(c, err)
		return
	}
	on, err := s.deps.Store.SecondFactorOn(ctx, u.ID)
	if err != nil {
		s.pageError(c, err)
		return
	}
	v := meView{Role: roleLabel(u.Role), SecondFactor: on, Required: needsSecondFactor(u.Role)}
	for _, ses := range list {
		v.Sessions = append(v.Sessions, sessionRow{SessionInfo: ses, Device: browserLabel(ses.UserAgent), Current: ses.ID == c.GetInt64(sessionKey)})
	}
	render(c, http.StatusOK, "account_me.html", s.staffPage(c, page{Title: "Your account", Page: v, Flash: c.Query("done")}))
}

func (s *Server) endSession(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err == nil {
		err = s.deps.Store.EndSession(c.Request.Context(), currentUser(c), id)
	}
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		s.pageError(c, err)
		return
	}
	if id == c.GetInt64(sessionKey) {
		s.clearSession(c)
		c.Redirect(http.StatusSeeOther, "/login")
		return
	}
	c.Redirect(http.StatusSeeOther, "/me?done="+url.QueryEscape("That session is signed out."))
}

// endAllSessions signs the person out everywhere, here included.
func (s *Server) endAllSessions(c *gin.Context) {
	u := currentUser(c)
	if _, err := s.deps.Store.EndAllSessions(c.Request.Context(), u, u.Email); err != nil {
		s.pageError(c, err)
		return
	}
	s.clearSession(c)
	c.Redirect(http.StatusSeeOther, "/login")
}

// tokensView is the API tokens page's data. New is a token just made,
// shown this once.
type tokensView struct {
	Tokens     []store.TokenInfo
	New, Label string
}

func (s *Server) tokensPage(c *gin.Context) {
	s.renderTokens(c, http.StatusOK, tokensView{}, nil)
}

func (s *Server) renderTokens(c *gin.Context, status int, v tokensView, errs []FieldError) {
	list, err := s.deps.Store.TokensOf(c.Request.Context(), currentUser(c).ID)
	if err != nil {
		s.pageError(c, err)
		return
	}
	v.Tokens = list
	fe := map[string]string{}
	for _, e := range errs {
		fe[e.Field] = e.Message
	}
	render(c, status, "account_tokens.html", s.staffPage(c, page{Title: "API tokens", Page: v, Errors: errs, FieldErrors: fe, Flash: c.Query("done")}))
}

func (s *Server) createToken(c *gin.Context) {
	label := strings.TrimSpace(c.PostForm("label"))
	if label == "" || len([]rune(label)) > 100 {
		s.renderTokens(c, http.StatusUnprocessableEntity, tokensView{Label: label},
			[]FieldError{{Field: "label", Message: "Give the token a name of up to 100 characters, such as the program that will use it"}})
		return
	}
	token, err := s.deps.Store.CreateToken(c.Request.Context(), currentUser(c), label)
	if err != nil {
		s.pageError(c, err)
		return
	}
	s.renderTokens(c, http.StatusOK, tokensView{New: token}, nil)
}

func (s *Server) revokeToken(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err == nil {
		err = s.deps.Store.RevokeToken(c.Request.Context(), currentUser(c), id)
	}
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, strconv.ErrSyntax) || errors.Is(err, strconv.ErrRange) {
		errorPage(c, Problem{Status: http.StatusNotFound, Title: "Token not found", Detail: "You have no such token, or it is already revoked."}, "/me/tokens", "Back to your tokens")
		return
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/me/tokens?done="+url.QueryEscape("The token is revoked. Programs using it can no longer sign in."))
}

// browserLabel names a browser and its system from the User-Agent, well
// enough for a person to recognise their own devices.
func browserLabel(ua string) string {
	browser, system := "", ""
	for _, b := range []struct{ mark, name string }{{"Edg/", "Edge"}, {"Firefox/", "Firefox"}, {"Chrome/", "Chrome"}, {"Safari/", "Safari"}} {
		if strings.Contains(ua, b.mark) {
			browser = b.name
			break
		}
	}
	for _, o := range []struct{ mark, name string }{{"iPhone", "iPhone"}, {"iPad", "iPad"}, {"Android", "Android"}, {"Windows", "Windows"}, {"Mac OS X", "Mac"}, {"Linux", "Linux"}} {
		if strings.Contains(ua, o.mark) {
			system = o.name
			break
		}
	}
	switch {
	case browser != "" && system != "":
		return browser + " on " + system
	case browser != "" || system != "":
		return browser + system
	case ua == "":
		return "Unknown device"
	}
	return ua[:min(len(ua), 60)]
}
