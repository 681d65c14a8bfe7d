package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/pgtest"
	"feltsag.dk/feltsag/sync/wire"
)

// feltsagd runs the program to its end with the Danish locale.
func feltsagd(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb syncBuffer
	err = run(context.Background(), args, func(k string) string {
		if k == "LANG" {
			return "da_DK.UTF-8"
		}
		return ""
	}, &out, &errb)
	return out.String(), errb.String(), err
}

func pgLogin(t *testing.T, addr string, user app.ID, password string) int {
	t.Helper()
	body, _ := json.Marshal(wire.LoginRequest{User: user, Password: password, Device: "dev-pg-test", DeviceName: "test"})
	resp, err := http.Post("http://"+addr+wire.PathLogin, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// TestServeOnPostgreSQL: `feltsagd migrate` lays the schema and grants the
// server's role; `feltsagd serve -db` refuses an unmigrated database with
// a message that says to migrate, serves the demo on a migrated one as
// the least-privileged role (sign-in, no upgrade without a token,
// /healthz), and finds its data again after a restart.
func TestServeOnPostgreSQL(t *testing.T) {
	c := pgtest.Start(t)
	c.Exec(t, "postgres", "CREATE ROLE feltsagd_server LOGIN")
	db := c.NewDatabase(t)
	owner, server := c.URL(db, ""), c.URL(db, "feltsagd_server")

	_, _, err := feltsagd(t, "serve", "-db", server, "-addr", "127.0.0.1:0")
	if err == nil || !strings.Contains(err.Error(), "feltsagd migrate") || !strings.Contains(err.Error(), "ledger-aeldre-skema") {
		t.Fatalf("serve on an unmigrated database: %v, want the Danish message telling to run feltsagd migrate", err)
	}

	out, _, err := feltsagd(t, "migrate", "-db", owner, "-grant", "feltsagd_server")
	if err != nil || !strings.Contains(out, "migrering 0001 anvendt") || !strings.Contains(out, "rollen feltsagd_server") {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	if out, _, err := feltsagd(t, "migrate", "-db", owner); err != nil || strings.Contains(out, "anvendt") {
		t.Errorf("a second migrate: %v\n%s; want nothing applied", err, out)
	}

	d := startServe(t, "-db", server, "-demo", "-demo-size", "45")
	if !strings.Contains(d.stdout.String(), "postgres://feltsagd_server@") {
		t.Errorf("start line does not name the database:\n%s", d.stdout.String())
	}
	var m []string
	for _, a := range regexp.MustCompile(`(?m)^  (\S+)\s+(demo-\S+)\s+\S+`).FindAllStringSubmatch(d.stdout.String(), -1) {
		if a[1] != DemoAdmin {
			m = a
			break
		}
	}
	if m == nil {
		t.Fatalf("no demo caseworker printed:\n%s", d.stdout.String())
	}
	user, password := app.ID(m[1]), m[2]
	if code := pgLogin(t, d.addr, user, password); code != http.StatusOK {
		t.Fatalf("login as %s: %d", user, code)
	}
	if code := pgLogin(t, d.addr, user, "forkert"); code != http.StatusUnauthorized {
		t.Errorf("wrong password: %d, want 401", code)
	}
	if _, resp, err := websocket.DefaultDialer.Dial("ws://"+d.addr+wire.PathSync, nil); err == nil || resp == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("upgrade without a token: %v, %v; want 401", err, resp)
	}
	resp, err := http.Get("http://" + d.addr + wire.PathHealth)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("healthz: %v %v", resp, err)
	}
	if resp != nil {
		resp.Body.Close()
	}
	if err := d.stop(); err != nil {
		t.Fatalf("serve returned %v after its context ended", err)
	}

	// Restarted: the accounts are in the database.
	d = startServe(t, "-db", server, "-demo")
	if !strings.Contains(d.stdout.String(), "har allerede") {
		t.Errorf("the restarted demo seeded again:\n%s", d.stdout.String())
	}
	if code := pgLogin(t, d.addr, user, password); code != http.StatusOK {
		t.Errorf("login after a restart: %d", code)
	}
}

// wsPeer is a bare protocol client for the two-node test.
type wsPeer struct {
	t  *testing.T
	ws *websocket.Conn
}

// connectNode signs user in on the node at addr as device, upgrades and
// says hello.
func connectNode(t *testing.T, addr string, user app.ID, password string, device app.ID) (*wsPeer, *wire.Welcome) {
	t.Helper()
	tok := nodeLogin(t, addr, user, password, device)
	ws, _, err := websocket.DefaultDialer.Dial("ws://"+addr+wire.PathSync, http.Header{"Authorization": {"Bearer " + tok.AccessToken}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ws.Close() })
	p := &wsPeer{t: t, ws: ws}
	p.send("h1", &wire.Hello{Device: device, AppVersion: Version})
	w, ok := p.read(5 * time.Second).Body.(*wire.Welcome)
	if !ok {
		t.Fatal("no welcome after hello")
	}
	return p, w
}

func (p *wsPeer) send(id app.ID, m wire.Message) {
	p.t.Helper()
	b, err := wire.Encode(wire.Frame{ID: id, Body: m})
	if err != nil {
		p.t.Fatal(err)
	}
	if err := p.ws.WriteMessage(websocket.TextMessage, b); err != nil {
		p.t.Fatal(err)
	}
}

func (p *wsPeer) read(within time.Duration) wire.Frame {
	p.t.Helper()
	_ = p.ws.SetReadDeadline(time.Now().Add(within))
	_, b, err := p.ws.ReadMessage()
	if err != nil {
		p.t.Fatalf("read: %v", err)
	}
	f, err := wire.Decode(b)
	if err != nil {
		p.t.Fatal(err)
	}
	return f
}

// nodeLogin signs user in on the node at addr from device.
func nodeLogin(t *testing.T, addr string, user app.ID, password string, device app.ID) wire.Tokens {
	t.Helper()
	body, _ := json.Marshal(wire.LoginRequest{User: user, Password: password, Device: device, DeviceName: "test"})
	resp, err := http.Post("http://"+addr+wire.PathLogin, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var tok wire.Tokens
	err = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("login on %s: %d %v", addr, resp.StatusCode, err)
	}
	return tok
}

// readType skips pokes until a frame of type typ.
func (p *wsPeer) readType(typ string) wire.Frame {
	p.t.Helper()
	for {
		if f := p.read(5 * time.Second); f.Body.Type() == typ {
			return f
		}
	}
}

// TestServeTwoNodesOnPostgreSQL: two `feltsagd serve -db` on one
// database; a caseworker's two devices are connected one to each. A
// note pushed on node A pokes the device on node B within a second, B's
// pull has it, and the same command replayed on node B gets the original
// answer (exactly once across nodes).
func TestServeTwoNodesOnPostgreSQL(t *testing.T) {
	c := pgtest.Start(t)
	c.Exec(t, "postgres", "CREATE ROLE feltsagd_server LOGIN")
	db := c.NewDatabase(t)
	if _, _, err := feltsagd(t, "migrate", "-db", c.URL(db, ""), "-grant", "feltsagd_server"); err != nil {
		t.Fatal(err)
	}
	url := c.URL(db, "feltsagd_server")
	a := startServe(t, "-db", url, "-demo", "-demo-size", "45")
	b := startServe(t, "-db", url)
	var user, password, adminPassword string
	for _, m := range regexp.MustCompile(`(?m)^  (\S+)\s+(demo-\S+)\s+\S+`).FindAllStringSubmatch(a.stdout.String(), -1) {
		switch {
		case m[1] == DemoAdmin:
			adminPassword = m[2]
		case user == "":
			user, password = m[1], m[2]
		}
	}
	onA, wa := connectNode(t, a.addr, app.ID(user), password, "dev-node-a")
	onB, _ := connectNode(t, b.addr, app.ID(user), password, "dev-node-b")

	onA.send("q1", &wire.Pull{Cursor: app.Cursor{Epoch: wa.Cursor.Epoch}, Limit: 1})
	ch := onA.readType(wire.TypeChanges).Body.(*wire.Changes)
	if len(ch.Records) == 0 {
		t.Fatalf("%s has no cases", user)
	}
	rec := ch.Records[0]
	start := time.Now()
	push := wire.Push{Commands: []wire.PushCommand{{Seq: 1, Base: rec.Version, Command: app.Command{
		ID: "cmd-node-a", Sag: rec.ID, Actor: app.Actor{Rolle: app.RolleSagsbehandler, ID: app.ID(user)}, At: time.Now(),
		Body: &app.TilfoejNotat{NotatID: "n-node-a", Tekst: "fra node A"}}}}}
	onA.send("p1", &push)
	ack := onA.readType(wire.TypeAck).Body.(*wire.Ack)
	if len(ack.Results) != 1 || ack.Results[0].Status != app.AckApplied {
		t.Fatalf("push on A: %+v", ack.Results)
	}
	// The first demo caseworker has conflicts waiting (democonflicts.go):
	// their notices may come first.
	var poke *wire.Poke
	for poke == nil {
		f := onB.read(5 * time.Second)
		switch b := f.Body.(type) {
		case *wire.Poke:
			poke = b
		case *wire.ConflictNotice:
		default:
			t.Fatalf("the device on node B got %s, want a poke", f.Body.Type())
		}
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("push on A to poke on B took %v, want within a second", d)
	}
	t.Logf("push on A to poke on B: %v (poke at %v)", time.Since(start), poke.Cursor)

	onB.send("q2", &wire.Pull{Cursor: app.Cursor{Epoch: wa.Cursor.Epoch, Seq: poke.Cursor.Seq - 1}, Limit: 10})
	got := onB.readType(wire.TypeChanges).Body.(*wire.Changes)
	if len(got.Records) != 1 || got.Records[0].ID != rec.ID || got.Records[0].Seq != poke.Cursor.Seq || !strings.Contains(string(got.Records[0].Data), "fra node A") {
		var ids []string
		for _, r := range got.Records {
			ids = append(ids, fmt.Sprintf("%s@%d", r.ID, r.Seq))
		}
		t.Errorf("pull on B after the poke: %v, want %s with the note at %d", ids, rec.ID, poke.Cursor.Seq)
	}
	// The same command, replayed by the other device on the other node:
	// the original answer, not a second note.
	onB.send("p2", &push)
	again := onB.readType(wire.TypeAck).Body.(*wire.Ack)
	if len(again.Results) != 1 || again.Results[0].Status != app.AckDuplicate || again.Results[0].Version != ack.Results[0].Version {
		t.Errorf("replay on B: %+v, want duplicate of %+v", again.Results, ack.Results[0])
	}

	// The administrator disables the account on node A: its connection
	// on node B closes within a second (the disable goes over NOTIFY).
	admin := nodeLogin(t, a.addr, DemoAdmin, adminPassword, "dev-admin")
	req, _ := http.NewRequest(http.MethodPost, "http://"+a.addr+wire.PathAdmin+"accounts/"+user+"/disable", nil)
	req.Header.Set("Authorization", "Bearer "+admin.AccessToken)
	start = time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("disable on node A: %d", resp.StatusCode)
	}
	for {
		_ = onB.ws.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, _, err := onB.ws.ReadMessage()
		if err == nil {
			continue
		}
		var ce *websocket.CloseError
		if !errors.As(err, &ce) || ce.Code != wire.CloseUnauthorized {
			t.Fatalf("the disabled account's connection on node B: %v, want closed with %d", err, wire.CloseUnauthorized)
		}
		break
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("disable on A to close on B took %v, want within a second", d)
	}
	t.Logf("disable on A to close on B: %v", time.Since(start))

	// admin backup on PostgreSQL points to pg_dump.
	out, err := a.admin(t, DemoAdmin, adminPassword, "backup", filepath.Join(t.TempDir(), "backup.db"))
	if err == nil || !strings.Contains(err.Error(), "pg_dump") {
		t.Errorf("admin backup on PostgreSQL: %v\n%s\nwant a refusal that names pg_dump", err, out)
	}
}
