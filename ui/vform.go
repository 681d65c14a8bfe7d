package ui

import (
	"errors"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"feltsag.dk/feltsag/app"
)

// fieldEntry is a text field that lets the window's keys through: Escape
// in a company form's field cancels the form (Fyne hands Escape to the
// focused field, which would ignore it), and the window's shortcuts
// (Alt+1/Alt+2, Ctrl+S, Ctrl+F, Ctrl+L ...) reach the canvas. Fyne's
// desktop driver gives every shortcut to the focused field, and a
// widget.Entry drops the ones it does not know.
type fieldEntry struct {
	widget.Entry
	onEsc func()
}

func newFieldEntry() *fieldEntry {
	e := &fieldEntry{}
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey cancels the form on Escape, hands Escape to the window when
// the field has no form to cancel (it closes the dialog on top, see
// Client.onKey) and types anything else.
func (e *fieldEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape {
		if e.onEsc != nil {
			e.onEsc()
			return
		}
		if c := fyne.CurrentApp().Driver().CanvasForObject(e); c != nil && c.OnTypedKey() != nil {
			c.OnTypedKey()(k)
			return
		}
	}
	e.Entry.TypedKey(k)
}

// TextEntry is the widget.Entry the field embeds: tests outside ui find
// the text fields by it.
func (e *fieldEntry) TextEntry() *widget.Entry { return &e.Entry }

// entryKeys are the keys of the shortcuts the Entry itself handles with a
// modifier (moving and deleting by word, Home/End on macOS).
var entryKeys = map[fyne.KeyName]bool{
	fyne.KeyLeft: true, fyne.KeyRight: true, fyne.KeyUp: true, fyne.KeyDown: true,
	fyne.KeyHome: true, fyne.KeyEnd: true, fyne.KeyBackspace: true, fyne.KeyDelete: true,
}

// TypedShortcut hands the window's shortcuts to the canvas and the text
// editing ones (copy, paste, undo, moving by word) to the Entry.
func (e *fieldEntry) TypedShortcut(s fyne.Shortcut) {
	if cs, ok := s.(*desktop.CustomShortcut); ok && !entryKeys[cs.KeyName] {
		if c, ok := fyne.CurrentApp().Driver().CanvasForObject(e).(fyne.Shortcutable); ok {
			c.TypedShortcut(s)
			return
		}
	}
	e.Entry.TypedShortcut(s)
}

// vForm is a form over one company command, the company side's cmdForm
// (ui/form.go): every change runs the command as a dry run against the
// company shown (Engine.ExecuteVirksomhed does not modify it) once typing
// rests, and shows its consequences — effects, what it does on the
// citizen's case, warnings — or the refusal in the UI's language. A soft
// rule shows the begrundelse field. Gem (or Enter in the last field, or
// Ctrl+S) commits the command through Companies.CommitCompany; Annuller
// or Escape goes back to the card without saving.
type vForm struct {
	k     *fieldKit
	v     *app.Virksomhed
	sag   *app.Sag // the citizen's case (henvis, placer), else nil
	build func() (app.VBody, error)

	grid    *fyne.Container
	fields  map[string]fyne.CanvasObject // by label key
	effects *fyne.Container
	begr    *fieldEntry
	begrRow []fyne.CanvasObject
	save    *widget.Button
	cancel  *widget.Button
	content fyne.CanvasObject

	entries      []*fieldEntry    // in tab order, the begrundelse not included
	focus        *fieldEntry      // the field with the cursor when shown; default the first
	picks        []*widget.Button // the visit form's follow-up quick picks
	cmdID, recID app.ID
	last         *app.VCommand
	stop         func() bool
}

// newVForm returns an empty form titled by the text title.
func newVForm(k *fieldKit, v *app.Virksomhed, withBegr bool) *vForm {
	f := &vForm{k: k, v: v, fields: map[string]fyne.CanvasObject{}}
	f.grid = container.New(layout.NewFormLayout())
	f.effects = container.NewVBox()
	f.save = widget.NewButtonWithIcon(lang.L("form.save"), theme.DocumentSaveIcon(), f.onSave)
	f.save.Importance = widget.HighImportance
	f.save.Disable()
	f.cancel = widget.NewButtonWithIcon(lang.L("field.cancel"), theme.CancelIcon(), func() { k.c.touch(); k.back() })
	if withBegr {
		f.begr = newFieldEntry()
		f.begr.SetPlaceHolder(lang.L("form.begrundelse_placeholder"))
		f.begr.OnChanged = func(string) { f.changed() }
		f.begr.OnSubmitted = func(string) { f.enter(f.begr) }
		f.begr.onEsc = func() { k.back() }
	}
	a, err1 := k.c.o.NewID()
	b, err2 := k.c.o.NewID()
	if firstErr(err1, err2) == nil {
		f.cmdID, f.recID = a, b
	}
	return f
}

// finish lays the form out under title once its fields are added.
func (f *vForm) finish(title string) *vForm {
	if f.begr != nil {
		l := fieldLabel("form.begrundelse")
		f.begrRow = []fyne.CanvasObject{l, f.begr}
		f.grid.Add(l)
		f.grid.Add(f.begr)
		l.Hide()
		f.begr.Hide()
	}
	buttons := container.NewHBox(layout.NewSpacer(), f.cancel, f.save)
	head := widget.NewLabelWithStyle(companyHeader(f.v), fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
	head.Truncation = fyne.TextTruncateEllipsis
	body := container.NewVBox(head, f.grid, f.effects, buttons)
	f.content = container.NewVScroll(widget.NewCard(title, "", body))
	f.check()
	return f
}

func (f *vForm) field(key string, o fyne.CanvasObject) {
	f.fields[key] = o
	l := fieldLabel(key)
	f.fields[key+"#label"] = l
	f.grid.Add(l)
	f.grid.Add(o)
}

// entry adds a one-line text field.
func (f *vForm) entry(key, placeholder string) *fieldEntry {
	e := newFieldEntry()
	if placeholder != "" {
		e.SetPlaceHolder(lang.L(placeholder))
	}
	f.wire(e)
	f.field(key, e)
	return e
}

func (f *vForm) wire(e *fieldEntry) {
	e.OnChanged = func(string) { f.changed() }
	e.OnSubmitted = func(string) { f.enter(e) }
	e.onEsc = func() { f.k.back() }
	f.entries = append(f.entries, e)
}

// date adds a date field; extra objects (quick picks) follow it on its
// line.
func (f *vForm) date(key string, extra ...fyne.CanvasObject) *dateField {
	d := &dateField{entry: newFieldEntry(), msg: widget.NewLabel("")}
	d.entry.SetPlaceHolder(lang.L("form.date_placeholder"))
	f.wire(d.entry)
	d.msg.Importance = widget.DangerImportance
	d.msg.Wrapping = fyne.TextWrapWord
	d.msg.Hide()
	var line fyne.CanvasObject = d.entry
	if len(extra) > 0 {
		line = container.NewBorder(nil, nil, nil, container.NewHBox(extra...), d.entry)
	}
	f.field(key, container.NewVBox(line, d.msg))
	f.fields[key] = d.entry
	return d
}

// choice adds a drop-down of codes shown by their names.
func (f *vForm) choice(key string, codes, names []string) *choice {
	ch := &choice{codes: codes}
	ch.sel = widget.NewSelect(names, func(string) { f.changed() })
	ch.sel.PlaceHolder = lang.L("form.choose")
	f.field(key, ch.sel)
	return ch
}

// check adds a check box.
func (f *vForm) checkBox(key, label string) *widget.Check {
	c := widget.NewCheck(lang.L(label), func(bool) { f.changed() })
	f.field(key, c)
	return c
}

// unit adds the choice of P-unit when the company has several; with one
// it is chosen and not shown. optional offers "no unit" first.
func (f *vForm) unit(optional bool, cur app.PNummer) func() app.PNummer {
	switch len(f.v.Enheder) {
	case 0:
		return func() app.PNummer { return "" }
	case 1:
		p := f.v.Enheder[0].PNummer
		return func() app.PNummer { return p }
	}
	var codes, names []string
	if optional {
		codes, names = append(codes, ""), append(names, lang.L("field.none_chosen"))
	}
	for _, e := range f.v.Enheder {
		codes = append(codes, string(e.PNummer))
		names = append(names, strings.TrimSpace(e.Navn+" ("+string(e.PNummer)+")"))
	}
	ch := f.choice("field.f.enhed", codes, names)
	for i, c := range codes {
		if c == string(cur) && (cur != "" || optional) {
			ch.sel.SetSelectedIndex(i)
		}
	}
	return func() app.PNummer { return app.PNummer(ch.code()) }
}

// number reads a whole number; "" is 0 and nothing to try yet.
func number(e *fieldEntry, key string) (int, bool, error) {
	s := strings.TrimSpace(e.Text)
	if s == "" {
		return 0, false, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, false, &numberError{lang.L("field.number", map[string]any{"Felt": lang.L(key), "Tekst": s})}
	}
	return n, true, nil
}

// numberError is a number field the form cannot read; unlike a date's
// (formError), the field has no line of its own: the form shows it.
type numberError struct{ msg string }

func (e *numberError) Error() string { return e.msg }

// changed runs the dry run once typing rests.
func (f *vForm) changed() {
	f.k.c.touch()
	if f.stop != nil {
		f.stop()
	}
	f.stop = f.k.c.o.AfterFunc(dryRunDelay, func() { fyne.Do(f.check) })
}

// command is the command the fields make, or nil and why not.
func (f *vForm) command() (*app.VCommand, error) {
	body, err := f.build()
	if err != nil || body == nil {
		return nil, err
	}
	return &app.VCommand{ID: f.cmdID, Virksomhed: f.v.ID, Actor: f.k.c.o.Account.Actor(), At: f.k.c.o.Now(), Body: body}, nil
}

// check runs the dry run and shows its consequences or the refusal; it
// enables Gem only when the command passes.
func (f *vForm) check() {
	if f.stop != nil {
		f.stop()
		f.stop = nil
	}
	if f.content == nil {
		return
	}
	f.last = nil
	f.effects.RemoveAll()
	defer func() {
		if f.last != nil {
			f.save.Enable()
		} else {
			f.save.Disable()
		}
		f.grid.Refresh()
		f.effects.Refresh()
		f.content.Refresh()
	}()
	cmd, err := f.command()
	var fe *formError
	var ne *numberError
	switch {
	case errors.As(err, &fe):
		return // the date field shows its own error
	case errors.As(err, &ne):
		f.refusal(ne.msg, false)
		return
	case err != nil:
		f.refusal(f.k.c.tx.errText(err), false)
		return
	case cmd == nil:
		f.effects.Add(dimLabel(lang.L("form.fill_in")))
		return
	}
	res, err := f.k.engine().ExecuteVirksomhed(f.v, *cmd, f.sag)
	if err != nil {
		soft := f.begr != nil && asksBegrundelse(err)
		if soft {
			for _, o := range f.begrRow {
				o.Show()
			}
		}
		f.refusal(f.k.c.tx.errText(err), soft)
		return
	}
	f.last = cmd
	f.effects.Add(widget.NewLabelWithStyle(lang.L("form.consequences"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	for _, e := range res.Effects {
		f.effects.Add(bullet(f.k.effectText(e), false))
	}
	for _, c := range res.Foelger {
		if c.Body.Kind() == "gem_plan" {
			f.effects.Add(bullet(lang.L("field.foelger.plan"), false))
		} else {
			f.effects.Add(bullet(lang.L("field.foelger.other", map[string]any{"Handling": c.Body.Kind()}), false))
		}
	}
	if len(f.effects.Objects) == 1 {
		f.effects.Add(bullet(lang.L("form.no_consequences"), false))
	}
	for _, w := range res.Warnings {
		l := bullet(lang.L("form.warning", map[string]any{"Tekst": f.k.c.tx.message(w)}), false)
		l.Importance = widget.WarningImportance
		f.effects.Add(l)
	}
}

func (f *vForm) refusal(msg string, soft bool) {
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

// enter is Enter in e: the last field shown saves, any other moves on.
func (f *vForm) enter(e *fieldEntry) {
	if e != lastField(f.begr, f.entries) {
		f.k.c.w.Canvas().FocusNext()
		return
	}
	f.submit()
}

// submit saves when the dry run allows it.
func (f *vForm) submit() {
	f.check()
	if f.last != nil {
		f.onSave()
	}
}

// onSave commits the command the dry run allowed, off the Fyne goroutine,
// asks sync to send it and shows the company as the commit left it.
func (f *vForm) onSave() {
	k := f.k
	k.c.touch()
	f.check()
	if f.last == nil {
		return
	}
	cmd := *f.last
	f.save.Disable()
	k.c.o.Go(func() {
		res, err := k.c.o.Companies.CommitCompany(cmd)
		if err == nil {
			k.c.o.Sync.Kick()
		}
		fyne.Do(func() {
			if k.c.main != k.m || k.form != f {
				return // locked or gone meanwhile
			}
			if err != nil {
				f.effects.RemoveAll()
				f.refusal(k.c.tx.errText(err), false)
				f.effects.Refresh()
				f.save.Enable()
				return
			}
			if res == nil || res.Virksomhed == nil {
				k.open(f.v.ID)
				return
			}
			k.showCompany(res.Virksomhed, lang.L("form.saved"))
		})
	})
}

// showForm shows f over the card.
func (k *fieldKit) showForm(f *vForm) { k.push(f.content, f) }

// companyEffectKeys name the sentence of every effect a company command
// can have; the effect's date is {{.Dato}}.
var companyEffectKeys = map[string]string{
	"virksomhed_oprettet":    "field.effect.virksomhed_oprettet",
	"pnummer_kontrol":        "field.effect.pnummer_kontrol",
	"opfoelgning":            "field.effect.opfoelgning",
	"jobordre_oprettet":      "field.effect.jobordre_oprettet",
	"henvist":                "field.effect.henvist",
	"ikke_sanktionsgrundlag": "field.effect.ikke_sanktionsgrundlag",
	"henvisning_udfald":      "field.effect.henvisning_udfald",
	"nuph":                   "field.effect.nuph",
	"placeret":               "field.effect.placeret",
	"rimelighed":             "field.effect.rimelighed",
	"placering_afsluttet":    "field.effect.placering_afsluttet",
}

// effectText is a company command's effect as a sentence.
func (k *fieldKit) effectText(e app.Effect) string {
	dato := ""
	if !e.Dato.IsZero() {
		dato = dateText(e.Dato)
	}
	var s string
	if key, ok := companyEffectKeys[e.Name]; ok {
		s = lang.L(key, map[string]any{"Dato": dato})
	} else {
		s = lang.L("form.effect.other", map[string]any{"Navn": e.Name, "Dato": dato})
	}
	switch {
	case e.Key == "effect.kode" && ordningKeys[e.Param("kode")] != "":
		s += " — " + codeName(ordningKeys, e.Param("kode"))
	case e.Key != "":
		s += " — " + k.c.tx.message(e)
	}
	return s
}
