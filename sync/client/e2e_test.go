package client_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/testkit"
	"feltsag.dk/feltsag/store/ledger"
	"feltsag.dk/feltsag/sync/client"
	"feltsag.dk/feltsag/sync/server"
	"feltsag.dk/feltsag/sync/wire"
)

// TestAgainstRealServer: the client signs in to the real server engine
// over its bbolt ledger, takes its first snapshot, pushes a command saved
// while live and gets it applied, with real time and real backoff.
func TestAgainstRealServer(t *testing.T) {
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
	const pw = "korrekt hest batteri hæfteklamme"
	if err := srv.CreateAccount("cw1", "Sagsbehandler", app.RoleCaseworker, pw); err != nil {
		t.Fatal(err)
	}
	const n = 40
	for i := range n {
		s := newSag(t, app.ID(fmt.Sprintf("sag-%d", i+1)), i)
		if err := srv.ImportCase(s, "cw1"); err != nil {
			t.Fatalf("ImportCase: %v", err)
		}
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sess, err := client.Login(ctx, nil, ts.URL, "cw1", pw, testDevice, "laptop")
	if err != nil {
		t.Fatalf("Login: %v", err)
	}
	if _, err := client.Login(ctx, nil, ts.URL, "cw1", "forkert", testDevice, "laptop"); keyOf(err) != client.KeyLoginRefused {
		t.Errorf("Login with a wrong password = %v, want %s", err, client.KeyLoginRefused)
	}
	db := newReplica(t)
	e := client.New(client.Options{Replica: db, URL: ts.URL, Auth: client.NewTokens(ts.URL, sess, client.TokensOptions{}), Caseworker: "cw1", PageLimit: 16})
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx) }()
	defer func() { cancel(); <-done }()
	h := &harness{t: t, e: e, done: done}
	start := time.Now()
	h.until("the first sync", func(st client.Status) bool { return synced(st) && !st.Syncing })
	t.Logf("first sync of %d cases in pages of 16: %v", n, time.Since(start))
	if list, err := db.List(); err != nil || len(list) != n {
		t.Fatalf("List = %d cases, %v; want %d", len(list), err, n)
	}
	cmd := commitNote(t, db, "sag-1", "ende til ende")
	e.Kick()
	h.until("the ack", func(client.Status) bool { r, ok, _ := db.Result(cmd); return ok && r.Status == app.AckApplied })
	// The confirmed state catches up with the applied command (List, not
	// View: a View writes an audit record).
	h.until("the applied note back in the replica", func(client.Status) bool {
		list, err := db.List()
		return err == nil && slices.ContainsFunc(list, func(c app.CaseSummary) bool { return c.ID == "sag-1" && c.Version > 1 && c.Pending == 0 })
	})
	if v, err := db.View("sag-1", caseworker); err != nil || len(v.Notater) != 1 {
		t.Errorf("View = %d notes, %v; want the one note", len(v.Notater), err)
	}
	if st := e.Status(); st.LastError != nil || st.Pending != 0 || !st.Online {
		t.Errorf("status %+v", st)
	}
}
