package ui

import (
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
)

// searchLogDelay is how long the search field must rest before the query
// goes to the replica's Search, which logs it (one audit record and one
// fsync per call, so not per keystroke). The list filters at once.
const searchLogDelay = 400 * time.Millisecond

// Filter narrows the case list.
type Filter struct {
	Unsent    bool     // only cases with changes not yet sent
	Conflicts bool     // only cases with an open conflict
	Overdue   bool     // only cases with a deadline passed before Today
	KG        int      // only this kontaktgruppe; 0 = all
	Today     app.Date // the caseworker's date, for Overdue
}

// CaseIndex is the case list in a form that filters fast: the summaries
// with their names folded for matching, built once per reload.
type CaseIndex struct {
	cases  []app.CaseSummary
	folded []string // lower-case name
	birth  []string // the masked CPR's six birth-date digits
}

// NewCaseIndex indexes the summaries (in the order given).
func NewCaseIndex(cases []app.CaseSummary) *CaseIndex {
	x := &CaseIndex{cases: cases, folded: make([]string, len(cases)), birth: make([]string, len(cases))}
	for i, c := range cases {
		x.folded[i] = strings.ToLower(c.Navn)
		x.birth[i] = digitsOf(c.CPR)
	}
	return x
}

// Len is the number of cases indexed.
func (x *CaseIndex) Len() int { return len(x.cases) }

// Filter returns the cases that match q and f, in index order. q matches
// every word of the name, the birth date (up to six digits: the masked CPR
// holds no more) or the case id; a full CPR number is not matched here (the
// replica's blind index finds it, see Search). extra lists case ids the
// replica's Search found, which match q whatever it is.
func (x *CaseIndex) Filter(q string, f Filter, extra map[app.ID]bool) []app.CaseSummary {
	q = strings.ToLower(strings.TrimSpace(q))
	m := matcher{words: strings.Fields(q), digits: digitsOf(q), numeric: q != "" && strings.Trim(q, "0123456789- ") == ""}
	out := make([]app.CaseSummary, 0, len(x.cases))
	for i := range x.cases {
		c := &x.cases[i]
		if !f.keeps(c) {
			continue
		}
		if q != "" && !extra[c.ID] && !m.matches(x, i) {
			continue
		}
		out = append(out, *c)
	}
	return out
}

// matcher is one query, taken apart once for the whole index.
type matcher struct {
	words   []string // lower-case words
	digits  string   // the query's digits
	numeric bool     // digits, dashes and spaces only: a birth date or CPR number
}

func (m matcher) matches(x *CaseIndex, i int) bool {
	if len(m.words) == 1 && strings.HasPrefix(strings.ToLower(string(x.cases[i].ID)), m.words[0]) {
		return true
	}
	if m.numeric {
		return len(m.digits) <= 6 && strings.HasPrefix(x.birth[i], m.digits)
	}
	for _, w := range m.words {
		if !strings.Contains(x.folded[i], w) {
			return false
		}
	}
	return true
}

func (f Filter) keeps(c *app.CaseSummary) bool {
	if f.Overdue {
		if _, ok := Missed(c, f.Today); !ok {
			return false
		}
	}
	return (!f.Unsent || c.Pending > 0) && (!f.Conflicts || c.Conflicts > 0) && (f.KG == 0 || c.KG == f.KG)
}

// Missed returns the earliest deadline of the case that passed before
// today: the one passed when the summary was made, else its next deadline
// if that has passed since.
func Missed(c *app.CaseSummary, today app.Date) (app.FristRef, bool) {
	switch {
	case !c.Overskredet.IsZero():
		return c.Overskredet, true
	case !c.Frist.IsZero() && c.Frist.Dato.Before(today):
		return c.Frist, true
	}
	return app.FristRef{}, false
}

// Next returns the case's next deadline on or after today.
func Next(c *app.CaseSummary, today app.Date) (app.FristRef, bool) {
	if c.Frist.IsZero() || c.Frist.Dato.Before(today) {
		return app.FristRef{}, false
	}
	return c.Frist, true
}

// KGs returns the kontaktgrupper that occur in the index, in order.
func (x *CaseIndex) KGs() []int {
	var kgs []int
	for _, c := range x.cases {
		if c.KG > 0 && !slices.Contains(kgs, c.KG) {
			kgs = append(kgs, c.KG)
		}
	}
	slices.Sort(kgs)
	return kgs
}

// digitsOf returns the digits of s.
func digitsOf(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// caseList is the left side of the main window: search, filters and the
// list of cases.
type caseList struct {
	c      *Client
	onOpen func(app.ID)

	index *CaseIndex
	shown []app.CaseSummary
	found map[app.ID]bool // what the replica's Search found for query
	query string
	flt   Filter
	kgs   []int // the Select's options after "all"

	search    *fieldEntry
	unsent    *widget.Check
	conflicts *widget.Check
	overdue   *widget.Check
	kg        *widget.Select
	count     *widget.Label
	list      *widget.List
	content   fyne.CanvasObject

	stopLog func() bool // cancels the pending Search call for the audit log
	// loaded, when set, is told every new caseload a reload read (the
	// main screen shows a synced change of the open case with it).
	loaded   func(all []app.CaseSummary)
	selected app.ID // the case open on the right, kept selected across reloads
	filled   bool   // the list has shown cases (OnScreen was told "case_list")
	quiet    bool   // selecting again after a reload: do not open (and log) the case again
	closed   bool
}

func newCaseList(c *Client, onOpen func(app.ID)) *caseList {
	l := &caseList{c: c, onOpen: onOpen, index: NewCaseIndex(nil)}
	l.search = newFieldEntry()
	l.search.onEsc = func() { l.search.SetText("") } // clears the search
	l.search.SetPlaceHolder(lang.L("list.search"))
	l.search.ActionItem = widget.NewIcon(theme.SearchIcon())
	l.search.OnChanged = l.onSearch
	l.search.OnSubmitted = l.openFirst
	l.unsent = widget.NewCheck(lang.L("list.filter_unsent"), func(on bool) { c.touch(); l.flt.Unsent = on; l.changed() })
	l.conflicts = widget.NewCheck(lang.L("list.filter_conflicts"), func(on bool) { c.touch(); l.flt.Conflicts = on; l.changed() })
	l.overdue = widget.NewCheck(lang.L("list.filter_overdue"), func(on bool) { c.touch(); l.flt.Overdue = on; l.changed() })
	l.kg = widget.NewSelect(nil, l.onKG)
	l.kg.PlaceHolder = lang.L("list.all_kg")
	l.count = widget.NewLabel("")
	l.count.Importance = widget.LowImportance
	l.list = widget.NewList(l.length, newCaseRow, l.update)
	l.list.OnSelected = func(i widget.ListItemID) {
		if l.quiet || i < 0 || i >= len(l.shown) {
			return
		}
		c.touch()
		l.selected = l.shown[i].ID
		l.onOpen(l.selected)
	}
	filters := container.NewGridWithColumns(2, l.overdue, l.conflicts, l.unsent, l.kg)
	// The search and the filters come before the list among the objects,
	// so Tab goes from them to the list (NewBorder would put the list
	// first, and Tab would reach it only after the rest of the window).
	top := container.NewVBox(l.search, filters, l.count)
	l.content = container.New(layout.NewBorderLayout(top, nil, nil, nil), top, l.list)
	return l
}

func (l *caseList) length() int { return len(l.shown) }

func (l *caseList) update(i widget.ListItemID, o fyne.CanvasObject) {
	if i < len(l.shown) {
		o.(*caseRow).set(&l.shown[i], l.flt.Today)
	}
}

// reload reads the list from the replica (its in-memory index: no disk,
// no audit record) off the Fyne goroutine and shows it filtered.
func (l *caseList) reload() {
	cases := l.c.o.Cases
	l.c.o.Go(func() {
		all, err := cases.List()
		if err != nil {
			return // locked meanwhile; the status line shows sync errors
		}
		x := NewCaseIndex(all)
		fyne.Do(func() {
			if l.closed || slices.Equal(all, l.index.cases) {
				return // nothing changed: keep the list where the caseworker scrolled it
			}
			l.index = x
			l.setKGs(x.KGs())
			l.changed()
			if !l.filled && x.Len() > 0 {
				l.filled = true
				l.c.o.OnScreen("case_list")
			}
			if l.loaded != nil {
				l.loaded(all)
			}
		})
	})
}

// setKGs offers the kontaktgrupper of the caseload in the filter.
func (l *caseList) setKGs(kgs []int) {
	if slices.Equal(kgs, l.kgs) {
		return
	}
	l.kgs = kgs
	opts := []string{lang.L("list.all_kg")}
	for _, kg := range kgs {
		opts = append(opts, kgLabel(kg)+" "+l.c.tx.name("kg", strconv.Itoa(kg)))
	}
	l.kg.SetOptions(opts)
}

func (l *caseList) onKG(choice string) {
	l.c.touch()
	l.flt.KG = 0
	if i := slices.Index(l.kg.Options, choice); i > 0 && i-1 < len(l.kgs) {
		l.flt.KG = l.kgs[i-1]
	}
	l.changed()
}

// onSearch filters at once and logs the query through the replica's Search
// when typing rests.
func (l *caseList) onSearch(q string) {
	l.c.touch()
	l.query = q
	l.found = nil
	l.changed()
	if l.stopLog != nil {
		l.stopLog()
	}
	if strings.TrimSpace(q) == "" {
		return
	}
	cases, actor := l.c.o.Cases, l.c.o.Account.Actor()
	l.stopLog = l.c.o.AfterFunc(searchLogDelay, func() {
		hits, err := cases.Search(q, actor)
		if err != nil {
			return
		}
		found := make(map[app.ID]bool, len(hits))
		for _, h := range hits {
			found[h.ID] = true
		}
		fyne.Do(func() {
			if l.closed || l.query != q {
				return
			}
			l.found = found
			l.changed()
		})
	})
}

// changed filters the index again and shows the result.
func (l *caseList) changed() {
	l.flt.Today = app.DateOf(l.c.o.Now())
	l.shown = l.index.Filter(l.query, l.flt, l.found)
	l.count.SetText(lang.L("list.count", map[string]any{"Vist": len(l.shown), "I_alt": l.index.Len()}))
	l.list.UnselectAll()
	l.list.Refresh()
	if i := slices.IndexFunc(l.shown, func(c app.CaseSummary) bool { return c.ID == l.selected }); i >= 0 {
		l.quiet = true
		l.list.Select(i)
		l.quiet = false
	}
}

// openFirst opens the first case shown (Enter in the search field).
func (l *caseList) openFirst(string) {
	if len(l.shown) > 0 {
		l.list.Select(0)
	}
}

// close drops the caseload (the inactivity lock).
func (l *caseList) close() {
	l.closed = true
	if l.stopLog != nil {
		l.stopLog()
	}
	l.index, l.shown, l.found = NewCaseIndex(nil), nil, nil
}

// kgLabel is a kontaktgruppe's short label, "KG3".
func kgLabel(kg int) string { return "KG" + strconv.Itoa(kg) }

// caseRow is one row of the case list: name and kontaktgruppe, then the
// masked CPR number, the deadline that needs attention and the badges.
type caseRow struct {
	widget.BaseWidget
	name, kg, cpr, frist, badges *widget.Label
	lines                        []*fyne.Container // the two lines, once the renderer is made
}

func newCaseRow() fyne.CanvasObject {
	r := &caseRow{
		name:   widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		kg:     widget.NewLabel(""),
		cpr:    widget.NewLabel(""),
		frist:  widget.NewLabel(""),
		badges: widget.NewLabel(""),
	}
	r.name.Truncation = fyne.TextTruncateEllipsis
	r.frist.Truncation = fyne.TextTruncateEllipsis
	r.badges.Alignment = fyne.TextAlignTrailing
	r.ExtendBaseWidget(r)
	return r
}

// CreateRenderer lays the row out in two lines.
func (r *caseRow) CreateRenderer() fyne.WidgetRenderer {
	top := container.NewBorder(nil, nil, nil, r.kg, r.name)
	bottom := container.NewBorder(nil, nil, r.cpr, r.badges, r.frist)
	r.lines = []*fyne.Container{top, bottom}
	return widget.NewSimpleRenderer(container.New(&tightVBox{}, top, bottom))
}

// set shows c in the row. A label is refreshed only when its text or
// colour changes: refreshing a label shapes its text again, and the list
// refreshes every visible row on each keystroke in the search field and
// each selection.
//
// A label's new text changes its width, so the lines are laid out again
// when one changed: a row reused for another case (KG1 → KG12) would
// otherwise clip its kontaktgruppe and draw the deadline over the CPR
// number (seen in the golden markup).
func (r *caseRow) set(c *app.CaseSummary, today app.Date) {
	changed := setLabel(r.name, c.Navn, widget.MediumImportance)
	changed = setLabel(r.cpr, c.CPR, widget.MediumImportance) || changed
	kg := ""
	if c.KG > 0 {
		kg = kgLabel(c.KG)
	}
	changed = setLabel(r.kg, kg, widget.MediumImportance) || changed
	text, imp := badgesOf(c)
	changed = setLabel(r.badges, text, imp) || changed
	text, imp = fristOf(c, today)
	changed = setLabel(r.frist, text, imp) || changed
	if changed {
		for _, line := range r.lines {
			line.Layout.Layout(line.Objects, line.Size())
		}
	}
}

// setLabel sets the label's text and colour and reports whether they
// changed.
func setLabel(l *widget.Label, text string, imp widget.Importance) bool {
	if l.Text == text && l.Importance == imp {
		return false
	}
	l.Text, l.Importance = text, imp
	l.Refresh()
	return true
}

// fristOf is the row's deadline: the earliest one missed, in the danger
// colour (the missed-deadline badge), else the next one; "" without one.
func fristOf(c *app.CaseSummary, today app.Date) (string, widget.Importance) {
	if f, ok := Missed(c, today); ok {
		return lang.L("list.frist_overskredet", map[string]any{"Hvad": fristName(f.Navn), "Dato": rowDate(f.Dato, today)}), widget.DangerImportance
	}
	if f, ok := Next(c, today); ok {
		return lang.L("list.frist", map[string]any{"Hvad": fristName(f.Navn), "Dato": rowDate(f.Dato, today)}), widget.MediumImportance
	}
	return "", widget.MediumImportance
}

// fristName is a deadline's short name ("CV", "1. jobsamtale"), or its code
// when the catalogue has none.
func fristName(navn string) string {
	key := "frist." + navn
	if s := lang.L(key); s != key {
		return s
	}
	return navn
}

// shortDate writes a date without its year (dd.mm in Danish).
func shortDate(d app.Date) string { return d.Time().Format(lang.L("format.dato_kort")) }

// rowDate writes a deadline's date in a list row: without the year when it
// is today's year, else in full.
func rowDate(d, today app.Date) string {
	if y, _, _ := d.YMD(); y != yearOf(today) {
		return dateText(d)
	}
	return shortDate(d)
}

func yearOf(d app.Date) int {
	y, _, _ := d.YMD()
	return y
}

// badgesOf says what needs attention in a case: conflicts, rejected and
// unsent changes, read-only.
func badgesOf(c *app.CaseSummary) (string, widget.Importance) {
	var parts []string
	imp := widget.MediumImportance
	if c.Conflicts > 0 {
		parts = append(parts, lang.L(countKey("list.badge_conflicts", c.Conflicts), map[string]any{"Antal": c.Conflicts}))
		imp = widget.DangerImportance
	}
	if c.Rejected > 0 {
		parts = append(parts, lang.L("list.badge_rejected", map[string]any{"Antal": c.Rejected}))
		imp = widget.DangerImportance
	}
	if n := c.Pending - c.Rejected; n > 0 {
		parts = append(parts, lang.L("list.badge_unsent", map[string]any{"Antal": n}))
		if imp == widget.MediumImportance {
			imp = widget.WarningImportance
		}
	}
	if c.ReadOnly {
		parts = append(parts, lang.L("list.badge_read_only"))
	}
	return strings.Join(parts, " · "), imp
}

// tightVBox stacks objects with no space between them: a list row's two
// lines read as one item.
type tightVBox struct{}

func (tightVBox) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	y := float32(0)
	for _, o := range objects {
		h := o.MinSize().Height
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, h))
		y += h - theme.InnerPadding()*1.5
	}
}

func (tightVBox) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var w, h float32
	for _, o := range objects {
		m := o.MinSize()
		w = max(w, m.Width)
		h += m.Height - theme.InnerPadding()*1.5
	}
	return fyne.NewSize(w, h+theme.InnerPadding()*1.5)
}
