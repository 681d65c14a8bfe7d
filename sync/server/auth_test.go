package server_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"math/rand/v2"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/sync/server"
	"feltsag.dk/feltsag/sync/wire"
)

func TestPasswordHash(t *testing.T) {
	p := server.PasswordParams{Memory: 64, Time: 1, Threads: 1}
	rnd := seeded{rand.NewChaCha8([32]byte{1})}
	h, err := server.HashPassword("hemmelig", p, rnd)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("hash %q: want a PHC argon2id string with its parameters", h)
	}
	h2, _ := server.HashPassword("hemmelig", p, rnd)
	if h == h2 {
		t.Fatal("two hashes of one password are equal: the salt is not fresh")
	}
	tests := []struct {
		name, pw, hash string
		want           bool
		wantErr        bool
	}{
		{"right", "hemmelig", h, true, false},
		{"wrong", "Hemmelig", h, false, false},
		{"empty", "", h, false, false},
		{"not phc", "hemmelig", "hemmelig", false, true},
		{"argon2i", "hemmelig", strings.Replace(h, "argon2id", "argon2i", 1), false, true},
		{"huge memory", "hemmelig", strings.Replace(h, "m=64", "m=99999999", 1), false, true},
		{"no salt", "hemmelig", h[:strings.LastIndex(h[:len(h)-1], "$")] + "$$" + h[strings.LastIndex(h, "$")+1:], false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := server.VerifyPassword(tt.pw, tt.hash)
			if got != tt.want || (err != nil) != tt.wantErr {
				t.Fatalf("VerifyPassword = %v, %v; want %v, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestLoginAndRefresh(t *testing.T) {
	r := newRig(t)
	tok := r.caseworker("cw1", "dev-1")
	if tok.Caseworker != "cw1" || tok.Device != "dev-1" || len(tok.AccessToken) != 43 || tok.AccessToken == tok.RefreshToken {
		t.Fatalf("tokens %+v: want cw1 on dev-1 with two distinct 32-byte base64url tokens", tok)
	}
	if want := t0.Add(server.DefaultAccessTTL); !tok.AccessExpires.Equal(want) {
		t.Fatalf("access expires %v, want %v", tok.AccessExpires, want)
	}
	// The ledger keeps only hashes: the file holds neither token, and the
	// session is found under the SHA-256 of the access token.
	file, err := os.ReadFile(r.ledger.Path())
	if err != nil {
		t.Fatal(err)
	}
	for _, tk := range []string{tok.AccessToken, tok.RefreshToken} {
		raw, _ := base64.RawURLEncoding.DecodeString(tk)
		if bytes.Contains(file, []byte(tk)) || bytes.Contains(file, raw) {
			t.Error("the ledger file holds a token in clear")
		}
	}
	sum := sha256.Sum256([]byte(tok.AccessToken))
	if err := r.ledger.View(func(tx app.LedgerTx) error {
		s, err := tx.Session(sum[:])
		if err == nil && (s.Account != "cw1" || s.Device != "dev-1" || s.Kind != app.SessionAccess) {
			t.Errorf("session %+v", s)
		}
		return err
	}); err != nil {
		t.Fatalf("session by the token's SHA-256: %v", err)
	}

	var e wire.HTTPError
	unknown := r.post(wire.PathLogin, wire.LoginRequest{User: "nobody", Password: password, Device: "dev-9"}, &e)
	unknownKey := e.Error.Key
	wrong := r.post(wire.PathLogin, wire.LoginRequest{User: "cw1", Password: "forkert", Device: "dev-1"}, &e)
	if unknown != http.StatusUnauthorized || wrong != http.StatusUnauthorized || unknownKey != e.Error.Key {
		t.Fatalf("unknown user %d %s, wrong password %d %s: want the same 401", unknown, unknownKey, wrong, e.Error.Key)
	}

	// A device bound to cw1 is refused to cw2.
	if err := r.srv.CreateAccount("cw2", "To", app.RoleCaseworker, password); err != nil {
		t.Fatal(err)
	}
	if st := r.post(wire.PathLogin, wire.LoginRequest{User: "cw2", Password: password, Device: "dev-1"}, &e); st != http.StatusForbidden {
		t.Fatalf("cw2 on cw1's device: %d, want 403", st)
	}

	// Refresh rotates: the new pair works, the old refresh token does not.
	var next wire.Tokens
	if st := r.post(wire.PathRefresh, wire.RefreshRequest{Device: "dev-1", RefreshToken: tok.RefreshToken}, &next); st != http.StatusOK {
		t.Fatalf("refresh: %d", st)
	}
	if next.AccessToken == tok.AccessToken || next.RefreshToken == tok.RefreshToken || next.Caseworker != "cw1" {
		t.Fatalf("refresh gave %+v: want new tokens for cw1", next)
	}
	if st := r.post(wire.PathRefresh, wire.RefreshRequest{Device: "dev-1", RefreshToken: tok.RefreshToken}, &e); st != http.StatusUnauthorized {
		t.Fatalf("reused refresh token: %d, want 401", st)
	}
	if st := r.post(wire.PathRefresh, wire.RefreshRequest{Device: "dev-2", RefreshToken: next.RefreshToken}, &e); st != http.StatusUnauthorized {
		t.Fatalf("refresh token on another device: %d, want 401", st)
	}
	if _, resp, err := r.dial(tok.AccessToken, nil); err == nil || status(resp) != http.StatusUnauthorized {
		t.Fatalf("old access token after refresh: %v %d, want 401", err, status(resp))
	}

	// Disabled: login 403, even with the right password.
	if err := r.srv.DisableAccount("cw1"); err != nil {
		t.Fatal(err)
	}
	if st := r.post(wire.PathLogin, wire.LoginRequest{User: "cw1", Password: password, Device: "dev-1"}, &e); st != http.StatusForbidden || e.Error.Key != "unauthorized.sync.disabled" {
		t.Fatalf("disabled login: %d %s, want 403", st, e.Error.Key)
	}
	if st := r.post(wire.PathLogin, wire.LoginRequest{User: "cw1", Password: "forkert", Device: "dev-1"}, &e); st != http.StatusUnauthorized {
		t.Fatalf("disabled, wrong password: %d, want 401 (a wrong password tells nothing)", st)
	}
	if st := r.post(wire.PathRefresh, wire.RefreshRequest{Device: "dev-1", RefreshToken: next.RefreshToken}, &e); st != http.StatusUnauthorized {
		t.Fatalf("refresh after disable: %d, want 401", st)
	}
}

func TestUpgradeAuthMatrix(t *testing.T) {
	r := newRig(t)
	tok := r.caseworker("cw1", "dev-1")
	old := r.caseworker("cw2", "dev-2") // disabled below
	rev := r.caseworker("cw3", "dev-3") // revoked below
	exp := r.caseworker("cw4", "dev-4") // expires below
	if err := r.srv.DisableAccount("cw2"); err != nil {
		t.Fatal(err)
	}
	if err := r.srv.RevokeDevice("dev-3"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		token  string
		origin string
		want   int
	}{
		{"no token", "", "", http.StatusUnauthorized},
		{"garbage token", "xyz", "", http.StatusUnauthorized},
		{"refresh token as access", tok.RefreshToken, "", http.StatusUnauthorized},
		{"foreign origin", tok.AccessToken, "https://evil.example", http.StatusForbidden},
		{"disabled account", old.AccessToken, "", http.StatusUnauthorized}, // its sessions ended with the disable
		{"allowed origin", tok.AccessToken, "https://feltsag.example", http.StatusSwitchingProtocols},
		{"no origin", tok.AccessToken, "", http.StatusSwitchingProtocols},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			if tt.origin != "" {
				h.Set("Origin", tt.origin)
			}
			p, resp, err := r.dial(tt.token, h)
			if got := status(resp); got != tt.want {
				t.Fatalf("status %d (%v), want %d", got, err, tt.want)
			}
			if p != nil {
				_ = p.ws.Close()
			}
		})
	}
	t.Run("expired", func(t *testing.T) {
		r.clock.Add(server.DefaultAccessTTL + time.Second)
		defer r.clock.Add(-server.DefaultAccessTTL - time.Second)
		if _, resp, _ := r.dial(exp.AccessToken, nil); status(resp) != http.StatusUnauthorized {
			t.Fatalf("expired token: %d, want 401", status(resp))
		}
	})
	t.Run("revoked device is told to wipe", func(t *testing.T) {
		p, resp, err := r.dial(rev.AccessToken, nil)
		if err != nil {
			t.Fatalf("dial: %v %d", err, status(resp))
		}
		p.send("h1", &wire.Hello{Device: "dev-3", AppVersion: "1.0.0"})
		code, frames := p.closed()
		if code != wire.CloseWiped || len(frames) != 1 || frames[0].Body.Type() != wire.TypeWipe {
			t.Fatalf("close %d after %v, want one wipe then 4004", code, frames)
		}
	})
	t.Run("hello names another device", func(t *testing.T) {
		p, _, err := r.dial(tok.AccessToken, nil)
		if err != nil {
			t.Fatal(err)
		}
		p.send("h1", &wire.Hello{Device: "dev-3", AppVersion: "1.0.0"})
		if code, _ := p.closed(); code != wire.CloseUnauthorized {
			t.Fatalf("close %d, want 4003", code)
		}
	})
}

func TestDisableClosesLiveConnections(t *testing.T) {
	r := newRig(t)
	tok := r.caseworker("cw1", "dev-1")
	p, _ := r.connect(tok)
	if err := r.srv.DisableAccount("cw1"); err != nil {
		t.Fatal(err)
	}
	if code, _ := p.closed(); code != wire.CloseUnauthorized {
		t.Fatalf("close %d, want 4003", code)
	}
}

func TestRevokeWipesLiveConnection(t *testing.T) {
	r := newRig(t)
	tok := r.caseworker("cw1", "dev-1")
	p, _ := r.connect(tok)
	if err := r.srv.RevokeDevice("dev-1"); err != nil {
		t.Fatal(err)
	}
	code, frames := p.closed()
	if code != wire.CloseWiped || len(frames) == 0 || frames[len(frames)-1].Body.Type() != wire.TypeWipe {
		t.Fatalf("close %d after %v, want wipe then 4004", code, frames)
	}
}

func TestNewerConnectionReplacesOlder(t *testing.T) {
	r := newRig(t, func(o *server.Options) { o.MaxConnsPerUser = 2 })
	tok := r.caseworker("cw1", "dev-1")
	first, _ := r.connect(tok)
	second, _ := r.connect(tok)
	if code, _ := first.closed(); code != wire.CloseReplaced {
		t.Fatalf("older connection closed with %d, want 4009", code)
	}
	second.send("ping1", &wire.Ping{})
	if f := second.readType(wire.TypePong); f.ID != "ping1" {
		t.Fatalf("pong id %s", f.ID)
	}
	// Two other devices: the third connection of the account is refused.
	t2 := r.mustLogin("cw1", password, "dev-2")
	t3 := r.mustLogin("cw1", password, "dev-3")
	r.connect(t2)
	p3, _, err := r.dial(t3.AccessToken, nil)
	if err != nil {
		t.Fatal(err)
	}
	if code, _ := p3.closed(); code != wire.CloseRateLimited {
		t.Fatalf("third connection closed with %d, want 4029", code)
	}
}

func TestHelloTimeout(t *testing.T) {
	r := newRig(t, func(o *server.Options) { o.HelloTimeout = 100 * time.Millisecond })
	tok := r.caseworker("cw1", "dev-1")
	p, _, err := r.dial(tok.AccessToken, nil)
	if err != nil {
		t.Fatal(err)
	}
	if code, _ := p.closed(); code != wire.CloseBadFrame {
		t.Fatalf("close %d, want 4000 when no hello comes", code)
	}
}
