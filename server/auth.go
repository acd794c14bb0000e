package server

import (
	"context"
	"errors"
	"net/http"
	"slices"
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

// scope is what a resource belongs to, for access checks.
type scope struct {
	PanelID int64
	AreaID  int16
}

// allowed reports whether u may act on a resource in sc with one of roles.
// Coordinators and chairs are limited to their panels, managers to their
// Area; admins may do anything.
func allowed(u store.User, sc scope, roles ...string) bool {
	if u.Role == "admin" {
		return true
	}
	if !slices.Contains(roles, u.Role) {
		return false
	}
	switch u.Role {
	case "coordinator", "chair":
		return slices.Contains(u.PanelIDs, sc.PanelID)
	case "manager":
		return u.AreaID != nil && *u.AreaID == sc.AreaID
	}
	return false
}

func forbidden(c *gin.Context) {
	writeProblem(c, Problem{Status: http.StatusForbidden, Title: "Not allowed", Detail: "Your account cannot do this for this panel or Area."})
}

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
// pages alike.
func (s *Server) checkLink(c *gin.Context) (memberAccess, *Problem) {
	claims, err := s.links.Verify(c.Param("token"), time.Now())
	if err != nil {
		return memberAccess{}, &Problem{Status: http.StatusUnauthorized, Title: "This link does not work",
			Detail: "Your personal link has expired or is not valid. Please ask your panel coordinator for a new one."}
	}
	ma, err := s.memberAccess(c.Request.Context(), claims)
	if err != nil {
		return ma, &Problem{Status: http.StatusForbidden, Title: "This link no longer works", Detail: err.Error()}
	}
	return ma, nil
}

var errAccessEnded = errors.New("access to this review cycle has ended. If you think this is wrong, please contact your panel coordinator")

func (s *Server) memberAccess(ctx context.Context, claims links.Claims) (memberAccess, error) {
	ma := memberAccess{Claims: claims}
	var active, revoked bool
	err := s.deps.Store.Pool.QueryRow(ctx, `SELECT m.name, m.active AND m.left_at IS NULL, cy.access_revoked_at IS NOT NULL OR cy.stage IN ('cancelled', 'closed'), cy.panel_id
		FROM members m JOIN cycles cy ON cy.panel_id = m.panel_id WHERE m.id = $1 AND cy.id = $2`, claims.MemberID, claims.CycleID).
		Scan(&ma.Name, &active, &revoked, &ma.PanelID)
	if err != nil || !active || revoked {
		return ma, errAccessEnded
	}
	return ma, nil
}

func currentMember(c *gin.Context) memberAccess {
	m, _ := c.Get(memberKey)
	return m.(memberAccess)
}
