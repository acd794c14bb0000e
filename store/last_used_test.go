package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
)

// TestLastUsedToTheMinute: a session's and an API token's "last used"
// moves on with a use once it is a minute old, and uses within the minute
// leave it (and its row) alone, so a person's many requests do not all
// write the same row. Every use still finds the person, and every token
// use is still in the audit log.
func TestLastUsedToTheMinute(t *testing.T) {
	st := testenv.DB(t)
	db := testenv.SQL(t, st)
	ctx := context.Background()
	u := store.User{Name: "Mo Admin", Email: "mo@example.org", Role: domain.StaffAdmin}
	id, err := st.CreateUser(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	u.ID = id
	token, err := st.IssueToken(ctx, id, "test")
	if err != nil {
		t.Fatal(err)
	}
	cookie, _, err := st.OpenSession(ctx, u, time.Hour, store.Device{}, false)
	if err != nil {
		t.Fatal(err)
	}
	lastUsed := func(table string) time.Time {
		t.Helper()
		var at time.Time
		if err := db.QueryRow(ctx, `SELECT last_used_at FROM `+table+` WHERE user_id = $1`, id).Scan(&at); err != nil {
			t.Fatal(err)
		}
		return at
	}
	use := func() {
		t.Helper()
		if got, err := st.UserByToken(ctx, token); err != nil || got.ID != id {
			t.Fatalf("token: %+v, %v", got, err)
		}
		if got, err := st.SessionByCookie(ctx, cookie); err != nil || got.User.ID != id {
			t.Fatalf("session: %+v, %v", got, err)
		}
	}
	for _, table := range []string{"api_tokens", "sessions"} {
		if _, err := db.Exec(ctx, `UPDATE `+table+` SET last_used_at = now() - interval '2 minutes' WHERE user_id = $1`, id); err != nil {
			t.Fatal(err)
		}
	}
	stale := lastUsed("sessions")
	use()
	tokenAt, sessionAt := lastUsed("api_tokens"), lastUsed("sessions")
	if !sessionAt.After(stale.Add(time.Minute)) || !tokenAt.After(stale.Add(time.Minute)) {
		t.Errorf("a use after two minutes left last used at %v (token) and %v (session), from %v", tokenAt, sessionAt, stale)
	}
	use()
	if lastUsed("api_tokens") != tokenAt || lastUsed("sessions") != sessionAt {
		t.Error("a use within the minute wrote last used again")
	}
	var audited int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'token_used' AND actor = 'mo@example.org'`).Scan(&audited); err != nil || audited != 2 {
		t.Errorf("%d token uses audited, want 2 (%v)", audited, err)
	}
}
