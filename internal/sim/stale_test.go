package sim

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/testkit"
	"feltsag.dk/feltsag/store/ledger"
	"feltsag.dk/feltsag/sync/client"
	"feltsag.dk/feltsag/sync/server"
	"feltsag.dk/feltsag/sync/wire"
)

// TestStaleUpgradeReplacesLive pins down a failure class the simulator
// found ("stale upgrade replaces the live connection (4009)"): an upgrade
// of a device that arrives after the device's live, welcomed connection
// (its sender gone: a killed app, an abandoned handshake) replaced the
// live one with 4009, and the client then stopped for good. The server
// now makes a connection its device's at the hello, not at the upgrade
// (sync/server hub.claim).
func TestStaleUpgradeReplacesLive(t *testing.T) {
	led, err := ledger.Open(filepath.Join(t.TempDir(), "ledger.db"), ledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer led.Close()
	srv, err := server.New(server.Options{Ledger: led, Engine: testkit.Engine(t), Logger: slog.New(slog.DiscardHandler),
		Password:  server.PasswordParams{Memory: 64, Time: 1, Threads: 1},
		RuleFiles: []wire.RuleFile{{Name: "regelsaet.csv", Data: "version,navn\n"}}})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	defer srv.Close()
	if err := srv.CreateAccount("cw1", "Sagsbehandler", app.RoleCaseworker, password); err != nil {
		t.Fatal(err)
	}
	sess, err := client.Login(context.Background(), nil, ts.URL, "cw1", password, "dev-1", "laptop")
	if err != nil {
		t.Fatal(err)
	}
	addr := ts.Listener.Addr().String()

	// The stale upgrade: all of it but the blank line that ends it.
	stale, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer stale.Close()
	fmt.Fprintf(stale, "GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer %s\r\n",
		wire.PathSync, addr, sess.AccessToken)

	// The live connection: upgraded and welcomed.
	live, _, err := websocket.DefaultDialer.Dial("ws://"+addr+wire.PathSync, http.Header{"Authorization": {"Bearer " + sess.AccessToken}})
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	kc := &killConn{ws: live}
	if f, err := kc.call(&wire.Hello{Device: "dev-1", AppVersion: "1.0.0"}); err != nil {
		t.Fatal(err)
	} else if _, ok := f.Body.(*wire.Welcome); !ok {
		t.Fatalf("hello answered %s", f.Body.Type())
	}

	// The stale upgrade completes as its sender goes away.
	if _, err := stale.Write([]byte("\r\n")); err != nil {
		t.Fatal(err)
	}
	_ = stale.Close()

	_ = live.SetReadDeadline(time.Now().Add(2 * time.Second))
	_, _, err = live.ReadMessage()
	var ce *websocket.CloseError
	if errors.As(err, &ce) && ce.Code == wire.CloseReplaced {
		t.Fatal("the live, welcomed connection was replaced (4009) by a stale upgrade of the same device")
	}
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("the live connection ended: %v", err)
	}
}
