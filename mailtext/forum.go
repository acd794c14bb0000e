package mailtext

import "text/template"

// The forum invitation: a forum (such as a Community Accountability Forum)
// meets on an agenda and reviews no cases, so its invitation lists the
// agenda and says nothing of packs or reviews. Agenda items carry
// Position, Title, Lead and Minutes; the calendar invitation is attached.
var _ = template.Must(templates.Parse(`
{{define "forum_invite"}}{{if .Sequence}}Meeting changed: {{.Panel}}, {{uktime .Start}}{{else}}Meeting invitation: {{.Panel}}, {{uktime .Start}}{{end}}

Dear {{.Name}},

{{if .Sequence}}The meeting of the {{.Panel}} has changed. It is now:{{else}}You are invited to the meeting of the {{.Panel}}:{{end}}

  When: {{uktime .Start}} to {{ukclock .End}}{{if .Location}}
  Where: {{.Location}}{{end}}{{if .OnlineLink}}
  Online: {{.OnlineLink}}{{end}}
{{if .Agenda}}
Agenda:
{{range .Agenda}}  {{.Position}}. {{.Title}}{{if .Lead}} (led by {{.Lead}}){{end}}{{if .Minutes}}, {{.Minutes}} minutes{{end}}
{{end}}{{end}}
Please tell us whether you will attend or send your apologies, using the buttons on your personal page:
{{.Link}}

Open the attached invitation and your calendar will {{if .Sequence}}move the meeting{{else}}add it{{end}}.

With thanks,
{{.Coordinator}}
{{end}}
`))
