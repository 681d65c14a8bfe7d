package scenario_test

import (
	"io/fs"
	"strings"
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/app/scenario"
	"feltsag.dk/feltsag/assets"
	"feltsag.dk/feltsag/internal/testkit"
)

// FuzzParseScenario feeds arbitrary text to the scenario parser and runs
// whatever parses: Parse returns scenarios or an invalid error in both
// languages that names the file, and Run never hits an internal error (a
// recovered panic). The seeds are the shipped scenarios, one each, and
// malformed files of TestMalformedScenarioFiles' kind.
func FuzzParseScenario(f *testing.F) {
	fsys := assets.Scenarios()
	files, err := fs.Glob(fsys, "*.txt")
	if err != nil || len(files) == 0 {
		f.Fatalf("no shipped scenarios: %v", err)
	}
	for _, file := range files {
		b, err := fs.ReadFile(fsys, file)
		if err != nil {
			f.Fatal(err)
		}
		// One seed per scenario: small inputs keep the fuzzer's
		// minimisation of a new input short (a whole file takes minutes).
		for i, one := range strings.Split(string(b), "\nnavn:") {
			if i > 0 {
				one = "navn:" + one
			}
			f.Add(one)
		}
	}
	for _, s := range []string{
		"",
		"# kun en kommentar\n",
		"navn: x\n",
		head + "handling: tilfoej_notat notat_id=n1 tekst=\"Hej\nforventet: godkendt\n",
		head + "handling: gem_plan plan_id=p1 type=jobplan indhold.ansvarlig={\"navn\":\"H\"}\nforventet: godkendt\n",
		head + "handling: registrer_fravaer fravaer_id=f1 type=ferie start=2026-03-40\nforventet: afvist invalid\n",
		head + "fravaer: type=ferie start=2026-03-01 foer_kg=1 foer_kategori=match1\ntilstand: fravaer.f1.slut= plan.p1.paalaeg.frist=\n",
		head + "borger: alder=999\ntilstand: kg=1\n",
		head + "handling: tilmeld kl=9:5 i_dag=2026-02-30\nforventet: godkendt\n",
		"navn: x\nkilde: (A)\ni_dag: 2026-03-12\ntilstand: kg=[a, \"b\\\"\", {]\n",
	} {
		f.Add(s)
	}
	eng := testkit.Engine(f)
	f.Fuzz(func(t *testing.T, text string) {
		ss, err := scenario.Parse("fuzz.txt", strings.NewReader(text))
		if err != nil {
			if app.ErrorCode(err) != app.CodeInvalid {
				t.Fatalf("code %s: %v", app.ErrorCode(err), err)
			}
			for _, l := range []string{"da", "en"} {
				if m := testkit.Message(t, err, l); !strings.HasPrefix(m, "fuzz.txt:") {
					t.Fatalf("%s message %q does not name the file", l, m)
				}
			}
			return
		}
		if len(ss) == 0 {
			t.Fatal("no scenarios and no error")
		}
		for _, s := range ss {
			if s.Line < 1 || s.File != "fuzz.txt" {
				t.Fatalf("scenario at %s:%d", s.File, s.Line)
			}
			for _, msg := range scenario.Run(eng, s).Failures {
				if strings.Contains(msg, "intern fejl") {
					t.Fatalf("%s: %s", s.Navn, msg)
				}
			}
		}
	})
}
