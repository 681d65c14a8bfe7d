package server_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/gorilla/websocket"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/testkit"
	"feltsag.dk/feltsag/store/ledger"
	"feltsag.dk/feltsag/sync/server"
	"feltsag.dk/feltsag/sync/wire"
)

// The authorisation matrix (issue 9, "Proof that must exist"): every
// message type a peer can send, and every HTTP endpoint, against every
// relation of the caller to the case the message is about, over a real
// socket with the real bbolt ledger. docs/protocol.md §4.3.3 says what it
// covers.
//
// The matrix is exhaustive by construction: the websocket part iterates
// wire.Types() and fails for a type without a row; the HTTP part reads the
// endpoints docs/protocol.md lists and fails for one without a row.

// relation is the caller's relation to the case a message is about.
type relation string

const (
	relAssigned   relation = "assigned"          // the case is the caller's
	relUnassigned relation = "unassigned"        // the case belongs to nobody (owner "")
	relHandover   relation = "reassigned-base"   // reassigned away; the command's base is from before (a pending command)
	relReassigned relation = "reassigned-nobase" // reassigned away; the command's base is from after
	relNone       relation = "nonexistent"       // no such case (or conflict)
	relOther      relation = "other-caseworker"  // another caseworker's case from the start
	relRevoked    relation = "revoked-device"    // the case is the caller's, the caller's device is revoked
	relDisabled   relation = "disabled-account"  // the case is the caller's, the caller's account is disabled
	relNonAdmin   relation = "non-admin"         // the admin API called by a caseworker (HTTP rows only)
)

// relations are the columns of every row.
var relations = []relation{relAssigned, relUnassigned, relHandover, relReassigned, relNone, relOther, relRevoked, relDisabled}

// verdict is what the server did with one message.
type verdict struct {
	Allow    bool
	Status   string // ack status of a pushed or delivered command; "removed" for a pull that got only a removal
	Key      string // the error's catalogue key; "wipe:<reason>" for a wipe
	Close    int    // the websocket close code; 0 while the connection stays
	HTTP     int    // the HTTP status (upgrade refused, or an HTTP endpoint)
	Handover app.ID // the ack's handover flag
}

func (v verdict) String() string {
	return fmt.Sprintf("{allow:%v status:%q key:%q close:%d http:%d handover:%q}", v.Allow, v.Status, v.Key, v.Close, v.HTTP, v.Handover)
}

// Verdicts that recur.
var (
	allow           = verdict{Allow: true}
	wiped           = verdict{Key: "wipe:" + wire.WipeRevoked, Close: wire.CloseWiped}
	disabledUpgrade = verdict{Key: "unauthorized.sync.session", HTTP: http.StatusUnauthorized, Close: wire.CloseUnauthorized}
	unexpected      = verdict{Key: "invalid.sync.unexpected", Close: wire.CloseBadFrame}
	notAssigned     = verdict{Status: app.AckRejected, Key: "unauthorized.sync.not_assigned"}
	noConflict      = verdict{Key: "not_found.sync.conflict"}
)

// sessionRow fills the two relations that end before any message: a revoked
// device gets wipe at hello, a disabled account's live connection is closed
// (4003) and its token refused at the next upgrade.
func sessionRow(caseCols map[relation]verdict) map[relation]verdict {
	caseCols[relRevoked] = wiped
	caseCols[relDisabled] = disabledUpgrade
	return caseCols
}

// uniform is a row whose answer does not depend on the case.
func uniform(v verdict) map[relation]verdict {
	return sessionRow(map[relation]verdict{relAssigned: v, relUnassigned: v, relHandover: v, relReassigned: v, relNone: v, relOther: v})
}

// wsMatrix is the expected verdict of every message type a client may send
// on /v1/sync, by relation.
func wsMatrix() map[string]map[relation]verdict {
	applied := verdict{Allow: true, Status: app.AckApplied}
	m := map[string]map[relation]verdict{
		// hello is allowed; what it may show of the case is its open
		// conflict, sent after welcome only to the case's owner.
		wire.TypeHello: sessionRow(map[relation]verdict{relAssigned: allow, relUnassigned: {}, relHandover: {}, relReassigned: {}, relNone: {}, relOther: {}}),
		wire.TypePush: sessionRow(map[relation]verdict{relAssigned: applied, relUnassigned: notAssigned,
			relHandover: {Allow: true, Status: app.AckApplied, Handover: "cw2"}, relReassigned: notAssigned, relNone: notAssigned, relOther: notAssigned}),
		// pull delivers the case's data only in scope; a case that left it
		// comes as a removal without data.
		wire.TypePull: sessionRow(map[relation]verdict{relAssigned: allow, relUnassigned: {}, relHandover: {Status: "removed"}, relReassigned: {Status: "removed"}, relNone: {}, relOther: {}}),
		// resolve "mine" of the conflict on the case: only its owner's.
		wire.TypeResolve: sessionRow(map[relation]verdict{relAssigned: allow, relUnassigned: noConflict, relHandover: noConflict, relReassigned: noConflict, relNone: noConflict, relOther: noConflict}),
		// The device's audit records are kept whatever became of the case
		// (losing an audit record is worse); the actor is checked below.
		wire.TypeAuditUpload:  uniform(allow),
		wire.TypeRulesRequest: uniform(allow),
		wire.TypePing:         uniform(allow),
		// Accepted and ignored.
		wire.TypePong:  uniform(allow),
		wire.TypeError: uniform(allow),
	}
	for _, typ := range []string{wire.TypeWelcome, wire.TypeAck, wire.TypeChanges, wire.TypePoke, wire.TypeConflict,
		wire.TypeResolved, wire.TypeWipe, wire.TypeAuditAck, wire.TypeRulesBundle} {
		m[typ] = uniform(unexpected)
	}
	return m
}

// world is one server with the cases of every relation. cw1 on dev-1 is
// the caller; cw2 on dev-2 is the other caseworker; adm is an admin.
type world struct {
	*rig
	cw1, cw2, adm wire.Tokens
	// conflicts open on each case, by case.
	conflicts map[app.ID]app.ID
	// before is a cursor of cw1's from before sag-r left its scope.
	before app.Cursor
}

// The cases: sag-a is cw1's; sag-o cw2's; sag-r was cw1's (version 2) and
// was reassigned to cw2 (version 3); sag-u was cw2's and belongs to nobody
// now; sag-x does not exist.
const (
	sagA, sagO, sagR, sagU, sagX app.ID = "sag-a", "sag-o", "sag-r", "sag-u", "sag-x"
)

// subject is the case of a relation, and the base a command on it names.
func subject(rel relation) (app.ID, int64) {
	switch rel {
	case relUnassigned:
		return sagU, 2
	case relHandover:
		return sagR, 2 // made while it was cw1's: below the handover at version 3
	case relReassigned:
		return sagR, 3
	case relNone:
		return sagX, 1
	case relOther:
		return sagO, 2
	}
	return sagA, 2
}

// newWorld builds the world once; open copies its ledger file for each
// cell, so that a cell starts from the same state at the cost of a file
// copy (building it takes some twenty ledger commits).
func newWorld(t *testing.T) *worldTemplate {
	t.Helper()
	w := &world{conflicts: map[app.ID]app.ID{}}
	w.rig = newRig(t)
	w.cw1 = w.caseworker("cw1", "dev-1")
	w.cw2 = w.caseworker("cw2", "dev-2")
	if err := w.srv.CreateAccount("adm", "Administrator", app.RoleAdmin, password); err != nil {
		t.Fatal(err)
	}
	w.adm = w.mustLogin("adm", password, "feltsagd-admin-adm")
	w.seed(sagA, "cw1")
	w.seed(sagR, "cw1")
	w.seed(sagO, "cw2")
	w.seed(sagU, "cw2")
	p1, _ := w.connect(w.cw1)
	p1b, _ := w.connect(w.mustLogin("cw1", password, "dev-1b"))
	w.conflicts[sagA] = openConflict(t, p1b, p1, "cw1", sagA)
	w.conflicts[sagR] = openConflict(t, p1b, p1, "cw1", sagR)
	w.before = p1.pull(app.Cursor{}, 0).Cursor
	p2, _ := w.connect(w.cw2)
	p2b, _ := w.connect(w.mustLogin("cw2", password, "dev-2b"))
	w.conflicts[sagO] = openConflict(t, p2b, p2, "cw2", sagO)
	w.conflicts[sagU] = openConflict(t, p2b, p2, "cw2", sagU)
	if err := w.srv.Assign(sagR, "cw2"); err != nil {
		t.Fatal(err)
	}
	if err := w.srv.Assign(sagU, ""); err != nil {
		t.Fatal(err)
	}
	var file bytes.Buffer
	if _, err := w.ledger.Backup(&file); err != nil {
		t.Fatal(err)
	}
	return &worldTemplate{world: *w, file: file.Bytes()}
}

// worldTemplate is a built world's ledger file and what its cells need to
// know of it.
type worldTemplate struct {
	world
	file []byte
}

// open starts a server of its own on a copy of the world's ledger.
func (tm *worldTemplate) open(t *testing.T) *world {
	t.Helper()
	path := filepath.Join(t.TempDir(), "l.db")
	if err := os.WriteFile(path, tm.file, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := ledger.Open(path, ledger.Options{})
	if err != nil {
		t.Fatalf("ledger.Open: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	w := tm.world
	r := &rig{t: t, ledger: &countingLedger{DB: db}, clock: &clock{t: t0}}
	srv, err := server.New(server.Options{
		Ledger: r.ledger, Engine: testkit.Engine(t), Now: r.clock.Now, Rand: seeded{mrand.NewChaCha8([32]byte{8})},
		AllowedOrigins: []string{"https://feltsag.example"},
		Password:       server.PasswordParams{Memory: 64, Time: 1, Threads: 1},
		RuleFiles:      []wire.RuleFile{{Name: "regelsaet.csv", Data: "version,navn\n"}},
		Backup:         db.Backup,
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	r.srv = srv
	r.ts = httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		_ = srv.Close()
		r.ts.Close()
	})
	w.rig = r
	return &w
}

// openConflict makes a conflict on the protected visitation of sag (at
// version 1): a change from another device of the caseworker (other)
// applies, and a second from p on the same base conflicts. (Two changes
// from one device are its own sequence, not concurrent.)
func openConflict(t *testing.T, other, p *peer, cw, sag app.ID) app.ID {
	t.Helper()
	wantStatus(t, other.push(cmd(1, "k1-"+sag, sag, cw, 1, &app.Visiter{Kategori: "match2"}))[0], app.AckApplied, "")
	res := p.push(cmd(2, "k2-"+sag, sag, cw, 1, &app.Visiter{Kategori: "match3"}))[0]
	wantStatus(t, res, app.AckConflict, "")
	return res.Conflict
}

// prepare puts the caller in relation rel and returns its session; for a
// disabled account it also returns the verdict of the connection it had.
func (w *world) prepare(t *testing.T, rel relation) (p *peer, conflicts []app.ID, v *verdict) {
	t.Helper()
	switch rel {
	case relRevoked:
		if err := w.srv.RevokeDevice("dev-1"); err != nil {
			t.Fatal(err)
		}
	case relDisabled:
		live, _ := w.connect(w.cw1)
		if err := w.srv.DisableAccount("cw1"); err != nil {
			t.Fatal(err)
		}
		code, _ := live.closed()
		_, resp, err := w.dial(w.cw1.AccessToken, nil)
		if err == nil {
			t.Fatal("upgrade with a disabled account's token succeeded")
		}
		return nil, nil, &verdict{Key: httpKey(t, resp), HTTP: status(resp), Close: code}
	}
	p, resp, err := w.dial(w.cw1.AccessToken, nil)
	if err != nil {
		return nil, nil, &verdict{Key: httpKey(t, resp), HTTP: status(resp)}
	}
	p.send("h1", &wire.Hello{Device: "dev-1", AppVersion: "1.0.0"})
	f, err := p.next()
	if err != nil {
		t.Fatalf("after hello: %v", err)
	}
	if wp, ok := f.Body.(*wire.Wipe); ok {
		code, rest := p.closed()
		if len(rest) != 0 {
			t.Fatalf("frames after wipe: %v", rest)
		}
		return nil, nil, &verdict{Key: "wipe:" + wp.Reason, Close: code}
	}
	if _, ok := f.Body.(*wire.Welcome); !ok {
		t.Fatalf("after hello: %s %+v", f.Body.Type(), f.Body)
	}
	// The conflict notices come right after the welcome: a ping's pong
	// marks their end.
	p.send("m0", &wire.Ping{})
	for {
		f := p.read()
		switch m := f.Body.(type) {
		case *wire.ConflictNotice:
			conflicts = append(conflicts, m.Conflict.ID)
			continue
		case *wire.Pong:
		default:
			t.Fatalf("after welcome: %s %+v", f.Body.Type(), f.Body)
		}
		break
	}
	return p, conflicts, nil
}

// httpKey reads an HTTP refusal's catalogue key.
func httpKey(t *testing.T, resp *http.Response) string {
	t.Helper()
	if resp == nil {
		t.Fatal("no HTTP answer")
	}
	var e wire.HTTPError
	if err := json.NewDecoder(resp.Body).Decode(&e); err != nil || e.Error == nil {
		t.Fatalf("HTTP %d without an error body: %v", resp.StatusCode, err)
	}
	return e.Error.Key
}

// answer reads frames until the answer to request id, or the close. A
// close after an error gives both.
func answer(t *testing.T, p *peer, id app.ID) (frames []wire.Frame, v verdict) {
	t.Helper()
	for {
		f, err := p.next()
		if err != nil {
			var ce *websocket.CloseError
			if !errors.As(err, &ce) {
				t.Fatalf("read: %v", err)
			}
			v.Close = ce.Code
			return frames, v
		}
		switch m := f.Body.(type) {
		case *wire.Poke, *wire.ConflictNotice:
			continue
		case *wire.Error:
			v.Key = m.Key
			if f.ID != id { // about the session or an earlier frame: the close may follow
				continue
			}
			v.Close = closedAfter(t, p)
			return frames, v
		}
		if f.ID == id {
			frames = append(frames, f)
			return frames, v
		}
		t.Fatalf("unexpected %s %+v", f.Body.Type(), f.Body)
	}
}

// closedAfter reports whether the server closes the connection after a
// refusal: it sends a ping and returns the close code, or 0 for a pong.
func closedAfter(t *testing.T, p *peer) int {
	t.Helper()
	b, err := wire.Encode(wire.Frame{ID: "mz", Body: &wire.Ping{}})
	if err != nil {
		t.Fatal(err)
	}
	_ = p.ws.WriteMessage(websocket.TextMessage, b) // the server may have closed already
	for {
		f, err := p.next()
		var ce *websocket.CloseError
		switch {
		case errors.As(err, &ce):
			return ce.Code
		case err != nil:
			t.Fatalf("read after a refusal: %v", err)
		case f.ID == "mz":
			return 0
		}
	}
}

// exercise sends one message of type typ about the subject case of rel on
// an open session and returns the verdict.
func (w *world) exercise(t *testing.T, p *peer, conflicts []app.ID, typ string, rel relation) verdict {
	t.Helper()
	sag, base := subject(rel)
	const id = "m1"
	switch typ {
	case wire.TypeHello:
		return verdict{Allow: slices.Contains(conflicts, w.conflicts[sag]) && w.conflicts[sag] != ""}
	case wire.TypePush:
		before := w.version(sag)
		p.send(id, &wire.Push{Commands: []wire.PushCommand{cmd(1, "c-"+app.ID(rel), sag, "cw1", base, notat("matrix", "n-m"))}})
		frames, v := answer(t, p, id)
		if len(frames) == 0 {
			return v
		}
		r := frames[0].Body.(*wire.Ack).Results[0]
		v = verdict{Allow: r.Status == app.AckApplied, Status: r.Status, Handover: r.Handover}
		if r.Error != nil {
			v.Key = r.Error.Key
		}
		if after := w.version(sag); !v.Allow && after != before {
			t.Errorf("refused push changed %s from v%d to v%d", sag, before, after)
		}
		return v
	case wire.TypePull:
		var v verdict
		for _, from := range []app.Cursor{{}, w.before} {
			for cur, more := from, true; more; {
				ch := p.pull(cur, 0)
				for _, rec := range ch.Records {
					if rec.ID != sag {
						continue
					}
					if rec.Removed {
						v.Status = "removed"
					}
					if len(rec.Data) > 0 {
						v.Allow = true
					}
				}
				cur, more = ch.Cursor, ch.HasMore
			}
		}
		return v
	case wire.TypeResolve:
		k := w.conflicts[sag]
		if k == "" {
			k = "k-404"
		}
		before := w.version(sag)
		p.send(id, &wire.Resolve{Conflict: k, Decision: app.ResolveTakeMine})
		frames, v := answer(t, p, id)
		v.Allow = len(frames) == 1 && frames[0].Body.(*wire.Resolved).Error == nil
		if after := w.version(sag); !v.Allow && after != before {
			t.Errorf("refused resolve changed %s from v%d to v%d", sag, before, after)
		}
		return v
	case wire.TypeAuditUpload:
		rec := auditOf(t, 1, nil, app.Actor{Rolle: app.RolleSagsbehandler, ID: "cw1"}, sag)
		p.send(id, &wire.AuditUpload{Device: "dev-1", Records: []app.AuditRecord{rec}})
		frames, v := answer(t, p, id)
		v.Allow = len(frames) == 1 && frames[0].Body.(*wire.AuditAck).Through == 1
		return v
	case wire.TypeRulesRequest:
		p.send(id, &wire.RulesRequest{})
		frames, v := answer(t, p, id)
		v.Allow = len(frames) == 1 && frames[0].Body.Type() == wire.TypeRulesBundle
		return v
	case wire.TypePing:
		p.send(id, &wire.Ping{})
		frames, v := answer(t, p, id)
		v.Allow = len(frames) == 1 && frames[0].Body.Type() == wire.TypePong
		return v
	}
	// A message only the server sends (or pong, error): then a ping shows
	// whether the connection lives on.
	p.send(id, serverSample(t, typ, sag))
	p.send("m2", &wire.Ping{})
	frames, v := answer(t, p, "m2")
	v.Allow = len(frames) == 1 && v.Close == 0 && v.Key == ""
	return v
}

// version is a case's version in the ledger (0 when it does not exist).
func (w *world) version(sag app.ID) int64 {
	var v int64
	_ = w.ledger.View(func(tx app.LedgerTx) error {
		rec, err := tx.Record(app.RecordSag, sag)
		v = rec.Version
		return err
	})
	return v
}

// auditOf is a device audit record with a valid chain hash.
func auditOf(t *testing.T, seq uint64, prev []byte, actor app.Actor, sag app.ID) app.AuditRecord {
	t.Helper()
	r := app.AuditRecord{Seq: seq, At: t0, Actor: actor, Action: app.ActionViewed, Sag: sag, Prev: prev}
	h, err := r.ChainHash()
	if err != nil {
		t.Fatal(err)
	}
	r.Hash = h
	return r
}

// serverSample is a valid message of a type the client does not send
// (or sends only as an answer: pong, error).
func serverSample(t *testing.T, typ string, sag app.ID) wire.Message {
	t.Helper()
	cur := app.Cursor{Epoch: 1, Seq: 1}
	side := app.ConflictSide{Value: json.RawMessage(`"match2"`), Version: 1}
	switch typ {
	case wire.TypeWelcome:
		return &wire.Welcome{Caseworker: "cw1", ServerTime: t0, AppVersion: "1.0.0", Cursor: cur,
			RuleSets: []wire.RuleSetInfo{{Version: "2026-02", From: app.MustDate(2026, 2, 1)}}, RulesDigest: wire.BundleDigest(nil)}
	case wire.TypeAck:
		return &wire.Ack{Results: []app.AckResult{{Command: "c-1", Status: app.AckApplied, Version: 9, At: t0}}}
	case wire.TypeChanges:
		return &wire.Changes{Page: app.Page{Records: []app.Record{{Kind: app.RecordSag, ID: sag, Version: 9, Seq: 1, Data: json.RawMessage(`{"id":"` + string(sag) + `"}`)}}, Cursor: cur}}
	case wire.TypePoke:
		return &wire.Poke{Cursor: cur}
	case wire.TypeConflict:
		return &wire.ConflictNotice{Conflict: app.Conflict{ID: "k-9", Sag: sag, Field: app.FieldVisitation, Policy: app.PolicyProtected, Owner: "cw1",
			Base: side, Mine: side, Theirs: side, Created: t0}}
	case wire.TypeResolved:
		return &wire.Resolved{Conflict: "k-9", Decision: app.ResolveTakeMine, Version: 9}
	case wire.TypeWipe:
		return &wire.Wipe{Reason: wire.WipeRevoked}
	case wire.TypeAuditAck:
		return &wire.AuditAck{Through: 1}
	case wire.TypeRulesBundle:
		files := []wire.RuleFile{{Name: "regelsaet.csv", Data: "version,navn\n"}}
		return &wire.RulesBundle{Digest: wire.BundleDigest(files), Versions: []wire.RuleSetInfo{{Version: "2026-02", From: app.MustDate(2026, 2, 1)}}, Parts: 1, Files: files}
	case wire.TypePong:
		return &wire.Pong{}
	case wire.TypeError:
		return &wire.Error{Error: *app.Errorf(app.CodeInternal, "", "internal.sync.unreachable")}
	}
	t.Fatalf("no sample of %s", typ)
	return nil
}

// TestAuthorisationMatrix: every message type × every relation of the
// caller to the case gives its expected allow or deny, with the exact ack
// status, error key and close code.
func TestAuthorisationMatrix(t *testing.T) {
	want := wsMatrix()
	tm := newWorld(t)
	for _, typ := range wire.Types() {
		row, ok := want[typ]
		if !ok {
			t.Errorf("message type %s has no row in the authorisation matrix", typ)
			continue
		}
		for _, rel := range relations {
			exp, ok := row[rel]
			if !ok {
				t.Errorf("%s × %s has no expected verdict", typ, rel)
				continue
			}
			t.Run(typ+"/"+string(rel), func(t *testing.T) {
				w := tm.open(t)
				p, conflicts, got := w.prepare(t, rel)
				if got == nil {
					v := w.exercise(t, p, conflicts, typ, rel)
					got = &v
				}
				if *got != exp {
					t.Errorf("got %v\nwant %v", *got, exp)
				}
			})
		}
	}
	for typ := range want {
		if !slices.Contains(wire.Types(), typ) {
			t.Errorf("the matrix has a row for %s, which wire.Types() does not list", typ)
		}
	}
}

// TestAuthorisationMatrixForged: a body naming another caseworker or
// device than the session's is refused, whatever the case.
func TestAuthorisationMatrixForged(t *testing.T) {
	cw2 := app.Actor{Rolle: app.RolleSagsbehandler, ID: "cw2"}
	tests := []struct {
		name string
		send func(w *world, p *peer)
		want verdict
	}{
		{"hello names another device", func(_ *world, p *peer) {
			p.send("m1", &wire.Hello{Device: "dev-2", AppVersion: "1.0.0"})
		}, verdict{Key: "unauthorized.sync.device", Close: wire.CloseUnauthorized}},
		{"push names another caseworker", func(_ *world, p *peer) {
			p.send("m1", &wire.Push{Commands: []wire.PushCommand{cmd(1, "c-f", sagA, "cw2", 2, notat("x", "n-f"))}})
		}, verdict{Status: app.AckRejected, Key: "unauthorized.sync.actor"}},
		{"push on the other's case in their name", func(_ *world, p *peer) {
			p.send("m1", &wire.Push{Commands: []wire.PushCommand{cmd(1, "c-f", sagO, "cw2", 2, notat("x", "n-f"))}})
		}, verdict{Status: app.AckRejected, Key: "unauthorized.sync.actor"}},
		{"audit_upload names another device", func(w *world, p *peer) {
			p.send("m1", &wire.AuditUpload{Device: "dev-2", Records: []app.AuditRecord{auditOf(w.t, 1, nil, cw2, sagA)}})
		}, verdict{Key: "unauthorized.sync.device"}},
		{"audit_upload names another caseworker", func(w *world, p *peer) {
			p.send("m1", &wire.AuditUpload{Device: "dev-1", Records: []app.AuditRecord{auditOf(w.t, 1, nil, cw2, sagO)}})
		}, verdict{Key: "unauthorized.sync.actor"}},
		{"audit_upload by the device's system", func(w *world, p *peer) {
			rec := auditOf(w.t, 1, nil, app.Actor{Rolle: app.RolleSystem}, sagA)
			rec.Action = app.ActionPurged
			h, _ := rec.ChainHash()
			rec.Hash = h
			p.send("m1", &wire.AuditUpload{Device: "dev-1", Records: []app.AuditRecord{rec}})
		}, allow},
	}
	tm := newWorld(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := tm.open(t)
			p, _, _ := w.prepare(t, relAssigned)
			if strings.HasPrefix(tt.name, "hello") {
				// A fresh connection: the hello is its first frame.
				var err error
				if p, _, err = w.dial(w.cw1.AccessToken, nil); err != nil {
					t.Fatal(err)
				}
			}
			tt.send(w, p)
			frames, got := answer(t, p, "m1")
			if len(frames) == 1 {
				switch m := frames[0].Body.(type) {
				case *wire.Ack:
					r := m.Results[0]
					got.Allow, got.Status = r.Status == app.AckApplied, r.Status
					if r.Error != nil {
						got.Key = r.Error.Key
					}
				case *wire.AuditAck:
					got.Allow = m.Through == 1
				}
			}
			if got != tt.want {
				t.Errorf("got %v\nwant %v", got, tt.want)
			}
			var held []app.LedgerAudit
			_ = w.ledger.View(func(tx app.LedgerTx) error {
				var err error
				held, err = tx.AuditFor(sagO)
				return err
			})
			for _, a := range held {
				if a.Device == "dev-1" {
					t.Errorf("the ledger holds dev-1's record in cw2's name: %+v", a)
				}
			}
		})
	}
}

// httpCall is one request of the HTTP matrix by the caller of a relation.
type httpCall func(w *world, rel relation) (method, path string, body any)

// httpRows are the HTTP endpoints, by the method and path docs/protocol.md
// gives them.
func httpRows() map[string]httpCall {
	none := func(method, path string, body any) httpCall {
		return func(*world, relation) (string, string, any) { return method, path, body }
	}
	return map[string]httpCall{
		"POST /v1/login": none(http.MethodPost, wire.PathLogin, wire.LoginRequest{User: "cw1", Password: password, Device: "dev-1"}),
		"POST /v1/refresh": func(w *world, _ relation) (string, string, any) {
			return http.MethodPost, wire.PathRefresh, wire.RefreshRequest{Device: "dev-1", RefreshToken: w.cw1.RefreshToken}
		},
		"GET /v1/sync": none(http.MethodGet, wire.PathSync, nil),
		"POST /v1/sealed": func(w *world, rel relation) (string, string, any) {
			sag, base := subject(rel)
			pend := app.PendingCommand{Seq: 1, Command: noteCmd("cw1", sag, "c-s", "forseglet"), Base: base}
			plain, err := json.Marshal(map[string]any{"v": 1, "device": "dev-1", "pending": pend})
			if err != nil {
				w.t.Fatal(err)
			}
			return http.MethodPost, wire.PathSealed, wire.SealedRequest{Entries: [][]byte{sealTo(w.t, serverKey(w.t, w.cw1), plain)}}
		},
		"GET /healthz":                          none(http.MethodGet, wire.PathHealth, nil),
		"POST /v1/admin/accounts":               none(http.MethodPost, wire.PathAdmin+"accounts", server.AdminAccount{ID: "cw9", Navn: "Ny", Rolle: app.RoleCaseworker, Password: password}),
		"POST /v1/admin/accounts/{id}/disable":  none(http.MethodPost, wire.PathAdmin+"accounts/cw2/disable", nil),
		"POST /v1/admin/accounts/{id}/password": none(http.MethodPost, wire.PathAdmin+"accounts/cw2/password", server.AdminPassword{Password: "nyt kodeord"}),
		"POST /v1/admin/accounts/{id}/team":     none(http.MethodPost, wire.PathAdmin+"accounts/cw2/team", server.AdminTeam{Team: "nord"}),
		"POST /v1/admin/devices/{id}/revoke":    none(http.MethodPost, wire.PathAdmin+"devices/dev-2/revoke", nil),
		"POST /v1/admin/assign": func(_ *world, rel relation) (string, string, any) {
			sag, _ := subject(rel)
			return http.MethodPost, wire.PathAdmin + "assign", server.AdminAssign{Sag: sag, Owner: "cw1"}
		},
		"GET /v1/admin/conflicts": none(http.MethodGet, wire.PathAdmin+"conflicts", nil),
		"GET /v1/admin/accesslog/{sag}": func(_ *world, rel relation) (string, string, any) {
			sag, _ := subject(rel)
			return http.MethodGet, wire.PathAdmin + "accesslog/" + string(sag), nil
		},
		"GET /v1/admin/backup": none(http.MethodGet, wire.PathAdmin+"backup", nil),
	}
}

// httpMatrix is the expected verdict of every endpoint by relation. For
// the admin API the caller is the admin (revoked and disabled are the
// admin's device and account) and non-admin is cw1.
func httpMatrix() map[string]map[relation]verdict {
	ok := verdict{Allow: true, HTTP: http.StatusOK}
	row := func(v verdict, revoked, disabled verdict) map[relation]verdict {
		return map[relation]verdict{relAssigned: v, relUnassigned: v, relHandover: v, relReassigned: v, relNone: v, relOther: v,
			relRevoked: revoked, relDisabled: disabled, relNonAdmin: v}
	}
	session := verdict{HTTP: http.StatusUnauthorized, Key: "unauthorized.sync.session"}
	admin := func(v verdict) map[relation]verdict {
		m := row(v, verdict{HTTP: http.StatusUnauthorized, Key: "unauthorized.sync.admin"}, session)
		m[relNonAdmin] = verdict{HTTP: http.StatusUnauthorized, Key: "unauthorized.sync.admin"}
		return m
	}
	applied := verdict{Allow: true, HTTP: http.StatusOK, Status: app.AckApplied}
	rejected := verdict{HTTP: http.StatusOK, Status: app.AckRejected, Key: "unauthorized.sync.not_assigned"}
	sealed := row(rejected, verdict{HTTP: http.StatusForbidden, Key: "unauthorized.sync.device_revoked"}, session)
	sealed[relAssigned] = applied
	sealed[relNonAdmin] = applied
	sealed[relHandover] = verdict{Allow: true, HTTP: http.StatusOK, Status: app.AckApplied, Handover: "cw2"}
	assign := admin(ok)
	assign[relNone] = verdict{HTTP: http.StatusNotFound, Key: "not_found.ledger_record"}
	m := map[string]map[relation]verdict{
		// A revoked device may sign in: its hello is then answered with wipe.
		"POST /v1/login":   row(ok, ok, verdict{HTTP: http.StatusForbidden, Key: "unauthorized.sync.disabled"}),
		"POST /v1/refresh": row(ok, ok, session),
		"GET /v1/sync":     row(verdict{Allow: true, HTTP: http.StatusSwitchingProtocols}, verdict{Allow: true, HTTP: http.StatusSwitchingProtocols}, session),
		"POST /v1/sealed":  sealed,
		"GET /healthz":     row(ok, ok, ok),

		"POST /v1/admin/accounts":               admin(verdict{Allow: true, HTTP: http.StatusCreated}),
		"POST /v1/admin/accounts/{id}/disable":  admin(ok),
		"POST /v1/admin/accounts/{id}/password": admin(ok),
		"POST /v1/admin/accounts/{id}/team":     admin(ok),
		"POST /v1/admin/devices/{id}/revoke":    admin(ok),
		"POST /v1/admin/assign":                 assign,
		"GET /v1/admin/conflicts":               admin(ok),
		"GET /v1/admin/accesslog/{sag}":         admin(ok),
		"GET /v1/admin/backup":                  admin(ok),
	}
	// The sign-in endpoints and the upgrade are the caller's own: non-admin is
	// the caller as everywhere.
	return m
}

// documentedEndpoints lists the endpoints docs/protocol.md's tables give
// ("| `POST /v1/login` |").
func documentedEndpoints(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("../../docs/protocol.md")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile("(?m)^\\| `(GET|POST) (/[^`\\[ ]*)")
	var out []string
	for _, m := range re.FindAllStringSubmatch(string(b), -1) {
		if e := m[1] + " " + m[2]; !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	if len(out) < 10 {
		t.Fatalf("found only %d endpoints in docs/protocol.md: %v", len(out), out)
	}
	return out
}

// TestAuthorisationMatrixHTTP: every HTTP endpoint × every relation.
func TestAuthorisationMatrixHTTP(t *testing.T) {
	rows, want := httpRows(), httpMatrix()
	tm := newWorld(t)
	for _, ep := range documentedEndpoints(t) {
		if rows[ep] == nil || want[ep] == nil {
			t.Errorf("endpoint %s (docs/protocol.md) has no row in the HTTP authorisation matrix", ep)
		}
	}
	for ep, call := range rows {
		for _, rel := range append(slices.Clone(relations), relNonAdmin) {
			exp, ok := want[ep][rel]
			if !ok {
				t.Errorf("%s × %s has no expected verdict", ep, rel)
				continue
			}
			t.Run(ep+"/"+string(rel), func(t *testing.T) {
				w := tm.open(t)
				isAdmin := strings.HasPrefix(ep, "GET "+wire.PathAdmin) || strings.HasPrefix(ep, "POST "+wire.PathAdmin)
				tok := w.cw1
				if isAdmin && rel != relNonAdmin {
					tok = w.adm
				}
				switch rel {
				case relRevoked:
					if err := w.srv.RevokeDevice(tok.Device); err != nil {
						t.Fatal(err)
					}
				case relDisabled:
					if err := w.srv.DisableAccount(tok.Caseworker); err != nil {
						t.Fatal(err)
					}
				}
				method, path, body := call(w, rel)
				if got := w.httpVerdict(method, path, tok.AccessToken, body); got != exp {
					t.Errorf("got %v\nwant %v", got, exp)
				}
			})
		}
	}
}

// httpVerdict makes one request and reads its verdict.
func (w *world) httpVerdict(method, path, token string, body any) verdict {
	w.t.Helper()
	if path == wire.PathSync {
		p, resp, err := w.dial(token, nil)
		if err != nil {
			return verdict{HTTP: status(resp), Key: httpKey(w.t, resp)}
		}
		_ = p.ws.Close()
		// The server registers the connection after the 101 has gone out:
		// wait until it has come and gone, so that the test's end does not
		// close the server in the middle of it (see the report: Close and a
		// late upgrade race on the server's WaitGroup).
		for st := w.srv.Stats(); st.ConnectionsTotal == 0 || st.Connections != 0; st = w.srv.Stats() {
			runtime.Gosched()
		}
		return verdict{Allow: true, HTTP: status(resp)}
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			w.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, w.ts.URL+path, rd)
	if err != nil {
		w.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	v := verdict{HTTP: resp.StatusCode}
	if resp.StatusCode >= 300 {
		var e wire.HTTPError
		if err := json.Unmarshal(raw, &e); err != nil || e.Error == nil {
			w.t.Fatalf("%s %s: %d %q, want an error body", method, path, resp.StatusCode, raw)
		}
		v.Key = e.Error.Key
		return v
	}
	v.Allow = true
	if path == wire.PathSealed {
		var res wire.SealedResults
		if err := json.Unmarshal(raw, &res); err != nil || len(res.Results) != 1 {
			w.t.Fatalf("sealed answer %q: %v", raw, err)
		}
		r := res.Results[0]
		v.Status, v.Handover, v.Allow = r.Status, r.Handover, r.Status == app.AckApplied
		if r.Error != nil {
			v.Key = r.Error.Key
		}
	}
	return v
}
