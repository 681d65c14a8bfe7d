package ui_test

import (
	"slices"
	"testing"

	"fyne.io/fyne/v2/test"

	"feltsag.dk/feltsag/ui"
)

// TestSmokeSteps: the steps the smoke test drives the real client with
// (cmd/feltsag, FELTSAG_SMOKE) open the list's first case and show its plan
// preview, and every screen they wait for is named through OnScreen.
func TestSmokeSteps(t *testing.T) {
	h := newHarness(t, &fakeAccount{left: 10}, threeCases(t), ui.SignInForm{})
	var screens []string
	h.c.SetOnScreen(func(name string) { screens = append(screens, name) })
	docs := &fakeDocs{}
	h.c.SetDocuments(docs)

	h.c.OpenFirst() // before the main window: nothing to open
	h.c.ShowPlanPreview()
	if len(screens) != 0 {
		t.Fatalf("before unlocking the steps showed %q", screens)
	}
	_, _, password, submit, _ := h.c.StartForm()
	test.Type(password, rightPassword)
	test.Tap(submit)
	if want := []string{"main", "case_list"}; !slices.Equal(screens, want) {
		t.Errorf("after unlocking, screens = %q, want %q", screens, want)
	}
	h.c.ShowPlanPreview() // no case open yet: nothing
	h.c.OpenFirst()
	if id, _ := h.c.OpenCase(); id != "sag-a" {
		t.Errorf("open case = %q, want the list's first, sag-a (Duc Krogh Schrøder)", id)
	}
	h.c.ShowPlanPreview()
	if want := []string{"main", "case_list", "case", "plan_preview"}; !slices.Equal(screens, want) {
		t.Errorf("screens = %q, want %q", screens, want)
	}
	if got := h.c.Plan().Pages; !slices.Contains(labelTexts(got), "Der er ingen gemt plan at vise.") {
		t.Errorf("preview shows %q, want that there is no plan", labelTexts(got))
	}
	h.c.SetStatus(ui.SyncStatus{Online: true}) // the list is read again: not a new screen
	if n := len(screens); n != 4 {
		t.Errorf("a reload named the screens again: %q", screens)
	}
}
