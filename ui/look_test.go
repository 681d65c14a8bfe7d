package ui_test

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
)

// pressShortcut delivers s as Fyne's desktop driver does: to the focused
// widget when it takes shortcuts (a text field does), else to the canvas.
// The tests' TypedShortcut on the canvas skips the focused field.
func pressShortcut(t *testing.T, w fyne.Window, s fyne.Shortcut) {
	t.Helper()
	if f, ok := w.Canvas().Focused().(fyne.Shortcutable); ok {
		f.TypedShortcut(s)
		return
	}
	w.Canvas().(fyne.Shortcutable).TypedShortcut(s)
}

// TestShortcutsFromAFocusedField: the window's shortcuts work with the
// cursor in a text field, where the consultant's cursor nearly always is:
// Alt+2 from the case search (it has the cursor after sign-in), Alt+1
// from the company search (it gets the cursor with Alt+2), Ctrl+S in a
// company form's field. A focused Entry takes every shortcut itself and
// drops the ones it does not know.
func TestShortcutsFromAFocusedField(t *testing.T) {
	alt := func(k fyne.KeyName) fyne.Shortcut {
		return &desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierAlt}
	}
	cases, companies := fieldFixture(t)
	h := fieldHarness(t, cases, companies, nil)

	h.c.FocusSearch()
	pressShortcut(t, h.w, alt(fyne.Key2))
	if !h.c.CompaniesShown() {
		t.Fatal("Alt+2 in the case search did not show the companies")
	}
	pressShortcut(t, h.w, alt(fyne.Key1))
	if h.c.CompaniesShown() {
		t.Fatal("Alt+1 in the company search did not show the cases")
	}

	openCompany(t, h, 0)
	test.Tap(h.c.CardButton("edit", "jo-1"))
	h.c.FieldFormEntry("field.f.timer").SetText("30")
	h.c.FocusFieldFormEntry("field.f.timer")
	pressShortcut(t, h.w, &desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault})
	if len(companies.commits) != 1 {
		t.Fatalf("Ctrl+S in a company form's field: %d company commands, want 1", len(companies.commits))
	}
}
