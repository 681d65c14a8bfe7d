package app_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/assets"
)

// TestRequiredCodeRenamed renames, for each code the Go code names, that
// code where its table defines it, and expects LoadRules to refuse the
// tables with an error naming the table file and the Go name that needs
// the code.
func TestRequiredCodeRenamed(t *testing.T) {
	base := map[string][]byte{}
	names, err := fs.Glob(assets.Rules(), "*.csv")
	if err != nil || len(names) == 0 {
		t.Fatalf("shipped tables: %v (%d)", err, len(names))
	}
	for _, n := range names {
		b, err := fs.ReadFile(assets.Rules(), n)
		if err != nil {
			t.Fatal(err)
		}
		base[n] = b
	}
	for _, c := range app.RequiredCodes() {
		t.Run(c.GoNavn, func(t *testing.T) {
			file := c.Kind.File()
			body, ok := base[file]
			if !ok {
				t.Fatalf("fixture: no table %s", file)
			}
			renamed := renameCode(t, string(body), c)
			fsys := fstest.MapFS{}
			for name, b := range base {
				fsys[name] = &fstest.MapFile{Data: b}
			}
			fsys[file] = &fstest.MapFile{Data: []byte(renamed)}
			_, err := app.LoadRules(fsys)
			if err == nil {
				t.Fatalf("LoadRules accepted tables where %s %q is renamed", file, c.Kode)
			}
			for _, lang := range []string{"da", "en"} {
				msg := errText(t, err, lang)
				for _, want := range []string{file + ":", c.GoNavn, strconv.Quote(c.Kode)} {
					if !strings.Contains(msg, want) {
						t.Errorf("%s: error = %q, want it to mention %s", lang, msg, want)
					}
				}
			}
			if app.ErrorCode(err) != app.CodeInvalid {
				t.Errorf("code = %q, want invalid", app.ErrorCode(err))
			}
		})
	}
}

// renameCode renames c where its table defines it: the cells of its column
// (or, for a duty, the header field) that hold it.
func renameCode(tb testing.TB, body string, c app.Code) string {
	tb.Helper()
	if strings.Contains(body, `"`) {
		tb.Fatalf("fixture: %s has quoted fields; renameCode splits on commas", c.Kind.File())
	}
	newName := c.Kode + "_omdoebt"
	switch c.Kind {
	case app.KindKG:
		newName = "998"
	case app.KindGruppe:
		newName = c.Kode + "OMDOEBT" // group codes are capitals
	}
	lines := strings.Split(body, "\n")
	col, n := -1, 0
	for i, l := range lines {
		if strings.TrimSpace(l) == "" || strings.HasPrefix(l, "#") {
			continue
		}
		f := strings.Split(l, ",")
		if col < 0 { // the header
			if c.Kind == app.KindPligt {
				col = slices.Index(f, c.Kode)
				if col < 0 {
					tb.Fatalf("fixture: no column %q in %s", c.Kode, c.Kind.File())
				}
				f[col] = newName
				lines[i] = strings.Join(f, ",")
				return strings.Join(lines, "\n")
			}
			if col = slices.Index(f, c.Kind.Column()); col < 0 {
				tb.Fatalf("fixture: no column %q in %s", c.Kind.Column(), c.Kind.File())
			}
			continue
		}
		if col < len(f) && f[col] == c.Kode {
			f[col] = newName
			lines[i] = strings.Join(f, ",")
			n++
		}
	}
	if n == 0 {
		tb.Fatalf("fixture: %q not found in column %s of %s", c.Kode, c.Kind.Column(), c.Kind.File())
	}
	return strings.Join(lines, "\n")
}

// TestRequiredCodesMatchConstants parses codes.go: every listed Go name is
// a constant there with the listed value, and every code constant there is
// listed, so the list cannot drift from the names the code uses.
func TestRequiredCodesMatchConstants(t *testing.T) {
	consts := codeConstants(t, "codes.go")
	listed := map[string]bool{}
	for _, c := range app.RequiredCodes() {
		name := strings.TrimPrefix(c.GoNavn, "app.")
		listed[name] = true
		v, ok := consts[name]
		if !ok {
			t.Errorf("%s: no such constant in codes.go", c.GoNavn)
			continue
		}
		if v != c.Kode {
			t.Errorf("%s = %q in codes.go, listed as %q", c.GoNavn, v, c.Kode)
		}
	}
	for name := range consts {
		if !listed[name] {
			t.Errorf("constant %s in codes.go is not in RequiredCodes", name)
		}
	}
}

// codeConstants returns the code constants of file (name → value as
// written, unquoted), leaving out the kinds, the parameter prefixes and
// untyped iota.
func codeConstants(tb testing.TB, file string) map[string]string {
	tb.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	if err != nil {
		tb.Fatal(err)
	}
	out := map[string]string{}
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, s := range gd.Specs {
			vs := s.(*ast.ValueSpec)
			for i, n := range vs.Names {
				if strings.HasPrefix(n.Name, "Kind") || strings.HasPrefix(n.Name, "ParamPrefix") || i >= len(vs.Values) {
					continue
				}
				lit, ok := vs.Values[i].(*ast.BasicLit)
				if !ok {
					continue
				}
				v := lit.Value
				if lit.Kind == token.STRING {
					v, _ = strconv.Unquote(v)
				}
				out[n.Name] = v
			}
		}
	}
	return out
}

// TestNoCodeLiterals scans the package's Go files for a string literal
// equal to a code RequiredCodes lists: such a literal escapes the load-time
// check and must use the constant instead. Not scanned: constant
// declarations (other vocabularies may share a spelling: FristCV = "cv"),
// the arguments of message calls (rendered text; the same code is read
// through its constant where the rule is applied), and the declarations
// in otherVocabulary.
func TestNoCodeLiterals(t *testing.T) {
	otherVocabulary := map[string]string{
		"samtaleTyper":      "samtale types: raadighed is the a-kasse's rådighedssamtale, not the duty",
		"kategoriseringer":  "kategorisering values: uddannelse is a categorisation, not the fravær type",
		"kategoriseringFor": "kategorisering values, as above",
	}
	messageCalls := map[string]bool{"Sprintf": true, "RuleError": true, "Errorf": true, "invalidf": true}
	codes := map[string]string{}
	for _, c := range app.RequiredCodes() {
		if c.Kind != app.KindKG {
			codes[c.Kode] = c.GoNavn
		}
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		// Tests name codes freely.
		if strings.HasSuffix(name, "_test.go") || name == "codes.go" {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			if declName(d) != "" && otherVocabulary[declName(d)] != "" {
				continue
			}
			if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.CONST {
				continue
			}
			ast.Inspect(d, func(n ast.Node) bool {
				if call, ok := n.(*ast.CallExpr); ok && messageCalls[calleeName(call)] {
					return false
				}
				lit, ok := n.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				v, _ := strconv.Unquote(lit.Value)
				if goName, ok := codes[v]; ok {
					t.Errorf("%s: literal %s; use %s", fset.Position(lit.Pos()), lit.Value, goName)
				}
				return true
			})
		}
	}
}

// declName returns the name of a function or of the first name a var
// declaration declares, or "".
func declName(d ast.Decl) string {
	switch d := d.(type) {
	case *ast.FuncDecl:
		return d.Name.Name
	case *ast.GenDecl:
		if len(d.Specs) > 0 {
			if vs, ok := d.Specs[0].(*ast.ValueSpec); ok && len(vs.Names) > 0 {
				return vs.Names[0].Name
			}
		}
	}
	return ""
}

// calleeName returns the name of the function a call calls: f or pkg.f.
func calleeName(call *ast.CallExpr) string {
	switch fn := call.Fun.(type) {
	case *ast.Ident:
		return fn.Name
	case *ast.SelectorExpr:
		return fn.Sel.Name
	}
	return ""
}
