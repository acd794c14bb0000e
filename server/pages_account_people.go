package server

import (
	"errors"
	"net/http"
	"net/mail"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
)

// invitationTTL is how long an invitation link works.
const invitationTTL = 7 * 24 * time.Hour

// peopleRoutes are the admins' pages for staff accounts: the list,
// inviting someone with a role and scope, changing a person's role or
// scope, deactivating them, and resetting their second factor.
func (s *Server) peopleRoutes() {
	p := s.engine.Group("/admin/people", s.requireSession, requireRole(adminOnly))
	p.GET("", s.peoplePage)
	p.GET("/invite", s.invitePage)
	p.POST("/invite", s.inviteSubmit)
	p.GET("/:id", s.personPage)
	p.POST("/:id", s.personSubmit)
	p.POST("/:id/deactivate", s.deactivateSubmit)
	p.POST("/:id/invitation", s.reinviteSubmit)
	p.POST("/:id/two-factor/reset", s.resetTwoFactorSubmit)
}

// staffRow is one account in the people list.
type staffRow struct {
	store.StaffAccount
	RoleLabel string
}

func (s *Server) peoplePage(c *gin.Context) {
	list, err := s.deps.Store.StaffAccounts(c.Request.Context())
	if err != nil {
		s.pageError(c, err)
		return
	}
	rows := make([]staffRow, len(list))
	for i, a := range list {
		rows[i] = staffRow{StaffAccount: a, RoleLabel: roleLabel(a.Role)}
	}
	render(c, http.StatusOK, "account_people.html", s.staffPage(c, page{Title: "Staff accounts", Page: rows, Flash: c.Query("done")}))
}

// roleOption is a role as the form offers it.
type roleOption struct {
	Value domain.StaffRole
	Label string
}

// scopeForm is the invitation form, or a person's page, as shown and as
// typed: who, what role, and which panels or Area.
type scopeForm struct {
	Person         store.StaffAccount
	Name, Email    string
	Role           domain.StaffRole
	AreaID         int16
	PanelIDs       []int64
	Roles          []roleOption
	Panels         []domain.Panel
	Areas          []domain.AreaRef
	NeedsTwoFactor bool
}

// withChoices fills in the roles, panels and Areas the form offers.
func (s *Server) withChoices(c *gin.Context, f scopeForm) (scopeForm, error) {
	for _, r := range []domain.StaffRole{domain.StaffCoordinator, domain.StaffChair, domain.StaffManager, domain.StaffAdmin} {
		f.Roles = append(f.Roles, roleOption{r, roleLabel(r)})
	}
	var err error
	if f.Panels, err = s.deps.Store.OpenPanelsIn(c.Request.Context(), userScope(c)); err != nil {
		return f, err
	}
	f.Areas, err = s.deps.Store.AreasIn(c.Request.Context(), userScope(c))
	return f, err
}

func (s *Server) renderScopeForm(c *gin.Context, status int, name, title string, f scopeForm, errs []FieldError) {
	f, err := s.withChoices(c, f)
	if err != nil {
		s.pageError(c, err)
		return
	}
	fe := map[string]string{}
	for _, e := range errs {
		fe[e.Field] = e.Message
	}
	render(c, status, name, s.staffPage(c, page{Title: title, Page: f, Errors: errs, FieldErrors: fe, Flash: c.Query("done")}))
}

// readScope reads the role and its scope from the form and checks them:
// a coordinator or chair needs at least one open panel, a manager an
// Area; an admin has neither.
func (s *Server) readScope(c *gin.Context, f *scopeForm) []FieldError {
	f.Role = domain.StaffRole(c.PostForm("role"))
	var errs []FieldError
	choices, err := s.withChoices(c, scopeForm{})
	if err != nil {
		return []FieldError{{Field: "role", Message: "The panels and Areas could not be loaded; please try again"}}
	}
	for _, v := range c.PostFormArray("panels") {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && slices.ContainsFunc(choices.Panels, func(p domain.Panel) bool { return p.ID == id }) {
			f.PanelIDs = append(f.PanelIDs, id)
		}
	}
	if id, err := strconv.ParseInt(c.PostForm("area"), 10, 16); err == nil && slices.ContainsFunc(choices.Areas, func(a domain.AreaRef) bool { return int64(a.ID) == id }) {
		f.AreaID = int16(id)
	}
	switch f.Role {
	case domain.StaffCoordinator, domain.StaffChair:
		if len(f.PanelIDs) == 0 {
			errs = append(errs, FieldError{Field: "panels", Message: "Choose at least one panel for a " + roleLabel(f.Role)})
		}
	case domain.StaffManager:
		if f.AreaID == 0 {
			errs = append(errs, FieldError{Field: "area", Message: "Choose the Area this manager oversees"})
		}
	case domain.StaffAdmin:
	default:
		errs = append(errs, FieldError{Field: "role", Message: "Choose a role"})
	}
	return errs
}

// scopedUser is the account the form describes, with only the scope its
// role uses.
func scopedUser(f scopeForm) store.User {
	u := store.User{ID: f.Person.ID, Name: f.Name, Email: f.Email, Role: f.Role}
	switch f.Role {
	case domain.StaffCoordinator, domain.StaffChair:
		u.PanelIDs = f.PanelIDs
	case domain.StaffManager:
		u.AreaID = &f.AreaID
	}
	return u
}

func (s *Server) invitePage(c *gin.Context) {
	s.renderScopeForm(c, http.StatusOK, "account_invite.html", "Invite someone", scopeForm{}, nil)
}

// inviteSubmit creates the account and emails its invitation link.
func (s *Server) inviteSubmit(c *gin.Context) {
	f := scopeForm{Name: strings.TrimSpace(c.PostForm("name")), Email: strings.TrimSpace(c.PostForm("email"))}
	var errs []FieldError
	if f.Name == "" || len(f.Name) > 200 {
		errs = append(errs, FieldError{Field: "name", Message: "Enter the person's name as colleagues know it"})
	}
	if a, err := mail.ParseAddress(f.Email); err != nil || a.Address != f.Email {
		errs = append(errs, FieldError{Field: "email", Message: "Enter the person's work email address, like name@cps.gov.uk"})
	}
	errs = append(errs, s.readScope(c, &f)...)
	if len(errs) > 0 {
		s.renderScopeForm(c, http.StatusUnprocessableEntity, "account_invite.html", "Invite someone", f, errs)
		return
	}
	admin := currentUser(c)
	u := scopedUser(f)
	id, token, err := s.deps.Store.InviteUser(c.Request.Context(), u, invitationTTL, admin.Email)
	if _, clash := store.IsUniqueViolation(err); clash {
		s.renderScopeForm(c, http.StatusUnprocessableEntity, "account_invite.html", "Invite someone", f,
			[]FieldError{{Field: "email", Message: "There is already an account with this email address; find it in the list of staff"}})
		return
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	u.ID = id
	to := "/admin/people/" + strconv.FormatInt(id, 10)
	if err := s.mailAccountLink(c, u, store.LinkInvitation, token, invitationTTL, admin.Name); err != nil {
		c.Redirect(http.StatusSeeOther, to+"?done="+url.QueryEscape("The account is made, but the invitation email could not be sent yet. Press \u201cSend the invitation again\u201d in a few minutes."))
		return
	}
	c.Redirect(http.StatusSeeOther, to+"?done="+url.QueryEscape("The invitation is on its way to "+u.Email+". The link works for 7 days."))
}

// loadPerson finds the account in the path, or explains there is none.
func (s *Server) loadPerson(c *gin.Context) (store.StaffAccount, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	var a store.StaffAccount
	if err == nil {
		a, err = s.deps.Store.StaffAccountByID(c.Request.Context(), id)
	}
	if err == nil {
		return a, true
	}
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, strconv.ErrSyntax) || errors.Is(err, strconv.ErrRange) {
		errorPage(c, Problem{Status: http.StatusNotFound, Title: "Person not found", Detail: "There is no staff account with this number."}, "/admin/people", "Back to staff accounts")
	} else {
		s.pageError(c, err)
	}
	return a, false
}

// personForm is the form for an existing account, as stored.
func personForm(a store.StaffAccount) scopeForm {
	f := scopeForm{Person: a, Name: a.Name, Email: a.Email, Role: a.Role, PanelIDs: a.PanelIDs, NeedsTwoFactor: needsSecondFactor(a.Role)}
	if a.AreaID != nil {
		f.AreaID = *a.AreaID
	}
	return f
}

func (s *Server) personPage(c *gin.Context) {
	a, ok := s.loadPerson(c)
	if !ok {
		return
	}
	s.renderScopeForm(c, http.StatusOK, "account_person.html", a.Name, personForm(a), nil)
}

// personSubmit changes a person's role or scope. An admin cannot change
// their own role, so the last admin cannot lock everyone out by mistake.
func (s *Server) personSubmit(c *gin.Context) {
	a, ok := s.loadPerson(c)
	if !ok {
		return
	}
	f := personForm(a)
	f.PanelIDs, f.AreaID = nil, 0
	errs := s.readScope(c, &f)
	if a.ID == currentUser(c).ID && f.Role != domain.StaffAdmin {
		errs = append(errs, FieldError{Field: "role", Message: "You cannot change your own role; ask another admin"})
	}
	if len(errs) > 0 {
		s.renderScopeForm(c, http.StatusUnprocessableEntity, "account_person.html", a.Name, f, errs)
		return
	}
	if err := s.deps.Store.ChangeUser(c.Request.Context(), scopedUser(f), currentUser(c).Email); err != nil {
		s.pageError(c, err)
		return
	}
	personDone(c, a, "Role and scope saved: "+a.Name+" is now "+roleLabel(f.Role)+".")
}

// deactivateSubmit closes the account: sessions and tokens end at once.
func (s *Server) deactivateSubmit(c *gin.Context) {
	a, ok := s.loadPerson(c)
	if !ok {
		return
	}
	if a.ID == currentUser(c).ID {
		s.renderScopeForm(c, http.StatusUnprocessableEntity, "account_person.html", a.Name, personForm(a),
			[]FieldError{{Field: "deactivate", Message: "You cannot deactivate your own account; ask another admin"}})
		return
	}
	sessions, tokens, err := s.deps.Store.DeactivateUser(c.Request.Context(), a.ID, currentUser(c).Email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		s.pageError(c, err)
		return
	}
	personDone(c, a, a.Name+" is deactivated: "+strconv.FormatInt(sessions, 10)+" session(s) ended and "+strconv.FormatInt(tokens, 10)+" API token(s) revoked.")
}

// reinviteSubmit sends a fresh invitation to someone who has not yet
// chosen a password; the earlier link stops working.
func (s *Server) reinviteSubmit(c *gin.Context) {
	a, ok := s.loadPerson(c)
	if !ok {
		return
	}
	if !a.Active || a.PasswordSet {
		personDone(c, a, "No invitation was sent: "+a.Name+" already has a password, or the account is deactivated.")
		return
	}
	if err := s.sendAccountLink(c, a.User, store.LinkInvitation, invitationTTL, currentUser(c).Email, currentUser(c).Name); err != nil {
		s.pageError(c, err)
		return
	}
	personDone(c, a, "A new invitation is on its way to "+a.Email+". The earlier link no longer works.")
}

// resetTwoFactorSubmit removes a person's second factor, for a lost
// phone; an admin or manager then sets it up again at their next sign-in.
func (s *Server) resetTwoFactorSubmit(c *gin.Context) {
	a, ok := s.loadPerson(c)
	if !ok {
		return
	}
	if err := s.deps.Store.TurnOffTOTP(c.Request.Context(), a.User, currentUser(c).Email); err != nil {
		s.pageError(c, err)
		return
	}
	personDone(c, a, "Two-step sign-in is reset for "+a.Name+".")
}

func personDone(c *gin.Context, a store.StaffAccount, msg string) {
	c.Redirect(http.StatusSeeOther, "/admin/people/"+strconv.FormatInt(a.ID, 10)+"?done="+url.QueryEscape(msg))
}
