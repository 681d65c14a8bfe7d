package ui_test

import (
	"slices"
	"testing"

	"fyne.io/fyne/v2/test"

	"feltsag.dk/feltsag/app"
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

// TestSmokeCompanySteps: the smoke test's company steps show the company
// list (as Alt+2) and open its first company (as Enter in the company
// search), each named through OnScreen; without the field kit they do
// nothing.
func TestSmokeCompanySteps(t *testing.T) {
	plain := unlocked(t, threeCases(t))
	plain.c.ShowCompanyList()
	plain.c.OpenFirstCompany()
	if plain.c.HasFieldKit() {
		t.Fatal("a field kit without Companies")
	}

	cases, companies := fieldFixture(t)
	h := fieldHarness(t, cases, companies, nil)
	var screens []string
	h.c.SetOnScreen(func(name string) { screens = append(screens, name) })
	h.c.OpenFirstCompany() // the cases are shown: nothing
	if len(screens) != 0 {
		t.Fatalf("with the cases shown, OpenFirstCompany showed %q", screens)
	}
	h.c.ShowCompanyList()
	h.c.OpenFirstCompany()
	if want := []string{"company_list", "company"}; !slices.Equal(screens, want) {
		t.Errorf("screens = %q, want %q", screens, want)
	}
	if got := companies.views; !slices.Equal(got, []app.ID{"virk-fyn"}) {
		t.Errorf("companies viewed = %q, want the list's first, virk-fyn", got)
	}
}
