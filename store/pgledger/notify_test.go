package pgledger_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/store/pgledger"
)

// TestNodesPokeEachOther: two handles on one database (two nodes). A
// notification from one reaches the other's listener within a second; a
// change nobody announced is found by the fallback poll; and after the
// listening connection is killed the listener comes back, pokes everyone
// (notifications sent meanwhile were lost: Lost, even when the log did
// not move) and hears notifications again; events pass through.
func TestNodesPokeEachOther(t *testing.T) {
	c := start(t)
	db := migrated(t, c)
	a, b := open(t, c.URL(db, serverRole)), open(t, c.URL(db, serverRole))
	ctx, cancel := context.WithCancel(context.Background())
	pokes := make(chan pgledger.Poke, 100)
	done := make(chan error, 1)
	go func() {
		done <- b.Listen(ctx, pgledger.ListenOptions{Poll: 200 * time.Millisecond, Retry: 50 * time.Millisecond}, func(p pgledger.Poke) { pokes <- p })
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != context.Canceled {
			t.Errorf("Listen returned %v, want context.Canceled", err)
		}
	})
	put := func(id app.ID) app.Cursor {
		t.Helper()
		var h app.Cursor
		if err := a.Update(func(tx app.LedgerTx) error {
			if _, err := tx.PutRecord(app.LedgerRecord{Kind: app.RecordSag, ID: id, Version: 1, Owner: "cw1"}); err != nil {
				return err
			}
			var err error
			h, err = tx.Head()
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return h
	}
	// next waits for a poke that satisfies ok, within limit.
	next := func(what string, limit time.Duration, ok func(pgledger.Poke) bool) pgledger.Poke {
		t.Helper()
		timeout := time.After(limit)
		for {
			select {
			case p := <-pokes:
				if ok(p) {
					return p
				}
			case <-timeout:
				t.Fatalf("%s: no poke within %v", what, limit)
			}
		}
	}

	// Announced: within a second, with its owners.
	h := put("s1")
	deadline := time.Now().Add(10 * time.Second)
	var got pgledger.Poke
	for got.Node != "a" {
		if err := a.Notify(ctx, pgledger.Poke{Node: "a", Head: h, Owners: []app.ID{"cw1"}}); err != nil {
			t.Fatal(err)
		}
		select {
		case p := <-pokes:
			got = p
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("node b never heard node a")
		}
	}
	if got.Head != h || !slices.Equal(got.Owners, []app.ID{"cw1"}) {
		t.Errorf("poke = %+v, want head %v for cw1", got, h)
	}
	h2 := put("s2")
	if err := a.Notify(ctx, pgledger.Poke{Node: "a", Head: h2, Owners: []app.ID{"cw1"}}); err != nil {
		t.Fatal(err)
	}
	sent := time.Now()
	next("a notification", time.Second, func(p pgledger.Poke) bool { return p.Node == "a" && p.Head == h2 })
	t.Logf("notification heard after %v", time.Since(sent))

	// Not announced: the poll finds it, a poke for everyone.
	h3 := put("s3")
	p := next("a change without a notification", 2*time.Second, func(p pgledger.Poke) bool { return p.Head == h3 })
	if p.Owners != nil || p.Node != "" {
		t.Errorf("fallback poke = %+v, want one for everyone", p)
	}

	// The listening connection dies: the listener reconnects and pokes
	// everyone for what it missed meanwhile.
	conn, err := pgx.Connect(ctx, c.URL("postgres", ""))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var killed int
	if err := conn.QueryRow(ctx, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'feltsagd-listen'", db).Scan(&killed); err != nil {
		t.Fatal(err)
	}
	if killed == 0 {
		t.Fatal("found no listening connection to kill")
	}
	next("after the listener's connection was killed", 5*time.Second, func(p pgledger.Poke) bool { return p.Lost && p.Head == h3 && p.Owners == nil })
	h4 := put("s4")
	next("a change after the reconnection", 5*time.Second, func(p pgledger.Poke) bool { return p.Head == h4 && p.Owners == nil })
	h5 := put("s5")
	if err := a.Notify(ctx, pgledger.Poke{Node: "a", Head: h5, Owners: []app.ID{"cw2"}}); err != nil {
		t.Fatal(err)
	}
	next("a notification after reconnecting", time.Second, func(p pgledger.Poke) bool { return p.Node == "a" && p.Head == h5 })

	// An event between nodes passes through as it was sent; one too big
	// for a notification is refused, not cut.
	ev := []byte(`{"close":"cw1"}`)
	if err := a.Notify(ctx, pgledger.Poke{Node: "a", Event: ev}); err != nil {
		t.Fatal(err)
	}
	got = next("an event", time.Second, func(p pgledger.Poke) bool { return p.Node == "a" && p.Event != nil })
	if string(got.Event) != string(ev) || got.Lost {
		t.Errorf("event = %s (lost %v), want %s", got.Event, got.Lost, ev)
	}
	big := []byte(`"` + strings.Repeat("x", 8000) + `"`)
	if err := a.Notify(ctx, pgledger.Poke{Node: "a", Event: big}); err == nil {
		t.Error("an 8,000-byte event was sent, want refused")
	}
}
