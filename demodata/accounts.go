package demodata

import (
	"context"
	"errors"
	"fmt"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
)

// DevToken is a fresh API token for one of the demo staff accounts.
type DevToken struct {
	Who   string
	Email string
	Token string
}

// devTokenLabel marks the tokens DevTokens issues, so the next run can
// revoke them.
const devTokenLabel = "dev"

// DevPassword signs every demo staff account in to the pages. It is for
// the dev stack only: the demo accounts exist nowhere else.
const DevPassword = "scrutiny-demo"

// demoStaff are the staff accounts of the demo: an admin, and for the
// Wales panel a coordinator and a chair, with the Wales Area's manager.
var demoStaff = []struct {
	name, email string
	role        domain.StaffRole
	wales       bool
}{
	{"Demo Admin", "admin@example.org", domain.StaffAdmin, false},
	{"Cath Coordinator", "coordinator.wales@example.org", domain.StaffCoordinator, true},
	{"Rhiannon Chair", "chair.wales@example.org", domain.StaffChair, true},
	{"Morgan Manager", "manager.wales@example.org", domain.StaffManager, true},
}

// DevTokens makes sure the demo staff accounts exist and issues each a new
// token for this run of the dev stack, so a newcomer can call the API at
// once. Tokens from earlier runs are revoked.
func DevTokens(ctx context.Context, st *store.Store) ([]DevToken, error) {
	walesPanel, walesArea, err := st.FirstPanelOfArea(ctx, "wales")
	if err != nil {
		return nil, fmt.Errorf("the demo needs a Wales panel: %w", err)
	}
	if err := st.RevokeTokens(ctx, devTokenLabel); err != nil {
		return nil, err
	}
	var out []DevToken
	for _, s := range demoStaff {
		id, err := st.UserIDByEmail(ctx, s.email)
		if errors.Is(err, store.ErrNotFound) {
			u := store.User{Name: s.name, Email: s.email, Role: s.role}
			if s.wales {
				u.PanelIDs = []int64{walesPanel}
			}
			if s.role == domain.StaffManager {
				u.AreaID = &walesArea
				u.PanelIDs = nil
			}
			id, err = st.CreateUser(ctx, u)
		}
		if err != nil {
			return nil, err
		}
		if err := st.SetPassword(ctx, id, DevPassword); err != nil {
			return nil, err
		}
		token, err := st.IssueToken(ctx, id, devTokenLabel)
		if err != nil {
			return nil, err
		}
		out = append(out, DevToken{Who: fmt.Sprintf("%s (%s)", s.name, s.role), Email: s.email, Token: token})
	}
	return out, nil
}
