package pdf

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"feltsag.dk/feltsag/app"
)

// maskCPR replaces every CPR number in printable text (see clean) by its
// masked form DDMMYY-XXXX, so that a caseworker who types or pastes a CPR
// number into a plan's free text does not put it on paper (CPR-loven § 54
// [S60], DOMAIN §7). A CPR number here is a birth date of six digits —
// DDMMYY, or DD.MM.YY with one separator used twice —, then up to
// maxCPRSeps separators, then four digits; no digit directly before or
// after; and ParseCPR accepts the ten digits (the date exists in the
// century the serial gives). Separators are white space, dashes, '.', '/'
// and '?' (what clean makes of a rune the font lacks). Longer digit runs
// (account numbers), 8-digit phone numbers and dates with a four-digit
// year ("01.02.2026–30.04.2026") are left alone.
func maskCPR(s string) string {
	if !strings.ContainsAny(s, "0123456789") {
		return s
	}
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) || (i > 0 && isDigit(s[i-1])) {
			continue
		}
		digits, n := cprAt(s, i)
		if n == 0 {
			continue
		}
		cpr, err := app.ParseCPR(digits)
		if err != nil {
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(cpr.Masked())
		last = i + n
		i += n - 1
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// maxCPRSeps is how many separators may stand between the birth date and
// the serial of a CPR number: "010190 – 1234" has three, "010190 -- 1234"
// four. More than a few is no longer one number.
const maxCPRSeps = 5

// cprAt reads a CPR-shaped number starting at s[i] (see maskCPR) and
// returns its ten digits and its length in bytes, or 0.
func cprAt(s string, i int) (digits string, n int) {
	d := make([]byte, 0, 10)
	j := i
	take := func(k int) bool { // k digits at s[j:]
		if j+k > len(s) {
			return false
		}
		for _, c := range []byte(s[j : j+k]) {
			if !isDigit(c) {
				return false
			}
		}
		d = append(d, s[j:j+k]...)
		j += k
		return true
	}
	if !take(2) {
		return "", 0
	}
	if sep, size := utf8.DecodeRuneInString(s[j:]); isCPRSep(sep) {
		// DD.MM.YY: the same separator between day, month and year.
		j += size
		if !take(2) || !strings.HasPrefix(s[j:], string(sep)) {
			return "", 0
		}
		j += size
		if !take(2) {
			return "", 0
		}
	} else if !take(4) {
		return "", 0
	}
	for range maxCPRSeps {
		r, size := utf8.DecodeRuneInString(s[j:])
		if !isCPRSep(r) {
			break
		}
		j += size
	}
	if !take(4) || (j < len(s) && isDigit(s[j])) {
		return "", 0
	}
	return string(d), j - i
}

// isCPRSep reports whether r may stand between the parts of a CPR number.
func isCPRSep(r rune) bool {
	switch {
	case r == '.', r == '/', r == '?', r == '\u2212': // U+2212 minus sign
		return true
	}
	return unicode.IsSpace(r) || unicode.Is(unicode.Pd, r)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// dato writes d as "12.03.2026" in Danish and "12 March 2026" in English;
// "" for the zero date.
func dato(lang string, d app.Date) string {
	if d.IsZero() {
		return ""
	}
	if lang == "en" {
		y, m, dd := d.YMD()
		return strconv.Itoa(dd) + " " + m.String() + " " + strconv.Itoa(y)
	}
	return d.Dansk()
}

// datoKort writes d for a narrow table column: "12.03.2026" or
// "12 Mar 2026".
func datoKort(lang string, d app.Date) string {
	if d.IsZero() || lang != "en" {
		return d.Dansk()
	}
	y, m, dd := d.YMD()
	return fmt.Sprintf("%02d %s %d", dd, m.String()[:3], y)
}

// periode writes a period "01.02.2026–30.04.2026", or "fra 01.02.2026"
// when it is open-ended.
func periode(w words, p app.Period) string {
	switch {
	case p.Start.IsZero() && p.Slut.IsZero():
		return ""
	case p.Slut.IsZero():
		return w.t("pdf.periode.fra", "dato", dato(w.lang, p.Start))
	case p.Start.IsZero():
		return w.t("pdf.periode.til", "dato", dato(w.lang, p.Slut))
	}
	return dato(w.lang, p.Start) + "–" + dato(w.lang, p.Slut)
}

// tidspunkt writes a moment in Copenhagen time, "12.03.2026 kl. 14:05" or
// "12 March 2026 at 14:05".
func tidspunkt(w words, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(app.Copenhagen())
	return w.t("pdf.tidspunkt", "dato", dato(w.lang, app.DateOf(t)), "tid", t.Format("15:04"))
}

// timerPrUge writes hours and minutes per week: "37 t", "12 t 30 min".
func timerPrUge(w words, timer, minutter int) string {
	if timer == 0 && minutter == 0 {
		return ""
	}
	if minutter > 0 {
		return w.t("pdf.timer.min", "timer", strconv.Itoa(timer), "min", strconv.Itoa(minutter))
	}
	return w.t("pdf.timer", "timer", strconv.Itoa(timer))
}

// join joins the non-empty parts with sep.
func join(sep string, parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		if p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(sep)
		}
		b.WriteString(p)
	}
	return b.String()
}
