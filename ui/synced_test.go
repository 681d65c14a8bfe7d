package ui_test

import (
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/ui"
)

// TestSyncedChangeShowsInOpenCase: a sync that brings a new version of
// the case on the screen (another device's note, a visitation decided on
// a conflict) shows it at once, as a logged view; a sync that brings
// nothing new for it reads nothing; an unsaved plan in the Plan tab
// survives both. Found by the caseworker's day (cmd/feltsag
// TestDayOfTwoDevices): the laptop's window showed the case as it was
// before the other device's visitation until the case was opened again.
func TestSyncedChangeShowsInOpenCase(t *testing.T) {
	cases := threeCases(t)
	h := unlocked(t, cases)
	test.Type(h.c.SearchEntry(), "ida")
	h.c.SearchEntry().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if id, _ := h.c.OpenCase(); id != "sag-bb" {
		t.Fatalf("open case = %q", id)
	}
	plan := h.c.Plan()
	plan.Jobmaal.SetText("Lagermedarbejder") // a plan being written, not saved

	synced := ui.SyncStatus{Online: true, LastSync: testNow}
	h.c.SetStatus(synced)
	if got := len(cases.views); got != 1 {
		t.Errorf("a sync with nothing new read the case again: %d views", got)
	}

	// The other device's note arrives with the case's next version.
	s := cases.find("sag-bb")
	res, err := cases.engine.Execute(s, app.Command{ID: "other-1", Sag: "sag-bb", Actor: app.Actor{Rolle: app.RolleSagsbehandler, ID: "cw1"},
		At: testNow, Body: &app.TilfoejNotat{NotatID: "note-other", Tekst: "Skrevet på den anden computer"}})
	if err != nil {
		t.Fatal(err)
	}
	next := res.Sag
	next.Version = s.Version + 1
	*s = *next
	synced.LastSync = testNow.Add(1)
	h.c.SetStatus(synced)

	if !slices.Equal(cases.views, []app.ID{"sag-bb", "sag-bb"}) {
		t.Errorf("views logged = %q; want the open case read again", cases.views)
	}
	ctrlN := &desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault}
	h.w.Canvas().(fyne.Shortcutable).TypedShortcut(ctrlN) // the Journal tab
	if !labelled(h.w.Content(), "Skrevet på den anden computer") {
		t.Errorf("the other device's note is not shown: %q", labelTexts(h.w.Content()))
	}
	if got := h.c.Plan().Jobmaal.Text; got != "Lagermedarbejder" {
		t.Errorf("the unsaved plan's goal after the sync = %q", got)
	}
}
