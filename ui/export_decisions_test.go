package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// Handles on the Konflikter tab and the status line's counts for the
// tests in ui_test.

// ConflictsTab returns the open case's Konflikter tab: its title and
// content; "" and nil without an open case.
func (c *Client) ConflictsTab() (string, fyne.CanvasObject) {
	if c.main == nil || c.main.view == nil {
		return "", nil
	}
	t := c.main.view.conflicts
	return t.item.Text, t.content
}

// ShowConflictsTab selects the Konflikter tab of the open case.
func (c *Client) ShowConflictsTab() { c.main.view.tabs.Select(c.main.view.conflicts.item) }

// ConflictCard returns the decision widgets of the i-th conflict shown;
// choice, note and decide are nil once it is decided.
func (c *Client) ConflictCard(i int) (choice *widget.RadioGroup, note *widget.Entry, decide *widget.Button, message *widget.Label) {
	cc := c.main.view.conflicts.cards[i]
	return cc.choice, textOf(cc.note), cc.decide, cc.message
}

// StatusCounts returns the status line's conflict and rejection buttons.
func (c *Client) StatusCounts() (conflicts, rejected *widget.Button) {
	return c.main.status.conflicts, c.main.status.rejected
}

// RejectedList returns the open list of rejected commands, nil when it is
// closed.
func (c *Client) RejectedList() fyne.CanvasObject {
	if c.main.dec.rows == nil {
		return nil
	}
	return c.main.dec.rows
}
