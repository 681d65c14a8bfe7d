package pdf_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/pdf"
)

// accessEntries is a log of n records: views and changes by two
// caseworkers on two devices, one a minute.
func accessEntries(n int) []pdf.AccessEntry {
	var es []pdf.AccessEntry
	for i := range n {
		e := pdf.AccessEntry{At: printed.Add(time.Duration(i-n) * time.Minute), Action: app.ActionViewed,
			Role: app.RolleSagsbehandler, User: app.ID(fmt.Sprintf("sb%d", i%2+1)), Device: app.ID(fmt.Sprintf("laptop-%d", i%2+1)), Seq: uint64(i + 1)}
		if i%3 == 1 {
			e.Action, e.Kind, e.Field, e.Command = app.ActionChanged, "registrer_fravaer", "fravaer", app.ID(fmt.Sprintf("cmd-%03d", i))
		}
		es = append(es, e)
	}
	es = append(es, pdf.AccessEntry{At: printed, Action: "ny_handling", Role: "admin", User: "admin", Seq: uint64(n + 1)})
	return es
}

// TestAccessLogDocument: the aktindsigt PDF is sound (qpdf), names the
// case, every user, device and action in the reader's language, shows an
// action it does not know by its code, breaks a long log over pages with
// the header row repeated, and holds no CPR-like text.
func TestAccessLogDocument(t *testing.T) {
	tests := []struct {
		lang    string
		entries int
		want    []string
		pages   int
	}{
		{"da", 5, []string{"Adgangslog (aktindsigt)", "Sag sag-0042", "Set", "Ændret", "sb1", "laptop-2", "registrer_fravaer", "ny_handling", "12.03.2026", "Side 1 af 1"}, 1},
		{"en", 5, []string{"Access log (subject access)", "Case sag-0042", "Viewed", "Changed", "ny_handling", "Page 1 of 1"}, 1},
		{"da", 120, []string{"Tidspunkt", "Side 3 af"}, 3},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%d", tt.lang, tt.entries), func(t *testing.T) {
			var buf bytes.Buffer
			pages, err := renderer(t).AccessLog(&buf, pdf.AccessLogInput{Sag: "sag-0042", Entries: accessEntries(tt.entries),
				Printed: printed, PrintedBy: "admin", Lang: tt.lang})
			if err != nil {
				t.Fatal(err)
			}
			if pages < tt.pages {
				t.Errorf("pages = %d, want at least %d", pages, tt.pages)
			}
			path := writeTemp(t, "adgangslog", buf.Bytes())
			qpdfCheck(t, path)
			text := flat(pdfText(t, path, 0, 0))
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("the document lacks %q:\n%s", w, text)
				}
			}
			if pages > 1 {
				// The header row is repeated on the last page.
				if last := flat(pdfText(t, path, pages, pages)); !strings.Contains(last, "Tidspunkt") {
					t.Errorf("page %d has no header row: %s", pages, last)
				}
			}
		})
	}
}

// TestAccessLogErrors: a missing case, print time or administrator, or
// an unknown language, is refused with a Danish message and nothing is
// written.
func TestAccessLogErrors(t *testing.T) {
	ok := pdf.AccessLogInput{Sag: "sag-1", Printed: printed, PrintedBy: "admin"}
	tests := []struct {
		name string
		edit func(*pdf.AccessLogInput)
	}{
		{"no case", func(in *pdf.AccessLogInput) { in.Sag = "" }},
		{"no print time", func(in *pdf.AccessLogInput) { in.Printed = time.Time{} }},
		{"no administrator", func(in *pdf.AccessLogInput) { in.PrintedBy = "" }},
		{"unknown language", func(in *pdf.AccessLogInput) { in.Lang = "sv" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := ok
			tt.edit(&in)
			var buf bytes.Buffer
			if _, err := renderer(t).AccessLog(&buf, in); app.AsError(err) == nil || app.AsError(err).Code != app.CodeInvalid {
				t.Errorf("AccessLog = %v, want an invalid error", err)
			}
			if buf.Len() != 0 {
				t.Errorf("%d bytes written on a refusal", buf.Len())
			}
		})
	}
	var buf bytes.Buffer
	if _, err := renderer(t).AccessLog(&buf, ok); err != nil {
		t.Fatalf("an empty log: %v", err)
	}
	path := filepath.Join(t.TempDir(), "tom.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("pdftotext"); err == nil {
		if text := flat(pdfText(t, path, 0, 0)); !strings.Contains(text, "ingen registreringer") {
			t.Errorf("an empty log does not say so: %s", text)
		}
	}
}
