package client_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/testkit"
	"feltsag.dk/feltsag/store"
	"feltsag.dk/feltsag/sync/client"
	"feltsag.dk/feltsag/sync/wire"
)

// This file is the test harness: a fake feltsagd that plays the server's
// side of one scripted scenario per connection over a real websocket, a
// real encrypted replica, and injected time.

var (
	caseworker = app.Actor{Rolle: app.RolleSagsbehandler, ID: "cw1"}
	eventTime  = time.Date(2026, 3, 12, 10, 0, 0, 0, app.Copenhagen())
)

// step is what the fake server does with one upgrade attempt: refuse it
// with status, or upgrade and run script.
type step struct {
	status int
	script func(c *srvConn)
}

func refuse(status int) step       { return step{status: status} }
func play(f func(c *srvConn)) step { return step{script: f} }
func repeat(n int, s step) []step {
	out := make([]step, n)
	for i := range out {
		out[i] = s
	}
	return out
}

func flatten(parts []any) (out []step) {
	for _, p := range parts {
		switch v := p.(type) {
		case step:
			out = append(out, v)
		case []step:
			out = append(out, v...)
		default:
			panic(fmt.Sprintf("steps: %T", p))
		}
	}
	return out
}

// fakeServer answers /v1/sync with its steps in order; once they are used
// up it holds every further attempt until the test ends.
type fakeServer struct {
	t     *testing.T
	srv   *httptest.Server
	steps []step
	quit  chan struct{}

	mu      sync.Mutex
	attempt int
	auth    []string          // Authorization of every attempt
	audit   []app.AuditRecord // audit records received
	frames  []string          // types of the frames received, over all connections
}

func newFakeServer(t *testing.T, parts ...any) *fakeServer {
	t.Helper()
	f := &fakeServer{t: t, steps: flatten(parts), quit: make(chan struct{})}
	f.srv = httptest.NewServer(http.HandlerFunc(f.handle))
	t.Cleanup(func() {
		close(f.quit)
		f.srv.CloseClientConnections()
		f.srv.Close()
	})
	return f
}

func (f *fakeServer) URL() string { return f.srv.URL }

func (f *fakeServer) handle(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/v1/sync" {
		http.NotFound(w, r)
		return
	}
	f.mu.Lock()
	n := f.attempt
	f.attempt++
	f.auth = append(f.auth, r.Header.Get("Authorization"))
	f.mu.Unlock()
	if n >= len(f.steps) {
		<-f.quit
		http.Error(w, "no more steps", http.StatusServiceUnavailable)
		return
	}
	st := f.steps[n]
	if st.status != 0 {
		http.Error(w, http.StatusText(st.status), st.status)
		return
	}
	up := websocket.Upgrader{}
	ws, err := up.Upgrade(w, r, nil)
	if err != nil {
		f.t.Errorf("upgrade: %v", err)
		return
	}
	ws.SetReadLimit(wire.MaxFrame)
	c := &srvConn{f: f, ws: ws, n: n}
	defer ws.Close()
	defer func() {
		if p := recover(); p != nil && p != errScriptStop {
			panic(p)
		}
	}()
	st.script(c)
}

// attempts returns how many upgrades were tried.
func (f *fakeServer) attempts() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.attempt
}

func (f *fakeServer) authSeen() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.auth...)
}

func (f *fakeServer) frameTypes() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.frames...)
}

func (f *fakeServer) auditSeen() []app.AuditRecord {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]app.AuditRecord(nil), f.audit...)
}

// errScriptStop ends a script that failed (the failure is reported).
var errScriptStop = errors.New("script stopped")

// srvConn is the server's end of one connection, for a script.
type srvConn struct {
	f  *fakeServer
	ws *websocket.Conn
	n  int
	// manualAudit leaves audit uploads to the script; by default read
	// answers each with an audit_ack through its last record.
	manualAudit bool
}

func (c *srvConn) fail(format string, args ...any) {
	c.f.t.Errorf("server, connection %d: "+format, append([]any{c.n}, args...)...)
	panic(errScriptStop)
}

// read returns the next frame the client sent, answering pings (and
// audit uploads, unless manualAudit) on the way.
func (c *srvConn) read() wire.Frame {
	for {
		_ = c.ws.SetReadDeadline(time.Now().Add(10 * time.Second))
		_, b, err := c.ws.ReadMessage()
		if err != nil {
			select {
			case <-c.f.quit:
				panic(errScriptStop)
			default:
			}
			c.fail("read: %v", err)
		}
		fr, err := wire.Decode(b)
		if err != nil {
			c.fail("the client sent a frame the codec refuses: %v", err)
		}
		c.f.mu.Lock()
		c.f.frames = append(c.f.frames, fr.Body.Type())
		c.f.mu.Unlock()
		switch m := fr.Body.(type) {
		case *wire.Ping:
			c.send(fr.ID, &wire.Pong{})
			continue
		case *wire.AuditUpload:
			c.f.mu.Lock()
			c.f.audit = append(c.f.audit, m.Records...)
			c.f.mu.Unlock()
			if !c.manualAudit {
				c.send(fr.ID, &wire.AuditAck{Through: m.Records[len(m.Records)-1].Seq})
				continue
			}
		}
		return fr
	}
}

// expect reads the next frame and fails unless it is of type typ.
func (c *srvConn) expect(typ string) wire.Frame {
	fr := c.read()
	if fr.Body.Type() != typ {
		c.fail("got %s %+v, want %s", fr.Body.Type(), fr.Body, typ)
	}
	return fr
}

func (c *srvConn) send(id app.ID, m wire.Message) {
	b, err := wire.Encode(wire.Frame{ID: id, Body: m})
	if err != nil {
		c.fail("encode %s: %v", m.Type(), err)
	}
	if err := c.ws.WriteMessage(websocket.TextMessage, b); err != nil {
		c.fail("write %s: %v", m.Type(), err)
	}
}

// hello reads the client's hello.
func (c *srvConn) hello() (app.ID, *wire.Hello) {
	fr := c.expect(wire.TypeHello)
	return fr.ID, fr.Body.(*wire.Hello)
}

// welcome answers a hello with the log's head at cur.
func (c *srvConn) welcome(id app.ID, cur app.Cursor) {
	c.send(id, &wire.Welcome{
		Caseworker: "cw1", ServerTime: time.Now().UTC(), AppVersion: "test", Cursor: cur,
		RuleSets:    []wire.RuleSetInfo{{Version: "2026-02", From: app.MustDate(2026, 2, 1)}},
		RulesDigest: strings.Repeat("ab", 32),
	})
}

// greet reads hello and welcomes it.
func (c *srvConn) greet(cur app.Cursor) *wire.Hello {
	id, h := c.hello()
	c.welcome(id, cur)
	return h
}

// pull reads a pull and fails unless it asks from want.
func (c *srvConn) pull(want app.Cursor) app.ID {
	fr := c.expect(wire.TypePull)
	if got := fr.Body.(*wire.Pull).Cursor; got != want {
		c.fail("pull from %v, want %v", got, want)
	}
	return fr.ID
}

// push reads a push and returns its commands.
func (c *srvConn) push() (app.ID, []wire.PushCommand) {
	fr := c.expect(wire.TypePush)
	return fr.ID, fr.Body.(*wire.Push).Commands
}

// ackAll answers a push with status for every command.
func (c *srvConn) ackAll(id app.ID, cmds []wire.PushCommand, status string) {
	res := make([]app.AckResult, len(cmds))
	for i, pc := range cmds {
		res[i] = app.AckResult{Command: pc.Command.ID, Status: status, Version: pc.Base + 1, At: time.Now().UTC()}
	}
	c.send(id, &wire.Ack{Results: res})
}

// idle keeps the connection open, answering pings, audit uploads and
// pulls (with nothing new), until the client or the test ends it.
func (c *srvConn) idle() {
	for {
		_ = c.ws.SetReadDeadline(time.Now().Add(time.Minute))
		_, b, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		fr, err := wire.Decode(b)
		if err != nil {
			c.fail("the client sent a frame the codec refuses: %v", err)
		}
		c.f.mu.Lock()
		c.f.frames = append(c.f.frames, fr.Body.Type())
		c.f.mu.Unlock()
		switch m := fr.Body.(type) {
		case *wire.Ping:
			c.send(fr.ID, &wire.Pong{})
		case *wire.AuditUpload:
			c.f.mu.Lock()
			c.f.audit = append(c.f.audit, m.Records...)
			c.f.mu.Unlock()
			c.send(fr.ID, &wire.AuditAck{Through: m.Records[len(m.Records)-1].Seq})
		case *wire.Pull: // nothing new
			c.send(fr.ID, &wire.Changes{Page: app.Page{Records: []app.Record{}, Cursor: m.Cursor}})
		default:
			c.fail("unexpected %s while idle", fr.Body.Type())
		}
	}
}

// closeWith sends a close frame with code and closes.
func (c *srvConn) closeWith(code int) {
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, ""), time.Now().Add(time.Second))
	_ = c.ws.Close()
}

// --- the replica ---

const testPassword = "korrekt-hest-batteri-hæfteklamme"

// newReplica creates an unlocked replica of device dev-1 in a temporary
// folder with the cheap test KDF and the shipped rules.
func newReplica(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Create(filepath.Join(t.TempDir(), "feltsag-cw1-dev1.db"), testPassword, store.Options{
		Engine:      testkit.Engine(t),
		KDF:         store.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1},
		LockTimeout: 50 * time.Millisecond,
		Device:      testDevice,
	})
	if err != nil {
		t.Fatalf("store.Create: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func newID(t *testing.T) app.ID {
	t.Helper()
	id, err := app.NewID(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// newSag returns a registered dagpenge case of caseworker cw1.
func newSag(t *testing.T, id app.ID, n int) *app.Sag {
	t.Helper()
	start := app.MustDate(2026, 1, 5)
	s := testkit.NewSag(t, start, testkit.SagArgs{ID: id, CPR: testkit.SynthCPR(t, app.MustDate(1990, 1, 1), n*100).Digits(), Navn: "Test Borger", Start: start, NoVisitation: true})
	s.Ansvarlig = "cw1"
	s.Borger.Adresse = app.Adresse{Vej: "Testvej 1", Postnr: "8000", By: "Aarhus C"}
	s.Kontaktgruppe.RegelSet = "2026-02"
	s.Tilmelding.Ledighedsstatus = "ledig"
	return s
}

// caseRecord returns the server's record of s at version v and log seq.
func caseRecord(t *testing.T, s *app.Sag, v int64, seq uint64) app.Record {
	t.Helper()
	c := s.Clone()
	c.Version = v
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return app.Record{Kind: app.RecordSag, ID: s.ID, Version: v, Seq: seq, Data: b}
}

// seedCases puts n cases on the replica as a confirmed page at cursor.
func seedCases(t *testing.T, db *store.DB, n int, cur app.Cursor) []*app.Sag {
	t.Helper()
	var sags []*app.Sag
	var recs []app.Record
	for i := range n {
		s := newSag(t, app.ID(fmt.Sprintf("sag-%d", i+1)), i)
		sags = append(sags, s)
		recs = append(recs, caseRecord(t, s, 1, uint64(i+1)))
	}
	if err := db.ApplyPage(app.Page{Records: recs, Cursor: cur}); err != nil {
		t.Fatalf("ApplyPage: %v", err)
	}
	return sags
}

// commitNote saves a note on case id and returns the command's id.
func commitNote(t *testing.T, db *store.DB, id app.ID, text string) app.ID {
	t.Helper()
	cmd := app.Command{ID: newID(t), Sag: id, Actor: caseworker, At: eventTime, Body: &app.TilfoejNotat{NotatID: newID(t), Tekst: text}}
	if _, err := db.Commit(cmd); err != nil {
		t.Fatalf("Commit: %v", err)
	}
	return cmd.ID
}

func pendingIDs(t *testing.T, db *store.DB) []app.ID {
	t.Helper()
	pend, err := db.Pending()
	if err != nil {
		t.Fatal(err)
	}
	var ids []app.ID
	for _, p := range pend {
		ids = append(ids, p.Command.ID)
	}
	return ids
}

func cursorOf(t *testing.T, db *store.DB) app.Cursor {
	t.Helper()
	c, err := db.Cursor()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// --- time, tokens and the engine ---

// fakeTime is the engine's injected time: Now moves one second per call,
// Sleep records what it was asked and returns at once (or, with block,
// waits for the test's context), After is a channel the test fires.
type fakeTime struct {
	n     atomic.Int64
	block atomic.Bool

	mu    sync.Mutex
	slept []time.Duration
	tick  chan time.Time
}

func newFakeTime() *fakeTime { return &fakeTime{tick: make(chan time.Time, 1)} }

func (ft *fakeTime) Now() time.Time { return epoch0.Add(time.Duration(ft.n.Add(1)) * time.Second) }

func (ft *fakeTime) Sleep(ctx context.Context, d time.Duration) error {
	ft.mu.Lock()
	ft.slept = append(ft.slept, d)
	ft.mu.Unlock()
	if ft.block.Load() {
		<-ctx.Done()
		return ctx.Err()
	}
	return ctx.Err()
}

func (ft *fakeTime) After(time.Duration) <-chan time.Time { return ft.tick }

func (ft *fakeTime) sleeps() []time.Duration {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	return append([]time.Duration(nil), ft.slept...)
}

// fakeTokens hands out "t1", then "t2" after the first refusal, and so on.
type fakeTokens struct {
	mu      sync.Mutex
	n       int
	refused []string
	fail    error // Refused returns it when set
}

func (ft *fakeTokens) Token(context.Context) (string, error) {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	return fmt.Sprintf("t%d", ft.n+1), nil
}

func (ft *fakeTokens) Refused(_ context.Context, tok string) error {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	ft.refused = append(ft.refused, tok)
	if ft.fail != nil {
		return ft.fail
	}
	ft.n++
	return nil
}

// harness is one engine over a replica and a fake server.
type harness struct {
	t      *testing.T
	db     *store.DB
	srv    *fakeServer
	clock  *fakeTime
	tokens *fakeTokens
	e      *client.Engine
	cancel context.CancelFunc
	done   chan error
}

// start runs an engine with o's callbacks over db against srv.
func start(t *testing.T, db *store.DB, srv *fakeServer, o client.Options) *harness {
	t.Helper()
	h := &harness{t: t, db: db, srv: srv, clock: newFakeTime(), tokens: &fakeTokens{}, done: make(chan error, 1)}
	if o.Replica == nil {
		o.Replica = db
	}
	o.URL = srv.URL()
	if o.Auth == nil {
		o.Auth = h.tokens
	}
	o.Now, o.Sleep, o.After = h.clock.Now, h.clock.Sleep, h.clock.After
	if o.Rand == nil {
		o.Rand = func() float64 { return 0.5 }
	}
	o.AppVersion = "1.0.0-test"
	h.e = client.New(o)
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	go func() { h.done <- h.e.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-h.done:
		case <-time.After(10 * time.Second):
			t.Error("Run did not return after cancel")
		}
	})
	return h
}

// until waits for cond, checking after every status change (and every few
// milliseconds for conditions the status does not show).
func (h *harness) until(what string, cond func(client.Status) bool) client.Status {
	h.t.Helper()
	deadline := time.After(10 * time.Second)
	poll := time.NewTicker(5 * time.Millisecond)
	defer poll.Stop()
	for {
		st := h.e.Status()
		if cond(st) {
			return st
		}
		select {
		case <-h.e.Updates():
		case <-poll.C:
		case err := <-h.done:
			h.done <- err
			if st := h.e.Status(); cond(st) {
				return st
			}
			h.t.Fatalf("Run returned %v while waiting for %s; status %+v", err, what, h.e.Status())
		case <-deadline:
			h.t.Fatalf("timed out waiting for %s; status %+v", what, h.e.Status())
		}
	}
}

// stopped waits for Run to return and gives its error.
func (h *harness) stopped() error {
	h.t.Helper()
	select {
	case err := <-h.done:
		h.done <- err
		return err
	case <-time.After(10 * time.Second):
		h.t.Fatal("Run did not stop")
		return nil
	}
}

// signal is a channel a script closes at a point the test waits for.
type signal chan struct{}

func (s signal) wait(t *testing.T, what string) {
	t.Helper()
	select {
	case <-s:
	case <-time.After(10 * time.Second):
		t.Fatalf("timed out waiting for the server to %s", what)
	}
}
