package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

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
