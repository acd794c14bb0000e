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

// TestRotatedKeyKeepsLinksWorking: after the signing key is rotated (the
// new key signs, the old one is kept as previous), member and owner links
// made with the old key still verify, new links are made with the new key
// (a signer with only the old key refuses them), and a key never
// configured is refused. A short previous key is refused at start.
func TestRotatedKeyKeepsLinksWorking(t *testing.T) {
	oldKey, newKey := []byte("old-key-0123456789-0123456789-0123"), []byte("new-key-abcdefghij-abcdefghij-abcd")
	before, _ := NewSigner(oldKey)
	after, err := NewSigner(newKey, oldKey)
	if err != nil {
		t.Fatal(err)
	}
	stranger, _ := NewSigner([]byte("other-key-zyxwvutsrq-zyxwvutsrq-zy"))
	now := time.Now()
	claims := Claims{MemberID: 7, CycleID: 3, Expires: now.Add(time.Hour), Epoch: 2}
	sent := before.Token(claims)
	if got, err := after.Verify(sent, now); err != nil || got.MemberID != 7 || got.Epoch != 2 {
		t.Errorf("a link sent before the rotation: %+v, %v", got, err)
	}
	fresh := after.Token(claims)
	if fresh == sent {
		t.Error("a new link was signed with the old key")
	}
	if _, err := before.Verify(fresh, now); !errors.Is(err, ErrInvalid) {
		t.Errorf("a signer without the new key accepted a new link: %v", err)
	}
	if _, err := stranger.Verify(sent, now); !errors.Is(err, ErrInvalid) {
		t.Errorf("another key accepted the link: %v", err)
	}
	owner := before.OwnerToken(OwnerClaims{ActionID: 9, Expires: now.Add(time.Hour)})
	if got, err := after.VerifyOwner(owner, now); err != nil || got.ActionID != 9 {
		t.Errorf("an owner link sent before the rotation: %+v, %v", got, err)
	}
	if _, err := NewSigner(newKey, []byte("short")); err == nil {
		t.Error("a short previous key was accepted")
	}
}
