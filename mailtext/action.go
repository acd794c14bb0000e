package mailtext

import "text/template"

// The action emails: reminders, escalations and bounce notices. Dates are
// UK dates and times UK local time with the zone named. The link opens the
// action's page, where a person signs in and presses a button: opening it
// changes nothing.
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
To see the action and record progress, a response, a request for more time or its completion, sign in here (opening the link changes nothing):
{{.Link}}

Sent {{.SentAt}}. This is an automatic message from scrutiny.
{{end}}

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
