package store_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"feltsag.dk/feltsag/store"
)

// TestNeverNoSync: "Gemt lokalt" means on disk, so bbolt must fsync every
// commit. The file is checked after Create, Open and Unlock and after a
// compaction reopened it, and the package's source must not mention
// bbolt's NoSync at all (the crash loop's child checks it too).
func TestNeverNoSync(t *testing.T) {
	opts, _ := testOptions(t)
	path := filepath.Join(t.TempDir(), "sync.db")
	db := MustCreate(t, path, opts)
	check := func(when string) {
		t.Helper()
		if db.NoSync() {
			t.Fatalf("opened with NoSync after %s", when)
		}
	}
	check("Create")
	mustNoErr(t, db.ChangePassword(testPassword, testPassword+"-2"), "ChangePassword")
	check("compaction")
	mustNoErr(t, db.Close(), "Close")
	db, err := store.Open(path, opts)
	mustNoErr(t, err, "Open")
	defer db.Close()
	check("Open")
	mustNoErr(t, db.Unlock(testPassword+"-2"), "Unlock")
	check("Unlock")

	files, err := filepath.Glob("*.go")
	mustNoErr(t, err, "glob")
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		mustNoErr(t, err, "read %s", name)
		f, err := parser.ParseFile(fset, name, src, 0)
		mustNoErr(t, err, "parse %s", name)
		ast.Inspect(f, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && id.Name == "NoSync" {
				t.Errorf("%s: the store must never use bbolt's NoSync", fset.Position(id.Pos()))
			}
			return true
		})
	}
}
