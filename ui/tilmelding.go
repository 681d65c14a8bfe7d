package ui

import (
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"feltsag.dk/feltsag/app"
)

// Tilmelding's categories, statuses and afmelding reasons, and their names.
var (
	tilmeldKategorier = []string{"", app.KatAnsoeger, app.KatModtager, app.KatUdenYdelse, app.KatDimittend}
	tilmeldKatKeys    = map[string]string{
		"":                "form.tkat.auto",
		app.KatAnsoeger:   "form.tkat.ansoeger",
		app.KatModtager:   "form.tkat.modtager",
		app.KatUdenYdelse: "form.tkat.uden_ydelse",
		app.KatDimittend:  "form.tkat.dimittend",
	}
	ledighedsstatus     = []string{"ledig", "ikke_ledig"}
	ledighedsstatusKeys = map[string]string{"ledig": "form.ledig.ledig", "ikke_ledig": "form.ledig.ikke_ledig"}
	// afmeldAarsager are the reasons a caseworker gives with Afmeld.
	afmeldAarsager = []string{app.AfmeldOenske, app.AfmeldDagpengeophoer, app.AfmeldIngenAdresse}
	aarsagKeys     = map[string]string{
		app.AfmeldOenske:          "form.aarsag.oenske",
		app.AfmeldSygdom:          "form.aarsag.sygdom",
		app.AfmeldAktivitetsparat: "form.aarsag.aktivitetsparat",
		app.AfmeldDagpengeophoer:  "form.aarsag.dagpengeophoer",
		app.AfmeldDoed:            "form.aarsag.doed",
		app.AfmeldIngenAdresse:    "form.aarsag.ingen_adresse",
		app.AfmeldTjob:            "form.aarsag.tjob",
		app.AfmeldSelvbook:        "form.aarsag.selvbook",
		app.AfmeldFejl:            "form.aarsag.fejl",
		app.AfmeldBarsel:          "form.aarsag.barsel",
		app.AfmeldPasningSygtBarn: "form.aarsag.pasning_sygt_barn",
	}
)

// tilmeldingTab is the Tilmelding tab: the registration as it stands and
// the form to register (Tilmeld) or deregister (Afmeld) the citizen,
// whichever applies.
type tilmeldingTab struct {
	v     *caseView
	state *fyne.Container

	tilmeld    *cmdForm
	kat, ledig *choice
	fejl       *widget.Check
	afmeld     *cmdForm
	dato       *dateField
	aarsag     *choice
	content    fyne.CanvasObject
}

func newTilmeldingTab(v *caseView) *tilmeldingTab {
	t := &tilmeldingTab{v: v, state: container.NewVBox()}

	t.tilmeld = newCmdForm(v, "form.tilmeld.title", false)
	t.kat = t.tilmeld.choice("form.tilmeld.kategori", tilmeldKategorier, codeNames(tilmeldKategorier, tilmeldKatKeys))
	t.kat.sel.SetSelectedIndex(0)
	t.ledig = t.tilmeld.choice("form.tilmeld.ledighedsstatus", ledighedsstatus, codeNames(ledighedsstatus, ledighedsstatusKeys))
	t.ledig.sel.SetSelectedIndex(0)
	t.fejl = widget.NewCheck(lang.L("form.tilmeld.fejl"), func(bool) { t.tilmeld.changed() })
	t.tilmeld.field("form.tilmeld.fejl_label", t.fejl)
	t.tilmeld.build = func() (app.Body, error) {
		return &app.Tilmeld{Kategori: t.kat.code(), Ledighedsstatus: t.ledig.code(), FejlAfmelding: t.fejl.Checked}, nil
	}
	t.tilmeld.reset = func() { t.fejl.SetChecked(false) }
	t.tilmeld.finish()

	t.afmeld = newCmdForm(v, "form.afmeld.title", false)
	t.dato = t.afmeld.date("form.afmeld.dato")
	t.aarsag = t.afmeld.choice("form.afmeld.aarsag", afmeldAarsager, codeNames(afmeldAarsager, aarsagKeys))
	t.afmeld.build = func() (app.Body, error) {
		dato, err := t.dato.value()
		if err != nil {
			return nil, err
		}
		if t.aarsag.code() == "" {
			return nil, nil
		}
		return &app.Afmeld{Dato: dato, Aarsag: t.aarsag.code()}, nil
	}
	t.afmeld.reset = func() {
		t.dato.set(app.Date{})
		t.aarsag.sel.ClearSelected()
	}
	t.afmeld.finish()

	t.content = formTab(t.state, t.tilmeld, t.afmeld)
	return t
}

// show writes the registration as it stands and shows the form that
// applies: Afmeld while registered, else Tilmeld.
func (t *tilmeldingTab) show(s *app.Sag) {
	tl := s.Tilmelding
	lines := []fyne.CanvasObject{bullet(t.v.tilmeldingText(s), false)}
	add := func(key string, args map[string]any) { lines = append(lines, bullet(lang.L(key, args), false)) }
	if tl.ErTilmeldt() && tl.Kategori != "" {
		add("form.tilmelding.kategori", map[string]any{"Tekst": codeNames([]string{tl.Kategori}, tilmeldKatKeys)[0]})
	}
	if !tl.FoersteDato.IsZero() {
		add("form.tilmelding.periode", map[string]any{"Dato": dateText(tl.FoersteDato)})
	}
	if !tl.ErTilmeldt() && tl.AfmeldAarsag != "" {
		add("form.tilmelding.aarsag", map[string]any{"Tekst": codeNames([]string{tl.AfmeldAarsag}, aarsagKeys)[0]})
	}
	if !tl.Afmeldes.IsZero() {
		add("form.tilmelding.afmeldes", map[string]any{"Dato": dateText(tl.Afmeldes), "Tekst": codeNames([]string{tl.AfmeldesAarsag}, aarsagKeys)[0]})
	}
	if !tl.SelvbookFrist.IsZero() {
		add("form.tilmelding.selvbook", map[string]any{"Dato": dateText(tl.SelvbookFrist)})
	}
	t.state.Objects = []fyne.CanvasObject{stateList("form.tilmelding.state", lines)}
	t.state.Refresh()
	if tl.ErTilmeldt() {
		t.tilmeld.content.Hide()
		t.afmeld.content.Show()
	} else {
		t.afmeld.content.Hide()
		t.tilmeld.content.Show()
	}
	t.tilmeld.check()
	t.afmeld.check()
}

// visitationTab is the Visitation tab: the category and the kontaktgruppe
// with their history, and the forms to visit the citizen to another
// category (Visiter, with a begrundelse) and to set the kontaktgruppe
// (SaetKontaktgruppe).
type visitationTab struct {
	v     *caseView
	state *fyne.Container

	visiter *cmdForm
	kat     *choice
	kgForm  *cmdForm
	kg      *choice
	skift   *widget.Check
	content fyne.CanvasObject
}

func newVisitationTab(v *caseView) *visitationTab {
	t := &visitationTab{v: v, state: container.NewVBox()}
	rs := v.ruleSet()

	t.visiter = newCmdForm(v, "form.visiter.title", true)
	var kats, katNames []string
	if rs != nil {
		for code, d := range rs.Kategorier {
			if d.Vaelgbar {
				kats = append(kats, code)
			}
		}
	}
	slices.SortFunc(kats, func(a, b string) int { return strings.Compare(v.c.tx.name("kategori", a), v.c.tx.name("kategori", b)) })
	for _, k := range kats {
		katNames = append(katNames, v.c.tx.name("kategori", k))
	}
	t.kat = t.visiter.choice("form.visiter.kategori", kats, katNames)
	t.visiter.build = func() (app.Body, error) {
		if t.kat.code() == "" {
			return nil, nil
		}
		return &app.Visiter{Kategori: t.kat.code(), Begrundelse: t.visiter.begrundelse()}, nil
	}
	t.visiter.reset = func() { t.kat.sel.ClearSelected() }
	t.visiter.finish()
	t.visiter.showBegr() // a visitation is always given with its reason
	t.visiter.begr.SetPlaceHolder(lang.L("form.visiter.begrundelse_placeholder"))

	t.kgForm = newCmdForm(v, "form.kg.title", false)
	var kgs []int
	if rs != nil {
		for id := range rs.KG {
			kgs = append(kgs, id)
		}
	}
	slices.Sort(kgs)
	var kgCodes, kgNames []string
	for _, id := range kgs {
		kgCodes = append(kgCodes, strconv.Itoa(id))
		kgNames = append(kgNames, kgLabel(id)+" "+v.c.tx.name("kg", strconv.Itoa(id)))
	}
	t.kg = t.kgForm.choice("form.kg.kg", kgCodes, kgNames)
	t.skift = widget.NewCheck(lang.L("form.kg.skift"), func(bool) { t.kgForm.changed() })
	t.kgForm.field("form.kg.skift_label", t.skift)
	t.kgForm.build = func() (app.Body, error) {
		kg, err := strconv.Atoi(t.kg.code())
		if err != nil {
			return nil, nil
		}
		return &app.SaetKontaktgruppe{KG: kg, Skift: t.skift.Checked}, nil
	}
	t.kgForm.reset = func() {
		t.kg.sel.ClearSelected()
		t.skift.SetChecked(false)
	}
	t.kgForm.finish()

	t.content = formTab(t.state, t.visiter, t.kgForm)
	return t
}

// show writes the category and kontaktgruppe with their history, newest
// first.
func (t *visitationTab) show(s *app.Sag) {
	v := t.v
	lines := []fyne.CanvasObject{bullet(lang.L("form.visitation.now", map[string]any{"Tekst": v.visitationText(s)}), false),
		bullet(lang.L("form.kg.now", map[string]any{"Tekst": v.kgText(s)}), false)}
	for i := len(s.VisitationHistorik) - 1; i >= 0; i-- {
		h := s.VisitationHistorik[i]
		text := v.c.tx.name("kategori", h.Kategori)
		if h.Kategori == "" {
			text = lang.L("case.ikke_visiteret")
		}
		if !h.Dato.IsZero() {
			text = lang.L("case.since", map[string]any{"Tekst": text, "Dato": dateText(h.Dato)})
		}
		lines = append(lines, dimLabel("• "+lang.L("form.visitation.before", map[string]any{"Tekst": text})))
	}
	for i := len(s.KGHistorik) - 1; i >= 0; i-- {
		h := s.KGHistorik[i]
		name := kgLabel(h.KG) + " " + v.c.tx.name("kg", strconv.Itoa(h.KG))
		lines = append(lines, dimLabel("• "+lang.L("form.kg.before", map[string]any{"Tekst": name, "Fra": dateText(h.Periode.Start), "Til": dateText(h.Periode.Slut)})))
	}
	t.state.Objects = []fyne.CanvasObject{stateList("form.visitation.state", lines)}
	t.state.Refresh()
	t.visiter.check()
	t.kgForm.check()
}
