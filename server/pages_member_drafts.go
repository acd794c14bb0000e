package server

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/lsip/scrutiny/i18n"
	"github.com/lsip/scrutiny/reviewform"
	"github.com/lsip/scrutiny/uktime"
)

// autosaveHeader marks a draft posted in the background by
// static/autosave.js. Such a save is answered with JSON for the script to
// report, not with a page; the form itself works without the script.
const autosaveHeader = "X-Autosave"

// autosaveResult is the answer to a background draft save.
type autosaveResult struct {
	Saved   bool   `json:"saved"`
	Message string `json:"message"`
	// Parts is the message in each language, Welsh then English, when the
	// link names nobody whose language is known; the script marks each
	// with its language. Message then holds them one a line.
	Parts []autosavePart `json:"parts,omitempty"`
}

// autosavePart is a background save's message in one language.
type autosavePart struct {
	Lang string `json:"lang"`
	Text string `json:"text"`
}

// isAutosave reports whether the request is a background draft save.
func isAutosave(c *gin.Context) bool { return c.GetHeader(autosaveHeader) == "1" }

// memberLinkFailed answers a member whose link no longer works. A review
// form posted with such a link is not saved, so the answers typed are
// shown back to copy, with what to do next, never a bare error that drops
// them; the case summary is not shown again. Anything else gets the page
// that explains a refused link. A link that names a member who can be
// looked up is answered in their language.
func memberLinkFailed(c *gin.Context, p Problem) {
	if r, ok := linkRefusalOf(c); ok && len(r.Langs) == 1 {
		c.Set(localizerKey, i18n.For(r.Langs[0]))
		p = r.in(r.Langs[0])
	}
	review := c.Request.Method == http.MethodPost && c.FullPath() == "/m/:token/cases/:case"
	switch {
	case review && isAutosave(c):
		c.JSON(p.Status, autosaveRefused(c, p))
	case review:
		form := memberReviewForm(c)
		render(c, p.Status, "member_unsaved.html", page{Title: localizer(c).T("member.unsaved.title"), Message: p.Detail,
			Page: unsavedElsewhere(c), Form: form, Answers: answersFromForm(c, form), L: localizer(c)})
	default:
		linkFailedPage(c, p)
	}
}

// unsavedNotice is the kept-answers page's explanation in a language
// other than the page's.
type unsavedNotice struct{ Lang, Title, Message, Copy string }

// unsavedElsewhere is, when the refused link names nobody whose language
// is known, the kept-answers page's explanation in the languages other
// than the page's (Welsh, above the English), as a Welsh panel writes to
// an unknown reader; nothing otherwise.
func unsavedElsewhere(c *gin.Context) []unsavedNotice {
	r, ok := linkRefusalOf(c)
	if !ok || len(r.Langs) < 2 {
		return nil
	}
	var out []unsavedNotice
	for _, lang := range r.Langs {
		if lang == localizer(c).Lang() {
			continue
		}
		l := i18n.For(lang)
		out = append(out, unsavedNotice{Lang: string(lang), Title: l.T("member.unsaved.title"), Message: r.in(lang).Detail, Copy: l.T("member.unsaved.copy")})
	}
	return out
}

// autosaveRefused is the answer to a background save whose link was
// refused, asking the member to keep their answers: in their language, or,
// when the link names nobody whose language is known, in Welsh then
// English, as a Welsh panel writes to an unknown reader.
func autosaveRefused(c *gin.Context, p Problem) autosaveResult {
	r, ok := linkRefusalOf(c)
	if !ok || len(r.Langs) < 2 {
		return autosaveResult{Message: keepAnswersMessage(localizer(c), p)}
	}
	var res autosaveResult
	texts := make([]string, len(r.Langs))
	for i, lang := range r.Langs {
		texts[i] = keepAnswersMessage(i18n.For(lang), r.in(lang))
		res.Parts = append(res.Parts, autosavePart{Lang: string(lang), Text: texts[i]})
	}
	res.Message = strings.Join(texts, "\n")
	return res
}

// keepAnswersMessage says, in l's language, why a draft was not saved and
// to keep the answers typed.
func keepAnswersMessage(l *i18n.Localizer, p Problem) string {
	return l.T("member.autosave.keep", "Reason", strings.TrimSuffix(lowerFirst(p.Detail), "."))
}

// lowerFirst gives s a lower-case first letter, to continue a sentence.
func lowerFirst(s string) string {
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		return s
	}
	return string(s[0]+'a'-'A') + s[1:]
}

// autosaveDraft saves what the member has typed so far as a draft, in the
// background, and says how it went in words the script shows beside the
// buttons. A background save never sends the review.
func (s *Server) autosaveDraft(c *gin.Context, m memberAccess, caseID int64, form reviewform.Form, answers reviewform.Answers) {
	if problems := form.Validate(answers, false); len(problems) > 0 {
		c.JSON(http.StatusUnprocessableEntity, autosaveResult{Message: localizer(c).T("member.autosave.failed", "Reason", problems[0].Message)})
		return
	}
	if _, p := s.saveReview(c.Request.Context(), m, caseID, answers, false, "web"); p != nil {
		c.JSON(p.Status, autosaveResult{Message: localizer(c).T("member.autosave.retry", "Reason", strings.TrimSuffix(lowerFirst(p.Detail), "."))})
		return
	}
	c.JSON(http.StatusOK, autosaveResult{Saved: true, Message: localizer(c).T("member.autosave.saved", "Clock", uktime.Clock(time.Now()))})
}
