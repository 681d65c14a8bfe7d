package app

import (
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strconv"
	"strings"
)

type loader struct {
	fsys       fs.FS
	rules      *Rules
	headerLine map[string]int // file → line of its header, for errors about a whole table
}

// keyed tracks the validity periods of one logical key (a KG id, a
// parameter name, …) so that overlaps and gaps are reported with the line.
type keyed struct {
	file string
	key  string
	line int
	p    Period
}

func (l *loader) load() (*Rules, error) {
	sets, err := l.loadSets()
	if err != nil {
		return nil, err
	}
	l.rules = &Rules{Sets: sets}
	// Each table is followed by the check of the codes it defines that the
	// Go code names, so that a renamed code is reported as such before a
	// later table trips over it.
	steps := []struct {
		load  func() error
		kinds []CodeKind
	}{
		{l.loadKG, []CodeKind{KindKG, KindGruppe}},
		{l.loadKategorier, []CodeKind{KindKategori}},
		{l.loadFravaer, []CodeKind{KindFravaer}},
		{l.loadMatrix, nil},
		{l.loadPligter, []CodeKind{KindPligt}},
		{l.loadEffekter, nil},
		{l.loadParams, []CodeKind{KindParam}},
	}
	for _, step := range steps {
		if err := step.load(); err != nil {
			return nil, err
		}
		if err := l.checkCodes(step.kinds); err != nil {
			return nil, err
		}
	}
	if err := l.checkComplete(); err != nil {
		return nil, err
	}
	return l.rules, nil
}

func (l *loader) loadSets() ([]*RuleSet, error) {
	t, err := l.read(fileRegelsaet)
	if err != nil {
		return nil, err
	}
	if err := t.need("version", "navn", "gyldig_fra", "gyldig_til", "kilde"); err != nil {
		return nil, err
	}
	var sets []*RuleSet
	seen := map[string]bool{}
	for _, r := range t.rows {
		v, err := r.str("version")
		if err != nil {
			return nil, err
		}
		if seen[v] {
			return nil, r.err("version", "table.version_twice", "vaerdi", v)
		}
		seen[v] = true
		p, err := r.period()
		if err != nil {
			return nil, err
		}
		k, err := r.kilde()
		if err != nil {
			return nil, err
		}
		sets = append(sets, &RuleSet{
			Version: v, Navn: r.get("navn"), Periode: p, Kilde: k,
			KG: map[int]*KGDef{}, Kategorier: map[string]*KategoriDef{}, Fravaer: map[string]*FravaerTypeDef{},
			Matrix: map[string]map[int]Celle{}, Effekter: map[string]map[string]*EffektDef{}, Params: map[string]Param{},
		})
	}
	if len(sets) == 0 {
		return nil, tableError(fileRegelsaet, 0, "", "table.no_sets")
	}
	ks := make([]keyed, len(sets))
	for i, s := range sets {
		ks[i] = keyed{file: fileRegelsaet, key: "regelsæt", line: t.rows[i].line, p: s.Periode}
	}
	if err := checkPeriods(ks); err != nil {
		return nil, err
	}
	sort.Slice(sets, func(i, j int) bool { return sets[i].Periode.Start.Before(sets[j].Periode.Start) })
	return sets, nil
}

// checkPeriods reports overlapping or gapped validity periods of one key.
func checkPeriods(ks []keyed) error {
	sort.Slice(ks, func(i, j int) bool { return ks[i].p.Start.Before(ks[j].p.Start) })
	for i := 1; i < len(ks); i++ {
		prev, cur := ks[i-1], ks[i]
		if prev.p.Slut.IsZero() || !prev.p.Slut.Before(cur.p.Start) {
			return tableError(cur.file, cur.line, "gyldig_fra", "table.overlap", "noegle", cur.key, "andenlinje", strconv.Itoa(prev.line))
		}
		if prev.p.Slut.AddDays(1) != cur.p.Start {
			return tableError(cur.file, cur.line, "gyldig_fra", "table.gap", "noegle", cur.key, "hulfra", prev.p.Slut.AddDays(1).String(),
				"hultil", cur.p.Start.AddDays(-1).String(), "andenlinje", strconv.Itoa(prev.line), "slutter", prev.p.Slut.String())
		}
	}
	return nil
}

// setsFor returns the rule sets a row's period covers. The period must
// start and end on rule-set boundaries, because a registration records one
// rule-set version and rules may not change inside it.
func (l *loader) setsFor(r row) ([]*RuleSet, Period, error) {
	p, err := r.period()
	if err != nil {
		return nil, p, err
	}
	var out []*RuleSet
	startOK, endOK := false, p.Slut.IsZero()
	for _, s := range l.rules.Sets {
		if s.Periode.Start == p.Start {
			startOK = true
		}
		if !p.Slut.IsZero() && s.Periode.Slut == p.Slut {
			endOK = true
		}
		if p.Contains(s.Periode.Start) {
			out = append(out, s)
		}
	}
	if !startOK {
		return nil, p, r.err("gyldig_fra", "table.not_set_start", "dato", p.Start.String(), "tabel", fileRegelsaet)
	}
	if !endOK {
		return nil, p, r.err("gyldig_til", "table.not_set_end", "dato", p.Slut.String(), "tabel", fileRegelsaet)
	}
	return out, p, nil
}

// perKey collects periods per key and checks them when done.
type perKey map[string][]keyed

func (pk perKey) add(file, key string, line int, p Period) {
	pk[key] = append(pk[key], keyed{file: file, key: key, line: line, p: p})
}

func (pk perKey) check() error {
	keys := make([]string, 0, len(pk))
	for k := range pk {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := checkPeriods(pk[k]); err != nil {
			return err
		}
	}
	return nil
}

// eachRow parses every row of file with the columns named, calling fn with
// the rule sets the row applies to.
func (l *loader) eachRow(file string, cols []string, key func(row) string, fn func(row, []*RuleSet) error) error {
	t, err := l.read(file)
	if err != nil {
		return err
	}
	if err := t.need(append(cols, "gyldig_fra", "gyldig_til", "kilde")...); err != nil {
		return err
	}
	pk := perKey{}
	for _, r := range t.rows {
		if len(r.cells) != len(t.header) {
			return r.err("", "table.field_count", "antal", itoa(len(r.cells)), "overskrift", itoa(len(t.header)))
		}
		sets, p, err := l.setsFor(r)
		if err != nil {
			return err
		}
		if _, err := r.kilde(); err != nil {
			return err
		}
		pk.add(file, key(r), r.line, p)
		if err := fn(r, sets); err != nil {
			return err
		}
	}
	return pk.check()
}

// validGruppe reports whether g is written as a group code: 1–10 capital
// letters or digits, starting with a letter. kontaktgrupper.csv defines the
// groups; the other tables may name only the groups of its kontaktgrupper.
func validGruppe(g string) bool {
	if g == "" || len(g) > 10 || g[0] < 'A' || g[0] > 'Z' {
		return false
	}
	for _, c := range []byte(g) {
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// hasGruppe reports whether a kontaktgruppe of s belongs to group g.
func (s *RuleSet) hasGruppe(g string) bool {
	for _, d := range s.KG {
		if d.Gruppe == g {
			return true
		}
	}
	return false
}

// gruppeErr refuses a group that no kontaktgruppe of s belongs to.
func gruppeErr(r row, col, g string, s *RuleSet) error {
	return r.err(col, "table.group_unknown", "vaerdi", g, "regelsaet", s.Version, "tabel", fileKG)
}

func (l *loader) loadKG() error {
	cols := []string{"kg", "navn", "navn_en", "gruppe", "profil", "lab6", "min_alder", "max_alder", "manuel"}
	return l.eachRow(fileKG, cols, func(r row) string { return "KG" + r.get("kg") }, func(r row, sets []*RuleSet) error {
		id, err := r.int("kg", -1)
		if err != nil || id < 1 || id > 999 {
			return r.err("kg", "table.kg_id", "vaerdi", r.get("kg"))
		}
		d := &KGDef{ID: id, Navn: r.get("navn"), NavnEN: r.get("navn_en"), Gruppe: r.get("gruppe"), Profil: r.get("profil"), Kilde: r.get("kilde")}
		if d.Navn == "" || d.NavnEN == "" {
			return r.err("navn", "table.names_missing")
		}
		if !validGruppe(d.Gruppe) {
			return r.err("gruppe", "table.group_format", "vaerdi", d.Gruppe)
		}
		if profil(d.Profil) == nil {
			return r.err("profil", "table.profile", "vaerdi", d.Profil)
		}
		if d.LAB6, err = r.int("lab6", 0); err != nil {
			return err
		}
		if d.MinAlder, err = r.int("min_alder", -1); err != nil {
			return err
		}
		if d.MaxAlder, err = r.int("max_alder", -1); err != nil {
			return err
		}
		if d.Manuel, err = r.bool("manuel"); err != nil {
			return err
		}
		for _, s := range sets {
			s.KG[id] = d
		}
		return nil
	})
}

// AllowsKategori reports whether a citizen in the KG may carry the person
// category with DFDG id dfdg (0 = no category), by the KG's profile
// (DOMAIN A2.3, kontaktgrupper.csv's profil).
func (d *KGDef) AllowsKategori(dfdg int) bool { return intIn(dfdg, profil(d.Profil)) }

// profil returns the person-category ids a KG of profile p can carry
// (DOMAIN A2.3), 0 standing for null (no category), or nil for an unknown
// profile. The slice is fresh on every call.
func profil(p string) []int {
	switch p {
	case "D":
		return []int{0, 9, 10, 11}
	case "K":
		return []int{4, 5, 8}
	case "U":
		return []int{5, 6, 7, 8}
	case "A":
		return []int{0, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}
	case "n":
		return []int{0}
	}
	return nil
}

// kategoriseringer returns the values of personkategorier.csv's column
// kategorisering.
func kategoriseringer() []string {
	return []string{"visitation", "uddannelse", "sygedagpenge", "match", "default"}
}

func (l *loader) loadKategorier() error {
	cols := []string{"kode", "dfdg_id", "navn", "navn_en", "kategorisering", "max_alder", "vaelgbar"}
	return l.eachRow(fileKategorier, cols, func(r row) string { return r.get("kode") }, func(r row, sets []*RuleSet) error {
		d := &KategoriDef{Kode: r.get("kode"), Navn: r.get("navn"), NavnEN: r.get("navn_en"), Kategorisering: r.get("kategorisering"), Kilde: r.get("kilde")}
		if d.Kode == "" || d.Navn == "" || d.NavnEN == "" {
			return r.err("kode", "table.code_names_missing")
		}
		var err error
		if d.DFDG, err = r.int("dfdg_id", 0); err != nil {
			return err
		}
		if !contains(kategoriseringer(), d.Kategorisering) {
			return r.err("kategorisering", "table.categorisation", "vaerdi", d.Kategorisering, "gyldige", strings.Join(kategoriseringer(), ", "))
		}
		if d.MaxAlder, err = r.int("max_alder", -1); err != nil {
			return err
		}
		if d.Vaelgbar, err = r.bool("vaelgbar"); err != nil {
			return err
		}
		for _, s := range sets {
			s.Kategorier[d.Kode] = d
		}
		return nil
	})
}

// afmelderValues returns the values of fravaerstyper.csv's column afmelder.
func afmelderValues() []string { return []string{"nej", "ja", "undtagen_loentilskud"} }

func (l *loader) loadFravaer() error {
	cols := []string{"kode", "dfdg_id", "navn", "navn_en", "gaelder_for", "selvbetjening", "tilbagedatering_dage",
		"min_dage", "max_dage", "kraever_slutaarsag", "kraever_slutdato", "afmelder", "kun_fremad", "kan_oprettes", "helbred", "min_alder", "max_alder", "alder_undtagen"}
	return l.eachRow(fileFravaer, cols, func(r row) string { return r.get("kode") }, func(r row, sets []*RuleSet) error {
		d, err := parseFravaerType(r)
		if err != nil {
			return err
		}
		for _, s := range sets {
			for _, g := range d.GaelderFor {
				if g != "*" && !s.hasGruppe(g) {
					return gruppeErr(r, "gaelder_for", g, s)
				}
			}
			for _, k := range d.AlderUndtagen {
				if _, ok := s.Kategorier[k]; !ok {
					return r.err("alder_undtagen", "table.kategori_unknown", "vaerdi", k, "regelsaet", s.Version)
				}
			}
			s.Fravaer[d.Kode] = d
		}
		return nil
	})
}

func parseFravaerType(r row) (*FravaerTypeDef, error) {
	d := &FravaerTypeDef{Kode: r.get("kode"), Navn: r.get("navn"), NavnEN: r.get("navn_en"), Afmelder: r.get("afmelder"), Kilde: r.get("kilde")}
	if d.Kode == "" || d.Navn == "" || d.NavnEN == "" {
		return nil, r.err("kode", "table.code_names_missing")
	}
	d.GaelderFor = strings.Fields(r.get("gaelder_for"))
	d.AlderUndtagen = strings.Fields(r.get("alder_undtagen"))
	if len(d.GaelderFor) == 0 {
		return nil, r.err("gaelder_for", "table.groups_missing")
	}
	if !contains(afmelderValues(), d.Afmelder) {
		return nil, r.err("afmelder", "table.afmelder", "vaerdi", d.Afmelder)
	}
	var err error
	ints := []struct {
		col   string
		dst   *int
		empty int
	}{{"dfdg_id", &d.DFDG, 0}, {"tilbagedatering_dage", &d.Tilbagedatering, -1}, {"min_dage", &d.MinDage, 0}, {"max_dage", &d.MaxDage, 0},
		{"min_alder", &d.MinAlder, -1}, {"max_alder", &d.MaxAlder, -1}}
	for _, f := range ints {
		if *f.dst, err = r.int(f.col, f.empty); err != nil {
			return nil, err
		}
	}
	bools := []struct {
		col string
		dst *bool
	}{{"selvbetjening", &d.Selvbetjening}, {"kraever_slutaarsag", &d.KraeverSlut}, {"kraever_slutdato", &d.KraeverSlutDato}, {"kun_fremad", &d.KunFremad}, {"kan_oprettes", &d.KanOprettes}, {"helbred", &d.Helbred}}
	for _, f := range bools {
		if *f.dst, err = r.bool(f.col); err != nil {
			return nil, err
		}
	}
	if d.MaxDage > 0 && d.MinDage > d.MaxDage {
		return nil, r.err("min_dage", "table.min_max")
	}
	return d, nil
}

func (l *loader) loadMatrix() error {
	t, err := l.read(fileMatrix)
	if err != nil {
		return err
	}
	var kgCols []int
	for _, h := range t.header {
		if strings.HasPrefix(h, "KG") {
			n, err := strconv.Atoi(h[2:])
			if err != nil {
				return tableError(fileMatrix, 1, h, "table.kg_column")
			}
			kgCols = append(kgCols, n)
		}
	}
	return l.eachRow(fileMatrix, []string{"fravaer"}, func(r row) string { return r.get("fravaer") }, func(r row, sets []*RuleSet) error {
		code := r.get("fravaer")
		cells := map[int]Celle{}
		for _, kg := range kgCols {
			col := "KG" + strconv.Itoa(kg)
			c, err := parseCelle(r.get(col))
			if err != nil {
				return r.err(col, "table.cell", "vaerdi", r.get(col))
			}
			cells[kg] = c
		}
		for _, s := range sets {
			if _, ok := s.Fravaer[code]; !ok {
				return r.err("fravaer", "table.fravaer_unknown_in", "vaerdi", code, "regelsaet", s.Version, "tabel", fileFravaer)
			}
			for kg := range s.KG {
				if _, ok := cells[kg]; !ok {
					return r.err("KG"+strconv.Itoa(kg), "table.cell_missing", "kg", itoa(kg), "regelsaet", s.Version)
				}
			}
			for _, kg := range kgCols {
				if _, ok := s.KG[kg]; !ok {
					return tableError(fileMatrix, 1, "KG"+strconv.Itoa(kg), "table.kg_unknown", "kg", itoa(kg), "tabel", fileKG, "regelsaet", s.Version)
				}
			}
			s.Matrix[code] = cells
		}
		return nil
	})
}

// parseCelle reads a matrix cell: a profile letter (D, K, U, A, n), a single
// category id, or - (never), optionally followed by ? (ambiguous/assumed:
// warn and require an override, DOMAIN A6.2).
func parseCelle(v string) (Celle, error) {
	c := Celle{Tekst: v}
	if strings.HasSuffix(v, "?") {
		c.Usikker = true
		v = strings.TrimSuffix(v, "?")
	}
	if v == "-" {
		return c, nil
	}
	if p := profil(v); p != nil {
		c.Tilladt, c.Kategorier = true, p
		return c, nil
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 4 && n <= 15 {
		c.Tilladt, c.Kategorier = true, []int{n}
		return c, nil
	}
	return c, fmt.Errorf("ugyldig celle %q: brug D, K, U, A, n, et kategori-id 4–15 eller -, evt. efterfulgt af ?", c.Tekst)
}

func effectValues(r row, cols []string, allowed string) (map[string]string, error) {
	m := make(map[string]string, len(cols))
	for _, c := range cols {
		v := r.get(c)
		if len(v) != 1 || !strings.Contains(allowed, v) {
			return nil, r.err(c, "table.one_of", "vaerdi", v, "gyldige", strings.Join(strings.Split(allowed, ""), ", "))
		}
		m[c] = v
	}
	return m, nil
}

// dutyColumns returns the duty columns of a table: every column but the
// key columns and the validity and source columns, in table order. It
// refuses a column name that is not written as a duty code.
func (l *loader) dutyColumns(file string, keys ...string) ([]string, error) {
	t, err := l.read(file)
	if err != nil {
		return nil, err
	}
	var duties []string
	for _, h := range t.header {
		if slices.Contains(keys, h) || h == "gyldig_fra" || h == "gyldig_til" || h == "kilde" {
			continue
		}
		if !validPligt(h) {
			return nil, tableError(file, t.headerLine, h, "table.duty_name", "vaerdi", h)
		}
		if slices.Contains(duties, h) {
			return nil, tableError(file, t.headerLine, h, "table.duty_twice")
		}
		duties = append(duties, h)
	}
	if len(duties) == 0 {
		return nil, tableError(file, t.headerLine, "", "table.duty_none")
	}
	return duties, nil
}

// validPligt reports whether h is written as a duty: lower-case letters,
// digits and _, starting with a letter.
func validPligt(h string) bool {
	if h == "" || h[0] < 'a' || h[0] > 'z' {
		return false
	}
	for _, c := range []byte(h) {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' {
			return false
		}
	}
	return true
}

// loadEffekter reads Table B. Its duty columns must be those of
// pligter.csv, which defines the duties.
func (l *loader) loadEffekter() error {
	duties, err := l.dutyColumns(fileEffekter, "fravaer", "gruppe")
	if err != nil {
		return err
	}
	pligter := l.rules.Sets[0].Pligtnavne
	for _, d := range duties {
		if !slices.Contains(pligter, d) {
			return tableError(fileEffekter, l.headerLine[fileEffekter], d, "table.duty_extra", "vaerdi", d, "tabel", filePligter)
		}
	}
	for _, d := range pligter {
		if !slices.Contains(duties, d) {
			return tableError(fileEffekter, l.headerLine[fileEffekter], d, "table.duty_missing", "vaerdi", d, "tabel", filePligter)
		}
	}
	cols := append([]string{"fravaer", "gruppe"}, duties...)
	return l.eachRow(fileEffekter, cols, func(r row) string { return r.get("fravaer") + "/" + r.get("gruppe") }, func(r row, sets []*RuleSet) error {
		eff, err := effectValues(r, duties, "FGAB-")
		if err != nil {
			return err
		}
		d := &EffektDef{Fravaer: r.get("fravaer"), Gruppe: r.get("gruppe"), Effekt: eff, Kilde: r.get("kilde")}
		for _, s := range sets {
			if d.Gruppe != "*" && !s.hasGruppe(d.Gruppe) {
				return gruppeErr(r, "gruppe", d.Gruppe, s)
			}
			if _, ok := s.Fravaer[d.Fravaer]; !ok {
				return r.err("fravaer", "table.fravaer_unknown", "vaerdi", d.Fravaer, "regelsaet", s.Version)
			}
			if s.Effekter[d.Fravaer] == nil {
				s.Effekter[d.Fravaer] = map[string]*EffektDef{}
			}
			s.Effekter[d.Fravaer][d.Gruppe] = d
		}
		return nil
	})
}

// loadPligter reads pligter.csv. Its duty columns define the duties of
// every rule set (RuleSet.Pligtnavne), in table order.
func (l *loader) loadPligter() error {
	duties, err := l.dutyColumns(filePligter, "gruppe", "kategori")
	if err != nil {
		return err
	}
	for _, s := range l.rules.Sets {
		s.Pligtnavne = slices.Clone(duties)
	}
	cols := append([]string{"gruppe", "kategori"}, duties...)
	return l.eachRow(filePligter, cols, func(r row) string { return r.get("gruppe") + "/" + r.get("kategori") }, func(r row, sets []*RuleSet) error {
		p, err := effectValues(r, duties, "PR-")
		if err != nil {
			return err
		}
		d := &PligtDef{Gruppe: r.get("gruppe"), Kategori: r.get("kategori"), Pligt: p, Kilde: r.get("kilde")}
		for _, s := range sets {
			if d.Gruppe != "*" && !s.hasGruppe(d.Gruppe) {
				return gruppeErr(r, "gruppe", d.Gruppe, s)
			}
			if d.Kategori != "*" {
				if _, ok := s.Kategorier[d.Kategori]; !ok {
					return r.err("kategori", "table.kategori_unknown", "vaerdi", d.Kategori, "regelsaet", s.Version)
				}
			}
			s.Pligter = append(s.Pligter, d)
		}
		return nil
	})
}

func (l *loader) loadParams() error {
	return l.eachRow(fileParametre, []string{"noegle", "vaerdi", "enhed"}, func(r row) string { return r.get("noegle") }, func(r row, sets []*RuleSet) error {
		key := r.get("noegle")
		if key == "" {
			return r.err("noegle", "table.key_missing")
		}
		v, err := r.int("vaerdi", -2)
		if err != nil || v == -2 {
			return r.err("vaerdi", "table.int", "vaerdi", r.get("vaerdi"))
		}
		for _, s := range sets {
			s.Params[key] = Param{Vaerdi: v, Enhed: r.get("enhed"), Kilde: r.get("kilde")}
		}
		return nil
	})
}

// checkCodes reports the first code of kinds that RequiredCodes lists and
// a rule set lacks, naming the table, its header line, the rule set and
// the Go name that needs the code. Every rule set must have every code:
// the Go code runs against all of them.
func (l *loader) checkCodes(kinds []CodeKind) error {
	if len(kinds) == 0 {
		return nil
	}
	codes := RequiredCodes()
	for _, s := range l.rules.Sets {
		for _, c := range codes {
			if !slices.Contains(kinds, c.Kind) || s.hasCode(c) {
				continue
			}
			col := c.Kind.Column()
			if col == "" {
				col = c.Kode
			}
			file := c.Kind.File()
			return tableError(file, l.headerLine[file], col, "table.code_missing", "art", TextParam(c.Kind.TextKey()), "kode", c.Kode,
				"regelsaet", s.Version, "fra", DateParam(s.Periode.Start), "til", DateParam(s.Periode.Slut), "gonavn", c.GoNavn)
		}
	}
	return nil
}

// hasCode reports whether s has code c in c's table.
func (s *RuleSet) hasCode(c Code) bool {
	switch c.Kind {
	case KindFravaer:
		_, ok := s.Fravaer[c.Kode]
		return ok
	case KindKG:
		id, err := strconv.Atoi(c.Kode)
		_, ok := s.KG[id]
		return err == nil && ok
	case KindGruppe:
		return s.hasGruppe(c.Kode)
	case KindKategori:
		_, ok := s.Kategorier[c.Kode]
		return ok
	case KindPligt:
		return slices.Contains(s.Pligtnavne, c.Kode)
	case KindParam:
		_, ok := s.Params[c.Kode]
		return ok
	}
	return false
}

// checkComplete reports what a rule set lacks beyond the codes the Go code
// names: contact groups, fravær types and categories at all, matrix rows
// for DFDG types, effects for every type.
func (l *loader) checkComplete() error {
	for _, s := range l.rules.Sets {
		if len(s.KG) == 0 || len(s.Fravaer) == 0 || len(s.Kategorier) == 0 {
			return tableError(fileRegelsaet, 0, "", "table.set_empty", "regelsaet", s.Version)
		}
		for code, f := range s.Fravaer {
			if f.DFDG != 0 {
				if _, ok := s.Matrix[code]; !ok {
					return tableError(fileMatrix, 0, "fravaer", "table.matrix_row_missing", "vaerdi", code, "dfdg", itoa(f.DFDG), "regelsaet", s.Version)
				}
			}
			if len(s.Effekter[code]) == 0 {
				return tableError(fileEffekter, 0, "fravaer", "table.effects_missing", "vaerdi", code, "regelsaet", s.Version)
			}
		}
	}
	return nil
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
