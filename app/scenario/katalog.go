package scenario

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// DomainRule is one rule of the research notes (DOMAIN.md) that carries a
// source tag: a table row, a bullet or a numbered item with at least one
// [S..] tag. The catalogue of them (assets/rules/daekning/domaeneregler.csv)
// is extracted from DOMAIN.md by ExtractDomainRules, never written by hand.
type DomainRule struct {
	ID     string   // "§8 nr. 3", "§3.2 A7", "§4.2 r5" (5th table row), "§1.1 p2" (2nd bullet), "C1.6 4338"
	Afsnit string   // the section: "§8", "§3.2", "B9", "C1.6"
	Titel  string   // the start of its text, without markup
	Kilder []string // its source tags: [S4], [S44]
	Koder  []string // the DFDG rule numbers it names: 4685
	Linje  int      // its line in DOMAIN.md
}

// headingPattern reads a section heading of DOMAIN.md: "### 4.2 Table A",
// "## 8. Hard cases", "#### C1.6 Registration error codes".
func headingPattern() *regexp.Regexp {
	return regexp.MustCompile(`^#{2,6} (?:(\d+(?:\.\d+)*)|([A-C]\d+(?:\.\d+)*))\.? `)
}

// numberedPattern, separatorRow, keyCell and markup read a numbered item,
// a table's separator row, a row's key cell and strip Markdown emphasis.
// They return fresh values: the package holds no mutable state.
func numberedPattern() *regexp.Regexp { return regexp.MustCompile(`^(\d+)\. `) }
func separatorRow() *regexp.Regexp    { return regexp.MustCompile(`^\|[-| :]+\|?$`) }
func keyCell() *regexp.Regexp         { return regexp.MustCompile(`^(?:[A-Z]\d+|\d{4})$`) }
func markup() *strings.Replacer       { return strings.NewReplacer("**", "", "`", "", "*", "") }

// skippedSection reports whether a section holds no rules: a source
// index, a list of sources or of open questions.
func skippedSection(title string) bool {
	t := strings.ToLower(title)
	for _, w := range []string{"source index", "sources used", "gaps and open questions"} {
		if strings.Contains(t, w) {
			return true
		}
	}
	return false
}

// ExtractDomainRules reads DOMAIN.md and returns every table row, bullet
// and numbered item in a numbered section (§0–§8, appendices A–C) that
// carries a source tag. Rows are keyed by their first cell where that is
// an id (§3.2 A7, C1.6 4338), else by their place in the section (r5);
// bullets by their place (p2); numbered items by their number (nr. 3).
// Source indexes and lists of open questions are skipped.
func ExtractDomainRules(r io.Reader) ([]DomainRule, error) {
	var out []DomainRule
	seen := map[string]bool{}
	sec, skip := "", true
	rows, bullets := 0, 0
	inTable := false
	var cur *DomainRule
	var curText strings.Builder
	flush := func() {
		if cur == nil {
			return
		}
		text := curText.String()
		if tags := SourceTags(text); len(tags) > 0 {
			cur.Kilder = tags
			cur.Koder = RuleCodes(text)
			cur.Titel = title(text)
			id := cur.ID
			for i := 2; seen[cur.ID]; i++ {
				cur.ID = id + " #" + strconv.Itoa(i)
			}
			seen[cur.ID] = true
			out = append(out, *cur)
		}
		cur = nil
		curText.Reset()
	}
	start := func(n int, id, text string) {
		flush()
		cur = &DomainRule{ID: sec + " " + id, Afsnit: sec, Linje: n}
		curText.WriteString(text)
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			flush()
			inTable = false
			if m := headingPattern().FindStringSubmatch(line); m != nil {
				sec = m[2]
				if m[1] != "" {
					sec = "§" + m[1]
				}
				skip = skippedSection(line)
				rows, bullets = 0, 0
			} else if strings.HasPrefix(line, "## ") {
				sec, skip = "", true // "## Appendix B — …": its rules are in B0, B1, …
			}
			continue
		}
		if skip || sec == "" {
			continue
		}
		switch {
		case strings.HasPrefix(line, "|"):
			flush()
			if separatorRow().MatchString(strings.TrimSpace(line)) {
				continue
			}
			if !inTable { // the header row
				inTable = true
				continue
			}
			rows++
			cells := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
			key := "r" + strconv.Itoa(rows)
			if first := strings.TrimSpace(markup().Replace(cells[0])); keyCell().MatchString(first) && !seen[sec+" "+first] {
				key = first
			}
			start(n, key, line)
			flush()
		case strings.HasPrefix(line, "* "):
			inTable = false
			bullets++
			start(n, "p"+strconv.Itoa(bullets), line[2:])
		case numberedPattern().MatchString(line):
			inTable = false
			num := numberedPattern().FindStringSubmatch(line)[1]
			start(n, "nr. "+num, line[len(num)+2:])
		case cur != nil && strings.HasPrefix(line, " ") && strings.TrimSpace(line) != "":
			curText.WriteString(" " + strings.TrimSpace(line))
		default:
			flush()
			inTable = false
		}
	}
	flush()
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read the research notes: %w", err)
	}
	if len(out) == 0 {
		return nil, errors.New("the research notes hold no sourced rule (no [S..] tag in a numbered section)")
	}
	return out, nil
}

// title returns the start of a rule's text without markup, tags and
// table bars, at most 90 characters.
func title(text string) string {
	t := sourcePattern().ReplaceAllString(text, "")
	t = markup().Replace(t)
	t = strings.ReplaceAll(t, "|", " ")
	t = strings.Join(strings.Fields(t), " ")
	if r := []rune(t); len(r) > 90 {
		t = strings.TrimSpace(string(r[:89])) + "…"
	}
	return t
}

// catalogueHeader is the header of the rule catalogue.
func catalogueHeader() []string {
	return []string{"id", "afsnit", "kilder", "koder", "linje", "titel"}
}

// WriteCatalogue writes rules as the catalogue CSV, with a comment on
// where it comes from.
func WriteCatalogue(w io.Writer, rules []DomainRule) error {
	if _, err := io.WriteString(w, "# Kildebelagte regler i DOMAIN.md (genereret: feltsagd rules katalog DOMAIN.md > assets/rules/daekning/domaeneregler.csv).\n"+
		"# Ret ikke i hånden; docs/rules.md §11 forklarer id'erne og dækningsmatricen.\n"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(catalogueHeader()); err != nil {
		return err
	}
	for _, r := range rules {
		rec := []string{r.ID, r.Afsnit, strings.Join(r.Kilder, ""), strings.Join(r.Koder, " "), strconv.Itoa(r.Linje), r.Titel}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// ReadCatalogue reads the catalogue WriteCatalogue wrote.
func ReadCatalogue(r io.Reader) ([]DomainRule, error) {
	recs, err := readCSV(r, catalogueHeader())
	if err != nil {
		return nil, fmt.Errorf("rule catalogue: %w", err)
	}
	var out []DomainRule
	seen := map[string]bool{}
	for _, rec := range recs {
		line, err := strconv.Atoi(rec.cells[4])
		if err != nil {
			return nil, fmt.Errorf("rule catalogue line %d: linje %q is not a number", rec.line, rec.cells[4])
		}
		id := rec.cells[0]
		if seen[id] {
			return nil, fmt.Errorf("rule catalogue line %d: id %q twice", rec.line, id)
		}
		seen[id] = true
		out = append(out, DomainRule{ID: id, Afsnit: rec.cells[1], Kilder: SourceTags(rec.cells[2]),
			Koder: strings.Fields(rec.cells[3]), Linje: line, Titel: rec.cells[5]})
	}
	return out, nil
}

// csvRecord is one data row of a small CSV file with its line.
type csvRecord struct {
	line  int
	cells []string
}

// readCSV reads a CSV file with # comments whose header must be want.
func readCSV(r io.Reader, want []string) ([]csvRecord, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = len(want)
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	if strings.Join(header, ",") != strings.Join(want, ",") {
		return nil, fmt.Errorf("header is %q, want %q", strings.Join(header, ","), strings.Join(want, ","))
	}
	var out []csvRecord
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		out = append(out, csvRecord{line: line, cells: rec})
	}
}
