// Package activities holds every Temporal activity of scrutiny. Activities
// do the I/O the workflows orchestrate: database reads and writes, workbook
// generation and email. Each is idempotent, because Temporal may run an
// activity more than once.
package activities

import (
	"github.com/lsip/scrutiny/links"
	"github.com/lsip/scrutiny/mailer"
	"github.com/lsip/scrutiny/store"
)

// Activities carries the dependencies every activity needs. Register one
// value with the worker; its exported methods become the activities.
type Activities struct {
	Store  *store.Store
	Mailer *mailer.Sender
	Links  *links.Signer
	// PublicURL is the base of links placed in emails.
	PublicURL string
	// AttachPacks sends each member's workbook attached to the email;
	// otherwise the email carries only the personal link.
	AttachPacks bool
}
