package mailtext

import "text/template"

// The action emails: the agreed notice, reminders, escalations and bounce
// notices. Dates are UK dates and times UK local time with the zone named.
// The link opens the action's page: an owner without a staff account gets
// a personal link (OwnerLink) that lets them record progress, ask for more
// time and complete the action; everyone else signs in. Opening either
// changes nothing: only the page's buttons do, because mail scanners open
// links.
var _ = template.Must(templates.Parse(`
{{define "action-notice"}}{{if eq .Kind "escalation"}}Escalation: action A-{{.ActionID}} is {{.Overdue}}{{else if eq .Kind "overdue"}}Overdue: action A-{{.ActionID}} was due on {{.DueDate}}{{else if eq .Kind "due"}}Due today: action A-{{.ActionID}}{{else}}Reminder: action A-{{.ActionID}} is due on {{.DueDate}}{{end}}

Dear {{.Greeting}},

{{if eq .Kind "escalation"}}This action is {{.Overdue}} and has been escalated to you. Please make sure it is moving. On the action's page the owner can record progress or ask for more time, and the manager can approve more time, reassign the owner, or cancel the action with a reason.{{else if eq .Kind "overdue"}}This action is {{.Overdue}}{{if ne .Role "owner"}}; it was escalated to you earlier{{end}}. Please complete it, record progress or ask for more time.{{else if eq .Kind "due"}}This action is due today. Please complete it, or ask for more time if you need it.{{else}}This action is due on {{.DueDate}}. Please complete it by then, or ask for more time if you need it.{{end}}

  Action A-{{.ActionID}}: {{.Description}}
  This is {{.Label}}, from {{.Source}}.
  Owner: {{.OwnerName}}
  Manager: {{.ManagerName}}
  Due date: {{.DueDate}}{{if .Response}}
  Response recorded: {{.ResponseText}}{{end}}
{{if .Note}}
{{.Note}}
{{end}}
{{template "action-link" .}}

Sent {{.SentAt}}. This is an automatic message from scrutiny.
{{end}}

{{define "action-agreed"}}New action for you: A-{{.ActionID}}, due on {{.DueDate}}

Dear {{.Greeting}},

An action has been agreed and you are its owner. It is {{.Label}}, from {{.Source}}.

  Action A-{{.ActionID}}: {{.Description}}
  Owner: {{.OwnerName}}
  Manager: {{.ManagerName}}
  Due date: {{.DueDate}}

Please complete it by {{.DueDate}}. As you go, you can record progress. If you need more time, ask for it: {{.ManagerName}}, the action's manager, decides. You will be reminded before the due date.

{{template "action-link" .}}

Sent {{.SentAt}}. This is an automatic message from scrutiny.
{{end}}

{{define "action-link"}}{{if .OwnerLink}}To record progress, ask for more time or complete the action, open your personal link (opening it changes nothing). It works until {{.LinkExpires}} and only while you own the action; please do not forward it:{{else}}To see the action and record progress, a response, a request for more time or its completion, sign in here (opening the link changes nothing):{{end}}
{{.Link}}{{end}}

{{define "action-bounce"}}Undelivered: the {{.BouncedWhat}} for action A-{{.ActionID}}

Dear {{.Greeting}},

The {{.BouncedWhat}} for action A-{{.ActionID}} could not be delivered to {{.BouncedName}} at {{.BouncedEmail}}: the address was refused, so they have not heard about this action. {{if eq .BouncedRole "owner"}}If the owner has moved on, please reassign the action to a new owner on its page; the next reminders go to whoever owns it then.{{else}}Please check the address of this step of the escalation ladder ({{.BouncedRole}}) and have it corrected.{{end}}

  Action A-{{.ActionID}}: {{.Description}}
  Owner: {{.OwnerName}}
  Due date: {{.DueDate}}

The action's page:
{{.Link}}

Sent {{.SentAt}}. This is an automatic message from scrutiny.
{{end}}
`))
