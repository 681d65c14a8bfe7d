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

// runEnv runs feltsagd with args and the environment env.
func runEnv(t *testing.T, env map[string]string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, func(k string) string { return env[k] }, &out, &errOut)
	return out.String(), errOut.String(), err
}

// scenarioFile writes text to name in a temporary folder.
func scenarioFile(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// failing is a scenario that fails: a sygemelding for yesterday is
// refused with 4685, not accepted.
const failing = `navn: Fejler med vilje
kilde: (A) test
i_dag: 2026-03-12
kontaktgruppe: 1 start=2026-01-05
tilmelding: tilmeldt siden=2026-01-05
handling: registrer_fravaer af=borger fravaer_id=f1 type=sygemelding start=2026-03-11
forventet: godkendt
`

// TestRulesCheckRefusesBadFiles: a file that cannot be checked in full is
// a failure with a non-zero exit, never "0 failed".
func TestRulesCheckRefusesBadFiles(t *testing.T) {
	long := "navn: x\nkilde: (A)\nhandling: tilfoej_notat tekst=\"" + strings.Repeat("y", 70_000) + "\"\n"
	tests := []struct {
		name, text string
		env        map[string]string
		want       []string
	}{
		{"empty", "", nil, []string{"FEJL ", "tom.txt: filen indeholder ingen scenarier", "0 passed, 1 failed"}},
		{"comments only", "# bare en kommentar\n\n", nil, []string{"tom.txt: filen indeholder ingen scenarier", "0 passed, 1 failed"}},
		{"failing scenario past 4 MiB", strings.Repeat("# "+strings.Repeat("x", 98)+"\n", 42_000) + failing, nil,
			[]string{"FEJL ", "tom.txt:42001 Fejler med vilje", "0 passed, 1 failed"}},
		{"long line in Danish", long, nil, []string{"tom.txt:3: linje 3 er for lang"}},
		{"long line in Danish by LANG", long, map[string]string{"LANG": "da_DK.UTF-8"}, []string{"tom.txt:3: linje 3 er for lang"}},
		{"long line in English", long, map[string]string{"LANG": "en_GB.UTF-8"}, []string{"tom.txt:3: line 3 is too long"}},
		{"LC_ALL wins over LANG", long, map[string]string{"LANG": "en_GB.UTF-8", "LC_ALL": "da_DK.UTF-8"}, []string{"tom.txt:3: linje 3 er for lang"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			file := scenarioFile(t, "tom.txt", tc.text)
			stdout, stderr, err := runEnv(t, tc.env, "rules", "check", file)
			var exit exitError
			if !errors.As(err, &exit) {
				t.Fatalf("err = %v, want a non-zero exit\nstdout: %s\nstderr: %s", err, stdout, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stdout, w) {
					t.Errorf("stdout = %q, want it to contain %q", clipOut(stdout), w)
				}
			}
			if strings.Contains(stdout, "token too long") {
				t.Errorf("stdout shows Go's error text: %q", clipOut(stdout))
			}
		})
	}
}

func clipOut(s string) string {
	if len(s) > 400 {
		return s[:200] + " … " + s[len(s)-200:]
	}
	return s
}
