package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRulesMutantsShippedSubset runs the mutation check on the TJOB
// parameters of the repository: all killed, in Danish and English.
func TestRulesMutantsShippedSubset(t *testing.T) {
	tests := []struct{ lang, want string }{
		{"da_DK.UTF-8", "6 mutanter: 6 dræbt af scenarier, 0 afvist af indlæsningen, 0 overlevede (0 accepteret)"},
		{"en_GB.UTF-8", "6 mutants: 6 killed by scenarios, 0 refused by the loader, 0 survived (0 accepted)"},
	}
	for _, tc := range tests {
		t.Run(tc.lang, func(t *testing.T) {
			stdout, stderr, err := runEnv(t, map[string]string{"LANG": tc.lang}, "rules", "mutants", "-rod", "../..", "-kun", "parametre.csv:tjob.[mp]*")
			if err != nil {
				t.Fatalf("err = %v\n%s\n%s", err, stdout, stderr)
			}
			if !strings.Contains(stdout, tc.want) {
				t.Errorf("stdout lacks %q:\n%s", tc.want, stdout)
			}
		})
	}
}

// TestRulesMutantsFails: a survivor that is not accepted, and an accepted
// entry that matches a killed mutant, make the check fail.
func TestRulesMutantsFails(t *testing.T) {
	root := t.TempDir()
	copyTree(t, "../../assets/rules", filepath.Join(root, "assets/rules"), "*.csv")
	copyTree(t, "../../assets/rules/scenarios", filepath.Join(root, "assets/rules/scenarios"), "*.txt")
	surv := filepath.Join(root, filepath.FromSlash(fileSurvivors))
	if err := os.MkdirAll(filepath.Dir(surv), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(surv, []byte("mutant,begrundelse\nparametre.csv:tjob.max_miss@2024-01-01:vaerdi+1,wrong: it is killed\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	stdout, _, err := runEnv(t, nil, "rules", "mutants", "-rod", root, "-q", "-kun", "parametre.csv:*.max*")
	var exit exitError
	if !errors.As(err, &exit) {
		t.Fatalf("err = %v, want a non-zero exit\n%s", err, stdout)
	}
	for _, w := range []string{
		"parametre.csv:notat.max@2024-01-01:vaerdi+1 (10000 → 10001) IKKE ACCEPTERET",
		"mutant_overlevere.csv:2 parametre.csv:tjob.max_miss@2024-01-01:vaerdi+1: passer ikke på nogen overlevende mutant",
	} {
		if !strings.Contains(stdout, w) {
			t.Errorf("stdout lacks %q:\n%s", w, stdout)
		}
	}
}

// copyTree copies the files of src matching pattern into dst.
func copyTree(t *testing.T, src, dst, pattern string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(src, pattern))
	if err != nil || len(files) == 0 {
		t.Fatalf("no %s in %s: %v", pattern, src, err)
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, filepath.Base(f)), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}
