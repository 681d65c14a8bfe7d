package pdf_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The external tools every generated PDF goes through: qpdf --check for
// structure, pdftotext (and pdfinfo) for the text and metadata a reader
// (and a screen reader, and a file indexer) gets. `make test` installs
// them (.ci/deps.sh) and sets FELTSAG_REQUIRE_TOOLS=1, so there a missing
// tool fails the test; a plain `go test` without them skips the checks
// with a message saying so.

// requireTools is the environment variable that turns a missing tool from
// a skip into a failure when set to 1.
const requireTools = "FELTSAG_REQUIRE_TOOLS"

// needTool skips the test when name is not on PATH, or fails it when
// FELTSAG_REQUIRE_TOOLS=1.
func needTool(t *testing.T, name, pkg string) {
	t.Helper()
	msg, fail := missingTool(exec.LookPath, os.Getenv, name, pkg)
	switch {
	case fail:
		t.Fatal(msg)
	case msg != "":
		t.Skip(msg)
	}
}

// missingTool returns "" when name is on PATH; otherwise what is missing
// and how to get it, and whether that is a failure (FELTSAG_REQUIRE_TOOLS=1)
// rather than a reason to skip.
func missingTool(lookPath func(string) (string, error), getenv func(string) string, name, pkg string) (msg string, fail bool) {
	if _, err := lookPath(name); err == nil {
		return "", false
	}
	if getenv(requireTools) == "1" {
		return fmt.Sprintf("%s is not installed (Debian package %s; `make deps` installs it), and %s=1 requires it", name, pkg, requireTools), true
	}
	return fmt.Sprintf("%s is not installed (Debian package %s; `make deps` installs it): skipping the PDF check", name, pkg), false
}

// writeTemp writes doc to a file in t's temp dir and returns its path.
func writeTemp(t *testing.T, name string, doc []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name+".pdf")
	if err := os.WriteFile(path, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// qpdfCheck fails t unless qpdf --check finds the document sound.
func qpdfCheck(t *testing.T, path string) {
	t.Helper()
	needTool(t, "qpdf", "qpdf")
	out, err := exec.Command("qpdf", "--check", path).CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte("No syntax or stream encoding errors found")) {
		t.Fatalf("qpdf --check %s: %v\n%s", filepath.Base(path), err, out)
	}
}

// pdfText returns pdftotext's UTF-8 text of pages first..last (0 = all).
func pdfText(t *testing.T, path string, first, last int) string {
	t.Helper()
	needTool(t, "pdftotext", "poppler-utils")
	args := []string{"-enc", "UTF-8"}
	if first > 0 {
		args = append(args, "-f", strconv.Itoa(first), "-l", strconv.Itoa(last))
	}
	out, err := exec.Command("pdftotext", append(args, path, "-")...).Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", filepath.Base(path), err)
	}
	return string(out)
}

// flat collapses every run of white space to one space, so a phrase is
// found however the layout wrapped it.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

// checkCPR fails t if doc's text or raw bytes show the full CPR number in
// any form (DDMMYYSSSS, DDMMYY-SSSS, also as UTF-16 in metadata), or if
// the text lacks the masked form.
func checkCPR(t *testing.T, doc []byte, text, cpr string) {
	t.Helper()
	full := []string{cpr, cpr[:6] + "-" + cpr[6:], cpr[:6] + " " + cpr[6:]}
	for i, f := range full {
		if strings.Contains(text, f) || strings.Contains(flat(text), f) {
			t.Errorf("the text contains the full CPR number %s-XXXX (form %d of %d)", cpr[:6], i+1, len(full))
		}
		if bytes.Contains(doc, []byte(f)) || bytes.Contains(doc, utf16(f)) {
			t.Errorf("the PDF bytes contain the full CPR number %s-XXXX (form %d of %d)", cpr[:6], i+1, len(full))
		}
	}
	if masked := cpr[:6] + "-XXXX"; !strings.Contains(text, masked) {
		t.Errorf("the text lacks the masked CPR %s", masked)
	}
}

// utf16 is s in UTF-16BE, the form fpdf writes UTF-8 metadata in.
func utf16(s string) []byte {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r>>8), byte(r))
	}
	return b
}

// checkDanish fails t unless text holds æ, ø and å (lower and upper case
// where the fixture has them).
func checkDanish(t *testing.T, text string) {
	t.Helper()
	for _, r := range []string{"æ", "ø", "å", "Æ", "Ø", "Å"} {
		if !strings.Contains(text, r) {
			t.Errorf("the text lacks %q: the font did not embed it or the text did not round-trip", r)
		}
	}
}

// TestMissingTool: without the tool, the PDF checks skip under a plain
// `go test` and fail under `make test` (FELTSAG_REQUIRE_TOOLS=1).
func TestMissingTool(t *testing.T) {
	found := func(name string) (string, error) { return "/usr/bin/" + name, nil }
	missing := func(string) (string, error) { return "", errors.New("not found") }
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == requireTools {
				return v
			}
			return ""
		}
	}
	tests := []struct {
		name     string
		lookPath func(string) (string, error)
		require  string
		wantMsg  bool
		wantFail bool
	}{
		{"installed", found, "", false, false},
		{"installed and required", found, "1", false, false},
		{"missing", missing, "", true, false},
		{"missing and required", missing, "1", true, true},
		{"missing, variable not 1", missing, "0", true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			msg, fail := missingTool(tc.lookPath, env(tc.require), "qpdf", "qpdf")
			if (msg != "") != tc.wantMsg || fail != tc.wantFail {
				t.Errorf("missingTool = %q, %t; want a message %t, fail %t", msg, fail, tc.wantMsg, tc.wantFail)
			}
			if tc.wantMsg && !strings.Contains(msg, "make deps") {
				t.Errorf("message %q does not say how to install the tool", msg)
			}
		})
	}
}
