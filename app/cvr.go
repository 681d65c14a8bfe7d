package app

import (
	"strings"
)

// CVR is a CVR number in normal form: exactly 8 ASCII digits that pass the
// modulus-11 check and do not start with 0. It identifies a company's legal
// unit (juridisk enhed) and never changes during its life (DOMAIN B1)
// [S135][S142]. Build one with ParseCVR; "" means "no CVR entered". A CVR is
// public register data, not personal data, and may be shown in full.
type CVR string

// PNummer is a P-number in normal form: exactly 10 ASCII digits. It
// identifies a production unit (produktionsenhed, a workplace address) of a
// legal unit [S138][S141]. The rimelighedskrav is counted per P-number
// (DOMAIN B2) [S101][S114].
type PNummer string

// cvrWeights are the modulus-11 weights of a CVR number's 8 digits: the
// weighted sum of a valid number is divisible by 11 (DOMAIN B1) [S135][S143].
func cvrWeights() []int { return []int{2, 7, 6, 5, 4, 3, 2, 1} }

// pWeights are the modulus-11 weights assumed for a P-number's 10 digits
// (A): Erhvervsstyrelsen says P-numbers use modulus 11 but that one series
// was made with wrong weights [S135], so a failing check only warns.
func pWeights() []int { return []int{4, 3, 2, 7, 6, 5, 4, 3, 2, 1} }

// normaliseNumber strips what people write around a CVR or P-number: white
// space, a "DK" prefix (any case) and dashes ("DK-13 74 81 36") [S143]. It
// returns the digits, or an error naming the first character that is not a
// digit. charKey and missingKey are the catalogue keys of those refusals.
func normaliseNumber(field, charKey, missingKey, s string) (string, *Error) {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && strings.EqualFold(s[:2], "DK") {
		s = s[2:]
	}
	var b strings.Builder
	pos := 0
	for _, r := range s {
		pos++
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '\t':
		default:
			return "", invalidf(field, charKey, "tegn", itoa(pos))
		}
	}
	if b.Len() == 0 {
		return "", invalidf(field, missingKey)
	}
	return b.String(), nil
}

// mod11 returns the weighted digit sum of digits modulo 11.
func mod11(digits string, weights []int) int {
	sum := 0
	for i := range len(digits) {
		sum += int(digits[i]-'0') * weights[i]
	}
	return sum % 11
}

// ParseCVR parses a CVR number written with or without "DK", spaces and
// dashes (" DK-13 74 81 36 ") and checks its modulus-11 check digit
// (DOMAIN B1, B9 nr. 1–5) [S135][S143]. A number whose first 7 digits give
// remainder 1 has no valid check digit at all; ParseCVR then says so and
// never offers a "corrected" digit. A number starting with 0 passes the
// check ("00000000") but is not issued and is refused (A).
//
// Errors have code CodeInvalid and Field "cvr"; they never repeat the input.
func ParseCVR(s string) (CVR, error) {
	d, err := normaliseNumber("cvr", "invalid.cvr.char", "invalid.cvr.missing", s)
	if err != nil {
		return "", err
	}
	if len(d) != 8 {
		return "", invalidf("cvr", "invalid.cvr.length", "antal", itoa(len(d)))
	}
	if d[0] == '0' {
		return "", invalidf("cvr", "invalid.cvr.not_issued")
	}
	if mod11(d, cvrWeights()) != 0 {
		if mod11(d[:7], cvrWeights()[:7]) == 1 {
			return "", invalidf("cvr", "invalid.cvr.no_check_digit")
		}
		return "", invalidf("cvr", "invalid.cvr.check")
	}
	return CVR(d), nil
}

// ParsePNummer parses a P-number written with or without spaces and dashes
// and reports whether it passes the modulus-11 check (A: weights
// 4,3,2,7,6,5,4,3,2,1). A P-number must have exactly 10 digits
// [S141]; a failing check is not an error, because one series of real
// P-numbers was generated with wrong weights [S135] (DOMAIN B9 nr. 6): the
// caller shows a warning and keeps the number.
func ParsePNummer(s string) (p PNummer, checkOK bool, err error) {
	d, e := normaliseNumber("p_nummer", "invalid.pnummer.char", "invalid.pnummer.missing", s)
	if e != nil {
		return "", false, e
	}
	if len(d) != 10 {
		return "", false, invalidf("p_nummer", "invalid.pnummer.length", "antal", itoa(len(d)))
	}
	return PNummer(d), mod11(d, pWeights()) == 0, nil
}
