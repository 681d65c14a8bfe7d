package ui

import (
	"io"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"feltsag.dk/feltsag/app"
)

// Handles on the field kit's screens for the tests in ui_test.

// HasFieldKit reports whether the main window has the Sager/Virksomheder
// switch.
func (c *Client) HasFieldKit() bool { return c.main != nil && c.main.field != nil }

// ShowCompanies switches to the companies (true) or the cases, as the
// switch's buttons do.
func (c *Client) ShowCompanies(on bool) { c.main.field.showCompanies(on) }

// CompaniesShown reports whether the companies are shown.
func (c *Client) CompaniesShown() bool { return c.main.field.active }

// CompanySearch is the company list's search field.
func (c *Client) CompanySearch() *widget.Entry { return &c.main.field.list.search.Entry }

// CompanySearchField is the company search field as the canvas focuses it.
func (c *Client) CompanySearchField() fyne.Focusable { return c.main.field.list.search }

// CompanyList is the company list widget.
func (c *Client) CompanyList() *widget.List { return c.main.field.list.list }

// ShownCompanies returns the names of the companies the list shows.
func (c *Client) ShownCompanies() []string {
	var names []string
	for _, s := range c.main.field.list.shown {
		names = append(names, s.Navn)
	}
	return names
}

// FieldPane is the right-hand side of the Virksomheder view.
func (c *Client) FieldPane() fyne.CanvasObject { return c.main.field.right }

// SplitTrailing is what the main window shows on the right.
func (c *Client) SplitTrailing() fyne.CanvasObject { return c.main.split.Trailing }

// CardVisitButton is the card's "Registrér kontakt".
func (c *Client) CardVisitButton() *widget.Button { return c.main.field.card.visit }

// CardButton returns a card button: kind is "print_agreement",
// "save_agreement", "print_visit", "save_visit", "candidates" or "edit",
// id the placement's, contact's, opening's or place's.
func (c *Client) CardButton(kind string, id app.ID) *widget.Button {
	cc := c.main.field.card
	return map[string]map[app.ID]*widget.Button{
		"print_agreement": cc.printAgreement, "save_agreement": cc.saveAgreement,
		"print_visit": cc.printVisit, "save_visit": cc.saveVisit,
		"candidates": cc.candidates, "edit": cc.edit,
	}[kind][id]
}

// CardMessage is the line under the card's buttons.
func (c *Client) CardMessage() string { return c.main.field.card.message.Text }

// FieldFormOpen reports whether a company form is shown.
func (c *Client) FieldFormOpen() bool { return c.main.field.form != nil }

// FieldFormEntry is the company form's text field labelled by key.
func (c *Client) FieldFormEntry(key string) *widget.Entry {
	if e, ok := c.main.field.form.fields[key].(*fieldEntry); ok {
		return &e.Entry
	}
	return nil
}

// FieldFormTypeKey types a key into the form's field labelled by key, as
// the keyboard would with the cursor there.
func (c *Client) FieldFormTypeKey(key string, k fyne.KeyName) {
	c.main.field.form.fields[key].(*fieldEntry).TypedKey(&fyne.KeyEvent{Name: k})
}

// FieldFormSelect is the form's drop-down labelled by key.
func (c *Client) FieldFormSelect(key string) *widget.Select {
	s, _ := c.main.field.form.fields[key].(*widget.Select)
	return s
}

// FieldFormSave is the form's Gem.
func (c *Client) FieldFormSave() *widget.Button { return c.main.field.form.save }

// FieldFormBegrundelse is the form's begrundelse and whether it shows.
func (c *Client) FieldFormBegrundelse() (*widget.Entry, bool) {
	b := c.main.field.form.begr
	return &b.Entry, b.Visible()
}

// FieldFormEffects is the form's consequences or refusal.
func (c *Client) FieldFormEffects() fyne.CanvasObject { return c.main.field.form.effects }

// FieldFormCheck runs the form's dry run now.
func (c *Client) FieldFormCheck() { c.main.field.form.check() }

// VisitPicks are the visit form's follow-up quick picks.
func (c *Client) VisitPicks() []*widget.Button {
	return c.main.field.form.picks
}

// Candidates returns the names shown and the Henvis and Placer buttons.
func (c *Client) Candidates() (names []string, henvis, placer []*widget.Button) {
	cp := c.main.field.cands
	for _, k := range cp.shown {
		names = append(names, k.Navn)
	}
	return names, cp.henvis, cp.placer
}

// SetFieldSaveTo replaces the file dialog of the card's "Gem som PDF".
func (c *Client) SetFieldSaveTo(f func(name string, done func(io.WriteCloser, error))) {
	c.main.field.saveTo = f
}

// FieldFormHasCursor reports whether the form's field labelled by key has
// the cursor.
func (c *Client) FieldFormHasCursor(key string) bool {
	e, ok := c.main.field.form.fields[key].(*fieldEntry)
	return ok && c.w.Canvas().Focused() == fyne.Focusable(e)
}

// FocusFieldFormEntry puts the cursor in the company form's text field
// labelled by key, as a click in it would.
func (c *Client) FocusFieldFormEntry(key string) {
	c.w.Canvas().Focus(c.main.field.form.fields[key].(fyne.Focusable))
}

// FocusSearch puts the cursor in the search field of the list shown, as
// Ctrl+F does.
func (c *Client) FocusSearch() { c.main.focusSearch() }
