package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
)

// TestAccountLinkIsSingleUseAndExpires: a link sets the password once; a
// second use, an expired link, an older link superseded by a newer one and
// a made-up token all fail with the error the page shows, changing nothing.
func TestAccountLinkIsSingleUseAndExpires(t *testing.T) {
	st := testenv.DB(t)
	ctx := context.Background()
	id, err := st.CreateUser(ctx, store.User{Name: "Ada Admin", Email: "ada@cps.example", Role: domain.StaffAdmin})
	if err != nil {
		t.Fatal(err)
	}
	first, err := st.IssueAccountLink(ctx, id, store.LinkFirstSignIn, time.Hour, "cli")
	if err != nil {
		t.Fatal(err)
	}
	l, err := st.PeekAccountLink(ctx, first)
	if err != nil || l.User.Email != "ada@cps.example" || l.Purpose != store.LinkFirstSignIn {
		t.Fatalf("peek: %+v, %v", l, err)
	}
	u, err := st.UseAccountLink(ctx, first, "correct horse battery")
	if err != nil || u.ID != id {
		t.Fatalf("use: %+v, %v", u, err)
	}
	if _, _, err := st.Login(ctx, "ada@cps.example", "correct horse battery", time.Hour); err != nil {
		t.Fatalf("sign in with the new password: %v", err)
	}
	if _, err := st.UseAccountLink(ctx, first, "another good passphrase"); !errors.Is(err, store.ErrLinkUsed) {
		t.Errorf("second use: %v, want ErrLinkUsed", err)
	}
	if _, _, err := st.Login(ctx, "ada@cps.example", "another good passphrase", time.Hour); err == nil {
		t.Error("a refused second use changed the password")
	}

	older, _ := st.IssueAccountLink(ctx, id, store.LinkReset, time.Hour, "ada@cps.example")
	newer, _ := st.IssueAccountLink(ctx, id, store.LinkReset, time.Hour, "ada@cps.example")
	if _, err := st.PeekAccountLink(ctx, older); !errors.Is(err, store.ErrLinkUsed) {
		t.Errorf("superseded link: %v, want ErrLinkUsed", err)
	}
	if _, err := st.PeekAccountLink(ctx, newer); err != nil {
		t.Errorf("latest link: %v", err)
	}
	expiring, _ := st.IssueAccountLink(ctx, id, store.LinkInvitation, time.Millisecond, "ada@cps.example")
	time.Sleep(20 * time.Millisecond)
	if _, err := st.UseAccountLink(ctx, expiring, "correct horse battery"); !errors.Is(err, store.ErrLinkExpired) {
		t.Errorf("expired link: %v, want ErrLinkExpired", err)
	}
	if _, err := st.PeekAccountLink(ctx, "acl_made_up"); !errors.Is(err, store.ErrLinkUnknown) {
		t.Errorf("unknown link: %v, want ErrLinkUnknown", err)
	}
}
