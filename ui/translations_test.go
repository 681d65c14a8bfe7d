package ui_test

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"fyne.io/fyne/v2/lang"

	"feltsag.dk/feltsag/assets"
	"feltsag.dk/feltsag/ui"
)

// languages are the translation files every key must exist in.
var languages = []string{"da", "en"}

// sourceDirs hold Go files whose lang calls must use keys that exist.
var sourceDirs = []string{".", "../cmd/feltsag"}

func TestLoadTranslations(t *testing.T) {
	tests := []struct {
		locale string
		key    string
		want   string
	}{
		{locale: "da_DK.UTF-8", key: "Cancel", want: "Annuller"},
		{locale: "da_DK.UTF-8", key: "sync.offline", want: "Offline"},
		{locale: "da_DK.UTF-8", key: "saturday", want: "lørdag"},
		{locale: "en_GB.UTF-8", key: "Cancel", want: "Cancel"},
		{locale: "en_GB.UTF-8", key: "start.unlock", want: "Unlock"},
	}
	for _, tt := range tests {
		t.Run(tt.locale+"/"+tt.key, func(t *testing.T) {
			setLocale(t, tt.locale)
			if err := ui.LoadTranslations(); err != nil {
				t.Fatalf("LoadTranslations() = %v", err)
			}
			if got := lang.L(tt.key); got != tt.want {
				t.Errorf("lang.L(%q) = %q, want %q", tt.key, got, tt.want)
			}
		})
	}
}

func TestTranslationFilesHaveTheSameKeys(t *testing.T) {
	files := map[string]map[string]any{}
	for _, l := range languages {
		files[l] = readTranslations(t, l)
	}
	for _, l := range languages {
		for key, value := range files[l] {
			if !nonEmpty(value) {
				t.Errorf("%s.json: %q is empty", l, key)
			}
			for _, other := range languages {
				if _, ok := files[other][key]; !ok {
					t.Errorf("%q is in %s.json but not in %s.json", key, l, other)
				}
			}
		}
	}
}

// TestKeysUsedInCodeExist finds every lang.L/lang.X call with a literal key
// in ui and cmd/feltsag and checks the key is translated; a missing key would
// show up on screen as the raw key.
func TestKeysUsedInCodeExist(t *testing.T) {
	keys := usedKeys(t)
	if len(keys) == 0 {
		t.Fatal("found no lang calls; is the source scan broken?")
	}
	for _, l := range languages {
		file := readTranslations(t, l)
		for _, key := range keys {
			if _, ok := file[key]; !ok {
				t.Errorf("key %q is used in code but missing from %s.json", key, l)
			}
		}
	}
}

// setLocale pins the variables Fyne reads the user's language from.
func setLocale(t *testing.T, locale string) {
	t.Helper()
	t.Setenv("LANGUAGE", "")
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", locale)
}

func readTranslations(t *testing.T, language string) map[string]any {
	t.Helper()
	data, err := assets.I18n().ReadFile(assets.I18nDir + "/" + language + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s.json: %v", language, err)
	}
	return m
}

// nonEmpty accepts a non-empty string or a plural form whose "other" and
// every other form are non-empty strings.
func nonEmpty(v any) bool {
	switch v := v.(type) {
	case string:
		return v != ""
	case map[string]any:
		if _, ok := v["other"]; !ok {
			return false
		}
		for _, form := range v {
			if s, ok := form.(string); !ok || s == "" {
				return false
			}
		}
		return true
	}
	return false
}

func usedKeys(t *testing.T) []string {
	t.Helper()
	var keys []string
	for _, dir := range sourceDirs {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			keys = append(keys, keysIn(t, f)...)
		}
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

// keysIn returns the literal first arguments of lang.L, lang.X, lang.N and
// lang.XN calls in one Go file.
func keysIn(t *testing.T, file string) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || !isLangCall(call) || len(call.Args) == 0 {
			return true
		}
		if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
			if key, err := strconv.Unquote(lit.Value); err == nil {
				keys = append(keys, key)
			}
		}
		return true
	})
	return keys
}

func isLangCall(call *ast.CallExpr) bool {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	pkg, ok := sel.X.(*ast.Ident)
	return ok && pkg.Name == "lang" && slices.Contains([]string{"L", "X", "N", "XN"}, sel.Sel.Name)
}
