package ui_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/testkit"
	"feltsag.dk/feltsag/ui"
)

// renewingAccount is a fakeAccount with ui.Renewer: graceLocked refuses
// every unlock with the offline grace error until SignInAgain.
type renewingAccount struct {
	*fakeAccount
	graceLocked bool
	expired     bool     // the session expired (sync's NeedSignIn)
	again       []string // passwords given to SignInAgain
}

func (a *renewingAccount) Unlock(password string) error {
	if a.graceLocked && password == rightPassword {
		return app.Errorf(app.CodeUnauthorized, "", "unauthorized.sync.offline_grace", "dage", "14", "dato", "01.09.2026")
	}
	return a.fakeAccount.Unlock(password)
}

func (a *renewingAccount) NeedsSignIn() bool { return a.graceLocked || a.expired }

func (a *renewingAccount) SignInAgain(_ context.Context, password string) error {
	a.again = append(a.again, password)
	if password != rightPassword {
		return app.Errorf(app.CodeUnauthorized, "", "unauthorized.sync.login")
	}
	a.graceLocked, a.expired, a.locked = false, false, false
	return nil
}

// renewHarness is newHarness over a renewingAccount.
func renewHarness(t *testing.T, acct *renewingAccount, cases ui.Caseload) *harness {
	t.Helper()
	test.NewTempApp(t)
	setLocale(t, "da_DK.UTF-8")
	if err := ui.LoadTranslations(); err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, acct: acct.fakeAccount, cases: cases, sync: newFakeSync(), clock: &fakeClock{t: testNow}}
	h.w = test.NewWindow(nil)
	t.Cleanup(h.w.Close)
	h.w.Resize(fyne.NewSize(1280, 760))
	n := 0
	h.c = ui.New(ui.Options{
		Window: h.w, Account: acct, Cases: cases, Sync: h.sync,
		Rules: testkit.Rules(t), Texts: testkit.Catalogue(t),
		Now: h.clock.Now, Go: synchronously, AfterFunc: atOnce,
		NewID: func() (app.ID, error) { n++; return app.ID("id-" + strconv.Itoa(n)), nil },
	})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	h.c.Start(ctx)
	return h
}

// TestOfflineGraceAsksToSignInAgain: after the grace period the unlock
// is refused with what to do, the client asks for the password alone (no
// server or user field, no way around it), and signing in again opens the
// main window.
func TestOfflineGraceAsksToSignInAgain(t *testing.T) {
	acct := &renewingAccount{fakeAccount: &fakeAccount{left: 5}, graceLocked: true}
	h := renewHarness(t, acct, newFakeCases(t, caseNamed(t, "sag-1", "Ida Søndergaard", 2)))
	_, _, password, submit, _ := h.c.StartForm()
	test.Type(password, rightPassword)
	test.Tap(submit)
	server, user, password, submit, message := h.c.StartForm()
	if server != nil || user != nil || password == nil {
		t.Fatal("the client does not ask for the password alone after the grace period")
	}
	shown := strings.Join(labelTexts(h.w.Content()), "\n")
	for _, want := range []string{"01.09.2026", "14 dage", "log ind igen"} {
		if !strings.Contains(shown, want) {
			t.Errorf("screen %q, want it to contain %q", shown, want)
		}
	}
	if h.c.StartSkip() != nil {
		t.Error("the grace lock offers a way on without signing in")
	}
	steps := []struct {
		password string
		unlocked bool
		message  string
	}{
		{"forkert", false, "Forkert brugernavn eller adgangskode"},
		{rightPassword, true, ""},
	}
	for _, s := range steps {
		test.Type(password, s.password)
		test.Tap(submit)
		if got := h.c.Unlocked(); got != s.unlocked {
			t.Fatalf("after %q: unlocked %v, want %v; message %q", s.password, got, s.unlocked, message.Text)
		}
		if s.message != "" && !strings.Contains(message.Text, s.message) {
			t.Errorf("after %q: message %q, want %q", s.password, message.Text, s.message)
		}
	}
	if got := strings.Join(acct.again, ","); got != "forkert,"+rightPassword {
		t.Errorf("SignInAgain got %q", got)
	}
}

// TestExpiredSessionSignInAgain: sync reports that the session expired;
// the status line offers "Log ind igen", which asks for the password
// alone; the caseworker may go back without syncing, and signing in
// returns to the main window with sync resumed.
func TestExpiredSessionSignInAgain(t *testing.T) {
	acct := &renewingAccount{fakeAccount: &fakeAccount{left: 5}}
	h := renewHarness(t, acct, newFakeCases(t, caseNamed(t, "sag-1", "Ida Søndergaard", 2)))
	_, _, password, submit, _ := h.c.StartForm()
	test.Type(password, rightPassword)
	test.Tap(submit)
	if !h.c.Unlocked() {
		t.Fatal("not unlocked")
	}
	if _, shown := h.c.SignInAgainButton(); shown {
		t.Error("Log ind igen shows while the session is fine")
	}
	acct.expired = true
	h.c.SetStatus(ui.SyncStatus{NeedSignIn: true, LastError: app.Errorf(app.CodeUnauthorized, "", "unauthorized.sync.session")})
	btn, shown := h.c.SignInAgainButton()
	if !shown {
		t.Fatal("Log ind igen does not show with an expired session")
	}
	test.Tap(btn)
	server, _, password, _, _ := h.c.StartForm()
	if h.c.Unlocked() || server != nil || password == nil || h.c.StartSkip() == nil {
		t.Fatal("Log ind igen does not ask for the password alone with a way back")
	}
	test.Tap(h.c.StartSkip())
	if !h.c.Unlocked() {
		t.Fatal("continue without syncing does not return to the main window")
	}
	btn, _ = h.c.SignInAgainButton()
	test.Tap(btn)
	_, _, password, submit, _ = h.c.StartForm()
	test.Type(password, rightPassword)
	test.Tap(submit)
	if !h.c.Unlocked() || acct.expired {
		t.Fatalf("after signing in again: unlocked %v, expired %v", h.c.Unlocked(), acct.expired)
	}
	h.c.SetStatus(ui.SyncStatus{Online: true})
	if _, shown := h.c.SignInAgainButton(); shown {
		t.Error("Log ind igen still shows after signing in again")
	}
}
