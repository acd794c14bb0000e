// Package mailtext renders every email scrutiny sends. The emails to panel
// members are worded in the message catalogues (package i18n, keys
// mail.<name>), in each member's language; the emails to staff and to
// action owners are the text templates here. Keeping the words in those
// two places lets a reviewer check, in one read, that no email carries a
// case summary, a URN or a victim's details.
//
// This file and action.go are data: the templates themselves.
package mailtext

import (
	"bytes"
	"fmt"
	"strings"
	"text/template"
	"time"

	"github.com/lsip/scrutiny/i18n"
	"github.com/lsip/scrutiny/uktime"
)

// Every email scrutiny sends is one of these templates, or a catalogue
// message mail.<name>: a subject line, a
// blank line, then the plain-text body. They carry pseudonymous references,
// counts and dates, never a case summary, a URN or a victim's details, and
// their links lead to pages where a person presses a button: opening a link
// never changes anything, because mail scanners open links.
var templates = template.Must(template.New("").Funcs(template.FuncMap{
	"uktime":  uktime.Time,
	"ukclock": uktime.Clock,
	"ukdate":  uktime.Date,
}).Parse(`
{{define "minutes_draft"}}Draft minutes to approve: {{.Panel}} meeting on {{ukdate .Meeting}}

Dear {{.Name}},

The draft minutes of the meeting on {{uktime .Meeting}} are ready and wait for your approval as chair.

Please sign in, download the draft from the cycle page and read it. If it is right, approve it on the same page: the minutes are then sent to the panel's members, and the public key messages are made. If something needs correcting, reply to this email; the record is corrected and the minutes drafted again, and you will be told when they are.

Cycle page: {{.Link}}

With thanks,
{{.Coordinator}}
{{end}}

{{define "alert"}}{{if eq .Kind "bounce"}}Email to a panel member bounced{{else if eq .Kind "non_returns"}}Reviews not returned by the deadline{{else if eq .Kind "identifying_detail"}}Case {{.Reference}} was pulled from every pack{{else}}The case selection is waiting for your check{{end}}: {{.Panel}}

Dear {{.Coordinator}},

{{if eq .Kind "bounce"}}Email to {{.MemberName}} was refused by their mail server. Nothing more will be sent to them until their address is corrected on their member record.{{else if eq .Kind "non_returns"}}These reviews had not been returned by the deadline. Late reviews are accepted until the meeting starts.

{{range .NonReturns}}  {{.Name}}: {{.Count}} missing ({{.References}})
{{end}}{{else if eq .Kind "identifying_detail"}}A panel member reported that case {{.Reference}} may reveal identifying detail. It has been removed from every member's pack and review list. The report is recorded on the cycle.{{else}}The cases drawn for this cycle are waiting for you to approve them, withdraw any, or ask for a fresh draw.{{end}}

Cycle page: {{.Link}}

(This is an automatic message from scrutiny.)
{{end}}
`))

// TeaserCase is one case in the conflict-check teaser (mail.teaser): only
// its type, with its strands and outcome as codes, so that each member's
// catalogue names them in their language.
type TeaserCase struct {
	Reference string
	Strands   []string // strand codes
	Offence   string
	Outcome   string // outcome code
	Finalised time.Time
}

// AlertKinds are the coordinator alerts the "alert" template words.
var AlertKinds = []string{"bounce", "non_returns", "identifying_detail", "awaiting_approval"}

// Render words an email and splits its subject from its body. An email
// the catalogues word (mail.<name>) is written in the languages data asks
// for: data is then a map whose "Lang" is the person's language ("en" or
// "cy"; English if absent) and whose "Bilingual", when true, writes the
// email in Welsh then English, one above the other, with both subjects
// joined by " / "; or a struct whose MailLang method names the language. Any other email is a template of this package, in
// English.
func Render(name string, data any) (subject, body string, err error) {
	key := "mail." + name
	if _, ok := i18n.Lookup(i18n.English, key); !ok {
		var b bytes.Buffer
		if err := templates.ExecuteTemplate(&b, name, data); err != nil {
			return "", "", fmt.Errorf("render %s email: %w", name, err)
		}
		subject, body = split(b.String())
		return subject, body, nil
	}
	var subjects, bodies []string
	var divider string
	for _, lang := range i18n.MailLangs(audience(data)) {
		l := i18n.For(lang)
		text, err := l.Text(key, data)
		if err != nil {
			return "", "", fmt.Errorf("render %s email: %w", name, err)
		}
		s, b := split(text)
		subjects, bodies = append(subjects, s), append(bodies, strings.TrimSpace(b))
		if divider == "" {
			divider = l.T("mail.bilingual_divider")
		}
	}
	return strings.Join(subjects, " / "), strings.Join(bodies, "\n\n"+divider+"\n\n") + "\n", nil
}

// split separates an email's subject line from its body.
func split(text string) (subject, body string) {
	subject, body, _ = strings.Cut(strings.TrimLeft(text, "\n"), "\n\n")
	return strings.TrimSpace(subject), strings.TrimSpace(body) + "\n"
}

// audience reads the language and the bilingual flag from an email's data:
// a map's "Lang" and "Bilingual", or the MailLang of a struct that has one.
func audience(data any) (lang string, bilingual bool) {
	switch d := data.(type) {
	case map[string]any:
		lang, _ = d["Lang"].(string)
		bilingual, _ = d["Bilingual"].(bool)
	case interface{ MailLang() string }:
		lang = d.MailLang()
	}
	return lang, bilingual
}
