package app

import (
	"errors"
	"slices"
	"strings"
)

// Error codes. They are stable: they cross the wire unchanged and the UI
// chooses its message by them. A rule violation has code CodeRule and the
// rule's id in Rule (written "rule:<id>" on the wire).
const (
	CodeInvalid      = "invalid"      // the input is malformed; the message says how to fix it
	CodeNotFound     = "not_found"    // the case, record or code does not exist
	CodeConflict     = "conflict"     // a concurrent change; a person must resolve it
	CodeUnauthorized = "unauthorized" // the actor may not do this
	CodeRule         = "rule"         // a domain rule refuses the command
	CodeInternal     = "internal"     // a bug or an environment failure; details are logged, not shown
)

// KeyInternal is the catalogue key of the generic internal-error text.
const KeyInternal = "error.internal"

// Error is the domain's one error type. It carries no sentences: Key names
// the text in the catalogue of texts (assets/i18n, package app/text) and
// Params fill its {{.name}} parameters; Hints are further keys shown after
// it with the same parameters. Parameter values are language-neutral:
// numbers, codes, dates written DateParam ("dato:2026-04-14"), and names
// from the rule tables written as references ("kg:3", "fravaer:ferie",
// "kategori:jobparat") that the catalogue resolves in the reader's
// language. docs/text.md lists the keys.
type Error struct {
	Code   string            `json:"code"`
	Rule   string            `json:"rule,omitempty"` // rule id, e.g. "4685" (DFDG code) or "ferie-varsel"
	Key    string            `json:"key"`
	Params map[string]string `json:"params,omitempty"`
	Hints  []string          `json:"hints,omitempty"`
	Field  string            `json:"field,omitempty"` // which input was wrong, when one was
	err    error             // wrapped cause, never sent over the wire
}

// Error returns the codes for logs: wire code, field, key and parameters,
// never a sentence (and never a parameter's free text: there is none).
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.WireCode())
	if e.Field != "" {
		b.WriteString(" (")
		b.WriteString(e.Field)
		b.WriteString(")")
	}
	b.WriteString(": ")
	b.WriteString(e.Key)
	keys := make([]string, 0, len(e.Params))
	for k := range e.Params {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		b.WriteString(" ")
		b.WriteString(k)
		b.WriteString("=")
		b.WriteString(e.Params[k])
	}
	for _, h := range e.Hints {
		b.WriteString(" +")
		b.WriteString(h)
	}
	if e.err != nil {
		b.WriteString(": ")
		b.WriteString(e.err.Error())
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.err }

// MessageKey returns the catalogue key (for package text).
func (e *Error) MessageKey() string { return e.Key }

// MessageParams returns the parameters (for package text).
func (e *Error) MessageParams() map[string]string { return e.Params }

// MessageHints returns the follow-up keys (for package text).
func (e *Error) MessageHints() []string { return e.Hints }

// WireCode returns the code as written on the wire: "rule:<id>" for rule
// violations, the plain code otherwise.
func (e *Error) WireCode() string {
	if e.Code == CodeRule && e.Rule != "" {
		return "rule:" + e.Rule
	}
	return e.Code
}

// Errorf returns an *Error with code, optional rule id, catalogue key and
// parameters given as name, value pairs.
func Errorf(code, rule, key string, kv ...string) *Error {
	return &Error{Code: code, Rule: rule, Key: key, Params: params(kv)}
}

// RuleError returns a rule violation with the rule's id, catalogue key and
// parameters given as name, value pairs.
func RuleError(rule, key string, kv ...string) *Error {
	return &Error{Code: CodeRule, Rule: rule, Key: key, Params: params(kv)}
}

// params builds a parameter map from name, value pairs. An odd count keeps
// the lone name with the value "!MISSING", which no template accepts
// silently: the catalogue tests render it and show the mistake.
func params(kv []string) map[string]string {
	if len(kv) == 0 {
		return nil
	}
	m := make(map[string]string, (len(kv)+1)/2)
	for i := 0; i < len(kv); i += 2 {
		if i+1 < len(kv) {
			m[kv[i]] = kv[i+1]
		} else {
			m[kv[i]] = "!MISSING"
		}
	}
	return m
}

// WithField returns a copy of e that names the offending input.
func (e *Error) WithField(field string) *Error {
	c := *e
	c.Field = field
	return &c
}

// WithHint returns a copy of e with the follow-up key appended.
func (e *Error) WithHint(key string) *Error {
	c := *e
	c.Hints = append(slices.Clip(e.Hints), key)
	return &c
}

// Wrap returns a copy of e with cause attached (kept out of the wire form).
func (e *Error) Wrap(cause error) *Error {
	c := *e
	c.err = cause
	return &c
}

// Internal wraps an unexpected failure. Users see a generic message
// (KeyInternal) that tells them their saved work is intact and what to do;
// the cause is logged.
func Internal(cause error) *Error {
	return &Error{Code: CodeInternal, Key: KeyInternal, err: cause}
}

// ErrorCode returns the wire code of err: the *Error's code, "internal" for
// any other non-nil error, "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.WireCode()
	}
	return CodeInternal
}

// Describe returns err for a log or a rule maintainer's report: an
// *Error's codes, key and parameters (Error.Error), or err's own text.
func Describe(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// AsError returns err as *Error, converting anything else to an internal error.
func AsError(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return Internal(err)
}

// invalidf is a shorthand for input errors with a field name.
func invalidf(field, key string, kv ...string) *Error {
	return &Error{Code: CodeInvalid, Field: field, Key: key, Params: params(kv)}
}

// DateParam writes d as a date parameter, shown in each language's date
// format. A zero date gives "".
func DateParam(d Date) string {
	if d.IsZero() {
		return ""
	}
	return "dato:" + d.String()
}

// TextParam refers to another catalogue key, rendered in place with the
// same parameters.
func TextParam(key string) string { return "tekst:" + key }

// RawParam writes free text as a parameter shown exactly as written, never
// taken for a reference (a stored sentence, a name).
func RawParam(s string) string { return "raw:" + s }

// KGParam, FravaerParam and KategoriParam name a rule-table code; the
// catalogue shows the table's name in the reader's language (RuleSet.Name).
func KGParam(kg int) string { return "kg:" + itoa(kg) }

// FravaerParam names a fravær type (see KGParam).
func FravaerParam(code string) string { return "fravaer:" + code }

// KategoriParam names a visitation category (see KGParam).
func KategoriParam(code string) string { return "kategori:" + code }

func asErr(err error, target **Error) bool { return errors.As(err, target) }
