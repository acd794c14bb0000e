package links

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// TestOwnerTokens: an owner's link names its action and, by digest, its
// owner's address; it expires, cannot be altered, and is never taken for a
// member's link or the other way round. Members' tokens are unchanged.
func TestOwnerTokens(t *testing.T) {
	s, _ := NewSigner([]byte(strings.Repeat("k", 32)))
	now := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	tok := s.OwnerToken(OwnerClaims{ActionID: 12, Email: "Owner@Example.org ", Expires: now.Add(time.Hour)})
	if strings.Contains(tok, "xample") {
		t.Error("the token carries the address in the clear")
	}
	got, err := s.VerifyOwner(tok, now)
	if err != nil || got.ActionID != 12 || !got.Expires.Equal(now.Add(time.Hour)) {
		t.Fatalf("VerifyOwner = %+v, %v", got, err)
	}
	if !got.Names("owner@example.org") || got.Names("someone.else@example.org") || got.Names("") {
		t.Error("Names does not tell the owner's address from others")
	}
	if _, err := s.VerifyOwner(tok, now.Add(2*time.Hour)); !errors.Is(err, ErrExpired) {
		t.Errorf("expired owner token: %v", err)
	}
	b := []byte(tok)
	b[5] ^= 1 // inside the action ID
	if _, err := s.VerifyOwner(string(b), now); !errors.Is(err, ErrInvalid) {
		t.Errorf("tampered owner token: %v", err)
	}
	other, _ := NewSigner([]byte(strings.Repeat("x", 32)))
	if _, err := other.VerifyOwner(tok, now); !errors.Is(err, ErrInvalid) {
		t.Errorf("owner token from another key: %v", err)
	}

	member := s.Token(Claims{MemberID: 12, CycleID: 7, Expires: now.Add(time.Hour)})
	member2 := s.Token(Claims{MemberID: 12, CycleID: 7, Expires: now.Add(time.Hour), Epoch: 2})
	for _, m := range []string{member, member2} {
		if _, err := s.VerifyOwner(m, now); !errors.Is(err, ErrInvalid) {
			t.Errorf("a member's token passed as an owner's: %v", err)
		}
		if _, err := s.Verify(m, now); err != nil {
			t.Errorf("member token no longer verifies: %v", err)
		}
	}
	if _, err := s.Verify(tok, now); !errors.Is(err, ErrInvalid) {
		t.Errorf("an owner's token passed as a member's: %v", err)
	}
}
