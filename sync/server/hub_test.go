package server_test

import (
	"runtime"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/sync/server"
	"feltsag.dk/feltsag/sync/wire"
)

// waitConns polls until the server holds n connections (its gauge counts
// a connection once the hub has taken it).
func (r *rig) waitConns(n int64) {
	r.t.Helper()
	for end := time.Now().Add(5 * time.Second); r.srv.Stats().Connections != n; runtime.Gosched() {
		if time.Now().After(end) {
			r.t.Fatalf("%d connections, want %d", r.srv.Stats().Connections, n)
		}
	}
}

// alive checks that p is open and welcomed: a ping is answered.
func (p *peer) alive(id string) {
	p.t.Helper()
	p.send(app.ID(id), &wire.Ping{})
	if f := p.readType(wire.TypePong); string(f.ID) != id {
		p.t.Fatalf("pong id %s, want %s", f.ID, id)
	}
}

// TestStaleUpgradeKeepsLive: an upgrade of a device that completes after
// the device's live, welcomed connection and never says hello (its sender
// was killed, or gave up the handshake) does not replace the live one.
// Found by the simulator (internal/sim TestStaleUpgradeReplacesLive): the
// hub replaced at the upgrade, closing the live connection with 4009, and
// the client stopped for good with its outbox unsent.
func TestStaleUpgradeKeepsLive(t *testing.T) {
	r := newRig(t)
	tok := r.caseworker("cw1", "dev-1")
	live, _ := r.connect(tok)
	stale, _, err := r.dial(tok.AccessToken, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.waitConns(2)
	live.alive("ping1")
	_ = stale.ws.Close()
	r.waitConns(1)
	live.alive("ping2")
	if n := r.srv.Stats().Replaced; n != 0 {
		t.Fatalf("%d connections replaced, want 0", n)
	}
}

// TestNewHelloReplacesLive: a connection of the device that upgrades
// later and says hello is the device now (the older one is dead or its
// app was started twice): it replaces the older at its hello, also when a
// stale upgrade sits between them.
func TestNewHelloReplacesLive(t *testing.T) {
	r := newRig(t)
	tok := r.caseworker("cw1", "dev-1")
	first, _ := r.connect(tok)
	stale, _, err := r.dial(tok.AccessToken, nil)
	if err != nil {
		t.Fatal(err)
	}
	second, _ := r.connect(tok)
	if code, _ := first.closed(); code != wire.CloseReplaced {
		t.Fatalf("older connection closed with %d, want 4009", code)
	}
	second.alive("ping1")
	// The stale one, upgraded before second, says hello at last: it is
	// the one replaced.
	stale.send("h1", &wire.Hello{Device: "dev-1", AppVersion: "1.0.0"})
	if code, frames := stale.closed(); code != wire.CloseReplaced || len(frames) != 0 {
		t.Fatalf("late hello of an older connection: close %d after %v, want 4009 and no welcome", code, frames)
	}
	second.alive("ping2")
	if n := r.srv.Stats().Replaced; n != 2 {
		t.Fatalf("%d connections replaced, want 2", n)
	}
}

// TestOlderHelloLosesToNewer: of two connections of a device upgraded in
// one order, the older's hello coming after the newer's welcome does not
// replace the newer.
func TestOlderHelloLosesToNewer(t *testing.T) {
	r := newRig(t)
	tok := r.caseworker("cw1", "dev-1")
	older, _, err := r.dial(tok.AccessToken, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.waitConns(1)
	newer, _ := r.connect(tok)
	older.send("h1", &wire.Hello{Device: "dev-1", AppVersion: "1.0.0"})
	if code, _ := older.closed(); code != wire.CloseReplaced {
		t.Fatalf("older connection closed with %d, want 4009", code)
	}
	newer.alive("ping1")
}

// TestRevokeReachesUpgradedConnection: a device revoked between its
// upgrade and its hello is told to wipe all the same.
func TestRevokeReachesUpgradedConnection(t *testing.T) {
	r := newRig(t)
	tok := r.caseworker("cw1", "dev-1")
	p, _, err := r.dial(tok.AccessToken, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.waitConns(1)
	if err := r.srv.RevokeDevice("dev-1"); err != nil {
		t.Fatal(err)
	}
	p.send("h1", &wire.Hello{Device: "dev-1", AppVersion: "1.0.0"})
	code, frames := p.closed()
	if code != wire.CloseWiped || len(frames) == 0 || frames[0].Body.Type() != wire.TypeWipe {
		t.Fatalf("close %d after %v, want wipe then 4004", code, frames)
	}
}

// TestConnectionLimitCountsDevices: the account's limit counts devices; a
// device's stale upgrade beside its live connection takes no other
// device's place.
func TestConnectionLimitCountsDevices(t *testing.T) {
	r := newRig(t, func(o *server.Options) { o.MaxConnsPerUser = 2 })
	t1 := r.caseworker("cw1", "dev-1")
	t2 := r.mustLogin("cw1", password, "dev-2")
	t3 := r.mustLogin("cw1", password, "dev-3")
	live, _ := r.connect(t1)
	if _, _, err := r.dial(t1.AccessToken, nil); err != nil {
		t.Fatal(err)
	}
	r.waitConns(2)
	other, _ := r.connect(t2)
	p3, _, err := r.dial(t3.AccessToken, nil)
	if err != nil {
		t.Fatal(err)
	}
	if code, _ := p3.closed(); code != wire.CloseRateLimited {
		t.Fatalf("a third device: close %d, want 4029", code)
	}
	live.alive("ping1")
	other.alive("ping2")
}

// TestStaleUpgradesEvicted: a device's upgrades that never say hello are
// bounded (the account's limit): the next one evicts the oldest of them
// (4029), never the device's welcomed connection, and never the new one:
// a device is not locked out by its own stale upgrades.
func TestStaleUpgradesEvicted(t *testing.T) {
	r := newRig(t, func(o *server.Options) { o.MaxConnsPerUser = 2 })
	tok := r.caseworker("cw1", "dev-1")
	live, _ := r.connect(tok)
	var stale []*peer
	for i := range 3 {
		p, _, err := r.dial(tok.AccessToken, nil)
		if err != nil {
			t.Fatal(err)
		}
		stale = append(stale, p)
		if i < 2 {
			r.waitConns(int64(2 + i)) // numbered and registered in this order
		}
	}
	if code, _ := stale[0].closed(); code != wire.CloseRateLimited {
		t.Fatalf("the oldest stale upgrade: close %d, want 4029", code)
	}
	live.alive("ping1")
	next, _ := r.connect(tok)
	if code, _ := live.closed(); code != wire.CloseReplaced {
		t.Fatalf("the welcomed connection: close %d after a new hello, want 4009", code)
	}
	next.alive("ping2")
}

// TestOneConnectionPerUser: with a limit of one, a device's new
// connection still replaces its welcomed one (which may be dead).
func TestOneConnectionPerUser(t *testing.T) {
	r := newRig(t, func(o *server.Options) { o.MaxConnsPerUser = 1 })
	tok := r.caseworker("cw1", "dev-1")
	first, _ := r.connect(tok)
	second, _ := r.connect(tok)
	if code, _ := first.closed(); code != wire.CloseReplaced {
		t.Fatalf("older connection closed with %d, want 4009", code)
	}
	second.alive("ping1")
}
