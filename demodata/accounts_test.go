package demodata_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/lsip/scrutiny/demodata"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
)

// Each run of the dev stack gives the demo staff working tokens and
// revokes the last run's, without making the accounts twice.
func TestDevTokensReplaceTheLastRunsTokens(t *testing.T) {
	st := testenv.DB(t)
	ctx := context.Background()
	if _, err := demodata.DevTokens(ctx, st); err == nil {
		t.Error("DevTokens on a database without a Wales panel succeeded")
	}
	if _, err := demodata.Load(ctx, st, demodata.Options{Seed: 1, Cases: 10, Now: now}); err != nil {
		t.Fatal(err)
	}
	first, err := demodata.DevTokens(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	second, err := demodata.DevTokens(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != 4 || len(second) != 4 {
		t.Fatalf("%d and %d tokens, want 4 each", len(first), len(second))
	}
	if n := count(t, st, `SELECT count(*) FROM users`); n != 4 {
		t.Errorf("%d staff accounts after two runs, want 4", n)
	}
	for i, tok := range second {
		if _, err := st.UserByToken(ctx, first[i].Token); !errors.Is(err, store.ErrBadToken) {
			t.Errorf("%s: the last run's token still works (%v)", tok.Who, err)
		}
		u, err := st.UserByToken(ctx, tok.Token)
		if err != nil {
			t.Fatalf("%s: %v", tok.Who, err)
		}
		if u.Email != tok.Email {
			t.Errorf("token for %s belongs to %s", tok.Email, u.Email)
		}
		switch u.Role {
		case domain.StaffManager:
			if u.AreaID == nil || len(u.PanelIDs) != 0 {
				t.Errorf("manager: Area %v, panels %v; want the Wales Area and no panels", u.AreaID, u.PanelIDs)
			}
		case domain.StaffCoordinator, domain.StaffChair:
			if u.AreaID != nil || len(u.PanelIDs) != 1 {
				t.Errorf("%s: Area %v, panels %v; want the Wales panel only", u.Role, u.AreaID, u.PanelIDs)
			}
		}
		if _, _, err := st.Login(ctx, tok.Email, demodata.DevPassword, time.Hour); err != nil {
			t.Errorf("%s cannot sign in with the dev password: %v", tok.Email, err)
		}
	}
}
