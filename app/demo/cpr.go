package demo

import (
	"fmt"
	"strings"

	"feltsag.dk/feltsag/app"
)

// syntheticCPR returns a CPR number for a person born on born, with the
// sex given by female, built from r: the birth date, the 7th digit the CPR
// office's century rule needs for that year (0–3 for 1900–1999, 4 for
// 2000–2036), and a serial whose modulus 11 check fails. Such numbers are
// valid (app.ParseCPR accepts them), but the CPR office has issued them
// only since 2007 and only for birth dates whose modulus 11 numbers ran
// out, so few real people have one. A clash with a real number is unlikely
// but cannot be ruled out; nothing else in the demo data is about a real
// person. Demo CPR numbers are generated, never taken from anyone.
func syntheticCPR(r *rng, born app.Date, female bool) app.CPR {
	y, m, d := born.YMD()
	first := r.IntN(4) // 0–3: born 1900–1999
	if y >= 2000 {
		first = 4 // 2000–2036 with YY 00–36
	}
	for {
		serial := first*1000 + r.IntN(1000)
		if (serial%2 == 0) != female {
			serial ^= 1 // the last digit is even for women
		}
		c, err := app.ParseCPR(fmt.Sprintf("%02d%02d%02d%04d", d, int(m), y%100, serial))
		if err == nil && !c.Mod11() && c.BirthDate() == born {
			return c
		}
	}
}

// ascii lower-cases s and spells it in a–z, 0–9 and '-' for user names
// and e-mail addresses: æ → ae, ø → oe, å → aa, other letters lose their
// accents where known and are dropped otherwise.
func ascii(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-':
			b.WriteRune(r)
		case r == ' ' || r == '.':
			b.WriteByte('-')
		case r == 'æ':
			b.WriteString("ae")
		case r == 'ø':
			b.WriteString("oe")
		case r == 'å':
			b.WriteString("aa")
		default:
			if a, ok := accents[r]; ok {
				b.WriteByte(a)
			}
		}
	}
	return b.String()
}

var accents = map[rune]byte{'ı': 'i', 'ş': 's', 'ç': 'c', 'ğ': 'g', 'ö': 'o', 'ü': 'u', 'é': 'e', 'è': 'e', 'á': 'a', 'ó': 'o', 'ł': 'l', 'ń': 'n', 'ś': 's', 'ż': 'z', 'ź': 'z'}
