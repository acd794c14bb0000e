package links

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestTokenRoundTripAndTampering(t *testing.T) {
	s, err := NewSigner([]byte(strings.Repeat("k", 32)))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	want := Claims{MemberID: 42, CycleID: 7, Expires: now.Add(time.Hour)}
	tok := s.Token(want)
	got, err := s.Verify(tok, now)
	if err != nil || got.MemberID != 42 || got.CycleID != 7 || !got.Expires.Equal(want.Expires) {
		t.Fatalf("Verify = %+v, %v", got, err)
	}
	if _, err := s.Verify(tok, now.Add(2*time.Hour)); !errors.Is(err, ErrExpired) {
		t.Errorf("expired token: %v", err)
	}
	// Flip one character of the payload: the member ID changes, the MAC fails.
	b := []byte(tok)
	b[3] ^= 1
	if _, err := s.Verify(string(b), now); !errors.Is(err, ErrInvalid) {
		t.Errorf("tampered token: %v", err)
	}
	other, _ := NewSigner([]byte(strings.Repeat("x", 32)))
	if _, err := other.Verify(tok, now); !errors.Is(err, ErrInvalid) {
		t.Errorf("token from another key: %v", err)
	}
	if _, err := NewSigner([]byte("short")); err == nil {
		t.Error("short key accepted")
	}
}

// TestEpochTokens: a link made in epoch 0 is the same token as before
// epochs existed; a later epoch is carried in the token and signed, so it
// cannot be changed without breaking the signature.
func TestEpochTokens(t *testing.T) {
	s, _ := NewSigner([]byte(strings.Repeat("k", 32)))
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	base := Claims{MemberID: 42, CycleID: 7, Expires: now.Add(time.Hour)}
	old := s.Token(base)
	if len(old) != 75 { // 24-byte payload and 32-byte MAC, base64 without padding
		t.Errorf("epoch 0 token is %d characters, want the original 75", len(old))
	}
	later := base
	later.Epoch = 3
	tok := s.Token(later)
	got, err := s.Verify(tok, now)
	if err != nil || got.Epoch != 3 || got.MemberID != 42 {
		t.Fatalf("Verify epoch 3 = %+v, %v", got, err)
	}
	if got, err := s.Verify(old, now); err != nil || got.Epoch != 0 {
		t.Errorf("Verify epoch 0 = %+v, %v", got, err)
	}
	b := []byte(tok)
	b[len(b)-45] ^= 1 // inside the epoch
	if _, err := s.Verify(string(b), now); !errors.Is(err, ErrInvalid) {
		t.Errorf("token with a changed epoch: %v", err)
	}
}
