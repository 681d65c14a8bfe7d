package ui

import (
	"io"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"feltsag.dk/feltsag/app"
)

// Handles on the Plan and Historik tabs for the tests in ui_test.

// SetDocuments gives the client a Documents after New (the shared test
// harness builds its Options without one); cases opened later use it.
func (c *Client) SetDocuments(d Documents) { c.o.Documents = d }

// SetRulesInForce replaces Options.RulesInForce.
func (c *Client) SetRulesInForce(f func() *app.Rules) { c.o.RulesInForce = f }

// SetOnScreen replaces Options.OnScreen.
func (c *Client) SetOnScreen(f func(name string)) { c.o.OnScreen = f }

// SetDeviceName names this computer as Options.DeviceName does.
func (c *Client) SetDeviceName(n string) { c.o.DeviceName = n }

// PlanForm is the Plan tab's widgets.
type PlanForm struct {
	Jobmaal, Antal, KontaktDato, Ansvarlig, Jobcenter *widget.Entry
	Check, Save, Publish, Print, SavePDF              *widget.Button
	Title, Message                                    *widget.Label
	Plans, Type                                       *widget.Select
	Result, Pages                                     *fyne.Container
	TypeRow                                           fyne.CanvasObject // shown for a new plan only
}

// Plan returns the open case's Plan tab after selecting it.
func (c *Client) Plan() PlanForm {
	v := c.main.view
	v.tabs.SelectIndex(slicesIndexTab(v, v.plan.content))
	p := v.plan
	return PlanForm{Jobmaal: textOf(p.jobmaal), Antal: textOf(p.antal), KontaktDato: textOf(p.kontaktDato), Ansvarlig: textOf(p.ansvarlig), Jobcenter: textOf(p.jobcenter),
		Check: p.check, Save: p.save, Publish: p.publish, Print: p.print, SavePDF: p.savePDF,
		Title: p.title, Message: p.message, Result: p.result, Pages: p.pages, Plans: p.plans, Type: p.typ, TypeRow: p.typForm}
}

// ShowPlanEdit selects the Plan tab's edit form.
func (c *Client) ShowPlanEdit() { c.main.view.plan.sub.SelectIndex(0) }

// SetSaveDialog replaces the file dialog of "Gem som PDF".
func (c *Client) SetSaveDialog(f func(name string, done func(io.WriteCloser, error))) {
	c.main.view.plan.saveDialog = f
}

// History selects the Historik tab and returns its rows' two lines each.
func (c *Client) History() (intro string, rows [][2]string) {
	v := c.main.view
	v.tabs.SelectIndex(slicesIndexTab(v, v.history.content))
	h := v.history
	for _, r := range h.recs {
		head, what := h.lines(r)
		rows = append(rows, [2]string{head, what})
	}
	return h.note.Text, rows
}

func slicesIndexTab(v *caseView, content fyne.CanvasObject) int {
	for i, it := range v.tabs.Items {
		if it.Content == content {
			return i
		}
	}
	return -1
}
