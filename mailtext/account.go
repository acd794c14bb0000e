package mailtext

import "text/template"

// The account emails: an invitation to a new staff account, and a
// password reset. Each carries a single-use link to a page where the
// person chooses a password and presses a button: opening the link
// changes nothing. Expires is a UK time with the zone named.
var _ = template.Must(templates.Parse(`
{{define "account-invitation"}}You are invited to LSIP scrutiny

Dear {{.Name}},

{{.InvitedBy}} has given you a staff account on LSIP scrutiny, the system the Local Scrutiny and Involvement Panels use to review closed cases. Your role: {{.Role}}.

To choose your password and sign in, open this link:
{{.Link}}

The link works once, until {{uktime .Expires}}. Your password needs at least 12 characters; three random words make a good one.{{if .SecondFactor}} As {{.Role}}, you will also set up a code from an authenticator app on your phone when you first sign in.{{end}}

If you were not expecting this, you can ignore this email, or reply to tell us.

This is an automatic message from scrutiny.
{{end}}

{{define "account-reset"}}Reset your LSIP scrutiny password

Dear {{.Name}},

Someone, probably you, asked to reset the password of your LSIP scrutiny account.

To choose a new password, open this link:
{{.Link}}

The link works once, until {{uktime .Expires}}. If you did not ask for this, you can ignore this email: your password has not changed.

This is an automatic message from scrutiny.
{{end}}
`))
