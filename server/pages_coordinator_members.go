package server

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
)

// The members pages: a panel's members, adding and editing one
// (correcting a bounced address sends the held mail again), deactivating
// one (every running cycle is told) and re-issuing a member's personal
// link. Each change goes through the same function as the API's.

// memberPanelsPage lists the user's panels, each linking to its members.
func (s *Server) memberPanelsPage(c *gin.Context) {
	panels, _, err := s.deps.Store.PanelsIn(c.Request.Context(), userScope(c), 200, 0)
	if err != nil {
		s.pageError(c, err)
		return
	}
	render(c, http.StatusOK, "member_panels.html", s.staffPage(c, page{Title: "Panels and members", Page: panels}))
}

// membersView is a panel's members page.
type membersView struct {
	Panel   domain.Panel
	Members []domain.Member
	Held    map[int64]int // emails held for a member whose address bounced
	Roles   []domain.Role
	Form    memberForm // the add form, as typed
}

// memberForm is the add and edit forms' fields as typed.
type memberForm struct {
	ID                          int64
	Name, Email, Role, Language string
	Active, Unreachable         bool
	PanelID                     int64
	Held                        int
}

func (s *Server) membersPage(c *gin.Context) {
	s.renderMembers(c, http.StatusOK, memberForm{Role: string(domain.RoleMember), Language: languages[0]}, nil)
}

// renderMembers shows a panel's members with the add form as typed and
// its problems, if any.
func (s *Server) renderMembers(c *gin.Context, status int, f memberForm, errs []FieldError) {
	ctx := c.Request.Context()
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	panel, err := s.deps.Store.PanelByID(ctx, userScope(c), id)
	if err != nil {
		errorPage(c, lookupProblem(c, err, "The panel"), "/members", "Back to panels")
		return
	}
	members, _, err := s.deps.Store.MembersOf(ctx, panel.ID, 500, 0)
	if err != nil {
		s.pageError(c, err)
		return
	}
	held, err := s.deps.Store.HeldMail(ctx, panel.ID)
	if err != nil {
		s.pageError(c, err)
		return
	}
	v := membersView{Panel: panel, Members: members, Held: held, Roles: domain.Roles, Form: f}
	render(c, status, "members.html", s.staffPage(c, page{Title: panel.Name + ": members", Page: v, Errors: errs, FieldErrors: fieldMap(errs), Flash: c.Query("done")}))
}

// memberAddSubmit adds a member as the API does (memberRequest's checks,
// store.AddMember).
func (s *Server) memberAddSubmit(c *gin.Context) {
	ctx := c.Request.Context()
	f := memberForm{Name: strings.TrimSpace(c.PostForm("name")), Email: strings.TrimSpace(c.PostForm("email")), Role: c.PostForm("role"), Language: c.PostForm("language")}
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	panel, err := s.deps.Store.PanelIn(ctx, userScope(c), id)
	if err != nil {
		errorPage(c, lookupProblem(c, err, "The panel"), "/members", "Back to panels")
		return
	}
	add, errs := memberRequest{Name: f.Name, Email: f.Email, Role: f.Role, Language: f.Language}.member()
	if len(errs) > 0 {
		s.renderMembers(c, http.StatusUnprocessableEntity, f, pageFieldErrors(errs))
		return
	}
	m, err := s.deps.Store.AddMember(ctx, panel.ID, add)
	if _, dup := store.IsUniqueViolation(err); dup {
		s.renderMembers(c, http.StatusConflict, f, []FieldError{{Field: "email", Message: "Someone on this panel already has this email address"}})
		return
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/panels/%d/members?done=%s", panel.ID, url.QueryEscape(m.Name+" is added to the panel.")))
}

// pageFieldErrors words the API's field problems ("is required") as
// sentences for a page, naming the field.
func pageFieldErrors(errs []FieldError) []FieldError {
	names := map[string]string{"name": "Name", "email": "Email address", "role": "Role", "language": "Language"}
	out := make([]FieldError, len(errs))
	for i, e := range errs {
		name := names[e.Field]
		if name == "" {
			name = e.Field
		}
		out[i] = FieldError{Field: e.Field, Message: name + " " + e.Message}
	}
	return out
}

// loadMemberPage finds the member in the path within the user's scope, or
// shows why not.
func (s *Server) loadMemberPage(c *gin.Context) (domain.Member, int64, bool) {
	ctx := c.Request.Context()
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		err = store.ErrNotFound
	}
	var panelID int64
	if err == nil {
		panelID, err = s.deps.Store.MemberPanelIn(ctx, userScope(c), id)
	}
	var m domain.Member
	if err == nil {
		m, err = s.deps.Store.MemberByID(ctx, id)
	}
	if err != nil {
		errorPage(c, lookupProblem(c, err, "The member"), "/members", "Back to panels")
		return m, 0, false
	}
	return m, panelID, true
}

func (s *Server) memberEditPage(c *gin.Context) {
	m, panelID, ok := s.loadMemberPage(c)
	if !ok {
		return
	}
	s.renderMember(c, http.StatusOK, m, panelID, memberForm{Name: m.Name, Email: m.Email, Role: string(m.Role), Language: m.Language}, nil)
}

// renderMember shows the member's page: the edit form as typed, and the
// deactivate and re-issue buttons.
func (s *Server) renderMember(c *gin.Context, status int, m domain.Member, panelID int64, f memberForm, errs []FieldError) {
	held, err := s.deps.Store.HeldMail(c.Request.Context(), panelID)
	if err != nil {
		s.pageError(c, err)
		return
	}
	f.ID, f.PanelID, f.Active, f.Unreachable, f.Held = m.ID, panelID, m.Active, m.Unreachable, held[m.ID]
	render(c, status, "member_edit.html", s.staffPage(c, page{Title: m.Name, Page: membersView{Roles: domain.Roles, Form: f}, Errors: errs, FieldErrors: fieldMap(errs)}))
}

// memberEditSubmit saves the edit form through changeMember, as the API's
// PATCH does: a corrected address clears the bounce and sends the held
// mail again.
func (s *Server) memberEditSubmit(c *gin.Context) {
	m, panelID, ok := s.loadMemberPage(c)
	if !ok {
		return
	}
	f := memberForm{Name: strings.TrimSpace(c.PostForm("name")), Email: strings.TrimSpace(c.PostForm("email")), Role: c.PostForm("role"), Language: c.PostForm("language")}
	patch := memberPatch{Name: &f.Name, Email: &f.Email, Role: &f.Role, Language: &f.Language}
	if errs := patch.problems(); len(errs) > 0 {
		s.renderMember(c, http.StatusUnprocessableEntity, m, panelID, f, pageFieldErrors(errs))
		return
	}
	res, p := s.changeMember(c.Request.Context(), m.ID, patch.change(), currentUser(c).Email)
	if p != nil {
		errs := pageFieldErrors(p.Errors)
		if len(errs) == 0 {
			errs = []FieldError{{Field: "main", Message: p.Detail}}
		}
		s.renderMember(c, p.Status, m, panelID, f, errs)
		return
	}
	done := res.Member.Name + "'s details are saved."
	if res.Resent > 0 {
		done += fmt.Sprintf(" The address is corrected and %d held %s sent again.", res.Resent, plural(res.Resent, "email is", "emails are"))
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/panels/%d/members?done=%s", panelID, url.QueryEscape(done)))
}

// memberDeactivateSubmit deactivates a member through changeMember: their
// links stop working at once and every running cycle of the panel is told.
func (s *Server) memberDeactivateSubmit(c *gin.Context) {
	m, panelID, ok := s.loadMemberPage(c)
	if !ok {
		return
	}
	inactive := false
	res, p := s.changeMember(c.Request.Context(), m.ID, domain.MemberChange{Active: &inactive}, currentUser(c).Email)
	if p != nil {
		s.renderMember(c, p.Status, m, panelID, memberForm{Name: m.Name, Email: m.Email, Role: string(m.Role), Language: m.Language}, []FieldError{{Field: "main", Message: p.Detail}})
		return
	}
	done := fmt.Sprintf("%s is deactivated: their personal links no longer work. %d running %s told: their open reviews are excused and their reminders stopped.",
		m.Name, res.CyclesTold, plural(res.CyclesTold, "cycle was", "cycles were"))
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/panels/%d/members?done=%s", panelID, url.QueryEscape(done)))
}

// memberLinkSubmit re-issues the member's personal link: the old ones stop
// working and a new one is emailed for each cycle still open to them.
func (s *Server) memberLinkSubmit(c *gin.Context) {
	m, panelID, ok := s.loadMemberPage(c)
	if !ok {
		return
	}
	sent, err := s.reissueMemberLink(c.Request.Context(), m.ID, currentUser(c).Email)
	if errors.Is(err, store.ErrNotFound) {
		errorPage(c, lookupProblem(c, err, "The member"), "/members", "Back to panels")
		return
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	done := m.Name + "'s old personal links no longer work. "
	if sent == 0 {
		done += "No review cycle is open to them now, so nothing was sent: the next cycle's emails carry their new link."
	} else {
		done += fmt.Sprintf("A new link is on its way to them for %d %s.", sent, plural(sent, "cycle", "cycles"))
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/panels/%d/members?done=%s", panelID, url.QueryEscape(done)))
}

// plural picks the singular or plural wording for n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
