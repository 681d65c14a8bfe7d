package ui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"feltsag.dk/feltsag/app"
)

// Decisions is what the Konflikter tab and the status line need besides
// the caseload: a person's decision on a conflict, recorded in the replica
// until the server has answered it, and the commands the server rejected,
// which the caseworker reads and dismisses. cmd/feltsag passes the
// replica.
type Decisions interface {
	// Resolve records a decision (keep theirs or take mine, with a note);
	// sync sends it. A conflict is decided once.
	Resolve(r app.Resolution) error
	// Resolutions returns the decisions not yet answered by the server.
	Resolutions() ([]app.Resolution, error)
	// Rejected returns the rejected commands not yet dismissed.
	Rejected() ([]app.Acked, error)
	// Dismiss marks a rejected command as read.
	Dismiss(cmd app.ID) error
}

// ThisDevice is what an Account may also offer: the id of this
// computer's device, so that a conflict side made here is named as this
// computer (Options.DeviceName) rather than by its opaque id.
type ThisDevice interface {
	Device() app.ID
}

// noDecisions stands in when the client was given none: nothing decided,
// nothing rejected, and a decision cannot be saved.
type noDecisions struct{}

func (noDecisions) Resolve(app.Resolution) error {
	return app.Internal(fmt.Errorf("ui: no Decisions configured"))
}
func (noDecisions) Resolutions() ([]app.Resolution, error) { return nil, nil }
func (noDecisions) Rejected() ([]app.Acked, error)         { return nil, nil }
func (noDecisions) Dismiss(app.ID) error                   { return nil }

// conflictsTab is the Konflikter tab: the case's open conflicts, each with
// base, mine and theirs, and one decision with a note.
type conflictsTab struct {
	v       *caseView
	item    *container.TabItem
	list    *fyne.Container
	cards   []*conflictCard
	content fyne.CanvasObject
}

func newConflictsTab(v *caseView) *conflictsTab {
	t := &conflictsTab{v: v, list: container.NewVBox()}
	intro := widget.NewLabel(lang.L("conflict.intro"))
	intro.Wrapping = fyne.TextWrapWord
	intro.Importance = widget.LowImportance
	t.content = container.NewBorder(intro, nil, nil, nil, container.NewVScroll(t.list))
	t.item = container.NewTabItem(lang.L("case.tab.konflikter"), t.content)
	return t
}

// load reads the case's conflicts and the decisions waiting to be sent
// off the Fyne goroutine and shows them.
func (t *conflictsTab) load() {
	c, id := t.v.c, t.v.sag.ID
	c.o.Go(func() {
		ks, err := c.o.Cases.Conflicts(id)
		var decs []app.Resolution
		if err == nil {
			decs, err = c.o.Decisions.Resolutions()
		}
		fyne.Do(func() {
			if c.main == nil || t.v.sag.ID != id {
				return // locked, or another case meanwhile
			}
			t.show(ks, decs, err)
		})
	})
}

// show lists the conflicts, oldest first, and counts them in the tab's
// title.
func (t *conflictsTab) show(ks []app.Conflict, decs []app.Resolution, err error) {
	t.list.RemoveAll()
	t.cards = nil
	if err != nil {
		t.list.Add(errorPane(t.v.c.tx.errText(err)))
	}
	slices.SortStableFunc(ks, func(a, b app.Conflict) int { return a.Created.Compare(b.Created) })
	decided := map[app.ID]*app.Resolution{}
	for i := range decs {
		decided[decs[i].Conflict] = &decs[i]
	}
	for _, k := range ks {
		card := newConflictCard(t, k, decided[k.ID])
		t.cards = append(t.cards, card)
		t.list.Add(card.content)
	}
	if len(ks) == 0 && err == nil {
		l := widget.NewLabel(lang.L("conflict.none"))
		l.Importance = widget.LowImportance
		t.list.Add(l)
	}
	title := lang.L("case.tab.konflikter")
	if open := len(ks) - len(decided); len(ks) > 0 && open > 0 {
		title += " (" + strconv.Itoa(open) + ")"
	}
	t.item.Text = title
	t.v.tabs.Refresh()
	t.list.Refresh()
}

// conflictCard is one conflict: what the field was, what this side and
// the other made it, and the decision.
type conflictCard struct {
	t       *conflictsTab
	k       app.Conflict
	choice  *widget.RadioGroup
	note    *fieldEntry
	decide  *widget.Button
	message *widget.Label
	content fyne.CanvasObject
}

func newConflictCard(t *conflictsTab, k app.Conflict, decided *app.Resolution) *conflictCard {
	cc := &conflictCard{t: t, k: k, message: widget.NewLabel("")}
	c := t.v.c
	title := widget.NewLabelWithStyle(lang.L("conflict.title", map[string]any{"Felt": fieldName(k.Field)}), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	created := widget.NewLabelWithStyle(lang.L("conflict.created", map[string]any{"Dato": formatDate(k.Created), "Tid": k.Created.Local().Format("15:04")}), fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
	sides := container.NewGridWithColumns(3,
		cc.side("conflict.base", k.Base, false),
		cc.side("conflict.mine", k.Mine, true),
		cc.side("conflict.theirs", k.Theirs, true),
	)
	cc.message.Wrapping = fyne.TextWrapWord
	box := container.NewVBox(widget.NewSeparator(), title, created, sides)
	if decided != nil {
		cc.message.Importance = widget.SuccessImportance
		cc.message.SetText(decidedText(*decided))
		box.Add(cc.message)
		cc.content = box
		return cc
	}
	cc.choice = widget.NewRadioGroup([]string{lang.L("conflict.keep_theirs"), lang.L("conflict.take_mine")}, func(string) { c.touch() })
	cc.choice.Horizontal = true
	cc.note = newMultiLineField()
	cc.note.SetPlaceHolder(lang.L("conflict.note_placeholder"))
	cc.note.SetMinRowsVisible(2)
	cc.note.Wrapping = fyne.TextWrapWord
	cc.note.OnChanged = func(string) { c.touch() }
	cc.decide = widget.NewButtonWithIcon(lang.L("conflict.decide"), theme.ConfirmIcon(), cc.onDecide)
	cc.decide.Importance = widget.HighImportance
	box.Add(cc.choice)
	box.Add(container.NewBorder(nil, nil, nil, container.NewVBox(cc.decide), cc.note))
	box.Add(cc.message)
	cc.content = box
	return cc
}

// side is one column: a heading, the value and who set it when.
func (cc *conflictCard) side(key string, s app.ConflictSide, who bool) fyne.CanvasObject {
	head := widget.NewLabelWithStyle(lang.L(key), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	value := widget.NewLabel(cc.t.v.c.tx.valueText(s.Value))
	value.Wrapping = fyne.TextWrapWord
	meta := widget.NewLabelWithStyle(sideMeta(s, who, cc.t.v.c.thisDevice()), fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
	meta.Wrapping = fyne.TextWrapWord
	return container.NewVBox(head, value, meta)
}

// onDecide records the decision (off the Fyne goroutine: a commit is an
// fsync) and tells sync to send it.
func (cc *conflictCard) onDecide() {
	c := cc.t.v.c
	c.touch()
	var decision string
	switch cc.choice.Selected {
	case lang.L("conflict.keep_theirs"):
		decision = app.ResolveKeepTheirs
	case lang.L("conflict.take_mine"):
		decision = app.ResolveTakeMine
	default:
		cc.say(lang.L("conflict.choose_first"), widget.WarningImportance)
		return
	}
	note := strings.TrimSpace(cc.note.Text)
	if note == "" {
		cc.say(lang.L("conflict.note_first"), widget.WarningImportance)
		c.w.Canvas().Focus(cc.note)
		return
	}
	r := app.Resolution{Conflict: cc.k.ID, Sag: cc.k.Sag, Decision: decision, Note: note, Actor: c.o.Account.Actor(), At: c.o.Now()}
	cc.decide.Disable()
	c.o.Go(func() {
		err := c.o.Decisions.Resolve(r)
		if err == nil {
			c.o.Sync.Kick()
		}
		fyne.Do(func() {
			if err != nil {
				cc.decide.Enable()
				cc.say(c.tx.errText(err), widget.DangerImportance)
				return
			}
			cc.t.load()
			cc.t.v.changed()
		})
	})
}

func (cc *conflictCard) say(s string, imp widget.Importance) {
	cc.message.Importance = imp
	cc.message.SetText(s)
}

// decidedText says what was decided and that it waits for sync.
func decidedText(r app.Resolution) string {
	valg := lang.L("conflict.keep_theirs")
	if r.Decision == app.ResolveTakeMine {
		valg = lang.L("conflict.take_mine")
	}
	return lang.L("conflict.decided", map[string]any{"Valg": valg, "Begrundelse": r.Note})
}

// fieldName names a field path's first segment ("samtale/<id>/udfald" →
// Samtale), or shows the path when the catalogue has no name for it.
func fieldName(path string) string {
	top, _, _ := strings.Cut(path, "/")
	switch top {
	case "borger":
		return lang.L("conflict.field.borger")
	case "kontaktgruppe":
		return lang.L("conflict.field.kontaktgruppe")
	case "tilmelding":
		return lang.L("conflict.field.tilmelding")
	case "visitation":
		return lang.L("conflict.field.visitation")
	case "ydelse":
		return lang.L("conflict.field.ydelse")
	case "fravaer":
		return lang.L("conflict.field.fravaer")
	case "samtale":
		return lang.L("conflict.field.samtale")
	case "sanktion":
		return lang.L("conflict.field.sanktion")
	case "plan":
		return lang.L("conflict.field.plan")
	}
	return path
}

// sideMeta says who set a side's value, from which device (here names
// this computer's, as the Historik tab does), when and at which version.
func sideMeta(s app.ConflictSide, who bool, here deviceNamer) string {
	var parts []string
	if who && s.Author.ID != "" {
		parts = append(parts, string(s.Author.ID))
	}
	switch {
	case who && s.Device != "" && s.Device == here.id:
		parts = append(parts, here.name)
	case who && s.Device != "":
		parts = append(parts, lang.L("conflict.device", map[string]any{"Enhed": string(s.Device)}))
	}
	at := s.At
	if at.IsZero() && s.HLC.Wall > 0 {
		at = time.UnixMilli(s.HLC.Wall)
	}
	if who && !at.IsZero() {
		parts = append(parts, lang.L("conflict.at", map[string]any{"Dato": formatDate(at), "Tid": at.Local().Format("15:04")}))
	}
	if s.Version > 0 {
		parts = append(parts, lang.L("conflict.version", map[string]any{"Version": s.Version}))
	}
	return strings.Join(parts, " · ")
}

// valueText writes a field's JSON value for a person: a date as
// dd.mm.åååå, an object as one "name: value" line per member (nested
// members joined with a dot), codes of the rule tables by their names.
func (t texts) valueText(raw json.RawMessage) string {
	if len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null" {
		return lang.L("conflict.no_value")
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return string(raw)
	}
	var lines []string
	t.flatten("", v, &lines)
	if len(lines) == 0 {
		return lang.L("conflict.no_value")
	}
	return strings.Join(lines, "\n")
}

func (t texts) flatten(name string, v any, lines *[]string) {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if hiddenMember(k) {
				continue
			}
			full := k
			if name != "" {
				full = name + "." + k
			}
			t.flatten(full, x[k], lines)
		}
		return
	case []any:
		for i, e := range x {
			t.flatten(name+"["+strconv.Itoa(i+1)+"]", e, lines)
		}
		return
	case nil:
		return
	}
	s := t.scalarText(name, v)
	if s == "" {
		return
	}
	if name == "" {
		*lines = append(*lines, s)
		return
	}
	*lines = append(*lines, name+": "+s)
}

// hiddenMember reports whether a member of a field's value says nothing
// to a caseworker deciding a conflict (the rule set it was made under).
func hiddenMember(name string) bool { return name == "regelsaet" }

func (t texts) scalarText(name string, v any) string {
	last := name
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		last = name[i+1:]
	}
	switch x := v.(type) {
	case string:
		if d, err := app.ParseDate(x); err == nil {
			return dateText(d)
		}
		switch last {
		case "kategori":
			return t.name("kategori", x)
		}
		return x
	case json.Number:
		if last == "kg" {
			return kgLabel(atoi(x.String())) + " " + t.name("kg", x.String())
		}
		return x.String()
	case bool:
		if x {
			return lang.L("conflict.yes")
		}
		return lang.L("conflict.no")
	}
	return fmt.Sprint(v)
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// deviceNamer is this computer's device id (empty when the account does
// not say) and how the screens name it.
type deviceNamer struct {
	id   app.ID
	name string
}

// thisDevice names this computer: "denne computer (Kontor KS)".
func (c *Client) thisDevice() deviceNamer {
	d := deviceNamer{name: lang.L("history.this_device")}
	if n := c.o.DeviceName; n != "" {
		d.name = lang.L("history.this_device_named", map[string]any{"Navn": n})
	}
	if td, ok := c.o.Account.(ThisDevice); ok {
		d.id = td.Device()
	}
	return d
}
