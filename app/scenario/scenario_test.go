package scenario_test

import (
	"io/fs"
	"os"
	"path"
	"strconv"
	"strings"
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/app/scenario"
	"feltsag.dk/feltsag/assets"
	"feltsag.dk/feltsag/internal/testkit"
)

// TestShippedScenarios runs every scenario in assets/rules/scenarios, one
// subtest per scenario named "file:line navn".
func TestShippedScenarios(t *testing.T) {
	eng := app.NewEngine(testkit.Rules(t))
	fsys := assets.Scenarios()
	files, err := fs.Glob(fsys, "*.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no scenario files in assets.Scenarios()")
	}
	total := 0
	for _, file := range files {
		b, err := fs.ReadFile(fsys, file)
		if err != nil {
			t.Fatal(err)
		}
		scenarios, err := scenario.Parse(file, strings.NewReader(string(b)))
		if err != nil {
			t.Errorf("%s: %v", file, testkit.Message(t, err, "da"))
			continue
		}
		for _, s := range scenarios {
			total++
			t.Run(s.File+":"+strconv.Itoa(s.Line)+" "+s.Navn, func(t *testing.T) {
				res := scenario.Run(eng, s)
				for _, f := range res.Failures {
					t.Error(f)
				}
			})
		}
	}
	if total < 80 {
		t.Errorf("only %d scenarios are shipped; issue 2 asks for at least 80", total)
	}
}

// TestShippedScenariosNameTheirSource checks that every shipped scenario
// names a DOMAIN item or a source tag in kilde:.
func TestShippedScenariosNameTheirSource(t *testing.T) {
	fsys := assets.Scenarios()
	files, _ := fs.Glob(fsys, "*.txt")
	for _, file := range files {
		b, _ := fs.ReadFile(fsys, file)
		scenarios, err := scenario.Parse(file, strings.NewReader(string(b)))
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for _, s := range scenarios {
			k := s.Kilde
			if !strings.Contains(k, "[S") && !strings.Contains(k, "(A)") && !strings.Contains(k, "(H)") && !strings.Contains(k, "(R)") {
				t.Errorf("%s:%d: kilde %q names no source tag ([S..], (A), (H) or (R))", s.File, s.Line, k)
			}
		}
	}
}

// parseOne parses text that must hold exactly one scenario.
func parseOne(t *testing.T, text string) *scenario.Scenario {
	t.Helper()
	ss, err := scenario.Parse("test.txt", strings.NewReader(text))
	if err != nil {
		t.Fatalf("parse: %v", testkit.Message(t, err, "da"))
	}
	if len(ss) != 1 {
		t.Fatalf("got %d scenarios, want 1", len(ss))
	}
	return ss[0]
}

// head is the common start of the runner tests: a dagpengemodtager.
const head = `navn: Test
kilde: (A) test
i_dag: 2026-03-12
kontaktgruppe: 1 start=2026-01-05
tilmelding: tilmeldt siden=2026-01-05
visitation: match1
`

// TestRunnerReportsWrongExpectations proves that the runner can fail: each
// scenario below expects something the engine does not do.
func TestRunnerReportsWrongExpectations(t *testing.T) {
	eng := app.NewEngine(testkit.Rules(t))
	tests := []struct {
		name, body, want string
	}{
		{"wrong rule code", `handling: registrer_fravaer af=borger fravaer_id=f1 type=sygemelding start=2026-03-11
forventet: afvist 4686
`, "afvist med rule:4685"},
		{"rejected but expected accepted", `handling: registrer_fravaer af=borger fravaer_id=f1 type=sygemelding start=2026-03-11
forventet: godkendt
`, "forventet godkendt, men afvist: rule:4685"},
		{"accepted but expected rejected", `handling: registrer_fravaer af=borger fravaer_id=f1 type=sygemelding start=2026-03-12
forventet: afvist 4685
`, "men godkendt"},
		{"missing effect", `handling: registrer_fravaer af=borger fravaer_id=f1 type=sygemelding start=2026-03-12
forventet: godkendt
effekt: kg_skift
`, "effekten kg_skift  mangler"},
		{"effect on the wrong date", `handling: registrer_fravaer af=borger fravaer_id=f1 type=sygemelding start=2026-03-12
forventet: godkendt
effekt: afmeldt dato=2026-03-13
`, "effekten afmeldt 2026-03-13 mangler"},
		{"unexpected effect", `handling: registrer_fravaer af=borger fravaer_id=f1 type=sygemelding start=2026-03-12
forventet: godkendt
ingen_effekt: afmeldt
`, "effekten afmeldt skulle ikke forekomme"},
		{"wrong state", `handling: registrer_fravaer af=borger fravaer_id=f1 type=sygemelding start=2026-03-12
forventet: godkendt
tilstand: tilmeldt=ja
`, `tilmeldt er "nej", forventet "ja"`},
		{"wrong initial state", `tilstand: kg=25
`, `kg er "1", forventet "25"`},
		{"unknown state key", `tilstand: farve=blaa
`, "?ukendt felt farve"},
		{"wrong field in the error", `handling: registrer_fravaer fravaer_id=f1 type=ferie start=2026-03-30
forventet: afvist invalid felt=start
`, "forventet fejl i feltet start"},
		{"missing warning", `handling: registrer_fravaer fravaer_id=f1 type=ferie start=2026-03-30 slut=2026-04-03
forventet: godkendt
advarsel: ferie-varsel
`, "advarslen ferie-varsel mangler"},
		{"wrong duty", `pligt: joblog=fritaget
`, `pligten joblog er "gaelder", forventet "fritaget"`},
		{"missing deadline", `frist: sdp_opfoelgning
`, "fristen sdp_opfoelgning mangler"},
		{"wrong regelsaet", `handling: tilfoej_notat notat_id=n1 tekst="Hej"
forventet: godkendt
tilstand: regelsaet=2025-07
`, `regelsaet er "", forventet "2025-07"`},
		{"bad fact", `fravaer: id=f1 start=2026-03-01
tilstand: kg=1
`, "fravær skal have type= og start="},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := scenario.Run(eng, parseOne(t, head+tc.body))
			if res.Passed() {
				t.Fatal("scenario passed; the runner must report the wrong expectation")
			}
			if got := strings.Join(res.Failures, "\n"); !strings.Contains(got, tc.want) {
				t.Errorf("failures = %q, want one containing %q", got, tc.want)
			}
		})
	}
}

// TestRunnerPassesRightExpectations is the control for the test above: the
// same handlings with the right expectations pass.
func TestRunnerPassesRightExpectations(t *testing.T) {
	eng := app.NewEngine(testkit.Rules(t))
	body := `tilstand: kg=1 tilmeldt=ja
pligt: joblog=gaelder
handling: registrer_fravaer af=borger fravaer_id=f1 type=sygemelding start=2026-03-11
forventet: afvist 4685
handling: registrer_fravaer af=borger fravaer_id=f1 type=sygemelding start=2026-03-12
forventet: godkendt
effekt: afmeldt dato=2026-03-12 detalje=sygdom
ingen_effekt: kg_skift
tilstand: tilmeldt=nej regelsaet=2026-02 fravaer.f1.type=sygemelding fravaer.f1.start=2026-03-12
pligt: tilmelding=afmeldt til= grund=sygemelding
handling: registrer_fravaer i_dag=2026-03-13 fravaer_id=f2 type=ferie start=2026-03-20 slut=2026-03-24 begrundelse="Ringede"
forventet: godkendt
advarsel: ferie-varsel
handling: registrer_fravaer fravaer_id=f3 type=ferie start=2026-03-40 slut=2026-04-03
forventet: afvist invalid
`
	res := scenario.Run(eng, parseOne(t, head+body))
	if !res.Passed() {
		t.Fatalf("failures: %v", res.Failures)
	}
}

// TestMalformedScenarioFiles checks that a malformed file gives an error
// naming the file and the line.
func TestMalformedScenarioFiles(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"missing navn", "kilde: (A)\ni_dag: 2026-03-12\n", "bad.txt:1: filen skal starte med en »navn:«-linje"},
		{"line without colon", head + "handling tilmeld\n", "bad.txt:7: linjen skal have formen"},
		{"unknown key", head + "forventning: godkendt\n", `bad.txt:7: ukendt nøgle "forventning"`},
		{"fact after handling", head + "handling: tilfoej_notat notat_id=n1 tekst=x\nforventet: godkendt\nydelse: loentilskud=ja\n", "bad.txt:9: fakta (»ydelse:«) skal stå før den første »handling:«"},
		{"unterminated quote", head + "handling: tilfoej_notat notat_id=n1 tekst=\"Hej\nforventet: godkendt\n", "bad.txt:7: værdien af tekst: mangler afsluttende \""},
		{"unterminated JSON", head + "handling: gem_plan plan_id=p1 type=jobplan indhold.ansvarlig={\"navn\":\"H\"\nforventet: godkendt\n", "bad.txt:7: værdien af indhold.ansvarlig: JSON-værdien er ikke afsluttet"},
		{"handling without forventet", head + "handling: tilfoej_notat notat_id=n1 tekst=x\neffekt: notat\n", "bad.txt:7: hver »handling:« skal følges af præcis én"},
		{"two forventet", head + "handling: tilfoej_notat notat_id=n1 tekst=x\nforventet: godkendt\nforventet: godkendt\n", "bad.txt:7: hver »handling:«"},
		{"unknown command field", head + "handling: registrer_fravaer fravaer_id=f1 typ=ferie start=2026-03-30\nforventet: godkendt\n", `bad.txt:7: handlingen registrer_fravaer har ikke feltet "typ"`},
		{"unknown nested field", head + "handling: gem_plan plan_id=p1 type=jobplan indhold.jobmal=[Lager]\nforventet: godkendt\n", `bad.txt:7: handlingen gem_plan har ikke feltet "jobmal"`},
		{"wrong type for a field", head + "handling: saet_kontaktgruppe kg=en\nforventet: godkendt\n", "bad.txt:7: handlingen saet_kontaktgruppe:"},
		{"unknown command", head + "handling: registrer_ferie fravaer_id=f1\nforventet: godkendt\n", `bad.txt:7: invalid: invalid.command_kind handling=registrer_ferie`},
		{"unknown actor", head + "handling: tilmeld af=chef\nforventet: godkendt\n", "bad.txt:7: af=chef"},
		{"bad i_dag on a handling", head + "handling: tilmeld i_dag=2026-02-30\nforventet: godkendt\n", "bad.txt:7: i_dag:"},
		{"bad kl", head + "handling: tilmeld kl=25:00\nforventet: godkendt\n", "bad.txt:7: kl:"},
		{"missing i_dag", "navn: x\nkilde: (A)\nforventet: godkendt\n", "bad.txt:1: scenariet mangler »i_dag:«"},
		{"missing kilde", "navn: x\ni_dag: 2026-03-12\ntilstand: kg=ingen\n", "bad.txt:1: scenariet mangler »kilde:«"},
		{"nothing to check", "navn: x\nkilde: (A)\ni_dag: 2026-03-12\n", "bad.txt:1: scenariet har hverken handlinger eller forventninger"},
		{"impossible i_dag", "navn: x\nkilde: (A)\ni_dag: 2026-04-31\n", "bad.txt:3:"},
		{"unknown field in effekt", head + "handling: tilmeld\nforventet: godkendt\neffekt: afmeldt dag=2026-03-12\n", `bad.txt:9: ukendt felt "dag" i »effekt:«`},
		{"unknown duty", head + "pligt: jobsoegning=gaelder\n", `bad.txt:7: ukendt felt "jobsoegning" i »pligt:«`},
		{"unknown field in frist", head + "frist: cv dag=2026-03-16\n", `bad.txt:7: ukendt felt "dag" i »frist:«`},
		{"tilstand without fields", head + "tilstand: tilmeldt\n", "bad.txt:7: skriv tilstanden som felt=værdi"},
		{"tid and i_dag together", head + "handling: tilmeld tid=2026-03-10T23:30:00Z i_dag=2026-03-11\nforventet: godkendt\n", "bad.txt:7: tid: skriv enten tid=ØJEBLIK eller i_dag=/kl="},
		{"tid without zone", head + "handling: tilmeld tid=2026-03-10T23:30:00\nforventet: godkendt\n", "bad.txt:7: tid: skriv øjeblikket som"},
		{"rask_fra and slut together", head + "handling: afslut_fravaer fravaer_id=f1 rask_fra=2026-03-20 slut=2026-03-19\nforventet: godkendt\n", "bad.txt:7: rask_fra: skriv enten rask_fra="},
		{"malformed rask_fra", head + "handling: afslut_fravaer fravaer_id=f1 rask_fra=20.03\nforventet: godkendt\n", "bad.txt:7: rask_fra:"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := scenario.Parse("bad.txt", strings.NewReader(tc.text))
			if err == nil {
				t.Fatal("no error")
			}
			if got := testkit.Message(t, err, "da"); !strings.Contains(got, tc.want) {
				t.Errorf("error = %q, want it to contain %q", got, tc.want)
			}
			if app.ErrorCode(err) != app.CodeInvalid {
				t.Errorf("code = %q, want invalid", app.ErrorCode(err))
			}
		})
	}
}

// TestScenarioTextLimits checks the text limits at their boundary (the
// limit and one over) with generated scenarios, since 10,000-character
// lines do not belong in the shipped files.
func TestScenarioTextLimits(t *testing.T) {
	eng := app.NewEngine(testkit.Rules(t))
	tests := []struct {
		name, handling, want string
	}{
		{"kommentar 1500", `registrer_fravaer fravaer_id=f1 type=midlertidigt_arbejde start=2026-03-16 slut=2026-03-31 kommentar="` + strings.Repeat("x", 1500) + `"`, "godkendt"},
		{"kommentar 1501", `registrer_fravaer fravaer_id=f1 type=midlertidigt_arbejde start=2026-03-16 slut=2026-03-31 kommentar="` + strings.Repeat("x", 1501) + `"`, "afvist invalid felt=kommentar"},
		{"kommentar 1500 æøå", `registrer_fravaer fravaer_id=f1 type=midlertidigt_arbejde start=2026-03-16 slut=2026-03-31 kommentar="` + strings.Repeat("æ", 1500) + `"`, "godkendt"},
		{"notat 10000", `tilfoej_notat notat_id=n1 tekst="` + strings.Repeat("y", 10000) + `"`, "godkendt"},
		{"notat 10001", `tilfoej_notat notat_id=n1 tekst="` + strings.Repeat("y", 10001) + `"`, "afvist invalid felt=tekst"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := scenario.Run(eng, parseOne(t, head+"handling: "+tc.handling+"\nforventet: "+tc.want+"\n"))
			if !res.Passed() {
				t.Errorf("failures: %v", res.Failures)
			}
		})
	}
}

// TestScenarioFilesAreEmbedded guards against a scenario file that the
// embed pattern would miss.
func TestScenarioFilesAreEmbedded(t *testing.T) {
	fsys := assets.Scenarios()
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if path.Ext(e.Name()) != ".txt" {
			t.Errorf("%s: scenario files end in .txt", e.Name())
		}
	}
}

// TestRulesDocExamples runs the scenario examples in docs/rules.md, so the
// documentation stays true to the code. The new-law example of §7 is
// written before its table change and must fail exactly as the text says.
func TestRulesDocExamples(t *testing.T) {
	b, err := os.ReadFile("../../docs/rules.md")
	if err != nil {
		t.Skipf("docs/rules.md: %v", err)
	}
	eng := app.NewEngine(testkit.Rules(t))
	blocks := strings.Split(string(b), "```")
	n := 0
	for i := 1; i < len(blocks); i += 2 {
		text := strings.TrimPrefix(blocks[i], "\n")
		if !strings.HasPrefix(strings.TrimSpace(text), "navn:") {
			continue
		}
		ss, err := scenario.Parse("docs/rules.md", strings.NewReader(dedent(text)))
		if err != nil {
			t.Errorf("example %d: %v", i/2, testkit.Message(t, err, "da"))
			continue
		}
		for _, s := range ss {
			n++
			res := scenario.Run(eng, s)
			newLaw := strings.HasPrefix(s.Navn, "Ny lov:")
			switch {
			case newLaw && res.Passed():
				t.Errorf("%q passes before its table change; §7 says it must fail", s.Navn)
			case newLaw && !strings.Contains(strings.Join(res.Failures, " "), "afvist: rule:4322"):
				t.Errorf("%q: failures %v, want the 4322 refusal §7 describes", s.Navn, res.Failures)
			case !newLaw && !res.Passed():
				t.Errorf("%q: %v", s.Navn, res.Failures)
			}
		}
	}
	if n < 5 {
		t.Errorf("found %d scenario examples in docs/rules.md, want at least 5", n)
	}
}

// dedent removes the indentation of a code block inside a list item.
func dedent(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimLeft(l, " ")
	}
	return strings.Join(lines, "\n")
}

// TestParseRefusesFilesWithoutScenarios: an empty or comment-only file is
// a mistake (a wrong path, a file emptied by accident), not "0 passed".
func TestParseRefusesFilesWithoutScenarios(t *testing.T) {
	tests := []struct{ name, text string }{
		{"empty", ""},
		{"blank lines", "\n  \n\t\n"},
		{"comments only", "# Ferie\n   # navn: ikke et scenarie\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ss, err := scenario.Parse("tom.txt", strings.NewReader(tc.text))
			if err == nil {
				t.Fatalf("got %d scenarios and no error", len(ss))
			}
			if got, want := testkit.Message(t, err, "da"), "tom.txt: filen indeholder ingen scenarier"; !strings.Contains(got, want) {
				t.Errorf("da = %q, want it to contain %q", got, want)
			}
			if got, want := testkit.Message(t, err, "en"), "tom.txt: the file holds no scenarios"; !strings.Contains(got, want) {
				t.Errorf("en = %q, want it to contain %q", got, want)
			}
			if app.ErrorCode(err) != app.CodeInvalid {
				t.Errorf("code = %q, want invalid", app.ErrorCode(err))
			}
		})
	}
}

// TestParseReadsTheWholeFile: a scenario after 4 MiB of comments is read,
// not silently cut off.
func TestParseReadsTheWholeFile(t *testing.T) {
	pad := strings.Repeat("# "+strings.Repeat("x", 1000)+"\n", 5<<10) // 5 MiB of comments
	ss, err := scenario.Parse("stor.txt", strings.NewReader(pad+head+"tilstand: kg=1\n"))
	if err != nil {
		t.Fatalf("parse: %v", testkit.Message(t, err, "da"))
	}
	if len(ss) != 1 {
		t.Fatalf("got %d scenarios, want the one after the padding", len(ss))
	}
	if want := 5<<10 + 1; ss[0].Line != want {
		t.Errorf("scenario at line %d, want %d", ss[0].Line, want)
	}
}

// TestParseLongLine: a line over the limit is refused with its own line
// number, in Danish and English, without Go's "token too long".
func TestParseLongLine(t *testing.T) {
	long := "handling: tilfoej_notat notat_id=n1 tekst=\"" + strings.Repeat("y", scenario.MaxLineBytes) + "\"\n"
	tests := []struct {
		name, text string
		line       int
	}{
		{"third line", "navn: x\nkilde: (A)\n" + long, 3},
		{"after a long file", strings.Repeat("# k\n", 1000) + head + long, 1007},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := scenario.Parse("lang.txt", strings.NewReader(tc.text))
			if err == nil {
				t.Fatal("no error")
			}
			pos := "lang.txt:" + strconv.Itoa(tc.line) + ": "
			da, en := testkit.Message(t, err, "da"), testkit.Message(t, err, "en")
			if want := pos + "linje " + strconv.Itoa(tc.line) + " er for lang"; !strings.Contains(da, want) {
				t.Errorf("da = %q, want it to contain %q", da, want)
			}
			if want := pos + "line " + strconv.Itoa(tc.line) + " is too long"; !strings.Contains(en, want) {
				t.Errorf("en = %q, want it to contain %q", en, want)
			}
			for _, m := range []string{da, en} {
				if strings.Contains(m, "token too long") || strings.Contains(m, "bufio") {
					t.Errorf("message shows Go's error text: %q", m)
				}
			}
		})
	}
	// The limit itself is allowed.
	fits := "handling: tilfoej_notat notat_id=n1 tekst=\"" + strings.Repeat("y", 9000) + "\"\n"
	if _, err := scenario.Parse("ok.txt", strings.NewReader(head+fits+"forventet: godkendt\n")); err != nil {
		t.Errorf("a 9000-character line: %v", testkit.Message(t, err, "da"))
	}
	exact := "navn: " + strings.Repeat("z", scenario.MaxLineBytes-len("navn: ")-1) + "\n"
	if _, err := scenario.Parse("ok.txt", strings.NewReader(exact+"kilde: (A)\ni_dag: 2026-03-12\ntilstand: kg=ingen\n")); err != nil {
		t.Errorf("a line of MaxLineBytes with its newline: %v", testkit.Message(t, err, "da"))
	}
}

// TestInstantsAndEarlierPeriods checks the parts of the format that say
// what the law says in instants and history: tid= (an instant in UTC, read
// as the Copenhagen day around midnight and the summer-time change),
// rask_fra= (the day a raskmelding says the citizen is fit from) and
// tidligere_kontaktgruppe: (an earlier, closed KG period as a fact).
func TestInstantsAndEarlierPeriods(t *testing.T) {
	eng := app.NewEngine(testkit.Rules(t))
	tests := []struct {
		name, body string
		wantFail   bool
	}{
		{"23:30Z in winter is the next day in Copenhagen", `handling: registrer_fravaer af=borger tid=2026-03-10T23:30:00Z fravaer_id=f1 type=sygemelding start=2026-03-11
forventet: godkendt
tilstand: regelsaet=2026-02
`, false},
		{"23:30Z in winter: the day before is backdated", `handling: registrer_fravaer af=borger tid=2026-03-10T23:30:00Z fravaer_id=f1 type=sygemelding start=2026-03-10
forventet: afvist 4685
`, false},
		{"22:30Z after the summer-time change is already the next day", `handling: registrer_fravaer af=borger tid=2026-03-29T22:30:00Z fravaer_id=f1 type=sygemelding start=2026-03-30
forventet: godkendt
`, false},
		{"22:30Z after the summer-time change: the day before is backdated", `handling: registrer_fravaer af=borger tid=2026-03-29T22:30:00Z fravaer_id=f1 type=sygemelding start=2026-03-29
forventet: afvist 4685
`, false},
		{"22:30Z before the summer-time change is still the same day", `handling: registrer_fravaer af=borger tid=2026-03-28T22:30:00Z fravaer_id=f1 type=sygemelding start=2026-03-28
forventet: godkendt
`, false},
		{"a wrong expectation about the day fails", `handling: registrer_fravaer af=borger tid=2026-03-28T22:30:00Z fravaer_id=f1 type=sygemelding start=2026-03-28
forventet: afvist 4685
`, true},
		{"rask_fra ends the sygemelding the day before", `fravaer: id=f1 type=sygemelding start=2026-03-02 foer_kg=1 foer_kategori=match1 foer_tilmeldt=ja
handling: afslut_fravaer fravaer_id=f1 rask_fra=2026-03-12 aarsag=rask
forventet: godkendt
effekt: raskmeldt dato=2026-03-12
tilstand: fravaer.f1.slut=2026-03-11
`, false},
		{"rask_fra in a fact", `fravaer: id=f1 type=sygemelding start=2026-03-02 rask_fra=2026-03-10
tilstand: fravaer.f1.slut=2026-03-09
`, false},
		{"an earlier KG period is history", `tidligere_kontaktgruppe: 1 start=2025-01-06 slut=2025-06-30
tilstand: kg_forrige="1 til 2025-06-30"
`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := scenario.Run(eng, parseOne(t, head+tc.body))
			if got := !res.Passed(); got != tc.wantFail {
				t.Errorf("failed = %v, want %v: %v", got, tc.wantFail, res.Failures)
			}
		})
	}
}

// TestEarlierPeriodFactsAreChecked refuses earlier KG periods that cannot
// be history: reversed, overlapping each other or the open KG.
func TestEarlierPeriodFactsAreChecked(t *testing.T) {
	eng := app.NewEngine(testkit.Rules(t))
	const top = "navn: Test\nkilde: (A) test\ni_dag: 2026-03-12\n"
	tests := []struct{ name, text, want string }{
		{"reversed", head + "tidligere_kontaktgruppe: 1 start=2025-06-30 slut=2025-01-06\n", "ligger før start"},
		{"overlapping", head + "tidligere_kontaktgruppe: 1 start=2025-01-06 slut=2025-06-30\ntidligere_kontaktgruppe: 2 start=2025-06-30 slut=2025-08-30\n", "efter den forrige"},
		{"into the open KG", head + "tidligere_kontaktgruppe: 1 start=2025-01-06 slut=2026-01-05\n", "slutte før den åbne begynder"},
		{"into the open KG, written before it", top + "tidligere_kontaktgruppe: 1 start=2025-01-06 slut=2026-01-05\nkontaktgruppe: 1 start=2026-01-05\n", "linje 4 (tidligere_kontaktgruppe)"},
		{"no end", head + "tidligere_kontaktgruppe: 1 start=2025-01-06\n", "slut:"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := scenario.Run(eng, parseOne(t, tc.text+"tilstand: kg=1\n"))
			if res.Passed() || !strings.Contains(strings.Join(res.Failures, " "), tc.want) {
				t.Errorf("failures = %v, want one containing %q", res.Failures, tc.want)
			}
		})
	}
}
