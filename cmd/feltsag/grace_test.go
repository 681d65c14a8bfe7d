package main

import (
	"context"
	"crypto/rand"
	"sync"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/ui"
)

// fakeClock is the account's injected clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func keyOf(err error) string {
	if e := app.AsError(err); e != nil {
		return e.Key
	}
	return ""
}

// TestOfflineGrace: a replica unlocks offline for the server's grace
// period (14 days) after its last confirmed sync; after that the unlock is
// refused with an explanation, the data stays locked, and signing in again
// with the password alone unlocks it and syncs.
func TestOfflineGrace(t *testing.T) {
	url := newServer(t, 3)
	dir := t.TempDir()
	start := time.Now()
	clk := &fakeClock{t: start}
	a := newTestAccount(t, dir)
	a.now = clk.Now
	if err := a.SignIn(context.Background(), url, "cw1", serverPassword); err != nil {
		t.Fatalf("SignIn: %v", err)
	}
	waitStatus(t, a, "first sync", func(st ui.SyncStatus) bool { return !st.LastSync.IsZero() })
	a.Close()

	tests := []struct {
		name    string
		after   time.Duration
		wantKey string
	}{
		{"13 days offline", 13 * 24 * time.Hour, ""},
		{"14 days offline", 14*24*time.Hour - time.Minute, ""},
		{"15 days offline", 15 * 24 * time.Hour, keyOfflineGrace},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clk.set(start.Add(tc.after))
			b := newTestAccount(t, dir)
			b.now = clk.Now
			b.mu.Lock()
			b.cfg.Server = "http://127.0.0.1:1" // offline: nothing may confirm a sync meanwhile
			b.mu.Unlock()
			err := b.Unlock(serverPassword)
			if got := keyOf(err); got != tc.wantKey {
				t.Fatalf("Unlock = %v (key %q), want key %q", err, got, tc.wantKey)
			}
			if tc.wantKey == "" {
				if _, err := b.List(); err != nil {
					t.Errorf("List within the grace period: %v", err)
				}
				return
			}
			if e := app.AsError(err); e.Params["dage"] != "14" || e.Params["dato"] == "" {
				t.Errorf("error params %v, want the 14 days and the date of the last sync", e.Params)
			}
			if _, err := b.List(); err == nil {
				t.Error("List works after the grace period")
			}
			if !b.NeedsSignIn() {
				t.Error("NeedsSignIn() = false after the grace period")
			}
			if err := b.Unlock(serverPassword); keyOf(err) != keyOfflineGrace {
				t.Errorf("a second Unlock = %v, want %s again", err, keyOfflineGrace)
			}
		})
	}

	// Signing in again (the server reachable) unlocks and resets the clock.
	b := newTestAccount(t, dir)
	b.now = clk.Now
	if err := b.Unlock(serverPassword); keyOf(err) != keyOfflineGrace {
		t.Fatalf("Unlock = %v, want %s", err, keyOfflineGrace)
	}
	if err := b.SignInAgain(context.Background(), "forkert adgangskode"); keyOf(err) != "unauthorized.sync.login" {
		t.Fatalf("SignInAgain with a wrong password = %v", err)
	}
	if _, err := b.List(); err == nil {
		t.Fatal("List works after a refused SignInAgain")
	}
	if err := b.SignInAgain(context.Background(), serverPassword); err != nil {
		t.Fatalf("SignInAgain: %v", err)
	}
	if list, err := b.List(); err != nil || len(list) != 3 {
		t.Fatalf("List after SignInAgain = %d cases, %v", len(list), err)
	}
	if b.NeedsSignIn() {
		t.Error("NeedsSignIn() after SignInAgain")
	}
	waitStatus(t, b, "sync after signing in again", func(st ui.SyncStatus) bool { return !st.LastSync.IsZero() && st.LastError == nil })
	b.Close()
	c := newTestAccount(t, dir)
	c.now = clk.Now
	if err := c.Unlock(serverPassword); err != nil {
		t.Errorf("Unlock right after signing in again = %v", err)
	}
}

// TestSignInAgainAfterExpiredRefresh: the kept refresh token has expired;
// sync reports that it needs the password, SignInAgain (password only)
// renews the session, and the same replica's outbox is pushed.
func TestSignInAgainAfterExpiredRefresh(t *testing.T) {
	url := newServer(t, 2)
	dir := t.TempDir()
	a := newTestAccount(t, dir)
	if err := a.SignIn(context.Background(), url, "cw1", serverPassword); err != nil {
		t.Fatalf("SignIn: %v", err)
	}
	waitStatus(t, a, "first sync", func(st ui.SyncStatus) bool { return !st.LastSync.IsZero() })
	a.halt()
	// The kept session has expired: access and refresh token both.
	a.mu.Lock()
	s := a.tokens.Session()
	s.AccessExpires, s.RefreshExpires = time.Now().Add(-time.Hour), time.Now().Add(-time.Minute)
	if err := saveSession(a.db, s, a.confirmed); err != nil {
		t.Fatal(err)
	}
	a.mu.Unlock()
	id, _ := app.NewID(rand.Reader)
	nid, _ := app.NewID(rand.Reader)
	if _, err := a.Commit(app.Command{ID: id, Sag: "sag-1", Actor: a.Actor(), At: time.Now(), Body: &app.TilfoejNotat{NotatID: nid, Tekst: "Skrevet mens sessionen udløb"}}); err != nil {
		t.Fatalf("Commit: %v", err)
	}
	a.Close()

	b := newTestAccount(t, dir)
	if err := b.Unlock(serverPassword); err != nil {
		t.Fatalf("Unlock: %v", err)
	}
	waitStatus(t, b, "the expired session reported", func(st ui.SyncStatus) bool { return st.NeedSignIn })
	if !b.NeedsSignIn() {
		t.Fatal("NeedsSignIn() = false with an expired session")
	}
	if st := b.Status(); st.Pending != 1 {
		t.Errorf("pending %d, want the note", st.Pending)
	}
	if err := b.SignInAgain(context.Background(), serverPassword); err != nil {
		t.Fatalf("SignInAgain: %v", err)
	}
	waitStatus(t, b, "the note pushed with the new session", func(st ui.SyncStatus) bool {
		return st.Pending == 0 && st.LastError == nil && !st.NeedSignIn && !st.LastSync.IsZero()
	})
	v, err := b.View("sag-1", b.Actor())
	if err != nil || len(v.Notater) != 1 {
		t.Errorf("View = %d notes, %v; want the note", len(v.Notater), err)
	}
}
