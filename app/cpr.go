package app

import (
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// CPR is a Danish personnummer (CPR number) in normal form: exactly 10 ASCII
// digits DDMMYYSSSS, without the hyphen. Build one with ParseCPR; the zero
// value "" means "no CPR entered".
//
// Printing never shows the full number: String, GoString and Format return
// the masked form DDMMYY-XXXX (CPR-loven § 54 [S60]) for every fmt verb
// (%v, %s, %q, %d, %#v, …), and LogValue does the same for log/slog, so a CPR
// that slips into a log line, an error message or a panic dump shows only the
// birth date. DESIGN.md §3: a CPR never appears in keys, logs, file names or
// URLs. Full returns the complete number for screens and letters that are
// authorised to show it.
//
// MarshalText (and so encoding/json) writes the 10 plain digits: storage is
// encrypted and the wire is authorised. Two leaks fmt cannot prevent: an
// unexported struct field of type CPR printed with %v (fmt cannot call
// methods through unexported fields), and json.Marshal of a struct that holds
// a CPR — which is also what slog's JSON handler does with such a struct.
// Log the CPR itself, or better an opaque id, never a struct holding one.
type CPR string

// CPRUkendt is the "unknown CPR" 0000000000 that DFDG uses for a person whose
// CPR number is not known [S3] (DOMAIN §8 item 43). ParseCPR accepts it;
// whether it is allowed for a given command is that command's rule. It has no
// birth date, age or sex.
const CPRUkendt CPR = "0000000000"

const cprField = "cpr"

// cprHint ends every ParseCPR message: what a valid CPR looks like.
const cprHint = "hint.cpr.form"

// cprErr is an invalid CPR with the catalogue key and the form hint.
func cprErr(key string, kv ...string) *Error {
	return invalidf(cprField, key, kv...).WithHint(cprHint)
}

// ParseCPR parses a CPR number written DDMMYYSSSS or DDMMYY-SSSS, with any
// surrounding ASCII white space. It checks that the day and month exist in the
// birth year given by the century rule (see CPR.BirthDate), so 31 April and
// 29 February in a non-leap year are refused. It does not check modulus 11:
// CPR numbers without it are valid since 2007 (see CPR.Mod11).
// 0000000000 is accepted and returns CPRUkendt [S3].
//
// Errors have code CodeInvalid and Field "cpr"; the message says what is
// wrong and how to write the number. It never repeats the input, because the
// error may be logged.
func ParseCPR(s string) (CPR, error) {
	s = strings.Trim(s, " \t\r\n\v\f")
	if s == "" {
		return "", cprErr("invalid.cpr.missing")
	}
	if err := checkCPRChars(s); err != nil {
		return "", err
	}
	digits, err := stripCPRHyphen(s)
	if err != nil {
		return "", err
	}
	if len(digits) != 10 {
		return "", cprErr("invalid.cpr.length", "antal", itoa(len(digits)))
	}
	c := CPR(digits)
	if c == CPRUkendt {
		return CPRUkendt, nil
	}
	if err := c.checkBirthDate(); err != nil {
		return "", err
	}
	return c, nil
}

// checkCPRChars refuses anything but ASCII digits and '-', naming the first
// offending character by its position (1-based, counted in characters).
func checkCPRChars(s string) *Error {
	pos := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		pos++
		switch {
		case r >= '0' && r <= '9', r == '-':
			continue
		case r == utf8.RuneError && size <= 1:
			return cprErr("invalid.cpr.encoding", "tegn", itoa(pos))
		case unicode.IsDigit(r):
			// Full-width (０-９), Arabic-Indic and other digits look right on
			// screen but are not the digits 0–9; refusing them tells the user
			// why a number that looks correct is not accepted.
			return cprErr("invalid.cpr.foreign_digit", "tegn", itoa(pos))
		case unicode.Is(unicode.Pd, r):
			return cprErr("invalid.cpr.dash", "tegn", itoa(pos))
		case unicode.IsLetter(r):
			return cprErr("invalid.cpr.letter", "bogstav", string(r), "tegn", itoa(pos))
		case unicode.IsSpace(r):
			return cprErr("invalid.cpr.space", "tegn", itoa(pos))
		default:
			return cprErr("invalid.cpr.char", "tegn", itoa(pos))
		}
	}
	return nil
}

// stripCPRHyphen removes the one hyphen allowed after the six birth-date
// digits. s holds only ASCII digits and hyphens.
func stripCPRHyphen(s string) (string, *Error) {
	i := strings.IndexByte(s, '-')
	if i < 0 {
		return s, nil
	}
	if i != 6 || strings.Count(s, "-") != 1 {
		return "", cprErr("invalid.cpr.hyphen")
	}
	return s[:6] + s[7:], nil
}

// checkBirthDate refuses a day or month that does not exist in the birth year
// the century rule gives. The message shows only the birth date, the part
// the masked form shows too (CPR-loven § 54 [S60]), never a serial digit.
func (c CPR) checkBirthDate() *Error {
	dd, mm, year := c.fields()
	if mm < 1 || mm > 12 {
		return cprErr("invalid.cpr.month", "maaned", fmt.Sprintf("%02d", mm))
	}
	if dd < 1 || dd > daysIn(year, time.Month(mm)) {
		return cprErr("invalid.cpr.birth_date", "foedselsdato", fmt.Sprintf("%02d.%02d.%04d", dd, mm, year))
	}
	return nil
}

// fields splits a CPR of 10 ASCII digits into day, month and the four-digit
// birth year given by the century rule.
func (c CPR) fields() (dd, mm, year int) {
	two := func(i int) int { return int(c[i]-'0')*10 + int(c[i+1]-'0') }
	return two(0), two(2), cprYear(two(4), c[6])
}

// cprYear is the CPR office's century rule: the 7th digit (the first digit
// of the serial) and the two-digit year give the birth year.
//
//	7th digit 0–3: 1900–1999
//	7th digit 4, 9: 2000–2036 for YY 00–36, 1937–1999 for YY 37–99
//	7th digit 5–8: 2000–2057 for YY 00–57, 1858–1899 for YY 58–99
func cprYear(yy int, seventh byte) int {
	switch seventh {
	case '4', '9':
		if yy <= 36 {
			return 2000 + yy
		}
		return 1900 + yy
	case '5', '6', '7', '8':
		if yy <= 57 {
			return 2000 + yy
		}
		return 1800 + yy
	default: // '0'–'3'
		return 1900 + yy
	}
}

// wellFormed reports whether c holds exactly 10 ASCII digits. Every method
// checks it, because CPR is a string type and CPR("anything") compiles.
func (c CPR) wellFormed() bool {
	if len(c) != 10 {
		return false
	}
	for i := 0; i < len(c); i++ {
		if c[i] < '0' || c[i] > '9' {
			return false
		}
	}
	return true
}

// known reports whether c is a well-formed CPR other than CPRUkendt.
func (c CPR) known() bool { return c != CPRUkendt && c.wellFormed() }

// IsZero reports whether no CPR was given (the empty value).
func (c CPR) IsZero() bool { return c == "" }

// Ukendt reports whether c is the "unknown CPR" 0000000000 [S3].
func (c CPR) Ukendt() bool { return c == CPRUkendt }

// Mod11 reports whether c passes the modulus 11 check (weights 4 3 2 7 6 5 4
// 3 2 1). It is information only, never a reason to refuse a CPR: the CPR
// office has issued numbers without it since 2007. False for a value that is
// not 10 digits.
func (c CPR) Mod11() bool {
	if !c.wellFormed() {
		return false
	}
	weights := [10]int{4, 3, 2, 7, 6, 5, 4, 3, 2, 1}
	sum := 0
	for i, w := range weights {
		sum += int(c[i]-'0') * w
	}
	return sum%11 == 0
}

// BirthDate returns the birth date given by the first six digits and the
// century rule. It is the zero Date for CPRUkendt, the empty CPR and any
// value not built by ParseCPR that holds no real date.
func (c CPR) BirthDate() Date {
	if !c.known() {
		return Date{}
	}
	dd, mm, year := c.fields()
	d, err := NewDate(year, time.Month(mm), dd)
	if err != nil {
		return Date{}
	}
	return d
}

// Age returns the person's age in whole years on the date on. A person born
// 29 February turns a year older on 1 March in a non-leap year. Age returns
// -1 when the age is not known: for CPRUkendt, the empty CPR, a zero on, or
// an on before the birth date.
func (c CPR) Age(on Date) int { return ageOn(c.BirthDate(), on) }

// ageOn returns the age in whole years on on of a person born on born, or
// -1 when either date is zero or on is before born (see CPR.Age).
func ageOn(born, on Date) int {
	if born.IsZero() || on.IsZero() || on.Before(born) {
		return -1
	}
	by, bm, bd := born.YMD()
	oy, om, od := on.YMD()
	age := oy - by
	// Comparing (month, day) pairs makes 29 February count as "after
	// 28 February": the birthday is reached on 1 March in a non-leap year.
	if om < bm || (om == bm && od < bd) {
		age--
	}
	return age
}

// Female reports whether the last digit is even, which the CPR office uses
// for women. It is false for CPRUkendt and the empty CPR, whose sex is not
// known: check Ukendt first where the difference matters.
func (c CPR) Female() bool {
	return c.known() && (c[9]-'0')%2 == 0
}

// Digits returns the 10 plain digits DDMMYYSSSS, or "" for a value that is
// not a well-formed CPR.
func (c CPR) Digits() string {
	if !c.wellFormed() {
		return ""
	}
	return string(c)
}

// Full returns the complete number DDMMYY-SSSS, for screens and letters
// authorised to show it; "" for a value that is not a well-formed CPR.
func (c CPR) Full() string {
	if !c.wellFormed() {
		return ""
	}
	return string(c[:6]) + "-" + string(c[6:])
}

// Masked returns DDMMYY-XXXX: the birth date with the serial hidden, the
// form for printed plans, print previews and anything a non-authorised
// person may see (CPR-loven § 54 [S60], DOMAIN §7). The empty CPR gives "";
// a value that is not a well-formed CPR gives XXXXXX-XXXX, so that even a
// corrupt value never prints its digits.
func (c CPR) Masked() string {
	switch {
	case c == "":
		return ""
	case !c.wellFormed():
		return "XXXXXX-XXXX"
	}
	return string(c[:6]) + "-XXXX"
}

// String returns the masked form DDMMYY-XXXX (see Masked), never the full
// number, so that %v, %s and log lines cannot leak the serial. Use Full or
// Digits where the full number is authorised.
func (c CPR) String() string { return c.Masked() }

// GoString returns the masked form as a Go literal, app.CPR("DDMMYY-XXXX"),
// so that %#v never shows the serial either.
func (c CPR) GoString() string { return `app.CPR("` + c.Masked() + `")` }

// Format makes every fmt verb print the masked form. Without it, verbs that
// are not for strings (%d, %x with a bad width, …) would make fmt print the
// raw underlying string in its "%!d(app.CPR=…)" error text. %#v prints
// GoString; %q quotes the masked form; width and '-' flag are honoured.
func (c CPR) Format(f fmt.State, verb rune) {
	var s string
	switch {
	case verb == 'v' && f.Flag('#'):
		s = c.GoString()
	case verb == 'q':
		s = `"` + c.Masked() + `"`
	default:
		s = c.Masked()
	}
	if w, ok := f.Width(); ok && w > utf8.RuneCountInString(s) {
		pad := strings.Repeat(" ", w-utf8.RuneCountInString(s))
		if f.Flag('-') {
			s += pad
		} else {
			s = pad + s
		}
	}
	_, _ = f.Write([]byte(s))
}

// LogValue makes log/slog record the masked form. Without it slog's text and
// JSON handlers would call MarshalText and log the full number.
func (c CPR) LogValue() slog.Value { return slog.StringValue(c.Masked()) }

// MarshalText returns the 10 plain digits DDMMYYSSSS ("" for the empty
// CPR). It refuses, with CodeInvalid, a value that is not 10 digits, so a
// corrupt value is never written.
func (c CPR) MarshalText() ([]byte, error) {
	if c == "" {
		return []byte{}, nil
	}
	if !c.wellFormed() {
		return nil, cprErr("invalid.cpr.save")
	}
	return []byte(c), nil
}

// UnmarshalText parses b with ParseCPR (so it accepts the hyphenated form
// too and returns ParseCPR's CodeInvalid errors). Empty input decodes to the
// empty CPR, matching MarshalText.
func (c *CPR) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*c = ""
		return nil
	}
	v, err := ParseCPR(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}
