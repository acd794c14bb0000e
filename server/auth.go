package server

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/lsip/scrutiny/links"
	"github.com/lsip/scrutiny/store"
)

const (
	userKey   = "user"
	memberKey = "member"
)

// requireStaff authenticates a staff API token and keeps the user on the
// request.
func (s *Server) requireStaff(c *gin.Context) {
	token, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
	if !ok || token == "" {
		writeProblem(c, Problem{Status: http.StatusUnauthorized, Title: "Sign in required", Detail: "Send an API token as 'Authorization: Bearer <token>'."})
		return
	}
	u, err := s.deps.Store.UserByToken(c.Request.Context(), token)
	if errors.Is(err, store.ErrBadToken) {
		writeProblem(c, Problem{Status: http.StatusUnauthorized, Title: "Sign in required", Detail: "The API token is not valid, or has been revoked."})
		return
	}
	if err != nil {
		internalError(c, err)
		return
	}
	c.Set(userKey, u)
	c.Next()
}

func currentUser(c *gin.Context) store.User {
	u, _ := c.Get(userKey)
	return u.(store.User)
}

// userScope is what the signed-in user may see. Every list, search,
// export, report and lookup of theirs is limited by it.
func userScope(c *gin.Context) store.Scope { return store.ScopeOf(currentUser(c)) }

// lookupProblem is the problem to show when a scoped lookup of what fails:
// 404 when it does not exist, 403 when it is not the user's, and otherwise
// the logged, undetailed 500.
func lookupProblem(c *gin.Context, err error, what string) Problem {
	switch {
	case errors.Is(err, store.ErrNotFound):
		return Problem{Status: http.StatusNotFound, Title: "Not found", Detail: what + " was not found"}
	case errors.Is(err, store.ErrOutOfScope):
		return forbiddenProblem
	}
	slog.Error("lookup failed", "route", routeOf(c), "error", err)
	return serverProblem
}

// forbiddenProblem refuses a user whose role or scope does not reach.
var forbiddenProblem = Problem{Status: http.StatusForbidden, Title: "Not allowed", Detail: "Your account cannot do this for this panel or Area."}

func forbidden(c *gin.Context) { writeProblem(c, forbiddenProblem) }

// memberAccess is what a member's personal link grants, once checked
// against the database.
type memberAccess struct {
	links.Claims
	Name    string
	PanelID int64
}

// requireMember checks a member's personal link: the signature and expiry,
// then that the member is still active and the cycle's access has not been
// revoked. Revocation therefore takes effect at once.
func (s *Server) requireMember(c *gin.Context) {
	ma, p := s.checkLink(c)
	if p != nil {
		writeProblem(c, *p)
		return
	}
	c.Set(memberKey, ma)
	c.Next()
}

// checkLink verifies the personal link in the path for the API and the
// pages alike: its signature and expiry, that the member and the cycle are
// still open, and that the link is from the member's current link epoch
// (re-issuing a link moves the epoch on, so older links stop working).
func (s *Server) checkLink(c *gin.Context) (memberAccess, *Problem) {
	claims, err := s.links.Verify(c.Param("token"), time.Now())
	if err != nil {
		r := linkRefusal{Status: http.StatusUnauthorized, Key: "member.invalid"}
		if errors.Is(err, links.ErrExpired) { // still signed by us: it names the member
			r.Langs = s.memberLinkLang(c, claims.MemberID)
		}
		return memberAccess{}, refuseLink(c, r)
	}
	l, err := s.deps.Store.MemberLink(c.Request.Context(), claims.MemberID, claims.CycleID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		slog.Error("check member link", "member", claims.MemberID, "cycle", claims.CycleID, "error", err)
		p := serverProblem
		return memberAccess{}, &p
	}
	if err != nil || !l.Active || l.Revoked {
		return memberAccess{}, refuseLink(c, linkRefusal{Status: http.StatusForbidden, Key: "member.ended", Langs: s.memberLinkLang(c, claims.MemberID)})
	}
	if claims.Epoch != l.Epoch {
		return memberAccess{}, refuseLink(c, linkRefusal{Status: http.StatusForbidden, Key: "member.replaced", Langs: s.memberLinkLang(c, claims.MemberID)})
	}
	return memberAccess{Claims: claims, Name: l.Name, PanelID: l.PanelID}, nil
}

func currentMember(c *gin.Context) memberAccess {
	m, _ := c.Get(memberKey)
	return m.(memberAccess)
}
