package server_test

import (
	"net/http"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/sync/server"
	"feltsag.dk/feltsag/sync/wire"
)

// waitFor polls cond until it holds or 5 s pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// TestPruneOnTicks: each tick forgets applied ids older than 60 days and
// deletes expired sessions; younger ids and live sessions stay.
func TestPruneOnTicks(t *testing.T) {
	ticks := make(chan time.Time)
	r := newRig(t, func(o *server.Options) { o.PruneTicks = ticks })
	tok := r.caseworker("cw1", "dev-1")
	r.seed("sag-1", "cw1")
	p, _ := r.connect(tok)
	wantStatus(t, p.push(cmd(1, "c-old", "sag-1", "cw1", 1, notat("gammel", "n-1")))[0], app.AckApplied, "")
	_ = p.ws.Close()

	tick := func() server.Stats {
		t.Helper()
		before := r.srv.Stats().Prunes
		ticks <- r.clock.Now()
		waitFor(t, "a prune", func() bool { return r.srv.Stats().Prunes > before })
		return r.srv.Stats()
	}
	applied := func(id app.ID) bool {
		t.Helper()
		var ok bool
		if err := r.ledger.View(func(tx app.LedgerTx) error {
			_, err := tx.Applied(id)
			ok = err == nil
			if isNotFoundErr(err) {
				return nil
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return ok
	}

	// 31 days on: both sessions of the first login have expired (access
	// after 1 h, refresh after 30 days); the applied id stays.
	r.clock.Add(31 * 24 * time.Hour)
	st := tick()
	if st.PrunedSessions != 2 || st.PrunedApplied != 0 || !applied("c-old") {
		t.Fatalf("after 31 days: stats %+v, c-old kept %v; want 2 sessions pruned, no id", st, applied("c-old"))
	}
	// A new login and a new command at day 31.
	tok = r.mustLogin("cw1", password, "dev-1")
	p, _ = r.connect(tok)
	wantStatus(t, p.push(cmd(2, "c-new", "sag-1", "cw1", 2, notat("ny", "n-2")))[0], app.AckApplied, "")

	// Day 60 + 1 minute: c-old is past its retention, c-new is not; the
	// new login's access token (1 h) has expired, its refresh token not.
	r.clock.Add(29*24*time.Hour + time.Minute)
	st = tick()
	if st.PrunedApplied != 1 || applied("c-old") || !applied("c-new") {
		t.Fatalf("after 60 days: stats %+v, c-old %v, c-new %v; want c-old forgotten, c-new kept", st, applied("c-old"), applied("c-new"))
	}
	if st.PrunedSessions != 3 {
		t.Fatalf("pruned sessions %d, want 3 (2 + the expired access token)", st.PrunedSessions)
	}
	var next wire.Tokens
	if code := r.post(wire.PathRefresh, wire.RefreshRequest{Device: "dev-1", RefreshToken: tok.RefreshToken}, &next); code != http.StatusOK {
		t.Fatalf("refresh with the live refresh token after pruning: %d, want 200", code)
	}
}

// TestPruneTimer: without injected ticks the server prunes on its own
// timer, and stops with Close.
func TestPruneTimer(t *testing.T) {
	r := newRig(t, func(o *server.Options) { o.PruneEvery = 5 * time.Millisecond })
	waitFor(t, "two timed prunes", func() bool { return r.srv.Stats().Prunes >= 2 })
	if err := r.srv.Close(); err != nil {
		t.Fatal(err)
	}
	n := r.srv.Stats().Prunes
	time.Sleep(20 * time.Millisecond) // nothing to poll for: the absence of prunes
	if got := r.srv.Stats().Prunes; got != n {
		t.Fatalf("%d prunes after Close, want none", got-n)
	}
}

func isNotFoundErr(err error) bool { return app.ErrorCode(err) == app.CodeNotFound }
