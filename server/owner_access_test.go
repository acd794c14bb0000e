package server

import (
	"context"
	"testing"
	"time"

	"github.com/lsip/scrutiny/links"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
)

// ownerLinkFixture adds an open action of the panel and returns a good
// owner's link for it, for the walk of every page route.
func ownerLinkFixture(t *testing.T, st *store.Store, signer *links.Signer, panel int64) string {
	t.Helper()
	var id int64
	err := testenv.SQL(t, st).QueryRow(context.Background(), `INSERT INTO actions (panel_id, area_id, description, owner_name, owner_email, manager_name, manager_email, due_on)
		SELECT id, area_id, 'a', 'o', 'o@example.org', 'm', 'm@example.org', current_date + 30 FROM panels WHERE id = $1 RETURNING id`, panel).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return signer.OwnerToken(links.OwnerClaims{ActionID: id, Email: "o@example.org", Expires: time.Now().Add(time.Hour)})
}
