package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/testkit"
	"feltsag.dk/feltsag/store"
	"feltsag.dk/feltsag/store/ledger"
	"feltsag.dk/feltsag/sync/server"
	"feltsag.dk/feltsag/sync/wire"
	"feltsag.dk/feltsag/ui"
)

const serverPassword = "korrekt hest batteri hæfteklamme"

// newServer starts the real sync server on a socket with one caseworker,
// cw1, and n of their cases.
func newServer(t *testing.T, n int) string {
	t.Helper()
	led, err := ledger.Open(filepath.Join(t.TempDir(), "ledger.db"), ledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = led.Close() })
	srv, err := server.New(server.Options{
		Ledger: led, Engine: testkit.Engine(t),
		Password:  server.PasswordParams{Memory: 64, Time: 1, Threads: 1},
		RuleFiles: []wire.RuleFile{{Name: "regelsaet.csv", Data: "version,navn\n"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { _ = srv.Close(); ts.Close() })
	if err := srv.CreateAccount("cw1", "Sagsbehandler", app.RoleCaseworker, serverPassword); err != nil {
		t.Fatal(err)
	}
	start := app.MustDate(2026, 1, 5)
	for i := range n {
		s := testkit.NewSag(t, start, testkit.SagArgs{ID: app.ID(fmt.Sprintf("sag-%d", i+1)),
			CPR: testkit.SynthCPR(t, app.MustDate(1990, 1, 1), (i+1)*100).Digits(), Start: start, NoVisitation: true})
		s.Ansvarlig = "cw1"
		s.Kontaktgruppe.RegelSet = "2026-02"
		s.Tilmelding.Ledighedsstatus = "ledig"
		if err := srv.ImportCase(s, "cw1"); err != nil {
			t.Fatal(err)
		}
	}
	return ts.URL
}

func newTestAccount(t *testing.T, dir string) *account {
	t.Helper()
	a := newAccount(dir, testkit.Engine(t), store.Options{KDF: store.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}, Sleep: func(time.Duration) {}},
		"test", wire.BundleDigest([]wire.RuleFile{{Name: "regelsaet.csv", Data: "version,navn\n"}}), slog.New(slog.NewTextHandler(io.Discard, nil)))
	t.Cleanup(a.Close)
	return a
}

// waitStatus waits (on the account's update channel, up to 20 s) until
// the status satisfies ok.
func waitStatus(t *testing.T, a *account, what string, ok func(ui.SyncStatus) bool) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for !ok(a.Status()) {
		select {
		case <-a.Updates():
		case <-deadline:
			t.Fatalf("%s: timed out; status %+v", what, a.Status())
		}
	}
}

// TestAccountAgainstRealServer walks the start flow as cmd/feltsag wires
// it: first sign-in creates the replica and syncs; a note is pushed; the
// lock hides the data; a wrong password says the attempts left; a new run
// unlocks offline-capable from the replica and syncs with the session kept
// sealed in it.
func TestAccountAgainstRealServer(t *testing.T) {
	url := newServer(t, 5)
	dir := t.TempDir()
	a := newTestAccount(t, dir)
	if !a.FirstRun() {
		t.Fatal("FirstRun() = false in an empty folder")
	}
	ctx := context.Background()
	if err := a.SignIn(ctx, url, "cw1", "forkert adgangskode"); app.AsError(err) == nil || app.AsError(err).Key != "unauthorized.sync.login" {
		t.Fatalf("SignIn with a wrong password = %v", err)
	}
	if err := a.SignIn(ctx, url, "cw1", serverPassword); err != nil {
		t.Fatalf("SignIn: %v", err)
	}
	if a.FirstRun() {
		t.Error("FirstRun() after the sign-in")
	}
	waitStatus(t, a, "first sync", func(st ui.SyncStatus) bool { return !st.LastSync.IsZero() })
	list, err := a.List()
	if err != nil || len(list) != 5 {
		t.Fatalf("List = %d cases, %v; want 5", len(list), err)
	}
	id, _ := app.NewID(rand.Reader)
	nid, _ := app.NewID(rand.Reader)
	if _, err := a.Commit(app.Command{ID: id, Sag: "sag-1", Actor: a.Actor(), At: time.Now(), Body: &app.TilfoejNotat{NotatID: nid, Tekst: "Ende til ende"}}); err != nil {
		t.Fatalf("Commit: %v", err)
	}
	a.Kick()
	waitStatus(t, a, "the note acknowledged", func(st ui.SyncStatus) bool { return st.Pending == 0 && !st.Syncing })

	a.Lock()
	if _, err := a.List(); err == nil {
		t.Error("List works while locked")
	}
	err = a.Unlock("forkert adgangskode")
	if e := app.AsError(err); e == nil || e.Rule != store.RulePassword || e.Params["tilbage"] == "" {
		t.Fatalf("Unlock with a wrong password = %v, want %s with the attempts left", err, store.RulePassword)
	}
	if err := a.Unlock(serverPassword); err != nil {
		t.Fatalf("Unlock: %v", err)
	}
	a.Close()

	b := newTestAccount(t, dir)
	if b.FirstRun() {
		t.Fatal("FirstRun() in a folder with a replica")
	}
	if err := b.Unlock(serverPassword); err != nil {
		t.Fatalf("Unlock in a new run: %v", err)
	}
	waitStatus(t, b, "sync with the kept session", func(st ui.SyncStatus) bool { return !st.LastSync.IsZero() && st.LastError == nil })
	if list, err := b.List(); err != nil || len(list) != 5 {
		t.Errorf("List in a new run = %d cases, %v", len(list), err)
	}
}

// TestStatusCountsOutboxWhileSyncStopped: with the replica unlocked and
// no sync engine running (sign in again needed, or stopped), the status
// still counts the outbox: the line must not say "alt er sendt" over
// changes that wait.
func TestStatusCountsOutboxWhileSyncStopped(t *testing.T) {
	url := newServer(t, 1)
	a := newTestAccount(t, t.TempDir())
	if err := a.SignIn(context.Background(), url, "cw1", serverPassword); err != nil {
		t.Fatalf("SignIn: %v", err)
	}
	waitStatus(t, a, "first sync", func(st ui.SyncStatus) bool { return !st.LastSync.IsZero() })
	a.halt() // the engine stops; the replica stays unlocked
	if a.running() != nil {
		t.Fatal("the engine still runs")
	}
	select { // what the engine said as it stopped
	case <-a.Updates():
	default:
	}
	before := time.Now()
	id, _ := app.NewID(rand.Reader)
	nid, _ := app.NewID(rand.Reader)
	if _, err := a.Commit(app.Command{ID: id, Sag: "sag-1", Actor: a.Actor(), At: time.Now(), Body: &app.TilfoejNotat{NotatID: nid, Tekst: "Venter"}}); err != nil {
		t.Fatalf("Commit: %v", err)
	}
	a.Kick() // as the screens do after a commit
	select {
	case <-a.Updates():
	default:
		t.Error("Kick with no engine running sent no update: the status line keeps its old count")
	}
	st := a.Status()
	if st.Pending != 1 || st.OldestPending.Before(before.Add(-time.Second)) || st.Online {
		t.Errorf("status with the engine stopped = pending %d (oldest %v), online %v; want 1 pending saved now, offline",
			st.Pending, st.OldestPending, st.Online)
	}
	a.Lock()
	if st := a.Status(); st.Pending != 0 {
		t.Errorf("locked: pending %d, want 0 (the outbox cannot be read)", st.Pending)
	}
}
