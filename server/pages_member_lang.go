package server

import (
	"time"

	"github.com/gin-gonic/gin"

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
