package server

import (
	"fmt"
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

// Month is a month and year in the page's language, as a case's
// finalised month shows on a member's page.
func (p page) Month(t time.Time) string { return p.loc().Month(t) }

// Label names a strand, outcome, case category or action status by its
// code in the page's language (see i18n.Localizer.Label), for the member
// and owner templates: {{.Label "action_status" $r.Status}}. Staff pages
// keep the domain's English labels.
func (p page) Label(kind string, code any) string { return p.loc().Label(kind, fmt.Sprint(code)) }

// Labels is Label for each of a list of codes, joined by commas, as a
// case's strands show on a member's page: "Anabledd, Crefydd".
func (p page) Labels(kind string, codes []string) string { return p.loc().Labels(kind, codes) }
