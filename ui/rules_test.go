package ui_test

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"fyne.io/fyne/v2/test"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/assets"
	"feltsag.dk/feltsag/internal/testkit"
)

// changedRules loads the shipped tables with each old → new replaced in
// the named file, as a rule bundle from the server would bring them.
func changedRules(t *testing.T, file string, oldNew ...string) *app.Rules {
	t.Helper()
	fsys := fstest.MapFS{}
	err := fs.WalkDir(assets.Rules(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(assets.Rules(), path)
		if err != nil {
			return err
		}
		if path == file {
			r := strings.NewReplacer(oldNew...)
			if changed := r.Replace(string(b)); changed != string(b) {
				b = []byte(changed)
			} else {
				t.Fatalf("%s has none of %q", file, oldNew)
			}
		}
		fsys[path] = &fstest.MapFile{Data: b}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	r, err := app.LoadRules(fsys)
	if err != nil {
		t.Fatalf("load the changed tables: %v", err)
	}
	return r
}

// TestRulesInForce: when a rule bundle from the server replaces the rules
// while the window is open, the next dry run and the next case opened use
// the new ones, not those the window was built with.
func TestRulesInForce(t *testing.T) {
	builtin := testkit.Rules(t)
	bundle := changedRules(t, "parametre.csv", "sdp.dp_akasse.dage,14,", "sdp.dp_akasse.dage,21,")
	bundle2 := changedRules(t, "kontaktgrupper.csv", "1,Dagpengemodtager,", "1,Dagpengemodtager (ny tabel),")
	inForce := builtin
	cases := threeCases(t)
	h := openCase(t, cases, "ida")
	h.c.SetRulesInForce(func() *app.Rules { return inForce })

	f := h.c.Form("fravaer")
	f.Choose("form.fravaer.type", "sygemelding")
	start := f.Entry("form.fravaer.start")
	test.Type(start, "14.09.2026")
	wantLabels(t, "the consequences under the built-in rules", f.Consequences(),
		"Sygedagpenge fra 28.09.2026 — A-kassen betaler de første 14 dage")

	inForce = bundle // installed by sync meanwhile
	start.SetText("")
	test.Type(start, "14.09.2026")
	wantLabels(t, "the consequences under the bundle", f.Consequences(),
		"Sygedagpenge fra 05.10.2026 — A-kassen betaler de første 21 dage")

	inForce = bundle2
	for _, name := range []string{"duc", "ida"} { // open another case, then Ida's again
		h.c.SearchEntry().SetText("")
		test.Type(h.c.SearchEntry(), name)
		enter(h.c.SearchEntry())
	}
	if _, header := h.c.OpenCase(); !strings.Contains(header, "KG1 Dagpengemodtager (ny tabel)") {
		t.Errorf("case header %q, want the kontaktgruppe's name from the tables in force", header)
	}
}
