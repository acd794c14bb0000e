// Package payloadcrypt encrypts what scrutiny's workflows put into Temporal:
// review answers, conflict notes, identifying-detail reports and finding
// rationales travel as workflow inputs, update arguments, activity inputs
// and results, and Temporal keeps every one of them in its history. The
// Codec seals each payload with AES-256-GCM before it leaves the process,
// so Temporal's database, its operators and anyone reading a history see
// only ciphertext; the clients and workers (and the codec endpoint that
// shows payloads to an operator in the Temporal Web UI) open them again.
//
// Every sealed payload names the key that sealed it, so keys can rotate:
// new payloads use the current key, and older keys stay listed to open the
// histories they sealed. Payloads written before encryption was turned on
// are not sealed and pass through unchanged, so running workflows carry on.
package payloadcrypt

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"strings"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/proto"
)

const (
	// MetadataEncoding is the encoding a sealed payload is marked with.
	MetadataEncoding = "binary/encrypted"
	// MetadataKeyID names the key that sealed a payload.
	MetadataKeyID = "encryption-key-id"
	// KeySize is the length of an AES-256 key in bytes.
	KeySize = 32
)

// Key is one AES-256 key and the ID payloads name it by.
type Key struct {
	ID     string
	Secret []byte
}

// keyID is what an ID may look like: short, and safe in metadata and logs.
var keyID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// ParseKeys reads the PAYLOAD_KEYS form "id1:base64key,id2:base64key": the
// first key is the current one; the others only open older payloads. Each
// key is 32 bytes in standard base64 (for example from `openssl rand
// -base64 32`).
func ParseKeys(s string) ([]Key, error) {
	if strings.TrimSpace(s) == "" {
		return nil, errors.New("no keys given; use the form id:base64key[,id:base64key...]")
	}
	var keys []Key
	seen := map[string]bool{}
	for i, item := range strings.Split(s, ",") {
		id, encoded, ok := strings.Cut(strings.TrimSpace(item), ":")
		if !ok {
			return nil, fmt.Errorf("key %d is not in the form id:base64key", i+1)
		}
		if !keyID.MatchString(id) {
			return nil, fmt.Errorf("key %d: the ID %q must be 1 to 64 letters, digits, dots, dashes or underscores", i+1, id)
		}
		if seen[id] {
			return nil, fmt.Errorf("key ID %q is listed twice", id)
		}
		seen[id] = true
		secret, err := base64.StdEncoding.DecodeString(encoded)
		if err != nil || len(secret) != KeySize {
			return nil, fmt.Errorf("key %q must be %d bytes in standard base64, such as the output of `openssl rand -base64 32`", id, KeySize)
		}
		keys = append(keys, Key{ID: id, Secret: secret})
	}
	return keys, nil
}

// Codec is a converter.PayloadCodec that seals payloads under the current
// key and opens them under whichever listed key sealed them.
type Codec struct {
	current string
	aeads   map[string]cipher.AEAD
}

var _ converter.PayloadCodec = (*Codec)(nil)

// New makes a codec from keys, the first being the current one.
func New(keys []Key) (*Codec, error) {
	if len(keys) == 0 {
		return nil, errors.New("payloadcrypt: at least one key is needed")
	}
	c := &Codec{current: keys[0].ID, aeads: map[string]cipher.AEAD{}}
	for _, k := range keys {
		if len(k.Secret) != KeySize {
			return nil, fmt.Errorf("payloadcrypt: key %q is %d bytes, want %d", k.ID, len(k.Secret), KeySize)
		}
		block, err := aes.NewCipher(k.Secret)
		if err != nil {
			return nil, fmt.Errorf("payloadcrypt: key %q: %w", k.ID, err)
		}
		if c.aeads[k.ID], err = cipher.NewGCM(block); err != nil {
			return nil, fmt.Errorf("payloadcrypt: key %q: %w", k.ID, err)
		}
	}
	return c, nil
}

// FromConfig makes a codec from the PAYLOAD_KEYS form (see ParseKeys).
func FromConfig(s string) (*Codec, error) {
	keys, err := ParseKeys(s)
	if err != nil {
		return nil, fmt.Errorf("PAYLOAD_KEYS: %w", err)
	}
	return New(keys)
}

// DataConverter is the default data converter with this codec applied: the
// converter every client and worker is given.
func (c *Codec) DataConverter() converter.DataConverter {
	return converter.NewCodecDataConverter(converter.GetDefaultDataConverter(), c)
}

// Encode seals each payload, original metadata and all, under the current
// key. The key ID is also the cipher's additional data, so a payload cannot
// be passed off as sealed by another key.
func (c *Codec) Encode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	aead := c.aeads[c.current]
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		plain, err := proto.Marshal(p)
		if err != nil {
			return payloads, fmt.Errorf("payloadcrypt: marshal payload: %w", err)
		}
		nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plain)+aead.Overhead())
		if _, err := rand.Read(nonce); err != nil {
			return payloads, fmt.Errorf("payloadcrypt: nonce: %w", err)
		}
		out[i] = &commonpb.Payload{
			Metadata: map[string][]byte{
				converter.MetadataEncoding: []byte(MetadataEncoding),
				MetadataKeyID:              []byte(c.current),
			},
			Data: aead.Seal(nonce, nonce, plain, []byte(c.current)),
		}
	}
	return out, nil
}

// Decode opens each sealed payload with the key it names. A payload that
// is not sealed (written before encryption was turned on) is returned as
// it is; one sealed under a key no longer listed, or altered since, is an
// error that says which.
func (c *Codec) Decode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		if string(p.GetMetadata()[converter.MetadataEncoding]) != MetadataEncoding {
			out[i] = p
			continue
		}
		id := string(p.GetMetadata()[MetadataKeyID])
		aead, ok := c.aeads[id]
		if !ok {
			return payloads, fmt.Errorf("payloadcrypt: payload sealed with unknown key ID %q; list that key in PAYLOAD_KEYS to read it", id)
		}
		data := p.GetData()
		if len(data) < aead.NonceSize() {
			return payloads, fmt.Errorf("payloadcrypt: payload sealed with key %q is truncated", id)
		}
		plain, err := aead.Open(nil, data[:aead.NonceSize()], data[aead.NonceSize():], []byte(id))
		if err != nil {
			return payloads, fmt.Errorf("payloadcrypt: payload sealed with key %q does not authenticate: it was altered or the key is wrong", id)
		}
		var orig commonpb.Payload
		if err := proto.Unmarshal(plain, &orig); err != nil {
			return payloads, fmt.Errorf("payloadcrypt: unmarshal payload: %w", err)
		}
		out[i] = &orig
	}
	return out, nil
}
