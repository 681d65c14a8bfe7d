package ui

import (
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"feltsag.dk/feltsag/app"
)

// caseView shows one case: a header and the tabs.
type caseView struct {
	c       *Client
	sag     *app.Sag
	changed func() // after a saved command: refresh the case list

	header    *widget.Label
	tabs      *container.AppTabs
	overblik  *container.Scroll
	journal   *journal
	plan      *planTab
	history   *historyTab
	conflicts *conflictsTab
	content   fyne.CanvasObject

	// The tabs of forms over the domain's commands (ui/form.go), each
	// built when first shown, and the engine their dry runs use.
	tilmelding *tilmeldingTab
	visitation *visitationTab
	fravaer    *fravaerTab
	samtaler   *samtalerTab
	lazy       []*lazyTab
	journalTab *container.TabItem
	planTab    *container.TabItem
	eng        *app.Engine
}

func newCaseView(c *Client, s *app.Sag, changed func()) *caseView {
	v := &caseView{c: c, changed: changed}
	v.header = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.header.Truncation = fyne.TextTruncateEllipsis
	v.overblik = container.NewVScroll(widget.NewLabel(""))
	v.journal = newJournal(v)
	v.plan = newPlanTab(v)
	v.history = newHistoryTab(v)
	v.conflicts = newConflictsTab(v)
	v.journalTab = container.NewTabItem(lang.L("case.tab.journal"), v.journal.content)
	v.planTab = container.NewTabItem(lang.L("case.tab.plan"), v.plan.content)
	v.tabs = container.NewAppTabs(
		container.NewTabItem(lang.L("case.tab.overblik"), v.overblik),
		v.lazyTab("case.tab.tilmelding", func() tabOfForms { v.tilmelding = newTilmeldingTab(v); return v.tilmelding }),
		v.lazyTab("case.tab.visitation", func() tabOfForms { v.visitation = newVisitationTab(v); return v.visitation }),
		v.lazyTab("case.tab.fravaer", func() tabOfForms { v.fravaer = newFravaerTab(v); return v.fravaer }),
		v.lazyTab("case.tab.samtaler", func() tabOfForms { v.samtaler = newSamtalerTab(v); return v.samtaler }),
		v.journalTab,
		v.planTab,
		container.NewTabItem(lang.L("case.tab.historik"), v.history.content),
		v.conflicts.item,
	)
	v.tabs.OnSelected = func(it *container.TabItem) {
		c.touch()
		v.buildTab(it)
		if it.Content == v.history.content {
			v.history.load()
		}
	}
	v.content = container.NewBorder(v.header, nil, nil, nil, v.tabs)
	v.show(s)
	return v
}

// show fills the view with s, the case's local view.
func (v *caseView) show(s *app.Sag) {
	v.sag = s
	parts := []string{s.Borger.Navn, s.Borger.CPR.Masked()}
	if kg := s.Kontaktgruppe; kg != nil && kg.KG > 0 {
		parts = append(parts, kgLabel(kg.KG)+" "+v.c.tx.name("kg", strconv.Itoa(kg.KG)))
	}
	v.header.SetText(strings.Join(parts, " · "))
	v.overblik.Content = v.overblikContent(s)
	v.overblik.Refresh()
	v.journal.show(s)
	v.plan.show(s)
	if v.tabs.Selected() != nil && v.tabs.Selected().Content == v.history.content {
		v.history.load()
	}
	v.conflicts.load()
	for _, t := range v.lazy {
		if t.tab != nil {
			t.tab.show(s)
		}
	}
}

// today is the caseworker's date (Copenhagen, as the domain counts).
func (v *caseView) today() app.Date { return app.DateOf(v.c.o.Now()) }

// overblikContent is the Overblik tab: the case's facts, then the duties
// and deadlines the rules derive for today.
func (v *caseView) overblikContent(s *app.Sag) fyne.CanvasObject {
	today := v.today()
	o, err := v.c.rules().Overblik(s, today)
	timeline := newTimeline(TimelineOf(s, o.Frister, today), v.c.tx.name)
	facts := container.New(layout.NewFormLayout())
	add := func(key, value string) {
		facts.Add(widget.NewLabelWithStyle(lang.L(key), fyne.TextAlignTrailing, fyne.TextStyle{Bold: true}))
		l := widget.NewLabel(value)
		l.Wrapping = fyne.TextWrapWord
		facts.Add(l)
	}
	add("case.kg", v.kgText(s))
	add("case.tilmelding", v.tilmeldingText(s))
	add("case.visitation", v.visitationText(s))
	add("case.fravaer", v.fravaerText(s, today))
	box := container.NewVBox(timeline, widget.NewSeparator(), facts)
	if err != nil {
		box.Add(errorPane(v.c.tx.errText(err)))
		return box
	}
	box.Add(heading(lang.L("case.duties")))
	for _, p := range o.Pligter {
		if p.Status == app.PligtIngen {
			continue
		}
		box.Add(bullet(v.c.tx.message(p.Line()), p.Status == app.PligtFritaget || p.Status == app.PligtAfmeldt))
	}
	box.Add(heading(lang.L("case.deadlines")))
	if len(o.Frister) == 0 {
		box.Add(bullet(lang.L("case.no_deadlines"), false))
	}
	for _, f := range o.Frister {
		l := bullet(v.c.tx.message(f.Line()), false)
		if f.Status == app.FristOverskredet {
			setImportance(l, widget.DangerImportance)
		}
		box.Add(l)
	}
	return box
}

func (v *caseView) kgText(s *app.Sag) string {
	kg := s.Kontaktgruppe
	if kg == nil || kg.KG <= 0 {
		return lang.L("case.kg_none")
	}
	name := kgLabel(kg.KG) + " " + v.c.tx.name("kg", strconv.Itoa(kg.KG))
	if kg.Periode.Start.IsZero() {
		return name
	}
	return lang.L("case.since", map[string]any{"Tekst": name, "Dato": dateText(kg.Periode.Start)})
}

func (v *caseView) tilmeldingText(s *app.Sag) string {
	t := s.Tilmelding
	switch {
	case t.ErTilmeldt() && !t.Siden.IsZero():
		return lang.L("case.tilmeldt_siden", map[string]any{"Dato": dateText(t.Siden)})
	case t.ErTilmeldt():
		return lang.L("case.tilmeldt")
	case !t.AfmeldtDato.IsZero():
		return lang.L("case.afmeldt", map[string]any{"Dato": dateText(t.AfmeldtDato)})
	}
	return lang.L("case.ikke_tilmeldt")
}

func (v *caseView) visitationText(s *app.Sag) string {
	vi := s.Visitation
	if vi.Kategori == "" {
		return lang.L("case.ikke_visiteret")
	}
	name := v.c.tx.name("kategori", vi.Kategori)
	if vi.Dato.IsZero() {
		return name
	}
	return lang.L("case.since", map[string]any{"Tekst": name, "Dato": dateText(vi.Dato)})
}

func (v *caseView) fravaerText(s *app.Sag, today app.Date) string {
	var lines []string
	for _, f := range s.AktiveFravaer(today) {
		name := v.c.tx.name("fravaer", f.Type)
		if f.Periode.Slut.IsZero() {
			lines = append(lines, lang.L("case.fravaer_open", map[string]any{"Type": name, "Fra": dateText(f.Periode.Start)}))
		} else {
			lines = append(lines, lang.L("case.fravaer_period", map[string]any{"Type": name, "Fra": dateText(f.Periode.Start), "Til": dateText(f.Periode.Slut)}))
		}
	}
	if len(lines) == 0 {
		return lang.L("case.fravaer_none")
	}
	return strings.Join(lines, "\n")
}

// dateText writes a date in the language's format (dd.mm.åååå in Danish).
func dateText(d app.Date) string { return d.Time().Format(lang.L("format.dato")) }

func heading(s string) fyne.CanvasObject {
	l := widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	return container.NewVBox(widget.NewSeparator(), l)
}

// bullet is one line of a list; dim lines are suspended duties.
func bullet(s string, exempt bool) *widget.Label {
	l := widget.NewLabel("• " + s)
	l.Wrapping = fyne.TextWrapWord
	if exempt {
		l.Importance = widget.SuccessImportance
	}
	return l
}

func setImportance(l *widget.Label, imp widget.Importance) {
	l.Importance = imp
	l.Refresh()
}

// focusNote shows the Journal tab and puts the cursor in the new note.
func (v *caseView) focusNote() {
	v.tabs.Select(v.journalTab)
	v.c.w.Canvas().Focus(v.journal.entry)
}

// journal is the Journal tab: the append-only notes, newest first, and a
// field to add one.
type journal struct {
	v       *caseView
	entry   *fieldEntry
	add     *widget.Button
	saved   *widget.Label
	notes   *fyne.Container
	content fyne.CanvasObject
}

func newJournal(v *caseView) *journal {
	j := &journal{v: v, entry: newMultiLineField(), saved: widget.NewLabel(""), notes: container.NewVBox()}
	j.entry.SetPlaceHolder(lang.L("journal.placeholder"))
	j.entry.SetMinRowsVisible(3)
	j.entry.Wrapping = fyne.TextWrapWord
	j.entry.OnChanged = func(string) { v.c.touch() }
	j.add = widget.NewButtonWithIcon(lang.L("journal.add"), theme.ContentAddIcon(), j.onAdd)
	j.add.Importance = widget.HighImportance
	j.saved.Wrapping = fyne.TextWrapWord
	form := container.NewBorder(nil, nil, nil, container.NewVBox(j.add), j.entry)
	j.content = container.NewBorder(container.NewVBox(form, j.saved, widget.NewSeparator()), nil, nil, nil, container.NewVScroll(j.notes))
	return j
}

// show lists the case's notes, newest first.
func (j *journal) show(s *app.Sag) {
	notes := slices.Clone(s.Notater)
	slices.SortStableFunc(notes, func(a, b app.Notat) int { return b.Tid.Compare(a.Tid) })
	j.notes.RemoveAll()
	if len(notes) == 0 {
		l := widget.NewLabel(lang.L("journal.empty"))
		l.Importance = widget.LowImportance
		j.notes.Add(l)
	}
	for _, n := range notes {
		head := lang.L("journal.meta", map[string]any{"Dato": formatDate(n.Tid), "Tid": n.Tid.Local().Format("15:04"), "Forfatter": string(n.Forfatter)})
		h := widget.NewLabelWithStyle(head, fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
		body := widget.NewLabel(n.Tekst)
		body.Wrapping = fyne.TextWrapWord
		j.notes.Add(container.New(&tightVBox{}, h, body))
	}
	j.notes.Refresh()
}

// onAdd saves the note as a TilfoejNotat command in the replica (off the
// Fyne goroutine: a commit is an fsync), then tells sync to push it.
func (j *journal) onAdd() {
	c := j.v.c
	c.touch()
	tekst := strings.TrimSpace(j.entry.Text)
	if tekst == "" {
		j.say(lang.L("journal.write_first"), widget.WarningImportance)
		return
	}
	cmdID, err1 := c.o.NewID()
	noteID, err2 := c.o.NewID()
	if err := firstErr(err1, err2); err != nil {
		j.say(c.tx.errText(app.Internal(err)), widget.DangerImportance)
		return
	}
	cmd := app.Command{ID: cmdID, Sag: j.v.sag.ID, Actor: c.o.Account.Actor(), At: c.o.Now(),
		Body: &app.TilfoejNotat{NotatID: noteID, Tekst: tekst}}
	j.add.Disable()
	c.o.Go(func() {
		res, err := c.o.Cases.Commit(cmd)
		if err == nil {
			c.o.Sync.Kick()
		}
		fyne.Do(func() {
			j.add.Enable()
			if err != nil {
				j.say(c.tx.errText(err), widget.DangerImportance)
				return
			}
			j.entry.SetText("")
			j.say(lang.L("journal.saved"), widget.SuccessImportance)
			if res != nil && res.Sag != nil {
				j.v.show(res.Sag)
			}
			j.v.changed()
		})
	})
}

func (j *journal) say(s string, imp widget.Importance) {
	j.saved.Importance = imp
	j.saved.SetText(s)
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
