package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/app/demo"
	"feltsag.dk/feltsag/sync/wire"
)

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var listening = regexp.MustCompile(`lytter på ws://([0-9.:]+)/v1/sync`)

// TestServeDemo starts `feltsagd serve --demo` on a free loopback port and
// checks what make demo and a client rely on: the printed demo accounts
// sign in, an upgrade without a token is refused, /healthz and /metrics
// answer, and the server stops cleanly when its context ends.
// demoServer is a running `feltsagd serve --demo`.
type demoServer struct {
	addr   string
	stdout *syncBuffer
	stderr *syncBuffer
	stop   func() error
}

// startDemo starts `feltsagd serve --demo` with size citizens on a free
// loopback port and waits until it listens.
func startDemo(t *testing.T, size int) *demoServer {
	t.Helper()
	return startServe(t, "-demo", "-demo-size", strconv.Itoa(size), "-demo-dir", t.TempDir())
}

// startServe starts `feltsagd serve` with args on a free loopback port
// and waits until it listens.
func startServe(t *testing.T, args ...string) *demoServer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	d := &demoServer{stdout: &syncBuffer{}, stderr: &syncBuffer{}}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append(append([]string{"serve"}, args...), "-addr", "127.0.0.1:0"),
			func(k string) string {
				if k == "LANG" {
					return "da_DK.UTF-8"
				}
				return ""
			}, d.stdout, d.stderr)
	}()
	stopped := false
	d.stop = func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(10 * time.Second):
			return errors.New("serve did not stop")
		}
	}
	t.Cleanup(func() { _ = d.stop() })
	for deadline := time.Now().Add(60 * time.Second); ; {
		if m := listening.FindStringSubmatch(d.stdout.String()); m != nil {
			d.addr = m[1]
			return d
		}
		select {
		case err := <-done:
			stopped = true
			t.Fatalf("serve stopped: %v\nstdout:\n%s\nstderr:\n%s", err, d.stdout.String(), d.stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start:\n%s\n%s", d.stdout.String(), d.stderr.String())
		}
	}
}

// TestServeDemo starts `feltsagd serve --demo` on a free loopback port and
// checks what make demo and a client rely on: the printed demo accounts
// sign in, an upgrade without a token is refused, /healthz and /metrics
// answer, and the server stops cleanly when its context ends.
func TestServeDemo(t *testing.T) {
	d := startDemo(t, 45)
	addr, stdout, stderr := d.addr, d.stdout, d.stderr
	base := "http://" + addr
	out := stdout.String()
	m := regexp.MustCompile(`(?m)^  (\S+)\s+(demo-\S+)\s+\S+`).FindAllStringSubmatch(out, -1)
	if len(m) != 3+demo.AntalKonsulenter { // admin + 2 caseworkers for 45 citizens + the field kit's consultants
		t.Fatalf("demo accounts printed: %d, want %d\n%s", len(m), 3+demo.AntalKonsulenter, out)
	}
	if !strings.Contains(out, "virksomheder hos hold") {
		t.Errorf("the demo's companies are not printed:\n%s", out)
	}

	body, _ := json.Marshal(wire.LoginRequest{User: app.ID(m[1][1]), Password: m[1][2], Device: "dev-serve-test", DeviceName: "test"})
	resp, err := http.Post(base+wire.PathLogin, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), "access_token") {
		t.Fatalf("login as %s: %d %s", m[1][1], resp.StatusCode, b)
	}

	bad, _ := json.Marshal(wire.LoginRequest{User: app.ID(m[1][1]), Password: "forkert", Device: "dev-serve-test", DeviceName: "test"})
	resp, err = http.Post(base+wire.PathLogin, "application/json", bytes.NewReader(bad))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong password: %d, want 401", resp.StatusCode)
	}

	_, resp, err = websocket.DefaultDialer.Dial("ws://"+addr+wire.PathSync, nil)
	if err == nil {
		t.Fatal("upgrade without a token accepted")
	}
	if resp == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("upgrade without a token: %v, want 401", resp)
	}

	for path, want := range map[string]string{wire.PathHealth: "ok", "/metrics": "feltsagd_logins_total 1"} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), want) {
			t.Errorf("GET %s: %d, want 200 with %q", path, resp.StatusCode, want)
		}
	}
	if strings.Contains(stderr.String(), m[1][2]) {
		t.Error("a password reached the log")
	}

	if err := d.stop(); err != nil {
		t.Errorf("serve returned %v after its context ended", err)
	}
}

func TestServeRefusesPlainOnEveryInterface(t *testing.T) {
	var stdout, stderr syncBuffer
	err := run(context.Background(), []string{"serve", "-addr", "0.0.0.0:0", "-data", t.TempDir() + "/l.db"},
		func(string) string { return "" }, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Fatalf("err = %v, want a refusal naming loopback", err)
	}
}
