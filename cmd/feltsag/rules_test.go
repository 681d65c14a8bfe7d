package main

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/assets"
	"feltsag.dk/feltsag/internal/testkit"
	"feltsag.dk/feltsag/store"
	"feltsag.dk/feltsag/store/ledger"
	"feltsag.dk/feltsag/sync/server"
	"feltsag.dk/feltsag/sync/wire"
	"feltsag.dk/feltsag/ui"
)

// rulesServer starts the real server with cw1 and the rule bundle files.
func rulesServer(t *testing.T, files []wire.RuleFile) string {
	t.Helper()
	led, err := ledger.Open(filepath.Join(t.TempDir(), "ledger.db"), ledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = led.Close() })
	srv, err := server.New(server.Options{Ledger: led, Engine: testkit.Engine(t),
		Password: server.PasswordParams{Memory: 64, Time: 1, Threads: 1}, RuleFiles: files})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { _ = srv.Close(); ts.Close() })
	if err := srv.CreateAccount("cw1", "Sagsbehandler", app.RoleCaseworker, serverPassword); err != nil {
		t.Fatal(err)
	}
	return ts.URL
}

// builtinAccount is an account whose built-in rules are the real tables.
func builtinAccount(t *testing.T, dir string, files []wire.RuleFile) *account {
	t.Helper()
	a := newTestAccount(t, dir)
	a.builtinDigest, a.digest = wire.BundleDigest(files), wire.BundleDigest(files)
	return a
}

// TestRuleBundleFromServer: the server runs changed tables (a parameter
// moved); the client installs them on its first sync, keeps them in the
// replica and has them in force at the next unlock before any sync. A
// bundle the loader refuses leaves the built-in rules in force.
func TestRuleBundleFromServer(t *testing.T) {
	builtin, err := wire.RuleFilesOf(assets.Rules())
	if err != nil {
		t.Fatal(err)
	}
	changed := append([]wire.RuleFile(nil), builtin...)
	for i, f := range changed {
		if f.Name == "parametre.csv" {
			changed[i].Data = strings.Replace(f.Data, "tilbagedatering.sagsbehandler.dage,14,", "tilbagedatering.sagsbehandler.dage,10,", 1)
		}
	}
	if wire.BundleDigest(changed) == wire.BundleDigest(builtin) {
		t.Fatal("the changed bundle is the built-in one")
	}
	tests := []struct {
		name       string
		served     []wire.RuleFile
		wantDigest string
	}{
		{"changed tables are installed", changed, wire.BundleDigest(changed)},
		{"broken tables are refused", []wire.RuleFile{{Name: "regelsaet.csv", Data: "version,navn\n"}}, wire.BundleDigest(builtin)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			url := rulesServer(t, tc.served)
			dir := t.TempDir()
			a := builtinAccount(t, dir, builtin)
			if err := a.SignIn(context.Background(), url, "cw1", serverPassword); err != nil {
				t.Fatalf("SignIn: %v", err)
			}
			waitStatus(t, a, "first sync", func(st ui.SyncStatus) bool { return !st.LastSync.IsZero() })
			refused := tc.wantDigest == wire.BundleDigest(builtin)
			installed := func() bool {
				if refused { // the engine has turned the bundle down
					e := a.running()
					return e != nil && e.Status().RulesRefused != nil
				}
				a.mu.Lock()
				defer a.mu.Unlock()
				return a.digest == tc.wantDigest
			}
			deadline := time.Now().Add(10 * time.Second)
			for !installed() && time.Now().Before(deadline) {
				select {
				case <-a.Updates():
				case <-time.After(20 * time.Millisecond):
				}
			}
			a.mu.Lock()
			digest := a.digest
			a.mu.Unlock()
			if !installed() || digest != tc.wantDigest {
				t.Fatalf("digest in force %q, want %q", digest, tc.wantDigest)
			}
			if inForce := a.RulesInForce() != a.builtin.Rules(); inForce != (tc.wantDigest != wire.BundleDigest(builtin)) {
				t.Errorf("a bundle in force: %v, want %v", inForce, !inForce)
			}
			a.Close()

			// The next run, offline: the kept bundle is in force at unlock.
			b := builtinAccount(t, dir, builtin)
			b.mu.Lock()
			b.cfg.Server = "http://127.0.0.1:1"
			b.mu.Unlock()
			if err := b.Unlock(serverPassword); err != nil {
				t.Fatalf("Unlock: %v", err)
			}
			b.mu.Lock()
			digest = b.digest
			b.mu.Unlock()
			if digest != tc.wantDigest {
				t.Errorf("digest in force after unlock %q, want %q", digest, tc.wantDigest)
			}
		})
	}
}

// TestListLinesHaveDeadlines: the replica the client wires (its engine
// is the rules in force) keeps each case's list line with its deadlines,
// as the built-in engine computes them: the case list shows "frist" from
// them without opening the case.
func TestListLinesHaveDeadlines(t *testing.T) {
	eng := testkit.Engine(t)
	now := time.Date(2026, 9, 14, 10, 30, 0, 0, time.Local)
	db, err := store.Create(filepath.Join(t.TempDir(), "feltsag-cw1.db"), serverPassword, store.Options{
		Engine: newRulesEngine(eng), KDF: store.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}, Sleep: func(time.Duration) {},
		Now: func() time.Time { return now },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	today := app.DateOf(now)
	s := testkit.NewSag(t, today, testkit.SagArgs{ID: "sag-1", Navn: "Ida Søndergaard"})
	want := eng.Summary(s, today)
	if want.Frist.IsZero() {
		t.Fatal("the test case has no deadline to show")
	}
	if err := db.PutCase(s); err != nil {
		t.Fatal(err)
	}
	list, err := db.List()
	if err != nil || len(list) != 1 {
		t.Fatalf("List = %d lines, %v", len(list), err)
	}
	if got := list[0]; got.Frist != want.Frist || got.Overskredet != want.Overskredet {
		t.Errorf("list line deadlines = %+v / %+v, want %+v / %+v", got.Frist, got.Overskredet, want.Frist, want.Overskredet)
	}
}
