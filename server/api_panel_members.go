package server

import (
	"net/http"
	"net/mail"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
)

func (s *Server) listMembers(c *gin.Context) {
	panelID, ok := s.loadPanel(c, "id")
	if !ok {
		return
	}
	limit, offset, page := paging(c)
	items, total, err := s.deps.Store.MembersOf(c.Request.Context(), panelID, limit, offset)
	if err != nil {
		internalError(c, err)
		return
	}
	pageOf(c, items, total, page, limit)
}

// memberRequest adds a member. There is no confidentiality date: members
// accept the agreement themselves on their personal page, and a request
// that still sends confidentiality_signed_on is refused with a problem
// naming it (decodeJSON refuses unknown fields), rather than ignored, so
// no client believes it recorded a signature.
type memberRequest struct {
	Name     string `json:"name"`
	Email    string `json:"email"`
	Role     string `json:"role"`
	Language string `json:"language"`
}

// languages are the languages a member may be written to in.
var languages = []string{"en", "cy"}

// member checks the request and returns the member to add, or every field
// that needs correcting.
func (r memberRequest) member() (domain.NewMember, []FieldError) {
	m := domain.NewMember{Name: r.Name, Email: r.Email, Role: domain.Role(r.Role), Language: r.Language}
	var f []FieldError
	if strings.TrimSpace(r.Name) == "" {
		f = append(f, FieldError{"name", "is required"})
	}
	if _, err := mail.ParseAddress(r.Email); err != nil {
		f = append(f, FieldError{"email", "is not an email address"})
	}
	if !slices.Contains(domain.Roles, m.Role) {
		f = append(f, FieldError{"role", "must be chair, member, adviser or staff"})
	}
	if r.Language != "" && !slices.Contains(languages, r.Language) {
		f = append(f, FieldError{"language", "must be en or cy"})
	}
	if m.Language == "" {
		m.Language = languages[0]
	}
	return m, f
}

func (s *Server) addMember(c *gin.Context) {
	panelID, ok := s.loadPanel(c, "id")
	if !ok {
		return
	}
	var req memberRequest
	if !decodeJSON(c, &req) {
		return
	}
	add, problems := req.member()
	if len(problems) > 0 {
		badRequest(c, "Some fields need correcting.", problems...)
		return
	}
	m, err := s.deps.Store.AddMember(c.Request.Context(), panelID, add)
	if _, dup := store.IsUniqueViolation(err); dup {
		writeProblem(c, Problem{Status: http.StatusConflict, Title: "Already a member", Detail: "Someone on this panel already has that email address.",
			Errors: []FieldError{{"email", "is already used on this panel"}}})
		return
	}
	if err != nil {
		internalError(c, err)
		return
	}
	c.JSON(http.StatusCreated, m)
}

// memberPatch changes a member; absent fields stay as they are. Like
// memberRequest it has no confidentiality date.
type memberPatch struct {
	Name     *string `json:"name"`
	Role     *string `json:"role"`
	Email    *string `json:"email"`
	Active   *bool   `json:"active"`
	Language *string `json:"language"`
}

// problems lists every field of the patch that needs correcting.
func (p memberPatch) problems() []FieldError {
	var fields []FieldError
	if p.Name != nil && strings.TrimSpace(*p.Name) == "" {
		fields = append(fields, FieldError{"name", "is required"})
	}
	if p.Role != nil && !slices.Contains(domain.Roles, domain.Role(*p.Role)) {
		fields = append(fields, FieldError{"role", "must be chair, member, adviser or staff"})
	}
	if p.Email != nil {
		if _, err := mail.ParseAddress(*p.Email); err != nil {
			fields = append(fields, FieldError{"email", "is not an email address"})
		}
	}
	if p.Language != nil && !slices.Contains(languages, *p.Language) {
		fields = append(fields, FieldError{"language", "must be en or cy"})
	}
	return fields
}

// updateMember applies a change. A corrected email clears a bounce and
// sends again the mail held for it; making a member inactive ends their
// access at once and tells every running cycle of their panel.
func (s *Server) updateMember(c *gin.Context) {
	ctx := c.Request.Context()
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		notFound(c, "The member")
		return
	}
	if _, err := s.deps.Store.MemberPanelIn(ctx, userScope(c), id); err != nil {
		writeProblem(c, lookupProblem(c, err, "The member"))
		return
	}
	var p memberPatch
	if !decodeJSON(c, &p) {
		return
	}
	if fields := p.problems(); len(fields) > 0 {
		badRequest(c, "Some fields need correcting.", fields...)
		return
	}
	res, prob := s.changeMember(ctx, id, p.change(), currentUser(c).Email)
	if prob != nil {
		writeProblem(c, *prob)
		return
	}
	c.JSON(http.StatusOK, res.Member)
}

// change is the checked patch as the store's change.
func (p memberPatch) change() domain.MemberChange {
	ch := domain.MemberChange{Email: p.Email, Active: p.Active, Language: p.Language}
	if p.Name != nil {
		name := strings.TrimSpace(*p.Name)
		ch.Name = &name
	}
	if p.Role != nil {
		role := domain.Role(*p.Role)
		ch.Role = &role
	}
	return ch
}
