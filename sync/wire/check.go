package wire

import (
	"strconv"
	"strings"
	"time"

	"feltsag.dk/feltsag/app"
)

// The helpers below build the codec's refusals: every one is an *app.Error
// with code invalid, a wire.* catalogue key and, where there is one, the
// field path ("body.commands[3].seq") both in Field and as the parameter
// felt.

// refuse returns an invalid error about the value at path.
func refuse(path, key string, kv ...string) *app.Error {
	return app.Errorf(app.CodeInvalid, "", key, append([]string{"felt", path}, kv...)...).WithField(path)
}

// frameErr returns an invalid error about the frame as a whole.
func frameErr(key string, kv ...string) *app.Error {
	return app.Errorf(app.CodeInvalid, "", key, kv...)
}

func missing(path string) *app.Error { return refuse(path, "wire.missing_field") }

// at returns the path of member name of the object at p.
func at(p, name string) string {
	if p == "" {
		return name
	}
	return p + "." + name
}

// idx returns the path of element i of the array at p.
func idx(p string, i int) string { return p + "[" + strconv.Itoa(i) + "]" }

// first returns the first non-nil error.
func first(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// optID checks an id that may be absent.
func optID(p string, id app.ID) error {
	if id == "" {
		return nil
	}
	return checkID(p, id)
}

// needID checks an id that must be present.
func needID(p string, id app.ID) error {
	if id == "" {
		return missing(p)
	}
	return checkID(p, id)
}

func checkID(p string, id app.ID) error {
	if err := id.Validate(); err != nil {
		return app.AsError(err).WithField(p)
	}
	return nil
}

// needToken checks a short machine-readable text such as a version:
// 1–max characters of A–Z, a–z, 0–9 and ". _ + -".
func needToken(p, s string, max int) error {
	if s == "" {
		return missing(p)
	}
	if len(s) > max {
		return refuse(p, "wire.too_long", "max", strconv.Itoa(max))
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("._+-", c) >= 0) {
			return refuse(p, "wire.value")
		}
	}
	return nil
}

// needKind checks a record kind: a lower-case letter, then up to 31
// lower-case letters, digits or '_'.
func needKind(p, s string) error {
	if s == "" {
		return missing(p)
	}
	if len(s) > 32 || s[0] < 'a' || s[0] > 'z' {
		return refuse(p, "wire.value")
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return refuse(p, "wire.value")
		}
	}
	return nil
}

// needDigest checks a SHA-256 digest: 64 lower-case hex digits.
func needDigest(p, s string) error {
	if s == "" {
		return missing(p)
	}
	if len(s) != 64 {
		return refuse(p, "wire.value")
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return refuse(p, "wire.value")
		}
	}
	return nil
}

func optDigest(p, s string) error {
	if s == "" {
		return nil
	}
	return needDigest(p, s)
}

func needTime(p string, t time.Time) error {
	if t.IsZero() {
		return missing(p)
	}
	return nil
}

func nonNegative(p string, n int64) error {
	if n < 0 {
		return refuse(p, "wire.value")
	}
	return nil
}

// count checks the length n of the array at p.
func count(p string, n, min, max int) error {
	switch {
	case n > max:
		return refuse(p, "wire.array_too_long", "max", strconv.Itoa(max))
	case n < min:
		return missing(p)
	}
	return nil
}

func needDecision(p, s string) error {
	switch s {
	case app.ResolveKeepTheirs, app.ResolveTakeMine:
		return nil
	case "":
		return missing(p)
	}
	return refuse(p, "wire.value")
}

// Bounds of an error on the wire.
const (
	maxErrorParams = 32
	maxErrorHints  = 8
	maxParamValue  = 1024
)

// validateError checks an app.Error from the wire: a known code, a rule id
// only with code rule, catalogue-shaped keys and bounded parameters.
func validateError(p string, e *app.Error) error {
	switch e.Code {
	case app.CodeInvalid, app.CodeNotFound, app.CodeConflict, app.CodeUnauthorized, app.CodeInternal:
		if e.Rule != "" {
			return refuse(at(p, "rule"), "wire.value")
		}
	case app.CodeRule:
		if err := needToken(at(p, "rule"), e.Rule, 64); err != nil {
			return err
		}
	case "":
		return missing(at(p, "code"))
	default:
		return refuse(at(p, "code"), "wire.value")
	}
	if err := needKey(at(p, "key"), e.Key); err != nil {
		return err
	}
	if len(e.Params) > maxErrorParams {
		return refuse(at(p, "params"), "wire.array_too_long", "max", strconv.Itoa(maxErrorParams))
	}
	for k, v := range e.Params {
		if !paramName(k) {
			return refuse(at(p, "params"), "wire.value")
		}
		if len(v) > maxParamValue {
			return refuse(at(at(p, "params"), k), "wire.too_long", "max", strconv.Itoa(maxParamValue))
		}
	}
	if err := count(at(p, "hints"), len(e.Hints), 0, maxErrorHints); err != nil {
		return err
	}
	for i, h := range e.Hints {
		if err := needKey(idx(at(p, "hints"), i), h); err != nil {
			return err
		}
	}
	if len(e.Field) > 256 {
		return refuse(at(p, "field"), "wire.too_long", "max", "256")
	}
	return nil
}

// needKey checks a catalogue key: 1–128 characters of letters, digits and
// ". _ -", starting with a letter.
func needKey(p, s string) error {
	if s == "" {
		return missing(p)
	}
	if len(s) > 128 || !(s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z') {
		return refuse(p, "wire.value")
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return refuse(p, "wire.value")
		}
	}
	return nil
}

// paramName checks a parameter name: 1–32 of A–Z, a–z, 0–9 and '_'.
func paramName(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// ruleFileName checks a rule bundle file name: a path of lower-case
// segments (a–z, 0–9, '_', '-') ending in .csv or .txt, at most 128 bytes,
// never absolute and never with "..".
func ruleFileName(s string) bool {
	if len(s) > 128 || !(strings.HasSuffix(s, ".csv") || strings.HasSuffix(s, ".txt")) {
		return false
	}
	for seg := range strings.SplitSeq(strings.TrimSuffix(strings.TrimSuffix(s, ".csv"), ".txt"), "/") {
		if seg == "" {
			return false
		}
		for i := 0; i < len(seg); i++ {
			if c := seg[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
				return false
			}
		}
	}
	return true
}
