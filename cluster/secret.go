package cluster

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
)

// tokenLabel is the message whose HMAC under the gossip key is the API
// token. Changing it invalidates every token in use.
const tokenLabel = "homeostat simnode api token v1"

// LoadSecret reads a gossip key from a file: 16, 24 or 32 bytes (AES-128,
// -192, -256) in standard base64 on one line, as `head -c 32 /dev/urandom
// | base64` writes it, or the raw bytes themselves.
func LoadSecret(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSecret, err)
	}
	key, err := ParseSecret(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return key, nil
}

// ParseSecret accepts the contents of a key file; see [LoadSecret].
// Contents that read as base64 of a key are taken as base64, since a
// raw key is random bytes that almost never do; anything else must be a
// raw key of a valid size.
func ParseSecret(b []byte) ([]byte, error) {
	text := string(bytes.TrimSpace(b))
	key, err := base64.StdEncoding.DecodeString(text)
	if err == nil && keySize(len(key)) {
		return key, nil
	}
	if keySize(len(b)) {
		return b, nil
	}
	return nil, fmt.Errorf("%w: %d bytes, neither base64 of 16, 24 or 32 "+
		"bytes nor a raw key of that size", ErrSecret, len(b))
}

func keySize(n int) bool { return n == 16 || n == 24 || n == 32 }

// checkKey accepts a valid key or none.
func checkKey(key []byte) error {
	if len(key) == 0 || keySize(len(key)) {
		return nil
	}
	return fmt.Errorf("%w: %d bytes, want 16, 24 or 32", ErrSecret, len(key))
}

// Token derives the API bearer token from the gossip key: the hex
// HMAC-SHA256 of a fixed label. Whoever holds the key can compute it,
// and the token does not reveal the key.
func Token(secret []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(tokenLabel))
	return hex.EncodeToString(mac.Sum(nil))
}
