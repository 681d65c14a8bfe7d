package client_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/sync/client"
	"feltsag.dk/feltsag/sync/wire"
)

func synced(st client.Status) bool { return !st.LastSync.IsZero() }

// TestFirstSyncSnapshotPaging: an empty replica pulls a snapshot from the
// zero cursor of the server's epoch, page by page, and shows records
// received of the total while it does.
func TestFirstSyncSnapshotPaging(t *testing.T) {
	db := newReplica(t)
	var sags []*app.Sag
	for i := range 3 {
		sags = append(sags, newSag(t, app.ID("sag-"+string(rune('a'+i))), i))
	}
	midway := make(chan client.Status, 1)
	engine := make(chan *client.Engine, 1)
	srv := newFakeServer(t, play(func(c *srvConn) {
		hello := c.greet(app.Cursor{Epoch: 7, Seq: 30})
		if !hello.Cursor.IsZero() || hello.Device != testDevice || hello.AppVersion != "1.0.0-test" {
			c.fail("hello %+v, want device dev-1 at the zero cursor", hello)
		}
		id := c.pull(app.Cursor{Epoch: 7})
		c.send(id, &wire.Changes{Page: app.Page{Records: []app.Record{caseRecord(t, sags[0], 3, 10), caseRecord(t, sags[1], 2, 20)}, Cursor: app.Cursor{Epoch: 7, Seq: 20}, HasMore: true, Snapshot: true}, Total: 3})
		id = c.pull(app.Cursor{Epoch: 7, Seq: 20})
		midway <- (<-engine).Status()
		c.send(id, &wire.Changes{Page: app.Page{Records: []app.Record{caseRecord(t, sags[2], 5, 30)}, Cursor: app.Cursor{Epoch: 7, Seq: 30}}, Total: 3})
		c.idle()
	}))
	h := start(t, db, srv, client.Options{})
	engine <- h.e
	st := h.until("the first sync", synced)

	mid := <-midway
	if want := (client.Progress{Active: true, Received: 2, Total: 3}); mid.FirstSync != want {
		t.Errorf("progress after page 1 = %+v, want %+v", mid.FirstSync, want)
	}
	if !mid.Online || !mid.Syncing {
		t.Errorf("status during the snapshot: online %v syncing %v, want both", mid.Online, mid.Syncing)
	}
	if st.FirstSync != (client.Progress{}) || !st.Online || st.LastError != nil {
		t.Errorf("status after: %+v, want online, no progress, no error", st)
	}
	if got, want := cursorOf(t, db), (app.Cursor{Epoch: 7, Seq: 30}); got != want {
		t.Errorf("cursor = %v, want %v", got, want)
	}
	list, err := db.List()
	if err != nil || len(list) != 3 {
		t.Fatalf("List = %d cases, %v; want 3", len(list), err)
	}
}

// TestOutboxPushedBeforePull: after welcome the whole outbox goes first,
// in order, and each ack is recorded; only then does the client pull.
func TestOutboxPushedBeforePull(t *testing.T) {
	db := newReplica(t)
	sags := seedCases(t, db, 1, app.Cursor{Epoch: 1, Seq: 1})
	ids := []app.ID{commitNote(t, db, sags[0].ID, "første"), commitNote(t, db, sags[0].ID, "anden")}
	srv := newFakeServer(t, play(func(c *srvConn) {
		if h := c.greet(app.Cursor{Epoch: 1, Seq: 3}); h.Pending != 2 {
			c.fail("hello says %d pending, want 2", h.Pending)
		}
		id, cmds := c.push()
		if len(cmds) != 2 || cmds[0].Command.ID != ids[0] || cmds[1].Command.ID != ids[1] || cmds[0].Seq >= cmds[1].Seq {
			c.fail("push %+v, want both commands in outbox order", cmds)
		}
		if cmds[0].Base != 1 || cmds[0].HLC.Device != testDevice {
			c.fail("push carries base %d and HLC %v, want base 1 and this device's HLC", cmds[0].Base, cmds[0].HLC)
		}
		c.ackAll(id, cmds, app.AckApplied)
		id = c.pull(app.Cursor{Epoch: 1, Seq: 1})
		c.send(id, &wire.Changes{Page: app.Page{Records: []app.Record{caseRecord(t, sags[0], 3, 3)}, Cursor: app.Cursor{Epoch: 1, Seq: 3}}})
		c.idle()
	}))
	h := start(t, db, srv, client.Options{})
	st := h.until("the sync", synced)

	if got := pendingIDs(t, db); len(got) != 0 {
		t.Errorf("outbox after the ack: %v, want empty", got)
	}
	for _, id := range ids {
		if r, ok, err := db.Result(id); err != nil || !ok || r.Status != app.AckApplied {
			t.Errorf("Result(%s) = %+v, %v, %v; want applied", id, r, ok, err)
		}
	}
	if got, want := srv.frameTypes()[:3], []string{wire.TypeHello, wire.TypePush, wire.TypePull}; !slices.Equal(got, want) {
		t.Errorf("frames %v, want %v", got, want)
	}
	if st.Pending != 0 || !st.OldestPending.IsZero() {
		t.Errorf("status pending %d since %v, want none", st.Pending, st.OldestPending)
	}
	if got := cursorOf(t, db); got != (app.Cursor{Epoch: 1, Seq: 3}) {
		t.Errorf("cursor = %v", got)
	}
	// The audit records of the two commits follow the sync.
	h.until("the audit upload", func(client.Status) bool { return len(srv.auditSeen()) >= 2 })
}

// TestReconnectBackoffJitter: refused connections wait by full jitter over
// an exponential ceiling that stops at the cap; a session that completed a
// sync starts the count again.
func TestReconnectBackoffJitter(t *testing.T) {
	db := newReplica(t)
	const refusals = 9
	healthy := play(func(c *srvConn) {
		c.greet(app.Cursor{Epoch: 1})
		c.send(c.pull(app.Cursor{Epoch: 1}), &wire.Changes{Page: app.Page{Records: []app.Record{}, Cursor: app.Cursor{Epoch: 1}}})
		// the sync is complete once the audit log (empty here) is done; end
		// the connection without a close frame, like a network cut
	})
	srv := newFakeServer(t, repeat(refusals, refuse(http.StatusServiceUnavailable)), healthy, refuse(http.StatusServiceUnavailable), refuse(http.StatusBadGateway))
	rands := []float64{0.999, 0.25, 0.5, 0.125}
	i := 0
	h := start(t, db, srv, client.Options{Rand: func() float64 { r := rands[i%len(rands)]; i++; return r }})
	h.until("the attempts after the healthy session", func(client.Status) bool { return srv.attempts() > refusals+2 })

	got := h.clock.sleeps()
	if len(got) < refusals+2 {
		t.Fatalf("slept %v, want at least %d waits", got, refusals+2)
	}
	ceiling := func(n int) time.Duration {
		return min(client.DefaultBackoffMax, client.DefaultBackoffBase<<n)
	}
	var want []time.Duration
	for n := range refusals {
		want = append(want, time.Duration(rands[n%len(rands)]*float64(ceiling(n))))
	}
	// after the healthy session: the count starts again at 0
	want = append(want, time.Duration(rands[refusals%len(rands)]*float64(ceiling(0))), time.Duration(rands[(refusals+1)%len(rands)]*float64(ceiling(1))))
	if !slices.Equal(got[:len(want)], want) {
		t.Errorf("waits %v,\nwant %v", got[:len(want)], want)
	}
	for n, d := range got[:refusals] {
		if d < 0 || d >= ceiling(n) {
			t.Errorf("wait %d = %v, outside [0, %v)", n, d, ceiling(n))
		}
	}
	if ceiling(refusals-1) != client.DefaultBackoffMax {
		t.Errorf("the test does not reach the cap: ceiling %v", ceiling(refusals-1))
	}
	if st := h.e.Status(); st.Online || st.LastError == nil || st.LastError.Key != client.KeyUnreachable {
		t.Errorf("status while refused: %+v, want offline with %s", st, client.KeyUnreachable)
	}
}

// TestRetryAfterHonoured: an error answering a push with retry_after makes
// the client wait exactly that long and push again; a session error with
// retry_after before the close sets the wait before the next connection.
func TestRetryAfterHonoured(t *testing.T) {
	db := newReplica(t)
	sags := seedCases(t, db, 1, app.Cursor{Epoch: 1, Seq: 1})
	cmd := commitNote(t, db, sags[0].ID, "travlt")
	busy := app.Errorf(app.CodeInternal, "", app.KeyInternal)
	srv := newFakeServer(t,
		// the push is answered "wait 1.5 s"; after the ack the session ends
		// with a session error asking for 7 s and close 4029
		play(func(c *srvConn) {
			c.greet(app.Cursor{Epoch: 1, Seq: 1})
			id, _ := c.push()
			c.send(id, &wire.Error{Error: *busy, RetryAfterMS: 1500})
			id, cmds := c.push()
			if len(cmds) != 1 || cmds[0].Command.ID != cmd {
				c.fail("push again %+v, want the same command", cmds)
			}
			c.ackAll(id, cmds, app.AckApplied)
			c.send("", &wire.Error{Error: *busy, RetryAfterMS: 7000})
			c.closeWith(wire.CloseRateLimited)
		}),
		play(func(c *srvConn) { c.greet(app.Cursor{Epoch: 1, Seq: 1}); c.idle() }),
	)
	h := start(t, db, srv, client.Options{})
	h.until("the second connection", func(st client.Status) bool { return srv.attempts() >= 2 && st.Online })
	if got, want := h.clock.sleeps(), []time.Duration{1500 * time.Millisecond, 7 * time.Second}; !slices.Equal(got, want) {
		t.Errorf("waits %v, want %v", got, want)
	}
	if got := pendingIDs(t, db); len(got) != 0 {
		t.Errorf("outbox %v, want empty", got)
	}
}

// TestServerClosesMidPush: the server takes a push and dies before its
// ack. Nothing leaves the outbox; the next connection pushes the same
// commands again, the server answers duplicate, and each is recorded once.
func TestServerClosesMidPush(t *testing.T) {
	db := newReplica(t)
	sags := seedCases(t, db, 1, app.Cursor{Epoch: 1, Seq: 1})
	ids := []app.ID{commitNote(t, db, sags[0].ID, "a"), commitNote(t, db, sags[0].ID, "b")}
	// The server's memory, shared by its two connections.
	var mu sync.Mutex
	applied := map[app.ID]int{}
	var pushes [][]app.ID
	cut := make(signal)
	srv := newFakeServer(t,
		play(func(c *srvConn) {
			c.greet(app.Cursor{Epoch: 1, Seq: 1})
			_, cmds := c.push()
			var got []app.ID
			mu.Lock()
			for _, pc := range cmds {
				applied[pc.Command.ID]++
				got = append(got, pc.Command.ID)
			}
			pushes = append(pushes, got)
			mu.Unlock()
			_ = c.ws.Close() // dies before the ack
			close(cut)
		}),
		play(func(c *srvConn) {
			c.greet(app.Cursor{Epoch: 1, Seq: 3})
			id, cmds := c.push()
			var got []app.ID
			mu.Lock()
			for _, pc := range cmds {
				if applied[pc.Command.ID] == 0 { // a replay is answered, not applied again
					applied[pc.Command.ID]++
				}
				got = append(got, pc.Command.ID)
			}
			pushes = append(pushes, got)
			mu.Unlock()
			c.ackAll(id, cmds, app.AckDuplicate)
			c.send(c.pull(app.Cursor{Epoch: 1, Seq: 1}), &wire.Changes{Page: app.Page{Records: []app.Record{caseRecord(t, sags[0], 3, 3)}, Cursor: app.Cursor{Epoch: 1, Seq: 3}}})
			c.idle()
		}),
	)
	h := start(t, db, srv, client.Options{})
	cut.wait(t, "die mid-push")
	h.until("the sync on the second connection", synced)
	mu.Lock()
	defer mu.Unlock()

	if len(pushes) != 2 || !slices.Equal(pushes[0], ids) || !slices.Equal(pushes[1], ids) {
		t.Errorf("pushes %v, want the same two commands twice", pushes)
	}
	for _, id := range ids {
		if applied[id] != 1 {
			t.Errorf("command %s applied %d times on the server", id, applied[id])
		}
		if r, ok, err := db.Result(id); err != nil || !ok || r.Status != app.AckDuplicate {
			t.Errorf("Result(%s) = %+v, %v, %v; want duplicate", id, r, ok, err)
		}
	}
	if got := pendingIDs(t, db); len(got) != 0 {
		t.Errorf("outbox %v, want empty", got)
	}
}

// TestEpochChangePushThenSnapshot: a welcome in a new epoch makes the
// client push its outbox first, then pull a snapshot from the new epoch's
// zero cursor; the first page counts as a snapshot even when the server
// does not say so, so a case it does not deliver leaves the device.
func TestEpochChangePushThenSnapshot(t *testing.T) {
	db := newReplica(t)
	sags := seedCases(t, db, 2, app.Cursor{Epoch: 1, Seq: 5})
	cmd := commitNote(t, db, sags[0].ID, "før skiftet")
	srv := newFakeServer(t, play(func(c *srvConn) {
		if h := c.greet(app.Cursor{Epoch: 2, Seq: 4}); h.Cursor != (app.Cursor{Epoch: 1, Seq: 5}) {
			c.fail("hello from %v", h.Cursor)
		}
		id, cmds := c.push()
		if len(cmds) != 1 || cmds[0].Command.ID != cmd {
			c.fail("push %+v", cmds)
		}
		c.ackAll(id, cmds, app.AckApplied)
		id = c.pull(app.Cursor{Epoch: 2})
		c.send(id, &wire.Changes{Page: app.Page{Records: []app.Record{caseRecord(t, sags[0], 2, 4)}, Cursor: app.Cursor{Epoch: 2, Seq: 4}}})
		c.idle()
	}))
	h := start(t, db, srv, client.Options{})
	h.until("the snapshot", synced)

	if got, want := srv.frameTypes()[:3], []string{wire.TypeHello, wire.TypePush, wire.TypePull}; !slices.Equal(got, want) {
		t.Errorf("frames %v, want %v", got, want)
	}
	if got := cursorOf(t, db); got != (app.Cursor{Epoch: 2, Seq: 4}) {
		t.Errorf("cursor = %v, want 2:4", got)
	}
	list, err := db.List()
	if err != nil || len(list) != 1 || list[0].ID != sags[0].ID {
		t.Errorf("cases after the snapshot: %+v, %v; want only %s", list, err, sags[0].ID)
	}
}

// TestEpochChangeMidSession: a poke in a new epoch while live pushes what
// was saved meanwhile, then takes the snapshot of the new epoch.
func TestEpochChangeMidSession(t *testing.T) {
	db := newReplica(t)
	sags := seedCases(t, db, 1, app.Cursor{Epoch: 1, Seq: 1})
	live, saved := make(signal), make(signal)
	var cmd app.ID
	srv := newFakeServer(t, play(func(c *srvConn) {
		c.greet(app.Cursor{Epoch: 1, Seq: 1})
		close(live)
		<-saved
		c.send("", &wire.Poke{Cursor: app.Cursor{Epoch: 3, Seq: 2}})
		id, cmds := c.push()
		if len(cmds) != 1 || cmds[0].Command.ID != cmd {
			c.fail("push %+v, want the command saved while live", cmds)
		}
		c.ackAll(id, cmds, app.AckApplied)
		id = c.pull(app.Cursor{Epoch: 3})
		c.send(id, &wire.Changes{Page: app.Page{Records: []app.Record{caseRecord(t, sags[0], 2, 2)}, Cursor: app.Cursor{Epoch: 3, Seq: 2}, Snapshot: true}, Total: 1})
		c.idle()
	}))
	h := start(t, db, srv, client.Options{})
	live.wait(t, "welcome")
	h.until("online", func(st client.Status) bool { return st.Online && synced(st) })
	cmd = commitNote(t, db, sags[0].ID, "mens forbundet")
	close(saved)
	h.until("the new epoch's snapshot", func(client.Status) bool { return cursorOf(t, db) == app.Cursor{Epoch: 3, Seq: 2} })
	if got := pendingIDs(t, db); len(got) != 0 {
		t.Errorf("outbox %v, want empty", got)
	}
}

// TestPokePulls: while live, a poke ahead of the cursor makes the client
// pull.
func TestPokePulls(t *testing.T) {
	db := newReplica(t)
	sags := seedCases(t, db, 1, app.Cursor{Epoch: 1, Seq: 1})
	srv := newFakeServer(t, play(func(c *srvConn) {
		c.greet(app.Cursor{Epoch: 1, Seq: 1}) // at the head: nothing to pull
		c.send("", &wire.Poke{Cursor: app.Cursor{Epoch: 1, Seq: 2}})
		id := c.pull(app.Cursor{Epoch: 1, Seq: 1})
		c.send(id, &wire.Changes{Page: app.Page{Records: []app.Record{caseRecord(t, sags[0], 2, 2)}, Cursor: app.Cursor{Epoch: 1, Seq: 2}}})
		c.idle()
	}))
	h := start(t, db, srv, client.Options{})
	h.until("the pull after the poke", func(client.Status) bool { return cursorOf(t, db) == app.Cursor{Epoch: 1, Seq: 2} })
	if got := srv.frameTypes(); got[0] != wire.TypeHello || got[1] != wire.TypePull {
		t.Errorf("frames %v, want hello then (after the poke) pull", got)
	}
}

// TestKickPushesWhileLive: a command saved while connected goes out at
// once on Kick.
func TestKickPushesWhileLive(t *testing.T) {
	db := newReplica(t)
	sags := seedCases(t, db, 1, app.Cursor{Epoch: 1, Seq: 1})
	saved := make(chan app.ID, 1)
	srv := newFakeServer(t, play(func(c *srvConn) {
		c.greet(app.Cursor{Epoch: 1, Seq: 1})
		id, cmds := c.push()
		if cmd := <-saved; len(cmds) != 1 || cmds[0].Command.ID != cmd {
			c.fail("push %+v", cmds)
		}
		c.ackAll(id, cmds, app.AckApplied)
		c.idle()
	}))
	h := start(t, db, srv, client.Options{})
	h.until("online", func(st client.Status) bool { return st.Online && synced(st) })
	cmd := commitNote(t, db, sags[0].ID, "lige gemt")
	saved <- cmd
	h.e.Kick()
	h.until("the ack", func(st client.Status) bool { return st.Pending == 0 && len(pendingIDs(t, db)) == 0 })
	if r, ok, _ := db.Result(cmd); !ok || r.Status != app.AckApplied {
		t.Errorf("Result = %+v, %v; want applied", r, ok)
	}
	// The applied command is in the log now: the client pulls it back.
	h.until("the pull after the push", func(client.Status) bool {
		f := srv.frameTypes()
		i := slices.Index(f, wire.TypePush)
		return i >= 0 && slices.Contains(f[i:], wire.TypePull)
	})
}

// TestRefusedTokenRefreshes: HTTP 401 at the upgrade and close 4003 each
// make the token source renew the token; the first renewal reconnects at
// once, a second one in a row waits by the backoff.
func TestRefusedTokenRefreshes(t *testing.T) {
	db := newReplica(t)
	srv := newFakeServer(t,
		refuse(http.StatusUnauthorized),
		play(func(c *srvConn) { c.hello(); c.closeWith(wire.CloseUnauthorized) }),
		play(func(c *srvConn) {
			c.greet(app.Cursor{Epoch: 1})
			c.send(c.pull(app.Cursor{Epoch: 1}), &wire.Changes{Page: app.Page{Records: []app.Record{}, Cursor: app.Cursor{Epoch: 1}}})
			c.idle()
		}),
	)
	h := start(t, db, srv, client.Options{})
	h.until("the sync", synced)
	if got, want := srv.authSeen(), []string{"Bearer t1", "Bearer t2", "Bearer t3"}; !slices.Equal(got, want) {
		t.Errorf("Authorization %v, want %v", got, want)
	}
	h.tokens.mu.Lock()
	refused := slices.Clone(h.tokens.refused)
	h.tokens.mu.Unlock()
	if want := []string{"t1", "t2"}; !slices.Equal(refused, want) {
		t.Errorf("refused %v, want %v", refused, want)
	}
	if got := h.clock.sleeps(); len(got) != 1 {
		t.Errorf("waits %v, want one (the second refusal in a row)", got)
	}
}

// TestSessionExpired: when the token cannot be renewed the status says to
// sign in again, and the engine keeps trying by the backoff.
func TestSessionExpired(t *testing.T) {
	db := newReplica(t)
	srv := newFakeServer(t, refuse(http.StatusUnauthorized))
	tokens := &fakeTokens{fail: app.Errorf(app.CodeUnauthorized, "", client.KeySessionExpired)}
	h := start(t, db, srv, client.Options{Auth: tokens})
	st := h.until("the error", func(st client.Status) bool { return st.LastError != nil })
	if st.LastError.Key != client.KeySessionExpired || st.Stopped {
		t.Errorf("status %+v, want %s and still running", st, client.KeySessionExpired)
	}
}

// TestWipe: a wipe makes the client deliver its outbox, then call OnWipe
// and stop.
func TestWipe(t *testing.T) {
	db := newReplica(t)
	sags := seedCases(t, db, 1, app.Cursor{Epoch: 1, Seq: 1})
	cmd := commitNote(t, db, sags[0].ID, "sidste")
	srv := newFakeServer(t, play(func(c *srvConn) {
		c.hello()
		c.send("", &wire.Wipe{Reason: wire.WipeRevoked})
		id, cmds := c.push()
		if len(cmds) != 1 || cmds[0].Command.ID != cmd {
			c.fail("push before the wipe %+v", cmds)
		}
		c.ackAll(id, cmds, app.AckApplied)
		c.closeWith(wire.CloseWiped)
	}))
	wiped := make(chan string, 1)
	h := start(t, db, srv, client.Options{OnWipe: func(reason string) { wiped <- reason }})
	err := h.stopped()
	var ae *app.Error
	if !errors.As(err, &ae) || ae.Key != client.KeyWiped {
		t.Errorf("Run = %v, want %s", err, client.KeyWiped)
	}
	select {
	case r := <-wiped:
		if r != wire.WipeRevoked {
			t.Errorf("OnWipe(%q), want revoked", r)
		}
	default:
		t.Error("OnWipe was not called")
	}
	if got := pendingIDs(t, db); len(got) != 0 {
		t.Errorf("outbox %v: the wipe came before it was delivered", got)
	}
	if st := h.e.Status(); !st.Stopped || st.Online {
		t.Errorf("status %+v, want stopped and offline", st)
	}
}

// TestReplacedStops: close 4009 stops the engine with KeyReplaced.
func TestReplacedStops(t *testing.T) {
	db := newReplica(t)
	srv := newFakeServer(t, play(func(c *srvConn) { c.hello(); c.closeWith(wire.CloseReplaced) }))
	h := start(t, db, srv, client.Options{})
	var ae *app.Error
	if err := h.stopped(); !errors.As(err, &ae) || ae.Key != client.KeyReplaced {
		t.Errorf("Run = %v, want %s", err, client.KeyReplaced)
	}
}

// TestConflictStoredAndResolved: a conflict notice is stored in the
// replica and reported; a resolved notice removes it.
func TestConflictStoredAndResolved(t *testing.T) {
	db := newReplica(t)
	sags := seedCases(t, db, 1, app.Cursor{Epoch: 1, Seq: 1})
	k := app.Conflict{ID: "k-1", Sag: sags[0].ID, Field: app.FieldKontaktgruppe, Policy: app.PolicyProtected, Owner: "cw1",
		Base:    app.ConflictSide{Value: []byte(`1`), Version: 1},
		Mine:    app.ConflictSide{Value: []byte(`2`), Version: 1, Command: "cmd-1", Device: testDevice},
		Theirs:  app.ConflictSide{Value: []byte(`3`), Version: 2, Command: "cmd-2", Device: "dev-2", HLC: app.HLC{Wall: time.Now().UnixMilli(), Device: "dev-2"}},
		Created: time.Now().UTC().Truncate(time.Second)}
	resolve := make(signal)
	srv := newFakeServer(t, play(func(c *srvConn) {
		c.greet(app.Cursor{Epoch: 1, Seq: 1})
		c.send("", &wire.ConflictNotice{Conflict: k})
		<-resolve
		c.send("", &wire.Resolved{Conflict: k.ID, Decision: app.ResolveKeepTheirs, Version: 2})
		c.send("", &wire.Poke{Cursor: app.Cursor{Epoch: 1, Seq: 2}})
		c.send(c.pull(app.Cursor{Epoch: 1, Seq: 1}), &wire.Changes{Page: app.Page{Records: []app.Record{caseRecord(t, sags[0], 2, 2)}, Cursor: app.Cursor{Epoch: 1, Seq: 2}}})
		c.idle()
	}))
	got := make(chan app.Conflict, 1)
	h := start(t, db, srv, client.Options{OnConflict: func(c app.Conflict) { got <- c }})
	var c app.Conflict
	select {
	case c = <-got:
	case <-time.After(10 * time.Second):
		t.Fatal("OnConflict was not called")
	}
	if c.ID != k.ID || c.Field != k.Field {
		t.Errorf("OnConflict(%+v)", c)
	}
	stored, err := db.Conflicts(sags[0].ID)
	if err != nil || len(stored) != 1 || stored[0].ID != k.ID || string(stored[0].Theirs.Value) != "3" {
		t.Fatalf("Conflicts = %+v, %v; want k-1 stored", stored, err)
	}
	close(resolve)
	h.until("the pull after the resolution", func(client.Status) bool { return cursorOf(t, db) == app.Cursor{Epoch: 1, Seq: 2} })
	if stored, _ := db.Conflicts(""); len(stored) != 0 {
		t.Errorf("Conflicts after resolved = %+v, want none", stored)
	}
}

// TestRefusedCommandDoesNotWedge: a push frame refused for one command
// (the error names body.commands[N]) marks that command rejected and
// pushes the rest.
func TestRefusedCommandDoesNotWedge(t *testing.T) {
	db := newReplica(t)
	sags := seedCases(t, db, 1, app.Cursor{Epoch: 1, Seq: 1})
	ids := []app.ID{commitNote(t, db, sags[0].ID, "dårlig"), commitNote(t, db, sags[0].ID, "god")}
	srv := newFakeServer(t, play(func(c *srvConn) {
		c.greet(app.Cursor{Epoch: 1, Seq: 1})
		id, _ := c.push()
		bad := app.Errorf(app.CodeInvalid, "", "wire.value", "felt", "body.commands[0].command.kind").WithField("body.commands[0].command.kind")
		c.send(id, &wire.Error{Error: *bad})
		id, cmds := c.push()
		if len(cmds) != 1 || cmds[0].Command.ID != ids[1] {
			c.fail("push after the refusal %+v, want only the second command", cmds)
		}
		c.ackAll(id, cmds, app.AckApplied)
		c.idle()
	}))
	h := start(t, db, srv, client.Options{})
	h.until("the sync", synced)
	r, ok, err := db.Result(ids[0])
	if err != nil || !ok || r.Status != app.AckRejected || r.Error == nil || r.Error.Key != "wire.value" {
		t.Errorf("Result(first) = %+v, %v, %v; want rejected with wire.value", r, ok, err)
	}
	if r, ok, _ := db.Result(ids[1]); !ok || r.Status != app.AckApplied {
		t.Errorf("Result(second) = %+v, %v; want applied", r, ok)
	}
}

// TestAuditUploadMarksUploaded: after a sync the device's audit records go
// up in order and those the server confirms are marked uploaded.
func TestAuditUploadMarksUploaded(t *testing.T) {
	db := newReplica(t)
	sags := seedCases(t, db, 1, app.Cursor{Epoch: 1, Seq: 1})
	for range 3 {
		if err := db.Log(caseworker, app.ActionViewed, sags[0].ID); err != nil {
			t.Fatal(err)
		}
	}
	srv := newFakeServer(t, play(func(c *srvConn) {
		c.manualAudit = true
		c.greet(app.Cursor{Epoch: 1, Seq: 1})
		fr := c.expect(wire.TypeAuditUpload)
		up := fr.Body.(*wire.AuditUpload)
		if up.Device != testDevice || len(up.Records) != 3 || up.Records[0].Seq != 1 {
			c.fail("audit upload %+v", up)
		}
		c.send(fr.ID, &wire.AuditAck{Through: 2, Gaps: []wire.SeqRange{{From: 3, To: 3}}})
		c.idle()
	}))
	h := start(t, db, srv, client.Options{})
	h.until("the audit ack", func(client.Status) bool {
		recs, _ := db.Audit(0, 0)
		return len(recs) == 3 && !recs[1].Uploaded.IsZero()
	})
	recs, err := db.Audit(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if recs[0].Uploaded.IsZero() || recs[1].Uploaded.IsZero() || !recs[2].Uploaded.IsZero() {
		t.Errorf("uploaded %v %v %v, want the first two only", recs[0].Uploaded, recs[1].Uploaded, recs[2].Uploaded)
	}
}

// TestPingWhenIdle: the idle timer sends a ping, which the server answers.
func TestPingWhenIdle(t *testing.T) {
	db := newReplica(t)
	pinged := make(signal)
	srv := newFakeServer(t, play(func(c *srvConn) {
		c.greet(app.Cursor{Epoch: 1})
		c.send(c.pull(app.Cursor{Epoch: 1}), &wire.Changes{Page: app.Page{Records: []app.Record{}, Cursor: app.Cursor{Epoch: 1}}})
		c.manualAudit = true
		_, b, err := c.ws.ReadMessage()
		if err != nil {
			c.fail("read: %v", err)
		}
		fr, err := wire.Decode(b)
		if err != nil || fr.Body.Type() != wire.TypePing {
			c.fail("got %v %v, want ping", fr.Body, err)
		}
		c.send(fr.ID, &wire.Pong{})
		close(pinged)
		c.idle()
	}))
	h := start(t, db, srv, client.Options{})
	h.until("online", func(st client.Status) bool { return st.Online && synced(st) })
	// one tick after the sync's own traffic only rearms; the next pings
	h.clock.tick <- time.Now()
	h.clock.tick <- time.Now()
	pinged.wait(t, "receive a ping")
}

// TestStatusTransitions: offline before the welcome, online after it, last
// sync after a complete sync, offline with an error after the connection
// drops; a command saved meanwhile shows as pending.
func TestStatusTransitions(t *testing.T) {
	db := newReplica(t)
	sags := seedCases(t, db, 1, app.Cursor{Epoch: 1, Seq: 1})
	drop := make(signal)
	srv := newFakeServer(t, play(func(c *srvConn) {
		c.greet(app.Cursor{Epoch: 1, Seq: 1})
		<-drop
		_ = c.ws.Close()
	}))
	h := start(t, db, srv, client.Options{})
	h.clock.block.Store(true) // stay offline after the drop
	st := h.until("online", func(st client.Status) bool { return st.Online && synced(st) && !st.Syncing })
	if st.LastError != nil || st.Pending != 0 {
		t.Errorf("status online %+v", st)
	}
	last := st.LastSync
	close(drop)
	st = h.until("offline", func(st client.Status) bool { return !st.Online })
	if st.LastError == nil || st.LastError.Key != client.KeyUnreachable || st.LastSync != last {
		t.Errorf("status after the drop %+v, want %s and the last sync kept", st, client.KeyUnreachable)
	}
	commitNote(t, db, sags[0].ID, "offline")
	h.e.Kick()
	st = h.until("the pending count", func(st client.Status) bool { return st.Pending == 1 })
	if st.OldestPending.IsZero() {
		t.Error("no age of the oldest pending command")
	}
}

// TestCancelDuringHandshake: Run returns promptly when its context ends
// while the server hangs in the upgrade (gorilla's handshake only watches
// its own timeout, 15 s here).
func TestCancelDuringHandshake(t *testing.T) {
	db := newReplica(t)
	srv := newFakeServer(t) // no steps: every upgrade hangs
	h := start(t, db, srv, client.Options{})
	h.until("the upgrade to hang", func(client.Status) bool { return srv.attempts() == 1 })
	h.cancel()
	select {
	case err := <-h.done:
		h.done <- err
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Run = %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run still dialing 5 s after cancel")
	}
}
