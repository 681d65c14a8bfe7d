package app

import (
	"encoding/base32"
	"io"
)

// ID identifies a case, a record or a command. IDs are opaque: they never
// contain or resemble a CPR number, so they are safe in keys, logs, file
// names and URLs (DESIGN §3).
type ID string

// maxIDLen bounds ids from untrusted input.
const maxIDLen = 64

var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewID returns a random 128-bit id (26 lower-case base32 characters) read
// from r, which is crypto/rand.Reader in production and a seeded source in
// deterministic tests and demo data.
func NewID(r io.Reader) (ID, error) {
	var b [16]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", Internal(err)
	}
	return ID(idEncoding.EncodeToString(b[:])), nil
}

// ParseID validates an id from untrusted input: 1–64 characters of a–z, 0–9
// and '-', and never something shaped like a CPR number (ten digits, with or
// without a hyphen after six).
func ParseID(s string) (ID, error) {
	if err := ID(s).Validate(); err != nil {
		return "", err
	}
	return ID(s), nil
}

// Validate reports whether id has the allowed form (see ParseID).
func (id ID) Validate() error {
	s := string(id)
	if s == "" || len(s) > maxIDLen {
		return invalidf("id", "invalid.id.length", "max", itoa(maxIDLen))
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return invalidf("id", "invalid.id.id_contain_only")
		}
	}
	if looksLikeCPR(s) {
		return invalidf("id", "invalid.id.id_look_like")
	}
	return nil
}

func looksLikeCPR(s string) bool {
	if len(s) == 11 && s[6] == '-' {
		s = s[:6] + s[7:]
	}
	if len(s) != 10 {
		return false
	}
	_, ok := digits(s)
	return ok
}
