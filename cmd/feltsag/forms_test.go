package main

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/testkit"
	"feltsag.dk/feltsag/store"
	"feltsag.dk/feltsag/ui"
)

// formsAccount unlocks with any password: the replica is already open.
type formsAccount struct{}

func (formsAccount) FirstRun() bool                                       { return false }
func (formsAccount) SignIn(context.Context, string, string, string) error { return nil }
func (formsAccount) Unlock(string) error                                  { return nil }
func (formsAccount) Lock()                                                {}
func (formsAccount) Actor() app.Actor {
	return app.Actor{Rolle: app.RolleSagsbehandler, ID: "cw1"}
}

// formsSync is a sync engine that is never online.
type formsSync struct{ kicks int }

func (*formsSync) Status() ui.SyncStatus    { return ui.SyncStatus{} }
func (*formsSync) Updates() <-chan struct{} { return nil }
func (s *formsSync) Kick()                  { s.kicks++ }
func (*formsSync) Retry()                   {}

// below returns the objects of type T under o, in layout order.
// textEntries returns the text fields laid out below o: a widget.Entry,
// or ui's own field, which embeds one and gives it by TextEntry.
func textEntries(o fyne.CanvasObject) []*widget.Entry {
	var out []*widget.Entry
	for _, x := range test.LaidOutObjects(o) {
		switch e := x.(type) {
		case *widget.Entry:
			out = append(out, e)
		case interface{ TextEntry() *widget.Entry }:
			out = append(out, e.TextEntry())
		}
	}
	return out
}

func below[T fyne.CanvasObject](o fyne.CanvasObject) []T {
	var out []T
	for _, x := range test.LaidOutObjects(o) {
		if t, ok := x.(T); ok {
			out = append(out, t)
		}
	}
	return out
}

// TestFravaerFormLandsInTheOutbox: the Fravær tab's form, over the real
// encrypted replica as cmd/feltsag wires it (store.DB is the ui.Caseload),
// saves its sygemelding as a command in the replica's outbox, waiting for
// sync, and the case's local view has the fravær and the afmelding.
func TestFravaerFormLandsInTheOutbox(t *testing.T) {
	now := time.Date(2026, 9, 14, 10, 30, 0, 0, time.Local)
	db, err := store.Create(filepath.Join(t.TempDir(), "feltsag-cw1.db"), serverPassword, store.Options{
		Engine: testkit.Engine(t), KDF: store.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}, Sleep: func(time.Duration) {},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	s := testkit.NewSag(t, app.DateOf(now), testkit.SagArgs{ID: "sag-1", Navn: "Ida Søndergaard"})
	if err := db.PutCase(s); err != nil {
		t.Fatal(err)
	}

	test.NewTempApp(t)
	t.Setenv("LANGUAGE", "")
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "da_DK.UTF-8")
	if err := ui.LoadTranslations(); err != nil {
		t.Fatal(err)
	}
	w := test.NewWindow(nil)
	t.Cleanup(w.Close)
	w.Resize(fyne.NewSize(1366, 768))
	sync := &formsSync{}
	c := ui.New(ui.Options{
		Window: w, Account: formsAccount{}, Cases: db, Sync: sync, Rules: testkit.Rules(t), Texts: testkit.Catalogue(t),
		Now: func() time.Time { return now }, Go: func(f func()) { f() },
		AfterFunc: func(_ time.Duration, f func()) func() bool { f(); return func() bool { return false } },
	})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	c.Start(ctx)

	pw := textEntries(w.Content())
	if len(pw) != 1 {
		t.Fatalf("the unlock screen has %d fields", len(pw))
	}
	test.Type(pw[0], serverPassword)
	pw[0].TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	lists := below[*widget.List](w.Content())
	if len(lists) != 1 {
		t.Fatalf("the main window has %d lists", len(lists))
	}
	lists[0].Select(0)
	tabs := below[*container.AppTabs](w.Content())
	if len(tabs) != 1 {
		t.Fatal("no case opened")
	}
	i := slices.IndexFunc(tabs[0].Items, func(it *container.TabItem) bool { return it.Text == "Fravær" })
	tabs[0].SelectIndex(i)
	tab := tabs[0].Selected().Content

	typ := below[*widget.Select](tab)[0]
	typ.SetSelected("Sygdom – sygemelding")
	start := textEntries(tab)[0]
	test.Type(start, "14.09.2026")
	if pending, _ := db.Pending(); len(pending) != 0 {
		t.Fatalf("the dry run wrote %d commands to the outbox", len(pending))
	}
	gem := below[*widget.Button](tab)[0]
	if gem.Text != "Gem lokalt" || gem.Disabled() {
		t.Fatalf("first button %q, disabled %v", gem.Text, gem.Disabled())
	}
	test.Tap(gem)

	pending, err := db.Pending()
	if err != nil || len(pending) != 1 {
		t.Fatalf("outbox = %d commands, %v; want 1", len(pending), err)
	}
	b, ok := pending[0].Command.Body.(*app.RegistrerFravaer)
	if !ok || b.Type != "sygemelding" || b.Start != app.MustDate(2026, 9, 14) || pending[0].Command.Sag != "sag-1" {
		t.Errorf("outbox holds %#v", pending[0].Command.Body)
	}
	if sync.kicks != 1 {
		t.Errorf("sync kicked %d times, want 1", sync.kicks)
	}
	v, err := db.View("sag-1", formsAccount{}.Actor())
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Fravaer) != 1 || v.Tilmelding.ErTilmeldt() {
		t.Errorf("local view: %d fravær, tilmeldt %v; want the sygemelding and the afmelding", len(v.Fravaer), v.Tilmelding.ErTilmeldt())
	}
}
