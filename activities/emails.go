package activities

import (
	"bytes"
	"fmt"
	"strings"
	"text/template"
	"time"

	"github.com/lsip/scrutiny/links"
	"github.com/lsip/scrutiny/workbook"
)

// Every email scrutiny sends is one of these templates: a subject line, a
// blank line, then the plain-text body. They carry references and dates,
// never a case summary or a URN, and their links lead to pages where a
// person presses a button: opening a link never changes anything, because
// mail scanners open links.
var emailTemplates = template.Must(template.New("").Funcs(template.FuncMap{
	"uktime": workbook.UKTime,
	"ukdate": workbook.UKDate,
}).Parse(`
{{define "invite"}}Meeting invitation: {{.Panel}}, {{uktime .Start}}

Dear {{.Name}},

{{if .Cancelled}}The meeting of the {{.Panel}} on {{uktime .Start}} has been cancelled{{if .Reason}}: {{.Reason}}{{end}}.
Your calendar should remove it when you open the attached update.{{else}}{{if .Sequence}}The meeting of the {{.Panel}} has changed. It is now on:{{else}}You are invited to the meeting of the {{.Panel}} on:{{end}}

  {{uktime .Start}} to {{.End.Format "15:04"}}
  {{if .Location}}Where: {{.Location}}{{end}}{{if .OnlineLink}}
  Online: {{.OnlineLink}}{{end}}

Please tell us whether you can attend on your personal page:
{{.Link}}

The invitation is attached; your calendar will add it when you open it.{{end}}

With thanks,
{{.Coordinator}}
{{end}}

{{define "teaser"}}Before the packs go out: any conflicts of interest? ({{.Panel}})

Dear {{.Name}},

These are the cases the panel will review. Before the review packs go out, please tell us if you know, or are connected to, anyone who may be involved in any of them. Only the type of case is shown here.

{{range .Cases}}  {{.Reference}}: {{.Strands}}; {{.Offence}}; {{.Outcome}}; finalised {{.Month}}
{{end}}
To declare a conflict, or to confirm you have none, use your personal page:
{{.Link}}

Please do this before {{uktime .Deadline}}.

With thanks,
{{.Coordinator}}
{{end}}

{{define "pack"}}Your review pack for the {{.Panel}} meeting on {{ukdate .Meeting}}

Dear {{.Name}},

Your review pack is ready. It has {{.Cases}} case{{if ne .Cases 1}}s{{end}} for you to review before the meeting on {{uktime .Meeting}}.

Please send your reviews by {{uktime .Deadline}}.

Review each case on your personal page, which saves as you go:
{{.Link}}
{{if .Attached}}
The pack is also attached as an Excel workbook. You can fill in the yellow cells and upload it on the same page. Please do not email it back.{{else}}
You can download the pack as an Excel workbook from the same page.{{end}}

The pack is confidential. Complainants of sexual offences have lifelong anonymity in law. Do not share, forward or print it, and delete it after the meeting. The link is personal to you: please do not forward this email.

With thanks,
{{.Coordinator}}
{{end}}

{{define "reminder"}}Reminder: {{.Outstanding}} review{{if ne .Outstanding 1}}s{{end}} to send by {{ukdate .Deadline}}

Dear {{.Name}},

You have {{.Outstanding}} case review{{if ne .Outstanding 1}}s{{end}} still to send for the {{.Panel}}. Please send them by {{uktime .Deadline}}.

Your personal page:
{{.Link}}

If you cannot review a case, just let us know on that page or by replying to your coordinator.

With thanks,
{{.Coordinator}}
{{end}}

{{define "minutes"}}Minutes of the {{.Panel}} meeting on {{ukdate .Meeting}}

Dear {{.Name}},

The chair has approved the minutes of the meeting on {{uktime .Meeting}}. They are attached. The public key messages, which carry the learning and no case detail, can be downloaded from {{.Link}}.

The minutes are confidential to the panel and the prosecution service.

With thanks,
{{.Coordinator}}
{{end}}

{{define "action"}}{{if eq .Kind "escalation"}}Escalation: action A-{{.ID}} is overdue{{else if eq .Kind "overdue"}}Overdue: action A-{{.ID}}, due {{ukdate .Due}}{{else if eq .Kind "due"}}Due today: action A-{{.ID}}{{else}}Reminder: action A-{{.ID}} is due on {{ukdate .Due}}{{end}}

Dear {{.Name}},

{{if eq .Kind "escalation"}}This action from the {{.Panel}} is overdue and has been escalated to you.{{else if eq .Kind "overdue"}}This action from the {{.Panel}} is overdue.{{else if eq .Kind "due"}}This action from the {{.Panel}} is due today.{{else}}This action from the {{.Panel}} is due on {{ukdate .Due}}.{{end}}

  Action A-{{.ID}}: {{.Description}}
  Owner: {{.Owner}}
  Due: {{ukdate .Due}}
{{if .Note}}
{{.Note}}
{{end}}
Record progress, a response, a request for more time or its completion here:
{{.Link}}

(This is an automatic message from scrutiny.)
{{end}}

{{define "alert"}}{{.Subject}}

Dear {{.Coordinator}},

{{.Body}}

Cycle page: {{.Link}}

(This is an automatic message from scrutiny.)
{{end}}
`))

// render executes an email template and splits its subject from its body.
func render(name string, data any) (subject, body string, err error) {
	var b bytes.Buffer
	if err := emailTemplates.ExecuteTemplate(&b, name, data); err != nil {
		return "", "", fmt.Errorf("render %s email: %w", name, err)
	}
	subject, body, _ = strings.Cut(strings.TrimLeft(b.String(), "\n"), "\n\n")
	return strings.TrimSpace(subject), strings.TrimSpace(body) + "\n", nil
}

// memberLink is a member's personal page for a cycle, valid until access
// is revoked.
func (a *Activities) memberLink(memberID, cycleID int64, expires time.Time) string {
	return a.PublicURL + "/m/" + a.Links.Token(links.Claims{MemberID: memberID, CycleID: cycleID, Expires: expires})
}
