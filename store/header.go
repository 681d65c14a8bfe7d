package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
)

// header is the one plaintext record in the file (bucket "header", key
// "v1"): everything needed before the data key is known. It is followed on
// disk by its SHA-256, so a damaged header is told apart from a wrong
// password. The checksum is not a MAC: a forged header can only lock the
// owner out, never reveal data.
type header struct {
	Magic    string    `json:"magic"`
	Schema   int       `json:"schema"` // layout version; migrations run at Unlock
	KDF      KDFParams `json:"kdf"`
	Salt     []byte    `json:"salt"`
	Wrapped  []byte    `json:"wrapped"`  // data key sealed under the Argon2id KEK
	Failures int       `json:"failures"` // wrong passwords since the last good one
}

const (
	headerMagic = "feltsag-replica"
	saltSize    = 16
	wrappedSize = overhead + dataKeySize
)

var errHeader = errors.New("damaged header")

func encodeHeader(h *header) []byte {
	b, err := json.Marshal(h)
	if err != nil {
		panic(err) // plain struct of ints, strings and byte slices
	}
	sum := sha256.Sum256(b)
	return append(b, sum[:]...)
}

// decodeHeader parses untrusted bytes from disk. It never panics; every
// failure wraps errHeader.
func decodeHeader(b []byte) (*header, error) {
	if len(b) <= sha256.Size {
		return nil, fmt.Errorf("%w: %d bytes", errHeader, len(b))
	}
	body, sum := b[:len(b)-sha256.Size], b[len(b)-sha256.Size:]
	if want := sha256.Sum256(body); !bytes.Equal(sum, want[:]) {
		return nil, fmt.Errorf("%w: checksum", errHeader)
	}
	var h header
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&h); err != nil {
		return nil, fmt.Errorf("%w: %v", errHeader, err)
	}
	if err := h.check(); err != nil {
		return nil, err
	}
	return &h, nil
}

func (h *header) check() error {
	switch {
	case h.Magic != headerMagic:
		return fmt.Errorf("%w: magic %q", errHeader, h.Magic)
	case h.Schema < 1:
		return fmt.Errorf("%w: schema %d", errHeader, h.Schema)
	case !h.KDF.valid():
		return fmt.Errorf("%w: kdf parameters %+v", errHeader, h.KDF)
	case len(h.Salt) < saltSize || len(h.Salt) > 64:
		return fmt.Errorf("%w: salt of %d bytes", errHeader, len(h.Salt))
	case len(h.Wrapped) != wrappedSize:
		return fmt.Errorf("%w: wrapped key of %d bytes", errHeader, len(h.Wrapped))
	case h.Failures < 0:
		return fmt.Errorf("%w: failure count %d", errHeader, h.Failures)
	}
	return nil
}
