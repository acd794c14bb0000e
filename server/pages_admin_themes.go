package server

import (
	"errors"
	"net/http"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/i18n"
	"github.com/lsip/scrutiny/store"
)

// themePageRoutes are the admin pages of the shared list of learning
// themes (docs/feedback-framework.md): see it, add to it, and give an
// added theme its Welsh name.
func (s *Server) themePageRoutes() {
	admin := s.engine.Group("/admin", s.requireSession, requireRole(adminOnly))
	admin.GET("/themes", s.themesPage)
	admin.POST("/themes", s.themeAddSubmit)
	admin.POST("/themes/welsh", s.themeWelshSubmit)
}

// themeCode is what a theme's code may be, as the table's check says.
var themeCode = regexp.MustCompile(`^[a-z][a-z0-9_]{1,39}$`)

// themeNameLimit is the longest a theme's name may be, in either
// language, as the table's checks say.
const themeNameLimit = 80

// themeForm is the themes page's data: the list, the new theme as typed,
// and the Welsh name typed for an added theme that has none.
type themeForm struct {
	Themes             []themeRow
	Code, Label, Welsh string
	// WelshFor and WelshName are the give-a-Welsh-name form as typed.
	WelshFor, WelshName string
}

// themeRow is one theme on the admin's list, with the name Welsh readers
// see. Fallback marks an added theme with no Welsh name yet, whose
// English name Welsh readers see until an admin gives one.
type themeRow struct {
	domain.LearningTheme
	Welsh    string
	Fallback bool
}

// Untranslated lists the added themes that have no Welsh name yet.
func (f themeForm) Untranslated() []themeRow {
	var out []themeRow
	for _, r := range f.Themes {
		if r.Fallback {
			out = append(out, r)
		}
	}
	return out
}

// themeName is a learning theme's name in l's language: a built-in
// theme's from the catalogue (theme.<code>), an added theme's Welsh name
// as an admin gave it, and otherwise, until one is given, its English
// name (which the admin's list marks).
func themeName(l *i18n.Localizer, code, english, welsh string) string {
	if _, ok := i18n.Lookup(l.Lang(), "theme."+code); ok {
		return l.T("theme." + code)
	}
	if l.Lang() == i18n.Welsh && welsh != "" {
		return welsh
	}
	return english
}

func (s *Server) themesPage(c *gin.Context) {
	s.renderThemes(c, http.StatusOK, themeForm{}, nil)
}

// renderThemes shows the list with the forms and any problems with them.
func (s *Server) renderThemes(c *gin.Context, status int, f themeForm, errs []FieldError) {
	themes, err := s.deps.Store.LearningThemes(c.Request.Context())
	if err != nil {
		s.pageError(c, err)
		return
	}
	welsh := i18n.For(i18n.Welsh)
	for _, th := range themes {
		_, inCatalogue := i18n.Lookup(i18n.Welsh, "theme."+th.Code)
		f.Themes = append(f.Themes, themeRow{LearningTheme: th, Welsh: themeName(welsh, th.Code, th.Label, th.WelshLabel),
			Fallback: !inCatalogue && th.WelshLabel == ""})
	}
	render(c, status, "admin_themes.html", s.staffPage(c, page{Title: "Learning themes", Flash: c.Query("done"), Page: f, Errors: errs, FieldErrors: adminFieldMap(errs)}))
}

// themeNameProblem says what is wrong with a theme's name as typed, or ""
// when it will do; an optional name may be empty.
func themeNameProblem(name string, optional bool) string {
	switch {
	case name == "" && optional:
		return ""
	case name == "" || utf8.RuneCountInString(name) > themeNameLimit:
		return "Enter the theme's name as people will see it, in at most 80 characters"
	}
	return ""
}

// themeAddSubmit adds a theme, with its Welsh name if one is given, or
// shows the form again saying which field is wrong. The addition is
// audited.
func (s *Server) themeAddSubmit(c *gin.Context) {
	f := themeForm{Code: strings.TrimSpace(c.PostForm("code")), Label: strings.TrimSpace(c.PostForm("label")), Welsh: strings.TrimSpace(c.PostForm("label_cy"))}
	var errs []FieldError
	if !themeCode.MatchString(f.Code) {
		errs = append(errs, FieldError{Field: "code", Message: "Code must be 2 to 40 lower-case letters, digits or underscores, starting with a letter, such as youth_victims"})
	}
	if p := themeNameProblem(f.Label, false); p != "" {
		errs = append(errs, FieldError{Field: "label", Message: p})
	}
	if p := themeNameProblem(f.Welsh, true); p != "" {
		errs = append(errs, FieldError{Field: "label_cy", Message: "Enter the Welsh name in at most 80 characters, or leave it empty for now"})
	}
	if len(errs) == 0 {
		u := currentUser(c)
		err := s.deps.Store.InTx(c.Request.Context(), func(tx *store.Tx) error {
			if err := tx.AddLearningTheme(c.Request.Context(), f.Code, f.Label, u.Email); err != nil {
				return err
			}
			if f.Welsh != "" {
				if err := tx.SetLearningThemeWelsh(c.Request.Context(), f.Code, f.Welsh); err != nil {
					return err
				}
			}
			return tx.Audit(c.Request.Context(), u.Email, "learning_theme_added", "learning_theme", f.Code, map[string]any{"label": f.Label, "label_cy": f.Welsh})
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

// themeWelshSubmit gives an added theme its Welsh name, or shows the form
// again saying what is wrong. The change is audited.
func (s *Server) themeWelshSubmit(c *gin.Context) {
	f := themeForm{WelshFor: c.PostForm("theme"), WelshName: strings.TrimSpace(c.PostForm("theme_cy"))}
	var errs []FieldError
	if p := themeNameProblem(f.WelshName, false); p != "" {
		errs = append(errs, FieldError{Field: "theme_cy", Message: "Enter the theme's Welsh name, in at most 80 characters"})
	}
	if len(errs) == 0 {
		u := currentUser(c)
		err := s.deps.Store.InTx(c.Request.Context(), func(tx *store.Tx) error {
			if err := tx.SetLearningThemeWelsh(c.Request.Context(), f.WelshFor, f.WelshName); err != nil {
				return err
			}
			return tx.Audit(c.Request.Context(), u.Email, "learning_theme_welsh_set", "learning_theme", f.WelshFor, map[string]any{"label_cy": f.WelshName})
		})
		switch {
		case errors.Is(err, store.ErrNotFound):
			errs = append(errs, FieldError{Field: "theme", Message: "Choose one of the added themes on the list"})
		case err != nil:
			s.pageError(c, err)
			return
		default:
			adminDone(c, "/admin/themes", "The Welsh name "+f.WelshName+" is given.")
			return
		}
	}
	s.renderThemes(c, http.StatusUnprocessableEntity, f, errs)
}
