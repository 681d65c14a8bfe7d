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

// Samtale types, forms and outcomes the forms offer, and their names.
var (
	samtaleTypes    = []string{"jobsamtale", "opfoelgning", "raadighed", "forloeb"}
	samtaleTypeKeys = map[string]string{
		"jobsamtale":  "form.samtale.type.jobsamtale",
		"opfoelgning": "form.samtale.type.opfoelgning",
		"raadighed":   "form.samtale.type.raadighed",
		"forloeb":     "form.samtale.type.forloeb",
	}
	samtaleFormer   = []string{"fremmoede", "telefon", "video", "digital"}
	samtaleFormKeys = map[string]string{
		"fremmoede": "form.samtale.form.fremmoede",
		"telefon":   "form.samtale.form.telefon",
		"video":     "form.samtale.form.video",
		"digital":   "form.samtale.form.digital",
	}
	samtaleStatusKeys = map[string]string{
		app.SamtalePlanlagt:  "form.samtale.status.planlagt",
		app.SamtaleAfholdt:   "form.samtale.status.afholdt",
		app.SamtaleUdeblevet: "form.samtale.status.udeblevet",
		app.SamtaleAflyst:    "form.samtale.status.aflyst",
	}
	samtaleUdfald = []string{app.SamtaleAfholdt, app.SamtaleUdeblevet}
)

// samtalerTab is the Samtaler tab: the booked and held samtaler with their
// outcome, a form to book one (BookSamtale) and one to register a planned
// samtale's outcome (RegistrerSamtaleAfholdt, RegistrerUdeblivelse).
type samtalerTab struct {
	v     *caseView
	state *fyne.Container

	book      *cmdForm
	dato      *dateField
	tid       *fieldEntry
	form, typ *choice

	udfald         *cmdForm
	which, outcome *choice
	kontakt        *dateField
	grund          *fieldEntry
	content        fyne.CanvasObject
}

func newSamtalerTab(v *caseView) *samtalerTab {
	t := &samtalerTab{v: v, state: container.NewVBox()}

	t.book = newCmdForm(v, "form.samtale.title", true)
	t.dato = t.book.date("form.samtale.dato")
	t.tid = t.book.entry("form.samtale.tid", "form.samtale.tid_placeholder")
	t.form = t.book.choice("form.samtale.form", samtaleFormer, codeNames(samtaleFormer, samtaleFormKeys))
	t.form.sel.SetSelectedIndex(0)
	t.typ = t.book.choice("form.samtale.type", samtaleTypes, codeNames(samtaleTypes, samtaleTypeKeys))
	t.typ.sel.SetSelectedIndex(0)
	t.book.build = t.buildBook
	t.book.reset = func() {
		t.dato.set(app.Date{})
		t.tid.SetText("")
	}
	t.book.finish()

	t.udfald = newCmdForm(v, "form.udfald.title", false)
	t.which = t.udfald.choice("form.udfald.samtale", nil, nil)
	t.outcome = t.udfald.choice("form.udfald.udfald", samtaleUdfald, codeNames(samtaleUdfald, samtaleStatusKeys))
	t.kontakt = t.udfald.date("form.udfald.kontakt")
	t.grund = t.udfald.entry("form.udfald.grund", "")
	t.udfald.build = t.buildUdfald
	t.udfald.reset = func() {
		t.which.sel.ClearSelected()
		t.outcome.sel.ClearSelected()
		t.kontakt.set(app.Date{})
		t.grund.SetText("")
	}
	t.udfald.finish()

	t.content = formTab(t.state, t.book, t.udfald)
	return t
}

// normTid accepts 9:30 for 09:30; the domain checks the rest.
func normTid(s string) string {
	s = strings.ReplaceAll(strings.TrimSpace(s), ".", ":")
	if len(s) == 4 && s[1] == ':' {
		s = "0" + s
	}
	return s
}

func (t *samtalerTab) buildBook() (app.Body, error) {
	dato, err := t.dato.value()
	if err != nil {
		return nil, err
	}
	if dato.IsZero() || t.typ.code() == "" {
		return nil, nil
	}
	return &app.BookSamtale{SamtaleID: t.book.recID, Type: t.typ.code(), Dato: dato, Tid: normTid(t.tid.Text),
		Form: t.form.code(), Begrundelse: t.book.begrundelse()}, nil
}

func (t *samtalerTab) buildUdfald() (app.Body, error) {
	udeblevet := t.outcome.code() == app.SamtaleUdeblevet
	for _, o := range t.udfald.grid.Objects[4:] { // kontakt and grund belong to a no-show
		if udeblevet {
			o.Show()
		} else {
			o.Hide()
		}
	}
	var kontakt app.Date
	if udeblevet {
		var err error
		if kontakt, err = t.kontakt.value(); err != nil {
			return nil, err
		}
	}
	id := app.ID(t.which.code())
	switch {
	case id == "" || t.outcome.code() == "":
		return nil, nil
	case udeblevet:
		return &app.RegistrerUdeblivelse{SamtaleID: id, Kontakt: kontakt, Grund: strings.TrimSpace(t.grund.Text)}, nil
	}
	return &app.RegistrerSamtaleAfholdt{SamtaleID: id}, nil
}

// show lists the case's samtaler, newest first, with their outcome, and
// offers the planned ones for an outcome.
func (t *samtalerTab) show(s *app.Sag) {
	ms := slices.Clone(s.Samtaler)
	slices.SortStableFunc(ms, func(a, b app.Samtale) int {
		switch {
		case a.Dato.After(b.Dato):
			return -1
		case a.Dato.Before(b.Dato):
			return 1
		}
		return strings.Compare(b.Tid, a.Tid)
	})
	var lines []fyne.CanvasObject
	var ids, names []string
	for _, m := range ms {
		text := samtaleLine(t.v, m)
		l := bullet(text, false)
		switch m.Status {
		case app.SamtaleUdeblevet:
			l.Importance = widget.WarningImportance
		case app.SamtaleAfholdt:
			l.Importance = widget.SuccessImportance
		}
		lines = append(lines, l)
		if m.Status == app.SamtalePlanlagt {
			ids = append(ids, string(m.ID))
			names = append(names, text)
		}
	}
	if len(lines) == 0 {
		lines = append(lines, dimLabel(lang.L("form.samtale.none")))
	}
	t.state.Objects = []fyne.CanvasObject{stateList("form.samtale.state", lines)}
	t.state.Refresh()
	t.which.setOptions(ids, names)
	showIf(t.udfald.content, len(ids) > 0)
	t.book.check()
	t.udfald.check()
}

// samtaleLine is one samtale: when, how, what and its outcome.
func samtaleLine(v *caseView, m app.Samtale) string {
	parts := []string{dateText(m.Dato)}
	if m.Tid != "" {
		parts[0] = lang.L("form.samtale.at", map[string]any{"Dato": dateText(m.Dato), "Tid": m.Tid})
	}
	parts = append(parts, codeNames([]string{m.Type}, samtaleTypeKeys)[0])
	if m.Form != "" {
		parts = append(parts, codeNames([]string{m.Form}, samtaleFormKeys)[0])
	}
	parts = append(parts, codeNames([]string{m.Status}, samtaleStatusKeys)[0])
	if !m.Konsekvens.IsZero() {
		parts = append(parts, v.c.tx.message(m.Konsekvens))
	}
	return strings.Join(parts, " · ")
}
