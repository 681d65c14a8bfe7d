package pdf

import (
	"bytes"
	"sync"
	"testing"
)

// TestFontShare: with the pinned fpdf the parsed fonts are shared, and a
// document with shared fonts is byte-identical to one whose fonts fpdf
// parsed itself, also when many are rendered at once (run with -race).
func TestFontShare(t *testing.T) {
	fo, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	if fo.share == nil {
		t.Fatalf("font sharing is off (%v): every document parses the font again, about 4 ms more per plan. "+
			"If fpdf was upgraded, see fontshare.go", fo.shareErr)
	}
	own := probeDoc(fo.parse)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if got := probeDoc(fo.add); !bytes.Equal(got, own) {
				t.Error("a document with shared fonts differs from one with its own")
			}
		})
	}
	wg.Wait()
}

// TestClean: runes the font lacks become '?', white space is normalised,
// CPR numbers are masked.
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
	}
	for _, tc := range tests {
		if got := fo.clean(tc.in); got != tc.want {
			t.Errorf("clean(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
