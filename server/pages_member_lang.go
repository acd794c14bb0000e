package server

import (
	"fmt"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/i18n"
	"github.com/lsip/scrutiny/reviewform"
)

// localizerKey holds, on a member's or an owner's request, the localizer
// of the language they prefer.
const localizerKey = "localizer"

// localizer is the request's localizer: the member's or owner's language,
// English on any other page.
func localizer(c *gin.Context) *i18n.Localizer {
	if l, ok := c.Get(localizerKey); ok {
		return l.(*i18n.Localizer)
	}
	return i18n.For(i18n.English)
}

// memberReviewForm is the review form in the member's language.
func memberReviewForm(c *gin.Context) reviewform.Form { return reviewform.In(localizer(c).Lang()) }

// T is a message in the page's language (English for staff pages, which
// carry no localizer), for the templates: {{.T "member.back"}} or
// {{.T "member.case.title" "Reference" .Case.Reference}}.
func (p page) T(key string, args ...any) string { return p.loc().T(key, args...) }

// Lang is the page's language, for the html element's lang attribute.
func (p page) Lang() string { return string(p.loc().Lang()) }

func (p page) loc() *i18n.Localizer {
	if p.L == nil {
		return i18n.For(i18n.English)
	}
	return p.L
}

// memberFlashes are the confirmations a member's page shows after a
// redirect, by the code in its done parameter.
var memberFlashes = []string{"rsvp", "conflict", "identifying", "agreement"}

// Time is a UK date and time in the page's language.
func (p page) Time(t time.Time) string { return p.loc().Time(t) }

// Date is a UK date in the page's language.
func (p page) Date(t time.Time) string { return p.loc().Date(t) }

// Label names a strand, outcome, case category or action status by its
// code in the page's language (see i18n.Localizer.Label), for the member
// and owner templates: {{.Label "action_status" $r.Status}}. Staff pages
// keep the domain's English labels.
func (p page) Label(kind string, code any) string { return p.loc().Label(kind, fmt.Sprint(code)) }

// Relabel is Label for the strands ("Race, Religion") and the outcome a
// member's page data carries in English, as the strands table and
// domain.OutcomeLabel word them: it finds each one's code, as the domain's
// parsers do, and names it in the page's language. A word the domain does
// not know shows the missing-key marker.
func (p page) Relabel(kind, english string) string {
	if english == "" {
		return ""
	}
	words := strings.Split(english, ", ")
	for i, w := range words {
		switch kind {
		case "strand":
			if st, ok := domain.StrandByCode(w); ok {
				w = st.Code
			}
		case "outcome":
			if o, ok := domain.ParseOutcome(w); ok {
				w = string(o)
			}
		}
		words[i] = p.loc().Label(kind, w)
	}
	return strings.Join(words, ", ")
}
