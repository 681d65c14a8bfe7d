package app

import (
	"errors"
	"fmt"
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

// Error is the domain's one error type. Message is Danish (the default UI
// language), MessageEN English; both tell the user what to do.
type Error struct {
	Code      string `json:"code"`
	Rule      string `json:"rule,omitempty"` // rule id, e.g. "4685" (DFDG code) or "ferie-varsel"
	Message   string `json:"message"`
	MessageEN string `json:"message_en,omitempty"`
	Field     string `json:"field,omitempty"` // which input was wrong, when one was
	err       error  // wrapped cause, never sent over the wire
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.WireCode())
	if e.Field != "" {
		b.WriteString(" (")
		b.WriteString(e.Field)
		b.WriteString(")")
	}
	b.WriteString(": ")
	if e.MessageEN != "" {
		b.WriteString(e.MessageEN)
	} else {
		b.WriteString(e.Message)
	}
	if e.err != nil {
		b.WriteString(": ")
		b.WriteString(e.err.Error())
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.err }

// WireCode returns the code as written on the wire: "rule:<id>" for rule
// violations, the plain code otherwise.
func (e *Error) WireCode() string {
	if e.Code == CodeRule && e.Rule != "" {
		return "rule:" + e.Rule
	}
	return e.Code
}

// Localized returns the message in lang ("da" or "en"); Danish is the fallback.
func (e *Error) Localized(lang string) string {
	if lang == "en" && e.MessageEN != "" {
		return e.MessageEN
	}
	return e.Message
}

// Errorf returns an *Error with code, optional rule id and messages.
func Errorf(code, rule, da, en string) *Error {
	return &Error{Code: code, Rule: rule, Message: da, MessageEN: en}
}

// RuleError returns a rule violation with the rule's id and messages.
func RuleError(rule, da, en string) *Error {
	return &Error{Code: CodeRule, Rule: rule, Message: da, MessageEN: en}
}

// WithField returns a copy of e that names the offending input.
func (e *Error) WithField(field string) *Error {
	c := *e
	c.Field = field
	return &c
}

// Wrap returns a copy of e with cause attached (kept out of the wire form).
func (e *Error) Wrap(cause error) *Error {
	c := *e
	c.err = cause
	return &c
}

// Internal wraps an unexpected failure. Users see a generic message that
// tells them their saved work is intact and what to do; the cause is logged.
func Internal(cause error) *Error {
	return &Error{
		Code:      CodeInternal,
		Message:   "Der opstod en intern fejl. Det, der allerede er gemt, er ikke tabt. Prøv igen, og kontakt support, hvis fejlen gentager sig.",
		MessageEN: "An internal error occurred. Nothing already saved was lost. Try again, and contact support if it happens again.",
		err:       cause,
	}
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

// ErrorMessage returns the user-facing message of err in lang. Errors that
// are not *Error are internal: their text is never shown.
func ErrorMessage(err error, lang string) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Localized(lang)
	}
	return Internal(err).Localized(lang)
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
func invalidf(field, da, en string, args ...any) *Error {
	return &Error{Code: CodeInvalid, Field: field, Message: format(da, args), MessageEN: format(en, args)}
}

// format takes args as a slice on purpose: the same arguments fill both the
// Danish and the English text, which vet's printf check cannot follow.
func format(f string, args []any) string {
	if len(args) == 0 {
		return f
	}
	return fmt.Sprintf(f, args...)
}

func asErr(err error, target **Error) bool { return errors.As(err, target) }
