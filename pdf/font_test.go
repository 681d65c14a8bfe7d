package pdf

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"testing"
)

// TestClean: runes the font lacks become '?', white space is normalised,
// invisible characters go, and then CPR numbers are masked — also those
// that invisible characters or separators split.
func TestClean(t *testing.T) {
	fo, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ in, want string }{
		{"Søren Ærø Åberg", "Søren Ærø Åberg"},
		{"Yılmaz Şahin Łódź Nguyễn", "Yılmaz Şahin Łódź Nguyễn"},
		{"王小明 и \u03a9 \u2126 \u2116", "??? ? ? \u2126 \u2116"},
		{"tab\there\r\nCRLF\rCR", "tab here\nCRLF\nCR"},
		{"soft\u00adhyphen\u0007bell", "softhyphenbell"},
		{"CPR 010190-1234 og 0101901234 og 010190 1234", "CPR 010190-XXXX og 010190-XXXX og 010190-XXXX"},
		{"tlf. 12345678, konto 12345678901, 310290-1234", "tlf. 12345678, konto 12345678901, 310290-1234"},
		{"bad \xff byte", "bad ? byte"},
		// Invisible characters go before masking, so they cannot hide a CPR number.
		{"020285\u00ad1236 030380\x004321 040470\ufeff1111", "020285-XXXX 030380-XXXX 040470-XXXX"},
		{"0\u200b2\u200c0\u200d2\u20608\u034f5\ufe0f-\u200e1\u202e2\U000e00313\u00816", "020285-XXXX"},
		{"020285\u03011236 Nguye\u0302\u0303n 5\u0301 \u0301x", "020285-XXXX Nguye\u0302\u0303n 5 x"},
		{"020285\u2028\u20291236", "020285-XXXX"},
		// Separators: white space, dashes, dots, slashes, up to five of them.
		{"020285\u20131236 020285 \u2013 1236 020285\u00a01236 020285\u22121236 020285/1236", "020285-XXXX 020285-XXXX 020285-XXXX 020285-XXXX 020285-XXXX"},
		{"020285 -- 1236, 02.02.85-1236, 02-02-85 1236 og 02 02 85\t1236", "020285-XXXX, 020285-XXXX, 020285-XXXX og 020285-XXXX"},
		{"020285\U0001F6001236", "020285-XXXX"},
		// Not CPR numbers: four-digit years, periods, times, amounts, phone
		// numbers, too many separators, mixed date separators, a longer number.
		{"01.02.2026\u201330.04.2026, 01.02.26-30.04.26", "01.02.2026\u201330.04.2026, 01.02.26-30.04.26"},
		{"kl. 10:00-12:00, 1.010.190.123 kr., tlf. 86 12 34 56 / 21 43 65 87", "kl. 10:00-12:00, 1.010.190.123 kr., tlf. 86 12 34 56 / 21 43 65 87"},
		{"020285 --- -- 1236, 02.02-85 1236, 020285-12360, 1020285-1236", "020285 --- -- 1236, 02.02-85 1236, 020285-12360, 1020285-1236"},
	}
	for _, tc := range tests {
		if got := fo.clean(tc.in); got != tc.want {
			t.Errorf("clean(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestNoReflection: no file of the package, tests included, imports
// reflect or unsafe. The package talks to fpdf through its public API
// only; it once copied fpdf's parsed fonts between documents through
// reflection into unexported fields (docs/pdf.md, "Font").
func TestNoReflection(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no Go files found; run the test from the package directory")
	}
	banned := map[string]bool{"reflect": true, "unsafe": true}
	fset := token.NewFileSet()
	for _, name := range files {
		t.Run(name, func(t *testing.T) {
			f, err := parser.ParseFile(fset, name, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range f.Imports {
				path, err := strconv.Unquote(imp.Path.Value)
				if err != nil {
					t.Fatal(err)
				}
				if banned[path] {
					t.Errorf("%s imports %q; use fpdf's public API only", name, path)
				}
			}
		})
	}
}
