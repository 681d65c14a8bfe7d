package pdf_test

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/pdf"
)

var update = flag.Bool("update", false, "rewrite the golden files in pdf/testdata")

// golden compares doc with testdata/name.pdf byte for byte. With -update
// it rewrites the file; on a mismatch it writes the new document to
// testdata/failed/name.pdf (git-ignored) to compare by eye.
func golden(t *testing.T, name string, doc []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".pdf")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, doc, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run `go test ./pdf -run %s -update` to create it)", err, t.Name())
	}
	if bytes.Equal(doc, want) {
		return
	}
	failed := filepath.Join("testdata", "failed", name+".pdf")
	_ = os.MkdirAll(filepath.Dir(failed), 0o755)
	_ = os.WriteFile(failed, doc, 0o644)
	t.Errorf("%s differs from the golden file (%d bytes, want %d); the new one is in %s. "+
		"If the change is intended, run `go test ./pdf -run %s -update`.", name, len(doc), len(want), failed, t.Name())
}

// render renders in and returns the document and its Info.
func render(t *testing.T, in pdf.Input) ([]byte, pdf.Info) {
	t.Helper()
	var buf bytes.Buffer
	info, err := renderer(t).Render(&buf, in)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	if info.Bytes != int64(buf.Len()) {
		t.Errorf("Info.Bytes = %d, wrote %d", info.Bytes, buf.Len())
	}
	return buf.Bytes(), info
}

// TestGolden renders one fixture per document type and situation, checks
// each with qpdf and pdftotext, and compares it with its golden file.
func TestGolden(t *testing.T) {
	tests := []struct {
		name     string
		sag      app.Sag
		lang     string
		kind     pdf.Kind
		minPages int
		want     []string // phrases the text must contain
	}{
		{"minplan_kort", dpSag(t, 2), "da", pdf.KindMinPlan, 1,
			[]string{"Min Plan", "Jobplan", "Dagpengemodtager", "Match 2 – indsatsklar", "Lagerarbejder med truckcertifikat",
				"Du skal søge mindst 3 job om ugen.", "Virksomhedspraktik", "Skal stå til rådighed for arbejde", "Klagevejledning", "Side 1 af"}},
		{"minplan_lang", dpSag(t, 28), "da", pdf.KindMinPlan, 3,
			[]string{"Kontaktperson nr. 28", "Status og opfølgning", "Dine rettigheder og pligter", "Underskrift"}},
		{"minplan_lang_en", dpSag(t, 28), "en", pdf.KindMinPlan, 3,
			[]string{"My Plan (Min Plan)", "Contact group (kontaktgruppe)", "Your rights and duties", "Must attend job meetings", "Page 1 of"}},
		{"uddannelsesplan", uddSag(t), "da", pdf.KindUddannelsesplan, 1,
			[]string{"Uddannelsesplan", "Uddannelsespålæg", "Frist: 01.05.2026", "Uddannelsesparat", "Ahmad Yılmaz", "Klagevejledning"}},
		{"sdp_aftale", sdpSag(t), "da", pdf.KindSDPAftale, 1,
			[]string{"Aftale om opfølgning", "Sygedagpenge kategori 2", "Forventet raskmelding", "11.05.2026",
				"Delvis raskmelding med 15 timer", "Rundbordssamtale", "UDKAST"}},
		{"sygemeldt", sygemeldt(t), "da", pdf.KindMinPlan, 1,
			[]string{"Sygdom – sygemelding fra 02.03.2026 (forventet rask 11.04.2026)",
				"Det er du fritaget for lige nu (Sygdom – sygemelding)", "Fritaget for joblog indtil videre", "Afmeldt som arbejdssøgende"}},
		{"ferie", ferie(t), "da", pdf.KindMinPlan, 1,
			[]string{"Ferie 09.03.2026–20.03.2026", "Det er du fritaget for lige nu (Ferie)", "Fritaget for joblog til og med 20.03.2026",
				"Skal være tilmeldt som arbejdssøgende"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, info := render(t, input(t, tc.sag, tc.lang))
			if info.Kind != tc.kind || info.Pages < tc.minPages || info.Version != tc.sag.Planer[0].Version {
				t.Errorf("Info = %+v, want kind %s, at least %d pages, version %d", info, tc.kind, tc.minPages, tc.sag.Planer[0].Version)
			}
			golden(t, tc.name, doc)
			path := writeTemp(t, tc.name, doc)
			qpdfCheck(t, path)
			text := pdfText(t, path, 0, 0)
			checkCPR(t, doc, text, string(tc.sag.Borger.CPR.Digits()))
			checkDanish(t, text)
			for _, w := range tc.want {
				if !strings.Contains(flat(text), w) {
					t.Errorf("the text lacks %q", w)
				}
			}
		})
	}
}

// TestLongTableBreaks checks that the long plan's activity table runs over
// a page break and repeats its header row on the next page.
func TestLongTableBreaks(t *testing.T) {
	doc, info := render(t, input(t, dpSag(t, 28), "da"))
	path := writeTemp(t, "lang", doc)
	if info.Pages < 3 {
		t.Fatalf("%d pages, want at least 3", info.Pages)
	}
	p1, p2 := flat(pdfText(t, path, 1, 1)), flat(pdfText(t, path, 2, 2))
	for _, p := range []string{p1, p2} {
		if !strings.Contains(p, "Tilbud Udbyder Periode Timer/uge Kontakt") || !strings.Contains(p, "Kontaktperson nr.") {
			t.Errorf("a page of the table lacks the header row or activity rows:\n%s", p)
		}
	}
	if !strings.Contains(p2, "CPR-nr. 030588-XXXX") || !strings.Contains(p2, "Side 2 af") {
		t.Errorf("page 2 lacks the running header or the footer:\n%s", p2)
	}
}

// TestCPRInFreeText: a CPR number typed into the plan's free text is
// masked on paper, in both forms.
func TestCPRInFreeText(t *testing.T) {
	s := dpSag(t, 2)
	s.Planer[0].StatusTekst = "Husk: CPR 030588-1237, også skrevet 0305881237 eller 030588 1237. Telefon 12345678."
	s.Planer[0].Jobmaal = append(s.Planer[0].Jobmaal, "Mål for 0305881237")
	doc, _ := render(t, input(t, s, "da"))
	path := writeTemp(t, "fritekst", doc)
	text := pdfText(t, path, 0, 0)
	checkCPR(t, doc, text, fixtureCPR)
	if !strings.Contains(text, "Telefon 12345678") {
		t.Error("an 8-digit phone number was masked or lost")
	}
}

// TestDeterministic: the same input gives the same bytes, also when
// documents are rendered concurrently (run with -race).
func TestDeterministic(t *testing.T) {
	in := input(t, dpSag(t, 12), "da")
	first, _ := render(t, in)
	var wg sync.WaitGroup
	docs := make([][]byte, 6)
	for i := range docs {
		wg.Go(func() {
			var buf bytes.Buffer
			if _, err := renderer(t).Render(&buf, in); err != nil {
				t.Error(err)
			}
			docs[i] = buf.Bytes()
		})
	}
	wg.Wait()
	for i, d := range docs {
		if !bytes.Equal(d, first) {
			t.Errorf("render %d differs from the first (%d vs %d bytes)", i, len(d), len(first))
		}
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// TestErrors: bad input gives an *app.Error with the right code and a
// Danish message.
func TestErrors(t *testing.T) {
	ok := func() pdf.Input { return input(t, dpSag(t, 1), "da") }
	tests := []struct {
		name   string
		change func(*pdf.Input)
		code   string
	}{
		{"plan not found", func(in *pdf.Input) { in.PlanID = "findes-ikke" }, app.CodeNotFound},
		{"unknown language", func(in *pdf.Input) { in.Lang = "de" }, app.CodeInvalid},
		{"no print time", func(in *pdf.Input) { in.Printed = time.Time{} }, app.CodeInvalid},
		{"no caseworker", func(in *pdf.Input) { in.PrintedBy = app.Sagsbehandler{} }, app.CodeInvalid},
		{"kind does not fit", func(in *pdf.Input) { in.Kind = pdf.KindSDPAftale }, app.CodeInvalid},
		{"no jobcentre", func(in *pdf.Input) { in.Jobcenter = ""; in.Sag.Planer[0].Ansvarlig.Organisation = "" }, app.CodeInvalid},
		{"no rules", func(in *pdf.Input) { in.Rules = nil }, app.CodeInternal},
		{"print date before any rule set", func(in *pdf.Input) { in.Printed = printed.AddDate(-5, 0, 0) }, app.CodeNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := ok()
			tc.change(&in)
			var buf bytes.Buffer
			_, err := renderer(t).Render(&buf, in)
			if got := app.ErrorCode(err); got != tc.code {
				t.Fatalf("code = %q (%v), want %q", got, err, tc.code)
			}
			if app.AsError(err).Key == "" || buf.Len() > 0 {
				t.Errorf("no message key, or %d bytes written on error", buf.Len())
			}
		})
	}
	if _, err := renderer(t).Render(failWriter{}, ok()); app.ErrorCode(err) != app.CodeInternal {
		t.Errorf("failing writer: %v, want internal", err)
	}
}

// TestNoKontaktgruppe: a case whose kontaktgruppe has ended still prints,
// with the rights everybody has.
func TestNoKontaktgruppe(t *testing.T) {
	s := dpSag(t, 1)
	kg := *s.Kontaktgruppe
	kg.Periode.Slut = today.AddDays(-3)
	s.Kontaktgruppe, s.KGHistorik = nil, []app.KGForloeb{kg}
	doc, _ := render(t, input(t, s, "da"))
	text := flat(pdfText(t, writeTemp(t, "ingen-kg", doc), 0, 0))
	for _, want := range []string{"Du har ingen aktiv kontaktgruppe pr. 12.03.2026", "Har ret til at blive tilmeldt som arbejdssøgende"} {
		if !strings.Contains(text, want) {
			t.Errorf("the text lacks %q", want)
		}
	}
}
