package cluster

import (
	"bytes"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestParseSecret(t *testing.T) {
	raw32 := bytes.Repeat([]byte{7}, 32)
	raw16 := bytes.Repeat([]byte{'k'}, 16)
	tests := []struct {
		name    string
		in      []byte
		want    []byte
		wantErr bool
	}{
		{"raw 32", raw32, raw32, false},
		{"raw 16 printable", raw16, raw16, false},
		{"base64 32 with newline",
			[]byte(base64.StdEncoding.EncodeToString(raw32) + "\n"), raw32, false},
		{"base64 24", []byte(base64.StdEncoding.EncodeToString(raw32[:24])),
			raw32[:24], false},
		{"empty", nil, nil, true},
		{"base64 of 20 bytes",
			[]byte(base64.StdEncoding.EncodeToString(raw32[:20])), nil, true},
		{"neither", []byte("not a key!"), nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseSecret(tt.in)
			if tt.wantErr {
				if !errors.Is(err, ErrSecret) {
					t.Fatalf("error %v, want ErrSecret", err)
				}
				return
			}
			if err != nil || !bytes.Equal(got, tt.want) {
				t.Fatalf("ParseSecret = %x, %v; want %x", got, err, tt.want)
			}
		})
	}
}

func TestLoadSecret(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gossip.key")
	key := bytes.Repeat([]byte{3}, 32)
	enc := base64.StdEncoding.EncodeToString(key)
	if err := os.WriteFile(path, []byte(enc+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := LoadSecret(path)
	if err != nil || !bytes.Equal(got, key) {
		t.Fatalf("LoadSecret = %x, %v", got, err)
	}
	_, err = LoadSecret(filepath.Join(t.TempDir(), "missing"))
	if !errors.Is(err, ErrSecret) {
		t.Errorf("missing file: error %v, want ErrSecret", err)
	}
}

func TestToken(t *testing.T) {
	k1 := bytes.Repeat([]byte{1}, 32)
	k2 := bytes.Repeat([]byte{2}, 32)
	if Token(k1) != Token(append([]byte(nil), k1...)) {
		t.Error("token of the same key differs")
	}
	if Token(k1) == Token(k2) {
		t.Error("tokens of different keys agree")
	}
	if got := len(Token(k1)); got != 64 {
		t.Errorf("token has %d hex digits, want 64", got)
	}
	if bytes.Contains([]byte(Token(k1)), []byte(base64.StdEncoding.
		EncodeToString(k1))) {
		t.Error("token reveals the key")
	}
}
