package pdf

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"feltsag.dk/feltsag/app"
)

// maskCPR replaces every CPR number in free text — ten digits, or six and
// four around a hyphen or a space, not part of a longer number, with a
// birth date that exists — by its masked form DDMMYY-XXXX. A caseworker
// who types a CPR number into a plan's free text must not put it on paper
// (CPR-loven § 54 [S60], DOMAIN §7).
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
		n := cprAt(s, i)
		if n == 0 {
			continue
		}
		cpr, err := app.ParseCPR(strings.Map(dropSpace, s[i:i+n]))
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

// cprAt returns the length of a CPR-shaped number starting at s[i]
// (DDMMYYSSSS, DDMMYY-SSSS or DDMMYY SSSS) not followed by another digit,
// or 0.
func cprAt(s string, i int) int {
	digits := func(from, n int) bool {
		if from+n > len(s) {
			return false
		}
		for j := from; j < from+n; j++ {
			if !isDigit(s[j]) {
				return false
			}
		}
		return true
	}
	if !digits(i, 6) {
		return 0
	}
	n := 6
	if i+n < len(s) && (s[i+n] == '-' || s[i+n] == ' ') {
		n++
	}
	if !digits(i+n, 4) {
		return 0
	}
	n += 4
	if i+n < len(s) && isDigit(s[i+n]) {
		return 0
	}
	return n
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func dropSpace(r rune) rune {
	if r == ' ' {
		return -1
	}
	return r
}

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
func periode(l *labels, p app.Period) string {
	switch {
	case p.Start.IsZero() && p.Slut.IsZero():
		return ""
	case p.Slut.IsZero():
		return l.from + " " + dato(l.lang, p.Start)
	case p.Start.IsZero():
		return l.until + " " + dato(l.lang, p.Slut)
	}
	return dato(l.lang, p.Start) + "–" + dato(l.lang, p.Slut)
}

// tidspunkt writes a moment in Copenhagen time, "12.03.2026 kl. 14:05" or
// "12 March 2026 at 14:05".
func tidspunkt(l *labels, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(app.Copenhagen())
	return dato(l.lang, app.DateOf(t)) + " " + l.at + " " + t.Format("15:04")
}

// timerPrUge writes hours and minutes per week: "37 t", "12 t 30 min".
func timerPrUge(l *labels, timer, minutter int) string {
	if timer == 0 && minutter == 0 {
		return ""
	}
	s := strconv.Itoa(timer) + " " + l.hours
	if minutter > 0 {
		s += " " + strconv.Itoa(minutter) + " " + l.minutes
	}
	return s
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
