package scenario

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The tags that tie a rule of the research notes (DOMAIN.md) to the rule
// tables, the Go code and the scenarios are of three kinds:
//
//   - a reference into DOMAIN.md: "DOMAIN §8 nr. 3", "§3.2 A7", "§4.2 r5"
//     (the fifth table row of §4.2), "§1.1 p2" (its second bullet), "A4.3",
//     "B9 nr. 1";
//   - a source tag: [S45], [S50b];
//   - a DFDG rule number: 4685.
//
// DomainRefs, SourceTags and RuleCodes find them in free text (a kilde
// cell, a kilde: line, a Go comment).

// refPattern finds a DOMAIN reference: a main section written §N or
// §N.N without a space (LAB § 31 with a space is a law paragraph, not a
// reference), or an appendix section A4.3, B9, C1.6; each optionally
// followed by an item: "nr. 3" (also "nr. 30 og 37", "nr. 1–13", "item 43"),
// a row of §3.2 ("A7", "A4–A8"), a generated row or bullet ("r5", "p2") or
// a code-keyed row ("C1.6 4338").
func refPattern() *regexp.Regexp {
	return regexp.MustCompile(`(§\d+(?:\.\d+)*|\b[A-C]\d+(?:\.\d+)*\b)` +
		`(?: (?:nr\.|item) (\d+(?:(?:, ?| og | and |[–-])\d+\b)*)|` +
		` (A\d+)(?:[–-]A(\d+))?\b|` +
		` ([rp]\d+)\b|` +
		` (\d{4})\b)?`)
}

// DomainRefs returns the DOMAIN references in text, each in the form of
// a DomainRule ID ("§8 nr. 3", "§3.2 A7", "§4.2") or a bare section; lists
// and ranges of items are expanded. A reference written §8.28 is item 28
// of §8, as docs/domain.md §14 reads it.
func DomainRefs(text string) []string {
	var out []string
	add := func(s string) {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	for _, m := range refPattern().FindAllStringSubmatch(text, -1) {
		sec := m[1]
		if strings.HasPrefix(sec, "§8.") {
			add("§8 nr. " + strings.TrimPrefix(sec, "§8."))
			continue
		}
		switch {
		case m[2] != "":
			for _, n := range numberList(m[2]) {
				add(sec + " nr. " + strconv.Itoa(n))
			}
		case m[3] != "":
			from, _ := strconv.Atoi(m[3][1:])
			to := from
			if m[4] != "" {
				to, _ = strconv.Atoi(m[4])
			}
			for i := from; i <= to && i-from < 100; i++ {
				add(sec + " A" + strconv.Itoa(i))
			}
		case m[5] != "":
			add(sec + " " + m[5])
		case m[6] != "" && !isYear(m[6]):
			add(sec + " " + m[6])
		default:
			add(sec)
		}
	}
	return out
}

// numberList expands "30 og 37", "1–13" and "2, 3" into numbers.
func numberList(s string) []int {
	var out []int
	s = strings.NewReplacer(" og ", ",", " and ", ",", " ", "").Replace(s)
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(strings.ReplaceAll(part, "–", "-"), "-")
		a, err := strconv.Atoi(lo)
		if err != nil {
			continue
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(hi); err != nil {
				b = a
			}
		}
		for i := a; i <= b && i-a < 100; i++ {
			out = append(out, i)
		}
	}
	return out
}

func sourcePattern() *regexp.Regexp {
	return regexp.MustCompile(`\[S(\d+[a-z]?)\]`)
}

// SourceTags returns the source tags in text, written [S45].
func SourceTags(text string) []string {
	var out []string
	for _, m := range sourcePattern().FindAllStringSubmatch(text, -1) {
		t := "[S" + m[1] + "]"
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

func digitsPattern() *regexp.Regexp {
	return regexp.MustCompile(`\d+`)
}

// RuleCodes returns the DFDG rule numbers in text: four-digit numbers
// standing alone that are not years (1900–2099), dates or decimals, and
// not the number of a law, an order or an amount ("LOV nr. 1750",
// "BEK 1216", "1500 chars").
func RuleCodes(text string) []string {
	var out []string
	for _, m := range digitsPattern().FindAllStringIndex(text, -1) {
		code := text[m[0]:m[1]]
		if len(code) != 4 || isYear(code) {
			continue
		}
		prev, _ := utf8.DecodeLastRuneInString(text[:m[0]])
		next, size := utf8.DecodeRuneInString(text[m[1]:])
		if strings.ContainsRune(".-–,:", prev) || strings.ContainsRune("-–", next) ||
			strings.ContainsRune(".,", next) && m[1]+size < len(text) && text[m[1]+size] >= '0' && text[m[1]+size] <= '9' {
			continue
		}
		before := strings.Fields(strings.ToLower(text[max(0, m[0]-8):m[0]]))
		after := strings.ToLower(strings.TrimSpace(text[m[1]:min(len(text), m[1]+8)]))
		if len(before) > 0 && slices.Contains([]string{"nr.", "nr", "lbk", "bek", "lov", "bilag", "kr.", "kr", "vejl."}, strings.TrimLeft(before[len(before)-1], "([")) ||
			strings.HasPrefix(after, "chars") || strings.HasPrefix(after, "tegn") || strings.HasPrefix(after, "kr") {
			continue
		}
		if !slices.Contains(out, code) {
			out = append(out, code)
		}
	}
	return out
}

func isYear(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n >= 1900 && n <= 2099
}

// ruleIDPattern is the form of one rule id in a "regler:" line.
func ruleIDPattern() *regexp.Regexp {
	return regexp.MustCompile(`^(§\d+(?:\.\d+)*|[A-C]\d+(?:\.\d+)*)(?: (?:nr\. \d+|A\d+|[rp]\d+|\d{4}))?$`)
}

// parseRegler reads the rule ids of a "regler:" line: comma-separated,
// each in the form DomainRefs gives ("§8 nr. 3", "§4.2 r5", "§3.2 A7").
func parseRegler(rest string) ([]string, error) {
	var out []string
	for _, part := range strings.Split(rest, ",") {
		id := strings.Join(strings.Fields(part), " ")
		if id == "" {
			continue
		}
		if !ruleIDPattern().MatchString(id) {
			return nil, fmt.Errorf("»%s« er ikke et regel-id; skriv fx »regler: §8 nr. 3, §4.2 r5, §3.2 A7«", id)
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("»regler:« er tom; skriv fx »regler: §8 nr. 3, §4.2 r5«")
	}
	return out, nil
}

// Tags returns the rule ids the scenario names: the DOMAIN references of
// its kilde: line and the ids of its regler: lines.
func (s *Scenario) Tags() []string {
	out := DomainRefs(s.Kilde)
	for _, id := range s.Regler {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// RefusalCodes returns the rule codes the scenario expects a handling to
// be refused with ("forventet: afvist 4685"), in order of first use.
func (s *Scenario) RefusalCodes() []string {
	var out []string
	for _, st := range s.Steps {
		for _, c := range st.Checks {
			if c.Key != "forventet" || len(c.Positional) < 2 || c.Positional[0] != "afvist" {
				continue
			}
			code := strings.TrimPrefix(c.Positional[1], "rule:")
			if !slices.Contains(out, code) {
				out = append(out, code)
			}
		}
	}
	return out
}
