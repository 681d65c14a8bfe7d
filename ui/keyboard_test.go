package ui_test

import (
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/ui"
)

// overlays counts the dialogs and pop-ups over the window.
func overlays(h *harness) int { return len(h.w.Canvas().Overlays().List()) }

// escape types Escape where the window sends keys no widget takes.
func escape(h *harness) {
	h.w.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
}

// TestEscapeClosesDialogs: Escape closes the settings and the list of
// rejected commands as their Cancel and Close buttons do, the top dialog
// first; Escape with none open does nothing.
func TestEscapeClosesDialogs(t *testing.T) {
	cases := &decisionCases{fakeCases: threeCases(t), conflicts: map[app.ID][]app.Conflict{}}
	cases.rejected = []app.Acked{{
		AckResult: app.AckResult{Command: "c-1", Status: app.AckRejected, At: testNow,
			Error: app.Errorf(app.CodeRule, "tilbagedatering-kommentar", "rule.tilbagedatering-kommentar")},
		Sag: "sag-bb", Kind: "registrer_fravaer",
	}}
	h := unlockedWith(t, cases)
	escape(h) // nothing open
	if n := overlays(h); n != 0 {
		t.Fatalf("%d overlays before any dialog", n)
	}

	h.c.ShowSettings()
	if n := overlays(h); n != 1 {
		t.Fatalf("settings: %d overlays, want 1", n)
	}
	escape(h)
	if n := overlays(h); n != 0 {
		t.Errorf("after Escape the settings are still open (%d overlays)", n)
	}
	if got := h.prefs.language; got != "" {
		t.Errorf("Escape saved the language %q; it cancels", got)
	}

	_, rejected := h.c.StatusCounts()
	test.Tap(rejected)
	h.c.ShowSettings() // a second dialog over the first
	if n := overlays(h); n != 2 {
		t.Fatalf("two dialogs: %d overlays", n)
	}
	escape(h)
	if n := overlays(h); n != 1 || h.c.RejectedList() == nil {
		t.Errorf("the first Escape closed %d overlays or the list; want the settings only", 2-n)
	}
	escape(h)
	if n := overlays(h); n != 0 || h.c.RejectedList() != nil {
		t.Errorf("after the second Escape %d overlays remain", n)
	}
}

// TestLockClosesDialogs: the inactivity lock closes the list of rejected
// commands, which names citizens, with the rest of the main window.
func TestLockClosesDialogs(t *testing.T) {
	cases := &decisionCases{fakeCases: threeCases(t), conflicts: map[app.ID][]app.Conflict{}}
	cases.rejected = []app.Acked{{
		AckResult: app.AckResult{Command: "c-1", Status: app.AckRejected, At: testNow,
			Error: app.Errorf(app.CodeRule, "tilbagedatering-kommentar", "rule.tilbagedatering-kommentar")},
		Sag: "sag-bb", Kind: "registrer_fravaer",
	}}
	h := unlockedWith(t, cases)
	_, rejected := h.c.StatusCounts()
	test.Tap(rejected)
	if overlays(h) != 1 {
		t.Fatal("the list did not open")
	}
	h.clock.Advance(ui.DefaultIdleLock + time.Second)
	h.c.CheckIdle()
	if h.c.Unlocked() {
		t.Fatal("not locked")
	}
	if n := overlays(h); n != 0 {
		t.Errorf("locked with %d dialogs still open over the unlock screen", n)
	}
}

// TestCtrlPageDownSwitchesTabs: Ctrl+Page Down and Ctrl+Page Up show the
// open case's next and previous tab, round (Fyne's tabs take no focus).
func TestCtrlPageDownSwitchesTabs(t *testing.T) {
	h := openCase(t, threeCases(t), "ida")
	cv := h.w.Canvas().(fyne.Shortcutable)
	key := func(k fyne.KeyName) {
		cv.TypedShortcut(&desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault})
	}
	tabs := h.c.CaseTabs()
	key(fyne.KeyPageDown)
	if got := tabs.Selected().Text; got != "Tilmelding" {
		t.Errorf("after Ctrl+Page Down the tab is %q, want Tilmelding", got)
	}
	key(fyne.KeyPageUp)
	key(fyne.KeyPageUp)
	if got, want := tabs.Selected().Text, tabs.Items[len(tabs.Items)-1].Text; got != want {
		t.Errorf("Ctrl+Page Up from the first tab shows %q, want the last, %q", got, want)
	}
}

// TestTabOrderOfTheMainWindow: Tab from the search field reaches, in
// this order, the filters, the case list, the lock and settings buttons
// and "Synkronisér nu": every action of the main window without a mouse.
func TestTabOrderOfTheMainWindow(t *testing.T) {
	h := unlocked(t, threeCases(t))
	cv := h.w.Canvas()
	if cv.Focused() != h.c.SearchField() {
		t.Fatal("the search field does not have the focus when the main window opens")
	}
	var got []string
	for range 12 {
		cv.FocusNext()
		if cv.Focused() == h.c.SearchField() {
			got = append(got, "search")
			break
		}
		switch f := cv.Focused().(type) {
		case *widget.Check:
			got = append(got, f.Text)
		case *widget.Select:
			got = append(got, "select")
		case *widget.List:
			got = append(got, "list")
		case *widget.Button:
			got = append(got, f.Text)
		default:
			got = append(got, "?")
		}
	}
	want := []string{"Frist overskredet", "Konflikt", "Ikke sendt", "select", "list", "Lås", "Indstillinger", "Synkronisér nu", "search"}
	if !slices.Equal(got, want) {
		t.Errorf("Tab order = %q, want %q", got, want)
	}
}
