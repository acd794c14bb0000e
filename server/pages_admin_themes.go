package server

import (
	"errors"
	"net/http"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
)

// themePageRoutes are the admin pages of the shared list of learning
// themes (docs/feedback-framework.md): see it, and add to it.
func (s *Server) themePageRoutes() {
	admin := s.engine.Group("/admin", s.requireSession, requireRole(adminOnly))
	admin.GET("/themes", s.themesPage)
	admin.POST("/themes", s.themeAddSubmit)
}

// themeCode is what a theme's code may be, as the table's check says.
var themeCode = regexp.MustCompile(`^[a-z][a-z0-9_]{1,39}$`)

// themeForm is the themes page's data: the list and the new theme as typed.
type themeForm struct {
	Themes      []domain.LearningTheme
	Code, Label string
}

func (s *Server) themesPage(c *gin.Context) {
	s.renderThemes(c, http.StatusOK, themeForm{}, nil)
}

// renderThemes shows the list with the form and any problems with it.
func (s *Server) renderThemes(c *gin.Context, status int, f themeForm, errs []FieldError) {
	themes, err := s.deps.Store.LearningThemes(c.Request.Context())
	if err != nil {
		s.pageError(c, err)
		return
	}
	f.Themes = themes
	render(c, status, "admin_themes.html", s.staffPage(c, page{Title: "Learning themes", Flash: c.Query("done"), Page: f, Errors: errs, FieldErrors: adminFieldMap(errs)}))
}

// themeAddSubmit adds a theme, or shows the form again saying which field
// is wrong. The addition is audited.
func (s *Server) themeAddSubmit(c *gin.Context) {
	f := themeForm{Code: strings.TrimSpace(c.PostForm("code")), Label: strings.TrimSpace(c.PostForm("label"))}
	var errs []FieldError
	if !themeCode.MatchString(f.Code) {
		errs = append(errs, FieldError{Field: "code", Message: "Code must be 2 to 40 lower-case letters, digits or underscores, starting with a letter, such as youth_victims"})
	}
	if f.Label == "" || utf8.RuneCountInString(f.Label) > 80 {
		errs = append(errs, FieldError{Field: "label", Message: "Enter the theme's name as people will see it, in at most 80 characters"})
	}
	if len(errs) == 0 {
		u := currentUser(c)
		err := s.deps.Store.InTx(c.Request.Context(), func(tx *store.Tx) error {
			if err := tx.AddLearningTheme(c.Request.Context(), f.Code, f.Label, u.Email); err != nil {
				return err
			}
			return tx.Audit(c.Request.Context(), u.Email, "learning_theme_added", "learning_theme", f.Code, map[string]any{"label": f.Label})
		})
		switch {
		case errors.Is(err, store.ErrThemeExists):
			errs = append(errs, FieldError{Field: "code", Message: "Code or name is already on the list: choose another"})
		case err != nil:
			s.pageError(c, err)
			return
		default:
			adminDone(c, "/admin/themes", "The theme "+f.Label+" is added.")
			return
		}
	}
	s.renderThemes(c, http.StatusUnprocessableEntity, f, errs)
}
