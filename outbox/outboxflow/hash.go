package outboxflow

import (
	"crypto/sha256"
	"encoding/hex"
)

// shortHash gives a short, stable token for a key, for use in identifiers
// such as Message-IDs that must not reveal the key itself.
func shortHash(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:6])
}
