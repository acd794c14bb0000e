package links

import (
	"strings"
	"testing"
	"time"
)

// FuzzVerify: no string, however malformed, makes Verify or VerifyOwner
// panic, and only a token this signer made is ever accepted: anything
// accepted must round-trip to the same token.
func FuzzVerify(f *testing.F) {
	s, err := NewSigner([]byte(strings.Repeat("k", 32)))
	if err != nil {
		f.Fatal(err)
	}
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	f.Add(s.Token(Claims{MemberID: 42, CycleID: 7, Expires: now.Add(time.Hour)}))
	f.Add(s.Token(Claims{MemberID: 42, CycleID: 7, Expires: now.Add(time.Hour), Epoch: 3}))
	owner := s.OwnerToken(OwnerClaims{ActionID: 9, Email: "owner@example.org", Expires: now.Add(time.Hour)})
	f.Add(owner)
	f.Add("")
	f.Add(".")
	f.Add("not-a-link")
	f.Add(strings.Repeat("A", 10000))
	f.Fuzz(func(t *testing.T, token string) {
		if c, err := s.Verify(token, now); err == nil && s.Token(c) != token {
			t.Fatalf("accepted %q, which this signer would write as %q", token, s.Token(c))
		}
		// An owner token carries a digest of the address, not the address,
		// so it cannot be re-made from its claims: the only one that may
		// pass is the one this signer made.
		if _, err := s.VerifyOwner(token, now); err == nil && token != owner {
			t.Fatalf("accepted an owner token this signer never made: %q", token)
		}
	})
}
