package server_test

import (
	"context"
	"encoding/json"
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
	// The seed's own notification may reach B after dev-2 connected: a
	// poke at or before the welcome's cursor is a stale hint the welcome
	// already covers (CI saw one, seq 1, ahead of the push's).
	var poke *wire.Poke
	for poke == nil {
		f := onB.read()
		p, ok := f.Body.(*wire.Poke)
		if !ok {
			t.Fatalf("dev-2 on node B got %s %+v, want a poke", f.Body.Type(), f.Body)
		}
		if p.Cursor.Epoch == wb.Cursor.Epoch && p.Cursor.Seq <= wb.Cursor.Seq {
			t.Logf("stale poke at %v (welcome at %v) skipped", p.Cursor, wb.Cursor)
			continue
		}
		poke = p
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

// pgNodes starts two servers on one PostgreSQL database wired as
// feltsagd wires them, in one direction: node A's pokes and
// announcements go out as NOTIFY (Options.Poked, Options.Announce), node
// B's listener pokes its clients and applies the events
// (PokeOwners, ApplyNodeEvent). It returns once B listens.
func pgNodes(t *testing.T) (a, b *rig) {
	t.Helper()
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
			o.Announce = func(e server.NodeEvent) {
				b, err := json.Marshal(e)
				if err != nil {
					t.Errorf("marshal %+v: %v", e, err)
					return
				}
				if err := l.Notify(ctx, pgledger.Poke{Node: name, Event: b}); err != nil {
					t.Errorf("notify %+v: %v", e, err)
				}
			}
		})
		return r, l
	}
	a, _ = node("a")
	b, lb := node("b")
	listening := make(chan struct{}, 100)
	done := make(chan error, 1)
	go func() {
		done <- lb.Listen(ctx, pgledger.ListenOptions{Poll: time.Hour}, func(p pgledger.Poke) { // no fallback: the notification must do it
			switch {
			case p.Node == "b":
			case p.Node == "probe":
				listening <- struct{}{}
			case p.Event != nil:
				var e server.NodeEvent
				if err := json.Unmarshal(p.Event, &e); err != nil {
					t.Errorf("event %s: %v", p.Event, err)
					return
				}
				b.srv.ApplyNodeEvent(e)
			default:
				b.srv.PokeOwners(p.Head, p.Owners...)
			}
		})
	}()
	t.Cleanup(func() { cancel(); <-done })
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
	return a, b
}

// TestEventsAcrossNodes: what an administrator or a push does on node A
// to connections reaches those on node B within a second: a conflict
// notice and its resolved notice reach the owner's device on B, a revoked
// device on B is told to wipe (4004), a disabled account's connection on
// B is closed (4003). Before Options.Announce they acted on node A only:
// the device on B heard nothing and its connection lived on.
func TestEventsAcrossNodes(t *testing.T) {
	a, b := pgNodes(t)
	t1 := a.caseworker("cw1", "dev-1")
	t1b := a.mustLogin("cw1", password, "dev-1b")
	t2 := b.mustLogin("cw1", password, "dev-2")
	a.caseworker("cw2", "dev-3")
	a.seed("sag-1", "cw1")
	onA, _ := a.connect(t1)
	onA2, _ := a.connect(t1b)
	onB, _ := b.connect(t2)
	other, _ := b.connect(b.mustLogin("cw2", password, "dev-3"))
	within := func(what string, start time.Time) {
		t.Helper()
		d := time.Since(start)
		if d > time.Second {
			t.Errorf("%s reached node B after %v, want within a second", what, d)
		}
		t.Logf("%s: %v from node A to node B", what, d)
	}

	wantStatus(t, onA2.push(cmd(1, "c-1", "sag-1", "cw1", 1, &app.Visiter{Kategori: "match2"}))[0], app.AckApplied, "")
	start := time.Now()
	res := onA.push(cmd(1, "c-2", "sag-1", "cw1", 1, &app.Visiter{Kategori: "match3"}))[0]
	wantStatus(t, res, app.AckConflict, "")
	k := onB.readType(wire.TypeConflict).Body.(*wire.ConflictNotice).Conflict
	within("the conflict notice", start)
	if k.ID != res.Conflict || k.Owner != "cw1" || k.Field != app.FieldVisitation {
		t.Fatalf("conflict notice on node B: %+v, want %s for cw1", k, res.Conflict)
	}

	start = time.Now()
	onA.send("r-1", &wire.Resolve{Conflict: res.Conflict, Decision: app.ResolveKeepTheirs})
	onA.readType(wire.TypeResolved)
	got := onB.readType(wire.TypeResolved).Body.(*wire.Resolved)
	within("the resolved notice", start)
	if got.Conflict != res.Conflict || got.Decision != app.ResolveKeepTheirs {
		t.Fatalf("resolved notice on node B: %+v, want %s %s", got, res.Conflict, app.ResolveKeepTheirs)
	}

	start = time.Now()
	if err := a.srv.RevokeDevice("dev-2"); err != nil {
		t.Fatal(err)
	}
	code, frames := onB.closed()
	within("the revocation", start)
	if code != wire.CloseWiped || len(frames) == 0 || frames[len(frames)-1].Body.Type() != wire.TypeWipe {
		t.Fatalf("revoked device on node B: closed %d after %d frames, want a wipe and %d", code, len(frames), wire.CloseWiped)
	}

	start = time.Now()
	if err := a.srv.DisableAccount("cw2"); err != nil {
		t.Fatal(err)
	}
	code, _ = other.closed()
	within("the disable", start)
	if code != wire.CloseUnauthorized {
		t.Fatalf("disabled account's connection on node B closed %d, want %d", code, wire.CloseUnauthorized)
	}
}

// TestRecheck: a node whose listener lost its connection may have missed
// another node's disable, revoke or password change; Recheck finds them
// in the ledger and ends those connections, and leaves the others alone.
func TestRecheck(t *testing.T) {
	r := newRig(t)
	tokens := map[app.ID]wire.Tokens{}
	for _, u := range []struct{ account, device app.ID }{{"cw1", "dev-1"}, {"cw2", "dev-2"}, {"cw3", "dev-3"}, {"cw4", "dev-4"}} {
		tokens[u.account] = r.caseworker(u.account, u.device)
	}
	peers := map[app.ID]*peer{}
	for id, tok := range tokens {
		peers[id], _ = r.connect(tok)
	}
	if n, err := r.srv.Recheck(); err != nil || n != 0 {
		t.Fatalf("Recheck with nothing changed = %d, %v; want 0", n, err)
	}
	// Another node's changes, written to the shared ledger only.
	r.clock.Add(time.Second)
	if err := r.ledger.Update(func(tx app.LedgerTx) error {
		for _, id := range []app.ID{"cw1", "cw2"} {
			a, err := tx.Account(id)
			if err != nil {
				return err
			}
			if id == "cw1" {
				a.Disabled = true
			}
			a.Changed = r.clock.Now() // cw2: a new password
			if err := tx.PutAccount(a); err != nil {
				return err
			}
		}
		d, err := tx.Device("dev-3")
		if err != nil {
			return err
		}
		d.Revoked = r.clock.Now()
		return tx.PutDevice(d)
	}); err != nil {
		t.Fatal(err)
	}
	n, err := r.srv.Recheck()
	if err != nil || n != 3 {
		t.Fatalf("Recheck = %d, %v; want 3", n, err)
	}
	tests := []struct {
		account app.ID
		code    int
	}{
		{"cw1", wire.CloseUnauthorized},
		{"cw2", wire.CloseUnauthorized},
		{"cw3", wire.CloseWiped},
	}
	for _, tt := range tests {
		t.Run(string(tt.account), func(t *testing.T) {
			if code, _ := peers[tt.account].closed(); code != tt.code {
				t.Errorf("closed %d, want %d", code, tt.code)
			}
		})
	}
	// cw4 is untouched and still served.
	peers["cw4"].pull(app.Cursor{}, 0)
}
