package server

import (
	"cmp"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
)

// adminPanelRoutes: admins create panels, change their name, what they
// cover, their strands and whether they write to members in Welsh and
// English, and close them. A closed panel starts no new
// cycles; its cycles, members and actions stay on record.
func (s *Server) adminPanelRoutes(admin *gin.RouterGroup) {
	admin.GET("/panels", s.adminPanelsPage)
	admin.GET("/panels/new", s.adminNewPanelPage)
	admin.POST("/panels/new", s.adminNewPanelSubmit)
	admin.GET("/panels/:id", s.adminPanelPage)
	admin.POST("/panels/:id", s.adminPanelSubmit)
	admin.POST("/panels/:id/close", s.adminPanelClose)
}

// panelCover is one choice of what a panel covers.
type panelCover struct{ Value, Label string }

// panelCovers are what a panel may cover, as the form offers them.
var panelCovers = []panelCover{
	{string(domain.HateCrime), domain.HateCrime.Label()},
	{string(domain.VAWG), domain.VAWG.Label()},
	{coversBoth, "Both hate crime and violence against women and girls"},
}

// panelForm is the create and edit form, as shown and as typed.
type panelForm struct {
	Panel   domain.Panel // the panel being edited; ID 0 when creating
	Areas   []domain.AreaRef
	Strands []domain.Strand
	Covers  []panelCover
	Kinds   []domain.PanelKind
	// What was typed or is stored.
	AreaCode, Name, Cover string
	Kind                  domain.PanelKind
	Chosen                map[string]bool
	// Bilingual is ticked: every member email goes in Welsh then English.
	Bilingual bool
}

func (s *Server) adminPanelsPage(c *gin.Context) {
	panels, _, err := s.deps.Store.PanelsIn(c.Request.Context(), userScope(c), 0, 0)
	if err != nil {
		s.pageError(c, err)
		return
	}
	render(c, http.StatusOK, "admin_panels.html", s.staffPage(c, page{Title: "Panels", Page: panels, Flash: c.Query("done")}))
}

// newPanelForm is the form with its choices filled in.
func (s *Server) newPanelForm(c *gin.Context) (panelForm, error) {
	areas, err := s.deps.Store.AreasIn(c.Request.Context(), userScope(c))
	return panelForm{Areas: areas, Strands: domain.Strands, Covers: panelCovers, Kinds: domain.PanelKinds, Kind: domain.PanelLocal, Chosen: map[string]bool{}}, err
}

func (s *Server) adminNewPanelPage(c *gin.Context) {
	f, err := s.newPanelForm(c)
	if err != nil {
		s.pageError(c, err)
		return
	}
	render(c, http.StatusOK, "admin_panel.html", s.staffPage(c, page{Title: "Create a panel", Page: f}))
}

// readPanelForm fills f from the posted form and returns the strands
// ticked.
func readPanelForm(c *gin.Context, f *panelForm) []string {
	f.AreaCode, f.Name, f.Cover = c.PostForm("area"), strings.TrimSpace(c.PostForm("name")), c.PostForm("covers")
	f.Bilingual = c.PostForm("bilingual") == "true"
	strands := c.PostFormArray("strands")
	for _, code := range strands {
		f.Chosen[code] = true
	}
	return strands
}

func (s *Server) adminNewPanelSubmit(c *gin.Context) {
	f, err := s.newPanelForm(c)
	if err != nil {
		s.pageError(c, err)
		return
	}
	chosen := readPanelForm(c, &f)
	f.Kind = cmp.Or(domain.PanelKind(c.PostForm("kind")), domain.PanelLocal)
	strands, errs := checkPanelForm(f.Name, f.Cover, chosen)
	if !slices.ContainsFunc(f.Areas, func(a domain.AreaRef) bool { return a.Code == f.AreaCode }) {
		errs = append([]FieldError{{"area", "Choose the CPS Area the panel belongs to (for a national panel, the Area that hosts it)"}}, errs...)
	}
	if !slices.Contains(domain.PanelKinds, f.Kind) {
		errs = append(errs, FieldError{"kind", "Choose what kind of panel it is"})
	}
	if len(errs) == 0 {
		created, err := s.deps.Store.CreatePanel(c.Request.Context(), domain.NewPanel{AreaCode: f.AreaCode, Name: f.Name, Covers: f.Cover, Strands: strands, Kind: f.Kind, Bilingual: f.Bilingual}, currentUser(c).Email)
		switch errs = panelSaveErrors(err); {
		case errs != nil:
		case err != nil:
			s.pageError(c, err)
			return
		default:
			adminDone(c, "/admin/panels", created.Name+" is created. Add its members and coordinators next.")
			return
		}
	}
	render(c, http.StatusUnprocessableEntity, "admin_panel.html", s.staffPage(c, page{Title: "Create a panel", Page: f, Errors: errs, FieldErrors: adminFieldMap(errs)}))
}

// loadAdminPanel finds the panel in the path with the form's choices, or
// explains that there is none.
func (s *Server) loadAdminPanel(c *gin.Context) (panelForm, bool) {
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	p, err := s.deps.Store.PanelByID(c.Request.Context(), userScope(c), id)
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrOutOfScope) {
		errorPage(c, Problem{Status: http.StatusNotFound, Title: "Panel not found", Detail: "There is no panel with this number."}, "/admin/panels", "Back to panels")
		return panelForm{}, false
	}
	if err != nil {
		s.pageError(c, err)
		return panelForm{}, false
	}
	f := panelForm{Panel: p, Strands: domain.Strands, Covers: panelCovers, Name: p.Name, Cover: p.Covers, Bilingual: p.Bilingual, Chosen: map[string]bool{}}
	for _, code := range p.Strands {
		f.Chosen[code] = true
	}
	return f, true
}

func (s *Server) adminPanelPage(c *gin.Context) {
	f, ok := s.loadAdminPanel(c)
	if !ok {
		return
	}
	render(c, http.StatusOK, "admin_panel.html", s.staffPage(c, page{Title: f.Panel.Name, Page: f, Flash: c.Query("done")}))
}

// adminPanelSubmit saves the panel's name, what it covers, its strands
// and whether it is bilingual, or shows the form again with each problem beside its field.
func (s *Server) adminPanelSubmit(c *gin.Context) {
	f, ok := s.loadAdminPanel(c)
	if !ok {
		return
	}
	f.Chosen = map[string]bool{}
	chosen := readPanelForm(c, &f)
	strands, errs := checkPanelForm(f.Name, f.Cover, chosen)
	if len(errs) == 0 {
		err := s.deps.Store.UpdatePanel(c.Request.Context(), f.Panel.ID, domain.PanelChange{Name: f.Name, Covers: f.Cover, Strands: strands, Bilingual: f.Bilingual}, currentUser(c).Email)
		switch errs = panelSaveErrors(err); {
		case errs != nil:
		case err != nil:
			s.pageError(c, err)
			return
		default:
			adminDone(c, "/admin/panels/"+strconv.FormatInt(f.Panel.ID, 10), f.Name+" is saved.")
			return
		}
	}
	render(c, http.StatusUnprocessableEntity, "admin_panel.html", s.staffPage(c, page{Title: f.Panel.Name, Page: f, Errors: errs, FieldErrors: adminFieldMap(errs)}))
}

// adminPanelClose closes the panel: it drops out of the start-a-cycle list
// and starts no new cycles.
func (s *Server) adminPanelClose(c *gin.Context) {
	f, ok := s.loadAdminPanel(c)
	if !ok {
		return
	}
	if err := s.deps.Store.ClosePanel(c.Request.Context(), f.Panel.ID, currentUser(c).Email); err != nil {
		s.pageError(c, err)
		return
	}
	adminDone(c, "/admin/panels", f.Panel.Name+" is closed. Its cycles, members and actions stay on record.")
}

// panelSaveErrors is the field problem a failed save explains (a name
// already used in the Area), or nil when there is none to show beside a
// field.
func panelSaveErrors(err error) []FieldError {
	if _, dup := store.IsUniqueViolation(err); dup {
		return []FieldError{{"name", "Another panel in this Area already has this name"}}
	}
	return nil
}

// maxAdminName is the longest name, of a panel or a senior lead, the
// administration forms take.
const maxAdminName = 200

// checkPanelForm checks a panel's name, what it covers and its strands
// against each other, and returns the strands' codes.
func checkPanelForm(name, covers string, chosen []string) ([]string, []FieldError) {
	var errs []FieldError
	switch {
	case name == "":
		errs = append(errs, FieldError{"name", "Enter the panel's name"})
	case utf8.RuneCountInString(name) > maxAdminName:
		errs = append(errs, FieldError{"name", "Enter a name of " + strconv.Itoa(maxAdminName) + " characters or fewer"})
	}
	coversOK := slices.ContainsFunc(panelCovers, func(o panelCover) bool { return o.Value == covers })
	if !coversOK {
		errs = append(errs, FieldError{"covers", "Choose what the panel covers"})
	}
	var strands, outside []string
	for _, code := range chosen {
		st, ok := domain.StrandByCode(code)
		switch {
		case !ok:
			outside = append(outside, code)
		case coversOK && covers != coversBoth && string(st.Category) != covers:
			outside = append(outside, st.Label)
		case !slices.Contains(strands, st.Code):
			strands = append(strands, st.Code)
		}
	}
	switch {
	case len(outside) > 0:
		errs = append(errs, FieldError{"strands", "These strands are not part of what the panel covers: " + strings.Join(outside, ", ") + ". Untick them, or change what the panel covers"})
	case len(strands) == 0:
		errs = append(errs, FieldError{"strands", "Choose at least one strand the panel reviews"})
	}
	return strands, errs
}
