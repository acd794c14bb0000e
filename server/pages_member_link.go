package server

import (
	"errors"
	"log/slog"

	"github.com/gin-gonic/gin"

	"github.com/lsip/scrutiny/i18n"
	"github.com/lsip/scrutiny/store"
)

// linkRefusalKey holds, on a request whose personal link was refused, why
// (a linkRefusal), for the page that explains it.
const linkRefusalKey = "link_refusal"

// linkRefusal is why a member's or an action owner's personal link was
// refused, as the catalogue words it (messages link.<Key>.title and
// link.<Key>.detail, run on Data), and the languages to say it in: the
// person's own when the link names someone who can still be looked up (an
// expired link that scrutiny signed still does), else Welsh then English.
type linkRefusal struct {
	Status int
	Key    string
	Data   map[string]any
	Langs  []i18n.Lang
}

// in is the refusal as a problem written in one language.
func (r linkRefusal) in(lang i18n.Lang) Problem {
	l := i18n.For(lang)
	return Problem{Status: r.Status, Title: l.T("link."+r.Key+".title", r.Data), Detail: l.T("link."+r.Key+".detail", r.Data)}
}

// refuseLink keeps the refusal for the page to explain and returns it in
// English, as the API answers it. A refusal that names no language is
// said in Welsh then English.
func refuseLink(c *gin.Context, r linkRefusal) *Problem {
	if len(r.Langs) == 0 {
		r.Langs = []i18n.Lang{i18n.Welsh, i18n.English}
	}
	c.Set(linkRefusalKey, r)
	p := r.in(i18n.English)
	return &p
}

// personLang is the language a link's person is written to in, as one
// of the store's language look-ups found it; none (so Welsh and English)
// when the person cannot be found.
func personLang(route, lang string, err error) []i18n.Lang {
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			slog.Error("language of a refused link's person", "route", route, "error", err)
		}
		return nil
	}
	return []i18n.Lang{i18n.Parse(lang)}
}

// memberLinkLang is the language of the member a refused link names.
func (s *Server) memberLinkLang(c *gin.Context, memberID int64) []i18n.Lang {
	lang, _, err := s.deps.Store.MemberLanguage(c.Request.Context(), memberID)
	return personLang(routeOf(c), lang, err)
}

// ownerLinkLang is the language of the owner of the action a refused link
// names.
func (s *Server) ownerLinkLang(c *gin.Context, actionID int64) []i18n.Lang {
	lang, err := s.deps.Store.ActionOwnerLanguage(c.Request.Context(), actionID)
	return personLang(routeOf(c), lang, err)
}

// linkRefusalOf is the refusal of the request's link, if it was refused.
func linkRefusalOf(c *gin.Context) (linkRefusal, bool) {
	r, ok := c.Get(linkRefusalKey)
	if !ok {
		return linkRefusal{}, false
	}
	return r.(linkRefusal), true
}

// linkFailedPart is a refused link's explanation in one language.
type linkFailedPart struct {
	Lang string
	Problem
}

// linkFailedPage explains a refused link in the languages of its refusal,
// or shows fallback (such as a failure on our side) when there is none.
func linkFailedPage(c *gin.Context, fallback Problem) {
	r, ok := linkRefusalOf(c)
	if !ok {
		errorPage(c, fallback, "", "")
		return
	}
	parts := make([]linkFailedPart, len(r.Langs))
	for i, lang := range r.Langs {
		parts[i] = linkFailedPart{Lang: string(lang), Problem: r.in(lang)}
	}
	render(c, r.Status, "link_failed.html", page{Title: parts[0].Title, Page: parts, L: i18n.For(r.Langs[0])})
}
