package ui_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/testkit"
	"feltsag.dk/feltsag/ui"
)

// testNow is the fixed clock of the UI tests.
var testNow = time.Date(2026, 9, 14, 10, 30, 0, 0, time.Local)

const rightPassword = "korrekt hest batteri"

// fakeAccount signs in and unlocks with rightPassword; a wrong password
// counts down the attempts left like the store.
type fakeAccount struct {
	firstRun bool
	left     int // attempts left before the replica would be erased
	locked   bool
	signIns  []string // server|user of every sign-in tried
}

func (a *fakeAccount) FirstRun() bool { return a.firstRun }

func (a *fakeAccount) SignIn(_ context.Context, server, user, password string) error {
	a.signIns = append(a.signIns, server+"|"+user)
	if password != rightPassword {
		return app.Errorf(app.CodeUnauthorized, "", "unauthorized.sync.login")
	}
	a.firstRun = false
	return nil
}

func (a *fakeAccount) Unlock(password string) error {
	if password != rightPassword {
		a.left--
		if a.left == 0 {
			a.firstRun = true
			return app.Errorf(app.CodeUnauthorized, "store-slettet", "store.erased", "antal", "10")
		}
		return app.Errorf(app.CodeUnauthorized, "store-adgangskode", "store.password_wrong", "tilbage", strconv.Itoa(a.left))
	}
	a.locked = false
	return nil
}

func (a *fakeAccount) Lock()            { a.locked = true }
func (a *fakeAccount) Actor() app.Actor { return app.Actor{Rolle: app.RolleSagsbehandler, ID: "cw1"} }

// fakeCases is a caseload in memory over the real engine; it records the
// searches, views and commits the screens ask for.
type fakeCases struct {
	engine   *app.Engine
	cases    []*app.Sag
	pending  map[app.ID]int
	conflict map[app.ID]int
	searches []string
	views    []app.ID
	commits  []app.Command
	audit    []app.AuditRecord // views and commits, oldest first (History)
}

func newFakeCases(t *testing.T, cases ...*app.Sag) *fakeCases {
	t.Helper()
	return &fakeCases{engine: testkit.Engine(t), cases: cases, pending: map[app.ID]int{}, conflict: map[app.ID]int{}}
}

func (f *fakeCases) List() ([]app.CaseSummary, error) {
	out := make([]app.CaseSummary, 0, len(f.cases))
	for _, s := range f.cases {
		sum := f.engine.Summary(s, app.DateOf(testNow)) // as the replica stores it
		sum.Pending, sum.Conflicts = f.pending[s.ID], f.conflict[s.ID]
		out = append(out, sum)
	}
	slices.SortFunc(out, func(a, b app.CaseSummary) int { return strings.Compare(a.Navn, b.Navn) })
	return out, nil
}

// Search finds a full CPR number (what only the replica's blind index
// can), else names, like the store.
func (f *fakeCases) Search(q string, _ app.Actor) ([]app.CaseSummary, error) {
	f.searches = append(f.searches, q)
	all, _ := f.List()
	var out []app.CaseSummary
	for i, sum := range all {
		s := f.find(sum.ID)
		if s.Borger.CPR.Digits() == strings.ReplaceAll(q, "-", "") || strings.Contains(strings.ToLower(sum.Navn), strings.ToLower(q)) {
			out = append(out, all[i])
		}
	}
	return out, nil
}

func (f *fakeCases) find(id app.ID) *app.Sag {
	for _, s := range f.cases {
		if s.ID == id {
			return s
		}
	}
	return nil
}

func (f *fakeCases) View(id app.ID, _ app.Actor) (*app.Sag, error) {
	f.views = append(f.views, id)
	f.audit = append(f.audit, app.AuditRecord{Seq: uint64(len(f.audit) + 1), At: testNow, Action: app.ActionViewed, Sag: id, Actor: app.Actor{Rolle: app.RolleSagsbehandler, ID: "cw1"}})
	if s := f.find(id); s != nil {
		return s.Clone(), nil
	}
	return nil, app.Errorf(app.CodeNotFound, "store-sag-ukendt", "not_found.case")
}

func (f *fakeCases) Commit(cmd app.Command) (*app.Result, error) {
	s := f.find(cmd.Sag)
	if s == nil {
		return nil, errors.New("no such case")
	}
	res, err := f.engine.Execute(s, cmd)
	if err != nil {
		return nil, err
	}
	f.commits = append(f.commits, cmd)
	f.audit = append(f.audit, app.AuditRecord{Seq: uint64(len(f.audit) + 1), At: cmd.At, Actor: cmd.Actor, Action: app.ActionChanged, Sag: cmd.Sag, Command: cmd.ID, Kind: cmd.Body.Kind()})
	*s = *res.Sag.Clone()
	f.pending[cmd.Sag]++
	return res, nil
}

// History returns the case's views and commits, newest first, as the
// replica's audit log would.
func (f *fakeCases) History(id app.ID, limit int) ([]app.AuditRecord, error) {
	var out []app.AuditRecord
	for i := len(f.audit) - 1; i >= 0 && (limit <= 0 || len(out) < limit); i-- {
		if f.audit[i].Concerns(id) {
			out = append(out, f.audit[i])
		}
	}
	return out, nil
}

func (f *fakeCases) Conflicts(app.ID) ([]app.Conflict, error) { return nil, nil }
func (f *fakeCases) Pending() ([]app.PendingCommand, error)   { return nil, nil }

func (s *fakeSync) Status() ui.SyncStatus    { return s.status }
func (s *fakeSync) Updates() <-chan struct{} { return s.updates }
func (s *fakeSync) Kick()                    { s.kicks++ }
func (s *fakeSync) Retry()                   { s.retries++ }

func newFakeSync() *fakeSync { return &fakeSync{updates: make(chan struct{})} }

// Now and Advance read and move the clock.
func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// synchronously runs the client's background work in place: the tests
// then need no waiting and stay on one goroutine.
func synchronously(f func()) { f() }

// atOnce runs a delayed call (the search's audit log) at once.
func atOnce(_ time.Duration, f func()) func() bool {
	f()
	return func() bool { return false }
}

// labelled reports whether a visible label below o contains want.
func labelled(o fyne.CanvasObject, want string) bool {
	return slices.ContainsFunc(labelTexts(o), func(s string) bool { return strings.Contains(s, want) })
}

// caseNamed is a case for the tests: the testkit's defaults with an id,
// a name, a kontaktgruppe and a CPR number that differs by the id's length.
func caseNamed(t *testing.T, id app.ID, name string, kg int) *app.Sag {
	t.Helper()
	return testkit.NewSag(t, app.DateOf(testNow), testkit.SagArgs{ID: id, Navn: name, KG: kg, CPR: cprFor(len(id))})
}

// cprFor returns a distinct synthetic CPR number per n.
func cprFor(n int) string {
	return []string{"0101901234", "0202851236", "0303752345", "0404653456", "0505554567", "0606454678"}[n%6]
}

// fakeSync is a sync engine that reports a status the test sets.
type fakeSync struct {
	status  ui.SyncStatus
	updates chan struct{}
	kicks   int
	retries int
}

// fakeClock is the UI's clock; the inactivity lock reads it.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

// harness is a client in a test window over fakes.
type harness struct {
	t     *testing.T
	w     fyne.Window
	c     *ui.Client
	acct  *fakeAccount
	cases ui.Caseload
	sync  *fakeSync
	clock *fakeClock
	prefs *fakeSettings
}

// fakeSettings keeps the settings in memory.
type fakeSettings struct{ language string }

func (s *fakeSettings) Language() string { return s.language }
func (s *fakeSettings) SetLanguage(code string) error {
	s.language = code
	return nil
}

// newHarness starts a client in a 1280×760 test window with the Danish
// texts, the real rules and catalogue, and work run in place.
func newHarness(t *testing.T, acct *fakeAccount, cases ui.Caseload, form ui.SignInForm) *harness {
	t.Helper()
	test.NewTempApp(t)
	setLocale(t, "da_DK.UTF-8")
	if err := ui.LoadTranslations(); err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, acct: acct, cases: cases, sync: newFakeSync(), clock: &fakeClock{t: testNow}, prefs: &fakeSettings{}}
	h.w = test.NewWindow(nil)
	t.Cleanup(h.w.Close)
	h.w.Resize(fyne.NewSize(1280, 760))
	n := 0
	h.c = ui.New(ui.Options{
		Window: h.w, Account: acct, Cases: cases, Sync: h.sync,
		Rules: testkit.Rules(t), Texts: testkit.Catalogue(t), Settings: h.prefs,
		Now: h.clock.Now, Go: synchronously, AfterFunc: atOnce, SignIn: form,
		NewID: func() (app.ID, error) { n++; return app.ID("id-" + strconv.Itoa(n)), nil },
	})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	h.c.Start(ctx)
	return h
}

// labelTexts returns the text of every label, entry placeholder excluded,
// below o, in layout order.
func labelTexts(o fyne.CanvasObject) []string {
	var texts []string
	for _, x := range test.LaidOutObjects(o) {
		if l, ok := x.(*widget.Label); ok && l.Visible() {
			texts = append(texts, l.Text)
		}
	}
	return texts
}
