package scenario

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"feltsag.dk/feltsag/app"
)

// Scenario is one rule scenario: a citizen's facts, "today", one or more
// commands and the expected outcome of each (docs/rules.md describes the
// file format for rule maintainers).
type Scenario struct {
	File   string
	Line   int
	Navn   string
	Kilde  string
	Regler []string // rule ids from "regler:" lines (DOMAIN.md items the scenario tests), for the coverage matrix
	IDag   app.Date
	Facts  []Line // state lines, in order
	Checks []Line // expectations on the initial state (before any handling)
	Steps  []Step
}

// Step is one command and what is expected of it.
type Step struct {
	Handling Line
	Checks   []Line
}

// Line is one "key: value" line with its tokens.
type Line struct {
	Line       int
	Key        string
	Positional []string
	Fields     []Field
}

// Field is one key=value token; Value is a string, []string or a raw JSON
// value. Quoted is true for a "quoted" value, which always stays text
// (telefon="12345678" is not a number, tekst="ja" is not a boolean).
type Field struct {
	Key    string
	Value  any
	Quoted bool
}

func (l Line) get(key string) (any, bool) {
	for _, f := range l.Fields {
		if f.Key == key {
			return f.Value, true
		}
	}
	return nil, false
}

func (l Line) str(key string) string {
	v, _ := l.get(key)
	s, _ := v.(string)
	return s
}

// factKeys returns the keys of a scenario's facts.
func factKeys() []string {
	return []string{"borger", "kontaktgruppe", "tidligere_kontaktgruppe", "tilmelding", "visitation", "ydelse", "fravaer", "samtale",
		"vejledning", "sanktion", "plan", "tjob_miss", "tjob", "virksomhed", "enhed", "plads", "placering"}
}

// checkKeys returns the keys of a scenario's expectations.
func checkKeys() []string {
	return []string{"forventet", "effekt", "ingen_effekt", "advarsel", "ingen_advarsel", "tilstand", "pligt", "frist", "ingen_frist"}
}

// MaxLineBytes is the longest line a scenario file may have, its newline
// included. A file may be of any length: Parse reads it line by line.
const MaxLineBytes = 64 << 10

// Parse reads scenarios from r, all of it. A new scenario starts at every
// "navn:" line. Errors name the file and line; a file without scenarios
// (empty, or comments only) and a line longer than MaxLineBytes are
// errors.
func Parse(file string, r io.Reader) ([]*Scenario, error) {
	var out []*Scenario
	var cur *Scenario
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), MaxLineBytes)
	n := 0
	for sc.Scan() {
		n++
		raw := strings.TrimSpace(sc.Text())
		if raw == "" || strings.HasPrefix(raw, "#") {
			continue
		}
		key, rest, ok := strings.Cut(raw, ":")
		if !ok {
			return nil, scenarioErr(file, n, "linjen skal have formen »nøgle: værdi«")
		}
		key, rest = strings.TrimSpace(key), strings.TrimSpace(rest)
		if key == "navn" {
			cur = &Scenario{File: file, Line: n, Navn: rest}
			out = append(out, cur)
			continue
		}
		if cur == nil {
			return nil, scenarioErr(file, n, "filen skal starte med en »navn:«-linje")
		}
		if err := cur.add(file, n, key, rest); err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); err != nil {
		return nil, readErr(file, n+1, err)
	}
	if len(out) == 0 {
		return nil, app.Errorf(app.CodeInvalid, "scenarie", "scenario.empty", "fil", file)
	}
	for _, s := range out {
		if err := s.complete(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// readErr explains why line n of file could not be read: too long, or
// the file itself failed (a disk or network error).
func readErr(file string, n int, err error) error {
	pos := file + ":" + strconv.Itoa(n)
	if errors.Is(err, bufio.ErrTooLong) {
		return app.Errorf(app.CodeInvalid, "scenarie", "scenario.line_too_long",
			"position", pos, "linje", strconv.Itoa(n), "kib", strconv.Itoa(MaxLineBytes>>10))
	}
	return app.Errorf(app.CodeInvalid, "scenarie", "scenario.unreadable", "position", pos).Wrap(err)
}

func scenarioErr(file string, line int, msg string) error {
	pos := file + ":" + strconv.Itoa(line)
	return app.Errorf(app.CodeInvalid, "scenarie", "scenario.error", "position", pos, "besked", msg)
}

func (s *Scenario) add(file string, n int, key, rest string) error {
	switch key {
	case "kilde":
		s.Kilde = rest
		return nil
	case "regler":
		ids, err := parseRegler(rest)
		if err != nil {
			return scenarioErr(file, n, err.Error())
		}
		s.Regler = append(s.Regler, ids...)
		return nil
	case "i_dag":
		d, err := app.ParseDate(rest)
		if err != nil {
			return scenarioErr(file, n, app.Describe(err))
		}
		s.IDag = d
		return nil
	}
	l, err := tokenize(rest)
	if err != nil {
		return scenarioErr(file, n, err.Error())
	}
	l.Line, l.Key = n, key
	switch {
	case key == "handling":
		if len(l.Positional) != 1 {
			return scenarioErr(file, n, "skriv handlingens navn først, fx »handling: registrer_fravaer af=borger …«")
		}
		s.Steps = append(s.Steps, Step{Handling: l})
	case contains(factKeys(), key):
		if len(s.Steps) > 0 {
			return scenarioErr(file, n, "fakta (»"+key+":«) skal stå før den første »handling:«")
		}
		s.Facts = append(s.Facts, l)
	case contains(checkKeys(), key):
		if err := checkFields(l); err != nil {
			return scenarioErr(file, n, err.Error())
		}
		if len(s.Steps) == 0 {
			s.Checks = append(s.Checks, l)
		} else {
			st := &s.Steps[len(s.Steps)-1]
			st.Checks = append(st.Checks, l)
		}
	default:
		return scenarioErr(file, n, fmt.Sprintf("ukendt nøgle %q; brug fx navn, kilde, regler, i_dag, borger, kontaktgruppe, tilmelding, fravaer, handling, forventet, effekt", key))
	}
	return nil
}

// checkFields refuses an expectation with a field its key does not know,
// so that a misspelt name cannot make an expectation hold vacuously.
func checkFields(l Line) error {
	var allowed []string
	switch l.Key {
	case "forventet":
		allowed = []string{"felt"}
	case "effekt", "ingen_effekt":
		allowed = append([]string{"dato", "detalje"}, app.EffectParams()...)
	case "advarsel", "ingen_advarsel":
	case "pligt":
		allowed = append([]string{"dato", "paa", "til", "grund"}, app.Pligter()...)
	case "frist", "ingen_frist":
		allowed = []string{"dato", "status", "paa"}
	case "tilstand":
		if len(l.Fields) == 0 || len(l.Positional) > 0 {
			return fmt.Errorf("skriv tilstanden som felt=værdi, fx »tilstand: tilmeldt=nej kg=25«")
		}
		return nil
	}
	for _, f := range l.Fields {
		if !contains(allowed, f.Key) {
			if len(allowed) == 0 {
				return fmt.Errorf("»%s:« har ingen felter (fik %s=)", l.Key, f.Key)
			}
			return fmt.Errorf("ukendt felt %q i »%s:«; brug %s", f.Key, l.Key, strings.Join(allowed, ", "))
		}
	}
	if l.Key == "pligt" {
		n := 0
		for _, f := range l.Fields {
			if contains(app.Pligter(), f.Key) {
				n++
			}
		}
		if n == 0 {
			return fmt.Errorf("nævn mindst én pligt: %s", strings.Join(app.Pligter(), ", "))
		}
	}
	return nil
}

func (s *Scenario) complete() error {
	if s.IDag.IsZero() {
		return scenarioErr(s.File, s.Line, "scenariet mangler »i_dag:«")
	}
	if s.Kilde == "" {
		return scenarioErr(s.File, s.Line, "scenariet mangler »kilde:« (fx DOMAIN §8 nr. 2 [S1])")
	}
	if !app.HasSourceMark(s.Kilde) {
		return scenarioErr(s.File, s.Line, fmt.Sprintf("kilden %q har ingen kildemarkering; skriv fx [S12], (A), (H) eller (R)", s.Kilde))
	}
	if len(s.Steps) == 0 && len(s.Checks) == 0 {
		return scenarioErr(s.File, s.Line, "scenariet har hverken handlinger eller forventninger")
	}
	for i, st := range s.Steps {
		n := 0
		for _, c := range st.Checks {
			if c.Key == "forventet" {
				n++
			}
		}
		if n != 1 {
			return scenarioErr(s.File, st.Handling.Line, "hver »handling:« skal følges af præcis én »forventet: godkendt« eller »forventet: afvist KODE«")
		}
		// Build the command now, so that an unknown kind, an unknown field
		// or a malformed i_dag/kl is reported with file and line before
		// anything runs. A value the decoder refuses (an impossible date)
		// is not a mistake in the file: the command is then expected to be
		// rejected with invalid.
		var refused *refusedInput
		if _, _, err := buildCommand(s, st.Handling, i); err != nil && !errors.As(err, &refused) {
			return scenarioErr(s.File, st.Handling.Line, err.Error())
		}
	}
	return nil
}

// errBadEscape explains a quoted text strconv cannot read.
var errBadEscape = errors.New(`teksten i anførselstegn har en ugyldig \-kode eller mangler sit afsluttende "; brug \n, \t, \" eller \\`)

// tokenize splits "a b=c d=\"e f\" g=[x, y] h={...}" into positional
// tokens and fields.
func tokenize(s string) (Line, error) {
	var l Line
	for i := 0; i < len(s); {
		if s[i] == ' ' || s[i] == '\t' {
			i++
			continue
		}
		start := i
		for i < len(s) && s[i] != ' ' && s[i] != '=' && s[i] != '\t' {
			i++
		}
		word := s[start:i]
		if i >= len(s) || s[i] != '=' {
			v, err := unquote(word)
			if err != nil {
				return l, err
			}
			l.Positional = append(l.Positional, v)
			continue
		}
		i++ // '='
		v, next, err := value(s, i)
		if err != nil {
			return l, fmt.Errorf("værdien af %s: %s", word, err)
		}
		l.Fields = append(l.Fields, Field{Key: word, Value: v, Quoted: i < len(s) && s[i] == '"'})
		i = next
	}
	return l, nil
}

// value reads a value at s[i:]: "quoted", [list], {json} or a bare word.
func value(s string, i int) (any, int, error) {
	if i >= len(s) {
		return "", i, nil
	}
	switch s[i] {
	case '"':
		end := closingQuote(s, i)
		if end < 0 {
			return nil, 0, fmt.Errorf("mangler afsluttende \"")
		}
		v, err := strconv.Unquote(s[i : end+1])
		if err != nil {
			return nil, 0, errBadEscape
		}
		return v, end + 1, nil
	case '{':
		end := balanced(s, i)
		if end < 0 {
			return nil, 0, fmt.Errorf("JSON-værdien er ikke afsluttet")
		}
		raw := json.RawMessage(s[i : end+1])
		if !json.Valid(raw) {
			return nil, 0, fmt.Errorf("ugyldig JSON")
		}
		return raw, end + 1, nil
	case '[':
		end := balanced(s, i)
		if end < 0 {
			return nil, 0, fmt.Errorf("listen mangler ]")
		}
		if strings.HasPrefix(strings.TrimSpace(s[i+1:end]), "{") {
			raw := json.RawMessage(s[i : end+1])
			if !json.Valid(raw) {
				return nil, 0, fmt.Errorf("ugyldig JSON-liste")
			}
			return raw, end + 1, nil
		}
		items, err := splitList(s[i+1 : end])
		return items, end + 1, err
	}
	end := i
	for end < len(s) && s[end] != ' ' && s[end] != '\t' {
		end++
	}
	return s[i:end], end, nil
}

func closingQuote(s string, i int) int {
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '"':
			return j
		}
	}
	return -1
}

// balanced returns the index of the bracket closing s[i], honouring strings.
func balanced(s string, i int) int {
	depth := 0
	for j := i; j < len(s); j++ {
		switch s[j] {
		case '"':
			if j = closingQuote(s, j); j < 0 {
				return -1
			}
		case '[', '{':
			depth++
		case ']', '}':
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

func splitList(s string) ([]string, error) {
	var out []string
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		v, err := unquote(part)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func unquote(s string) (string, error) {
	if strings.HasPrefix(s, "\"") {
		v, err := strconv.Unquote(s)
		if err != nil {
			return "", errBadEscape
		}
		return v, nil
	}
	return s, nil
}

// toJSON turns fields into a JSON object for a struct with json tags:
// dotted keys nest ("indhold.jobmaal"), digit-only words and decimals
// written with a point (18.5) become numbers,
// ja/nej become booleans.
func toJSON(fields []Field, skip ...string) ([]byte, error) {
	root := map[string]any{}
	for _, f := range fields {
		if contains(skip, f.Key) {
			continue
		}
		parts := strings.Split(f.Key, ".")
		m := root
		for _, p := range parts[:len(parts)-1] {
			sub, ok := m[p].(map[string]any)
			if !ok {
				sub = map[string]any{}
				m[p] = sub
			}
			m = sub
		}
		if f.Quoted {
			m[parts[len(parts)-1]] = f.Value
		} else {
			m[parts[len(parts)-1]] = jsonValue(f.Value)
		}
	}
	return json.Marshal(root)
}

func jsonValue(v any) any {
	switch t := v.(type) {
	case string:
		if t == "ja" {
			return true
		}
		if t == "nej" {
			return false
		}
		if n, ok := digits(t); ok && len(t) < 10 {
			return n
		}
		if whole, frac, ok := strings.Cut(t, "."); ok && len(t) < 10 {
			_, ok1 := digits(whole)
			_, ok2 := digits(frac)
			if ok1 && ok2 {
				return json.Number(t) // a decimal number: 18.5 hours, 9.8 FTE
			}
		}
		return t
	case []string:
		return t
	}
	return v
}

func contains(list []string, v string) bool { return slices.Contains(list, v) }

// digits parses ASCII digits only (no signs, no spaces, no full-width
// digits), as the scenario values are written.
func digits(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}
