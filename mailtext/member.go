package mailtext

import "text/template"

// The member-link email: a panel member's new personal link, sent when the
// coordinator re-issues it (for example after a forwarded email). The
// links sent before stop working. Expires is a UK time with the zone
// named.
var _ = template.Must(templates.Parse(`
{{define "member-link"}}Your new personal link ({{.Panel}})

Dear {{.Name}},

{{.Coordinator}} has issued you a new personal link for the {{.Panel}}. The links in earlier emails no longer work; please use this one from now on:
{{.Link}}

It opens your page for the current review cycle until {{uktime .Expires}}. Please do not forward it: it is yours alone.

With thanks,
{{.Coordinator}}
{{end}}
`))
