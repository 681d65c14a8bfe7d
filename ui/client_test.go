package ui_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/ui"
)

// TestFirstSignIn: the first run asks for server, user and password; a
// wrong password says so; the right one shows the first sync's progress,
// and the main window follows when the sync is complete.
func TestFirstSignIn(t *testing.T) {
	acct := &fakeAccount{firstRun: true, left: 10}
	h := newHarness(t, acct, newFakeCases(t, caseNamed(t, "sag-1", "Ida Søndergaard", 2)), ui.SignInForm{})
	server, user, password, submit, message := h.c.StartForm()
	if server == nil || user == nil {
		t.Fatal("the first run shows no server and user fields")
	}
	test.Type(server, "http://127.0.0.1:8443")
	test.Type(user, "cw1")
	test.Type(password, "forkert")
	test.Tap(submit)
	if got, want := message.Text, "Forkert brugernavn eller adgangskode."; got != want {
		t.Errorf("after a wrong password the message = %q, want %q", got, want)
	}
	if h.c.Unlocked() {
		t.Fatal("unlocked after a wrong password")
	}
	test.Type(password, rightPassword)
	test.Tap(submit)
	if got, want := acct.signIns, []string{"http://127.0.0.1:8443|cw1", "http://127.0.0.1:8443|cw1"}; !slices.Equal(got, want) {
		t.Errorf("sign-ins = %q, want %q", got, want)
	}
	h.c.SetStatus(ui.SyncStatus{Online: true, Syncing: true, FirstSync: true, Received: 50, Total: 200})
	line, value := h.c.FirstSyncLine()
	if !strings.HasPrefix(line, "50 af 200 sager hentet") || value != 0.25 {
		t.Errorf("first sync shows %q at %v, want 50 af 200 at 0.25", line, value)
	}
	h.clock.Advance(10 * time.Second)
	h.c.SetStatus(ui.SyncStatus{Online: true, Syncing: true, FirstSync: true, Received: 100, Total: 200})
	if line, _ := h.c.FirstSyncLine(); !strings.Contains(line, "ca. 10 s tilbage") {
		t.Errorf("first sync shows %q, want the time left (ca. 10 s)", line)
	}
	h.c.SetStatus(ui.SyncStatus{Online: true, LastSync: h.clock.Now()})
	if !h.c.Unlocked() {
		t.Fatal("the main window did not follow the complete first sync")
	}
	if got := h.c.Shown(); !slices.Equal(got, []string{"Ida Søndergaard"}) {
		t.Errorf("case list = %q", got)
	}
}

// TestDemoSignInSubmitsItself: a form filled with a password (make demo)
// signs in without a tap.
func TestDemoSignInSubmitsItself(t *testing.T) {
	acct := &fakeAccount{firstRun: true, left: 10}
	h := newHarness(t, acct, newFakeCases(t), ui.SignInForm{Server: "http://127.0.0.1:1", User: "kaare", Password: rightPassword})
	if got := acct.signIns; !slices.Equal(got, []string{"http://127.0.0.1:1|kaare"}) {
		t.Errorf("sign-ins = %q", got)
	}
	if line, _ := h.c.FirstSyncLine(); line != "Venter på serveren …" {
		t.Errorf("first sync line = %q, want the wait for the server", line)
	}
}

// TestUnlockWrongThenRight: a later run asks for the password only; a
// wrong one says how many attempts are left; the right one unlocks.
func TestUnlockWrongThenRight(t *testing.T) {
	acct := &fakeAccount{left: 4}
	h := newHarness(t, acct, newFakeCases(t, caseNamed(t, "sag-1", "Ida Søndergaard", 2)), ui.SignInForm{})
	server, _, password, submit, message := h.c.StartForm()
	if server != nil {
		t.Fatal("a later run asks for the server")
	}
	test.Type(password, "forkert")
	test.Tap(submit)
	if want := "Efter 3 forsøg mere slettes de lokale data"; !strings.Contains(message.Text, want) {
		t.Errorf("message = %q, want it to contain %q", message.Text, want)
	}
	if password.Text != "" {
		t.Error("the wrong password stays in the field")
	}
	test.Type(password, rightPassword)
	test.Tap(submit)
	if !h.c.Unlocked() {
		t.Fatalf("not unlocked with the right password; message %q", message.Text)
	}
}

// TestErasedReplicaAsksToSignIn: the last wrong password erases the
// replica; the client then shows the sign-in with the reason.
func TestErasedReplicaAsksToSignIn(t *testing.T) {
	acct := &fakeAccount{left: 1}
	h := newHarness(t, acct, newFakeCases(t), ui.SignInForm{})
	_, _, password, submit, _ := h.c.StartForm()
	test.Type(password, "forkert")
	test.Tap(submit)
	server, _, _, _, message := h.c.StartForm()
	if server == nil {
		t.Fatal("after the erase the client does not ask to sign in")
	}
	if !strings.Contains(message.Text, "slettet") {
		t.Errorf("message = %q, want why (erased)", message.Text)
	}
}

// unlocked returns a harness past the unlock, showing cases.
func unlocked(t *testing.T, cases *fakeCases) *harness {
	t.Helper()
	h := newHarness(t, &fakeAccount{left: 10}, cases, ui.SignInForm{})
	_, _, password, submit, _ := h.c.StartForm()
	test.Type(password, rightPassword)
	test.Tap(submit)
	if !h.c.Unlocked() {
		t.Fatal("not unlocked")
	}
	return h
}

func threeCases(t *testing.T) *fakeCases {
	t.Helper()
	f := newFakeCases(t,
		caseNamed(t, "sag-a", "Duc Krogh Schrøder", 2),
		caseNamed(t, "sag-bb", "Ida Søndergaard", 1),
		caseNamed(t, "sag-ccc", "Martin Schrøder", 1),
	)
	f.pending["sag-ccc"] = 1
	f.conflict["sag-a"] = 2
	return f
}

// TestSearchAndFilter: typing filters at once by name, birth date or case
// id; the query is logged through the caseload's Search (which also finds
// a full CPR number); the filters narrow the list.
func TestSearchAndFilter(t *testing.T) {
	cases := threeCases(t)
	h := unlocked(t, cases)
	tests := []struct {
		query string
		want  []string
	}{
		{"", []string{"Duc Krogh Schrøder", "Ida Søndergaard", "Martin Schrøder"}},
		{"schrø", []string{"Duc Krogh Schrøder", "Martin Schrøder"}},
		{"martin schrø", []string{"Martin Schrøder"}},
		{"sag-bb", []string{"Ida Søndergaard"}},
		{"020285", []string{"Martin Schrøder"}},
		{"0101901234", []string{"Ida Søndergaard"}},
		{"nobody", nil},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			h.c.SearchEntry().SetText(tt.query)
			if got := h.c.Shown(); !slices.Equal(got, tt.want) {
				t.Errorf("search %q shows %q, want %q", tt.query, got, tt.want)
			}
			if tt.query != "" && cases.searches[len(cases.searches)-1] != tt.query {
				t.Errorf("the query %q was not logged through Search (searches %q)", tt.query, cases.searches)
			}
		})
	}
	h.c.SearchEntry().SetText("")
	unsent, conflicts, kg := h.c.Filters()
	unsent.SetChecked(true)
	if got := h.c.Shown(); !slices.Equal(got, []string{"Martin Schrøder"}) {
		t.Errorf("not sent shows %q", got)
	}
	unsent.SetChecked(false)
	conflicts.SetChecked(true)
	if got := h.c.Shown(); !slices.Equal(got, []string{"Duc Krogh Schrøder"}) {
		t.Errorf("conflicts shows %q", got)
	}
	conflicts.SetChecked(false)
	kg.SetSelectedIndex(1) // KG1
	if got := h.c.Shown(); !slices.Equal(got, []string{"Ida Søndergaard", "Martin Schrøder"}) {
		t.Errorf("KG1 shows %q (options %q)", got, kg.Options)
	}
}

// TestListRowsShowBadges renders the list and looks for the rows' badges.
func TestListRowsShowBadges(t *testing.T) {
	h := unlocked(t, threeCases(t))
	texts := labelTexts(h.w.Content())
	for _, want := range []string{"Duc Krogh Schrøder", "2 konflikter", "1 ikke sendt", "KG2", "020285-XXXX", "3 af 3 sager"} {
		if !slices.Contains(texts, want) {
			t.Errorf("no label %q in %q", want, texts)
		}
	}
	for _, s := range texts {
		if strings.Contains(s, "0202851236") || strings.Contains(s, "020285-1236") {
			t.Errorf("a full CPR number is shown: %q", s)
		}
	}
}

// TestOpenCaseAndAddNote: Enter in the search opens the first case (a
// logged View); the Overblik shows the case's facts and duties; a note is
// saved as a TilfoejNotat command, sync is kicked, and the note shows.
func TestOpenCaseAndAddNote(t *testing.T) {
	cases := threeCases(t)
	h := unlocked(t, cases)
	test.Type(h.c.SearchEntry(), "ida")
	h.c.SearchEntry().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	id, header := h.c.OpenCase()
	if id != "sag-bb" || !strings.HasPrefix(header, "Ida Søndergaard · 010190-XXXX · KG1") {
		t.Fatalf("open case = %q %q", id, header)
	}
	if !slices.Equal(cases.views, []app.ID{"sag-bb"}) {
		t.Errorf("views logged = %q", cases.views)
	}
	for _, want := range []string{"Tilmeldt siden", "Pligter og rettigheder i dag", "Frister", "Intet aktivt fravær"} {
		if !labelled(h.w.Content(), want) {
			t.Errorf("the Overblik has no %q: %q", want, labelTexts(h.w.Content()))
		}
	}

	ctrlN := &desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault}
	h.w.Canvas().(fyne.Shortcutable).TypedShortcut(ctrlN) // the Journal tab, cursor in the note
	entry, add, saved := h.c.Journal()
	if h.w.Canvas().Focused() != h.c.JournalField() {
		t.Error("Ctrl+N did not put the cursor in the note")
	}
	test.Tap(add)
	if saved.Text != "Skriv notatet først." || len(cases.commits) != 0 {
		t.Errorf("an empty note: %q, %d commits", saved.Text, len(cases.commits))
	}
	test.Type(entry, "Ringede om CV")
	test.Tap(add)
	if len(cases.commits) != 1 {
		t.Fatalf("commits = %d, want 1", len(cases.commits))
	}
	cmd := cases.commits[0]
	note, ok := cmd.Body.(*app.TilfoejNotat)
	if !ok || note.Tekst != "Ringede om CV" || cmd.Sag != "sag-bb" || cmd.Actor.ID != "cw1" || !cmd.At.Equal(testNow) {
		t.Errorf("command = %+v %+v", cmd, cmd.Body)
	}
	if h.sync.kicks != 1 {
		t.Errorf("kicks = %d, want 1", h.sync.kicks)
	}
	if entry.Text != "" || !strings.HasPrefix(saved.Text, "Gemt lokalt") {
		t.Errorf("after saving: entry %q, line %q", entry.Text, saved.Text)
	}
	if !labelled(h.w.Content(), "Ringede om CV") {
		t.Error("the note is not in the journal")
	}
	if !labelled(h.w.Content(), "1 ikke sendt") {
		t.Error("the list does not show the case's unsent change")
	}
}

// TestStatusLine: the status bar shows what the engine reports.
func TestStatusLine(t *testing.T) {
	h := unlocked(t, threeCases(t))
	h.c.SetStatus(ui.SyncStatus{Online: false, LastSync: testNow.Add(-2 * time.Hour), Pending: 12, OldestPending: testNow.Add(-3*24*time.Hour - time.Hour)})
	want := "Offline · sidst synkroniseret 14.09.2026 kl. 08:30 · 12 ændringer ikke sendt i 3 dage"
	if got := h.c.StatusLine(); got != want {
		t.Errorf("status line = %q, want %q", got, want)
	}
}

func TestStatusText(t *testing.T) {
	setLocale(t, "da_DK.UTF-8")
	if err := ui.LoadTranslations(); err != nil {
		t.Fatal(err)
	}
	unreachable := app.Errorf(app.CodeInternal, "", "internal.sync.unreachable")
	errText := func(err error) string { return "FEJL:" + app.AsError(err).Key }
	tests := []struct {
		name     string
		st       ui.SyncStatus
		want     string
		wantWarn bool
	}{
		{"fresh", ui.SyncStatus{}, "Offline · ikke synkroniseret i denne session · alt er sendt", false},
		{"online", ui.SyncStatus{Online: true, LastSync: testNow.Add(-time.Minute)}, "Online · sidst synkroniseret 14.09.2026 kl. 10:29 · alt er sendt", false},
		{"syncing", ui.SyncStatus{Online: true, Syncing: true, Pending: 1, OldestPending: testNow}, "Synkroniserer … · ikke synkroniseret i denne session · 1 ændring ikke sendt", false},
		{"waited a day", ui.SyncStatus{Pending: 1, OldestPending: testNow.Add(-25 * time.Hour)}, "Offline · ikke synkroniseret i denne session · 1 ændring ikke sendt i 1 dag", true},
		{"error", ui.SyncStatus{Pending: 3, OldestPending: testNow, LastError: unreachable}, "Offline · ikke synkroniseret i denne session · 3 ændringer ikke sendt · FEJL:internal.sync.unreachable", true},
		{"stopped", ui.SyncStatus{Stopped: true}, "Synkronisering stoppet · ikke synkroniseret i denne session · alt er sendt", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, warn := ui.StatusText(tt.st, testNow, errText)
			if got != tt.want || warn != tt.wantWarn {
				t.Errorf("StatusText() = %q, %v; want %q, %v", got, warn, tt.want, tt.wantWarn)
			}
		})
	}
}

// TestInactivityLock: after the idle time the client locks, the replica
// forgets its keys and no citizen's name is on screen; Ctrl+L locks too.
func TestInactivityLock(t *testing.T) {
	cases := threeCases(t)
	h := unlocked(t, cases)
	acct := h.acct
	h.clock.Advance(9 * time.Minute)
	h.c.CheckIdle()
	if !h.c.Unlocked() {
		t.Fatal("locked before the idle time")
	}
	test.Type(h.c.SearchEntry(), "ida") // activity restarts the clock
	h.clock.Advance(9 * time.Minute)
	h.c.CheckIdle()
	if !h.c.Unlocked() {
		t.Fatal("locked although the caseworker typed 9 minutes ago")
	}
	h.clock.Advance(time.Minute)
	h.c.CheckIdle()
	if h.c.Unlocked() || !acct.locked {
		t.Fatalf("not locked after 10 idle minutes (account locked: %v)", acct.locked)
	}
	assertNoCitizen(t, h)
	if !labelled(h.w.Content(), "ikke har været brugt") {
		t.Errorf("the lock screen does not say why: %q", labelTexts(h.w.Content()))
	}

	_, _, password, submit, _ := h.c.StartForm()
	test.Type(password, rightPassword)
	test.Tap(submit)
	if !h.c.Unlocked() {
		t.Fatal("not unlocked again")
	}
	ctrlL := &desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault}
	h.w.Canvas().(fyne.Shortcutable).TypedShortcut(ctrlL)
	if h.c.Unlocked() {
		t.Fatal("Ctrl+L did not lock")
	}
	assertNoCitizen(t, h)
}

func assertNoCitizen(t *testing.T, h *harness) {
	t.Helper()
	for _, s := range labelTexts(h.w.Content()) {
		for _, name := range []string{"Ida", "Schrøder", "XXXX"} {
			if strings.Contains(s, name) {
				t.Errorf("locked, but %q is on screen", s)
			}
		}
	}
}

// TestListOf5000Cases: 5,000 summaries index, filter per keystroke and
// show in the list well within a frame; the list creates rows only for
// what is visible.
func TestListOf5000Cases(t *testing.T) {
	sums := manySummaries(5000)
	start := time.Now()
	x := ui.NewCaseIndex(sums)
	indexed := time.Since(start)
	start = time.Now()
	for _, q := range []string{"m", "ma", "mar", "mart", "marti", "martin"} {
		x.Filter(q, ui.Filter{}, nil)
	}
	perKey := time.Since(start) / 6
	// The time is reported, not judged: the 16 ms budget is measured by
	// BenchmarkFilter5000 and cmd/feltsag's BenchmarkClient5000 (make
	// bench), since a shared, loaded machine makes a limit here flaky.
	t.Logf("5,000 cases: index %v, filter per keystroke %v", indexed, perKey)
	if got := len(x.Filter("", ui.Filter{}, nil)); got != 5000 {
		t.Errorf("unfiltered = %d, want 5000", got)
	}
	if got := len(x.Filter("", ui.Filter{KG: 2}, nil)); got != 5000/4 {
		t.Errorf("KG2 = %d, want %d", got, 5000/4)
	}
}

// manySummaries returns n summaries with varied names and four KGs.
func manySummaries(n int) []app.CaseSummary {
	first := []string{"Martin", "Ida", "Duc", "Kåre", "Mette", "Søren", "Anna", "Jens"}
	last := []string{"Schrøder", "Søndergaard", "Krogh", "Ærø", "Nielsen", "Jensen", "Holm"}
	out := make([]app.CaseSummary, n)
	for i := range out {
		out[i] = app.CaseSummary{
			ID:   app.ID(fmt.Sprintf("sag-%05d", i)),
			Navn: first[i%len(first)] + " " + last[(i/len(first))%len(last)] + fmt.Sprintf(" %d", i),
			CPR:  fmt.Sprintf("%02d%02d%02d-XXXX", 1+i%28, 1+i%12, 50+i%50),
			KG:   1 + i%4, Pending: i % 7 / 6, Conflicts: i % 50 / 49,
		}
	}
	return out
}

// TestMainWindowWith5000Cases shows 5,000 cases in the window: it must
// render quickly (the list creates only the visible rows) and scroll.
func TestMainWindowWith5000Cases(t *testing.T) {
	cases := newFakeCases(t)
	h := newHarness(t, &fakeAccount{left: 10}, &bigCaseload{fakeCases: cases, sums: manySummaries(5000)}, ui.SignInForm{})
	_, _, password, submit, _ := h.c.StartForm()
	test.Type(password, rightPassword)
	start := time.Now()
	test.Tap(submit)
	shown := time.Since(start)
	if got := len(h.c.Shown()); got != 5000 {
		t.Fatalf("shown = %d", got)
	}
	start = time.Now()
	h.c.CaseList().ScrollToBottom()
	h.c.CaseList().ScrollTo(2500)
	scrolled := time.Since(start)
	// Reported, not judged (make bench measures it, BenchmarkClient5000):
	// what this test holds is that only the visible rows are built.
	t.Logf("unlock to list of 5,000: %v; two scrolls: %v", shown, scrolled)
	rows := 0
	for _, s := range labelTexts(h.w.Content()) {
		if strings.HasSuffix(s, "-XXXX") {
			rows++
		}
	}
	if rows == 0 || rows > 60 {
		t.Errorf("%d rows rendered for 5,000 cases, want only the visible ones (1–60)", rows)
	}
}

// bigCaseload lists prepared summaries.
type bigCaseload struct {
	*fakeCases
	sums []app.CaseSummary
}

func (b *bigCaseload) List() ([]app.CaseSummary, error) { return b.sums, nil }

func BenchmarkFilter5000(b *testing.B) {
	x := ui.NewCaseIndex(manySummaries(5000))
	for b.Loop() {
		x.Filter("martin schr", ui.Filter{}, nil)
	}
}
