package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
)

// fixtureModule is the module path of the throwaway modules the tests build.
const fixtureModule = "example.com/fx"

// fakeModules stand in for the real dependencies, replaced by local
// directories, so the fixtures build without the network.
var fakeModules = map[string]string{
	"fyne.io/fyne/v2":              "fakefyne",
	"example.com/dep":              "fakedep",
	"go.etcd.io/bbolt":             "fakebolt",
	"golang.org/x/crypto":          "fakecrypto",
	"github.com/gorilla/websocket": "fakews",
	"codeberg.org/go-pdf/fpdf":     "fakepdf",
	"github.com/jackc/pgx/v5":      "fakepgx",
}

// baseFixture is a module that obeys every layer rule, with each layer
// importing what it may.
var baseFixture = func() map[string]string {
	gomod := "module " + fixtureModule + "\n\ngo 1.26\n\nrequire (\n"
	for m := range fakeModules {
		gomod += "\t" + m + " " + fakeVersion(m) + "\n"
	}
	gomod += ")\n"
	files := map[string]string{}
	for m, dir := range fakeModules {
		gomod += "\nreplace " + m + " => ./" + dir + "\n"
		files[dir+"/go.mod"] = "module " + m + "\n\ngo 1.26\n"
		files[dir+"/x.go"] = "package " + fakeName(m) + "\n"
	}
	files["go.mod"] = gomod
	files["fakefyne/app/app.go"] = "package app\n"
	files["fakefyne/widget/widget.go"] = "package widget\n"
	files["fakecrypto/argon2/argon2.go"] = "package argon2\n"
	for name, body := range map[string]string{
		"app/app.go":                            imports("app", "strings", "example.com/fx/app/rules"),
		"app/rules/rules.go":                    imports("rules", "encoding/csv"),
		"assets/assets.go":                      imports("assets", "embed"),
		"store/store.go":                        imports("store", "example.com/fx/app", "go.etcd.io/bbolt", "golang.org/x/crypto/argon2"),
		"store/ledger/ledger.go":                imports("ledger", "example.com/fx/app", "go.etcd.io/bbolt", "io"),
		"store/ledger/ledgertest/ledgertest.go": imports("ledgertest", "example.com/fx/app", "testing"),
		"store/pgledger/pgledger.go":            imports("pgledger", "example.com/fx/app", "github.com/jackc/pgx/v5"),
		"internal/pgtest/pgtest.go":             imports("pgtest", "github.com/jackc/pgx/v5", "testing"),
		"store/pgledger/pgledger_test.go":       imports("pgledger_test", "example.com/fx/internal/pgtest", "example.com/fx/store/ledger/ledgertest"),
		"sync/wire/wire.go":                     imports("wire", "example.com/fx/app", "encoding/json"),
		"sync/client/client.go":                 imports("client", "example.com/fx/sync/wire", "github.com/gorilla/websocket", "golang.org/x/crypto/argon2"),
		"pdf/pdf.go":                            imports("pdf", "example.com/fx/assets", "example.com/fx/app", "codeberg.org/go-pdf/fpdf"),
		"ui/ui.go":                              imports("ui", "fyne.io/fyne/v2/widget", "example.com/fx/app", "example.com/fx/assets"),
		"ui/inner/inner.go":                     imports("inner"),
		"internal/testkit/kit.go":               imports("testkit", "example.com/fx/app"),
		"app/app_test.go":                       imports("app_test", "example.com/fx/internal/testkit"),
		"cmd/client/main.go": imports("main", "fyne.io/fyne/v2/app", "example.com/fx/store", "example.com/fx/ui",
			"example.com/fx/sync/client", "example.com/fx/pdf") + "\nfunc main() {}\n",
	} {
		files[name] = body
	}
	return files
}()

// fakeVersion and fakeName give a fake module a version and a package name
// the go command accepts (a /v2 module needs a v2 version).
func fakeVersion(m string) string {
	if v := path.Base(m); len(v) == 2 && v[0] == 'v' && v[1] >= '2' && v[1] <= '9' {
		return v + ".0.0"
	}
	return "v1.0.0"
}

func fakeName(m string) string {
	if v := path.Base(m); len(v) == 2 && v[0] == 'v' && v[1] >= '2' && v[1] <= '9' {
		m = path.Dir(m)
	}
	return path.Base(m)
}

// imports returns the source of a package that imports each path for its
// side effects only.
func imports(name string, paths ...string) string {
	s := "package " + name + "\n"
	for _, p := range paths {
		s += "\nimport _ \"" + p + "\"\n"
	}
	return s
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name    string
		change  map[string]string // files replaced in baseFixture
		want    []string          // substrings of the report, in order
		wantErr bool
	}{
		{name: "clean module passes"},
		{
			name:    "app imports a non-standard package",
			change:  map[string]string{"app/app.go": imports("app", "example.com/dep")},
			want:    []string{"example.com/fx/app imports example.com/dep: app imports the standard library only"},
			wantErr: true,
		},
		{
			name:    "app sub-package imports Fyne",
			change:  map[string]string{"app/rules/rules.go": imports("rules", "fyne.io/fyne/v2")},
			want:    []string{"example.com/fx/app/rules imports fyne.io/fyne/v2: app imports"},
			wantErr: true,
		},
		{
			name:    "app imports bbolt",
			change:  map[string]string{"app/app.go": imports("app", "go.etcd.io/bbolt")},
			want:    []string{"example.com/fx/app imports go.etcd.io/bbolt: app imports the standard library only"},
			wantErr: true,
		},
		{
			name:    "store imports gorilla/websocket",
			change:  map[string]string{"store/store.go": imports("store", "github.com/gorilla/websocket")},
			want:    []string{"example.com/fx/store imports github.com/gorilla/websocket: store imports only app, bbolt and x/crypto"},
			wantErr: true,
		},
		{
			name:    "the server's ledger imports x/crypto",
			change:  map[string]string{"store/ledger/ledger.go": imports("ledger", "golang.org/x/crypto/argon2")},
			want:    []string{"example.com/fx/store/ledger imports golang.org/x/crypto/argon2: store/ledger imports only app, bbolt and the standard library"},
			wantErr: true,
		},
		{
			name:    "the server's ledger imports the client's store",
			change:  map[string]string{"store/ledger/ledger.go": imports("ledger", "example.com/fx/store")},
			want:    []string{"example.com/fx/store/ledger imports example.com/fx/store: store/ledger imports only"},
			wantErr: true,
		},
		{
			name:    "the conformance suite imports bbolt",
			change:  map[string]string{"store/ledger/ledgertest/ledgertest.go": imports("ledgertest", "go.etcd.io/bbolt")},
			want:    []string{"example.com/fx/store/ledger/ledgertest imports go.etcd.io/bbolt: the conformance suite imports only app and the standard library"},
			wantErr: true,
		},
		{
			name:    "the client's store imports pgx",
			change:  map[string]string{"store/store.go": imports("store", "github.com/jackc/pgx/v5")},
			want:    []string{"example.com/fx/store imports github.com/jackc/pgx/v5: store imports only app, bbolt and x/crypto"},
			wantErr: true,
		},
		{
			name:    "the PostgreSQL ledger imports bbolt",
			change:  map[string]string{"store/pgledger/pgledger.go": imports("pgledger", "go.etcd.io/bbolt")},
			want:    []string{"example.com/fx/store/pgledger imports go.etcd.io/bbolt: store/pgledger imports only app, pgx and the standard library"},
			wantErr: true,
		},
		{
			name:    "the PostgreSQL ledger imports the bbolt ledger",
			change:  map[string]string{"store/pgledger/pgledger.go": imports("pgledger", "example.com/fx/store/ledger")},
			want:    []string{"example.com/fx/store/pgledger imports example.com/fx/store/ledger: store/pgledger imports only"},
			wantErr: true,
		},
		{
			name:    "production code imports the PostgreSQL test harness",
			change:  map[string]string{"store/pgledger/pgledger.go": imports("pgledger", "example.com/fx/internal/pgtest")},
			want:    []string{"example.com/fx/store/pgledger imports example.com/fx/internal/pgtest: internal/testkit and internal/pgtest are test support"},
			wantErr: true,
		},
		{
			name:    "store imports sync",
			change:  map[string]string{"store/store.go": imports("store", "example.com/fx/sync/wire")},
			want:    []string{"example.com/fx/store imports example.com/fx/sync/wire: store imports only"},
			wantErr: true,
		},
		{
			name:    "store imports pdf",
			change:  map[string]string{"store/store.go": imports("store", "example.com/fx/pdf")},
			want:    []string{"example.com/fx/store imports example.com/fx/pdf: store imports only"},
			wantErr: true,
		},
		{
			name:    "store imports Fyne",
			change:  map[string]string{"store/store.go": imports("store", "fyne.io/fyne/v2/widget")},
			want:    []string{"example.com/fx/store imports fyne.io/fyne/v2/widget: store imports only"},
			wantErr: true,
		},
		{
			name:    "sync imports store",
			change:  map[string]string{"sync/client/client.go": imports("client", "example.com/fx/store")},
			want:    []string{"example.com/fx/sync/client imports example.com/fx/store: sync imports only app"},
			wantErr: true,
		},
		{
			name: "sync reaches store through a sub-package",
			change: map[string]string{
				"sync/client/client.go": imports("client", "example.com/fx/sync/wire"),
				"sync/wire/wire.go":     imports("wire", "example.com/fx/store"),
			},
			want:    []string{"example.com/fx/sync/client imports example.com/fx/store: sync never touches store or pdf"},
			wantErr: true,
		},
		{
			name:    "sync imports pdf",
			change:  map[string]string{"sync/wire/wire.go": imports("wire", "example.com/fx/pdf")},
			want:    []string{"example.com/fx/sync/wire imports example.com/fx/pdf: sync imports only"},
			wantErr: true,
		},
		{
			name:    "sync imports ui",
			change:  map[string]string{"sync/wire/wire.go": imports("wire", "example.com/fx/ui")},
			want:    []string{"example.com/fx/sync/wire imports example.com/fx/ui: sync imports only"},
			wantErr: true,
		},
		{
			name:    "sync imports Fyne",
			change:  map[string]string{"sync/wire/wire.go": imports("wire", "fyne.io/fyne/v2")},
			want:    []string{"example.com/fx/sync/wire imports fyne.io/fyne/v2: sync imports only"},
			wantErr: true,
		},
		{
			name:    "sync imports bbolt",
			change:  map[string]string{"sync/wire/wire.go": imports("wire", "go.etcd.io/bbolt")},
			want:    []string{"example.com/fx/sync/wire imports go.etcd.io/bbolt: sync imports only"},
			wantErr: true,
		},
		{
			name:    "a package named sync shadows the standard library",
			change:  map[string]string{"sync/wire/wire.go": imports("sync", "example.com/fx/app")},
			want:    []string{"example.com/fx/sync/wire is package sync, which shadows the standard library's sync"},
			wantErr: true,
		},
		{
			name:    "pdf imports ui",
			change:  map[string]string{"pdf/pdf.go": imports("pdf", "example.com/fx/ui")},
			want:    []string{"example.com/fx/pdf imports example.com/fx/ui: pdf imports only app, assets and fpdf"},
			wantErr: true,
		},
		{
			name:    "pdf imports store",
			change:  map[string]string{"pdf/pdf.go": imports("pdf", "example.com/fx/store")},
			want:    []string{"example.com/fx/pdf imports example.com/fx/store: pdf imports only"},
			wantErr: true,
		},
		{
			name:    "pdf imports bbolt",
			change:  map[string]string{"pdf/pdf.go": imports("pdf", "go.etcd.io/bbolt")},
			want:    []string{"example.com/fx/pdf imports go.etcd.io/bbolt: pdf imports only"},
			wantErr: true,
		},
		{
			name:    "ui imports fyne app",
			change:  map[string]string{"ui/ui.go": imports("ui", "fyne.io/fyne/v2/app")},
			want:    []string{"example.com/fx/ui imports fyne.io/fyne/v2/app: ui never creates the Fyne app"},
			wantErr: true,
		},
		{
			name:    "ui imports store",
			change:  map[string]string{"ui/ui.go": imports("ui", "example.com/fx/store")},
			want:    []string{"example.com/fx/ui imports example.com/fx/store: ui never touches store, sync or pdf"},
			wantErr: true,
		},
		{
			name:    "ui imports pdf",
			change:  map[string]string{"ui/ui.go": imports("ui", "example.com/fx/pdf")},
			want:    []string{"example.com/fx/ui imports example.com/fx/pdf: ui never touches store, sync or pdf"},
			wantErr: true,
		},
		{
			name: "ui reaches sync through a sub-package",
			change: map[string]string{
				"ui/ui.go":          imports("ui", "example.com/fx/ui/inner"),
				"ui/inner/inner.go": imports("inner", "example.com/fx/sync/client"),
			},
			want: []string{
				"example.com/fx/ui imports example.com/fx/sync/client: ui never touches store, sync or pdf",
				"via example.com/fx/ui -> example.com/fx/ui/inner -> example.com/fx/sync/client",
				"example.com/fx/ui/inner imports example.com/fx/sync/client",
			},
			wantErr: true,
		},
		{
			name:    "ui imports another third-party module",
			change:  map[string]string{"ui/ui.go": imports("ui", "example.com/dep")},
			want:    []string{"example.com/fx/ui imports example.com/dep: ui imports only app, assets and Fyne"},
			wantErr: true,
		},
		{
			name:    "production code imports the test kit",
			change:  map[string]string{"store/store.go": "package store\n\nimport _ \"example.com/fx/internal/testkit\"\n"},
			want:    []string{"example.com/fx/store imports example.com/fx/internal/testkit: internal/testkit and internal/pgtest are test support"},
			wantErr: true,
		},
		{
			name:    "assets imports fmt",
			change:  map[string]string{"assets/assets.go": imports("assets", "fmt")},
			want:    []string{"example.com/fx/assets imports fmt: assets imports only embed, io, io/fs"},
			wantErr: true,
		},
		{
			name:    "assets imports app",
			change:  map[string]string{"assets/assets.go": imports("assets", "example.com/fx/app")},
			want:    []string{"example.com/fx/assets imports example.com/fx/app: assets imports only"},
			wantErr: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := writeFixture(t, tt.change)
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), []string{"layercheck", "-dir", dir}, &stdout, &stderr)
			if got := errors.Is(err, errViolations); got != tt.wantErr {
				t.Fatalf("run() error = %v, want violations: %v\nstdout:\n%s\nstderr:\n%s", err, tt.wantErr, &stdout, &stderr)
			}
			assertInOrder(t, stdout.String(), tt.want)
		})
	}
}

func TestCheckReportsGoListFailure(t *testing.T) {
	dir := writeFixture(t, map[string]string{"app/app.go": imports("app", "example.com/fx/missing")})
	err := run(context.Background(), []string{"layercheck", "-dir", dir}, new(bytes.Buffer), new(bytes.Buffer))
	if err == nil || errors.Is(err, errViolations) || !strings.Contains(err.Error(), "go list") {
		t.Fatalf("run() error = %v, want a go list failure", err)
	}
}

// writeFixture writes baseFixture with change applied into a temporary
// directory and returns it.
func writeFixture(t *testing.T, change map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{}
	for name, body := range baseFixture {
		files[name] = body
	}
	for name, body := range change {
		files[name] = body
	}
	for name, body := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// assertInOrder checks that every part of want occurs in got, in order.
func assertInOrder(t *testing.T, got string, want []string) {
	t.Helper()
	rest := got
	for _, w := range want {
		i := strings.Index(rest, w)
		if i < 0 {
			t.Fatalf("report lacks %q (or it is out of order); report:\n%s", w, got)
		}
		rest = rest[i+len(w):]
	}
}
