package scenario_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"feltsag.dk/feltsag/app/scenario"
)

func TestDomainRefs(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"DOMAIN §8 nr. 3 [S4][S44]", []string{"§8 nr. 3"}},
		{"DOMAIN §8 nr. 30 og 37, §0 [S40]", []string{"§8 nr. 30", "§8 nr. 37", "§0"}},
		{"DOMAIN §8 nr. 1–3", []string{"§8 nr. 1", "§8 nr. 2", "§8 nr. 3"}},
		{"DOMAIN §8 nr. 2, §3.2 A2 [S1][S43]", []string{"§8 nr. 2", "§3.2 A2"}},
		{"§3.2 A4–A6", []string{"§3.2 A4", "§3.2 A5", "§3.2 A6"}},
		{"(DOMAIN §8 item 43)", []string{"§8 nr. 43"}},
		{"§8.28", []string{"§8 nr. 28"}},
		{"§4.2 r5, §1.1 p2, C1.6 4338", []string{"§4.2 r5", "§1.1 p2", "C1.6 4338"}},
		{"DOMAIN §8 nr. 13, A4.3 [S3][S2]", []string{"§8 nr. 13", "A4.3"}},
		{"LAB § 31 stk. 5 and LAS § 35 are law paragraphs", nil},
		{"§4.2 tabel A", []string{"§4.2"}},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			if got := scenario.DomainRefs(tc.text); !slices.Equal(got, tc.want) {
				t.Errorf("DomainRefs(%q) = %q, want %q", tc.text, got, tc.want)
			}
		})
	}
}

func TestRuleCodes(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{`4685 "The reported absence has a start date before today"`, []string{"4685"}},
		{"reject (4645/4654) [S9]", []string{"4645", "4654"}},
		{"(DFDG 4322) in 2026, from 2026-03-12", []string{"4322"}},
		{"LOV nr. 1750 af 29/12/2025; BEK 1216/2023; (BEK 1710/2024); vejl. 9065/2017", nil},
		{"fravaersKommentar (0–1500 chars), 1500 tegn, 1234 kr., 10000, 3.4567", nil},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			if got := scenario.RuleCodes(tc.text); !slices.Equal(got, tc.want) {
				t.Errorf("RuleCodes(%q) = %q, want %q", tc.text, got, tc.want)
			}
		})
	}
}

// TestReglerLine: a scenario's regler: line is read into Regler and
// Tags, and a malformed id is refused with the file and line.
func TestReglerLine(t *testing.T) {
	head := "navn: x\nkilde: DOMAIN §8 nr. 3 [S4]\n"
	tail := "i_dag: 2026-03-12\nkontaktgruppe: 1 start=2026-01-05\nhandling: tilfoej_notat tekst=\"x\"\nforventet: godkendt\n"
	ss, err := scenario.Parse("ok.txt", strings.NewReader(head+"regler: §4.2 r5,  §3.2 A7 ,§1.1 p2\nregler: C1.6 4338, §4.2 r5\n"+tail))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ss[0].Regler, []string{"§4.2 r5", "§3.2 A7", "§1.1 p2", "C1.6 4338", "§4.2 r5"}; !slices.Equal(got, want) {
		t.Errorf("Regler = %q, want %q", got, want)
	}
	if got, want := ss[0].Tags(), []string{"§8 nr. 3", "§4.2 r5", "§3.2 A7", "§1.1 p2", "C1.6 4338"}; !slices.Equal(got, want) {
		t.Errorf("Tags = %q, want %q", got, want)
	}
	for _, bad := range []string{"regler: §4.2 række 5\n", "regler: S45\n", "regler: , ,\n"} {
		_, err := scenario.Parse("bad.txt", strings.NewReader(head+bad+tail))
		if err == nil || !strings.Contains(err.Error(), "bad.txt:3") {
			t.Errorf("%q: err = %v, want an error at bad.txt:3", bad, err)
		}
	}
}

const domainFixture = `# Domain notes

* [S1] in the preamble is not a rule.

## 1. Kontaktgrupper

### 1.1 What a KG is (sourced)

* A citizen can have only one open KG (4644). [S8][S9]
* A bullet without a source.
* Write operations require an active KG
  (4686, 8060). [S4][S10]

### 3.2 Events

| # | Event | Source |
|---|---|---|
| A1 | Citizen requests afmelding (4322) | [S1][S4] |
| A2 | Sygemelding | [S1][S45] |

## 8. Hard cases

1. DP citizen in løntilskud reports sick → no afmelding [S1][S45].
2. Something assumed (A).
3. Self-service sygemelding yesterday → reject (4685)
   [S4][S44].

## 10. Source index

* S1 — [S1] seed

## Appendix B — Companies

| Code | Meaning | Source |
|---|---|---|
| 1234 | not in a numbered section | [S61] |

### B1. Companies

| Code | Meaning | Source |
|---|---|---|
| **4338** | date today or 10 days back | [S217] |
| x | second row | [S62] |
`

func TestExtractDomainRules(t *testing.T) {
	rules, err := scenario.ExtractDomainRules(strings.NewReader(domainFixture))
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ id, kilder, koder string }
	var got []row
	for _, r := range rules {
		got = append(got, row{r.ID, strings.Join(r.Kilder, ""), strings.Join(r.Koder, " ")})
	}
	want := []row{
		{"§1.1 p1", "[S8][S9]", "4644"},
		{"§1.1 p3", "[S4][S10]", "4686 8060"},
		{"§3.2 A1", "[S1][S4]", "4322"},
		{"§3.2 A2", "[S1][S45]", ""},
		{"§8 nr. 1", "[S1][S45]", ""},
		{"§8 nr. 3", "[S4][S44]", "4685"},
		{"B1 4338", "[S217]", "4338"},
		{"B1 r2", "[S62]", ""},
	}
	if !slices.Equal(got, want) {
		t.Errorf("rules =\n%v\nwant\n%v", got, want)
	}
	var buf bytes.Buffer
	if err := scenario.WriteCatalogue(&buf, rules); err != nil {
		t.Fatal(err)
	}
	back, err := scenario.ReadCatalogue(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != len(rules) {
		t.Fatalf("read back %d rules, wrote %d", len(back), len(rules))
	}
	for i := range back {
		if back[i].ID != rules[i].ID || back[i].Titel != rules[i].Titel || back[i].Linje != rules[i].Linje ||
			!slices.Equal(back[i].Kilder, rules[i].Kilder) || !slices.Equal(back[i].Koder, rules[i].Koder) {
			t.Errorf("rule %d: read back %+v, wrote %+v", i, back[i], rules[i])
		}
	}
	if _, err := scenario.ExtractDomainRules(strings.NewReader("# nothing\n\n* [S1]\n")); err == nil {
		t.Error("notes without a sourced rule in a numbered section: no error")
	}
}

func TestReadExceptions(t *testing.T) {
	tests := []struct {
		name, text, wantErr string
	}{
		{"ok", "# c\nregel,begrundelse\nB*,out of scope\n§8 nr. 3,\"a, b\"\n", ""},
		{"no reason", "regel,begrundelse\n§8 nr. 3,\n", "line 2"},
		{"bad pattern", "regel,begrundelse\n[,x\n", "not a valid pattern"},
		{"wrong header", "rule,reason\nB*,x\n", "header"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := scenario.ReadExceptions(strings.NewReader(tc.text))
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("err = %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("err = %v, want it to contain %q", err, tc.wantErr)
			}
		})
	}
}

// TestBuildCoverage: a rule is tested by a scenario that names its id or,
// if it names rule numbers, by scenarios expecting every one of them; a
// scenario naming only the section does not test it.
func TestBuildCoverage(t *testing.T) {
	rules := []scenario.DomainRule{
		{ID: "§8 nr. 3", Afsnit: "§8", Kilder: []string{"[S4]", "[S44]"}, Koder: []string{"4685"}},
		{ID: "§1.1 p7", Afsnit: "§1.1", Kilder: []string{"[S4]", "[S10]"}, Koder: []string{"4686", "8060"}},
		{ID: "§1.1 p2", Afsnit: "§1.1", Kilder: []string{"[S8]"}, Koder: []string{"4644"}},
		{ID: "§4.2 r5", Afsnit: "§4.2", Kilder: []string{"[S51]"}},
		{ID: "§4.2 r6", Afsnit: "§4.2", Kilder: []string{"[S15]"}},
		{ID: "B1 r1", Afsnit: "B1", Kilder: []string{"[S61]"}},
		{ID: "§7 p1", Afsnit: "§7", Kilder: []string{"[S59]"}},
	}
	src := `navn: refuses 4685
kilde: (A) no reference
i_dag: 2026-03-12
handling: tilfoej_notat tekst="x"
forventet: afvist 4685

navn: refuses 4686 and names §1.1 only
kilde: DOMAIN §1.1, §4.2 [S4]
regler: §4.2 r5, §4.2 r99
i_dag: 2026-03-12
handling: tilfoej_notat tekst="x"
forventet: afvist 4686
`
	ss, err := scenario.Parse("t.txt", strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	exc := []scenario.Exception{
		{Regel: "B*", Begrundelse: "out of scope", Linje: 3},
		{Regel: "§4.2 r5", Begrundelse: "stale: has a scenario", Linje: 4},
		{Regel: "D*", Begrundelse: "matches nothing", Linje: 5},
		{Regel: "§7 p1", Begrundelse: "tested elsewhere", Linje: 6},
	}
	impls := []scenario.Impl{
		{Sted: "fravaer.go checkBackdating", Koder: []string{"4685"}},
		{Sted: "effekter.csv", Refs: []string{"§4.2"}, Fil: true},
		{Sted: "ferie.go checkFerie", Refs: []string{"§4.2"}, Kilder: []string{"[S51]"}},
		{Sted: "other.go x", Refs: []string{"§4.2"}, Kilder: []string{"[S80]"}},
		{Sted: "tabel.csv:3 y", Kilder: []string{"[S4]", "[S10]"}},
	}
	cov := scenario.BuildCoverage(rules, impls, ss, exc)
	got := map[string][]string{}
	impl := map[string][]string{}
	for _, r := range cov.Rules {
		for _, s := range r.Scenarios {
			got[r.Rule.ID] = append(got[r.Rule.ID], s.Navn)
		}
		impl[r.Rule.ID] = r.Impl
	}
	wantScen := map[string][]string{
		"§8 nr. 3": {"refuses 4685"},
		"§4.2 r5":  {"refuses 4686 and names §1.1 only"},
	}
	for _, r := range rules {
		if !slices.Equal(got[r.ID], wantScen[r.ID]) {
			t.Errorf("%s: scenarios %q, want %q", r.ID, got[r.ID], wantScen[r.ID])
		}
	}
	wantImpl := map[string][]string{
		"§8 nr. 3": {"fravaer.go checkBackdating"},
		"§1.1 p7":  {"tabel.csv:3 y"},
		"§4.2 r5":  {"effekter.csv", "ferie.go checkFerie"},
		"§4.2 r6":  {"effekter.csv"},
	}
	for _, r := range rules {
		if !slices.Equal(impl[r.ID], wantImpl[r.ID]) {
			t.Errorf("%s: impl %q, want %q", r.ID, impl[r.ID], wantImpl[r.ID])
		}
	}
	total, tested, excepted, uncovered := cov.Counts()
	if total != 7 || tested != 2 || excepted != 2 || uncovered != 3 {
		t.Errorf("counts = %d %d %d %d, want 7 2 2 3", total, tested, excepted, uncovered)
	}
	var stale []string
	for _, e := range cov.Stale {
		stale = append(stale, e.Regel)
	}
	if want := []string{"§4.2 r5", "D*"}; !slices.Equal(stale, want) {
		t.Errorf("stale = %q, want %q", stale, want)
	}
	if want := []string{"t.txt:7 §4.2 r99"}; !slices.Equal(cov.Unknown, want) {
		t.Errorf("unknown = %q, want %q", cov.Unknown, want)
	}
	if cov.OK() {
		t.Error("OK() with uncovered rules, stale exceptions and unknown ids")
	}
}

func TestGoImpls(t *testing.T) {
	fsys := fstest.MapFS{
		"app/a.go": {Data: []byte(`package app

// Codes.
const (
	A = "a" // the first [S1]
	B = "b" // DOMAIN §8 nr. 3
	C = "c"
)

// check refuses (DOMAIN §4.4).
func check() error { return RuleError("4685") }

func (e *exec) run() {
	_ = "2026" // [S7]
}

func untagged() {}
`)},
		"app/a_test.go": {Data: []byte("package app\n\n// [S63]\nfunc TestX() {}\n")},
	}
	impls, err := scenario.GoImpls(fsys, "app", "app")
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ sted, refs, kilder, koder string }
	var got []row
	for _, im := range impls {
		got = append(got, row{im.Sted, strings.Join(im.Refs, ";"), strings.Join(im.Kilder, ""), strings.Join(im.Koder, " ")})
	}
	want := []row{
		{"app/a.go A", "", "[S1]", ""},
		{"app/a.go B", "§8 nr. 3", "", ""},
		{"app/a.go check", "§4.4", "", "4685"},
		{"app/a.go exec.run", "", "[S7]", ""},
	}
	if !slices.Equal(got, want) {
		t.Errorf("impls =\n%v\nwant\n%v", got, want)
	}
}

func TestTableImpls(t *testing.T) {
	fsys := fstest.MapFS{
		"parametre.csv": {Data: []byte("# Reglerne forklares i docs/domain.md §10 (DOMAIN §9).\n# Talværdier (DOMAIN §4.4).\n" +
			"noegle,vaerdi,kilde\nx.dage,14,(A) DOMAIN §4.4\ny.dage,30,[S4] fejl 4322\n")},
	}
	impls, err := scenario.TableImpls(fsys)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		sted, refs, kilder, koder string
		fil                       bool
	}
	var got []row
	for _, im := range impls {
		got = append(got, row{im.Sted, strings.Join(im.Refs, ";"), strings.Join(im.Kilder, ""), strings.Join(im.Koder, " "), im.Fil})
	}
	want := []row{
		{"parametre.csv", "§4.4", "", "", true},
		{"parametre.csv:4 x.dage", "§4.4", "", "", false},
		{"parametre.csv:5 y.dage", "", "[S4]", "4322", false},
	}
	if !slices.Equal(got, want) {
		t.Errorf("impls =\n%v\nwant\n%v", got, want)
	}
}
