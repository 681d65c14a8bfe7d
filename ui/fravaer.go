package ui

import (
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"feltsag.dk/feltsag/app"
)

// fravaerTab is the Fravær tab: the fravær in force and to come with what
// they exempt from, a form to register one (RegistrerFravaer) and one to
// end one (AfslutFravaer, the raskmelding for a sygemelding).
type fravaerTab struct {
	v     *caseView
	state *fyne.Container

	reg                   *cmdForm
	typ                   *choice
	start, slut, anmeldt  *dateField
	kommentar, slutAarsag *fieldEntry
	slutAarsagLabel       *widget.Label
	end                   *cmdForm
	endWhich              *choice
	endSlut               *dateField
	endAarsag             *fieldEntry
	content               fyne.CanvasObject
}

func newFravaerTab(v *caseView) *fravaerTab {
	t := &fravaerTab{v: v, state: container.NewVBox()}

	t.reg = newCmdForm(v, "form.fravaer.title", true)
	codes, names := t.types()
	t.typ = t.reg.choice("form.fravaer.type", codes, names)
	t.start = t.reg.date("form.fravaer.start")
	t.slut = t.reg.date("form.fravaer.slut")
	t.slutAarsag = t.reg.entry("form.fravaer.slut_aarsag", "form.fravaer.aarsag_placeholder")
	t.slutAarsagLabel = t.reg.grid.Objects[len(t.reg.grid.Objects)-2].(*widget.Label)
	t.anmeldt = t.reg.date("form.fravaer.anmeldt")
	t.kommentar = t.reg.entry("form.fravaer.kommentar", "")
	t.reg.build = t.buildRegister
	t.reg.reset = func() {
		t.typ.sel.ClearSelected()
		for _, d := range []*dateField{t.start, t.slut, t.anmeldt} {
			d.set(app.Date{})
		}
		t.kommentar.SetText("")
		t.slutAarsag.SetText("")
	}
	t.reg.finish()

	t.end = newCmdForm(v, "form.fravaer.end_title", false)
	t.endWhich = t.end.choice("form.fravaer.which", nil, nil)
	t.endSlut = t.end.date("form.fravaer.last_day")
	t.endAarsag = t.end.entry("form.fravaer.slut_aarsag", "form.fravaer.aarsag_placeholder")
	t.end.build = t.buildEnd
	t.end.reset = func() {
		t.endWhich.sel.ClearSelected()
		t.endSlut.set(app.Date{})
		t.endAarsag.SetText("")
	}
	t.end.finish()

	t.content = formTab(t.state, t.reg, t.end)
	return t
}

// types are the fravær types a caseworker may register in today's rule
// set, by name.
func (t *fravaerTab) types() (codes, names []string) {
	rs := t.v.ruleSet()
	if rs == nil {
		return nil, nil
	}
	for code, d := range rs.Fravaer {
		if d.KanOprettes {
			codes = append(codes, code)
		}
	}
	slices.SortFunc(codes, func(a, b string) int {
		if c := cmpCommon(a, b); c != 0 {
			return c
		}
		return strings.Compare(t.v.c.tx.name("fravaer", a), t.v.c.tx.name("fravaer", b))
	})
	for _, c := range codes {
		names = append(names, t.v.c.tx.name("fravaer", c))
	}
	return codes, names
}

// commonFravaer are the types a caseworker registers most: first in the
// list, the rest by name.
var commonFravaer = []string{app.FravaerSygemelding, app.FravaerFerie}

func cmpCommon(a, b string) int {
	ia, ib := slices.Index(commonFravaer, a), slices.Index(commonFravaer, b)
	switch {
	case ia == ib:
		return 0
	case ia < 0:
		return 1
	case ib < 0:
		return -1
	}
	return ia - ib
}

// needsSlutAarsag reports whether the chosen type needs an end reason
// with an end date (4980: a sygemelding ended is a raskmelding).
func (t *fravaerTab) needsSlutAarsag() bool {
	rs := t.v.ruleSet()
	if rs == nil {
		return false
	}
	d := rs.Fravaer[t.typ.code()]
	return d != nil && d.KraeverSlut
}

func (t *fravaerTab) buildRegister() (app.Body, error) {
	if t.needsSlutAarsag() && strings.TrimSpace(t.slut.entry.Text) != "" {
		t.slutAarsagLabel.Show()
		t.slutAarsag.Show()
	} else {
		t.slutAarsagLabel.Hide()
		t.slutAarsag.Hide()
	}
	start, err1 := t.start.value()
	slut, err2 := t.slut.value()
	anmeldt, err3 := t.anmeldt.value()
	if err := firstErr(err1, err2, err3); err != nil {
		return nil, err
	}
	if t.typ.code() == "" || start.IsZero() {
		return nil, nil
	}
	b := &app.RegistrerFravaer{FravaerID: t.reg.recID, Type: t.typ.code(), Start: start, Slut: slut, Anmeldt: anmeldt,
		Kommentar: strings.TrimSpace(t.kommentar.Text), Begrundelse: t.reg.begrundelse()}
	if t.slutAarsag.Visible() {
		b.SlutAarsag = strings.TrimSpace(t.slutAarsag.Text)
	}
	return b, nil
}

func (t *fravaerTab) buildEnd() (app.Body, error) {
	slut, err := t.endSlut.value()
	if err != nil {
		return nil, err
	}
	id := t.endWhich.code()
	if id == "" || slut.IsZero() {
		return nil, nil
	}
	return &app.AfslutFravaer{FravaerID: app.ID(id), Slut: slut, Aarsag: strings.TrimSpace(t.endAarsag.Text)}, nil
}

// show lists the case's fravær in force today and to come, with what they
// exempt the citizen from, and offers the open ones to end.
func (t *fravaerTab) show(s *app.Sag) {
	today := t.v.today()
	var lines []fyne.CanvasObject
	var ids, names []string
	for _, f := range s.Fravaer {
		if f.Slettet || !f.Periode.Slut.IsZero() && f.Periode.Slut.Before(today) {
			continue
		}
		text := t.v.fravaerLine(f)
		lines = append(lines, bullet(text, false))
		ids = append(ids, string(f.ID))
		names = append(names, text)
	}
	if len(lines) == 0 {
		lines = append(lines, dimLabel(lang.L("case.fravaer_none")))
	}
	if o, err := t.v.c.rules().Overblik(s, today); err == nil {
		for _, p := range o.Pligter {
			if p.Status == app.PligtFritaget {
				lines = append(lines, bullet(t.v.c.tx.message(p.Line()), true))
			}
		}
	}
	t.state.Objects = []fyne.CanvasObject{stateList("form.fravaer.state", lines)}
	t.state.Refresh()
	t.endWhich.setOptions(ids, names)
	showIf(t.end.content, len(ids) > 0)
	t.reg.check()
	t.end.check()
}

// fravaerLine is one fravær: its type and period.
func (v *caseView) fravaerLine(f app.Fravaer) string {
	name := v.c.tx.name("fravaer", f.Type)
	if f.Periode.Slut.IsZero() {
		return lang.L("case.fravaer_open", map[string]any{"Type": name, "Fra": dateText(f.Periode.Start)})
	}
	return lang.L("case.fravaer_period", map[string]any{"Type": name, "Fra": dateText(f.Periode.Start), "Til": dateText(f.Periode.Slut)})
}
