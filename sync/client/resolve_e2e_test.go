package client_test

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/testkit"
	"feltsag.dk/feltsag/store"
	"feltsag.dk/feltsag/store/ledger"
	"feltsag.dk/feltsag/sync/client"
	"feltsag.dk/feltsag/sync/server"
	"feltsag.dk/feltsag/sync/wire"
)

// device is one of the caseworker's computers in an end-to-end test: its
// own replica and session, and an engine that goes on and off line.
type device struct {
	t    *testing.T
	user app.ID
	db   *store.DB
	url  string
	auth client.TokenSource
	h    *harness
	stop func()
}

func newDevice(t *testing.T, url, user, password string, dev app.ID) *device {
	t.Helper()
	db, err := store.Create(filepath.Join(t.TempDir(), "feltsag-"+user+"-"+string(dev)+".db"), testPassword, store.Options{
		Engine: testkit.Engine(t), KDF: store.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1},
		LockTimeout: 50 * time.Millisecond, Device: dev,
	})
	if err != nil {
		t.Fatalf("store.Create: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	sess, err := client.Login(context.Background(), nil, url, user, password, dev, string(dev))
	if err != nil {
		t.Fatalf("Login %s: %v", dev, err)
	}
	d := &device{t: t, user: app.ID(user), db: db, url: url, auth: client.NewTokens(url, sess, client.TokensOptions{})}
	t.Cleanup(d.offline)
	return d
}

// online starts the device's engine and waits for a complete sync.
func (d *device) online() {
	d.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	e := client.New(client.Options{Replica: d.db, URL: d.url, Auth: d.auth, Caseworker: d.user, BackoffBase: 20 * time.Millisecond})
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx) }()
	d.h = &harness{t: d.t, e: e, done: done}
	d.stop = func() { cancel(); <-done }
	d.h.until("a complete sync", func(st client.Status) bool { return synced(st) && !st.Syncing })
}

// offline stops the engine (the network is gone).
func (d *device) offline() {
	if d.stop != nil {
		d.stop()
		d.stop = nil
	}
}

// until waits for cond on the device's replica while its engine runs.
func (d *device) until(what string, cond func() bool) {
	d.t.Helper()
	d.h.until(what, func(client.Status) bool { return cond() })
}

func (d *device) commit(id app.ID, body app.Body) app.ID {
	d.t.Helper()
	cmd := app.Command{ID: newID(d.t), Sag: id, Actor: caseworker, At: time.Now(), Body: body}
	if _, err := d.db.Commit(cmd); err != nil {
		d.t.Fatalf("Commit %s: %v", body.Kind(), err)
	}
	return cmd.ID
}

func (d *device) conflicts() []app.Conflict {
	d.t.Helper()
	k, err := d.db.Conflicts("")
	if err != nil {
		d.t.Fatalf("Conflicts: %v", err)
	}
	return k
}

func (d *device) summary(id app.ID) app.CaseSummary {
	d.t.Helper()
	list, err := d.db.List()
	if err != nil {
		d.t.Fatalf("List: %v", err)
	}
	for _, c := range list {
		if c.ID == id {
			return c
		}
	}
	d.t.Fatalf("case %s not on the device", id)
	return app.CaseSummary{}
}

func (d *device) status(cmd app.ID) string {
	d.t.Helper()
	r, ok, err := d.db.Result(cmd)
	if err != nil || !ok {
		return ""
	}
	return r.Status
}

// TestResolveConflictEndToEnd: two devices of the case's owner change a
// protected field (the visitation) while offline. The first to reconnect
// is applied; the second gets a conflict, which both devices receive. The
// owner decides "take mine" with a note on the second device while it is
// offline again, saves a note after the decision, and reconnects: the
// decision goes to the server before the note, the conflict closes on
// both devices, and both converge to the server's state, which holds the
// decided value and the note.
func TestResolveConflictEndToEnd(t *testing.T) {
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
	const sag app.ID = "sag-1"
	if err := srv.ImportCase(newSag(t, sag, 1), "cw1"); err != nil {
		t.Fatalf("ImportCase: %v", err)
	}

	a := newDevice(t, ts.URL, "cw1", pw, "dev-a")
	b := newDevice(t, ts.URL, "cw1", pw, "dev-b")
	for _, d := range []*device{a, b} {
		d.online()
		d.offline()
	}
	theirs := a.commit(sag, &app.Visiter{Kategori: "match2"})
	mine := b.commit(sag, &app.Visiter{Kategori: "match3"})

	a.online()
	a.until("a's change applied", func() bool { return a.status(theirs) == app.AckApplied })
	b.online()
	b.until("b's change in conflict", func() bool { return b.status(mine) == app.AckConflict && len(b.conflicts()) == 1 })
	a.until("the conflict on a as well", func() bool { return len(a.conflicts()) == 1 })
	k := b.conflicts()[0]
	if k.Sag != sag || k.Field != "visitation" || k.Mine.Command != mine || k.Theirs.Command != theirs || k.Owner != "cw1" {
		t.Fatalf("conflict %+v: want b's command as mine, a's as theirs, on the visitation", k)
	}
	if n := b.summary(sag).Conflicts; n != 1 {
		t.Errorf("b lists %d conflicts on the case, want 1", n)
	}

	b.offline()
	const note = "Aftalt med borgeren i telefonen"
	if err := b.db.Resolve(app.Resolution{Conflict: k.ID, Decision: app.ResolveTakeMine, Note: note, Actor: caseworker, At: time.Now()}); err != nil {
		t.Fatalf("Resolve offline: %v", err)
	}
	after := b.commit(sag, &app.TilfoejNotat{NotatID: newID(t), Tekst: "Efter afgørelsen"})
	if got, _ := b.db.Resolutions(); len(got) != 1 || got[0].Note != note {
		t.Fatalf("Resolutions offline = %+v, want the decision kept", got)
	}
	b.online()
	b.until("the resolved applied on b", func() bool {
		got, _ := b.db.Resolutions()
		return len(got) == 0 && len(b.conflicts()) == 0 && b.status(after) == app.AckApplied
	})
	a.until("the resolved reaching a", func() bool { return len(a.conflicts()) == 0 })
	if ks, err := srv.Conflicts("cw1"); err != nil || len(ks) != 0 {
		t.Errorf("server conflicts = %+v, %v; want none", ks, err)
	}

	// Both converge to the server's state: mine (match3) and the note.
	var rec app.LedgerRecord
	if err := led.View(func(tx app.LedgerTx) (err error) { rec, err = tx.Record(app.RecordSag, sag); return err }); err != nil {
		t.Fatal(err)
	}
	for _, d := range []*device{a, b} {
		d.h.e.Retry()
		d.until("the server's version", func() bool {
			s := d.summary(sag)
			return s.Version == rec.Version && s.Pending == 0 && s.Conflicts == 0
		})
		v, err := d.db.View(sag, caseworker)
		if err != nil {
			t.Fatal(err)
		}
		if v.Visitation.Kategori != "match3" || len(v.Notater) != 1 {
			t.Errorf("device's case: kategori %q, %d notes; want match3 (the decision) and the note", v.Visitation.Kategori, len(v.Notater))
		}
	}
}

// TestResolveSentInOutboxOrder: a decision goes to the server after the
// commands saved before it and before those saved after it. When the
// connection drops before its answer, the next session sends it again;
// the server's not_found (it had closed the conflict) closes it here too.
func TestResolveSentInOutboxOrder(t *testing.T) {
	db := newReplica(t)
	sags := seedCases(t, db, 1, app.Cursor{Epoch: 1, Seq: 1})
	if err := db.PutConflict(app.Conflict{ID: "k-1", Sag: sags[0].ID, Field: "visitation", Policy: app.PolicyProtected, Owner: "cw1", Created: eventTime}); err != nil {
		t.Fatal(err)
	}
	before := commitNote(t, db, sags[0].ID, "før")
	const note = "Borgerens oplysning var forkert"
	if err := db.Resolve(app.Resolution{Conflict: "k-1", Decision: app.ResolveKeepTheirs, Note: note, Actor: caseworker, At: eventTime}); err != nil {
		t.Fatal(err)
	}
	after := commitNote(t, db, sags[0].ID, "efter")
	onePush := func(c *srvConn, want app.ID) {
		id, cmds := c.push()
		if len(cmds) != 1 || cmds[0].Command.ID != want {
			c.fail("push %+v, want only %s", cmds, want)
		}
		c.ackAll(id, cmds, app.AckApplied)
	}
	resolve := func(c *srvConn) app.ID {
		fr := c.expect(wire.TypeResolve)
		if m := fr.Body.(*wire.Resolve); m.Conflict != "k-1" || m.Decision != app.ResolveKeepTheirs || m.Note != note {
			c.fail("resolve %+v, want k-1, theirs and the note", m)
		}
		return fr.ID
	}
	counted := make(signal)
	srv := newFakeServer(t, play(func(c *srvConn) {
		counted.wait(t, "see the pending count")
		c.greet(app.Cursor{Epoch: 1, Seq: 1})
		onePush(c, before)
		resolve(c)
		c.closeWith(websocket.CloseGoingAway) // the answer is lost
	}), play(func(c *srvConn) {
		c.greet(app.Cursor{Epoch: 1, Seq: 1})
		id := resolve(c)
		c.send(id, &wire.Error{Error: *app.Errorf(app.CodeNotFound, "", "not_found.sync.conflict").WithField("body.conflict")})
		onePush(c, after)
		id = c.pull(app.Cursor{Epoch: 1, Seq: 1})
		c.send(id, &wire.Changes{Page: app.Page{Records: []app.Record{}, Cursor: app.Cursor{Epoch: 1, Seq: 1}}})
		c.idle()
	}))
	h := start(t, db, srv, client.Options{})
	// A decision not yet sent counts as a change not sent.
	h.until("two commands and a decision pending", func(st client.Status) bool { return st.Pending == 3 })
	close(counted)
	h.until("the sync", func(client.Status) bool { r, ok, _ := db.Result(after); return ok && r.Status == app.AckApplied })
	h.until("the pull after it", func(client.Status) bool { return slices.Contains(srv.frameTypes(), wire.TypePull) })
	if k, _ := db.Conflicts(""); len(k) != 0 {
		t.Errorf("Conflicts = %+v, want the closed one gone", k)
	}
	if r, _ := db.Resolutions(); len(r) != 0 {
		t.Errorf("Resolutions = %+v, want none", r)
	}
	h.until("nothing pending", func(st client.Status) bool { return st.Pending == 0 })
	want := []string{wire.TypeHello, wire.TypePush, wire.TypeResolve, wire.TypeHello, wire.TypeResolve, wire.TypePush, wire.TypePull}
	if got := srv.frameTypes(); len(got) < len(want) || !slices.Equal(got[:len(want)], want) {
		t.Errorf("frames %v, want %v first", got, want)
	}
}

// TestResolvedRefusalIsARejection: when a rule now refuses "mine", the
// server closes the conflict with the rule's error; the command that
// opened it is then listed among the rejected commands with that error.
func TestResolvedRefusalIsARejection(t *testing.T) {
	db := newReplica(t)
	sags := seedCases(t, db, 1, app.Cursor{Epoch: 1, Seq: 1})
	mine := commitNote(t, db, sags[0].ID, "i konflikt")
	if err := db.Ack(app.AckResult{Command: mine, Status: app.AckConflict, Conflict: "k-1", At: eventTime}); err != nil {
		t.Fatal(err)
	}
	if err := db.PutConflict(app.Conflict{ID: "k-1", Sag: sags[0].ID, Field: "visitation", Policy: app.PolicyProtected, Owner: "cw1",
		Mine: app.ConflictSide{Command: mine}, Created: eventTime}); err != nil {
		t.Fatal(err)
	}
	if err := db.Resolve(app.Resolution{Conflict: "k-1", Decision: app.ResolveTakeMine, Note: "ja", Actor: caseworker, At: eventTime}); err != nil {
		t.Fatal(err)
	}
	refusal := app.Errorf(app.CodeRule, "4656", "rule.4656.kategori", "kategori", "kategori:match2", "kg", "1", "kgnavn", "kg:1")
	srv := newFakeServer(t, play(func(c *srvConn) {
		c.greet(app.Cursor{Epoch: 1, Seq: 1})
		fr := c.expect(wire.TypeResolve)
		c.send(fr.ID, &wire.Resolved{Conflict: "k-1", Decision: app.ResolveTakeMine, Version: 1, Error: refusal})
		// idle answers the pull that may follow: the test ends as soon as
		// the conflict is closed, perhaps before that pull, and a script
		// still expecting it read the engine's close as a failure (flaky).
		c.idle()
	}))
	h := start(t, db, srv, client.Options{})
	h.until("the conflict closed", func(client.Status) bool { k, _ := db.Conflicts(""); return len(k) == 0 })
	rej, err := db.Rejected()
	if err != nil || len(rej) != 1 || rej[0].Command != mine || rej[0].Error == nil || rej[0].Error.Key != refusal.Key {
		t.Errorf("Rejected = %+v, %v; want %s with the server's refusal", rej, err, mine)
	}
}
