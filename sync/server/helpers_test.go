package server_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/testkit"
	"feltsag.dk/feltsag/store/ledger"
	"feltsag.dk/feltsag/sync/server"
	"feltsag.dk/feltsag/sync/wire"
)

// t0 is the tests' server time: inside rule set 2026-02.
var t0 = time.Date(2026, 3, 12, 9, 30, 0, 0, time.UTC)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// seeded is a deterministic random source for ids, tokens and salts.
type seeded struct{ r *rand.ChaCha8 }

func (s seeded) Read(p []byte) (int, error) { return s.r.Read(p) }

// countingLedger is the real bbolt ledger, counting the Updates that
// committed (for the one-Update-per-push check).
type countingLedger struct {
	*ledger.DB
	updates atomic.Int64
}

func (l *countingLedger) Update(fn func(app.LedgerTx) error) error {
	err := l.DB.Update(fn)
	if err == nil {
		l.updates.Add(1)
	}
	return err
}

// Updates returns how many Updates committed.
func (l *countingLedger) Updates() int { return int(l.updates.Load()) }

// openLedger opens a fresh bbolt ledger in t's temporary folder, closed
// when t ends (after the server, whose cleanup is registered later).
func openLedger(t *testing.T) *countingLedger {
	t.Helper()
	db, err := ledger.Open(filepath.Join(t.TempDir(), "l.db"), ledger.Options{})
	if err != nil {
		t.Fatalf("ledger.Open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("ledger Close: %v", err)
		}
	})
	return &countingLedger{DB: db}
}

// rig is a real server on a real socket over a real ledger file.
type rig struct {
	t      *testing.T
	srv    *server.Server
	ts     *httptest.Server
	ledger *countingLedger
	clock  *clock
}

const password = "korrekt hest batteri hæfteklamme"

func newRig(t *testing.T, change ...func(*server.Options)) *rig {
	t.Helper()
	r := &rig{t: t, ledger: openLedger(t), clock: &clock{t: t0}}
	opts := server.Options{
		Ledger: r.ledger, Engine: testkit.Engine(t), Now: r.clock.Now, Rand: seeded{rand.NewChaCha8([32]byte{7})},
		AllowedOrigins: []string{"https://feltsag.example"},
		Password:       server.PasswordParams{Memory: 64, Time: 1, Threads: 1},
		RuleFiles:      []wire.RuleFile{{Name: "regelsaet.csv", Data: "version,navn\n"}},
	}
	for _, f := range change {
		f(&opts)
	}
	srv, err := server.New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	r.srv = srv
	r.ts = httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		_ = srv.Close()
		r.ts.Close()
	})
	return r
}

// caseworker creates an account and returns it signed in on device.
func (r *rig) caseworker(id, device app.ID) wire.Tokens {
	r.t.Helper()
	if err := r.srv.CreateAccount(id, "Sagsbehandler "+string(id), app.RoleCaseworker, password); err != nil {
		r.t.Fatalf("CreateAccount %s: %v", id, err)
	}
	return r.mustLogin(id, password, device)
}

func (r *rig) mustLogin(user app.ID, pw string, device app.ID) wire.Tokens {
	r.t.Helper()
	var tok wire.Tokens
	if st := r.post(wire.PathLogin, wire.LoginRequest{User: user, Password: pw, Device: device, DeviceName: "laptop"}, &tok); st != http.StatusOK {
		r.t.Fatalf("login %s on %s: status %d", user, device, st)
	}
	return tok
}

// post sends a JSON request and decodes the answer into out (a
// wire.HTTPError for a refusal); it returns the status.
func (r *rig) post(path string, body, out any) int {
	r.t.Helper()
	b, _ := json.Marshal(body)
	resp, err := http.Post(r.ts.URL+path, "application/json", bytes.NewReader(b))
	if err != nil {
		r.t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			r.t.Fatalf("POST %s: decode: %v", path, err)
		}
	}
	return resp.StatusCode
}

// seed imports a case owned by owner and returns it.
func (r *rig) seed(id, owner app.ID) *app.Sag {
	r.t.Helper()
	s := testkit.NewSag(r.t, app.DateOf(t0), testkit.SagArgs{ID: id})
	if err := r.srv.ImportCase(s, owner); err != nil {
		r.t.Fatalf("ImportCase: %v", err)
	}
	return s
}

func (r *rig) record(id app.ID) (app.LedgerRecord, *app.Sag) {
	r.t.Helper()
	var rec app.LedgerRecord
	err := r.ledger.View(func(tx app.LedgerTx) error {
		var err error
		rec, err = tx.Record(app.RecordSag, id)
		return err
	})
	if err != nil {
		r.t.Fatalf("Record %s: %v", id, err)
	}
	var s app.Sag
	if err := json.Unmarshal(rec.Data, &s); err != nil {
		r.t.Fatal(err)
	}
	return rec, &s
}

// wsURL is the sync endpoint.
func (r *rig) wsURL() string { return "ws" + strings.TrimPrefix(r.ts.URL, "http") + wire.PathSync }

// dial upgrades with token (none when "") and extra headers.
func (r *rig) dial(token string, hdr http.Header) (*peer, *http.Response, error) {
	if hdr == nil {
		hdr = http.Header{}
	}
	if token != "" {
		hdr.Set("Authorization", "Bearer "+token)
	}
	ws, resp, err := websocket.DefaultDialer.Dial(r.wsURL(), hdr)
	if err != nil {
		return nil, resp, err
	}
	p := &peer{t: r.t, ws: ws}
	r.t.Cleanup(func() { _ = ws.Close() })
	return p, resp, nil
}

// connect dials and says hello; it returns the peer and the welcome.
func (r *rig) connect(tok wire.Tokens) (*peer, *wire.Welcome) {
	r.t.Helper()
	p, resp, err := r.dial(tok.AccessToken, nil)
	if err != nil {
		r.t.Fatalf("dial: %v (%v)", err, status(resp))
	}
	p.send("h1", &wire.Hello{Device: tok.Device, AppVersion: "1.0.0"})
	f := p.read()
	w, ok := f.Body.(*wire.Welcome)
	if !ok {
		r.t.Fatalf("after hello: %s %+v, want welcome", f.Body.Type(), f.Body)
	}
	return p, w
}

func status(resp *http.Response) int {
	if resp == nil {
		return 0
	}
	return resp.StatusCode
}

// peer is a test client on one websocket.
type peer struct {
	t  *testing.T
	ws *websocket.Conn
	n  int
}

func (p *peer) send(id app.ID, m wire.Message) {
	p.t.Helper()
	b, err := wire.Encode(wire.Frame{ID: id, Body: m})
	if err != nil {
		p.t.Fatalf("encode %s: %v", m.Type(), err)
	}
	p.raw(b)
}

func (p *peer) raw(b []byte) {
	p.t.Helper()
	if err := p.ws.WriteMessage(websocket.TextMessage, b); err != nil {
		p.t.Fatalf("write: %v", err)
	}
}

// read returns the next frame, failing on a close or after 5 s.
func (p *peer) read() wire.Frame {
	p.t.Helper()
	f, err := p.next()
	if err != nil {
		p.t.Fatalf("read: %v", err)
	}
	return f
}

func (p *peer) next() (wire.Frame, error) {
	_ = p.ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, b, err := p.ws.ReadMessage()
	if err != nil {
		return wire.Frame{}, err
	}
	return wire.Decode(b)
}

// readType reads until a frame of type typ, skipping pokes and conflicts.
func (p *peer) readType(typ string) wire.Frame {
	p.t.Helper()
	for {
		f := p.read()
		if f.Body.Type() == typ {
			return f
		}
		switch f.Body.Type() {
		case wire.TypePoke, wire.TypeConflict:
			continue
		}
		p.t.Fatalf("got %s %+v, want %s", f.Body.Type(), f.Body, typ)
	}
}

// closed reads until the server closes and returns the close code and
// the frames before it.
func (p *peer) closed() (int, []wire.Frame) {
	p.t.Helper()
	var frames []wire.Frame
	for {
		_ = p.ws.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, b, err := p.ws.ReadMessage()
		if err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				return ce.Code, frames
			}
			p.t.Fatalf("read: %v, want a close frame", err)
		}
		f, err := wire.Decode(b)
		if err != nil {
			p.t.Fatalf("decode %q: %v", b, err)
		}
		frames = append(frames, f)
	}
}

func (p *peer) push(cmds ...wire.PushCommand) []app.AckResult {
	p.t.Helper()
	p.n++
	id := app.ID("p" + itoa(p.n))
	p.send(id, &wire.Push{Commands: cmds})
	f := p.readType(wire.TypeAck)
	if f.ID != id {
		p.t.Fatalf("ack id %s, want %s", f.ID, id)
	}
	return f.Body.(*wire.Ack).Results
}

func (p *peer) pull(cur app.Cursor, limit int) *wire.Changes {
	p.t.Helper()
	p.n++
	p.send(app.ID("q"+itoa(p.n)), &wire.Pull{Cursor: cur, Limit: limit})
	return p.readType(wire.TypeChanges).Body.(*wire.Changes)
}

func itoa(n int) string { return strconv.Itoa(n) }

// cmd builds a pushed command by cw on sag.
func cmd(seq uint64, id app.ID, sag app.ID, cw app.ID, base int64, body app.Body) wire.PushCommand {
	return wire.PushCommand{Seq: seq, Command: app.Command{ID: id, Sag: sag, Actor: app.Actor{Rolle: app.RolleSagsbehandler, ID: cw}, At: t0, Body: body}, Base: base}
}

func notat(text string, id app.ID) app.Body { return &app.TilfoejNotat{NotatID: id, Tekst: text} }
