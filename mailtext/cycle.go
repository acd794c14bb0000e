// Package mailtext holds the wording of every email scrutiny sends, as
// text templates, and renders them. Keeping the words in one place lets a
// reviewer check, in one read, that no email carries a case summary, a URN
// or a victim's details.
//
// This file and action.go are data: the templates themselves.
package mailtext

import (
	"bytes"
	"fmt"
	"strings"
	"text/template"

	"github.com/lsip/scrutiny/uktime"
)

// Every email scrutiny sends is one of these templates: a subject line, a
// blank line, then the plain-text body. They carry pseudonymous references,
// counts and dates, never a case summary, a URN or a victim's details, and
// their links lead to pages where a person presses a button: opening a link
// never changes anything, because mail scanners open links.
var templates = template.Must(template.New("").Funcs(template.FuncMap{
	"uktime":  uktime.Time,
	"ukclock": uktime.Clock,
	"ukdate":  uktime.Date,
}).Parse(`
{{define "invite"}}{{if .Cancelled}}Cancelled: {{.Panel}} meeting on {{ukdate .Start}}{{else if .Sequence}}Meeting changed: {{.Panel}}, {{uktime .Start}}{{else}}Meeting invitation: {{.Panel}}, {{uktime .Start}}{{end}}

Dear {{.Name}},

{{if .Cancelled}}The meeting of the {{.Panel}} on {{uktime .Start}} has been cancelled{{if .Reason}}. The reason given: {{.Reason}}{{end}}.

You do not need to do anything. The review cycle for this meeting has ended and your personal page for it is closed. Open the attached update and your calendar will remove the meeting.{{else}}{{if .Sequence}}The meeting of the {{.Panel}} has changed. It is now:{{else}}You are invited to the meeting of the {{.Panel}}:{{end}}

  When: {{uktime .Start}} to {{ukclock .End}}{{if .Location}}
  Where: {{.Location}}{{end}}{{if .OnlineLink}}
  Online: {{.OnlineLink}}{{end}}{{if .Sequence}}{{with .Deadline}}
  Reviews due: {{uktime .}}{{end}}{{end}}
{{if .Sequence}}{{with .Deadline}}
Please send your reviews by the new deadline, {{uktime .}}. Reminders will follow the new date.
{{end}}{{end}}
Please tell us whether you will attend or send your apologies, using the buttons on your personal page:
{{.Link}}

Open the attached invitation and your calendar will {{if .Sequence}}move the meeting{{else}}add it{{end}}.{{end}}

With thanks,
{{.Coordinator}}
{{end}}

{{define "teaser"}}Before the packs go out: any conflicts of interest? ({{.Panel}})

Dear {{.Name}},

These are the cases the panel will review. Before the review packs go out, please tell us if you know, or are connected to, anyone who may be involved in any of them. Only the type of each case is shown here.

{{range .Cases}}  {{.Reference}}: {{.Strands}}; {{.Offence}}; {{.Outcome}}; finalised {{.Month}}
{{end}}
To declare a conflict, use your personal page:
{{.Link}}

Please do this before {{uktime .Deadline}}, when the packs go out. If you have no conflicts, you do not need to do anything.

With thanks,
{{.Coordinator}}
{{end}}

{{define "pack"}}Your review pack for the {{.Panel}} meeting on {{ukdate .Meeting}}

Dear {{.Name}},

Your review pack is ready. It has {{.Cases}} case{{if ne .Cases 1}}s{{end}} for you to review before the meeting on {{uktime .Meeting}}.

Please send your reviews by {{uktime .Deadline}}.

There are two ways to review:
  - online: open your personal page and fill in the form for each case. Your answers are kept as a draft until you submit them;
  - in Excel: {{if .Attached}}the pack is attached{{else}}download the pack from your personal page{{end}}. Fill in the yellow cells and upload it on your personal page. Please do not email it back.

Your personal page:
{{.Link}}

The pack is confidential. Complainants of sexual offences have lifelong anonymity in law. Do not share, forward or print it, and delete it after the meeting. The link is personal to you: please do not forward this email.

With thanks,
{{.Coordinator}}
{{end}}

{{define "reminder"}}Reminder: {{.Outstanding}} review{{if ne .Outstanding 1}}s{{end}} to send by {{ukdate .Deadline}}

Dear {{.Name}},

You have {{.Outstanding}} case review{{if ne .Outstanding 1}}s{{end}} still to send for the {{.Panel}}. Please send {{if eq .Outstanding 1}}it{{else}}them{{end}} by {{uktime .Deadline}}.

Your personal page:
{{.Link}}

If you cannot review a case, just let your coordinator know by replying to this email.

With thanks,
{{.Coordinator}}
{{end}}

{{define "minutes"}}Minutes of the {{.Panel}} meeting on {{ukdate .Meeting}}

Dear {{.Name}},

The chair has approved the minutes of the meeting on {{uktime .Meeting}}. They are attached.

The minutes are confidential to the panel and the prosecution service. Please do not share them.

{{if .ForCoordinator}}The public key messages, which carry the learning and no case detail, can be downloaded from the cycle page:
{{.Link}}{{else}}Your coordinator will publish the key messages: a short public summary of the learning, with no case detail.{{end}}

With thanks,
{{.Coordinator}}
{{end}}

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

// AlertKinds are the coordinator alerts the "alert" template words.
var AlertKinds = []string{"bounce", "non_returns", "identifying_detail", "awaiting_approval"}

// Render executes an email template and splits its subject from its body.
func Render(name string, data any) (subject, body string, err error) {
	var b bytes.Buffer
	if err := templates.ExecuteTemplate(&b, name, data); err != nil {
		return "", "", fmt.Errorf("render %s email: %w", name, err)
	}
	subject, body, _ = strings.Cut(strings.TrimLeft(b.String(), "\n"), "\n\n")
	return strings.TrimSpace(subject), strings.TrimSpace(body) + "\n", nil
}
