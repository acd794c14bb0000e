package totp

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

// The RFC 6238 appendix B test vectors for HMAC-SHA-1, with the 20-byte
// ASCII secret "12345678901234567890" and 8-digit codes.
func TestRFC6238Vectors(t *testing.T) {
	key := []byte("12345678901234567890")
	for unix, want := range map[int64]string{
		59:          "94287082",
		1111111109:  "07081804",
		1111111111:  "14050471",
		1234567890:  "89005924",
		2000000000:  "69279037",
		20000000000: "65353130",
	} {
		if got := hotp(key, counter(time.Unix(unix, 0)), 8); got != want {
			t.Errorf("T=%d: %s, want %s", unix, got, want)
		}
	}
}

func TestVerifyAcceptsOneStepEitherSideAndNoMore(t *testing.T) {
	secret := NewSecret()
	now := time.Date(2027, 3, 1, 9, 0, 15, 0, time.UTC)
	c, err := Code(secret, now)
	if err != nil {
		t.Fatal(err)
	}
	step, ok := Verify(secret, c, now)
	if !ok || step != counter(now) {
		t.Fatalf("the current code was refused (%d, %v)", step, ok)
	}
	if _, ok := Verify(secret, c[:3]+" "+c[3:], now.Add(Step)); !ok {
		t.Error("a code typed with a space, one step late, was refused")
	}
	if _, ok := Verify(secret, c, now.Add(3*Step)); ok {
		t.Error("a code three steps old was accepted")
	}
	if _, ok := Verify(secret, "000000", now); ok && c != "000000" {
		t.Error("a wrong code was accepted")
	}
	if _, ok := Verify("not base32!", c, now); ok {
		t.Error("a malformed secret verified")
	}
}

func TestURIIsWhatAppsRead(t *testing.T) {
	u, err := url.Parse(URI("scrutiny", "ada@cps.example", "JBSWY3DPEHPK3PXP"))
	if err != nil {
		t.Fatal(err)
	}
	if u.Scheme != "otpauth" || u.Host != "totp" || u.Query().Get("secret") != "JBSWY3DPEHPK3PXP" || u.Query().Get("issuer") != "scrutiny" || u.Query().Get("digits") != "6" {
		t.Errorf("uri %s", u)
	}
}

func TestRecoveryCodesAreDistinctAndReadable(t *testing.T) {
	codes := RecoveryCodes(10)
	seen := map[string]bool{}
	for _, c := range codes {
		if len(c) != 14 || strings.Count(c, "-") != 2 || strings.ContainsAny(c, "01ilo") {
			t.Errorf("code %q", c)
		}
		if seen[c] {
			t.Errorf("code %q twice", c)
		}
		seen[c] = true
	}
}
