package mailtext

import "text/template"

// The action emails: the agreed notice, reminders and escalations are
// worded in the catalogues (mail.action-agreed, mail.action-notice and
// mail.action-link, in the owner's language when they go to the owner);
// the bounce notice, which goes to staff, is here. Dates are UK dates and
// times UK local time with the zone named. The link opens the action's
// page: an owner without a staff account gets a personal link (OwnerLink)
// that lets them record progress, ask for more time and complete the
// action; everyone else signs in. Opening either changes nothing: only the
// page's buttons do, because mail scanners open links.
var _ = template.Must(templates.Parse(`
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
