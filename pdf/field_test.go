package pdf_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/testkit"
	"feltsag.dk/feltsag/pdf"
)

// The field kit's fixtures: one company, built through the engine's real
// company commands on the print date, with a workplace, staff counts,
// contacts, a visit, job openings, places and three placements of the
// dagpenge citizen of dpSag (praktik, løntilskud, fleksjob).

const (
	fixturePNr = "1003456789"
	otherPNr   = "1009876543"
)

var consultant = app.Sagsbehandler{ID: "vk-1", Navn: "Jens Ærø Kragh", Telefon: "87 13 46 10",
	Email: "jaek@jobcenter-aarhus.example", Organisation: "Jobcenter Aarhus, Virksomhedsservice"}

// company runs the commands that make the fixture company with contacts
// extra contact persons for its workplace, and returns it with the
// citizen's case it placed.
func company(tb testing.TB, contacts int) (app.Virksomhed, app.Sag) {
	tb.Helper()
	eng := testkit.Engine(tb)
	s := dpSag(tb, 2)
	actor := app.Actor{Rolle: app.RolleSagsbehandler, ID: consultant.ID}
	at := printed.Add(-2 * time.Hour)
	var v *app.Virksomhed
	n := 0
	run := func(body app.VBody, sag *app.Sag) {
		tb.Helper()
		n++
		res, err := eng.ExecuteVirksomhed(v, app.VCommand{ID: app.ID(fmt.Sprintf("vc-%d", n)), Virksomhed: "virk-1", Actor: actor, At: at, Body: body}, sag)
		if err != nil {
			tb.Fatalf("%s: %v", body.Kind(), err)
		}
		v = res.Virksomhed
	}
	addr := app.Adresse{Vej: "Ålborgvej 12", Postnr: "8200", By: "Aarhus N"}
	run(&app.OpretVirksomhed{CVR: "13748136", Navn: "Bøgh & Sønner ApS", Adresse: addr, Branchekode: "494100", Sektor: app.SektorPrivat}, nil)
	run(&app.RegistrerEnhed{PNummer: fixturePNr, Navn: "Bøgh & Sønner, lager Østjylland", Adresse: app.Adresse{Vej: "Ørnevej 3", Postnr: "8220", By: "Brabrand"}}, nil)
	run(&app.RegistrerEnhed{PNummer: otherPNr, Navn: "Bøgh & Sønner, kontor", Adresse: addr}, nil)
	run(&app.OpdaterAnsatte{PNummer: fixturePNr, Ansatte: 23.5, Dato: today.AddDays(-7)}, nil)
	run(&app.OpdaterAnsatte{SenesteMaaned: 41.2, Gns12Mdr: 39.75, Dato: today.AddDays(-7)}, nil)
	run(&app.TilfoejKontaktperson{KontaktpersonID: "kp-1", Navn: "Åse Ærenlund", Rolle: "leder", Telefon: "86 12 34 56",
		Email: "aae@boegh.example", PNummer: fixturePNr}, nil)
	run(&app.TilfoejKontaktperson{KontaktpersonID: "kp-2", Navn: "Øjvind Bøgh", Rolle: "tillidsrepraesentant", Telefon: "86 12 34 57"}, nil)
	run(&app.TilfoejKontaktperson{KontaktpersonID: "kp-3", Navn: "Karin Kontor", Rolle: "hr", PNummer: otherPNr}, nil)
	for i := range contacts {
		run(&app.TilfoejKontaktperson{KontaktpersonID: app.ID(fmt.Sprintf("kp-x%d", i)), Navn: fmt.Sprintf("Mentor nr. %d Søndergård", i+1),
			Rolle: "mentor", Telefon: fmt.Sprintf("86 %02d 77 %02d", i%100, i%100), Email: fmt.Sprintf("mentor%d@boegh.example", i+1), PNummer: fixturePNr}, nil)
	}
	run(&app.RegistrerVirksomhedskontakt{KontaktID: "kontakt-1", Dato: today, Form: "besoeg", PNummer: fixturePNr,
		Formaal: "Opfølgning på praktik og nye pladser på lageret", Ordning: app.OrdningPraktik,
		Udfald:      "Virksomheden vil gerne tage to praktikanter mere i foråret. Åse Ærenlund sender en opgavebeskrivelse; næste skridt er et møde med tillidsrepræsentanten.\nTruckcertifikat er et ønske, ikke et krav.",
		Opfoelgning: today.AddDays(21)}, nil)
	run(&app.GemJobordre{JobordreID: "job-1", Titel: "Lagermedarbejder med truckcertifikat", Disco: "833400", Timer: 37, Antal: 2,
		Periode: app.Period{Start: today.AddDays(14)}, Krav: []string{"Truckcertifikat B"}, Status: "aaben", PNummer: fixturePNr}, nil)
	run(&app.GemJobordre{JobordreID: "job-2", Titel: "Chauffør", Disco: "833200", Timer: 37, Antal: 1,
		Periode: app.Period{Start: today.AddDays(-60)}, Status: "besat"}, nil)
	run(&app.GemPlads{PladsID: "plads-p", Ordning: app.OrdningPraktik, PNummer: fixturePNr, Titel: "Lager og pakkeri – praktik",
		Antal: 3, Timer: 30, Periode: app.Period{Start: today.AddDays(-30), Slut: today.AddDays(200)}}, nil)
	run(&app.GemPlads{PladsID: "plads-l", Ordning: app.OrdningLoentilskud, PNummer: fixturePNr, Titel: "Lagermedarbejder i løntilskud",
		Antal: 1, Timer: 37, Periode: app.Period{Start: today.AddDays(-30), Slut: today.AddDays(300)}}, nil)
	run(&app.GemPlads{PladsID: "plads-f", Ordning: app.OrdningFleksjob, PNummer: fixturePNr, Titel: "Fleksjob på kontoret",
		Antal: 1, Timer: 15, Periode: app.Period{Start: today.AddDays(-30)}}, nil)
	start := today.AddDays(4)
	run(&app.Placer{PlaceringID: "pl-praktik", Sag: s.ID, PladsID: "plads-p", Periode: app.Period{Start: start, Slut: start.AddDays(27)},
		Timer: 18.5, Formaal: "Afklare jobmålet lagerarbejder og træne truckkørsel i praksis."}, &s)
	run(&app.Placer{PlaceringID: "pl-loen", Sag: s.ID, PladsID: "plads-l", Periode: app.Period{Start: start.AddDays(35), Slut: start.AddDays(35).AddMonths(6).AddDays(-1)},
		Timer: 37, Formaal: "Oplæring i lagerstyring og varemodtagelse."}, &s)
	run(&app.Placer{PlaceringID: "pl-flex", Sag: s.ID, PladsID: "plads-f", Periode: app.Period{Start: start}, Timer: 15}, &s)
	return *v, s
}

// agreementInput prints placement pl of the fixture company.
func agreementInput(tb testing.TB, v app.Virksomhed, s app.Sag, pl app.ID, lang string) pdf.AgreementInput {
	return pdf.AgreementInput{Virksomhed: v, Placering: pl, Sag: s, Rules: testkit.Rules(tb), Sagsbehandler: consultant,
		Jobcenter: "Jobcenter Aarhus", Printed: printed, Lang: lang}
}

func visitInput(v app.Virksomhed, lang string) pdf.VisitInput {
	return pdf.VisitInput{Virksomhed: v, Kontakt: "kontakt-1", Hvem: consultant.Navn, Sagsbehandler: consultant,
		Jobcenter: "Jobcenter Aarhus", Printed: printed, Lang: lang}
}

// renderField renders with f and returns the document and its info.
func renderField(t *testing.T, f func(*bytes.Buffer) (pdf.FieldInfo, error)) ([]byte, pdf.FieldInfo) {
	t.Helper()
	var buf bytes.Buffer
	info, err := f(&buf)
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	if info.Bytes != int64(buf.Len()) {
		t.Errorf("Info.Bytes = %d, wrote %d", info.Bytes, buf.Len())
	}
	return buf.Bytes(), info
}

// TestGoldenAgreement renders the agreements of a praktik and a
// løntilskud placement (Danish and English, and with a contact list long
// enough to break the page), checks them with qpdf and pdftotext — the
// parties, the declarations with their basis and rule id, masked CPR,
// æøå — and compares them with their golden files.
func TestGoldenAgreement(t *testing.T) {
	v, s := company(t, 0)
	long, ls := company(t, 45)
	tests := []struct {
		name     string
		v        app.Virksomhed
		s        app.Sag
		pl       app.ID
		lang     string
		kind     pdf.Kind
		minPages int
		want     []string
		not      []string // what a company must not get on paper
	}{
		{"aftale_praktik", v, s, "pl-praktik", "da", pdf.KindAftalePraktik, 1,
			[]string{"Aftale om virksomhedspraktik", "Bøgh & Sønner ApS", "CVR-nr. 13748136", "P-nr. 1003456789",
				"Søren Ærbøl Østergård", "CPR-nr. 030588-XXXX", "Jens Ærø Kragh", "Lager og pakkeri – praktik",
				"16.03.2026–12.04.2026", "18 t 30 min", "Afklare jobmålet lagerarbejder",
				"Åse Ærenlund", "Øjvind Bøgh", "Tillidsrepræsentant", "fortrænger ikke ordinært arbejde",
				"har 23,5 ordinært ansatte", "højst have 4 personer", "Med denne aftale er 0,5 af de 4 pladser brugt i perioden; en person på deltid tæller med sine timer pr. uge delt med 37", "Bøgh & Sønner, lager Østjylland Ørnevej 3, 8220 Brabrand 1003456789",
				"bekendtgørelse om en aktiv beskæftigelsesindsats § 65 · Feltsag-regel vh-rimelighed",
				"For virksomheden (navn og stilling)", "For jobcentret", "Regelsæt 2026-02", "Side 1 af"},
			[]string{"Karin Kontor", "Åbyhøjgade", "Dagpenge", "match", "merbeskæftigelse"}},
		{"aftale_loentilskud", v, s, "pl-loen", "da", pdf.KindAftaleLoentilskud, 1,
			[]string{"Aftale om ansættelse med løntilskud", "hos en privat arbejdsgiver", "37 t",
				"nettoudvidelse af antallet af ansatte (merbeskæftigelse)", "41,2 ordinært ansatte", "39,75 i gennemsnit",
				"Feltsag-regel vh-merbeskaeftigelse", "inden for de seneste 3 måneder", "Feltsag-regel vh-erstatning",
				"lov om en aktiv beskæftigelsesindsats § 78", "§§ 71 og 72", "Med denne aftale er 1 af de 4 pladser brugt"},
			[]string{"fortrænger ikke", "Karin Kontor"}},
		{"aftale_praktik_en", v, s, "pl-praktik", "en", pdf.KindAftalePraktik, 1,
			[]string{"Work placement agreement (virksomhedspraktik)", "The company confirms", "reasonableness requirement (rimelighedskrav)",
				"18 h 30 min", "Feltsag rule vh-rimelighed", "For the company (name and position)", "Page 1 of"},
			nil},
		{"aftale_kontakter", long, ls, "pl-praktik", "da", pdf.KindAftalePraktik, 2,
			[]string{"Mentor nr. 45 Søndergård", "mentor45@boegh.example", "Underskrifter"},
			nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := agreementInput(t, tc.v, tc.s, tc.pl, tc.lang)
			doc, info := renderField(t, func(b *bytes.Buffer) (pdf.FieldInfo, error) { return renderer(t).Agreement(b, in) })
			if info.Kind != tc.kind || info.Pages < tc.minPages || info.Lang != tc.lang || info.RegelSet != "2026-02" {
				t.Errorf("Info = %+v, want kind %s, at least %d pages, language %s, rule set 2026-02", info, tc.kind, tc.minPages, tc.lang)
			}
			golden(t, tc.name, doc)
			path := writeTemp(t, tc.name, doc)
			qpdfCheck(t, path)
			text := pdfText(t, path, 0, 0)
			checkCPR(t, doc, text, fixtureCPR)
			checkDanish(t, text)
			for _, w := range tc.want {
				if !strings.Contains(flat(text), w) {
					t.Errorf("the text lacks %q", w)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(flat(text), w) {
					t.Errorf("the text has %q", w)
				}
			}
			if info := pdfInfo(t, path); strings.Contains(info, "Søren") || strings.Contains(info, "030588") {
				t.Errorf("the metadata names the citizen:\n%s", info)
			}
		})
	}
}

// TestAgreementContactsBreak: a long contact list runs over a page break
// with its header row repeated, and the signatures stay together on the
// last page under the running header with the masked CPR number.
func TestAgreementContactsBreak(t *testing.T) {
	v, s := company(t, 45)
	in := agreementInput(t, v, s, "pl-praktik", "da")
	doc, info := renderField(t, func(b *bytes.Buffer) (pdf.FieldInfo, error) { return renderer(t).Agreement(b, in) })
	path := writeTemp(t, "kontakter", doc)
	if info.Pages < 2 {
		t.Fatalf("%d pages, want at least 2", info.Pages)
	}
	p1, p2 := flat(pdfText(t, path, 1, 1)), flat(pdfText(t, path, 2, 2))
	for i, p := range []string{p1, p2} {
		if !strings.Contains(p, "Navn Rolle Telefon E-mail") || !strings.Contains(p, "Søndergård") {
			t.Errorf("page %d lacks the contact table's header row or rows:\n%s", i+1, p)
		}
	}
	if !strings.Contains(p2, "Aftale om virksomhedspraktik · Bøgh & Sønner ApS · Søren Ærbøl Østergård · CPR-nr. 030588-XXXX") {
		t.Errorf("page 2 lacks the running header:\n%s", p2)
	}
	last := flat(pdfText(t, path, info.Pages, info.Pages))
	for _, w := range []string{"Underskrifter", "For virksomheden", "Borger", "For jobcentret", fmt.Sprintf("Side %d af %d", info.Pages, info.Pages)} {
		if !strings.Contains(last, w) {
			t.Errorf("the last page lacks %q:\n%s", w, last)
		}
	}
}

// TestGoldenVisit renders the summary of the fixture's visit in Danish and
// English and compares it with its golden file.
func TestGoldenVisit(t *testing.T) {
	v, _ := company(t, 0)
	tests := []struct {
		name, lang string
		want       []string
	}{
		{"kontakt_besoeg", "da", []string{"Referat af virksomhedsbesøg", "Bøgh & Sønner ApS", "CVR-nr. 13748136", "12.03.2026",
			"Jens Ærø Kragh", "Besøg på virksomheden", "Bøgh & Sønner, lager Østjylland Ørnevej 3, 8220 Brabrand 1003456789",
			"Opfølgning på praktik og nye pladser", "Virksomhedspraktik", "to praktikanter mere i foråret", "02.04.2026",
			"Åbne jobordrer", "Lagermedarbejder med truckcertifikat", "Lager og pakkeri – praktik", "Fleksjob på kontoret", "Side 1 af 1"}},
		{"kontakt_besoeg_en", "en", []string{"Summary of a company visit", "Visit at the company", "Open job openings",
			"Places for supported employment", "Wage subsidy (løntilskud)", "12 March 2026"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := visitInput(v, tc.lang)
			doc, info := renderField(t, func(b *bytes.Buffer) (pdf.FieldInfo, error) { return renderer(t).VisitSummary(b, in) })
			if info.Kind != pdf.KindVirksomhedskontakt || info.Pages != 1 || info.Lang != tc.lang {
				t.Errorf("Info = %+v", info)
			}
			golden(t, tc.name, doc)
			path := writeTemp(t, tc.name, doc)
			qpdfCheck(t, path)
			text := flat(pdfText(t, path, 0, 0))
			checkDanish(t, text)
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("the text lacks %q", w)
				}
			}
			if strings.Contains(text, "Chauffør") {
				t.Error("a filled job opening is listed as open")
			}
		})
	}
}

// TestVisitPlaces: the places table counts the placements that fill each
// place on the contact's date, or on the first day of a place that starts
// later; a place that has ended is left out.
func TestVisitPlaces(t *testing.T) {
	v, _ := company(t, 0)
	v.Pladser = append(v.Pladser, app.Plads{ID: "plads-gl", Ordning: app.OrdningPraktik, Titel: "Gammel plads", Antal: 1, Timer: 20,
		Periode: app.Period{Start: today.AddDays(-100), Slut: today.AddDays(-1)}})
	doc, _ := renderField(t, func(b *bytes.Buffer) (pdf.FieldInfo, error) { return renderer(t).VisitSummary(b, visitInput(v, "da")) })
	text := flat(pdfText(t, writeTemp(t, "pladser", doc), 0, 0))
	// The praktik and fleksjob placements start in 4 days: on the visit
	// date the places are free.
	for _, w := range []string{"Lager og pakkeri – praktik 3 0 30 t", "Fleksjob på kontoret 1 0 15 t"} {
		if !strings.Contains(text, w) {
			t.Errorf("the text lacks %q:\n%s", w, text)
		}
	}
	if strings.Contains(text, "Gammel plads") {
		t.Error("an ended place is listed")
	}
	v.KontaktLog[0].Dato = today.AddDays(10)
	doc, _ = renderField(t, func(b *bytes.Buffer) (pdf.FieldInfo, error) { return renderer(t).VisitSummary(b, visitInput(v, "da")) })
	if text := flat(pdfText(t, writeTemp(t, "pladser2", doc), 0, 0)); !strings.Contains(text, "Lager og pakkeri – praktik 3 1 30 t") {
		t.Errorf("a running placement is not counted:\n%s", text)
	}
}

// TestFieldCPRHiddenInFreeText: a CPR number in any of the ways
// hiddenCPRs writes it, typed into the free text of a placement's purpose,
// a place's title, a contact person, the company's name and a visit's
// outcome, is masked on the page and never in the bytes; the company's
// name is also in the metadata-free running header.
func TestFieldCPRHiddenInFreeText(t *testing.T) {
	hidden := hiddenCPRs()
	texts := make([]string, len(hidden))
	for i, h := range hidden {
		texts[i] = h.text
	}
	joined := strings.Join(texts, " ; ")
	v, s := company(t, 0)
	v.Placeringer[0].Formaal = "Formål: " + joined
	v.Pladser[0].Titel = "Plads " + joined
	v.Kontakter[0].Navn = "Kontakt " + joined
	v.KontaktLog[0].Udfald = "Udfald: " + joined
	v.KontaktLog[0].Formaal = "Formål: " + joined
	named := v
	named.Navn = "Firma " + joined
	tests := []struct {
		name   string
		render func(*bytes.Buffer) (pdf.FieldInfo, error)
	}{
		{"agreement", func(b *bytes.Buffer) (pdf.FieldInfo, error) {
			return renderer(t).Agreement(b, agreementInput(t, v, s, "pl-praktik", "da"))
		}},
		{"agreement-company-name", func(b *bytes.Buffer) (pdf.FieldInfo, error) {
			return renderer(t).Agreement(b, agreementInput(t, named, s, "pl-praktik", "da"))
		}},
		{"visit", func(b *bytes.Buffer) (pdf.FieldInfo, error) { return renderer(t).VisitSummary(b, visitInput(v, "da")) }},
		{"visit-company-name", func(b *bytes.Buffer) (pdf.FieldInfo, error) {
			return renderer(t).VisitSummary(b, visitInput(named, "da"))
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, _ := renderField(t, tc.render)
			path := writeTemp(t, tc.name, doc)
			qpdfCheck(t, path)
			checkHidden(t, "the text", pdfText(t, path, 0, 0), hidden)
			if leaks := leaked(pdfInfo(t, path), hidden); len(leaks) > 0 {
				t.Errorf("the metadata shows %d full CPR numbers", len(leaks))
			}
			for _, h := range hidden {
				if bytes.Contains(doc, []byte(h.cpr)) || bytes.Contains(doc, utf16(h.cpr)) {
					t.Errorf("the PDF bytes contain the full CPR number written with %s", h.name)
				}
			}
		})
	}
}

// TestFieldDeterministic: the same input gives the same bytes, also
// rendered concurrently.
func TestFieldDeterministic(t *testing.T) {
	v, s := company(t, 3)
	in := agreementInput(t, v, s, "pl-loen", "da")
	first, _ := renderField(t, func(b *bytes.Buffer) (pdf.FieldInfo, error) { return renderer(t).Agreement(b, in) })
	docs := make([][]byte, 4)
	done := make(chan struct{})
	for i := range docs {
		go func() {
			defer func() { done <- struct{}{} }()
			var b bytes.Buffer
			if _, err := renderer(t).Agreement(&b, in); err != nil {
				t.Error(err)
			}
			docs[i] = b.Bytes()
		}()
	}
	for range docs {
		<-done
	}
	for i, d := range docs {
		if !bytes.Equal(d, first) {
			t.Errorf("render %d differs from the first", i)
		}
	}
}

// TestAgreementErrors: bad input gives an *app.Error with the right code,
// key and Danish and English messages, and writes nothing. A scheme with
// no agreement (fleksjob here; voksenlærling and jobrotation alike) is
// invalid, not a half-empty agreement.
func TestAgreementErrors(t *testing.T) {
	v, s := company(t, 0)
	tests := []struct {
		name   string
		change func(*pdf.AgreementInput)
		code   string
		key    string
	}{
		{"placement does not exist", func(in *pdf.AgreementInput) { in.Placering = "pl-findes-ikke" }, app.CodeNotFound, "not_found.placering"},
		{"fleksjob has no agreement", func(in *pdf.AgreementInput) { in.Placering = "pl-flex" }, app.CodeInvalid, "invalid.pdf.aftale_ordning"},
		{"another citizen's case", func(in *pdf.AgreementInput) { in.Sag.ID = "sag-anden" }, app.CodeInvalid, "invalid.pdf.aftale_sag"},
		{"no caseworker", func(in *pdf.AgreementInput) { in.Sagsbehandler = app.Sagsbehandler{} }, app.CodeInvalid, "invalid.pdf.sagsbehandler"},
		{"caseworker without a name", func(in *pdf.AgreementInput) { in.Sagsbehandler.Navn = "  " }, app.CodeInvalid, "invalid.pdf.sagsbehandler"},
		{"no jobcentre", func(in *pdf.AgreementInput) { in.Jobcenter = ""; in.Sagsbehandler.Organisation = "" }, app.CodeInvalid, "invalid.pdf.jobcenter"},
		{"no print time", func(in *pdf.AgreementInput) { in.Printed = time.Time{} }, app.CodeInvalid, "invalid.print_time_missing"},
		{"unknown language", func(in *pdf.AgreementInput) { in.Lang = "de" }, app.CodeInvalid, "invalid.pdf.lang"},
		{"no rule set for the start", func(in *pdf.AgreementInput) {
			in.Virksomhed.Placeringer = append([]app.Placering(nil), in.Virksomhed.Placeringer...)
			in.Virksomhed.Placeringer[0].Periode.Start = app.MustDate(2015, 1, 1)
		}, app.CodeNotFound, ""},
		{"no rules", func(in *pdf.AgreementInput) { in.Rules = nil }, app.CodeInternal, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := agreementInput(t, v, s, "pl-praktik", "da")
			tc.change(&in)
			var buf bytes.Buffer
			_, err := renderer(t).Agreement(&buf, in)
			e := app.AsError(err)
			if got := app.ErrorCode(err); got != tc.code || tc.key != "" && e.Key != tc.key {
				t.Fatalf("error = %v (code %q, key %q), want code %q key %q", err, got, e.Key, tc.code, tc.key)
			}
			if buf.Len() > 0 {
				t.Errorf("%d bytes written on error", buf.Len())
			}
			if tc.key == "" {
				return
			}
			da, en := testkit.Message(t, err, "da"), testkit.Message(t, err, "en")
			if da == "" || en == "" || da == en || strings.Contains(da, tc.key) {
				t.Errorf("messages da %q, en %q", da, en)
			}
			if tc.key == "invalid.pdf.aftale_ordning" && (!strings.Contains(da, "fleksjob") || !strings.Contains(en, "fleksjob")) {
				t.Errorf("the message does not name the scheme: %q / %q", da, en)
			}
		})
	}
	if _, err := renderer(t).Agreement(failWriter{}, agreementInput(t, v, s, "pl-praktik", "da")); app.ErrorCode(err) != app.CodeInternal {
		t.Errorf("failing writer: %v, want internal", err)
	}
}

// TestVisitErrors: a contact that is not in the log, and the print's own
// checks.
func TestVisitErrors(t *testing.T) {
	v, _ := company(t, 0)
	tests := []struct {
		name   string
		change func(*pdf.VisitInput)
		code   string
		key    string
	}{
		{"contact does not exist", func(in *pdf.VisitInput) { in.Kontakt = "kontakt-findes-ikke" }, app.CodeNotFound, "not_found.virksomhedskontakt"},
		{"no caseworker", func(in *pdf.VisitInput) { in.Sagsbehandler = app.Sagsbehandler{} }, app.CodeInvalid, "invalid.pdf.sagsbehandler"},
		{"no print time", func(in *pdf.VisitInput) { in.Printed = time.Time{} }, app.CodeInvalid, "invalid.print_time_missing"},
		{"unknown language", func(in *pdf.VisitInput) { in.Lang = "sv" }, app.CodeInvalid, "invalid.pdf.lang"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := visitInput(v, "da")
			tc.change(&in)
			var buf bytes.Buffer
			_, err := renderer(t).VisitSummary(&buf, in)
			if e := app.AsError(err); app.ErrorCode(err) != tc.code || e.Key != tc.key || buf.Len() > 0 {
				t.Errorf("error = %v (key %q), %d bytes; want code %q key %q", err, e.Key, buf.Len(), tc.code, tc.key)
			}
		})
	}
}
