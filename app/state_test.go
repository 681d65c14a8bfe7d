package app_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"

	"feltsag.dk/feltsag/app"
)

// TestNoPackageState fails on a top-level var in package app or
// app/scenario that is not an error sentinel (errors.New) or one of the
// immutable values listed below, and on any assignment, increment or
// address-of of an allowed one inside a function: the domain keeps no package-level mutable state, so
// that two rule sets, two engines or two tests never share anything.
// Immutable data is a constant, a function returning a fresh value, or a
// field of the loaded rule set.
func TestNoPackageState(t *testing.T) {
	immutable := map[string]string{
		"copenhagen":    "a *time.Location is immutable; loading the zone on every call would read the tz database each time",
		"idEncoding":    "a *base32.Encoding is immutable once built",
		"kalenderTabel": "the holiday table (one byte per day 1990–2100) is built once at init and only read; rebuilding it per call is what it exists to avoid",
	}
	// The package and the scenario language, which lives beside it.
	var files []string
	for _, pattern := range []string{"*.go", "scenario/*.go"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	fset := token.NewFileSet()
	allowed := map[string]bool{}
	var parsed []*ast.File
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		parsed = append(parsed, f)
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.VAR {
				continue
			}
			for _, s := range gd.Specs {
				vs := s.(*ast.ValueSpec)
				for i, n := range vs.Names {
					switch {
					case n.Name == "_":
					case immutable[n.Name] != "":
						allowed[n.Name] = true
					case i < len(vs.Values) && isRegexp(vs.Values[i]):
						allowed[n.Name] = true // a compiled *regexp.Regexp is immutable and safe for concurrent use
					case i < len(vs.Values) && isErrorsNew(vs.Values[i]):
						allowed[n.Name] = true
					default:
						t.Errorf("%s: top-level var %s is package-level mutable state; make it a constant, a function returning a fresh value, or a field of the loaded rule set",
							fset.Position(n.Pos()), n.Name)
					}
				}
			}
		}
	}
	for _, f := range parsed {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				var targets []ast.Expr
				switch n := n.(type) {
				case *ast.AssignStmt:
					targets = n.Lhs
				case *ast.IncDecStmt:
					targets = []ast.Expr{n.X}
				case *ast.UnaryExpr:
					if n.Op == token.AND {
						targets = []ast.Expr{n.X}
					}
				}
				for _, e := range targets {
					if id := rootIdent(e); id != nil && allowed[id.Name] {
						t.Errorf("%s: %s writes or takes the address of package-level %s", fset.Position(e.Pos()), fd.Name.Name, id.Name)
					}
				}
				return true
			})
		}
	}
}

// isErrorsNew reports whether e is a call errors.New(...).
func isErrorsNew(e ast.Expr) bool { return isCall(e, "errors", "New") }

// isRegexp reports whether e is regexp.MustCompile(…).
func isRegexp(e ast.Expr) bool { return isCall(e, "regexp", "MustCompile") }

// isCall reports whether e is a call of pkg.name.
func isCall(e ast.Expr, pkg, name string) bool {
	call, ok := e.(*ast.CallExpr)
	if !ok {
		return false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	id, ok := sel.X.(*ast.Ident)
	return ok && id.Name == pkg && sel.Sel.Name == name
}

// rootIdent returns the variable an assignment target writes into: x for
// x, x.f, x[i] and *x; nil for anything else. Names are compared without
// scopes, so a local variable must not share an allowed var's name.
func rootIdent(e ast.Expr) *ast.Ident {
	for {
		switch v := e.(type) {
		case *ast.Ident:
			return v
		case *ast.SelectorExpr:
			e = v.X
		case *ast.IndexExpr:
			e = v.X
		case *ast.StarExpr:
			e = v.X
		case *ast.ParenExpr:
			e = v.X
		default:
			return nil
		}
	}
}

// TestKindsUnique: the command list (bodyTypes) names each kind once, and
// NewBody makes a body of that kind.
func TestKindsUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range app.Kinds() {
		if seen[k] {
			t.Errorf("kind %q listed twice", k)
		}
		seen[k] = true
		b, err := app.NewBody(k)
		if err != nil {
			t.Fatalf("NewBody(%q): %v", k, err)
		}
		if b.Kind() != k {
			t.Errorf("NewBody(%q).Kind() = %q", k, b.Kind())
		}
	}
}
