package text_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/app/scenario"
	"feltsag.dk/feltsag/app/text"
	"feltsag.dk/feltsag/assets"
)

// moduleRoot is where the Go sources the key scan reads live.
const moduleRoot = "../.."

// keyPrefixes are the catalogue areas Go code refers to by literal key
// (docs/text.md). Fyne's own keys ("OK", "Cancel") are not listed.
var keyPattern = regexp.MustCompile(`^(rule|invalid|not_found|conflict|unauthorized|internal|hint|table|warning|error|period|store|cli|scenario|deadline|duty|effect|konsekvens|kandidat|pdf|format|wire)\.[A-Za-z0-9_.-]+$`)

// constructors take a catalogue key at the given argument index.
var constructors = map[string]int{
	"Errorf": 2, "RuleError": 1, "invalidf": 1, "cprErr": 0, "WithHint": 0,
	"tableError": 3, "err": 1,
}

func loadCatalogue(t *testing.T) *text.Catalogue {
	t.Helper()
	c, err := text.Load(assets.I18n(), assets.I18nDir)
	if err != nil {
		t.Fatalf("Load(assets.I18n()) = %v", err)
	}
	return c
}

// TestCatalogueComplete: every key exists in Danish and English with the
// same parameters, so neither language can lose a value.
func TestCatalogueComplete(t *testing.T) {
	c := loadCatalogue(t)
	if got := c.Languages(); !slices.Equal(got, []string{"da", "en"}) {
		t.Fatalf("languages = %v, want [da en]", got)
	}
	for _, l := range []string{"da", "en"} {
		other := map[string]string{"da": "en", "en": "da"}[l]
		for _, k := range c.Keys(l) {
			if !c.Has(other, k) {
				t.Errorf("%s.json has %q, %s.json does not", l, k, other)
				continue
			}
			if src, _ := c.Source(l, k); strings.TrimSpace(src) == "" {
				t.Errorf("%s.json: %q is empty", l, k)
			}
			if a, b := c.Params(l, k), c.Params(other, k); !slices.Equal(a, b) {
				t.Errorf("%q: %s uses parameters %v, %s uses %v", k, l, a, other, b)
			}
		}
	}
}

// identical lists the keys whose English may equal the Danish: positions
// and lists made only of parameters and symbols, and Fyne's own words
// that are the same in both languages.
var identical = map[string]bool{
	"OK": true, "app.name": true, "format.dato": false, "scenario.error": true,
	"table.at.file": true, "table.at.line": true, "deadline.line.kommende": true,
	// Words of the printed plan that English shares with Danish.
	"pdf.status": true, "pdf.version": true, "pdf.mentor": true, "pdf.sdp.form": true,
	"pdf.samtaleform.video": true, "pdf.samtaleform.digital": true,
	// "version 3" in a conflict's side, as the plan's "Version".
	"conflict.version": true,
}

// TestEnglishIsTranslated: the English text is written, not copied from
// the Danish (nothing derives one language from the other).
func TestEnglishIsTranslated(t *testing.T) {
	c := loadCatalogue(t)
	for _, k := range c.Keys("da") {
		da, _ := c.Source("da", k)
		en, _ := c.Source("en", k)
		if da == en && !identical[k] && keyPattern.MatchString(k) {
			t.Errorf("%q: English is the Danish text %q", k, da)
		}
	}
}

// TestGoKeysExist scans every Go file of the module: a string literal that
// looks like a catalogue key must exist in both languages, and the key
// argument of an error constructor must be a key, never a sentence.
func TestGoKeysExist(t *testing.T) {
	c := loadCatalogue(t)
	fset := token.NewFileSet()
	n := 0
	used := map[string]bool{}
	err := filepath.WalkDir(moduleRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != moduleRoot || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		f, err := parser.ParseFile(fset, path, src, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(node ast.Node) bool {
			switch x := node.(type) {
			case *ast.BasicLit:
				// A literal ending in "." is the fixed start of a key built
				// at run time (deadline.line.<status>); the tests that
				// render those families check them.
				if s, ok := literal(x); ok && keyPattern.MatchString(s) && !strings.HasSuffix(s, ".") {
					n++
					used[s] = true
					for _, l := range []string{"da", "en"} {
						if !c.Has(l, s) {
							t.Errorf("%s: key %q is missing in %s.json", fset.Position(x.Pos()), s, l)
						}
					}
				}
			case *ast.CallExpr:
				checkConstructor(t, fset, x)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 200 {
		t.Errorf("found %d key literals in the Go sources, want the scan to see at least 200", n)
	}
	// The areas whose keys the Go code names only literally: a key no code
	// names is a text nobody sees (or a misspelt twin of one that is).
	for _, k := range c.Keys("da") {
		for _, area := range literalAreas {
			if strings.HasPrefix(k, area) && !used[k] {
				t.Errorf("da.json has %q, which no Go code uses", k)
			}
		}
	}
}

// literalAreas are the catalogue areas whose every key appears as a string
// literal in the Go sources (docs/text.md §2).
var literalAreas = []string{"pdf.", "effect.", "konsekvens."}

func literal(x *ast.BasicLit) (string, bool) {
	if x.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(x.Value)
	return s, err == nil
}

// checkConstructor fails a call of an error constructor whose key argument
// is a string literal but not a key: a sentence where a key belongs.
func checkConstructor(t *testing.T, fset *token.FileSet, call *ast.CallExpr) {
	t.Helper()
	var name string
	switch fn := call.Fun.(type) {
	case *ast.Ident:
		name = fn.Name
	case *ast.SelectorExpr:
		name = fn.Sel.Name
	}
	i, ok := constructors[name]
	if !ok || i >= len(call.Args) {
		return
	}
	if inner, ok := call.Args[i].(*ast.CallExpr); ok {
		if sel, ok := inner.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Sprintf" {
			t.Errorf("%s: %s(…) is given a formatted sentence where a catalogue key belongs", fset.Position(inner.Pos()), name)
		}
		return
	}
	if bin, ok := call.Args[i].(*ast.BinaryExpr); ok && bin.Op == token.ADD {
		t.Errorf("%s: %s(…) is given a concatenated sentence where a catalogue key belongs", fset.Position(bin.Pos()), name)
		return
	}
	lit, ok := call.Args[i].(*ast.BasicLit)
	if !ok {
		return
	}
	if s, ok := literal(lit); ok && !keyPattern.MatchString(s) {
		if name == "err" && !strings.Contains(s, " ") {
			return // some other err(x, "y") call
		}
		t.Errorf("%s: %s(…) is given %q where a catalogue key belongs", fset.Position(lit.Pos()), name, s)
	}
}

// TestScenarioMessagesRender runs every shipped scenario and renders each
// refusal, each overridden warning, each effect's detail and each
// samtale's consequence the engine produced in both languages, strictly:
// a missing key or parameter fails.
func TestScenarioMessagesRender(t *testing.T) {
	c := loadCatalogue(t)
	rules, err := app.LoadRules(assets.Rules())
	if err != nil {
		t.Fatal(err)
	}
	eng := app.NewEngine(rules)
	fsys := assets.Scenarios()
	files, err := fs.Glob(fsys, "*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("scenario files: %v (%d)", err, len(files))
	}
	seen := map[string]bool{}
	for _, file := range files {
		b, err := fs.ReadFile(fsys, file)
		if err != nil {
			t.Fatal(err)
		}
		scenarios, err := scenario.Parse(file, strings.NewReader(string(b)))
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for _, s := range scenarios {
			res := scenario.Run(eng, s)
			var msgs []text.Message
			for _, e := range res.Refusals {
				msgs = append(msgs, e)
			}
			for _, w := range res.Warnings {
				msgs = append(msgs, w)
			}
			for _, e := range res.Effects {
				if e.Key != "" {
					msgs = append(msgs, e)
				}
			}
			if res.Sag != nil {
				for _, m := range res.Sag.Samtaler {
					if !m.Konsekvens.IsZero() {
						msgs = append(msgs, m.Konsekvens)
					}
				}
			}
			for _, m := range msgs {
				seen[m.MessageKey()] = true
				for _, l := range []string{"da", "en"} {
					got, err := c.RenderMessage(l, m, rules)
					if err != nil {
						t.Errorf("%s:%d: %s: %v", s.File, s.Line, l, err)
					}
					if strings.Contains(got, "dato:") || strings.Contains(got, "kg:") || strings.Contains(got, "fravaer:") || strings.Contains(got, "kategori:") {
						t.Errorf("%s:%d: %s: unresolved reference in %q", s.File, s.Line, l, got)
					}
				}
			}
		}
	}
	if len(seen) < 40 {
		t.Errorf("scenarios produced %d distinct message keys, want at least 40", len(seen))
	}
	for area, least := range map[string]int{"effect.": 20, "konsekvens.": 5} {
		n := 0
		for k := range seen {
			if strings.HasPrefix(k, area) {
				n++
			}
		}
		if n < least {
			t.Errorf("scenarios produced %d distinct %s* keys, want at least %d", n, area, least)
		}
	}
}
