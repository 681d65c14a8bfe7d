package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/sync/client"
)

// The device of the tests, and the start of their injected time.
const testDevice app.ID = "dev-1"

var epoch0 = time.Date(2026, 3, 12, 9, 0, 0, 0, time.UTC)

// authServer plays the sign-in endpoints of docs/protocol.md §1: user cw1
// with password "rigtigt" signs in, "spaerret" is disabled; each refresh
// rotates the refresh token.
type authServer struct {
	t   *testing.T
	srv *httptest.Server
	now time.Time

	mu        sync.Mutex
	refreshes []string // refresh tokens presented
	n         int
}

func newAuthServer(t *testing.T) *authServer {
	a := &authServer{t: t, now: epoch0}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/login", a.login)
	mux.HandleFunc("POST /v1/refresh", a.refresh)
	a.srv = httptest.NewServer(mux)
	t.Cleanup(a.srv.Close)
	return a
}

func (a *authServer) session(w http.ResponseWriter, device string) {
	a.n++
	s := map[string]any{
		"caseworker": "cw1", "device": device,
		"access_token": "access-" + itoa(a.n), "access_expires": a.now.Add(time.Hour),
		"refresh_token": "refresh-" + itoa(a.n), "refresh_expires": a.now.Add(30 * 24 * time.Hour),
		"server_key": "",
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(s)
}

func itoa(n int) string { return strconv.Itoa(n) }

func (a *authServer) refreshCount() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.refreshes)
}

func refuseJSON(w http.ResponseWriter, status int, key string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": app.Errorf(app.CodeUnauthorized, "", key)})
}

func (a *authServer) login(w http.ResponseWriter, r *http.Request) {
	var body struct{ User, Password, Device, DeviceName string }
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		http.Error(w, "bad body", http.StatusBadRequest)
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	switch {
	case body.User == "spaerret":
		refuseJSON(w, http.StatusForbidden, "unauthorized.sync.disabled")
	case body.User != "cw1" || body.Password != "rigtigt":
		refuseJSON(w, http.StatusUnauthorized, "unauthorized.sync.login")
	default:
		a.session(w, body.Device)
	}
}

func (a *authServer) refresh(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Device       string `json:"device"`
		RefreshToken string `json:"refresh_token"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		http.Error(w, "bad body", http.StatusBadRequest)
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.refreshes = append(a.refreshes, body.RefreshToken)
	if body.RefreshToken != "refresh-"+itoa(a.n) {
		w.WriteHeader(http.StatusUnauthorized) // no body: the client's own key
		return
	}
	a.session(w, body.Device)
}

func keyOf(err error) string {
	var e *app.Error
	if errors.As(err, &e) {
		return e.Key
	}
	return ""
}

func TestLogin(t *testing.T) {
	a := newAuthServer(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name, url, user, password string
		wantKey                   string
	}{
		{"signed in", a.srv.URL, "cw1", "rigtigt", ""},
		{"wss base on loopback", "ws" + a.srv.URL[len("http"):], "cw1", "rigtigt", ""},
		{"wrong password: the server's key", a.srv.URL, "cw1", "forkert", "unauthorized.sync.login"},
		{"disabled account", a.srv.URL, "spaerret", "rigtigt", "unauthorized.sync.disabled"},
		{"plain http to another host", "http://feltsag.example", "cw1", "rigtigt", client.KeyInsecureURL},
		{"plain ws to another host", "ws://10.0.0.1:8080", "cw1", "rigtigt", client.KeyInsecureURL},
		{"not a URL", "feltsag", "cw1", "rigtigt", client.KeyBadURL},
		{"ftp", "ftp://localhost", "cw1", "rigtigt", client.KeyBadURL},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := client.Login(ctx, nil, tc.url, tc.user, tc.password, testDevice, "laptop")
			if got := keyOf(err); got != tc.wantKey || (tc.wantKey == "" && err != nil) {
				t.Fatalf("Login = %v (key %q), want key %q", err, got, tc.wantKey)
			}
			if tc.wantKey == "" && (s.Caseworker != "cw1" || s.Device != testDevice || s.AccessToken == "" || s.RefreshToken == "") {
				t.Errorf("session %+v", s)
			}
		})
	}
	// A server that cannot be reached.
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	if _, err := client.Login(ctx, nil, dead.URL, "cw1", "rigtigt", testDevice, "laptop"); keyOf(err) != client.KeyUnreachable {
		t.Errorf("Login to a closed server = %v, want %s", err, client.KeyUnreachable)
	}
}

func TestTokensRefresh(t *testing.T) {
	a := newAuthServer(t)
	ctx := context.Background()
	s, err := client.Login(ctx, nil, a.srv.URL, "cw1", "rigtigt", testDevice, "laptop")
	if err != nil {
		t.Fatal(err)
	}
	now := epoch0
	var changed []client.Session
	tok := client.NewTokens(a.srv.URL, s, client.TokensOptions{
		Now:      func() time.Time { return now },
		OnChange: func(s client.Session) { changed = append(changed, s) },
	})
	if got, err := tok.Token(ctx); err != nil || got != s.AccessToken {
		t.Fatalf("Token = %q, %v; want the signed-in token", got, err)
	}
	// Near expiry: renewed with the refresh token, which rotates.
	now = epoch0.Add(time.Hour - 30*time.Second)
	got, err := tok.Token(ctx)
	if err != nil || got == s.AccessToken {
		t.Fatalf("Token near expiry = %q, %v; want a new one", got, err)
	}
	if len(changed) != 1 || changed[0].AccessToken != got || changed[0].RefreshToken == s.RefreshToken {
		t.Errorf("OnChange %+v, want one new session with a rotated refresh token", changed)
	}
	// A refusal of an old token changes nothing; of the current one renews.
	if err := tok.Refused(ctx, s.AccessToken); err != nil || len(changed) != 1 {
		t.Errorf("Refused(old) = %v, %d changes; want nothing done", err, len(changed))
	}
	if err := tok.Refused(ctx, got); err != nil || len(changed) != 2 {
		t.Errorf("Refused(current) = %v, %d changes; want a refresh", err, len(changed))
	}
	// The server no longer knows the refresh token: sign in again.
	tok.Set(client.Session{Caseworker: "cw1", Device: testDevice, AccessToken: "x", AccessExpires: now, RefreshToken: "stale", RefreshExpires: now.Add(time.Hour)})
	if _, err := tok.Token(ctx); keyOf(err) != client.KeySessionExpired {
		t.Errorf("Token with a refused refresh token = %v, want %s", err, client.KeySessionExpired)
	}
	// An expired refresh token is not even sent.
	before := a.refreshCount()
	tok.Set(client.Session{Caseworker: "cw1", Device: testDevice, RefreshToken: "r", RefreshExpires: now.Add(-time.Second)})
	if _, err := tok.Token(ctx); keyOf(err) != client.KeySessionExpired || a.refreshCount() != before {
		t.Errorf("Token with an expired refresh token = %v (%d refreshes sent), want %s and none", err, a.refreshCount()-before, client.KeySessionExpired)
	}
}
