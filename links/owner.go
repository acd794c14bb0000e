package links

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"strings"
	"time"
)

// OwnerClaims are what an action owner's link grants: one action, to the
// person who owned it at one address, until Expires. The server checks on
// every use that the action is still open and still owned at that address,
// so closing or reassigning the action ends the link at once.
type OwnerClaims struct {
	ActionID int64
	// Email is the owner's address. The token carries a digest of it, not
	// the address, so the link does not reveal it; Verify leaves Email
	// empty, and Names says whether an address is the one the link was
	// made for.
	Email   string
	Expires time.Time
	digest  [ownerDigestLen]byte
}

// An owner token's payload is a kind byte, the action, the expiry and a
// digest of the owner's address. Its length (33 bytes) is neither of the
// member payloads' and its MAC has its own label, so a member link can
// never pass for an owner link, nor the other way round.
const (
	ownerKind      = 'o'
	ownerDigestLen = 16
	payloadOwner   = 1 + 8 + 8 + ownerDigestLen
)

// ownerDigest is the digest of an address as the token carries it; case
// and surrounding spaces do not count.
func ownerDigest(email string) (d [ownerDigestLen]byte) {
	sum := sha256.Sum256([]byte("scrutiny owner address\x00" + strings.ToLower(strings.TrimSpace(email))))
	copy(d[:], sum[:])
	return d
}

// Names reports whether email is the address the link was made for.
func (c OwnerClaims) Names(email string) bool {
	d := ownerDigest(email)
	return hmac.Equal(d[:], c.digest[:])
}

// OwnerToken encodes an owner's claims and their signature, URL-safe.
func (s *Signer) OwnerToken(c OwnerClaims) string {
	payload := make([]byte, payloadOwner, payloadOwner+sha256.Size)
	payload[0] = ownerKind
	binary.BigEndian.PutUint64(payload[1:], uint64(c.ActionID))
	binary.BigEndian.PutUint64(payload[9:], uint64(c.Expires.Unix()))
	d := ownerDigest(c.Email)
	copy(payload[17:], d[:])
	return base64.RawURLEncoding.EncodeToString(append(payload, ownerMAC(s.keys[0], payload)...))
}

// VerifyOwner checks an owner token's signature (in constant time) and
// its expiry. A member's token is ErrInvalid here.
func (s *Signer) VerifyOwner(token string, now time.Time) (OwnerClaims, error) {
	raw, err := decodeToken(token)
	if err != nil || len(raw) != payloadOwner+sha256.Size || raw[0] != ownerKind {
		return OwnerClaims{}, ErrInvalid
	}
	payload, sig := raw[:payloadOwner], raw[payloadOwner:]
	if !s.signedByAny(sig, func(key []byte) []byte { return ownerMAC(key, payload) }) {
		return OwnerClaims{}, ErrInvalid
	}
	c := OwnerClaims{
		ActionID: int64(binary.BigEndian.Uint64(payload[1:])),
		Expires:  time.Unix(int64(binary.BigEndian.Uint64(payload[9:])), 0),
	}
	copy(c.digest[:], payload[17:])
	if !now.Before(c.Expires) {
		return c, ErrExpired
	}
	return c, nil
}

func ownerMAC(key, payload []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("scrutiny owner link v1\x00"))
	m.Write(payload)
	return m.Sum(nil)
}
