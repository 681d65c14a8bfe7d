package ui

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// FormView is one of the case view's forms, for the tests in ui_test.
type FormView struct{ f *cmdForm }

// Form returns the open case's form by name: "fravaer", "fravaer_slut",
// "samtale", "udfald", "tilmeld", "afmeld", "visiter", "kg".
func (c *Client) Form(name string) FormView {
	v := c.main.view
	v.buildAll()
	return FormView{map[string]*cmdForm{
		"fravaer": v.fravaer.reg, "fravaer_slut": v.fravaer.end,
		"samtale": v.samtaler.book, "udfald": v.samtaler.udfald,
		"tilmeld": v.tilmelding.tilmeld, "afmeld": v.tilmelding.afmeld,
		"visiter": v.visitation.visiter, "kg": v.visitation.kgForm,
	}[name]}
}

// Entry is the text or date field labelled by key.
func (v FormView) Entry(key string) *widget.Entry { return &v.f.fields[key].(*fieldEntry).Entry }

// DateError is the inline error under the date field labelled by key, ""
// when it shows none.
func (v FormView) DateError(key string) string {
	l := v.f.fields[key+"#error"].(*widget.Label)
	if !l.Visible() {
		return ""
	}
	return l.Text
}

// Choose picks code in the drop-down labelled by key.
func (v FormView) Choose(key, code string) bool {
	sel := v.f.fields[key].(*widget.Select)
	for _, ch := range v.f.choices {
		if ch.sel == sel {
			if i := slices.Index(ch.codes, code); i >= 0 {
				sel.SetSelectedIndex(i)
				return true
			}
		}
	}
	return false
}

// Options are the names the drop-down labelled by key offers.
func (v FormView) Options(key string) []string { return v.f.fields[key].(*widget.Select).Options }

// Check is the check box labelled by key.
func (v FormView) Check(key string) *widget.Check { return v.f.fields[key].(*widget.Check) }

// Begrundelse is the begrundelse field and whether it is shown.
func (v FormView) Begrundelse() (*widget.Entry, bool) { return &v.f.begr.Entry, v.f.begr.Visible() }

// Save is the Gem button.
func (v FormView) Save() *widget.Button { return v.f.save }

// Consequences is what the form shows of its dry run.
func (v FormView) Consequences() fyne.CanvasObject { return v.f.effects }

// Saved is the line after a save, "" when hidden.
func (v FormView) Saved() string {
	if !v.f.saved.Visible() {
		return ""
	}
	return v.f.saved.Text
}

// Shown reports whether the form is shown (Tilmeld or Afmeld).
func (v FormView) Shown() bool { return v.f.content.Visible() }

// TabState is what the named tab ("fravaer", "samtaler", "tilmelding",
// "visitation") shows of the case above its forms.
func (c *Client) TabState(name string) fyne.CanvasObject {
	v := c.main.view
	v.buildAll()
	return map[string]fyne.CanvasObject{
		"fravaer": v.fravaer.state, "samtaler": v.samtaler.state,
		"tilmelding": v.tilmelding.state, "visitation": v.visitation.state,
	}[name]
}

// ParseDateField is the forms' date reading.
var ParseDateField = parseDateField

// SelectTabForShot selects the case view's tab i.
func (c *Client) SelectTabForShot(i int) { c.main.view.tabs.SelectIndex(i) }

// ShowTab selects the open case's tab titled title.
func (c *Client) ShowTab(title string) {
	for _, it := range c.main.view.tabs.Items {
		if it.Text == title {
			c.main.view.tabs.Select(it)
		}
	}
}

// buildAll builds every tab of forms, as if each had been shown.
func (v *caseView) buildAll() {
	for _, t := range v.lazy {
		v.buildTab(t.item)
	}
}

// TabsBuilt counts the case view's tabs of forms built so far.
func (c *Client) TabsBuilt() int {
	n := 0
	for _, t := range c.main.view.lazy {
		if t.tab != nil {
			n++
		}
	}
	return n
}

// Focus puts the cursor in the text or date field labelled by key, as a
// click in it would.
func (v FormView) Focus(key string) {
	fyne.CurrentApp().Driver().CanvasForObject(v.f.fields[key]).Focus(v.f.fields[key].(fyne.Focusable))
}

// Field is the text or date field labelled by key as the canvas focuses it.
func (v FormView) Field(key string) fyne.Focusable { return v.f.fields[key].(fyne.Focusable) }
