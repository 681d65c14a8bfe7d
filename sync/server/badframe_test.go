package server_test

import (
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/sync/server"
	"feltsag.dk/feltsag/sync/wire"
)

// TestBadFrames sends each bad frame after an applied command and checks
// the close code, the error before it, and that the command is still
// there, exactly once, after reconnecting.
func TestBadFrames(t *testing.T) {
	big := `{"v":1,"type":"ping","body":{},"x":"` + strings.Repeat("a", wire.MaxFrame) + `"}`
	deep := `{"v":1,"type":"ping","body":` + strings.Repeat("[", 1000) + strings.Repeat("]", 1000) + `}`
	tests := []struct {
		name    string
		frame   []byte
		binary  bool
		code    int
		errKey  string // the error frame before the close; "" for none
		noHello bool
	}{
		{"64 KiB + 1", []byte(big[:wire.MaxFrame+1]), false, websocket.CloseMessageTooBig, "", false},
		{"invalid UTF-8", []byte("{\"v\":1,\"type\":\"ping\",\"body\":{\"x\":\"\xff\"}}"), false, wire.CloseBadFrame, "wire.utf8", false},
		{"duplicate key", []byte(`{"v":1,"type":"ping","type":"ping","body":{}}`), false, wire.CloseBadFrame, "wire.duplicate_key", false},
		{"case-variant key", []byte(`{"v":1,"type":"ping","Type":"ping","body":{}}`), false, wire.CloseBadFrame, "wire.case_key", false},
		{"nesting 1000 deep", []byte(deep), false, wire.CloseBadFrame, "wire.depth", false},
		{"number 1e309", []byte(`{"v":1,"type":"pull","id":"q","body":{"cursor":{"epoch":1e309,"seq":0}}}`), false, wire.CloseBadFrame, "wire.number", false},
		{"number 2^64", []byte(`{"v":1,"type":"pull","id":"q","body":{"cursor":{"epoch":18446744073709551616,"seq":0}}}`), false, wire.CloseBadFrame, "wire.number", false},
		{"negative HLC", []byte(`{"v":1,"type":"push","id":"p","body":{"commands":[{"seq":1,"command":{"id":"c-9","sag":"sag-1","actor":{"rolle":"sagsbehandler"},"at":"2026-03-12T09:30:00Z","kind":"tilfoej_notat","body":{"notat_id":"n-9","tekst":"x"}},"base":1,"hlc":"-00000000001.0000.dev-1"}]}}`), false, wire.CloseBadFrame, "invalid.hlc", false},
		{"version 2", []byte(`{"v":2,"type":"ping","body":{}}`), false, wire.CloseVersion, "wire.version", false},
		{"binary frame", []byte(`{"v":1,"type":"ping","body":{}}`), true, wire.CloseBadFrame, "invalid.sync.binary", false},
		{"server-only message", []byte(`{"v":1,"type":"poke","body":{"cursor":{"epoch":1,"seq":1}}}`), false, wire.CloseBadFrame, "invalid.sync.unexpected", false},
		{"push before hello", []byte(`{"v":1,"type":"ping","body":{}}`), false, wire.CloseBadFrame, "invalid.sync.hello_first", true},
	}
	r := newRig(t)
	tok := r.caseworker("cw1", "dev-1")
	r.seed("sag-1", "cw1")
	p, _ := r.connect(tok)
	wantStatus(t, p.push(cmd(1, "c-1", "sag-1", "cw1", 1, notat("før", "n-1")))[0], app.AckApplied, "")
	_ = p.ws.Close()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p *peer
			if tt.noHello {
				var err error
				if p, _, err = r.dial(tok.AccessToken, nil); err != nil {
					t.Fatal(err)
				}
			} else {
				p, _ = r.connect(tok)
			}
			mt := websocket.TextMessage
			if tt.binary {
				mt = websocket.BinaryMessage
			}
			if err := p.ws.WriteMessage(mt, tt.frame); err != nil {
				t.Fatal(err)
			}
			code, frames := p.closed()
			if code != tt.code {
				t.Fatalf("close %d, want %d (frames %v)", code, tt.code, frames)
			}
			if tt.errKey != "" {
				if len(frames) != 1 || frames[0].Body.Type() != wire.TypeError || frames[0].Body.(*wire.Error).Key != tt.errKey {
					t.Fatalf("frames before the close %+v, want one error %s", frames, tt.errKey)
				}
			}
			// Nothing lost: the earlier command is there once, and a
			// replay is a duplicate.
			q, _ := r.connect(tok)
			wantStatus(t, q.push(cmd(1, "c-1", "sag-1", "cw1", 1, notat("før", "n-1")))[0], app.AckDuplicate, "")
			if _, s := r.record("sag-1"); len(s.Notater) != 1 || s.Version != 2 {
				t.Fatalf("case v%d with %d notes, want v2 with 1", s.Version, len(s.Notater))
			}
			_ = q.ws.Close()
		})
	}
}

// TestFloodIsRateLimited: a connection over its bucket gets an error with
// retry_after_ms and 4029; a drain of 5,000 commands (20 pushes) is not.
func TestFloodIsRateLimited(t *testing.T) {
	r := newRig(t, func(o *server.Options) { o.RateLimit, o.RateBurst = 1, 50 })
	tok := r.caseworker("cw1", "dev-1")
	r.seed("sag-1", "cw1")
	p, _ := r.connect(tok)
	for range 60 {
		if err := p.ws.WriteMessage(websocket.TextMessage, []byte(`{"v":1,"type":"ping","body":{}}`)); err != nil {
			break
		}
	}
	code, frames := p.closed()
	last := frames[len(frames)-1].Body.(*wire.Error)
	if code != wire.CloseRateLimited || last.RetryAfterMS <= 0 {
		t.Fatalf("close %d after %+v, want 4029 with retry_after_ms", code, last)
	}
}

func TestDrainFiveThousandCommands(t *testing.T) {
	r := newRig(t) // default limits
	tok := r.caseworker("cw1", "dev-1")
	for i := range 50 {
		r.seed(app.ID("sag-"+itoa(i)), "cw1")
	}
	p, _ := r.connect(tok)
	var cmds []wire.PushCommand
	for i := 1; i <= 5000; i++ {
		cmds = append(cmds, cmd(uint64(i), app.ID("c-"+itoa(i)), app.ID("sag-"+itoa(i%50)), "cw1", 1, notat("n", app.ID("n-"+itoa(i)))))
	}
	start := time.Now()
	pushes, err := wire.SplitPush(cmds)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, ps := range pushes {
		for _, res := range p.push(ps.Commands...) {
			if res.Status != app.AckApplied {
				t.Fatalf("%s: %+v", res.Command, res)
			}
			n++
		}
	}
	if n != 5000 {
		t.Fatalf("%d acks", n)
	}
	t.Logf("5,000 commands over 50 cases in %d pushes: %v", len(pushes), time.Since(start))
}

// TestPullsHaveTheirOwnBucket: a first sync of 20,000 cases is 800 pulls
// back to back; with the default limits none is refused and the frame
// bucket stays full (a push after them is applied). A flood of pulls past
// the pull bucket is still cut off with 4029 and retry_after_ms.
func TestPullsHaveTheirOwnBucket(t *testing.T) {
	t.Run("first sync", func(t *testing.T) {
		r := newRig(t) // default limits
		tok := r.caseworker("cw1", "dev-1")
		r.seed("sag-1", "cw1")
		p, _ := r.connect(tok)
		for i := range 800 {
			if ch := p.pull(app.Cursor{}, 1); ch == nil {
				t.Fatalf("pull %d got no changes", i+1)
			}
		}
		wantStatus(t, p.push(cmd(1, "c-1", "sag-1", "cw1", 1, notat("efter", "n-1")))[0], app.AckApplied, "")
		_ = p.ws.Close()
	})
	t.Run("flood", func(t *testing.T) {
		r := newRig(t, func(o *server.Options) { o.PullRateLimit, o.PullRateBurst = 1, 50 })
		tok := r.caseworker("cw1", "dev-1")
		p, _ := r.connect(tok)
		pull, err := wire.Encode(wire.Frame{ID: "p-1", Body: &wire.Pull{}})
		if err != nil {
			t.Fatal(err)
		}
		for range 60 {
			if err := p.ws.WriteMessage(websocket.TextMessage, pull); err != nil {
				break
			}
		}
		code, frames := p.closed()
		if len(frames) == 0 {
			t.Fatalf("closed %d with no frames, want an error with retry_after_ms", code)
		}
		last, ok := frames[len(frames)-1].Body.(*wire.Error)
		if code != wire.CloseRateLimited || !ok || last.RetryAfterMS <= 0 {
			t.Fatalf("close %d after %+v, want 4029 with retry_after_ms", code, frames[len(frames)-1].Body)
		}
	})
}
