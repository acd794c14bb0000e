package demodata

import (
	"context"
	"fmt"

	"github.com/lsip/scrutiny/store"
)

// DevToken is a fresh API token for one of the demo staff accounts.
type DevToken struct {
	Who   string
	Email string
	Token string
}

// DevPassword signs every demo staff account in to the pages. It is for
// the dev stack only: the demo accounts exist nowhere else.
const DevPassword = "scrutiny-demo"

// demoStaff are the staff accounts of the demo: an admin, and for the
// Wales panel a coordinator and a chair, with the Wales Area's manager.
var demoStaff = []struct {
	name, email, role string
	wales             bool
}{
	{"Demo Admin", "admin@example.org", "admin", false},
	{"Cath Coordinator", "coordinator.wales@example.org", "coordinator", true},
	{"Rhiannon Chair", "chair.wales@example.org", "chair", true},
	{"Morgan Manager", "manager.wales@example.org", "manager", true},
}

// DevTokens makes sure the demo staff accounts exist and issues each a new
// token for this run of the dev stack, so a newcomer can call the API at
// once. Tokens from earlier runs are revoked.
func DevTokens(ctx context.Context, st *store.Store) ([]DevToken, error) {
	var walesPanel int64
	var walesArea int16
	if err := st.Pool.QueryRow(ctx, `SELECT p.id, p.area_id FROM panels p JOIN areas a ON a.id = p.area_id WHERE a.code = 'wales' ORDER BY p.id LIMIT 1`).Scan(&walesPanel, &walesArea); err != nil {
		return nil, fmt.Errorf("the demo needs a Wales panel: %w", err)
	}
	if _, err := st.Pool.Exec(ctx, `UPDATE api_tokens SET revoked_at = now() WHERE label = 'dev' AND revoked_at IS NULL`); err != nil {
		return nil, err
	}
	var out []DevToken
	for _, s := range demoStaff {
		var id int64
		err := st.Pool.QueryRow(ctx, `SELECT id FROM users WHERE email = $1`, s.email).Scan(&id)
		if err != nil {
			u := store.User{Name: s.name, Email: s.email, Role: s.role}
			if s.wales {
				u.PanelIDs = []int64{walesPanel}
			}
			if s.role == "manager" {
				u.AreaID = &walesArea
				u.PanelIDs = nil
			}
			if id, err = st.CreateUser(ctx, u); err != nil {
				return nil, err
			}
		}
		if err := st.SetPassword(ctx, id, DevPassword); err != nil {
			return nil, err
		}
		token, err := st.IssueToken(ctx, id, "dev")
		if err != nil {
			return nil, err
		}
		out = append(out, DevToken{Who: fmt.Sprintf("%s (%s)", s.name, s.role), Email: s.email, Token: token})
	}
	return out, nil
}
