package ui

import (
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"feltsag.dk/feltsag/app"
)

// This file is the main window's view of what sync left for the
// caseworker: the caseload's open conflicts (a count in the status line
// that filters the list to them) and the commands the server rejected (a
// count in the status line that lists them with their reason, to open the
// case or dismiss them after reading).

// decisionsUI is the main screen's state of conflicts and rejections.
type decisionsUI struct {
	rejected []app.Acked
	dialog   dialog.Dialog // the list of rejected commands while it is open
	rows     *fyne.Container
}

// wireDecisions connects the status line's buttons.
func (m *mainScreen) wireDecisions() {
	m.status.conflicts.OnTapped = func() {
		m.c.touch()
		m.list.conflicts.SetChecked(true)
	}
	m.status.rejected.OnTapped = func() {
		m.c.touch()
		m.showRejected()
	}
}

// syncedDecisions reads the conflict count and the rejected commands off
// the Fyne goroutine after a sync status change and shows them; the open
// case's Konflikter tab is read again.
func (m *mainScreen) syncedDecisions() {
	c := m.c
	var open app.ID
	if m.view != nil {
		open = m.view.sag.ID
	}
	c.o.Go(func() {
		// All open conflicts: a handful, where the case list would be
		// thousands of summaries read again.
		ks, err := c.o.Cases.Conflicts("")
		if err != nil {
			return // locked meanwhile
		}
		n, inOpen := len(ks), 0
		for _, k := range ks {
			if k.Sag == open {
				inOpen++
			}
		}
		rej, err := c.o.Decisions.Rejected()
		if err != nil {
			rej = nil
		}
		fyne.Do(func() {
			if c.main != m {
				return
			}
			m.dec.rejected = rej
			m.status.showCounts(n, len(rej))
			m.fillRejected()
			if m.view == nil || m.view.sag.ID != open {
				return
			}
			// A conflict of the open case closed (the server's resolved):
			// the decision may have changed the case.
			if inOpen < len(m.view.conflicts.cards) {
				m.reread(open)
				return
			}
			m.view.conflicts.load()
		})
	})
}

// reread reads the open case again (a logged view, as opening it is) and
// shows it in place, on the tab the caseworker is on.
func (m *mainScreen) reread(id app.ID) {
	c, actor := m.c, m.c.o.Account.Actor()
	c.o.Go(func() {
		s, err := c.o.Cases.View(id, actor)
		fyne.Do(func() {
			if c.main != m || m.view == nil || m.view.sag.ID != id {
				return
			}
			if err != nil {
				m.view.conflicts.load()
				return
			}
			m.view.show(s)
		})
	})
}

// showRejected opens the list of rejected commands.
func (m *mainScreen) showRejected() {
	m.dec.rows = container.NewVBox()
	m.fillRejected()
	intro := widget.NewLabel(lang.L("rejected.intro"))
	intro.Wrapping = fyne.TextWrapWord
	scroll := container.NewVScroll(m.dec.rows)
	scroll.SetMinSize(fyne.NewSize(640, 320))
	d := dialog.NewCustom(lang.L("rejected.title"), lang.L("rejected.close"), container.NewBorder(intro, nil, nil, nil, scroll), m.c.w)
	m.dec.dialog = d
	m.c.showDialog(d, func() { m.dec.dialog, m.dec.rows = nil, nil })
}

// fillRejected lists the rejected commands in the open dialog.
func (m *mainScreen) fillRejected() {
	rows := m.dec.rows
	if rows == nil {
		return
	}
	rows.RemoveAll()
	if len(m.dec.rejected) == 0 {
		l := widget.NewLabel(lang.L("rejected.none"))
		l.Importance = widget.LowImportance
		rows.Add(l)
	}
	for _, a := range m.dec.rejected {
		rows.Add(m.rejectedRow(a))
	}
	rows.Refresh()
}

// rejectedRow is one rejected command: the case, what and when, the
// reason in the UI's language, and what to do.
func (m *mainScreen) rejectedRow(a app.Acked) fyne.CanvasObject {
	parts := []string{m.caseName(a.Sag)}
	if k := kindName(a.Kind); k != "" {
		parts = append(parts, k)
	}
	if !a.At.IsZero() {
		parts = append(parts, lang.L("rejected.at", map[string]any{"Dato": formatDate(a.At), "Tid": a.At.Local().Format("15:04")}))
	}
	head := widget.NewLabelWithStyle(strings.Join(parts, " · "), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	head.Wrapping = fyne.TextWrapWord
	var why string
	if a.Error != nil {
		why = m.c.tx.errText(a.Error)
	} else {
		why = lang.L("rejected.no_reason")
	}
	reason := widget.NewLabel(why)
	reason.Wrapping = fyne.TextWrapWord
	reason.Importance = widget.DangerImportance
	sag, cmd := a.Sag, a.Command
	open := widget.NewButtonWithIcon(lang.L("rejected.open"), theme.NavigateNextIcon(), func() {
		m.c.touch()
		if m.dec.dialog != nil {
			m.dec.dialog.Hide()
		}
		m.open(sag)
	})
	dismiss := widget.NewButtonWithIcon(lang.L("rejected.dismiss"), theme.ConfirmIcon(), func() { m.dismiss(cmd) })
	return container.NewVBox(widget.NewSeparator(), head, reason, container.NewHBox(open, dismiss))
}

// dismiss marks a rejected command read and lists the rest.
func (m *mainScreen) dismiss(cmd app.ID) {
	c := m.c
	c.touch()
	c.o.Go(func() {
		err := c.o.Decisions.Dismiss(cmd)
		fyne.Do(func() {
			if c.main != m {
				return
			}
			if err != nil {
				if m.dec.rows != nil {
					m.dec.rows.Add(errorPane(c.tx.errText(err)))
				}
				return
			}
			m.syncedDecisions()
		})
	})
}

// caseName is the case's name from the list, or its id when it is not on
// this device any more.
func (m *mainScreen) caseName(id app.ID) string {
	for _, s := range m.list.index.cases {
		if s.ID == id {
			return s.Navn
		}
	}
	return string(id)
}

// kindName is what a command of kind did, in the UI's language
// (rejected.kind.<kind>; TestEveryKindHasARejectedName keeps the catalogue
// complete), or "" for a kind this version does not know.
func kindName(kind string) string {
	if !slices.Contains(app.Kinds(), kind) {
		return ""
	}
	return lang.L("rejected.kind." + kind)
}
