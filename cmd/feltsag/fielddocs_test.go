package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/testkit"
	"feltsag.dk/feltsag/pdf"
	"feltsag.dk/feltsag/store"
)

// placedCompany is a company built through the engine's company commands
// on docsNow, with a praktik and a fleksjob placement of s's citizen and a
// visit by the caseworker.
func placedCompany(t *testing.T, s *app.Sag) *app.Virksomhed {
	t.Helper()
	eng := testkit.Engine(t)
	var v *app.Virksomhed
	today := app.DateOf(docsNow)
	for i, body := range []app.VBody{
		&app.OpretVirksomhed{CVR: "13748136", Navn: "Kærgård Transport A/S", Adresse: app.Adresse{Vej: "Havnevej 2", Postnr: "8000", By: "Aarhus C"}, Sektor: app.SektorPrivat},
		&app.RegistrerEnhed{PNummer: "1003456789", Navn: "Kærgård, terminal", Adresse: app.Adresse{Vej: "Havnevej 2", Postnr: "8000", By: "Aarhus C"}},
		&app.OpdaterAnsatte{PNummer: "1003456789", Ansatte: 12},
		&app.TilfoejKontaktperson{KontaktpersonID: "kp-1", Navn: "Bjørn Ærenlund", Rolle: "leder", Telefon: "86 11 22 33"},
		&app.GemPlads{PladsID: "plads-p", Ordning: app.OrdningPraktik, PNummer: "1003456789", Titel: "Terminalmedarbejder", Antal: 2, Timer: 30,
			Periode: app.Period{Start: today, Slut: today.AddDays(180)}},
		&app.GemPlads{PladsID: "plads-f", Ordning: app.OrdningFleksjob, PNummer: "1003456789", Titel: "Fleksjob", Antal: 1, Timer: 12,
			Periode: app.Period{Start: today}},
		&app.Placer{PlaceringID: "pl-1", Sag: s.ID, PladsID: "plads-p", Periode: app.Period{Start: today.AddDays(3), Slut: today.AddDays(30)}, Timer: 25},
		&app.Placer{PlaceringID: "pl-flex", Sag: s.ID, PladsID: "plads-f", Periode: app.Period{Start: today.AddDays(3)}, Timer: 12},
		&app.RegistrerVirksomhedskontakt{KontaktID: "besoeg-1", Form: "besoeg", Formaal: "Praktik på terminalen", Udfald: "Aftalt start mandag."},
	} {
		res, err := eng.ExecuteVirksomhed(v, app.VCommand{ID: app.ID(fmt.Sprintf("vc-%d", i)), Virksomhed: "virk-1", Actor: caseworker, At: docsNow, Body: body}, s)
		if err != nil {
			t.Fatalf("%s: %v", body.Kind(), err)
		}
		v = res.Virksomhed
	}
	return v
}

// history lists action/kind/actor of id's audit records, newest first.
func history(t *testing.T, db *store.DB, id app.ID) []string {
	t.Helper()
	recs, err := db.History(id, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range recs {
		if r.Action == app.ActionPrinted || r.Action == app.ActionExported {
			out = append(out, r.Action+"/"+r.Kind+"/"+string(r.Actor.ID))
		}
	}
	return out
}

// pdfTextOf is pdftotext's text of the file at path on one line, or ""
// without pdftotext.
func pdfTextOf(t *testing.T, path string) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		return ""
	}
	out, err := exec.Command(bin, path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

// TestPrintAndSaveAgreement: the agreement of a praktik placement goes to
// the print handler as a real PDF with the citizen's masked CPR only, and
// its print and its save are recorded on the citizen's case and on the
// company, with the document kind the Historik names.
func TestPrintAndSaveAgreement(t *testing.T) {
	db, s, _ := replicaWithPlan(t)
	v := placedCompany(t, s)
	var printedPath string
	var text string
	d := newTestDocuments(t, db, func(path string) error {
		printedPath = path
		text = pdfTextOf(t, path)
		return nil
	})
	f := newFieldDocuments(d)
	if err := f.PrintAgreement(v, "pl-1", s, caseworker); err != nil {
		t.Fatalf("PrintAgreement: %v", err)
	}
	if base := filepath.Base(printedPath); !strings.HasPrefix(base, "aftale-praktik-") || strings.Contains(base, "Søndergaard") {
		t.Errorf("print file %q", base)
	}
	if info, err := os.Stat(printedPath); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("print file mode: %v %v", info, err)
	}
	if text != "" {
		for _, want := range []string{"Aftale om virksomhedspraktik", "Kærgård Transport A/S", "P-nr. 1003456789", "010190-XXXX",
			"Kåre Sørensen", "Jobcenter Aarhus", "Bjørn Ærenlund"} {
			if !strings.Contains(text, want) {
				t.Errorf("the printed agreement lacks %q", want)
			}
		}
		if strings.Contains(text, testkit.DefaultCPR) || strings.Contains(text, "010190-1001") {
			t.Error("the printed agreement shows the full CPR number")
		}
	}
	var saved bytes.Buffer
	if err := f.SaveAgreement(v, "pl-1", s, caseworker, &saved); err != nil {
		t.Fatalf("SaveAgreement: %v", err)
	}
	if !bytes.HasPrefix(saved.Bytes(), []byte("%PDF")) || pageCount(saved.Bytes()) < 1 {
		t.Errorf("saved agreement: %d bytes, %d pages", saved.Len(), pageCount(saved.Bytes()))
	}
	want := []string{"exported/aftale_praktik/cw1", "printed/aftale_praktik/cw1"}
	if got := history(t, db, s.ID); !slices.Equal(got, want) {
		t.Errorf("the case's history = %q, want %q", got, want)
	}
	if got := history(t, db, v.ID); !slices.Equal(got, want) {
		t.Errorf("the company's history = %q, want %q", got, want)
	}
}

// TestPrintAndSaveVisit: the visit summary is printed and saved and
// recorded on the company only (it names no citizen).
func TestPrintAndSaveVisit(t *testing.T) {
	db, s, _ := replicaWithPlan(t)
	v := placedCompany(t, s)
	var text string
	d := newTestDocuments(t, db, func(path string) error { text = pdfTextOf(t, path); return nil })
	f := newFieldDocuments(d)
	if err := f.PrintVisit(v, "besoeg-1", caseworker); err != nil {
		t.Fatalf("PrintVisit: %v", err)
	}
	if text != "" {
		for _, want := range []string{"Referat af virksomhedsbesøg", "Praktik på terminalen", "Aftalt start mandag.", "Jobcentret", "af cw1"} {
			if !strings.Contains(text, want) {
				t.Errorf("the printed summary lacks %q:\n%s", want, text)
			}
		}
	}
	var saved bytes.Buffer
	if err := f.SaveVisit(v, "besoeg-1", caseworker, &saved); err != nil || !bytes.HasPrefix(saved.Bytes(), []byte("%PDF")) {
		t.Fatalf("SaveVisit: %v, %d bytes", err, saved.Len())
	}
	if got, want := history(t, db, v.ID), []string{"exported/virksomhedskontakt/cw1", "printed/virksomhedskontakt/cw1"}; !slices.Equal(got, want) {
		t.Errorf("the company's history = %q, want %q", got, want)
	}
	if got := history(t, db, s.ID); len(got) != 0 {
		t.Errorf("the visit summary was recorded on the citizen's case: %q", got)
	}
}

// TestFieldDocumentNotPrinted: a document that cannot be made (fleksjob
// has no agreement; an unknown contact) is neither recorded nor handed to
// the printer; with the replica locked nothing is recorded, so nothing is
// printed or saved; a failing printer is reported in the UI's words.
func TestFieldDocumentNotPrinted(t *testing.T) {
	db, s, _ := replicaWithPlan(t)
	v := placedCompany(t, s)
	calls := 0
	handoff := func(string) error { calls++; return nil }
	f := newFieldDocuments(newTestDocuments(t, db, func(p string) error { return handoff(p) }))
	if err := f.PrintAgreement(v, "pl-flex", s, caseworker); app.AsError(err) == nil || app.AsError(err).Key != "invalid.pdf.aftale_ordning" {
		t.Errorf("PrintAgreement of a fleksjob = %v", err)
	}
	if err := f.PrintVisit(v, "findes-ikke", caseworker); app.ErrorCode(err) != app.CodeNotFound {
		t.Errorf("PrintVisit of an unknown contact = %v", err)
	}
	if calls != 0 || len(history(t, db, v.ID))+len(history(t, db, s.ID)) != 0 {
		t.Errorf("a refused document was printed (%d) or recorded", calls)
	}
	handoff = func(string) error { calls++; return errors.New("lp: no default destination") }
	if err := f.PrintVisit(v, "besoeg-1", caseworker); app.AsError(err) == nil || app.AsError(err).Key != "internal.print_failed" {
		t.Errorf("PrintVisit to a failing printer = %v", err)
	}
	db.Lock()
	calls = 0
	if err := f.PrintAgreement(v, "pl-1", s, caseworker); app.AsError(err) == nil || app.AsError(err).Rule != store.RuleNotOpen || calls != 0 {
		t.Errorf("PrintAgreement with the replica locked = %v, handler called %d times", err, calls)
	}
	var w bytes.Buffer
	if err := f.SaveVisit(v, "besoeg-1", caseworker, &w); err == nil || w.Len() != 0 {
		t.Errorf("SaveVisit with the replica locked = %v, %d bytes written", err, w.Len())
	}
}

// TestFieldDocumentKindsHaveHistoryNames: the Historik names every kind a
// field-kit print or save is recorded with, in both languages (else it
// says the generic "dokument").
func TestFieldDocumentKindsHaveHistoryNames(t *testing.T) {
	cat := testkit.Catalogue(t)
	for _, k := range []pdf.Kind{pdf.KindAftalePraktik, pdf.KindAftaleLoentilskud, pdf.KindVirksomhedskontakt} {
		for _, l := range []string{"da", "en"} {
			if key := "history.document." + string(k); !cat.Has(l, key) {
				t.Errorf("%s.json has no %s", l, key)
			}
		}
	}
}
