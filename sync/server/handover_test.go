package server_test

import (
	"slices"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/sync/wire"
)

// TestForgedOldBaseAfterHandover: the previous owner's pending commands
// (made before the reassignment: a base below the handover) are accepted
// until its device has applied the removal of the case. After that — its
// pull asks from past the removal, or a new connection's hello carries
// such a cursor — a new command claiming an old base cannot be pending
// work from before: it is refused, whatever base it names.
func TestForgedOldBaseAfterHandover(t *testing.T) {
	r := newRig(t)
	t1 := r.caseworker("cw1", "dev-1")
	r.caseworker("cw2", "dev-2")
	r.seed("sag-1", "cw1")
	a, wa := r.connect(t1)
	rec, _ := r.record("sag-1")
	if err := r.srv.Assign("sag-1", "cw2"); err != nil {
		t.Fatal(err)
	}
	a.readType(wire.TypePoke)
	from := app.Cursor{Epoch: wa.Cursor.Epoch, Seq: rec.Seq}
	ch := a.pull(from, 0)
	if len(ch.Records) != 1 || !ch.Records[0].Removed {
		t.Fatalf("old owner's pull: %+v, want sag-1 removed", ch.Records)
	}
	old := rec.Version // a base from before the handover
	// Pulled, not yet applied (the next pull has not asked past it): a
	// pending command is still taken.
	wantStatus(t, a.push(cmd(1, "c-1", "sag-1", "cw1", old, notat("ventende", "n-1")))[0], app.AckApplied, "")

	steps := []struct {
		name    string
		applied func() *peer // the device's connection after it applied the removal
	}{
		{"the next pull asks from past the removal", func() *peer {
			a.pull(ch.Cursor, 0)
			return a
		}},
		{"a new connection's hello is past the removal", func() *peer {
			p, resp, err := r.dial(t1.AccessToken, nil)
			if err != nil {
				t.Fatalf("dial: %v (%v)", err, status(resp))
			}
			p.send("h2", &wire.Hello{Device: t1.Device, AppVersion: "1.0.0", Cursor: ch.Cursor})
			p.readType(wire.TypeWelcome)
			return p
		}},
	}
	for i, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			p := s.applied()
			id := app.ID("c-forged-" + itoa(i))
			res := p.push(cmd(uint64(10+i), id, "sag-1", "cw1", old, notat("efter omfordelingen", app.ID("n-f"+itoa(i)))))[0]
			wantStatus(t, res, app.AckRejected, "unauthorized.sync.not_assigned")
		})
	}
}

// TestScopeDeltaOfReassignment: the previous owner's pull says why the
// case left its scope (scope.removed, reason reassigned); a case given to
// nobody left as closed; a snapshot lists no removals.
func TestScopeDeltaOfReassignment(t *testing.T) {
	r := newRig(t)
	t1 := r.caseworker("cw1", "dev-1")
	r.caseworker("cw2", "dev-2")
	r.seed("sag-1", "cw1")
	r.seed("sag-2", "cw1")
	a, wa := r.connect(t1)
	rec, _ := r.record("sag-2")
	if err := r.srv.Assign("sag-1", "cw2"); err != nil {
		t.Fatal(err)
	}
	if err := r.srv.Assign("sag-2", ""); err != nil {
		t.Fatal(err)
	}
	ch := a.pull(app.Cursor{Epoch: wa.Cursor.Epoch, Seq: rec.Seq}, 0)
	want := []wire.RecordRef{{Kind: app.RecordSag, ID: "sag-1", Reason: wire.ReasonReassigned}, {Kind: app.RecordSag, ID: "sag-2", Reason: wire.ReasonClosed}}
	if ch.Scope == nil || !slices.Equal(ch.Scope.Removed, want) {
		t.Errorf("scope %+v, want removed %v", ch.Scope, want)
	}
	if snap := a.pull(app.Cursor{}, 0); snap.Scope != nil {
		t.Errorf("snapshot scope %+v, want none", snap.Scope)
	}
}

// TestForgedOldBaseAfterDelivery: the server remembers what it delivered
// to a device, so a client that lies about its cursor (says one from
// before the removal) is still refused once the server has sent it the
// removal in a changes frame, or a snapshot taken after it. Only a device
// that never pulled since the reassignment can still claim an old base.
func TestForgedOldBaseAfterDelivery(t *testing.T) {
	r := newRig(t)
	r.caseworker("cw1", "dev-1")
	r.caseworker("cw2", "dev-2")
	r.seed("sag-1", "cw1")
	rec, _ := r.record("sag-1")
	if err := r.srv.Assign("sag-1", "cw2"); err != nil {
		t.Fatal(err)
	}
	// lying connects device dev with a hello that claims cursor.
	lying := func(tok wire.Tokens, cur app.Cursor) *peer {
		p, resp, err := r.dial(tok.AccessToken, nil)
		if err != nil {
			t.Fatalf("dial: %v (%v)", err, status(resp))
		}
		p.send("h", &wire.Hello{Device: tok.Device, AppVersion: "1.0.0", Cursor: cur})
		p.readType(wire.TypeWelcome)
		return p
	}
	steps := []struct {
		name   string
		device app.ID
		told   func(p *peer, before app.Cursor) // what the server delivers on a first connection
		want   string                           // the forged command's status
	}{
		{"never pulled since: not provably forged", "dev-1c", func(*peer, app.Cursor) {}, app.AckApplied},
		{"the removal was sent in a changes frame", "dev-1a", func(p *peer, before app.Cursor) {
			if ch := p.pull(before, 0); len(ch.Records) != 1 || !ch.Records[0].Removed {
				t.Fatalf("pull: %+v, want the removal", ch.Records)
			}
		}, app.AckRejected},
		{"a snapshot after the removal", "dev-1b", func(p *peer, _ app.Cursor) { p.pull(app.Cursor{}, 0) }, app.AckRejected},
	}
	for i, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			tok := r.mustLogin("cw1", password, s.device)
			before := app.Cursor{Epoch: ledgerHead(t, r).Epoch, Seq: rec.Seq}
			s.told(lying(tok, before), before)
			r.clock.Add(3 * time.Minute) // past the grace for a command saved while that sync ran
			p := lying(tok, before)      // a new connection that claims the old cursor
			res := p.push(cmd(1, app.ID("forged-"+itoa(i)), "sag-1", "cw1", rec.Version, notat("forfalsket", app.ID("n-"+itoa(i)))))[0]
			if res.Status != s.want {
				t.Fatalf("forged command: %+v, want %s", res, s.want)
			}
		})
	}
}

// ledgerHead is the head of the rig's log.
func ledgerHead(t *testing.T, r *rig) app.Cursor {
	t.Helper()
	var head app.Cursor
	if err := r.ledger.View(func(tx app.LedgerTx) (err error) { head, err = tx.Head(); return err }); err != nil {
		t.Fatal(err)
	}
	return head
}
