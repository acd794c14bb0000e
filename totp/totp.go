// Package totp is the second factor staff sign in with: time-based one-time
// passwords (RFC 6238, HMAC-SHA-1, 30-second steps, 6 digits), which every
// common authenticator app reads from an otpauth:// link or its QR code,
// and single-use recovery codes for when the phone is lost.
package totp

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Step is the life of one code.
const Step = 30 * time.Second

// Digits is the length of a code.
const Digits = 6

// skew is how many steps either side of now a code is accepted, so a
// phone clock a little out and the seconds it takes to type do not lock
// anyone out.
const skew = 1

var encoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewSecret returns a fresh 160-bit secret, base32 encoded as apps expect.
func NewSecret() string {
	b := make([]byte, 20)
	rand.Read(b)
	return encoding.EncodeToString(b)
}

// URI is the otpauth:// link an authenticator app enrols from.
func URI(issuer, account, secret string) string {
	v := url.Values{}
	v.Set("secret", secret)
	v.Set("issuer", issuer)
	v.Set("algorithm", "SHA1")
	v.Set("digits", fmt.Sprint(Digits))
	v.Set("period", fmt.Sprint(int(Step/time.Second)))
	return "otpauth://totp/" + url.PathEscape(issuer+":"+account) + "?" + v.Encode()
}

// Code is the code for the step that holds t.
func Code(secret string, t time.Time) (string, error) {
	key, err := decode(secret)
	if err != nil {
		return "", err
	}
	return hotp(key, counter(t), Digits), nil
}

// Verify reports whether code is valid at t and, if so, the step it
// belongs to. A caller stores the step and refuses any code whose step is
// not later than the last one used, so an overheard code cannot be replayed.
func Verify(secret, code string, t time.Time) (step int64, ok bool) {
	key, err := decode(secret)
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if err != nil || len(code) != Digits {
		return 0, false
	}
	now := counter(t)
	for s := now - skew; s <= now+skew; s++ {
		if subtle.ConstantTimeCompare([]byte(hotp(key, s, Digits)), []byte(code)) == 1 {
			return s, true
		}
	}
	return 0, false
}

func counter(t time.Time) int64 { return t.Unix() / int64(Step/time.Second) }

func decode(secret string) ([]byte, error) {
	key, err := encoding.DecodeString(strings.ToUpper(strings.TrimRight(secret, "=")))
	if err != nil {
		return nil, fmt.Errorf("totp secret: %w", err)
	}
	return key, nil
}

// hotp is RFC 4226's HOTP: HMAC-SHA-1 of the counter, dynamically
// truncated to digits decimal digits.
func hotp(key []byte, counter int64, digits int) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(counter))
	mac := hmac.New(sha1.New, key)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	offset := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[offset:offset+4]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", digits, bin%mod)
}

// RecoveryCodes returns n fresh recovery codes, each "xxxx-xxxx-xxxx" in
// lower-case letters and digits that cannot be confused (no 0/o, 1/l/i).
// Store only their hashes; each works once.
func RecoveryCodes(n int) []string {
	const alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
	codes := make([]string, n)
	for i := range codes {
		b := make([]byte, 12)
		rand.Read(b)
		var sb strings.Builder
		for j, c := range b {
			if j > 0 && j%4 == 0 {
				sb.WriteByte('-')
			}
			sb.WriteByte(alphabet[int(c)%len(alphabet)])
		}
		codes[i] = sb.String()
	}
	return codes
}
