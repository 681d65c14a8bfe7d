package ui

import (
	"io"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"feltsag.dk/feltsag/app"
)

// fieldKit is the job consultant's side of the main window (issue 11):
// the company list on the left and, on the right, the company card or a
// form or the candidates opened from it. It exists only when
// Options.Companies is set; the case screens do not change.
type fieldKit struct {
	c *Client
	m *mainScreen

	list  *companyList
	right *fyne.Container // the card, a form or the candidates
	card  *companyCard    // the company open, or nil
	// panes are what the right side showed before the pane on top: Escape
	// or Annuller goes back one.
	panes []fyne.CanvasObject
	form  *vForm          // the form shown, or nil
	cands *candidatesPane // the candidates last asked for, or nil
	eng   *app.Engine
	// saveTo, when set, replaces the file dialog of "Gem som PDF" (tests).
	saveTo func(name string, done func(io.WriteCloser, error))

	// The switch above the list between the caseload and the companies.
	sager, virksomheder *widget.Button
	left                *fyne.Container
	active              bool // the companies are shown
	named               bool // OnScreen was told "company_list"
}

func newFieldKit(m *mainScreen) *fieldKit {
	k := &fieldKit{c: m.c, m: m}
	k.list = newCompanyList(k)
	k.right = container.NewStack(emptyCompany())
	k.sager = widget.NewButton(lang.L("field.switch.sager"), func() { k.c.touch(); k.showCompanies(false) })
	k.virksomheder = widget.NewButton(lang.L("field.switch.virksomheder"), func() { k.c.touch(); k.showCompanies(true) })
	k.left = container.NewStack(m.list.content)
	k.mark()
	return k
}

// leftSide is the main window's left side: the switch over the list shown.
func (k *fieldKit) leftSide() fyne.CanvasObject {
	return container.NewBorder(container.NewGridWithColumns(2, k.sager, k.virksomheder), nil, nil, nil, k.left)
}

// mark shows which view the switch is on.
func (k *fieldKit) mark() {
	on, off := k.sager, k.virksomheder
	if k.active {
		on, off = off, on
	}
	on.Importance, off.Importance = widget.HighImportance, widget.MediumImportance
	on.Refresh()
	off.Refresh()
}

// showCompanies switches the main window to the companies (true) or the
// caseload (false), with the search field focused.
func (k *fieldKit) showCompanies(on bool) {
	if k.active == on {
		k.focusSearch()
		return
	}
	k.active = on
	k.mark()
	if on {
		k.left.Objects = []fyne.CanvasObject{k.list.content}
		k.m.split.Trailing = k.right
		k.list.reload()
	} else {
		k.left.Objects = []fyne.CanvasObject{k.m.list.content}
		k.m.split.Trailing = k.m.right
	}
	k.left.Refresh()
	k.m.split.Refresh()
	k.focusSearch()
}

func (k *fieldKit) focusSearch() {
	if k.active {
		k.c.w.Canvas().Focus(k.list.search)
	} else {
		k.c.w.Canvas().Focus(k.m.list.search)
	}
}

// loaded is told every new list of companies: a sync may have changed
// the company open.
func (k *fieldKit) loaded(all []app.VirksomhedSummary) {
	if !k.named && len(all) > 0 {
		k.named = true
		k.c.o.OnScreen("company_list")
	}
	if k.card == nil || k.form != nil || len(k.panes) > 0 {
		return // never pull a form from under the consultant
	}
	for _, s := range all {
		if s.ID == k.card.v.ID && s.Version != k.card.v.Version {
			k.open(s.ID)
			return
		}
	}
}

func (k *fieldKit) reload() {
	if k.active {
		k.list.reload()
	}
}

// engine is the rule engine of the company forms' dry runs, over the
// rules in force.
func (k *fieldKit) engine() *app.Engine {
	if r := k.c.rules(); k.eng == nil || k.eng.Rules() != r {
		k.eng = app.NewEngine(r)
	}
	return k.eng
}

// readOnly reports whether the list says company id only reads here (a
// reader by placement, or leaving this device's scope).
func (k *fieldKit) readOnly(id app.ID) bool {
	for _, s := range k.list.index.companies {
		if s.ID == id {
			return s.ReadOnly
		}
	}
	return false
}

// today is the consultant's date.
func (k *fieldKit) today() app.Date { return app.DateOf(k.c.o.Now()) }

// open shows the company id's card, read (and logged) off the Fyne
// goroutine.
func (k *fieldKit) open(id app.ID) {
	actor := k.c.o.Account.Actor()
	k.c.o.Go(func() {
		v, err := k.c.o.Companies.ViewCompany(id, actor)
		var conflicts []app.Conflict
		if err == nil {
			conflicts, _ = k.c.o.Companies.CompanyConflicts(id)
		}
		fyne.Do(func() {
			if k.c.main != k.m {
				return // locked meanwhile
			}
			k.panes, k.form = nil, nil
			if err != nil {
				k.card = nil
				k.setRight(errorPane(k.c.tx.errText(err)))
				return
			}
			k.card = newCompanyCard(k, v, conflicts)
			k.setRight(k.card.content)
			k.c.o.OnScreen("company")
		})
	})
}

// showCompany shows v (the result of a command saved here) in the card.
func (k *fieldKit) showCompany(v *app.Virksomhed, said string) {
	k.panes, k.form = nil, nil
	conflicts := []app.Conflict(nil)
	if k.card != nil {
		conflicts = k.card.conflicts
	}
	k.card = newCompanyCard(k, v, conflicts)
	k.card.say(said, widget.SuccessImportance)
	k.setRight(k.card.content)
	k.list.reload()
}

func (k *fieldKit) setRight(o fyne.CanvasObject) {
	k.right.Objects = []fyne.CanvasObject{o}
	k.right.Refresh()
}

// push shows o over what the right side shows now; back returns to it.
func (k *fieldKit) push(o fyne.CanvasObject, f *vForm) {
	if len(k.right.Objects) > 0 {
		k.panes = append(k.panes, k.right.Objects[0])
	}
	k.form = f
	k.setRight(o)
	switch {
	case f != nil && f.focus != nil:
		k.c.w.Canvas().Focus(f.focus)
	case f != nil && len(f.entries) > 0:
		k.c.w.Canvas().Focus(f.entries[0])
	}
}

// back closes the form or pane on top (Annuller, Escape).
func (k *fieldKit) back() bool {
	if len(k.panes) == 0 {
		return false
	}
	if k.form != nil && k.form.stop != nil {
		k.form.stop()
	}
	top := k.panes[len(k.panes)-1]
	k.panes = k.panes[:len(k.panes)-1]
	k.form = nil
	k.setRight(top)
	return true
}

// saveFocused is Ctrl+S in the form shown.
func (k *fieldKit) saveFocused() bool {
	if !k.active || k.form == nil {
		return false
	}
	k.form.submit()
	return true
}

// close drops every company and citizen shown (the inactivity lock).
func (k *fieldKit) close() {
	k.list.close()
	k.card, k.form, k.panes = nil, nil, nil
	k.right.Objects = nil
}

// emptyCompany is the right-hand side before a company is chosen.
func emptyCompany() fyne.CanvasObject {
	l := widget.NewLabel(lang.L("field.none"))
	l.Alignment = fyne.TextAlignCenter
	l.Importance = widget.LowImportance
	return container.NewCenter(l)
}
