// Package links makes and checks personal links: members' (here) and
// action owners' (owner.go). Panel members never have passwords: each gets
// a link that is signed, expires, and is scoped to one member and one
// cycle. The signature stops forgery; whether the member is still active
// and the cycle still open is checked against the database on every use,
// so revocation is immediate.
package links

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"time"
)

// Claims are what a link grants. Epoch is the member's link epoch when the
// link was made: re-issuing a member's link moves their epoch on, and the
// server refuses a link from an earlier one.
type Claims struct {
	MemberID int64
	CycleID  int64
	Expires  time.Time
	Epoch    int
}

// decodeToken reads a token strictly, so one link has exactly one
// spelling: only the URL-safe base64 alphabet (the decoder would skip a
// CR or LF), and zero unused bits at the end. Otherwise variants of a
// token would all verify, and a limit or a revocation keyed by the token
// could be sidestepped.
func decodeToken(token string) ([]byte, error) {
	for i := 0; i < len(token); i++ {
		c := token[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return nil, ErrInvalid
		}
	}
	return base64.RawURLEncoding.Strict().DecodeString(token)
}

// Signer signs tokens with an HMAC-SHA256 key and verifies them with that
// key or an earlier one, so that the key can be rotated without ending
// the links already sent: they keep working until they expire.
type Signer struct {
	keys [][]byte // the signing key first, then earlier keys still accepted
}

// NewSigner returns a Signer that signs with key and also accepts tokens
// signed with any of the previous keys; every key must be at least 32
// bytes.
func NewSigner(key []byte, previous ...[]byte) (*Signer, error) {
	keys := append([][]byte{key}, previous...)
	for _, k := range keys {
		if len(k) < 32 {
			return nil, errors.New("links: every signing key must be at least 32 bytes")
		}
	}
	return &Signer{keys: keys}, nil
}

// signedByAny reports whether sig is payload's MAC under any of the
// signer's keys, each compared in constant time.
func (s *Signer) signedByAny(sig []byte, mac func(key []byte) []byte) bool {
	ok := false
	for _, k := range s.keys {
		ok = hmac.Equal(sig, mac(k)) || ok
	}
	return ok
}

// A token's payload is the member, the cycle and the expiry (version 1),
// followed by the epoch in version 2. Epoch 0 is written as version 1, so
// links made before epochs existed, and those of members whose link was
// never re-issued, are the same tokens as ever.
const (
	payloadV1 = 8 + 8 + 8
	payloadV2 = payloadV1 + 8
)

// Token encodes the claims and their signature, URL-safe.
func (s *Signer) Token(c Claims) string {
	n := payloadV1
	if c.Epoch != 0 {
		n = payloadV2
	}
	payload := make([]byte, n, n+sha256.Size)
	binary.BigEndian.PutUint64(payload[0:], uint64(c.MemberID))
	binary.BigEndian.PutUint64(payload[8:], uint64(c.CycleID))
	binary.BigEndian.PutUint64(payload[16:], uint64(c.Expires.Unix()))
	if c.Epoch != 0 {
		binary.BigEndian.PutUint64(payload[24:], uint64(c.Epoch))
	}
	return base64.RawURLEncoding.EncodeToString(append(payload, memberMAC(s.keys[0], payload)...))
}

// Errors a link check can give. Both mean the member needs a new link.
var (
	ErrInvalid = errors.New("this link is not valid")
	ErrExpired = errors.New("this link has expired")
)

// Verify checks the signature (in constant time) and the expiry.
func (s *Signer) Verify(token string, now time.Time) (Claims, error) {
	raw, err := decodeToken(token)
	n := len(raw) - sha256.Size
	if err != nil || (n != payloadV1 && n != payloadV2) {
		return Claims{}, ErrInvalid
	}
	payload, sig := raw[:n], raw[n:]
	if !s.signedByAny(sig, func(key []byte) []byte { return memberMAC(key, payload) }) {
		return Claims{}, ErrInvalid
	}
	c := Claims{
		MemberID: int64(binary.BigEndian.Uint64(payload[0:])),
		CycleID:  int64(binary.BigEndian.Uint64(payload[8:])),
		Expires:  time.Unix(int64(binary.BigEndian.Uint64(payload[16:])), 0),
	}
	if n == payloadV2 {
		c.Epoch = int(binary.BigEndian.Uint64(payload[24:]))
	}
	if !now.Before(c.Expires) {
		return c, ErrExpired
	}
	return c, nil
}

func memberMAC(key, payload []byte) []byte {
	m := hmac.New(sha256.New, key)
	label := "scrutiny member link v1\x00"
	if len(payload) == payloadV2 {
		label = "scrutiny member link v2\x00"
	}
	m.Write([]byte(label))
	m.Write(payload)
	return m.Sum(nil)
}
