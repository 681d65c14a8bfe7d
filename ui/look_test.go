package ui_test

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/ui"
)

// pressShortcut delivers s as Fyne's desktop driver does: to the focused
// widget when it takes shortcuts (a text field does), else to the canvas.
// The tests' TypedShortcut on the canvas skips the focused field.
func pressShortcut(t *testing.T, w fyne.Window, s fyne.Shortcut) {
	t.Helper()
	if f, ok := w.Canvas().Focused().(fyne.Shortcutable); ok {
		f.TypedShortcut(s)
		return
	}
	w.Canvas().(fyne.Shortcutable).TypedShortcut(s)
}

// TestShortcutsFromAFocusedField: the window's shortcuts work with the
// cursor in a text field, where the consultant's cursor nearly always is:
// Alt+2 from the case search (it has the cursor after sign-in), Alt+1
// from the company search (it gets the cursor with Alt+2), Ctrl+S in a
// company form's field. A focused Entry takes every shortcut itself and
// drops the ones it does not know.
func TestShortcutsFromAFocusedField(t *testing.T) {
	alt := func(k fyne.KeyName) fyne.Shortcut {
		return &desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierAlt}
	}
	cases, companies := fieldFixture(t)
	h := fieldHarness(t, cases, companies, nil)

	h.c.FocusSearch()
	pressShortcut(t, h.w, alt(fyne.Key2))
	if !h.c.CompaniesShown() {
		t.Fatal("Alt+2 in the case search did not show the companies")
	}
	pressShortcut(t, h.w, alt(fyne.Key1))
	if h.c.CompaniesShown() {
		t.Fatal("Alt+1 in the company search did not show the cases")
	}

	openCompany(t, h, 0)
	test.Tap(h.c.CardButton("edit", "jo-1"))
	h.c.FieldFormEntry("field.f.timer").SetText("30")
	h.c.FocusFieldFormEntry("field.f.timer")
	pressShortcut(t, h.w, &desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault})
	if len(companies.commits) != 1 {
		t.Fatalf("Ctrl+S in a company form's field: %d company commands, want 1", len(companies.commits))
	}
}

// TestCompanyFacts: a company row's second line puts the next follow-up
// right after the town, where a narrow list does not cut it off (the
// places' use may be cut), and counts one place in the singular.
func TestCompanyFacts(t *testing.T) {
	test.NewTempApp(t)
	setLocale(t, "da_DK.UTF-8")
	if err := ui.LoadTranslations(); err != nil {
		t.Fatal(err)
	}
	today := app.MustDate(2026, 9, 11)
	odense := app.Adresse{By: "Odense C"}
	tests := []struct {
		name string
		s    app.VirksomhedSummary
		want string
	}{
		{"all", app.VirksomhedSummary{Adresse: odense, AabneJobordrer: 2, Pladser: 4, AktivePlaceringer: 3, Opfoelgning: app.MustDate(2026, 9, 21)},
			"Odense C · Opfølgning 21.09 · 2 åbne jobordrer · 3 af 4 pladser brugt"},
		{"one place", app.VirksomhedSummary{Adresse: odense, Pladser: 1, AktivePlaceringer: 1},
			"Odense C · 1 af 1 plads brugt"},
		{"one place free", app.VirksomhedSummary{Pladser: 1}, "0 af 1 plads brugt"},
		{"no follow-up", app.VirksomhedSummary{Adresse: odense, AabneJobordrer: 1}, "Odense C · 1 åben jobordre"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ui.CompanyFacts(&tt.s, today); got != tt.want {
				t.Errorf("CompanyFacts = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestCandidateLayout: a candidate's Henvis and Placér keep a button's
// height beside a long list of reasons (they stretched to the whole
// block), and a candidate the search gives no reason for says why they
// are listed at all.
func TestCandidateLayout(t *testing.T) {
	cases, companies := fieldFixture(t)
	companies.candidates["pl-1"] = []app.Kandidat{
		{Sag: "sag-dddd", Navn: "Karin Ærbø", CPR: "040465-XXXX", Score: 60, Grunde: []app.Grund{
			{Key: "case.fravaer_none"}, {Key: "case.ikke_visiteret", Imod: true}, {Key: "case.tilmeldt_siden", Params: map[string]string{"Dato": "01.09.2026"}}}},
		{Sag: "sag-ccc", Navn: "Martin Schrøder", CPR: "030375-XXXX", Score: 50},
	}
	h := fieldHarness(t, cases, companies, nil)
	openCompany(t, h, 0)
	test.Tap(h.c.CardButton("candidates", "pl-1"))
	_, henvis, placer := h.c.Candidates()
	if len(henvis) != 2 || len(placer) != 2 {
		t.Fatalf("%d Henvis, %d Placér; want 2 and 2", len(henvis), len(placer))
	}
	for i, b := range []*widget.Button{henvis[0], placer[0]} {
		if got, want := b.Size().Height, b.MinSize().Height; got > want+1 {
			t.Errorf("button %d (%s) is %.0f high, want its own %.0f", i, b.Text, got, want)
		}
	}
	want := "Hører til ordningens målgruppe og er ledig ved start; intet særligt taler for eller imod."
	var why *widget.Label
	for _, x := range test.LaidOutObjects(h.c.FieldPane()) {
		if l, ok := x.(*widget.Label); ok && l.Text == want {
			why = l
		}
	}
	switch {
	case why == nil:
		t.Errorf("a candidate without reasons: the pane does not show %q: %q", want, labelTexts(h.c.FieldPane()))
	case why.Importance == widget.LowImportance:
		t.Errorf("%q is drawn dim (LowImportance)", want)
	}
}

// TestContactLogNewestFirst: the card's contact log is newest first, and
// of two contacts on one day the one recorded last comes first (a visit
// recorded today showed under today's earlier one).
func TestContactLogNewestFirst(t *testing.T) {
	cases, companies := fieldFixture(t)
	v := companies.companies[0]
	*v = *run(t, companies.engine, v, "c-same", &app.RegistrerVirksomhedskontakt{KontaktID: "k-same", Dato: app.MustDate(2026, 9, 10),
		Form: "telefon", Formaal: "Samme dag, senere"}, nil)
	h := fieldHarness(t, cases, companies, nil)
	openCompany(t, h, 0)
	var got []string
	for _, s := range labelTexts(h.c.FieldPane()) {
		for _, p := range []string{"Samme dag, senere", "Rundvisning", "Første kontakt"} {
			if strings.Contains(s, p) {
				got = append(got, p)
			}
		}
	}
	if want := []string{"Samme dag, senere", "Rundvisning", "Første kontakt"}; !slices.Equal(got, want) {
		t.Errorf("contact log order = %q, want %q", got, want)
	}
}

// TestCtrlSInACaseFormField: Ctrl+S saves a case form with the cursor in
// its field, delivered as the desktop driver delivers it (to the field).
func TestCtrlSInACaseFormField(t *testing.T) {
	cases := threeCases(t)
	h := openCase(t, cases, "ida")
	h.c.ShowTab("Samtaler")
	f := h.c.Form("samtale")
	f.Focus("form.samtale.dato")
	f.Entry("form.samtale.dato").SetText("22.09.2026")
	pressShortcut(t, h.w, &desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault})
	if len(cases.commits) != 1 {
		t.Fatalf("Ctrl+S in the date field: %d commits, want 1", len(cases.commits))
	}
}

// TestPlacementFormOpensWithoutARefusal: the placement form opens asking
// for its fields, not with the refusal of a placement without an end
// (the start date is filled in, the end is the consultant's to type);
// with the end typed it shows the consequences.
func TestPlacementFormOpensWithoutARefusal(t *testing.T) {
	cases, companies := fieldFixture(t)
	companies.candidates["pl-1"] = []app.Kandidat{{Sag: "sag-dddd", Navn: "Karin Ærbø", CPR: "040465-XXXX", Score: 70}}
	h := fieldHarness(t, cases, companies, nil)
	openCompany(t, h, 0)
	test.Tap(h.c.CardButton("candidates", "pl-1"))
	_, _, placer := h.c.Candidates()
	test.Tap(placer[0])
	fx := h.c.FieldFormEffects()
	if !labelled(fx, "Udfyld formularen for at se, hvad der sker, når du gemmer.") || labelled(fx, "Placeringen skal have en slutdato. Kun fleksjob kan være uden.") {
		t.Errorf("the new placement form shows %q, want that it is to be filled in", labelTexts(fx))
	}
	h.c.FieldFormEntry("field.f.slut").SetText("12.10.2026")
	h.c.FieldFormCheck()
	if fx := h.c.FieldFormEffects(); !labelled(fx, "Borgeren placeres fra 14.09.2026 — Virksomhedspraktik") {
		t.Errorf("with an end the form shows %q, want the consequences", labelTexts(fx))
	}
}

// TestPlacementStatusReadable: a current placement's rule status (the
// rimelighedskrav's use) is the card's answer to "may we place one more",
// not a hint: it is not drawn in the disabled colour, which the light
// theme makes all but invisible.
func TestPlacementStatusReadable(t *testing.T) {
	cases, companies := fieldFixture(t)
	h := fieldHarness(t, cases, companies, nil)
	openCompany(t, h, 0)
	found := false
	for _, x := range test.LaidOutObjects(h.c.FieldPane()) {
		if l, ok := x.(*widget.Label); ok && strings.HasPrefix(l.Text, "Rimelighedskrav: ") {
			found = true
			if l.Importance == widget.LowImportance {
				t.Errorf("%q is drawn dim (LowImportance)", l.Text)
			}
		}
	}
	if !found {
		t.Fatalf("no placement status on the card: %q", labelTexts(h.c.FieldPane()))
	}
}

// TestEscapeInASearchClears: Escape in a search field clears the search
// and leaves a company form open beside it as it was: going back from the
// search would throw away what was typed in the form.
func TestEscapeInASearchClears(t *testing.T) {
	cases, companies := fieldFixture(t)
	h := fieldHarness(t, cases, companies, nil)
	h.c.ShowCompanies(true)
	openCompany(t, h, 0)
	test.Tap(h.c.CardButton("edit", "jo-1"))
	h.c.FieldFormEntry("field.f.timer").SetText("30")
	h.w.Canvas().Focus(h.c.CompanySearchField())
	h.c.CompanySearch().SetText("zz")
	h.c.CompanySearchField().TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if got := h.c.CompanySearch().Text; got != "" {
		t.Errorf("company search after Escape = %q, want it cleared", got)
	}
	if !h.c.FieldFormOpen() || h.c.FieldFormEntry("field.f.timer").Text != "30" {
		t.Error("Escape in the company search closed the form beside it or lost what was typed")
	}
	h.c.ShowCompanies(false)
	h.w.Canvas().Focus(h.c.SearchField())
	h.c.SearchEntry().SetText("zz")
	h.c.SearchField().TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if got := h.c.SearchEntry().Text; got != "" {
		t.Errorf("case search after Escape = %q, want it cleared", got)
	}
}
