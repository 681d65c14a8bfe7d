package ui_test

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/ui"
)

// TestMainLayoutsMarkup is the golden markup of the main layouts
// (testdata/main_*.xml; a failure writes testdata/failed/): the main
// window with the case list and the status line, an opened case's
// Overblik, a tab of forms (Fravær) and the Konflikter tab with one
// conflict. Fixed: the clock (testNow), Fyne's test theme, a 1280 × 760
// window, the Danish texts. After an intended change of a layout, look at
// the new markup in testdata/failed/ and copy it over the master.
func TestMainLayoutsMarkup(t *testing.T) {
	cases := &decisionCases{fakeCases: threeCases(t), conflicts: map[app.ID][]app.Conflict{}}
	cases.conflict["sag-a"] = 1
	at := time.Date(2026, 9, 11, 14, 5, 0, 0, time.Local)
	cases.conflicts["sag-a"] = []app.Conflict{{
		ID: "k-1", Sag: "sag-a", Field: "visitation", Policy: app.PolicyProtected, Owner: "cw1",
		Base:    app.ConflictSide{Value: visitationValue(t, "match1", app.MustDate(2026, 9, 1)), Version: 3},
		Mine:    app.ConflictSide{Value: visitationValue(t, "match2", app.MustDate(2026, 9, 10)), Version: 3, Command: "c-mine", Author: app.Actor{Rolle: app.RolleSagsbehandler, ID: "cw1"}, Device: "dev-a", At: at.Add(-24 * time.Hour)},
		Theirs:  app.ConflictSide{Value: visitationValue(t, "match3", app.MustDate(2026, 9, 11)), Version: 4, Command: "c-theirs", Author: app.Actor{Rolle: app.RolleSagsbehandler, ID: "cw2"}, Device: "dev-b", At: at},
		Created: at,
	}}
	h := unlockedWith(t, cases)
	h.w.Resize(fyne.NewSize(1280, 760))
	h.c.SetStatus(ui.SyncStatus{LastSync: testNow.Add(-2 * time.Hour), Pending: 1, OldestPending: testNow.Add(-time.Hour)})

	steps := []struct {
		master string
		do     func()
	}{
		{"main_list.xml", func() {}},
		{"main_overblik.xml", func() { h.c.CaseList().Select(1) }}, // Ida Søndergaard
		{"main_form.xml", func() { h.c.ShowTab("Fravær") }},
		{"main_konflikter.xml", func() { h.c.CaseList().Select(0); h.c.ShowConflictsTab() }}, // Duc Krogh Schrøder
	}
	for _, s := range steps {
		s.do()
		test.AssertRendersToMarkup(t, s.master, h.w.Canvas())
	}
}

// TestFieldKitMarkup is the golden markup of the field kit
// (testdata/field_*.xml): the company list with Fyns Maskinfabrik's card,
// the visit form with a follow-up picked, and the candidates for a place.
// Fixed as TestMainLayoutsMarkup.
func TestFieldKitMarkup(t *testing.T) {
	cases, companies := fieldFixture(t)
	companies.candidates["pl-1"] = []app.Kandidat{{Sag: "sag-dddd", Navn: "Karin Ærbø", CPR: "040465-XXXX", Score: 70,
		Grunde: []app.Grund{{Key: "case.fravaer_none"}, {Key: "case.ikke_visiteret", Imod: true}}}}
	h := fieldHarness(t, cases, companies, &fakeFieldDocs{})
	steps := []struct {
		master string
		do     func()
	}{
		{"field_card.xml", func() { openCompany(t, h, 0) }},
		{"field_visit.xml", func() {
			test.Tap(h.c.CardVisitButton())
			test.Type(h.c.FieldFormEntry("field.f.formaal"), "Opfølgning")
			test.Tap(h.c.VisitPicks()[0])
			h.c.FieldFormCheck()
		}},
		{"field_candidates.xml", func() {
			h.c.FieldFormTypeKey("field.f.formaal", fyne.KeyEscape)
			test.Tap(h.c.CardButton("candidates", "pl-1"))
		}},
	}
	for _, s := range steps {
		s.do()
		test.AssertRendersToMarkup(t, s.master, h.w.Canvas())
	}
}
