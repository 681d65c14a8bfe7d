package ui

import (
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/app/text"
)

// dryRunDelay is how long typing must rest before a form runs its command
// as a dry run and shows the consequences.
const dryRunDelay = 250 * time.Millisecond

// cmdForm is one form over a domain command. Every change runs the same
// command the form would save as a dry run against the open case
// (app.Engine.Execute does not modify the case) once typing rests, and
// shows what it would do, or the refusal in the UI's language with what to
// do instead; Gem is enabled only when the dry run allows the command. A
// soft rule (a refusal that asks for a begrundelse) shows the begrundelse
// field; the command passes once it is filled in. Gem commits the command
// in the replica off the Fyne goroutine.
type cmdForm struct {
	v     *caseView
	title string
	// build returns the command's body from the fields: nil and nil while
	// the form is not filled in enough to try; a *formError for a field
	// that cannot be read (an impossible date).
	build func() (app.Body, error)
	// reset empties the fields after a save.
	reset func()

	grid    *fyne.Container              // label, field, label, field, … (form layout)
	fields  map[string]fyne.CanvasObject // the field widgets by their label's key
	begr    *fieldEntry                  // the begrundelse, shown when a soft rule asks for it
	begrRow []fyne.CanvasObject
	effects *fyne.Container // the consequences or the refusal
	save    *widget.Button
	saved   *widget.Label // "Gemt lokalt" after a save, until the next change
	content fyne.CanvasObject
	// outer is the tab's scroll around the form: lines shown or hidden
	// change the form's height, which only a refresh from there lays out.
	outer fyne.CanvasObject

	choices      []*choice
	entries      []*fieldEntry // the text fields in tab order, the begrundelse not included
	cmdID, recID app.ID        // ids of the draft: the command and the record it creates
	last         *app.Command  // the command the last dry run allowed, else nil
	stop         func() bool   // cancels a pending dry run
}

// formError is a field the form cannot read, rendered for the user.
type formError struct{ msg string }

func (e *formError) Error() string { return e.msg }

// newCmdForm returns a form titled by the key title. withBegr says whether
// the command has a begrundelse that a soft rule may ask for.
func newCmdForm(v *caseView, title string, withBegr bool) *cmdForm {
	f := &cmdForm{v: v, title: lang.L(title), fields: map[string]fyne.CanvasObject{}}
	f.grid = container.New(layout.NewFormLayout())
	f.effects = container.NewVBox()
	f.saved = widget.NewLabel("")
	f.saved.Wrapping = fyne.TextWrapWord
	f.saved.Hide()
	f.save = widget.NewButtonWithIcon(lang.L("form.save"), theme.DocumentSaveIcon(), f.onSave)
	f.save.Importance = widget.HighImportance
	f.save.Disable()
	if withBegr {
		f.begr = newFieldEntry()
		f.begr.SetPlaceHolder(lang.L("form.begrundelse_placeholder"))
		f.begr.OnChanged = func(string) { f.changed() }
		f.begr.OnSubmitted = func(string) { f.enter(f.begr) }
	}
	f.newDraft()
	return f
}

// finish lays the form out once its fields are added.
func (f *cmdForm) finish() *cmdForm {
	if f.begr != nil {
		l := fieldLabel("form.begrundelse")
		f.begrRow = []fyne.CanvasObject{l, f.begr}
		f.grid.Add(l)
		f.grid.Add(f.begr)
		l.Hide()
		f.begr.Hide()
	}
	buttons := container.NewHBox(layout.NewSpacer(), f.save)
	body := container.NewVBox(f.grid, f.effects, f.saved, buttons)
	f.content = widget.NewCard(f.title, "", body)
	f.check()
	return f
}

// newDraft mints the ids of the next command and of the record it creates.
func (f *cmdForm) newDraft() {
	c := f.v.c
	a, err1 := c.o.NewID()
	b, err2 := c.o.NewID()
	if err := firstErr(err1, err2); err != nil {
		f.cmdID, f.recID = "", ""
		return
	}
	f.cmdID, f.recID = a, b
}

// field adds a labelled field to the form.
func (f *cmdForm) field(key string, o fyne.CanvasObject) {
	f.fields[key] = o
	f.grid.Add(fieldLabel(key))
	f.grid.Add(o)
}

func fieldLabel(key string) *widget.Label {
	return widget.NewLabelWithStyle(lang.L(key), fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
}

// entry adds a one-line text field.
func (f *cmdForm) entry(key, placeholder string) *fieldEntry {
	e := newFieldEntry()
	if placeholder != "" {
		e.SetPlaceHolder(lang.L(placeholder))
	}
	e.OnChanged = func(string) { f.changed() }
	e.OnSubmitted = func(string) { f.enter(e) }
	f.entries = append(f.entries, e)
	f.field(key, e)
	return e
}

// date adds a date field (dd.mm.åååå or d.m.åå) with its inline error.
func (f *cmdForm) date(key string) *dateField {
	d := &dateField{entry: newFieldEntry(), msg: widget.NewLabel("")}
	d.entry.SetPlaceHolder(lang.L("form.date_placeholder"))
	d.entry.OnChanged = func(string) { f.changed() }
	d.entry.OnSubmitted = func(string) { f.enter(d.entry) }
	f.entries = append(f.entries, d.entry)
	d.msg.Importance = widget.DangerImportance
	d.msg.Wrapping = fyne.TextWrapWord
	d.msg.Hide()
	f.field(key, container.NewVBox(d.entry, d.msg)) // VBox skips the hidden error
	f.fields[key] = d.entry
	f.fields[key+"#error"] = d.msg
	return d
}

// choice adds a drop-down of codes shown by their names.
func (f *cmdForm) choice(key string, codes, names []string) *choice {
	ch := &choice{codes: codes}
	ch.sel = widget.NewSelect(names, func(string) { f.changed() })
	ch.sel.PlaceHolder = lang.L("form.choose")
	f.field(key, ch.sel)
	f.choices = append(f.choices, ch)
	return ch
}

// changed runs the dry run once typing rests.
func (f *cmdForm) changed() {
	f.v.c.touch()
	f.saved.Hide()
	if f.stop != nil {
		f.stop()
	}
	f.stop = f.v.c.o.AfterFunc(dryRunDelay, func() { fyne.Do(f.check) })
}

// check runs the form's command as a dry run against the open case and
// shows what it would do; it enables Gem only when the command passes.
func (f *cmdForm) check() {
	if f.stop != nil {
		f.stop()
		f.stop = nil
	}
	if f.content == nil || f.v.sag == nil {
		return // still being built: the case view checks every form once it shows the case
	}
	f.last = nil
	f.effects.RemoveAll()
	defer func() {
		if f.last != nil {
			f.save.Enable()
		} else {
			f.save.Disable()
		}
		f.relayout()
	}()
	body, err := f.build()
	var fe *formError
	switch {
	case errors.As(err, &fe):
		return // the field shows its own error
	case err != nil:
		f.refusal(f.v.c.tx.errText(err), false)
		return
	case body == nil:
		f.effects.Add(dimLabel(lang.L("form.fill_in")))
		return
	}
	cmd := app.Command{ID: f.cmdID, Sag: f.v.sag.ID, Actor: f.v.c.o.Account.Actor(), At: f.v.c.o.Now(), Body: body}
	res, err := f.v.engine().Execute(f.v.sag, cmd)
	if err != nil {
		soft := f.begr != nil && asksBegrundelse(err)
		if soft {
			f.showBegr()
		}
		f.refusal(f.v.c.tx.errText(err), soft)
		return
	}
	f.last = &cmd
	f.effects.Add(widget.NewLabelWithStyle(lang.L("form.consequences"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	for _, e := range res.Effects {
		f.effects.Add(bullet(f.v.effectText(e), false))
	}
	for _, k := range f.v.newKonsekvenser(f.v.sag, res.Sag) {
		f.effects.Add(bullet(k, false))
	}
	if len(f.effects.Objects) == 1 {
		f.effects.Add(bullet(lang.L("form.no_consequences"), false))
	}
	for _, w := range res.Warnings {
		l := bullet(lang.L("form.warning", map[string]any{"Tekst": f.v.c.tx.message(w)}), false)
		l.Importance = widget.WarningImportance
		f.effects.Add(l)
	}
}

// relayout lays the form out again after lines came or went.
func (f *cmdForm) relayout() {
	f.grid.Refresh()
	f.effects.Refresh()
	if f.outer != nil {
		f.outer.Refresh()
	} else {
		f.content.Refresh()
	}
}

// newKonsekvenser are what a samtale's new outcome means for the citizen
// (a fradrag, no dagpenge, lawful absence): the consequences the command
// sets on samtaler, which are not effects.
func (v *caseView) newKonsekvenser(old, res *app.Sag) []string {
	var out []string
	for _, m := range res.Samtaler {
		if m.Konsekvens.IsZero() {
			continue
		}
		if i := old.FindSamtale(m.ID); i >= 0 {
			k := old.Samtaler[i].Konsekvens
			if k.Key == m.Konsekvens.Key && k.Tekst == m.Konsekvens.Tekst && maps.Equal(k.Params, m.Konsekvens.Params) {
				continue
			}
		}
		out = append(out, lang.L("form.konsekvens", map[string]any{"Dato": dateText(m.Dato), "Tekst": v.c.tx.message(m.Konsekvens)}))
	}
	return out
}

// refusal shows why the command cannot be saved; a soft rule, which a
// begrundelse lets through, is a warning rather than an error.
func (f *cmdForm) refusal(msg string, soft bool) {
	l := widget.NewLabel(msg)
	l.Wrapping = fyne.TextWrapWord
	icon := theme.ErrorIcon()
	l.Importance = widget.DangerImportance
	if soft {
		icon = theme.WarningIcon()
		l.Importance = widget.WarningImportance
	}
	f.effects.Add(container.NewBorder(nil, nil, widget.NewIcon(icon), nil, l))
}

// asksBegrundelse reports whether err is a soft rule's refusal, which a
// caseworker may override with a begrundelse.
func asksBegrundelse(err error) bool {
	var e *app.Error
	return errors.As(err, &e) && slices.Contains(e.Hints, app.HintBegrundelse)
}

func (f *cmdForm) showBegr() {
	for _, o := range f.begrRow {
		o.Show()
	}
}

// begrundelse is the begrundelse typed, "" without the field.
func (f *cmdForm) begrundelse() string {
	if f.begr == nil {
		return ""
	}
	return strings.TrimSpace(f.begr.Text)
}

// enter is Enter in the text field e: in the form's last text field shown
// it saves (when the dry run allows it), in any other it moves on to the
// next field, as Tab does.
func (f *cmdForm) enter(e *fieldEntry) {
	if e != lastField(f.begr, f.entries) {
		f.v.c.w.Canvas().FocusNext()
		return
	}
	f.submit()
}

// lastField is a form's last text field shown, where Enter saves: the
// begrundelse when it is shown, else the last of entries shown.
func lastField(begr *fieldEntry, entries []*fieldEntry) *fieldEntry {
	if begr != nil && begr.Visible() {
		return begr
	}
	var last *fieldEntry
	for _, x := range entries {
		if x.Visible() {
			last = x
		}
	}
	return last
}

// submit saves the form when the dry run allows it.
func (f *cmdForm) submit() {
	f.check()
	if f.last != nil {
		f.onSave()
	}
}

// onSave commits the command the dry run allowed in the replica (off the
// Fyne goroutine: a commit is an fsync) and asks sync to send it.
func (f *cmdForm) onSave() {
	c := f.v.c
	c.touch()
	f.check() // what is saved is what is shown, never a stale dry run
	if f.last == nil {
		return
	}
	cmd := *f.last
	f.save.Disable()
	c.o.Go(func() {
		res, err := c.o.Cases.Commit(cmd)
		if err == nil {
			c.o.Sync.Kick()
		}
		fyne.Do(func() {
			if c.main == nil || c.main.view != f.v {
				return // locked or another case opened meanwhile: show nothing
			}
			if err != nil {
				f.effects.RemoveAll()
				f.refusal(c.tx.errText(err), false)
				f.relayout()
				f.save.Enable()
				return
			}
			f.newDraft()
			if f.begr != nil {
				f.begr.SetText("")
				for _, o := range f.begrRow {
					o.Hide()
				}
			}
			f.reset()
			if res != nil && res.Sag != nil {
				f.v.show(res.Sag)
			}
			f.check()
			f.saved.SetText(lang.L("form.saved"))
			f.saved.Importance = widget.SuccessImportance
			f.saved.Show()
			f.relayout()
			f.v.changed()
		})
	})
}

func dimLabel(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.LowImportance
	return l
}

// dateField is a date entry with its inline error.
type dateField struct {
	entry *fieldEntry
	msg   *widget.Label
}

// value reads the field: zero for an empty field, else the date or a
// *formError that the field also shows under itself.
func (d *dateField) value() (app.Date, error) {
	v, err := parseDateField(d.entry.Text)
	if err != nil {
		d.msg.SetText(err.Error())
		d.msg.Show()
		return app.Date{}, err
	}
	d.msg.Hide()
	return v, nil
}

// set writes a date into the field (or empties it).
func (d *dateField) set(v app.Date) {
	if v.IsZero() {
		d.entry.SetText("")
		return
	}
	d.entry.SetText(dateText(v))
}

// parseDateField reads a date as a caseworker types it: dd.mm.åååå,
// d.m.åå (20åå) or åååå-mm-dd; "." "-" and "/" separate. An impossible
// date (31.02.2026) and anything else are a *formError in the UI's
// language.
func parseDateField(s string) (app.Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return app.Date{}, nil
	}
	bad := &formError{lang.L("form.date.format", map[string]any{"Tekst": s})}
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '.' || r == '-' || r == '/' })
	if len(parts) != 3 {
		return app.Date{}, bad
	}
	if len(parts[0]) == 4 { // åååå-mm-dd
		parts[0], parts[2] = parts[2], parts[0]
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 || strings.ContainsAny(p, "+-") {
			return app.Date{}, bad
		}
		n[i] = v
	}
	day, month, year := n[0], n[1], n[2]
	switch len(parts[2]) {
	case 2:
		year += 2000
	case 4:
	default:
		return app.Date{}, bad
	}
	if len(parts[0]) > 2 || len(parts[1]) > 2 {
		return app.Date{}, bad
	}
	d, err := app.NewDate(year, time.Month(month), day)
	if err != nil {
		return app.Date{}, &formError{lang.L("form.date.impossible", map[string]any{"Tekst": s})}
	}
	return d, nil
}

// choice is a drop-down of codes shown by their names.
type choice struct {
	sel   *widget.Select
	codes []string
}

// code is the chosen code, "" for none.
func (c *choice) code() string {
	if i := c.sel.SelectedIndex(); i >= 0 && i < len(c.codes) {
		return c.codes[i]
	}
	return ""
}

// setOptions replaces the codes and names, keeping the chosen code if it
// is still offered.
func (c *choice) setOptions(codes, names []string) {
	cur := c.code()
	c.codes = codes
	c.sel.SetOptions(names)
	if i := slices.Index(codes, cur); i >= 0 {
		c.sel.SetSelectedIndex(i)
	} else {
		c.sel.ClearSelected()
	}
}

// effectKeys name the sentence of every effect a command can have; the
// effect's date is {{.Dato}} and its detail follows the sentence.
var effectKeys = map[string]string{
	"afmeldebrev":                         "form.effect.afmeldebrev",
	"afmeldt":                             "form.effect.afmeldt",
	"cv_tilgaengeligt":                    "form.effect.cv_tilgaengeligt",
	"dagpenge_mistet":                     "form.effect.dagpenge_mistet",
	"direkte_modtager":                    "form.effect.direkte_modtager",
	"ferie_flyttes_ikke":                  "form.effect.ferie_flyttes_ikke",
	"fradrag":                             "form.effect.fradrag",
	"fravaer_afsluttet":                   "form.effect.fravaer_afsluttet",
	"fravaer_registreret":                 "form.effect.fravaer_registreret",
	"fravaer_slettet":                     "form.effect.fravaer_slettet",
	"genoprettet":                         "form.effect.genoprettet",
	"gentilmelding_kraever_sagsbehandler": "form.effect.gentilmelding_kraever_sagsbehandler",
	"gentilmeldt":                         "form.effect.gentilmeldt",
	"ingen_afmelding":                     "form.effect.ingen_afmelding",
	"ingen_ydelse":                        "form.effect.ingen_ydelse",
	"kg_afsluttet":                        "form.effect.kg_afsluttet",
	"kg_sat":                              "form.effect.kg_sat",
	"kg_skift":                            "form.effect.kg_skift",
	"kg_skift_planlagt":                   "form.effect.kg_skift_planlagt",
	"kvittering":                          "form.effect.kvittering",
	"lovligt_fravaer":                     "form.effect.lovligt_fravaer",
	"partshoering":                        "form.effect.partshoering",
	"provisorisk":                         "form.effect.provisorisk",
	"raskmeldt":                           "form.effect.raskmeldt",
	"samme_kategorisering":                "form.effect.samme_kategorisering",
	"samtale_afholdt":                     "form.effect.samtale_afholdt",
	"samtale_aflyst":                      "form.effect.samtale_aflyst",
	"samtale_booket":                      "form.effect.samtale_booket",
	"samtale_fastholdt":                   "form.effect.samtale_fastholdt",
	"selvbook_frist":                      "form.effect.selvbook_frist",
	"selvbook_opfyldt":                    "form.effect.selvbook_opfyldt",
	"slutdato_sat":                        "form.effect.slutdato_sat",
	"sygedagpenge_fra":                    "form.effect.sygedagpenge_fra",
	"sygemelding_til_arbejdsgiver":        "form.effect.sygemelding_til_arbejdsgiver",
	"tilbagedateret":                      "form.effect.tilbagedateret",
	"tilmeldes_ved_raskmelding":           "form.effect.tilmeldes_ved_raskmelding",
	"tilmelding_venter":                   "form.effect.tilmelding_venter",
	"tilmeldt":                            "form.effect.tilmeldt",
	"udeblevet":                           "form.effect.udeblevet",
	"uden_paamindelse":                    "form.effect.uden_paamindelse",
	"visitation_kraevet":                  "form.effect.visitation_kraevet",
	"visitation_nulstillet":               "form.effect.visitation_nulstillet",
	"visiteret":                           "form.effect.visiteret",
}

// effectText is an effect as a sentence in the UI's language: what
// happens and from when, then its detail from the catalogue of texts
// ("Borgeren afmeldes som ledig fra 12.03.2026 — Årsag: sygdom").
func (v *caseView) effectText(e app.Effect) string {
	dato := ""
	if !e.Dato.IsZero() {
		dato = dateText(e.Dato)
	}
	var s string
	if key, ok := effectKeys[e.Name]; ok {
		s = lang.L(key, map[string]any{"Dato": dato})
	} else {
		s = lang.L("form.effect.other", map[string]any{"Navn": e.Name, "Dato": dato})
	}
	if e.Key != "" {
		s += " — " + v.effectDetail(e)
	}
	return s
}

// effectDetail is the effect's detail from the catalogue of texts, with
// the codes the forms know by name: a samtale type or a tilmeldekategori
// for "effect.kode", an afmelding reason for "effect.aarsag".
func (v *caseView) effectDetail(e app.Effect) string {
	switch e.Key {
	case "effect.kode":
		code := e.Param("kode")
		if k, ok := samtaleTypeKeys[code]; ok {
			return lang.L(k)
		}
		if k, ok := tilmeldKatKeys[code]; ok && code != "" {
			return lang.L(k)
		}
	case "effect.aarsag":
		if k, ok := aarsagKeys[e.Param("aarsag")]; ok {
			e.Params = map[string]string{"aarsag": text.Raw(lang.L(k))}
		}
	case "effect.samtale": // a record id says nothing: the samtale itself does
		if i := v.sag.FindSamtale(app.ID(e.Param("samtale"))); i >= 0 {
			return samtaleLine(v, v.sag.Samtaler[i])
		}
	case "effect.fravaer_id":
		if i := v.sag.FindFravaer(app.ID(e.Param("fravaer"))); i >= 0 {
			return v.fravaerLine(v.sag.Fravaer[i])
		}
	}
	return v.c.tx.message(e)
}

// engine is the rule engine the dry runs of the forms and the plan use:
// over the rules in force, made again when they change.
func (v *caseView) engine() *app.Engine {
	if r := v.c.rules(); v.eng == nil || v.eng.Rules() != r {
		v.eng = app.NewEngine(r)
	}
	return v.eng
}

// ruleSet is the rule set in force today, or nil.
func (v *caseView) ruleSet() *app.RuleSet {
	rs, err := v.c.rules().ForDate(v.today())
	if err != nil {
		return nil
	}
	return rs
}

// codeNames returns codes and their names by the map of literal keys,
// in the order of codes.
func codeNames(codes []string, keys map[string]string) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		if k, ok := keys[c]; ok {
			out[i] = lang.L(k)
		} else {
			out[i] = c
		}
	}
	return out
}

// tabOfForms is a tab of forms: its content and how it shows a case.
type tabOfForms interface {
	object() fyne.CanvasObject
	show(s *app.Sag)
	forms() []*cmdForm
}

func (t *tilmeldingTab) object() fyne.CanvasObject { return t.content }
func (t *visitationTab) object() fyne.CanvasObject { return t.content }
func (t *fravaerTab) object() fyne.CanvasObject    { return t.content }
func (t *samtalerTab) object() fyne.CanvasObject   { return t.content }
func (t *tilmeldingTab) forms() []*cmdForm         { return []*cmdForm{t.tilmeld, t.afmeld} }
func (t *visitationTab) forms() []*cmdForm         { return []*cmdForm{t.visiter, t.kgForm} }
func (t *fravaerTab) forms() []*cmdForm            { return []*cmdForm{t.reg, t.end} }
func (t *samtalerTab) forms() []*cmdForm           { return []*cmdForm{t.book, t.udfald} }

// saveFocused is Ctrl+S: it saves the form the cursor is in, when its dry
// run allows it.
func (v *caseView) saveFocused() {
	focused := v.c.w.Canvas().Focused()
	if focused == nil {
		return
	}
	for _, t := range v.lazy {
		if t.tab == nil {
			continue
		}
		for _, f := range t.tab.forms() {
			if f.has(focused) {
				f.submit()
				return
			}
		}
	}
	switch {
	case v.plan != nil && v.plan.has(focused) && !v.plan.save.Disabled():
		v.plan.onSave() // a draft, as "Gem kladde"
	case v.journal != nil && focused == fyne.Focusable(v.journal.entry) && !v.journal.add.Disabled():
		v.journal.onAdd()
	}
}

// has reports whether o is one of the form's fields.
func (f *cmdForm) has(o fyne.Focusable) bool {
	if f.begr != nil && o == fyne.Focusable(f.begr) {
		return true
	}
	for _, x := range f.fields {
		if fx, ok := x.(fyne.Focusable); ok && fx == o {
			return true
		}
	}
	return false
}

// lazyTab is a tab of forms built when it is first shown: a case opens
// with its Overblik, and building every form (and dry-running those
// that are filled in) would make opening a case several times slower.
type lazyTab struct {
	item  *container.TabItem
	stack *fyne.Container
	build func() tabOfForms
	tab   tabOfForms // nil until built
}

// lazyTab returns the tab titled by key whose content build makes when
// the tab is first selected.
func (v *caseView) lazyTab(key string, build func() tabOfForms) *container.TabItem {
	t := &lazyTab{stack: container.NewStack(), build: build}
	t.item = container.NewTabItem(lang.L(key), t.stack)
	v.lazy = append(v.lazy, t)
	return t.item
}

// buildTab builds the tab of forms it, if it is one not built yet, and
// shows the open case in it.
func (v *caseView) buildTab(it *container.TabItem) {
	for _, t := range v.lazy {
		if t.item != it || t.tab != nil {
			continue
		}
		t.tab = t.build()
		t.stack.Objects = []fyne.CanvasObject{t.tab.object()}
		t.tab.show(v.sag)
		t.stack.Refresh()
	}
}

// showIf shows o when show holds, else hides it.
func showIf(o fyne.CanvasObject, show bool) {
	if show {
		o.Show()
	} else {
		o.Hide()
	}
}

// formTab is a tab of forms: the case's current state above them, all
// in a vertical scroll.
func formTab(state fyne.CanvasObject, forms ...*cmdForm) fyne.CanvasObject {
	box := container.NewVBox(state)
	scroll := container.NewVScroll(box)
	for _, f := range forms {
		box.Add(f.content)
		f.outer = scroll
	}
	return scroll
}

// stateList is the current state over a tab's forms: a heading and lines.
func stateList(title string, lines []fyne.CanvasObject) fyne.CanvasObject {
	box := container.NewVBox(widget.NewLabelWithStyle(lang.L(title), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	for _, l := range lines {
		box.Add(l)
	}
	return box
}
