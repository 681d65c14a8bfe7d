package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/app/demo"
	"feltsag.dk/feltsag/internal/testkit"
)

const demoDate = "2026-03-12"

// runCmd runs feltsagd with args and returns stdout, stderr and the error.
func runCmd(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, func(string) string { return "" }, &out, &errOut)
	return out.String(), errOut.String(), err
}

// TestDemoList: one line per citizen, masked CPR numbers only.
func TestDemoList(t *testing.T) {
	out, stderr, err := runCmd(t, "demo", "list", "--seed", "3", "--size", "30", "--date", demoDate)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 31 || !strings.HasPrefix(lines[0], "Nr") {
		t.Fatalf("%d lines, want a header and 30 citizens:\n%s", len(lines), out)
	}
	masked := regexp.MustCompile(`^1\s+\d{6}-XXXX\s+\S.*KG1\s+Dagpengemodtager`)
	if !masked.MatchString(lines[1]) {
		t.Errorf("line 1 = %q, want number, masked CPR, name and KG1", lines[1])
	}
	rules := testkit.Rules(t)
	for i := range 30 {
		s, err := demo.Citizen(rules, 3, i, app.MustDate(2026, 3, 12))
		if err != nil {
			t.Fatal(err)
		}
		if full := s.Borger.CPR.Digits(); strings.Contains(out, full) || strings.Contains(out, s.Borger.CPR.Full()) {
			t.Errorf("the list shows citizen %d's full CPR number", i+1)
		}
	}
}

// TestDemoPlan writes the plans of the first 30 demo citizens (one per
// kontaktgruppe and more) and checks the files and the page estimate.
func TestDemoPlan(t *testing.T) {
	dir := t.TempDir()
	pages := regexp.MustCompile(`, (\d+) sider,`)
	for nr := 1; nr <= 30; nr++ {
		out := filepath.Join(dir, "plan"+strconv.Itoa(nr)+".pdf")
		stdout, stderr, err := runCmd(t, "demo", "plan", "--seed", "3", "--citizen", strconv.Itoa(nr), "--out", out, "--date", demoDate)
		if err != nil {
			t.Fatalf("citizen %d: %v\n%s", nr, err, stderr)
		}
		doc, err := os.ReadFile(out)
		if err != nil || !bytes.HasPrefix(doc, []byte("%PDF-")) {
			t.Fatalf("citizen %d: %v, or not a PDF", nr, err)
		}
		m := pages.FindStringSubmatch(stdout)
		if m == nil {
			t.Fatalf("citizen %d: report %q lacks the page count", nr, stdout)
		}
		got, _ := strconv.Atoi(m[1])
		rules := testkit.Rules(t)
		s, _ := demo.Citizen(rules, 3, nr-1, app.MustDate(2026, 3, 12))
		if est := estimatePages(&s, &s.Planer[len(s.Planer)-1]); est < got-1 || est > got+1 {
			t.Errorf("citizen %d: estimated %d pages, the plan has %d", nr, est, got)
		}
	}
	// The same citizen, seed and date give the same bytes.
	a, b := filepath.Join(dir, "a.pdf"), filepath.Join(dir, "b.pdf")
	for _, p := range []string{a, b} {
		if _, stderr, err := runCmd(t, "demo", "plan", "--seed", "3", "--citizen", "8", "--out", p, "--date", demoDate, "--size", "9"); err != nil {
			t.Fatalf("%v\n%s", err, stderr)
		}
	}
	da, _ := os.ReadFile(a)
	db, _ := os.ReadFile(b)
	if !bytes.Equal(da, db) {
		t.Error("two runs give different PDFs")
	}
}

// TestDemoPlanStdout: --out - writes the PDF to stdout and the report to
// stderr.
func TestDemoPlanStdout(t *testing.T) {
	stdout, stderr, err := runCmd(t, "demo", "plan", "--citizen", "24", "--out", "-", "--date", demoDate, "--lang", "en")
	if err != nil || !strings.HasPrefix(stdout, "%PDF-") || !strings.Contains(stderr, "Aftale om opfølgning") {
		t.Fatalf("err %v, stdout starts %q, stderr %q", err, stdout[:min(8, len(stdout))], stderr)
	}
}

// TestDemoErrors: bad flags give a clear Danish message on stderr and a
// non-zero exit, and write nothing.
func TestDemoErrors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "plan.pdf")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no command", []string{"demo"}, "Brug: feltsagd demo"},
		{"unknown command", []string{"demo", "print"}, `ukendt kommando "print"`},
		{"no citizen", []string{"demo", "plan", "--out", file}, "--citizen mangler"},
		{"citizen too high", []string{"demo", "plan", "--citizen", "11", "--size", "10", "--out", file}, "demoborger 11 findes ikke: vælg et nummer fra 1 til 10"},
		{"citizen zero or less", []string{"demo", "plan", "--citizen", "-2", "--out", file}, "demoborger -2 findes ikke"},
		{"not a number", []string{"demo", "plan", "--citizen", "tre", "--out", file}, "invalid value"},
		{"no out", []string{"demo", "plan", "--citizen", "1"}, "--out mangler"},
		{"missing directory", []string{"demo", "plan", "--citizen", "1", "--out", filepath.Join(dir, "findes-ikke", "p.pdf"), "--date", demoDate}, "mappen findes ikke"},
		{"out is a directory", []string{"demo", "plan", "--citizen", "1", "--out", dir, "--date", demoDate}, "det er en mappe"},
		{"bad date", []string{"demo", "plan", "--citizen", "1", "--out", file, "--date", "12-03-2026"}, "--date:"},
		{"date without rules", []string{"demo", "list", "--date", "2019-05-01"}, "Der findes ingen regler"},
		{"bad language", []string{"demo", "plan", "--citizen", "1", "--out", file, "--lang", "sv"}, `--lang "sv": brug da eller en`},
		{"bad size", []string{"demo", "list", "--size", "0"}, "--size skal være mellem 1 og"},
		{"stray argument", []string{"demo", "list", "5"}, `uventet argument "5"`},
		{"unknown plan", []string{"demo", "plan", "--citizen", "1", "--out", file, "--plan", "findes-ikke", "--date", demoDate}, "Planen findes ikke på sagen"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, err := runCmd(t, tc.args...)
			var exit exitError
			if !errors.As(err, &exit) {
				t.Fatalf("err = %v, want an exit error", err)
			}
			if !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr = %q, want it to contain %q", stderr, tc.want)
			}
			if _, err := os.Stat(file); err == nil {
				t.Error("a file was written")
			}
		})
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left files behind: %v", entries)
	}
}

// firstWrite cancels a context on the first write and counts the lines it
// was given.
type firstWrite struct {
	cancel context.CancelFunc
	lines  int
}

func (w *firstWrite) Write(p []byte) (int, error) {
	w.cancel()
	w.lines += bytes.Count(p, []byte("\n"))
	return len(p), nil
}

// TestDemoListStreams: demo list writes as it goes instead of holding the
// whole list until the end (at --size 1000000 that took 700 MB). The
// writer stops the command at its first write, which must come long
// before the last citizen.
func TestDemoListStreams(t *testing.T) {
	const size = 3000
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w := &firstWrite{cancel: cancel}
	err := run(ctx, []string{"demo", "list", "--size", strconv.Itoa(size), "--date", demoDate}, func(string) string { return "" }, w, io.Discard)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want the cancellation", err)
	}
	if w.lines == 0 || w.lines > size/10 {
		t.Errorf("first write held %d lines, want some but far fewer than %d", w.lines, size)
	}
}

// TestDemoListColumns: every line has the header's columns at the same
// places, also past the first screenful.
func TestDemoListColumns(t *testing.T) {
	out, stderr, err := runCmd(t, "demo", "list", "--seed", "5", "--size", "400", "--date", demoDate)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) != 401 {
		t.Fatalf("%d lines, want 401", len(lines))
	}
	header := []rune(lines[0])
	var starts []int // where each header column after Nr starts
	for i := 1; i < len(header); i++ {
		if header[i] != ' ' && header[i-1] == ' ' && (i < 2 || header[i-2] == ' ') {
			starts = append(starts, i)
		}
	}
	if len(starts) != 7 {
		t.Fatalf("header %q has %d columns after Nr, want 7", lines[0], len(starts))
	}
	for n, l := range lines[1:] {
		r := []rune(l)
		for _, at := range []int{starts[0], starts[1], starts[2], starts[4]} { // CPR, Navn, KG, Plan: never empty
			if at >= len(r) || r[at] == ' ' || r[at-1] != ' ' {
				t.Fatalf("line %d %q: no column starts at %d like in the header %q", n+1, l, at, lines[0])
			}
		}
	}
}
