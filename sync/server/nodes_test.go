package server_test

import (
	"context"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/pgtest"
	"feltsag.dk/feltsag/store/pgledger"
	"feltsag.dk/feltsag/sync/server"
	"feltsag.dk/feltsag/sync/wire"
)

// TestPokeAcrossNodes: two servers on one PostgreSQL database, wired as
// feltsagd wires them (Options.Poked sends a NOTIFY, each node's listener
// calls PokeOwners). A command pushed to node A pokes the caseworker's
// other device, connected to node B, within a second; the pull on B
// then gets the change.
func TestPokeAcrossNodes(t *testing.T) {
	c := pgtest.Start(t)
	db := c.NewDatabase(t)
	ctx, cancel := context.WithCancel(context.Background())
	if _, err := pgledger.Migrate(ctx, c.URL(db, ""), pgledger.MigrateOptions{}); err != nil {
		t.Fatal(err)
	}
	node := func(name string) (*rig, *pgledger.DB) {
		l, err := pgledger.Open(ctx, c.URL(db, ""), pgledger.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = l.Close() })
		r := newRig(t, func(o *server.Options) {
			o.Ledger = l
			o.Poked = func(head app.Cursor, owners []app.ID) {
				go func() { _ = l.Notify(ctx, pgledger.Poke{Node: name, Head: head, Owners: owners}) }()
			}
		})
		return r, l
	}
	a, _ := node("a")
	b, lb := node("b")
	listening := make(chan struct{}, 100)
	done := make(chan error, 1)
	go func() {
		done <- lb.Listen(ctx, pgledger.ListenOptions{Poll: time.Hour}, func(p pgledger.Poke) { // no fallback: the notification must do it
			if p.Node == "b" {
				return
			}
			if p.Node == "probe" {
				listening <- struct{}{}
				return
			}
			b.srv.PokeOwners(p.Head, p.Owners...)
		})
	}()
	t.Cleanup(func() { cancel(); <-done })
	// Wait until B listens.
	for heard := false; !heard; {
		if err := lb.Notify(ctx, pgledger.Poke{Node: "probe"}); err != nil {
			t.Fatal(err)
		}
		select {
		case <-listening:
			heard = true
		case <-time.After(50 * time.Millisecond):
		}
	}

	t1 := a.caseworker("cw1", "dev-1")
	t2 := b.mustLogin("cw1", password, "dev-2") // the account is in the shared database
	a.seed("sag-1", "cw1")
	onA, _ := a.connect(t1)
	onB, wb := b.connect(t2)
	start := time.Now()
	wantStatus(t, onA.push(cmd(1, "c-1", "sag-1", "cw1", 1, notat("x", "n-1")))[0], app.AckApplied, "")
	f := onB.read()
	poke, ok := f.Body.(*wire.Poke)
	if !ok {
		t.Fatalf("dev-2 on node B got %s %+v, want a poke", f.Body.Type(), f.Body)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("the poke reached node B after %v, want within a second", d)
	}
	t.Logf("push on A to poke on B: %v", time.Since(start))
	ch := onB.pull(app.Cursor{Epoch: wb.Cursor.Epoch, Seq: wb.Cursor.Seq}, 0)
	if len(ch.Records) != 1 || ch.Records[0].ID != "sag-1" || ch.Records[0].Seq != poke.Cursor.Seq {
		t.Errorf("pull on B after the poke at %v: %+v, want sag-1 at the poke's position", poke.Cursor, ch.Records)
	}
}
