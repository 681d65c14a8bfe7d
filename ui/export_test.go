package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"feltsag.dk/feltsag/app"
)

// Handles on the screens for the tests in ui_test, the way fyne-io's
// calculator keeps its buttons.

// SetStatus applies a sync status as the engine's updates would.
func (c *Client) SetStatus(st SyncStatus) { c.setStatus(st) }

// CheckIdle runs the inactivity lock's clock check.
func (c *Client) CheckIdle() { c.checkIdle() }

// StartForm returns the start screen's widgets; nil ones are not on it.
func (c *Client) StartForm() (server, user, password *widget.Entry, submit *widget.Button, message *widget.Label) {
	s := c.start
	if s == nil {
		return nil, nil, nil, nil, nil
	}
	return textOf(s.server), textOf(s.user), textOf(s.password), s.submit, s.message
}

// FirstSyncLine returns the first sync's progress line and bar value.
func (c *Client) FirstSyncLine() (string, float64) {
	if c.start == nil || c.start.detail == nil {
		return "", 0
	}
	return c.start.detail.Text, c.start.progress.Value
}

// Unlocked reports whether the main window is shown.
func (c *Client) Unlocked() bool { return c.main != nil }

// SearchEntry is the case list's search field.
func (c *Client) SearchEntry() *widget.Entry { return &c.main.list.search.Entry }

// SearchField is the case search field as the canvas focuses it.
func (c *Client) SearchField() fyne.Focusable { return c.main.list.search }

// Filters are the case list's filter widgets.
func (c *Client) Filters() (unsent, conflicts *widget.Check, kg *widget.Select) {
	l := c.main.list
	return l.unsent, l.conflicts, l.kg
}

// OverdueFilter is the case list's "deadline passed" filter.
func (c *Client) OverdueFilter() *widget.Check { return c.main.list.overdue }

// Shown returns the names of the cases the list shows.
func (c *Client) Shown() []string {
	var names []string
	for _, s := range c.main.list.shown {
		names = append(names, s.Navn)
	}
	return names
}

// CaseList is the list widget.
func (c *Client) CaseList() *widget.List { return c.main.list.list }

// StatusLine is the status bar's text.
func (c *Client) StatusLine() string { return c.main.status.text.Text }

// OpenCase returns the id of the case shown and its header.
func (c *Client) OpenCase() (app.ID, string) {
	if c.main == nil || c.main.view == nil {
		return "", ""
	}
	return c.main.view.sag.ID, c.main.view.header.Text
}

// Journal returns the note field, its button and the line under them.
func (c *Client) Journal() (*widget.Entry, *widget.Button, *widget.Label) {
	j := c.main.view.journal
	return textOf(j.entry), j.add, j.saved
}

// ApplyLanguage is the settings dialog's Gem with code chosen.
func (c *Client) ApplyLanguage(code string) error { return c.applyLanguage(code) }

// ShowSettings opens the settings dialog.
func (c *Client) ShowSettings() { c.showSettings() }

// TimelineWidget is the Overblik's timeline widget for tl.
func TimelineWidget(tl Timeline, names func(kind, code string) string) fyne.Widget {
	return newTimeline(tl, names)
}

// RowDate is a deadline's date as a case list row writes it.
func RowDate(d, today app.Date) string { return rowDate(d, today) }

// SignInAgainButton is the status line's "Log ind igen" and whether it
// shows; later is the sign-in-again screen's "continue without syncing"
// (nil when it is not on the screen).
func (c *Client) SignInAgainButton() (*widget.Button, bool) {
	b := c.main.status.signIn
	return b, b.Visible()
}

// StartSkip is the start screen's second button (the first sync's
// "continue", the sign-in-again screen's "continue without syncing").
func (c *Client) StartSkip() *widget.Button {
	if c.start == nil {
		return nil
	}
	return c.start.skip
}

// CaseTabs are the open case's tabs.
func (c *Client) CaseTabs() *container.AppTabs { return c.main.view.tabs }
