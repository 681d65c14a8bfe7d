package ui_test

import (
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/ui"
)

// ctrl is Ctrl (Cmd on macOS) with k.
func ctrl(k fyne.KeyName) fyne.Shortcut {
	return &desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault}
}

// focusIn puts the cursor in f, as a click in the field does.
func focusIn(t *testing.T, h *harness, f fyne.Focusable) {
	t.Helper()
	h.w.Canvas().Focus(f)
	if h.w.Canvas().Focused() != f {
		t.Fatalf("the field %T did not take the cursor", f)
	}
}

// TestPlanShortcutsFromItsFields: with the cursor in any of the Plan
// tab's text fields, the single-line and the multi-line ones and an
// activity's, Ctrl+P prints the plan and Ctrl+S saves the form as a
// draft; a multi-line field keeps Enter as a new line and its own text
// shortcuts.
func TestPlanShortcutsFromItsFields(t *testing.T) {
	h, cases, docs, p := openPlan(t)
	test.Type(p.Jobmaal, "Lagermedarbejder")
	test.Type(p.Antal, "3")
	test.Type(p.KontaktDato, "01.10.2026")
	test.Type(p.Ansvarlig, "Kåre Sørensen")
	test.Type(p.Jobcenter, "Jobcenter Aarhus")
	test.Tap(p.Publish)
	if len(cases.commits) != 2 {
		t.Fatalf("publishing: %d commits; message %q", len(cases.commits), p.Message.Text)
	}

	p.Antal.SetText("4")
	focusIn(t, h, h.c.PlanFields()[2]) // Antal
	pressShortcut(t, h.w, ctrl(fyne.KeyS))
	if len(cases.commits) != 3 {
		t.Fatalf("Ctrl+S in a plan field: %d commits, want 3; message %q", len(cases.commits), p.Message.Text)
	}
	g, ok := cases.commits[2].Body.(*app.GemPlan)
	if !ok || g.Indhold.Jobsoegning.AntalPrUge != 4 {
		t.Errorf("Ctrl+S saved %+v, want the draft with 4 a week", cases.commits[2].Body)
	}

	h.c.AddPlanAktivitet() // its fields too
	fields := h.c.PlanFields()
	for i, f := range fields {
		focusIn(t, h, f)
		pressShortcut(t, h.w, ctrl(fyne.KeyP))
		if len(docs.prints) != i+1 {
			t.Fatalf("Ctrl+P in plan field %d (%T): %d prints, want %d", i, f, len(docs.prints), i+1)
		}
	}

	// The goals field is multi-line: Enter is a new line, Ctrl+A selects
	// its text, Ctrl+Z undoes.
	focusIn(t, h, fields[0])
	p.Jobmaal.CursorRow, p.Jobmaal.CursorColumn = 0, len([]rune(p.Jobmaal.Text))
	p.Jobmaal.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	test.Type(p.Jobmaal, "Chauffør")
	if got, want := p.Jobmaal.Text, "Lagermedarbejder\nChauffør"; got != want {
		t.Errorf("after Enter: %q, want %q", got, want)
	}
	pressShortcut(t, h.w, &fyne.ShortcutSelectAll{})
	if got := p.Jobmaal.SelectedText(); got != p.Jobmaal.Text {
		t.Errorf("Ctrl+A selected %q, want all of %q", got, p.Jobmaal.Text)
	}
	pressShortcut(t, h.w, &fyne.ShortcutUndo{})
	if p.Jobmaal.Text == "Lagermedarbejder\nChauffør" {
		t.Error("Ctrl+Z in the goals field undid nothing")
	}
}

// TestJournalShortcutsFromTheNote: with the cursor in the journal note
// (where Ctrl+N puts it) Enter is a new line, Ctrl+S adds the note,
// Ctrl+Page Down shows the next tab, Ctrl+F goes to the search and
// Ctrl+L locks.
func TestJournalShortcutsFromTheNote(t *testing.T) {
	cases := threeCases(t)
	h := unlocked(t, cases)
	test.Type(h.c.SearchEntry(), "ida")
	h.c.SearchEntry().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	pressShortcut(t, h.w, ctrl(fyne.KeyN))
	note, _, saved := h.c.Journal()
	if h.w.Canvas().Focused() != h.c.JournalField() {
		t.Fatal("Ctrl+N did not put the cursor in the note")
	}
	test.Type(note, "Ringede om CV")
	note.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	test.Type(note, "Sender det i morgen")
	if got, want := note.Text, "Ringede om CV\nSender det i morgen"; got != want {
		t.Fatalf("the note with Enter: %q, want %q", got, want)
	}
	pressShortcut(t, h.w, ctrl(fyne.KeyS))
	if len(cases.commits) != 1 {
		t.Fatalf("Ctrl+S in the note: %d commits, want 1; line %q", len(cases.commits), saved.Text)
	}
	if n, ok := cases.commits[0].Body.(*app.TilfoejNotat); !ok || n.Tekst != "Ringede om CV\nSender det i morgen" {
		t.Errorf("Ctrl+S saved %+v", cases.commits[0].Body)
	}

	tabs := h.c.CaseTabs()
	before := tabs.SelectedIndex()
	focusIn(t, h, h.c.JournalField())
	pressShortcut(t, h.w, ctrl(fyne.KeyPageDown))
	if tabs.SelectedIndex() == before {
		t.Error("Ctrl+Page Down in the note did not show the next tab")
	}

	pressShortcut(t, h.w, ctrl(fyne.KeyN))
	pressShortcut(t, h.w, ctrl(fyne.KeyF))
	if h.w.Canvas().Focused() != h.c.SearchField() {
		t.Error("Ctrl+F in the note did not go to the search")
	}

	pressShortcut(t, h.w, ctrl(fyne.KeyN))
	pressShortcut(t, h.w, ctrl(fyne.KeyL))
	if h.c.Unlocked() || !h.acct.locked {
		t.Error("Ctrl+L in the note did not lock")
	}
}

// TestStartFieldsHandKeysOn: the unlock screen's password field (it has
// the cursor) hands Escape and the window's shortcuts on to the window,
// and keeps Enter for unlocking.
func TestStartFieldsHandKeysOn(t *testing.T) {
	h := newHarness(t, &fakeAccount{left: 10}, threeCases(t), ui.SignInForm{})
	pw := h.c.StartPasswordField()
	if h.w.Canvas().Focused() != pw {
		t.Fatal("the unlock screen does not put the cursor in the password")
	}
	cv := h.w.Canvas()
	var keys []fyne.KeyName
	onKey := cv.OnTypedKey()
	cv.SetOnTypedKey(func(ev *fyne.KeyEvent) {
		keys = append(keys, ev.Name)
		onKey(ev)
	})
	pressKey(h, fyne.KeyEscape)
	if !slices.Equal(keys, []fyne.KeyName{fyne.KeyEscape}) {
		t.Errorf("Escape in the password reached the window as %q", keys)
	}
	var shortcuts []string
	cv.AddShortcut(ctrl(fyne.KeyL), func(s fyne.Shortcut) { shortcuts = append(shortcuts, s.ShortcutName()) })
	pressShortcut(t, h.w, ctrl(fyne.KeyL))
	if len(shortcuts) != 1 {
		t.Errorf("Ctrl+L in the password reached the window %d times, want 1", len(shortcuts))
	}

	_, _, password, _, _ := h.c.StartForm()
	test.Type(password, rightPassword)
	pressKey(h, fyne.KeyReturn)
	if !h.c.Unlocked() {
		t.Error("Enter in the password did not unlock")
	}
}

// pressKey types k where the window sends it: to the field with the
// cursor, else to the window.
func pressKey(h *harness, k fyne.KeyName) {
	ev := &fyne.KeyEvent{Name: k}
	if f := h.w.Canvas().Focused(); f != nil {
		f.TypedKey(ev)
		return
	}
	h.w.Canvas().OnTypedKey()(ev)
}

// TestConflictNoteHandsShortcutsOn: with the cursor in a conflict's note
// (multi-line, where a missing note puts it) Enter is a new line and
// Ctrl+F goes to the search.
func TestConflictNoteHandsShortcutsOn(t *testing.T) {
	cases := &decisionCases{fakeCases: threeCases(t), conflicts: map[app.ID][]app.Conflict{}}
	cases.conflict["sag-a"] = 1
	at := time.Date(2026, 9, 11, 14, 5, 0, 0, time.Local)
	cases.conflicts["sag-a"] = []app.Conflict{{
		ID: "k-1", Sag: "sag-a", Field: "visitation", Policy: app.PolicyProtected, Owner: "cw1",
		Base:    app.ConflictSide{Value: visitationValue(t, "match1", app.MustDate(2026, 9, 1)), Version: 3},
		Mine:    app.ConflictSide{Value: visitationValue(t, "match2", app.MustDate(2026, 9, 10)), Version: 3, Command: "c-mine", Author: app.Actor{Rolle: app.RolleSagsbehandler, ID: "cw1"}, Device: "dev-a", At: at},
		Theirs:  app.ConflictSide{Value: visitationValue(t, "match3", app.MustDate(2026, 9, 11)), Version: 4, Command: "c-theirs", Author: app.Actor{Rolle: app.RolleSagsbehandler, ID: "cw2"}, Device: "dev-b", At: at},
		Created: at,
	}}
	h := unlockedWith(t, cases)
	test.Type(h.c.SearchEntry(), "duc")
	h.c.SearchEntry().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	h.c.ShowConflictsTab()
	_, note, _, _ := h.c.ConflictCard(0)
	focusIn(t, h, h.c.ConflictNoteField(0))
	test.Type(note, "Visitationen gælder")
	note.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	test.Type(note, "Sygemeldt")
	if got, want := note.Text, "Visitationen gælder\nSygemeldt"; got != want {
		t.Errorf("the note with Enter: %q, want %q", got, want)
	}
	pressShortcut(t, h.w, ctrl(fyne.KeyF))
	if h.w.Canvas().Focused() != h.c.SearchField() {
		t.Error("Ctrl+F in the conflict's note did not go to the search")
	}
}

// TestLockFromSignInAgain: signing in again after the session expired
// leaves the replica open (the caseworker may go back without syncing);
// Ctrl+L in its password field locks it and asks for the password to
// unlock.
func TestLockFromSignInAgain(t *testing.T) {
	acct := &renewingAccount{fakeAccount: &fakeAccount{left: 5}}
	h := renewHarness(t, acct, newFakeCases(t, caseNamed(t, "sag-1", "Ida Søndergaard", 2)))
	_, _, password, submit, _ := h.c.StartForm()
	test.Type(password, rightPassword)
	test.Tap(submit)
	acct.expired = true
	h.c.SetStatus(ui.SyncStatus{NeedSignIn: true, LastError: app.Errorf(app.CodeUnauthorized, "", "unauthorized.sync.session")})
	btn, _ := h.c.SignInAgainButton()
	test.Tap(btn)
	if h.c.StartSkip() == nil || h.w.Canvas().Focused() != h.c.StartPasswordField() {
		t.Fatal("Log ind igen does not show the password with the cursor and a way back")
	}
	pressShortcut(t, h.w, ctrl(fyne.KeyL))
	if !acct.locked {
		t.Fatal("Ctrl+L on the sign-in-again screen did not lock the replica")
	}
	if h.c.StartSkip() != nil || h.c.Unlocked() {
		t.Error("after Ctrl+L the way back without a password is still there")
	}
	if h.w.Canvas().Focused() != h.c.StartPasswordField() {
		t.Error("the unlock screen does not have the cursor in its password")
	}
}

// TestIdleLockOnSignInAgain: the sign-in-again screen keeps the replica
// open (its way back needs no password), so the inactivity lock locks it
// there too, as it does in the main window.
func TestIdleLockOnSignInAgain(t *testing.T) {
	acct := &renewingAccount{fakeAccount: &fakeAccount{left: 5}}
	h := renewHarness(t, acct, newFakeCases(t, caseNamed(t, "sag-1", "Ida Søndergaard", 2)))
	_, _, password, submit, _ := h.c.StartForm()
	test.Type(password, rightPassword)
	test.Tap(submit)
	acct.expired = true
	h.c.SetStatus(ui.SyncStatus{NeedSignIn: true, LastError: app.Errorf(app.CodeUnauthorized, "", "unauthorized.sync.session")})
	btn, _ := h.c.SignInAgainButton()
	test.Tap(btn)
	if h.c.StartSkip() == nil {
		t.Fatal("Log ind igen does not offer the way back")
	}
	h.clock.Advance(ui.DefaultIdleLock)
	h.c.CheckIdle()
	if !acct.locked || h.c.StartSkip() != nil {
		t.Fatal("the inactivity lock did not lock the replica on the sign-in-again screen")
	}
}
