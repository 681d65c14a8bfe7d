package ui_test

import (
	"context"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/testkit"
	"feltsag.dk/feltsag/ui"
)

// fakeCompanies is the consultant's companies in memory over the real
// engine; it records what the screens ask for. A henvis or placer runs on
// the citizen's case in cases, and its follow-up commands are committed
// there, as the replica does.
type fakeCompanies struct {
	engine     *app.Engine
	cases      *fakeCases
	companies  []*app.Virksomhed
	pending    map[app.ID]int
	readOnly   map[app.ID]bool
	conflicts  map[app.ID][]app.Conflict
	candidates map[app.ID][]app.Kandidat // by opening or place

	searches []string
	views    []app.ID
	asked    []app.ID // Candidates' targets
	commits  []app.VCommand
}

func (f *fakeCompanies) find(id app.ID) *app.Virksomhed {
	for _, v := range f.companies {
		if v.ID == id {
			return v
		}
	}
	return nil
}

func (f *fakeCompanies) Companies() ([]app.VirksomhedSummary, error) {
	var out []app.VirksomhedSummary
	for _, v := range f.companies {
		s := app.VirksomhedSummaryOf(v, app.DateOf(testNow))
		s.Pending, s.Conflicts, s.ReadOnly = f.pending[v.ID], len(f.conflicts[v.ID]), f.readOnly[v.ID]
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b app.VirksomhedSummary) int { return strings.Compare(a.Navn, b.Navn) })
	return out, nil
}

// SearchCompanies finds names only: what the list filters itself must not
// depend on it.
func (f *fakeCompanies) SearchCompanies(q string, _ app.Actor) ([]app.VirksomhedSummary, error) {
	f.searches = append(f.searches, q)
	all, _ := f.Companies()
	return slices.DeleteFunc(all, func(s app.VirksomhedSummary) bool {
		return !strings.Contains(strings.ToLower(s.Navn), strings.ToLower(q))
	}), nil
}

func (f *fakeCompanies) ViewCompany(id app.ID, _ app.Actor) (*app.Virksomhed, error) {
	f.views = append(f.views, id)
	if v := f.find(id); v != nil {
		return v.Clone(), nil
	}
	return nil, app.Errorf(app.CodeNotFound, "", "not_found.virksomhed")
}

func (f *fakeCompanies) CommitCompany(cmd app.VCommand) (*app.VResult, error) {
	v := f.find(cmd.Virksomhed)
	if v == nil {
		return nil, errors.New("no such company")
	}
	var sag *app.Sag
	switch b := cmd.Body.(type) {
	case *app.Henvis:
		sag = f.cases.find(b.Sag)
	case *app.Placer:
		sag = f.cases.find(b.Sag)
	}
	res, err := f.engine.ExecuteVirksomhed(v, cmd, sag)
	if err != nil {
		return nil, err
	}
	for _, c := range res.Foelger {
		if _, err := f.cases.Commit(c); err != nil {
			return nil, err
		}
	}
	f.commits = append(f.commits, cmd)
	*v = *res.Virksomhed.Clone()
	v.Version++
	f.pending[v.ID]++
	return res, nil
}

func (f *fakeCompanies) Candidates(company, target app.ID, _ app.Actor) ([]app.Kandidat, error) {
	f.asked = append(f.asked, target)
	return f.candidates[target], nil
}

func (f *fakeCompanies) CompanyConflicts(id app.ID) ([]app.Conflict, error) {
	return f.conflicts[id], nil
}

// fakeFieldDocs records the prints and saves.
type fakeFieldDocs struct{ calls []string }

func (d *fakeFieldDocs) PrintAgreement(v *app.Virksomhed, p app.ID, s *app.Sag, _ app.Actor) error {
	d.calls = append(d.calls, "print_agreement "+string(v.ID)+" "+string(p)+" "+string(s.ID))
	return nil
}

func (d *fakeFieldDocs) SaveAgreement(v *app.Virksomhed, p app.ID, s *app.Sag, _ app.Actor, w io.Writer) error {
	d.calls = append(d.calls, "save_agreement "+string(v.ID)+" "+string(p)+" "+string(s.ID))
	_, err := io.WriteString(w, "%PDF-aftale")
	return err
}

func (d *fakeFieldDocs) PrintVisit(v *app.Virksomhed, k app.ID, _ app.Actor) error {
	d.calls = append(d.calls, "print_visit "+string(v.ID)+" "+string(k))
	return nil
}

func (d *fakeFieldDocs) SaveVisit(v *app.Virksomhed, k app.ID, _ app.Actor, w io.Writer) error {
	d.calls = append(d.calls, "save_visit "+string(v.ID)+" "+string(k))
	_, err := io.WriteString(w, "%PDF-referat")
	return err
}

// run executes a company command on v for the fixture and returns the
// result's company.
func run(t *testing.T, eng *app.Engine, v *app.Virksomhed, id app.ID, body app.VBody, sag *app.Sag) *app.Virksomhed {
	t.Helper()
	cid := app.ID("fx")
	if v != nil {
		cid = v.ID
	}
	cmd := app.VCommand{ID: id, Virksomhed: cid, Actor: app.Actor{Rolle: app.RolleSagsbehandler, ID: "cw1"}, At: testNow, Body: body}
	res, err := eng.ExecuteVirksomhed(v, cmd, sag)
	if err != nil {
		t.Fatalf("fixture %s: %v", body.Kind(), err)
	}
	return res.Virksomhed
}

// fieldFixture is two companies and a caseload. Fyns Maskinfabrik in
// Odense has two workplaces (the first with 20 FTE: room for 4 in praktik
// and løntilskud), a contact person, two visits, an open opening and a
// praktik place for 4 where Duc and Ida are placed; Nyborg Plejecenter has
// a change not sent and a conflict. Karin (KG 2, aktivitetsparat) may be
// in praktik 13 weeks, longer with a begrundelse.
func fieldFixture(t *testing.T) (*fakeCases, *fakeCompanies) {
	t.Helper()
	cases := threeCases(t)
	cases.cases = append(cases.cases, testkit.NewSag(t, app.DateOf(testNow), testkit.SagArgs{ID: "sag-dddd", Navn: "Karin Ærbø", KG: 2, Kategori: "aktivitetsparat", CPR: cprFor(4)}))
	eng := testkit.Engine(t)
	day := app.MustDate
	v := run(t, eng, nil, "c1", &app.OpretVirksomhed{CVR: "13748136", Navn: "Fyns Maskinfabrik A/S", Sektor: app.SektorPrivat,
		Adresse: app.Adresse{Vej: "Havnegade 12", Postnr: "5000", By: "Odense C"}, Branchekode: "282900"}, nil)
	v.ID = "virk-fyn"
	v = run(t, eng, v, "c2", &app.RegistrerEnhed{PNummer: "1000000007", Navn: "Værkstedet"}, nil)
	v = run(t, eng, v, "c3", &app.RegistrerEnhed{PNummer: "1000000015", Navn: "Lageret"}, nil)
	v = run(t, eng, v, "c4", &app.OpdaterAnsatte{PNummer: "1000000007", Ansatte: 20}, nil)
	v = run(t, eng, v, "c5", &app.OpdaterAnsatte{SenesteMaaned: 42, Gns12Mdr: 40.5}, nil)
	v = run(t, eng, v, "c6", &app.TilfoejKontaktperson{KontaktpersonID: "kp-1", Navn: "Mette Holm", Rolle: "leder", Telefon: "61 22 33 44"}, nil)
	v = run(t, eng, v, "c7", &app.RegistrerVirksomhedskontakt{KontaktID: "k-old", Dato: day(2026, 9, 1), Form: "telefon", Formaal: "Første kontakt"}, nil)
	v = run(t, eng, v, "c8", &app.RegistrerVirksomhedskontakt{KontaktID: "k-new", Dato: day(2026, 9, 10), Form: "besoeg", Formaal: "Rundvisning",
		Udfald: "To praktikpladser aftalt", Opfoelgning: day(2026, 9, 21)}, nil)
	v = run(t, eng, v, "c9", &app.GemJobordre{JobordreID: "jo-1", Titel: "Svejser", Disco: "7212", Timer: 37, Antal: 2,
		Periode: app.Period{Start: day(2026, 10, 1)}, Status: "aaben"}, nil)
	v = run(t, eng, v, "c10", &app.GemPlads{PladsID: "pl-1", Ordning: app.OrdningPraktik, PNummer: "1000000007", Titel: "Værkstedsmedhjælper",
		Antal: 4, Timer: 37, Periode: app.Period{Start: day(2026, 8, 1), Slut: day(2026, 12, 31)}}, nil)
	for i, id := range []app.ID{"sag-a", "sag-bb"} {
		v = run(t, eng, v, app.ID("c-pl"+strconv.Itoa(i)), &app.Placer{PlaceringID: app.ID("placering-" + strconv.Itoa(i)), Sag: id, PladsID: "pl-1",
			Periode: app.Period{Start: day(2026, 9, 7), Slut: day(2026, 10, 4)}, Timer: 37}, cases.find(id))
	}
	n := run(t, eng, nil, "d1", &app.OpretVirksomhed{CVR: "24256790", Navn: "Nyborg Plejecenter", Sektor: app.SektorOffentlig,
		Adresse: app.Adresse{Vej: "Strandvejen 3", Postnr: "5800", By: "Nyborg"}}, nil)
	n.ID = "virk-nyb"
	companies := &fakeCompanies{engine: eng, cases: cases, companies: []*app.Virksomhed{v, n},
		pending: map[app.ID]int{"virk-nyb": 1}, candidates: map[app.ID][]app.Kandidat{},
		conflicts: map[app.ID][]app.Conflict{"virk-nyb": {{ID: "k1", Sag: "virk-nyb", Field: "virksomhed/ansatte", Policy: app.PolicyProtected,
			Theirs: app.ConflictSide{Author: app.Actor{Rolle: app.RolleSagsbehandler, ID: "cw2"}}, Created: testNow}}}}
	return cases, companies
}

// fieldHarness is a client past the unlock with the field kit.
func fieldHarness(t *testing.T, cases *fakeCases, companies ui.Companies, docs ui.FieldDocuments) *harness {
	t.Helper()
	test.NewTempApp(t)
	setLocale(t, "da_DK.UTF-8")
	if err := ui.LoadTranslations(); err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, acct: &fakeAccount{left: 10}, cases: cases, sync: newFakeSync(), clock: &fakeClock{t: testNow}, prefs: &fakeSettings{}}
	h.w = test.NewWindow(nil)
	t.Cleanup(h.w.Close)
	h.w.Resize(fyne.NewSize(1280, 760))
	n := 0
	h.c = ui.New(ui.Options{
		Window: h.w, Account: h.acct, Cases: cases, Sync: h.sync, Companies: companies, FieldDocuments: docs,
		Rules: testkit.Rules(t), Texts: testkit.Catalogue(t), Settings: h.prefs,
		Now: h.clock.Now, Go: synchronously, AfterFunc: atOnce,
		NewID: func() (app.ID, error) { n++; return app.ID("id-" + strconv.Itoa(n)), nil },
	})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	h.c.Start(ctx)
	_, _, password, submit, _ := h.c.StartForm()
	test.Type(password, rightPassword)
	test.Tap(submit)
	if !h.c.Unlocked() {
		t.Fatal("not unlocked")
	}
	return h
}

// openCompany shows the companies and opens the one at row i.
func openCompany(t *testing.T, h *harness, i int) {
	t.Helper()
	h.c.ShowCompanies(true)
	h.c.CompanyList().Select(i)
}

// TestFieldKitHiddenWithoutCompanies: without Options.Companies the main
// window is the caseload's as before, and Alt+2 does nothing.
func TestFieldKitHiddenWithoutCompanies(t *testing.T) {
	h := unlocked(t, threeCases(t))
	if h.c.HasFieldKit() {
		t.Fatal("the Sager/Virksomheder switch shows without Companies")
	}
	h.w.Canvas().(fyne.Shortcutable).TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.Key2, Modifier: fyne.KeyModifierAlt})
	if got := h.c.Shown(); len(got) != 3 {
		t.Errorf("after Alt+2 the case list shows %q", got)
	}
}

// TestCompanyListAndSearch: Alt+2 shows the companies, sorted, each with
// CVR in groups, town, open openings, the places' use, the next follow-up
// and badges; typing filters at once by name, CVR or address, and the
// query is logged through SearchCompanies; Alt+1 goes back to the cases.
func TestCompanyListAndSearch(t *testing.T) {
	cases, companies := fieldFixture(t)
	h := fieldHarness(t, cases, companies, nil)
	h.w.Canvas().(fyne.Shortcutable).TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.Key2, Modifier: fyne.KeyModifierAlt})
	if !h.c.CompaniesShown() {
		t.Fatal("Alt+2 did not show the companies")
	}
	if got, want := h.c.ShownCompanies(), []string{"Fyns Maskinfabrik A/S", "Nyborg Plejecenter"}; !slices.Equal(got, want) {
		t.Fatalf("companies = %q, want %q", got, want)
	}
	if h.w.Canvas().Focused() != h.c.CompanySearchField() {
		t.Error("the company search field does not have the cursor")
	}
	list := h.c.CompanyList()
	for _, want := range []string{"Fyns Maskinfabrik A/S", "13 74 81 36", "Odense C · Opfølgning 21.09 · 1 åben jobordre · 2 af 4 pladser brugt",
		"Nyborg Plejecenter", "Konflikt · 1 ikke sendt"} {
		if !labelled(list, want) {
			t.Errorf("the list does not show %q; it shows %q", want, labelTexts(list))
		}
	}
	tests := []struct {
		query string
		want  []string
	}{
		{"maskin", []string{"Fyns Maskinfabrik A/S"}},
		{"13 74 81", []string{"Fyns Maskinfabrik A/S"}},
		{"24256790", []string{"Nyborg Plejecenter"}},
		{"5800", []string{"Nyborg Plejecenter"}},
		{"havnegade odense", []string{"Fyns Maskinfabrik A/S"}},
		{"strandvejen", []string{"Nyborg Plejecenter"}},
		{"ingen", nil},
		{"", []string{"Fyns Maskinfabrik A/S", "Nyborg Plejecenter"}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			h.c.CompanySearch().SetText(tt.query)
			if got := h.c.ShownCompanies(); !slices.Equal(got, tt.want) {
				t.Errorf("search %q shows %q, want %q", tt.query, got, tt.want)
			}
		})
	}
	if !slices.Contains(companies.searches, "13 74 81") {
		t.Errorf("the searches logged = %q, want the CVR query among them", companies.searches)
	}
	h.w.Canvas().(fyne.Shortcutable).TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.Key1, Modifier: fyne.KeyModifierAlt})
	if h.c.CompaniesShown() || len(h.c.Shown()) != 4 {
		t.Errorf("Alt+1: companies shown %v, cases %q", h.c.CompaniesShown(), h.c.Shown())
	}
}

// TestCompanyCard: the card shows the register data, the contact with
// role, the contact log newest first, the opening, the place's use and the
// current placements with the rimelighedskrav's status and the days left;
// opening it is logged.
func TestCompanyCard(t *testing.T) {
	cases, companies := fieldFixture(t)
	h := fieldHarness(t, cases, companies, nil)
	openCompany(t, h, 0)
	if !slices.Equal(companies.views, []app.ID{"virk-fyn"}) {
		t.Errorf("views = %q", companies.views)
	}
	pane := h.c.FieldPane()
	for _, want := range []string{
		"Fyns Maskinfabrik A/S · CVR 13 74 81 36 · Havnegade 12, 5000 Odense C",
		"42 årsværk seneste måned, 40,5 i gennemsnit over 12 måneder",
		"P-nr. 1000000007 Værkstedet: 20 årsværk",
		"Mette Holm — Leder · 61 22 33 44",
		"10.09.2026 Besøg: Rundvisning — To praktikpladser aftalt · Opfølgning 21.09.2026",
		"Svejser (DISCO 7212) · 2 stk. · 37 t/uge · fra 01.10.2026 · åben",
		"Værkstedsmedhjælper · Virksomhedspraktik · Værkstedet · 2 af 4 pladser brugt · 37 t/uge · 01.08.2026–31.12.2026",
		"Duc Krogh Schrøder · Virksomhedspraktik · Værkstedsmedhjælper · 07.09.2026–04.10.2026 · 37 t/uge · 21 dage tilbage",
		"Rimelighedskrav: 2 af 4 pladser brugt på arbejdsstedet",
	} {
		if !labelled(pane, want) {
			t.Errorf("the card does not show %q;\nit shows %q", want, labelTexts(pane))
		}
	}
	texts := labelTexts(pane)
	newer := slices.IndexFunc(texts, func(s string) bool { return strings.Contains(s, "Rundvisning") })
	older := slices.IndexFunc(texts, func(s string) bool { return strings.Contains(s, "Første kontakt") })
	if newer < 0 || older < 0 || newer > older {
		t.Errorf("the contact log is not newest first: Rundvisning at %d, Første kontakt at %d", newer, older)
	}
	for _, id := range []app.ID{"placering-0", "k-new"} {
		for _, kind := range []string{"print_agreement", "print_visit"} {
			if b := h.c.CardButton(kind, id); b != nil && !b.Disabled() {
				t.Errorf("%s %s is enabled without FieldDocuments", kind, id)
			}
		}
	}
	if h.c.CardVisitButton().Disabled() {
		t.Error("Registrér kontakt is disabled on the consultant's own company")
	}
	companies.readOnly = map[app.ID]bool{"virk-nyb": true}
	h.c.ShowCompanies(false)
	h.c.ShowCompanies(true) // reads the list again
	openCompany(t, h, 1)
	pane = h.c.FieldPane()
	if !labelled(pane, "Konflikt om virksomhed/ansatte med cw2") {
		t.Errorf("Nyborg's card does not show its conflict: %q", labelTexts(pane))
	}
	if !h.c.CardVisitButton().Disabled() || !labelled(pane, "Kun læsning") {
		t.Errorf("a read-only company: Registrér kontakt disabled %v, card %q", h.c.CardVisitButton().Disabled(), labelTexts(pane))
	}
}

// TestVisitForm: the visit form opens with today's date and a visit
// chosen and the cursor in the purpose; a follow-up quick pick sets the
// date; a date in the future is refused inline with Gem disabled; Enter in
// the last field saves the right command; Escape cancels without saving.
func TestVisitForm(t *testing.T) {
	cases, companies := fieldFixture(t)
	h := fieldHarness(t, cases, companies, nil)
	openCompany(t, h, 0)
	test.Tap(h.c.CardVisitButton())
	if !h.c.FieldFormOpen() {
		t.Fatal("Registrér kontakt opened no form")
	}
	dato, formaal, udfald, opf := h.c.FieldFormEntry("field.f.dato"), h.c.FieldFormEntry("field.f.formaal"), h.c.FieldFormEntry("field.f.udfald"), h.c.FieldFormEntry("field.f.opfoelgning")
	if dato.Text != "14.09.2026" {
		t.Errorf("the date = %q, want today", dato.Text)
	}
	if got := h.c.FieldFormSelect("field.f.kontaktform").Selected; got != "Besøg" {
		t.Errorf("the form = %q, want Besøg", got)
	}
	if !h.c.FieldFormHasCursor("field.f.formaal") {
		t.Error("the purpose does not have the cursor")
	}
	if h.c.FieldFormSave().Disabled() == false {
		t.Error("Gem is enabled before the purpose is written")
	}
	test.Type(formaal, "Opfølgning på praktik")
	test.Type(udfald, "Forlænges ikke")
	test.Tap(h.c.VisitPicks()[1]) // +2 uger
	if opf.Text != "28.09.2026" {
		t.Errorf("+2 uger set the follow-up to %q, want 28.09.2026", opf.Text)
	}

	dato.SetText("20.09.2026")
	h.c.FieldFormCheck()
	if fx := h.c.FieldFormEffects(); !labelled(fx, "Datoen må ikke ligge i fremtiden") {
		t.Errorf("a future date shows %q, want the refusal", labelTexts(fx))
	}
	if !h.c.FieldFormSave().Disabled() {
		t.Error("Gem is enabled on a refused visit")
	}
	if len(companies.commits) != 0 {
		t.Fatal("the dry run committed")
	}

	dato.SetText("14.09.2026")
	h.c.FieldFormCheck()
	if fx := h.c.FieldFormEffects(); !labelled(fx, "Opfølgning 28.09.2026") {
		t.Errorf("the consequences = %q, want the follow-up", labelTexts(fx))
	}
	h.c.FieldFormTypeKey("field.f.opfoelgning", fyne.KeyReturn) // Enter in the last field
	if len(companies.commits) != 1 {
		t.Fatalf("Enter committed %d commands, want 1", len(companies.commits))
	}
	got, ok := companies.commits[0].Body.(*app.RegistrerVirksomhedskontakt)
	want := &app.RegistrerVirksomhedskontakt{KontaktID: got.KontaktID, Dato: app.MustDate(2026, 9, 14), Form: "besoeg",
		Formaal: "Opfølgning på praktik", Udfald: "Forlænges ikke", Opfoelgning: app.MustDate(2026, 9, 28)}
	if !ok || *got != *want || got.KontaktID == "" {
		t.Errorf("saved %#v, want %#v", companies.commits[0].Body, want)
	}
	if h.c.FieldFormOpen() || !labelled(h.c.FieldPane(), "14.09.2026 Besøg: Opfølgning på praktik — Forlænges ikke") {
		t.Errorf("after Gem the card does not show the visit: %q", labelTexts(h.c.FieldPane()))
	}
	if h.sync.kicks == 0 {
		t.Error("sync was not asked to send the visit")
	}

	test.Tap(h.c.CardVisitButton())
	test.Type(h.c.FieldFormEntry("field.f.formaal"), "Afbrudt")
	h.c.FieldFormTypeKey("field.f.formaal", fyne.KeyEscape)
	if h.c.FieldFormOpen() || len(companies.commits) != 1 {
		t.Errorf("Escape: form open %v, commits %d; want the card and nothing saved", h.c.FieldFormOpen(), len(companies.commits))
	}
}

// TestJobordrePladsKontaktForms: the opening, place and contact person
// forms save gem_jobordre, gem_plads and tilfoej_kontaktperson; a bad
// DISCO code is refused inline.
func TestJobordrePladsKontaktForms(t *testing.T) {
	cases, companies := fieldFixture(t)
	h := fieldHarness(t, cases, companies, nil)
	openCompany(t, h, 0)
	test.Tap(h.c.CardButton("edit", "jo-1"))
	disco := h.c.FieldFormEntry("field.f.disco")
	disco.SetText("72")
	h.c.FieldFormCheck()
	if fx := h.c.FieldFormEffects(); !labelled(fx, "DISCO-08-kode") {
		t.Errorf("a two-digit DISCO shows %q", labelTexts(fx))
	}
	disco.SetText("721200")
	h.c.FieldFormEntry("field.f.antal").SetText("3")
	test.Tap(h.c.FieldFormSave())
	if n := len(companies.commits); n != 1 {
		t.Fatalf("commits = %d", n)
	}
	if b, ok := companies.commits[0].Body.(*app.GemJobordre); !ok || b.JobordreID != "jo-1" || b.Antal != 3 || b.Disco != "721200" || b.Titel != "Svejser" {
		t.Errorf("saved %#v", companies.commits[0].Body)
	}

	test.Tap(h.c.CardButton("edit", "pl-1"))
	h.c.FieldFormEntry("field.f.antal").SetText("5")
	test.Tap(h.c.FieldFormSave())
	if b, ok := companies.commits[1].Body.(*app.GemPlads); !ok || b.PladsID != "pl-1" || b.Antal != 5 || b.PNummer != "1000000007" {
		t.Errorf("saved %#v", companies.commits[1].Body)
	}
	if !labelled(h.c.FieldPane(), "2 af 5 pladser brugt") {
		t.Errorf("the card after the place's change: %q", labelTexts(h.c.FieldPane()))
	}
}

// TestCandidatesAndReferral: the candidates for an opening are listed in
// the order given with their reasons (against in the warning colour);
// Henvis opens the referral form with its consequences and Gem commits a
// henvis on the opening for that citizen.
func TestCandidatesAndReferral(t *testing.T) {
	cases, companies := fieldFixture(t)
	companies.candidates["jo-1"] = []app.Kandidat{
		{Sag: "sag-ccc", Navn: "Martin Schrøder", CPR: "030375-XXXX", Score: 90, Grunde: []app.Grund{{Key: "case.tilmeldt_siden", Params: map[string]string{"Dato": "01.09.2026"}}}},
		{Sag: "sag-dddd", Navn: "Karin Ærbø", CPR: "040465-XXXX", Score: 60, Grunde: []app.Grund{{Key: "case.fravaer_none"}, {Key: "case.ikke_visiteret", Imod: true}}},
	}
	h := fieldHarness(t, cases, companies, nil)
	openCompany(t, h, 0)
	test.Tap(h.c.CardButton("candidates", "jo-1"))
	names, henvis, placer := h.c.Candidates()
	if !slices.Equal(names, []string{"Martin Schrøder", "Karin Ærbø"}) || len(henvis) != 2 || len(placer) != 0 {
		t.Fatalf("candidates %q, %d Henvis, %d Placer", names, len(henvis), len(placer))
	}
	if !slices.Equal(companies.asked, []app.ID{"jo-1"}) {
		t.Errorf("Candidates asked for %q", companies.asked)
	}
	pane := h.c.FieldPane()
	for _, want := range []string{"1. Martin Schrøder (030375-XXXX) · 90 point", "• Tilmeldt siden 01.09.2026", "2. Karin Ærbø", "• Intet aktivt fravær", "− Ikke visiteret"} {
		if !labelled(pane, want) {
			t.Errorf("the candidates do not show %q: %q", want, labelTexts(pane))
		}
	}
	texts := labelTexts(pane)
	if slices.Index(texts, "• Tilmeldt siden 01.09.2026") > slices.IndexFunc(texts, func(s string) bool { return strings.HasPrefix(s, "2. Karin") }) {
		t.Error("Martin's reason is not under Martin")
	}

	test.Tap(henvis[0])
	if !h.c.FieldFormOpen() {
		t.Fatal("Henvis opened no form")
	}
	if !slices.Contains(cases.views, "sag-ccc") {
		t.Errorf("the citizen's case was not read (views %q)", cases.views)
	}
	if fx := h.c.FieldFormEffects(); !labelled(fx, "Borgeren henvises 14.09.2026") {
		t.Errorf("the referral's consequences = %q", labelTexts(fx))
	}
	test.Tap(h.c.FieldFormSave())
	if len(companies.commits) != 1 {
		t.Fatalf("commits = %d", len(companies.commits))
	}
	b, ok := companies.commits[0].Body.(*app.Henvis)
	if !ok || b.Sag != "sag-ccc" || b.JobordreID != "jo-1" || b.PladsID != "" || b.Kanal != "skriftlig" || b.Start != app.MustDate(2026, 9, 15) {
		t.Errorf("saved %#v", companies.commits[0].Body)
	}
	if want := "Martin Schrøder → Svejser · henvist 14.09.2026 · start 15.09.2026"; !labelled(h.c.FieldPane(), want) {
		t.Errorf("the card does not show the referral %q: %q", want, labelTexts(h.c.FieldPane()))
	}
}

// TestPlacementWithBegrundelse: Placer on a place's candidate opens the
// placement form; 13 weeks and a day for an aktivitetsparat citizen asks
// for a begrundelse (vh-forlaengelse), Gem stays disabled until it is
// written, and the saved placer carries it; the plan's follow-up command
// goes to the citizen's case.
func TestPlacementWithBegrundelse(t *testing.T) {
	cases, companies := fieldFixture(t)
	companies.candidates["pl-1"] = []app.Kandidat{{Sag: "sag-dddd", Navn: "Karin Ærbø", CPR: "040465-XXXX", Score: 70}}
	h := fieldHarness(t, cases, companies, nil)
	openCompany(t, h, 0)
	test.Tap(h.c.CardButton("candidates", "pl-1"))
	_, _, placer := h.c.Candidates()
	if len(placer) != 1 {
		t.Fatalf("%d Placer buttons for a place's candidate", len(placer))
	}
	test.Tap(placer[0])
	if got := h.c.FieldFormEntry("field.f.timer").Text; got != "37" {
		t.Errorf("hours = %q, want the place's 37", got)
	}
	if h.c.FieldFormEntry("field.f.ny_funktion").Visible() {
		t.Error("the new work function shows while the company is not the last employer")
	}
	h.c.FieldFormEntry("field.f.slut").SetText("14.12.2026") // 92 days from 14.09
	h.c.FieldFormCheck()
	begr, shown := h.c.FieldFormBegrundelse()
	if !shown {
		t.Fatalf("no begrundelse asked; the form shows %q", labelTexts(h.c.FieldFormEffects()))
	}
	if !labelled(h.c.FieldFormEffects(), "kan forlænges") || !h.c.FieldFormSave().Disabled() {
		t.Errorf("the soft rule shows %q, Gem disabled %v", labelTexts(h.c.FieldFormEffects()), h.c.FieldFormSave().Disabled())
	}
	test.Type(begr, "Konkret vurdering: behov for længere afklaring")
	h.c.FieldFormCheck()
	if h.c.FieldFormSave().Disabled() {
		t.Fatalf("Gem disabled with a begrundelse: %q", labelTexts(h.c.FieldFormEffects()))
	}
	for _, want := range []string{"Borgeren placeres fra 14.09.2026 — Virksomhedspraktik", "Rimelighedskrav fra 14.09.2026 — 3 af 4 pladser brugt", "Tilbuddet skrives i borgerens jobplan", "Afvigelse med begrundelse"} {
		if !labelled(h.c.FieldFormEffects(), want) {
			t.Errorf("the consequences do not show %q: %q", want, labelTexts(h.c.FieldFormEffects()))
		}
	}
	test.Tap(h.c.FieldFormSave())
	if len(companies.commits) != 1 {
		t.Fatalf("commits = %d", len(companies.commits))
	}
	b, ok := companies.commits[0].Body.(*app.Placer)
	if !ok || b.Sag != "sag-dddd" || b.PladsID != "pl-1" || b.Begrundelse == "" || b.Periode.Slut != app.MustDate(2026, 12, 14) || b.Timer != 37 {
		t.Errorf("saved %#v", companies.commits[0].Body)
	}
	if len(cases.commits) != 1 || cases.commits[0].Sag != "sag-dddd" || cases.commits[0].Body.Kind() != "gem_plan" {
		t.Errorf("the case commands = %v, want the plan's gem_plan on sag-dddd", cases.commits)
	}
	if !labelled(h.c.FieldPane(), "Karin Ærbø · Virksomhedspraktik") {
		t.Errorf("the card does not show the new placement: %q", labelTexts(h.c.FieldPane()))
	}
}

// TestFieldPrintButtons: the agreement's and the visit summary's print
// and save buttons call FieldDocuments with the company, the record and,
// for an agreement, the citizen's case read through Cases.View.
func TestFieldPrintButtons(t *testing.T) {
	cases, companies := fieldFixture(t)
	docs := &fakeFieldDocs{}
	h := fieldHarness(t, cases, companies, docs)
	openCompany(t, h, 0)
	var saved nopCloser
	var file string
	h.c.SetFieldSaveTo(func(name string, done func(io.WriteCloser, error)) {
		file = name
		done(&saved, nil)
	})
	test.Tap(h.c.CardButton("print_agreement", "placering-1"))
	test.Tap(h.c.CardButton("save_agreement", "placering-0"))
	test.Tap(h.c.CardButton("print_visit", "k-new"))
	test.Tap(h.c.CardButton("save_visit", "k-old"))
	want := []string{
		"print_agreement virk-fyn placering-1 sag-bb",
		"save_agreement virk-fyn placering-0 sag-a",
		"print_visit virk-fyn k-new",
		"save_visit virk-fyn k-old",
	}
	if !slices.Equal(docs.calls, want) {
		t.Errorf("calls = %q, want %q", docs.calls, want)
	}
	if !slices.Contains(cases.views, "sag-bb") || !slices.Contains(cases.views, "sag-a") {
		t.Errorf("the agreements did not read the cases through View: %q", cases.views)
	}
	if saved.String() != "%PDF-aftale%PDF-referat" || !saved.closed || file != "Besøgsreferat 01.09.2026.pdf" {
		t.Errorf("saved %q in %q", saved.String(), file)
	}
	if got := h.c.CardMessage(); got != "Gemt som PDF." {
		t.Errorf("the card says %q", got)
	}
}

// TestLockHidesCompanies: the inactivity lock drops the company card and
// list; after the unlock the window starts on the cases again.
func TestLockHidesCompanies(t *testing.T) {
	cases, companies := fieldFixture(t)
	h := fieldHarness(t, cases, companies, nil)
	openCompany(t, h, 0)
	pane := h.c.FieldPane()
	h.c.Lock()
	if labelled(pane, "Fyns Maskinfabrik") {
		t.Errorf("the locked window keeps the card: %q", labelTexts(pane))
	}
	_, _, password, submit, _ := h.c.StartForm()
	test.Type(password, rightPassword)
	test.Tap(submit)
	if !h.c.HasFieldKit() || h.c.CompaniesShown() {
		t.Errorf("after the unlock: field kit %v, companies shown %v; want the cases", h.c.HasFieldKit(), h.c.CompaniesShown())
	}
}

// TestFieldFormUnreadable: an impossible date is an error under its field
// and a word in a number field is said in the form; Gem stays disabled.
func TestFieldFormUnreadable(t *testing.T) {
	cases, companies := fieldFixture(t)
	h := fieldHarness(t, cases, companies, nil)
	openCompany(t, h, 0)
	test.Tap(h.c.CardButton("edit", "pl-1"))
	tests := []struct {
		field, text, want string
	}{
		{"field.f.antal", "fire", "»fire« i Antal er ikke et tal."},
		{"field.f.start", "31.02.2026", "31.02.2026"},
	}
	for _, tt := range tests {
		t.Run(tt.field, func(t *testing.T) {
			e := h.c.FieldFormEntry(tt.field)
			old := e.Text
			e.SetText(tt.text)
			h.c.FieldFormCheck()
			if !labelled(h.c.FieldPane(), tt.want) || !h.c.FieldFormSave().Disabled() {
				t.Errorf("%s = %q: the form shows %q, Gem disabled %v", tt.field, tt.text, labelTexts(h.c.FieldPane()), h.c.FieldFormSave().Disabled())
			}
			e.SetText(old)
		})
	}
}

// TestFieldCtrlS: Ctrl+S saves the company form shown, when its dry run
// allows it, and not the case's form behind it.
func TestFieldCtrlS(t *testing.T) {
	cases, companies := fieldFixture(t)
	h := fieldHarness(t, cases, companies, nil)
	openCompany(t, h, 0)
	test.Tap(h.c.CardButton("edit", "jo-1"))
	h.c.FieldFormEntry("field.f.timer").SetText("30")
	h.w.Canvas().(fyne.Shortcutable).TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault})
	if len(companies.commits) != 1 || len(cases.commits) != 0 {
		t.Fatalf("Ctrl+S: %d company commands, %d case commands; want 1 and 0", len(companies.commits), len(cases.commits))
	}
	if b := companies.commits[0].Body.(*app.GemJobordre); b.Timer != 30 {
		t.Errorf("saved %d hours, want 30", b.Timer)
	}
}
