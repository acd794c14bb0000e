package payloadcrypt_test

import (
	"bytes"
	"strings"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"

	"github.com/lsip/scrutiny/payloadcrypt"
)

const (
	oldKey = "2025-01:2wyg+AANn2TsUM/URpA7GRvJCqum/rSugQyxlL+gYDk="
	newKey = "2026-06:9vCwOKfCgumBWud/dxWPZdxA8nHksS3cHgfeXLLKqKM="
)

type answer struct {
	Concerns string `json:"concerns"`
}

const secretText = "The officer laughed at the victim's accent"

func codec(t *testing.T, keys string) *payloadcrypt.Codec {
	t.Helper()
	c, err := payloadcrypt.FromConfig(keys)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// seal converts v with dc and returns its payloads as Temporal would store
// them.
func seal(t *testing.T, dc converter.DataConverter, v any) *commonpb.Payloads {
	t.Helper()
	p, err := dc.ToPayloads(v)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestRoundTrip: a sealed payload carries no trace of the text, names the
// key and the sealed encoding, and opens to the same value and the
// original metadata; two seals of one value differ (a fresh nonce).
func TestRoundTrip(t *testing.T) {
	c := codec(t, newKey)
	dc := c.DataConverter()
	sealed := seal(t, dc, answer{secretText})
	p := sealed.Payloads[0]
	if bytes.Contains(p.Data, []byte("officer")) || bytes.Contains(p.Data, []byte("concerns")) {
		t.Error("the sealed payload shows the text")
	}
	if string(p.Metadata["encoding"]) != "binary/encrypted" || string(p.Metadata["encryption-key-id"]) != "2026-06" {
		t.Errorf("metadata %v, want the sealed encoding and the key ID", p.Metadata)
	}
	var got answer
	if err := dc.FromPayloads(sealed, &got); err != nil || got.Concerns != secretText {
		t.Errorf("opened %+v, %v", got, err)
	}
	opened, err := c.Decode(sealed.Payloads)
	if err != nil || string(opened[0].Metadata["encoding"]) != "json/plain" {
		t.Errorf("the original encoding was not kept: %v, %v", opened, err)
	}
	again := seal(t, dc, answer{secretText})
	if bytes.Equal(again.Payloads[0].Data, p.Data) {
		t.Error("two seals of one value are the same bytes")
	}
}

// TestRotation: after a new key is put first, new payloads are sealed with
// it and payloads sealed with the old key still open; a codec holding only
// the old key cannot open the new payloads.
func TestRotation(t *testing.T) {
	before := codec(t, oldKey).DataConverter()
	old := seal(t, before, answer{"sealed before the rotation"})
	after := codec(t, newKey+","+oldKey).DataConverter()
	fresh := seal(t, after, answer{"sealed after the rotation"})
	if id := string(fresh.Payloads[0].Metadata["encryption-key-id"]); id != "2026-06" {
		t.Errorf("a new payload was sealed with %q, want the new key", id)
	}
	var got answer
	if err := after.FromPayloads(old, &got); err != nil || got.Concerns != "sealed before the rotation" {
		t.Errorf("an old payload after the rotation: %+v, %v", got, err)
	}
	if err := before.FromPayloads(fresh, &got); err == nil || !strings.Contains(err.Error(), `unknown key ID "2026-06"`) {
		t.Errorf("a codec without the new key opened a new payload: %v", err)
	}
}

// TestUnknownKeyAndTampering: a payload naming a key that is not listed,
// one whose ciphertext or key ID was altered, and a truncated one are each
// refused with an error saying why.
func TestUnknownKeyAndTampering(t *testing.T) {
	c := codec(t, newKey+","+oldKey)
	fresh := func() *commonpb.Payload {
		p, err := c.Encode([]*commonpb.Payload{{Metadata: map[string][]byte{"encoding": []byte("json/plain")}, Data: []byte(`"` + secretText + `"`)}})
		if err != nil {
			t.Fatal(err)
		}
		return p[0]
	}
	unknown := fresh()
	unknown.Metadata["encryption-key-id"] = []byte("retired")
	flipped := fresh()
	flipped.Data[len(flipped.Data)-5] ^= 1
	swapped := fresh()
	swapped.Metadata["encryption-key-id"] = []byte("2025-01")
	short := fresh()
	short.Data = short.Data[:5]
	for name, tc := range map[string]struct {
		p    *commonpb.Payload
		want string
	}{
		"unknown key":        {unknown, `unknown key ID "retired"`},
		"altered ciphertext": {flipped, "does not authenticate"},
		"another key's ID":   {swapped, "does not authenticate"},
		"truncated":          {short, "truncated"},
	} {
		if _, err := c.Decode([]*commonpb.Payload{tc.p}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Decode = %v, want an error saying %q", name, err, tc.want)
		}
	}
}

// TestUnsealedPayloadsPassThrough: payloads written before encryption was
// turned on (as in the recorded histories) open unchanged, so running
// workflows carry on.
func TestUnsealedPayloadsPassThrough(t *testing.T) {
	plain := seal(t, converter.GetDefaultDataConverter(), answer{secretText})
	var got answer
	if err := codec(t, newKey).DataConverter().FromPayloads(plain, &got); err != nil || got.Concerns != secretText {
		t.Errorf("an unsealed payload: %+v, %v", got, err)
	}
}

// TestParseKeys: the first key is current, and each malformed value is
// refused with a reason.
func TestParseKeys(t *testing.T) {
	keys, err := payloadcrypt.ParseKeys(" " + newKey + " , " + oldKey)
	if err != nil || len(keys) != 2 || keys[0].ID != "2026-06" || keys[1].ID != "2025-01" || len(keys[0].Secret) != 32 {
		t.Errorf("ParseKeys = %+v, %v", keys, err)
	}
	for value, want := range map[string]string{
		"":                            "no keys",
		"nocolon":                     "id:base64key",
		"a b:" + newKey[8:]:           "ID",
		"k:c2hvcnQ=":                  "32 bytes",
		"k:%%%":                       "32 bytes",
		newKey + "," + newKey:         "twice",
		":" + strings.Repeat("A", 44): "ID",
	} {
		if _, err := payloadcrypt.ParseKeys(value); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseKeys(%q) = %v, want an error about %s", value, err, want)
		}
	}
}
