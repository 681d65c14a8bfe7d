package main

import (
	"context"
	"crypto/rand"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/store"
	"feltsag.dk/feltsag/ui"
)

// TestEraseThenSignInDeliversSealed walks the lost-password path as the
// client wires it: a note saved while offline, the replica erased by wrong
// passwords at the unlock, the caseworker signs in again on the same
// computer, and the note reaches the server (and the new replica) from the
// sealed outbox the erase left; the sidecar is gone afterwards.
func TestEraseThenSignInDeliversSealed(t *testing.T) {
	url := newServer(t, 2)
	dir := t.TempDir()
	a := newTestAccount(t, dir)
	a.storeOpts.MaxFailures = 3
	ctx := context.Background()
	if err := a.SignIn(ctx, url, "cw1", serverPassword); err != nil {
		t.Fatalf("SignIn: %v", err)
	}
	waitStatus(t, a, "first sync", func(st ui.SyncStatus) bool { return !st.LastSync.IsZero() })
	a.halt() // offline from here
	id, _ := app.NewID(rand.Reader)
	nid, _ := app.NewID(rand.Reader)
	if _, err := a.Commit(app.Command{ID: id, Sag: "sag-2", Actor: a.Actor(), At: time.Now(), Body: &app.TilfoejNotat{NotatID: nid, Tekst: "Gemt før sletningen"}}); err != nil {
		t.Fatalf("Commit: %v", err)
	}
	a.Lock()
	var last error
	for range 3 {
		last = a.Unlock("forkert adgangskode")
	}
	if e := app.AsError(last); e == nil || e.Rule != store.RuleErased {
		t.Fatalf("after 3 wrong passwords: %v, want the erase", last)
	}
	if !a.FirstRun() {
		t.Fatal("FirstRun() = false after the erase")
	}
	a.mu.Lock()
	path, err := a.replicaPath(a.cfg)
	a.mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	if got, err := store.ReadSealed(path); err != nil || len(got) != 1 {
		t.Fatalf("sealed outbox after the erase: %d entries, %v; want the note", len(got), err)
	}

	if err := a.SignIn(ctx, url, "cw1", serverPassword); err != nil {
		t.Fatalf("SignIn after the erase: %v", err)
	}
	waitStatus(t, a, "the note back from the server", func(ui.SyncStatus) bool {
		list, err := a.List()
		if err != nil {
			return false
		}
		for _, c := range list {
			if c.ID == "sag-2" && c.Version > 1 && c.Pending == 0 {
				return true
			}
		}
		return false
	})
	if got, err := store.ReadSealed(path); err != nil || len(got) != 0 {
		t.Errorf("sealed outbox after the delivery: %d entries, %v; want none", len(got), err)
	}
	v, err := a.View("sag-2", a.Actor())
	if err != nil || len(v.Notater) != 1 || v.Notater[0].Tekst != "Gemt før sletningen" {
		t.Errorf("View = %+v, %v; want the note saved before the erase", v, err)
	}
}
