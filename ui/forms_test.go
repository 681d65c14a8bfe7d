package ui_test

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/ui"
)

// openCase unlocks a client over cases and opens the case named name.
func openCase(t *testing.T, cases *fakeCases, name string) *harness {
	t.Helper()
	h := unlocked(t, cases)
	test.Type(h.c.SearchEntry(), name)
	h.c.SearchEntry().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if id, _ := h.c.OpenCase(); id == "" {
		t.Fatalf("no case opened for %q", name)
	}
	return h
}

// wantLabels fails unless a label below o contains each of want.
func wantLabels(t *testing.T, what string, o fyne.CanvasObject, want ...string) {
	t.Helper()
	for _, w := range want {
		if !labelled(o, w) {
			t.Errorf("%s has no %q: %q", what, w, labelTexts(o))
		}
	}
}

func enter(e fyne.Focusable) { e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) }

// TestSygemeldingShowsAfmeldingBeforeSaving: choosing a sygemelding and a
// start date shows, before anything is saved, the afmelding and the
// sygedagpenge the rules derive; Gem commits the same command, kicks sync
// and the tabs show the new state.
func TestSygemeldingShowsAfmeldingBeforeSaving(t *testing.T) {
	cases := threeCases(t)
	ida := cases.find("sag-bb")
	ida.Samtaler = append(ida.Samtaler, app.Samtale{ID: "samtale-1", Type: "jobsamtale", Dato: app.MustDate(2026, 9, 16), Tid: "10:00",
		Form: "fremmoede", Status: app.SamtalePlanlagt, Booket: app.MustDate(2026, 9, 1)})
	h := openCase(t, cases, "ida")
	f := h.c.Form("fravaer")
	if !f.Save().Disabled() {
		t.Error("Gem is enabled on an empty form")
	}
	if h.c.Form("fravaer_slut").Shown() {
		t.Error("ending a fravær is offered when there is none")
	}
	if opts := f.Options("form.fravaer.type"); len(opts) < 2 || opts[0] != "Sygdom – sygemelding" || opts[1] != "Ferie" {
		t.Errorf("the types begin %q, want the sygemelding and ferie first", opts[:min(2, len(opts))])
	}
	if !f.Choose("form.fravaer.type", "sygemelding") {
		t.Fatalf("no sygemelding among %q", f.Options("form.fravaer.type"))
	}
	test.Type(f.Entry("form.fravaer.start"), "14.09.2026")
	wantLabels(t, "the consequences", f.Consequences(),
		"Det sker, når du gemmer:",
		"Borgeren afmeldes som ledig fra 14.09.2026 — Årsag: Sygdom",
		"Sygedagpenge fra 28.09.2026 — A-kassen betaler de første 14 dage",
		"Kontaktgruppeskift planlagt til 28.09.2026",
		"Samtalen 16.09.2026 aflyses — 16.09.2026 kl. 10:00 · Jobsamtale · Fremmøde · Planlagt")
	if len(cases.commits) != 0 {
		t.Fatalf("the dry run committed %d commands", len(cases.commits))
	}
	if f.Save().Disabled() {
		t.Fatal("Gem is disabled though the dry run passed")
	}
	test.Tap(f.Save())
	if len(cases.commits) != 1 {
		t.Fatalf("commits = %d, want 1", len(cases.commits))
	}
	body, ok := cases.commits[0].Body.(*app.RegistrerFravaer)
	if !ok || body.Type != "sygemelding" || body.Start != app.MustDate(2026, 9, 14) || !body.Slut.IsZero() {
		t.Errorf("committed %#v", cases.commits[0].Body)
	}
	if got, want := f.Saved(), "Gemt lokalt. Ændringen sendes ved næste synkronisering."; got != want {
		t.Errorf("after Gem: %q, want %q", got, want)
	}
	if h.sync.kicks != 1 {
		t.Errorf("sync kicked %d times, want 1", h.sync.kicks)
	}
	wantLabels(t, "the Fravær tab", h.c.TabState("fravaer"), "Sygdom – sygemelding fra 14.09.2026", "Fritaget for jobsamtaler indtil videre")
	wantLabels(t, "the Tilmelding tab", h.c.TabState("tilmelding"), "Afmeldt 14.09.2026", "Afmeldt på grund af: Sygdom")
	if !f.Save().Disabled() || f.Entry("form.fravaer.start").Text != "" {
		t.Error("the form is not emptied after Gem")
	}

	// The raskmelding: the open sygemelding is offered to end.
	end := h.c.Form("fravaer_slut")
	id := string(body.FravaerID)
	sel := end.Options("form.fravaer.which")
	if !end.Shown() || len(sel) != 1 || !end.Choose("form.fravaer.which", id) {
		t.Fatalf("ending offers %q", sel)
	}
	test.Type(end.Entry("form.fravaer.last_day"), "14.09.2026")
	wantLabels(t, "the raskmelding without a reason", end.Consequences(), "Angiv en årsag til, at Sygdom – sygemelding afsluttes.")
	test.Type(end.Entry("form.fravaer.slut_aarsag"), "rask")
	wantLabels(t, "the raskmelding", end.Consequences(), "Fraværet slutter 14.09.2026", "Rask fra 15.09.2026", "Tilmeldt som ledig fra 15.09.2026")
	if end.Save().Disabled() {
		t.Error("Gem is disabled for a valid raskmelding")
	}
}

// TestBackdatingRefusedInline: a start before the notification date is
// refused inline with what to do, Gem stays disabled and Enter in the last
// field saves nothing.
func TestBackdatingRefusedInline(t *testing.T) {
	cases := threeCases(t)
	h := openCase(t, cases, "ida")
	f := h.c.Form("fravaer")
	f.Choose("form.fravaer.type", "sygemelding")
	test.Type(f.Entry("form.fravaer.start"), "10.09.2026")
	test.Type(f.Entry("form.fravaer.anmeldt"), "12.09.2026")
	wantLabels(t, "the refusal", f.Consequences(), "Fraværet kan ikke starte før anmeldelsesdatoen 12.09.2026.")
	if labelled(f.Consequences(), "Det sker, når du gemmer") {
		t.Error("a refused command shows consequences")
	}
	if !f.Save().Disabled() {
		t.Error("Gem is enabled on a refused command")
	}
	kommentar := f.Entry("form.fravaer.kommentar")
	test.Type(kommentar, "Ringede torsdag")
	enter(kommentar)
	if len(cases.commits) != 0 {
		t.Errorf("Enter saved a refused command: %d commits", len(cases.commits))
	}
}

// TestBookSamtale: a samtale booked with date, time, form and type shows
// the booking before saving, and the tab lists it as planned; Enter in the
// time field saves once the dry run allows it.
func TestBookSamtale(t *testing.T) {
	cases := threeCases(t)
	h := openCase(t, cases, "ida")
	f := h.c.Form("samtale")
	test.Type(f.Entry("form.samtale.dato"), "21.9.26")
	f.Choose("form.samtale.form", "telefon")
	f.Choose("form.samtale.type", "opfoelgning")
	tid := f.Entry("form.samtale.tid")
	test.Type(tid, "9:30")
	wantLabels(t, "the consequences", f.Consequences(), "Samtale booket 21.09.2026 — Opfølgningssamtale")
	if len(cases.commits) != 0 {
		t.Fatal("the dry run committed")
	}
	enter(tid)
	if len(cases.commits) != 1 {
		t.Fatalf("commits = %d, want 1", len(cases.commits))
	}
	b, ok := cases.commits[0].Body.(*app.BookSamtale)
	if !ok || b.Dato != app.MustDate(2026, 9, 21) || b.Tid != "09:30" || b.Form != "telefon" || b.Type != "opfoelgning" {
		t.Errorf("committed %#v", cases.commits[0].Body)
	}
	wantLabels(t, "the Samtaler tab", h.c.TabState("samtaler"), "21.09.2026 kl. 09:30 · Opfølgningssamtale · Telefon · Planlagt")
	if opts := h.c.Form("udfald").Options("form.udfald.samtale"); len(opts) != 1 {
		t.Errorf("the outcome form offers %q, want the planned samtale", opts)
	}
}

// TestSoftRuleAsksForBegrundelse: booking a samtale in the citizen's ferie
// is a soft rule: the form asks for a begrundelse, Gem waits for it, and
// the saved command carries it.
func TestSoftRuleAsksForBegrundelse(t *testing.T) {
	s := caseNamed(t, "sag-bb", "Ida Søndergaard", 1)
	s.Fravaer = append(s.Fravaer, app.Fravaer{ID: "ferie-1", Type: "ferie", Anmeldt: app.MustDate(2026, 9, 1), Registreret: app.MustDate(2026, 9, 1),
		Periode: app.Period{Start: app.MustDate(2026, 10, 5), Slut: app.MustDate(2026, 10, 9)}})
	cases := newFakeCases(t, s)
	h := openCase(t, cases, "ida")
	f := h.c.Form("samtale")
	if _, shown := f.Begrundelse(); shown {
		t.Fatal("the begrundelse is asked for before any rule needs it")
	}
	test.Type(f.Entry("form.samtale.dato"), "07.10.2026")
	wantLabels(t, "the refusal", f.Consequences(), "Borgeren er fritaget for jobsamtaler den 07.10.2026 (Ferie).", "Angiv en begrundelse for at registrere alligevel.")
	begr, shown := f.Begrundelse()
	if !shown || !f.Save().Disabled() {
		t.Fatalf("soft rule: begrundelse shown %v, Gem disabled %v", shown, f.Save().Disabled())
	}
	test.Type(begr, "Borgeren har selv bedt om samtalen")
	wantLabels(t, "the consequences", f.Consequences(), "Samtale booket 07.10.2026", "Afvigelse med begrundelse: Borgeren er fritaget for jobsamtaler den 07.10.2026 (Ferie).")
	if f.Save().Disabled() {
		t.Fatal("Gem stays disabled with a begrundelse")
	}
	enter(begr)
	if len(cases.commits) != 1 {
		t.Fatalf("commits = %d, want 1", len(cases.commits))
	}
	if b := cases.commits[0].Body.(*app.BookSamtale); b.Begrundelse != "Borgeren har selv bedt om samtalen" {
		t.Errorf("begrundelse = %q", b.Begrundelse)
	}
	if _, shown := f.Begrundelse(); shown {
		t.Error("the begrundelse field stays after Gem")
	}
}

// TestImpossibleDate: a date that does not exist is an inline error under
// its field, and Gem stays disabled; correcting it clears the error.
func TestImpossibleDate(t *testing.T) {
	cases := threeCases(t)
	h := openCase(t, cases, "ida")
	f := h.c.Form("fravaer")
	f.Choose("form.fravaer.type", "sygemelding")
	start := f.Entry("form.fravaer.start")
	test.Type(start, "31.02.2026")
	if got, want := f.DateError("form.fravaer.start"), "Datoen 31.02.2026 findes ikke. Ret dag eller måned."; got != want {
		t.Errorf("inline error = %q, want %q", got, want)
	}
	if !f.Save().Disabled() {
		t.Error("Gem is enabled with an impossible date")
	}
	enter(start)
	if len(cases.commits) != 0 {
		t.Error("Enter saved with an impossible date")
	}
	start.SetText("28.02.2026")
	if got := f.DateError("form.fravaer.start"); got != "" {
		t.Errorf("a valid date still shows %q", got)
	}
}

func TestParseDateField(t *testing.T) {
	tests := []struct {
		in      string
		want    app.Date
		wantErr string
	}{
		{in: "", want: app.Date{}},
		{in: "12.03.2026", want: app.MustDate(2026, 3, 12)},
		{in: " 1.3.26 ", want: app.MustDate(2026, 3, 1)},
		{in: "01-03-2026", want: app.MustDate(2026, 3, 1)},
		{in: "2026-03-12", want: app.MustDate(2026, 3, 12)},
		{in: "29.02.2028", want: app.MustDate(2028, 2, 29)},
		{in: "29.02.2026", wantErr: "Datoen 29.02.2026 findes ikke. Ret dag eller måned."},
		{in: "12.13.2026", wantErr: "Datoen 12.13.2026 findes ikke. Ret dag eller måned."},
		{in: "0.1.2026", wantErr: "Datoen 0.1.2026 findes ikke. Ret dag eller måned."},
		{in: "12.03", wantErr: "»12.03« er ikke en dato. Skriv den som dd.mm.åååå, fx 12.03.2026."},
		{in: "12.03.026", wantErr: "»12.03.026« er ikke en dato. Skriv den som dd.mm.åååå, fx 12.03.2026."},
		{in: "i morgen", wantErr: "»i morgen« er ikke en dato. Skriv den som dd.mm.åååå, fx 12.03.2026."},
		{in: "123.1.2026", wantErr: "»123.1.2026« er ikke en dato. Skriv den som dd.mm.åååå, fx 12.03.2026."},
	}
	test.NewTempApp(t)
	setLocale(t, "da_DK.UTF-8")
	if err := ui.LoadTranslations(); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ui.ParseDateField(tt.in)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Errorf("ParseDateField(%q) = %v, %v, want error %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParseDateField(%q) = %v, %v, want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

// TestAfmeldForm: a registered citizen is offered Afmeld, not Tilmeld; an
// afmelding past the limit is refused inline, one within it shows when.
func TestAfmeldForm(t *testing.T) {
	cases := threeCases(t)
	h := openCase(t, cases, "ida")
	if h.c.Form("tilmeld").Shown() || !h.c.Form("afmeld").Shown() {
		t.Error("a registered citizen is not offered Afmeld alone")
	}
	af := h.c.Form("afmeld")
	af.Choose("form.afmeld.aarsag", app.AfmeldOenske)
	test.Type(af.Entry("form.afmeld.dato"), "01.12.2026")
	wantLabels(t, "Afmeld too late", af.Consequences(), "Afmeldingsdatoen skal være i dag eller højst 30 dage frem (senest 14.10.2026).")
	if !af.Save().Disabled() {
		t.Error("Gem is enabled for an afmelding past the limit")
	}
	af.Entry("form.afmeld.dato").SetText("30.09.2026")
	wantLabels(t, "Afmeld", af.Consequences(), "Borgeren afmeldes som ledig fra 30.09.2026")
}

// TestVisiterForm: a visitation to aktivitetsparat shows the afmelding it
// causes before saving; after Gem the history shows the category before
// and Tilmeld is offered.
func TestVisiterForm(t *testing.T) {
	cases := threeCases(t)
	h := openCase(t, cases, "duc")
	vi := h.c.Form("visiter")
	if _, shown := vi.Begrundelse(); !shown {
		t.Error("the visitation does not ask for its begrundelse")
	}
	if !vi.Choose("form.visiter.kategori", app.KategoriAktivitetsparat) {
		t.Fatalf("no aktivitetsparat among %q", vi.Options("form.visiter.kategori"))
	}
	wantLabels(t, "Visiter", vi.Consequences(), "Visiteret fra 14.09.2026", "Borgeren afmeldes som ledig fra 14.09.2026")
	test.Tap(vi.Save())
	if len(cases.commits) != 1 {
		t.Fatalf("commits = %d, want 1", len(cases.commits))
	}
	wantLabels(t, "the Visitation tab", h.c.TabState("visitation"), "Tidligere:")
	if !h.c.Form("tilmeld").Shown() {
		t.Error("after the afmelding Tilmeld is not offered")
	}
}

// TestFormKeyboard: Tab follows the form from the type to the comment,
// skipping the end reason a sygemelding without an end does not need;
// Enter in a field before the last moves on and saves nothing, Enter in
// the last saves what the dry run allows.
func TestFormKeyboard(t *testing.T) {
	cases := threeCases(t)
	h := openCase(t, cases, "ida")
	h.c.ShowTab("Fravær")
	f := h.c.Form("fravaer")
	f.Choose("form.fravaer.type", "sygemelding")
	cv := h.w.Canvas()
	start := f.Entry("form.fravaer.start")
	cv.Focus(f.Field("form.fravaer.start"))
	test.Type(start, "14.09.2026")
	enter(start)
	if len(cases.commits) != 0 {
		t.Fatal("Enter in the start date saved")
	}
	order := []string{"form.fravaer.slut", "form.fravaer.anmeldt", "form.fravaer.kommentar"}
	for i, key := range order {
		if i > 0 {
			cv.FocusNext()
		}
		if got := cv.Focused(); got != f.Field(key) {
			t.Fatalf("focus step %d: %T is focused, want %s", i+1, got, key)
		}
	}
	kommentar := f.Entry("form.fravaer.kommentar")
	test.Type(kommentar, "Ringede mandag morgen")
	enter(kommentar)
	if len(cases.commits) != 1 {
		t.Fatalf("Enter in the last field: %d commits, want 1", len(cases.commits))
	}
	if b := cases.commits[0].Body.(*app.RegistrerFravaer); b.Kommentar != "Ringede mandag morgen" {
		t.Errorf("kommentar = %q", b.Kommentar)
	}
}

// TestUdeblivelse: a planned samtale that has passed is offered for an
// outcome; a no-show shows what it means for the citizen before saving
// and the tab shows it after.
func TestUdeblivelse(t *testing.T) {
	cases := threeCases(t)
	ida := cases.find("sag-bb")
	ida.Samtaler = append(ida.Samtaler, app.Samtale{ID: "samtale-1", Type: "jobsamtale", Dato: app.MustDate(2026, 9, 10), Tid: "10:00",
		Form: "fremmoede", Status: app.SamtalePlanlagt, Booket: app.MustDate(2026, 9, 1)})
	h := openCase(t, cases, "ida")
	f := h.c.Form("udfald")
	if !f.Shown() || !f.Choose("form.udfald.samtale", "samtale-1") || !f.Choose("form.udfald.udfald", app.SamtaleUdeblevet) {
		t.Fatalf("the outcome form offers %q", f.Options("form.udfald.samtale"))
	}
	wantLabels(t, "the consequences", f.Consequences(), "Dagpenge mistes fra 10.09.2026 — Indtil borgeren kontakter jobcentret",
		"Konsekvens af samtalen 10.09.2026: Ingen dagpenge, indtil borgeren kontakter jobcentret")
	test.Tap(f.Save())
	if len(cases.commits) != 1 {
		t.Fatalf("commits = %d, want 1", len(cases.commits))
	}
	wantLabels(t, "the Samtaler tab", h.c.TabState("samtaler"), "10.09.2026 kl. 10:00 · Jobsamtale · Fremmøde · Udeblevet · Ingen dagpenge, indtil borgeren kontakter jobcentret")
	if f.Shown() {
		t.Error("the outcome form stays with no planned samtale")
	}
}

// TestFormTabsBuiltWhenShown: opening a case builds none of the tabs of
// forms (opening stays as fast as the Overblik); showing one builds it
// with the open case.
func TestFormTabsBuiltWhenShown(t *testing.T) {
	cases := threeCases(t)
	h := openCase(t, cases, "ida")
	if n := h.c.TabsBuilt(); n != 0 {
		t.Fatalf("opening a case built %d tabs of forms", n)
	}
	h.c.ShowTab("Samtaler")
	if n := h.c.TabsBuilt(); n != 1 {
		t.Fatalf("showing Samtaler built %d tabs of forms, want 1", n)
	}
	if !labelled(h.w.Content(), "Ingen samtaler endnu.") {
		t.Errorf("the Samtaler tab shows %q", labelTexts(h.w.Content()))
	}
}

// TestCtrlSSavesTheFocusedForm: Ctrl+S saves the form the cursor is in
// when its dry run allows it, and nothing when it refuses.
func TestCtrlSSavesTheFocusedForm(t *testing.T) {
	cases := threeCases(t)
	h := openCase(t, cases, "ida")
	h.c.ShowTab("Samtaler")
	f := h.c.Form("samtale")
	dato := f.Entry("form.samtale.dato")
	h.w.Canvas().Focus(f.Field("form.samtale.dato"))
	ctrlS := &desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault}
	test.Type(dato, "01.09.2026") // in the past: refused
	h.w.Canvas().(fyne.Shortcutable).TypedShortcut(ctrlS)
	if len(cases.commits) != 0 {
		t.Fatal("Ctrl+S saved a refused booking")
	}
	dato.SetText("22.09.2026")
	h.w.Canvas().(fyne.Shortcutable).TypedShortcut(ctrlS)
	if len(cases.commits) != 1 {
		t.Fatalf("Ctrl+S: %d commits, want 1", len(cases.commits))
	}
}

// TestFormInEnglish: with an English locale the form, its consequences
// and the effects' details are English.
func TestFormInEnglish(t *testing.T) {
	cases := threeCases(t)
	h := openCase(t, cases, "ida")
	setLocale(t, "en_GB.UTF-8")
	if err := ui.LoadTranslations(); err != nil {
		t.Fatal(err)
	}
	f := h.c.Form("fravaer") // built now, in English
	f.Choose("form.fravaer.type", "sygemelding")
	test.Type(f.Entry("form.fravaer.start"), "14.09.2026")
	wantLabels(t, "the consequences", f.Consequences(), "This happens when you save:",
		"The citizen is deregistered as unemployed from 14 September 2026 — Reason: Illness",
		"Sickness benefit from 28 September 2026 — The unemployment insurance fund (a-kasse) pays the first 14 days")
}
