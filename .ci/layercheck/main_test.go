package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fixtureModule is the module path of the throwaway modules the tests build.
const fixtureModule = "example.com/fx"

// baseFixture is a module that obeys every layer rule. A fake
// fyne.io/fyne/v2 and a fake third-party module example.com/dep, both
// replaced by local directories, stand in for real dependencies without the
// network.
var baseFixture = map[string]string{
	"go.mod": "module " + fixtureModule + "\n\ngo 1.26\n\n" +
		"require (\n\tfyne.io/fyne/v2 v2.7.4\n\texample.com/dep v1.0.0\n)\n\n" +
		"replace fyne.io/fyne/v2 => ./fakefyne\n\nreplace example.com/dep => ./fakedep\n",
	"fakedep/go.mod":            "module example.com/dep\n\ngo 1.26\n",
	"fakedep/dep.go":            "package dep\n",
	"fakefyne/go.mod":           "module fyne.io/fyne/v2\n\ngo 1.26\n",
	"fakefyne/fyne.go":          "package fyne\n",
	"fakefyne/app/app.go":       "package app\n",
	"fakefyne/widget/widget.go": "package widget\n",
	"app/app.go":                "package app\n\nimport (\n\t_ \"strings\"\n\t_ \"example.com/fx/app/rules\"\n)\n",
	"app/rules/rules.go":        "package rules\n\nimport _ \"encoding/csv\"\n",
	"assets/assets.go":          "package assets\n\nimport _ \"embed\"\n",
	"store/store.go":            "package store\n\nimport _ \"example.com/fx/app\"\n",
	"sync/sync.go":              "package sync\n\nimport _ \"example.com/fx/app\"\n",
	"pdf/pdf.go":                "package pdf\n\nimport _ \"example.com/fx/assets\"\n",
	"ui/ui.go":                  "package ui\n\nimport (\n\t_ \"fyne.io/fyne/v2/widget\"\n\t_ \"example.com/fx/app\"\n)\n",
	"ui/inner/inner.go":         "package inner\n",
	"internal/testkit/kit.go":   "package testkit\n\nimport _ \"example.com/fx/app\"\n",
	"app/app_test.go":           "package app_test\n\nimport _ \"example.com/fx/internal/testkit\"\n",
	"cmd/client/main.go": "package main\n\nimport (\n\t_ \"fyne.io/fyne/v2/app\"\n" +
		"\t_ \"example.com/fx/store\"\n\t_ \"example.com/fx/ui\"\n)\n\nfunc main() {}\n",
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
			change:  map[string]string{"app/app.go": "package app\n\nimport _ \"example.com/dep\"\n"},
			want:    []string{"example.com/fx/app imports example.com/dep: app imports the standard library only"},
			wantErr: true,
		},
		{
			name:    "app sub-package imports Fyne",
			change:  map[string]string{"app/rules/rules.go": "package rules\n\nimport _ \"fyne.io/fyne/v2\"\n"},
			want:    []string{"example.com/fx/app/rules imports fyne.io/fyne/v2: app imports"},
			wantErr: true,
		},
		{
			name:    "ui imports fyne app",
			change:  map[string]string{"ui/ui.go": "package ui\n\nimport _ \"fyne.io/fyne/v2/app\"\n"},
			want:    []string{"example.com/fx/ui imports fyne.io/fyne/v2/app: ui never creates the Fyne app"},
			wantErr: true,
		},
		{
			name: "ui reaches sync through a sub-package",
			change: map[string]string{
				"ui/ui.go":          "package ui\n\nimport _ \"example.com/fx/ui/inner\"\n",
				"ui/inner/inner.go": "package inner\n\nimport _ \"example.com/fx/sync\"\n",
			},
			want: []string{
				"example.com/fx/ui imports example.com/fx/sync: ui never touches store or sync",
				"via example.com/fx/ui -> example.com/fx/ui/inner -> example.com/fx/sync",
				"example.com/fx/ui/inner imports example.com/fx/sync",
			},
			wantErr: true,
		},
		{
			name:    "store imports Fyne",
			change:  map[string]string{"store/store.go": "package store\n\nimport _ \"fyne.io/fyne/v2/widget\"\n"},
			want:    []string{"example.com/fx/store imports fyne.io/fyne/v2/widget: adapters never import ui or Fyne"},
			wantErr: true,
		},
		{
			name:    "pdf imports ui",
			change:  map[string]string{"pdf/pdf.go": "package pdf\n\nimport _ \"example.com/fx/ui\"\n"},
			want:    []string{"example.com/fx/pdf imports example.com/fx/ui: adapters never import ui or Fyne"},
			wantErr: true,
		},
		{
			name:    "production code imports the test kit",
			change:  map[string]string{"store/store.go": "package store\n\nimport _ \"example.com/fx/internal/testkit\"\n"},
			want:    []string{"example.com/fx/store imports example.com/fx/internal/testkit: internal/testkit is test support"},
			wantErr: true,
		},
		{
			name:    "assets imports fmt",
			change:  map[string]string{"assets/assets.go": "package assets\n\nimport _ \"fmt\"\n"},
			want:    []string{"example.com/fx/assets imports fmt: assets imports only embed, io, io/fs"},
			wantErr: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
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
	dir := writeFixture(t, map[string]string{"app/app.go": "package app\n\nimport _ \"example.com/fx/missing\"\n"})
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
