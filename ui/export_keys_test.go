package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"feltsag.dk/feltsag/app"
)

// Handles on the text fields outside the forms, for the shortcut tests in
// ui_test: the object the window focuses, not the Entry inside it.

// textOf is the Entry inside a text field, nil for none: the tests type
// in it and read its text.
func textOf(e *fieldEntry) *widget.Entry {
	if e == nil {
		return nil
	}
	return &e.Entry
}

// PlanFields returns the open case's Plan tab's text fields in the order
// of the form, the activities' fields included.
func (c *Client) PlanFields() []fyne.Focusable {
	p := c.main.view.plan
	out := []fyne.Focusable{p.jobmaal, p.uddmaal, p.antal, p.stillinger, p.geografi, p.kanaler}
	for _, r := range p.aktiviteter {
		out = append(out, r.udbyder, r.fra, r.til, r.timer, r.kontakt)
	}
	return append(out, p.kontaktDato, p.kontaktHvem, p.opfoelgning, p.statusTekst, p.ansvarlig, p.jobcenter)
}

// JournalField is the Journal tab's note field.
func (c *Client) JournalField() fyne.Focusable { return c.main.view.journal.entry }

// StartPasswordField is the start screen's password field.
func (c *Client) StartPasswordField() fyne.Focusable { return c.start.password }

// ConflictNoteField is the i-th open conflict's note field.
func (c *Client) ConflictNoteField(i int) fyne.Focusable { return c.main.view.conflicts.cards[i].note }

// AddPlanAktivitet adds an empty activity row to the Plan tab, as
// "Tilføj aktivitet" does.
func (c *Client) AddPlanAktivitet() {
	c.main.view.plan.addAktivitet(app.Aktivitet{Type: aktivitetsTyper[0]})
}
