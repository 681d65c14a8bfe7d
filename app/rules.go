package app

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"io/fs"
	"slices"
	"strconv"
	"strings"
)

// Rule tables live in assets/rules as CSV files a domain expert can open in
// a spreadsheet (DESIGN §3). Every row carries valid_from/valid_to
// (gyldig_fra/gyldig_til) and a source tag (kilde). LoadRules validates them
// all and builds one RuleSet per rule-set version, so that evaluating a
// command is map look-ups only.

// Rule table file names.
const (
	fileRegelsaet  = "regelsaet.csv"
	fileKG         = "kontaktgrupper.csv"
	fileKategorier = "personkategorier.csv"
	fileFravaer    = "fravaerstyper.csv"
	fileMatrix     = "fravaer_kontaktgruppe.csv"
	fileEffekter   = "fravaer_effekter.csv"
	filePligter    = "pligter.csv"
	fileParametre  = "parametre.csv"
)

// Rules holds every rule-set version, loaded and validated.
type Rules struct {
	Sets []*RuleSet // ordered by start date, contiguous
}

// RuleSet is the complete rule set in force for one period (docs/domain.md §3).
type RuleSet struct {
	Version string
	Navn    string
	Periode Period
	Kilde   string

	KG         map[int]*KGDef
	Kategorier map[string]*KategoriDef
	Fravaer    map[string]*FravaerTypeDef
	Matrix     map[string]map[int]Celle         // fravær code → KG → cell
	Effekter   map[string]map[string]*EffektDef // fravær code → gruppe ("*" = all) → effects
	Pligter    []*PligtDef
	Pligtnavne []string // the duties, in the column order of pligter.csv (docs/domain.md §8)
	Params     map[string]Param
}

// KGDef describes a kontaktgruppe (kontaktgrupper.csv).
type KGDef struct {
	ID       int
	Navn     string
	NavnEN   string
	Gruppe   string // DP, KH, UH, SDP, JAF, RF, LY, REV, FP, SF, U18, INT, ANDEN
	Profil   string // D, K, U, A or n (docs/domain.md §4)
	LAB6     int    // LAB § 6 målgruppe number, 0 if none
	MinAlder int    // -1 = no limit
	MaxAlder int    // -1 = no limit
	Manuel   bool   // a caseworker may set it (false: set only by DFDG/system, 8096)
	Kilde    string
}

// KategoriDef describes a person category (personkategorier.csv).
type KategoriDef struct {
	Kode           string
	DFDG           int // DFDG PersonCategory id (H for most)
	Navn           string
	NavnEN         string
	Kategorisering string // visitation, uddannelse, sygedagpenge, match, default
	MaxAlder       int
	Vaelgbar       bool // a caseworker may choose it (not "ikke visiteret")
	Kilde          string
}

// FravaerTypeDef describes a fravær/fritagelse type (fravaerstyper.csv).
type FravaerTypeDef struct {
	Kode            string
	DFDG            int // 0 if the type has no known DFDG id
	Navn            string
	NavnEN          string
	GaelderFor      []string // KG groups, or ["*"]
	Selvbetjening   bool
	Tilbagedatering int // caseworker backdating limit in days; -1 = parameter default
	MinDage         int
	MaxDage         int  // 0 = open-ended allowed
	KraeverSlut     bool // end date needs an end reason (4980)
	KraeverSlutDato bool
	Afmelder        string // "nej", "ja", "undtagen_loentilskud"
	KunFremad       bool   // never registered with a start before today
	KanOprettes     bool   // false: a historic type, read-only
	Helbred         bool   // health data (GDPR art. 9)
	// MinAlder and MaxAlder bound the target group's age on the start
	// date (-1 = no limit); a citizen whose category is in AlderUndtagen
	// is in the target group whatever the age (DOMAIN §4.2: "aktivitetsparate
	// lacking optjening" besides those past pension age) [S15].
	MinAlder      int
	MaxAlder      int
	AlderUndtagen []string
	Kilde         string
}

// Celle is one cell of the fravær × kontaktgruppe matrix (docs/domain.md §7).
type Celle struct {
	Kategorier []int // allowed person-category ids; 0 stands for "null" (no category)
	Tilladt    bool
	Usikker    bool // ambiguous or assumed: warn and require override
	Tekst      string
}

// EffektDef is one row of Table B: the effect of a fravær on each duty.
type EffektDef struct {
	Fravaer string
	Gruppe  string
	Effekt  map[string]string // duty → F, G, A (afmeldes), B (begrænset), -
	Kilde   string
}

// PligtDef is one row of pligter.csv: which duties a group has at all.
type PligtDef struct {
	Gruppe   string            // KG group or "*"
	Kategori string            // person category code or "*"
	Pligt    map[string]string // duty → P (pligt), R (ret), - (none)
	Kilde    string
}

// Param is a numeric rule parameter (parametre.csv).
type Param struct {
	Vaerdi int
	Enhed  string
	Kilde  string
}

// ForDate returns the rule set in force on d, or a not_found error when the
// tables cover no such date.
func (r *Rules) ForDate(d Date) (*RuleSet, error) {
	for _, s := range r.Sets {
		if s.Periode.Contains(d) {
			return s, nil
		}
	}
	return nil, Errorf(CodeNotFound, "regelsaet", "not_found.rules_for_date", "dato", DateParam(d))
}

// Version returns the rule set with the given version id, or nil.
func (r *Rules) Version(v string) *RuleSet {
	for _, s := range r.Sets {
		if s.Version == v {
			return s
		}
	}
	return nil
}

// P returns the value of parameter key. A missing parameter is a table
// error caught by LoadRules, so P panics only on a programming error.
func (rs *RuleSet) P(key string) int {
	p, ok := rs.Params[key]
	if !ok {
		panic("app: rule parameter " + key + " missing from rule set " + rs.Version)
	}
	return p.Vaerdi
}

// LoadRules reads and validates every rule table in fsys (the rules
// directory). Errors name the file, line and column.
func LoadRules(fsys fs.FS) (*Rules, error) {
	l := &loader{fsys: fsys}
	return l.load()
}

// tableError is a rule-table error with its position: key names the
// problem (table.*), kv its parameters; the message is the position
// (table.at.*) followed by the problem, which the catalogue renders with
// the same parameters.
func tableError(file string, line int, col, key string, kv ...string) error {
	at := "table.at.file"
	switch {
	case line > 0 && col != "":
		at = "table.at.column"
	case line > 0:
		at = "table.at.line"
	case col != "":
		at = "table.at.file_column"
	}
	kv = append([]string{"fil", file, "linje", strconv.Itoa(line), "kolonne", col, "problem", TextParam(key)}, kv...)
	return Errorf(CodeInvalid, "regeltabel", at, kv...)
}

// table is a parsed CSV file with named columns.
type table struct {
	file       string
	header     []string
	headerLine int
	rows       []row
}

type row struct {
	t     *table
	line  int
	cells []string
}

func (l *loader) read(file string) (*table, error) {
	f, err := l.fsys.Open(file)
	if err != nil {
		return nil, tableError(file, 0, "", "table.file_missing")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, 4<<20))
	if err != nil {
		return nil, tableError(file, 0, "", "table.file_unreadable")
	}
	// Spreadsheets saving "CSV UTF-8" put a byte-order mark first.
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if line, n := firstDataLine(data); strings.Count(line, ";") > strings.Count(line, ",") {
		return nil, tableError(file, n, "", "table.semicolon")
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comment = '#'
	r.FieldsPerRecord = -1 // rows are checked against the header with a clearer message
	r.TrimLeadingSpace = true
	t := &table{file: file}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, tableError(file, pe.Line, strconv.Itoa(pe.Column), csvProblem(pe.Err))
			}
			return nil, tableError(file, 0, "", "table.csv")
		}
		line, _ := r.FieldPos(0)
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		if t.header == nil {
			t.header, t.headerLine = rec, line
			if l.headerLine == nil {
				l.headerLine = map[string]int{}
			}
			l.headerLine[file] = line
			continue
		}
		t.rows = append(t.rows, row{t: t, line: line, cells: rec})
	}
	if t.header == nil {
		return nil, tableError(file, 0, "", "table.empty")
	}
	return t, nil
}

// csvProblem returns the catalogue key that explains a CSV syntax error.
func csvProblem(err error) string {
	switch {
	case errors.Is(err, csv.ErrQuote), errors.Is(err, csv.ErrBareQuote):
		return "table.csv_quote"
	case errors.Is(err, csv.ErrFieldCount):
		return "table.csv_field_count"
	}
	return "table.csv"
}

// firstDataLine returns the first line that is not a comment or blank,
// and its line number.
func firstDataLine(data []byte) (string, int) {
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			return line, i + 1
		}
	}
	return "", 0
}

func (t *table) need(cols ...string) error {
	for _, c := range cols {
		if !slices.Contains(t.header, c) {
			return tableError(t.file, 1, c, "table.column_missing")
		}
	}
	return nil
}

func (r row) get(col string) string {
	i := slices.Index(r.t.header, col)
	if i < 0 || i >= len(r.cells) {
		return ""
	}
	return r.cells[i]
}

func (r row) err(col, key string, kv ...string) error {
	return tableError(r.t.file, r.line, col, key, kv...)
}

func (r row) str(col string) (string, error) {
	v := r.get(col)
	if v == "" {
		return "", r.err(col, "table.field_empty")
	}
	return v, nil
}

func (r row) int(col string, empty int) (int, error) {
	v := r.get(col)
	if v == "" {
		return empty, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < -1 || n > 1_000_000 {
		return 0, r.err(col, "table.int_range", "vaerdi", v)
	}
	return n, nil
}

func (r row) bool(col string) (bool, error) {
	switch strings.ToLower(r.get(col)) {
	case "ja", "j", "x", "1":
		return true, nil
	case "nej", "n", "", "0":
		return false, nil
	}
	return false, r.err(col, "table.bool", "vaerdi", r.get(col))
}

func (r row) date(col string, required bool) (Date, error) {
	v := r.get(col)
	if v == "" {
		if required {
			return Date{}, r.err(col, "table.date_missing")
		}
		return Date{}, nil
	}
	d, err := ParseDate(v)
	if err != nil {
		return Date{}, r.err(col, "table.date", "vaerdi", v)
	}
	return d, nil
}

func (r row) period() (Period, error) {
	from, err := r.date("gyldig_fra", true)
	if err != nil {
		return Period{}, err
	}
	to, err := r.date("gyldig_til", false)
	if err != nil {
		return Period{}, err
	}
	if !to.IsZero() && to.Before(from) {
		return Period{}, r.err("gyldig_til", "table.period_reversed")
	}
	return Period{Start: from, Slut: to}, nil
}

func (r row) kilde() (string, error) {
	k := r.get("kilde")
	if k == "" {
		return "", r.err("kilde", "table.kilde_missing")
	}
	if !HasSourceMark(k) {
		return "", r.err("kilde", "table.kilde", "vaerdi", k)
	}
	return k, nil
}

// HasSourceMark reports whether a source text carries one of the marks the
// rule tables and the scenarios use (docs/rules.md): [S..], (A), (H) or (R).
func HasSourceMark(k string) bool {
	for _, m := range []string{"[S", "(A)", "(H)", "(R)"} {
		if strings.Contains(k, m) {
			return true
		}
	}
	return false
}
