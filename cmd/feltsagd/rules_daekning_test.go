package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRulesCoverageShipped runs "rules coverage" on the repository: every
// sourced rule of the catalogue has a scenario or a reasoned exception,
// in Danish and in English.
func TestRulesCoverageShipped(t *testing.T) {
	tests := []struct {
		lang string
		want []string
	}{
		{"da_DK.UTF-8", []string{"Dækning af de kildebelagte regler", "REGEL", "SCENARIER", "Kildebelagte regler uden scenarie:", " 0 udækkede\n"}},
		{"en_GB.UTF-8", []string{"Coverage of the sourced rules", "RULE", "SCENARIOS", "Sourced rules without a scenario:", " 0 uncovered\n"}},
	}
	for _, tc := range tests {
		t.Run(tc.lang, func(t *testing.T) {
			stdout, stderr, err := runEnv(t, map[string]string{"LANG": tc.lang}, "rules", "coverage", "-rod", "../..")
			if err != nil {
				t.Fatalf("err = %v\nstdout (end): %s\nstderr: %s", err, tail(stdout, 3000), stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stdout, w) {
					t.Errorf("stdout lacks %q", w)
				}
			}
			if !strings.Contains(stdout, "§8 nr. 3 ") {
				t.Error("the matrix lacks the row of §8 nr. 3")
			}
		})
	}
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}

// TestRulesCoverageFails: a sourced rule without a scenario or an
// exception, a stale exception and an unknown regler: id each make the
// command fail and are named in its output.
func TestRulesCoverageFails(t *testing.T) {
	files := map[string]string{
		fileCatalogue: "id,afsnit,kilder,koder,linje,titel\n" +
			"§8 nr. 3,§8,[S4][S44],4685,10,Self-service sygemelding yesterday\n" +
			"§8 nr. 4,§8,[S4],4686,11,Sygemelding without a KG\n",
		fileExceptions:                 "regel,begrundelse\nD*,matches nothing\n",
		"assets/rules/parametre.csv":   "noegle,vaerdi,kilde\nx,1,[S4] fejl 4685\n",
		"app/x.go":                     "package app\n\n// y is [S4].\nfunc y() {}\n",
		"assets/rules/scenarios/a.txt": "navn: refuses 4685\nkilde: DOMAIN §8 nr. 3 [S4]\nregler: §8 nr. 99\ni_dag: 2026-03-12\nhandling: tilfoej_notat tekst=\"x\"\nforventet: afvist 4685\n",
	}
	root := t.TempDir()
	for name, text := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, quiet := range []bool{false, true} {
		args := []string{"rules", "coverage", "-rod", root}
		if quiet {
			args = append(args, "-q")
		}
		stdout, _, err := runEnv(t, nil, args...)
		var exit exitError
		if !errors.As(err, &exit) {
			t.Fatalf("quiet=%v: err = %v, want a non-zero exit\n%s", quiet, err, stdout)
		}
		for _, w := range []string{
			"Udækkede regler: hverken scenarie eller undtagelse (1):\n  §8 nr. 4",
			"undtagelser.csv:2 D*: mønsteret passer ikke på nogen regel",
			"a.txt:1 §8 nr. 99",
			"2 kildebelagte regler: 1 med scenarie, 0 undtaget, 1 udækkede",
		} {
			if !strings.Contains(stdout, w) {
				t.Errorf("quiet=%v: stdout lacks %q:\n%s", quiet, w, stdout)
			}
		}
		if matrix := strings.Contains(stdout, "IMPLEMENTERING"); matrix == quiet {
			t.Errorf("quiet=%v: matrix shown = %v", quiet, matrix)
		}
	}
}
