package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/sync/wire"
)

// Catalogue keys of the errors this package makes itself (assets/i18n).
// An error the server sent keeps the server's key.
const (
	KeyUnreachable    = "internal.sync.unreachable"  // the server cannot be reached or the connection dropped
	KeySessionExpired = "unauthorized.sync.session"  // the session or refresh token was refused: sign in again (the server's key)
	KeyLoginRefused   = "unauthorized.sync.login"    // wrong user name or password (the server's key)
	KeyDisabled       = "unauthorized.sync.disabled" // the account is disabled (the server's key)
	KeyWiped          = "unauthorized.sync.wiped"    // the server ordered this device wiped
	KeyReplaced       = "conflict.sync.replaced"     // another connection of this device took over
	KeyOutdated       = "invalid.sync.app_outdated"  // the server does not speak this protocol version
	KeyBadAnswer      = "invalid.sync.server_answer" // the server sent something this client cannot use
	KeyInsecureURL    = "invalid.sync.url_insecure"  // plain http/ws to a host that is not loopback
	KeyBadURL         = "invalid.sync.url"           // the server address cannot be used
)

// Session is what a sign-in or a refresh returns (docs/protocol.md §1.1,
// wire.Tokens). The caller keeps it (the refresh token rotates on every
// refresh) and hands it to a TokenSource.
type Session = wire.Tokens

// maxAuthBody is the most bytes read of a sign-in answer.
const maxAuthBody = 64 << 10

// Login signs user in from device (minted by the caller with app.NewID at
// the first sign-in and kept) and returns the session. baseURL is the
// server's address ("https://feltsag.example", or "wss://…"; plain http
// only on loopback). c is the HTTP client (nil: http.DefaultClient).
//
// Errors: unauthorized with the server's key for a wrong user name or
// password (KeyLoginRefused when the server gave none) or a disabled
// account (KeyDisabled); invalid (KeyInsecureURL, KeyBadURL) for an
// address that cannot be used; internal (KeyUnreachable) when the server
// cannot be reached, (KeyBadAnswer) for an answer that is not a session.
func Login(ctx context.Context, c *http.Client, baseURL, user, password string, device app.ID, deviceName string) (Session, error) {
	body := wire.LoginRequest{User: app.ID(user), Password: password, Device: device, DeviceName: deviceName}
	return postSession(ctx, c, baseURL, wire.PathLogin, body, device)
}

// Refresh trades a refresh token for a new session (the refresh token
// rotates: keep the new one). Errors as Login; a refused refresh token is
// unauthorized with KeySessionExpired unless the server named its own key.
func Refresh(ctx context.Context, c *http.Client, baseURL string, device app.ID, refreshToken string) (Session, error) {
	body := wire.RefreshRequest{Device: device, RefreshToken: refreshToken}
	s, err := postSession(ctx, c, baseURL, wire.PathRefresh, body, device)
	var e *app.Error
	if errors.As(err, &e) && e.Key == KeyLoginRefused {
		return s, app.Errorf(app.CodeUnauthorized, "", KeySessionExpired).Wrap(err)
	}
	return s, err
}

func postSession(ctx context.Context, c *http.Client, baseURL, path string, body any, device app.ID) (Session, error) {
	u, err := serverURL(baseURL, "http", path)
	if err != nil {
		return Session{}, err
	}
	b, err := json.Marshal(body)
	if err != nil {
		return Session{}, app.Internal(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(b))
	if err != nil {
		return Session{}, app.Errorf(app.CodeInvalid, "", KeyBadURL).Wrap(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		return Session{}, unreachable(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAuthBody))
	if err != nil {
		return Session{}, unreachable(err)
	}
	switch {
	case resp.StatusCode == http.StatusOK:
	case resp.StatusCode == http.StatusUnauthorized:
		return Session{}, serverError(raw, KeyLoginRefused)
	case resp.StatusCode == http.StatusForbidden:
		return Session{}, serverError(raw, KeyDisabled)
	default:
		return Session{}, app.Errorf(app.CodeInternal, "", KeyUnreachable).Wrap(errors.New("sign-in answered " + resp.Status))
	}
	var s Session
	if err := json.Unmarshal(raw, &s); err != nil {
		return Session{}, badAnswer(err)
	}
	if err := checkSession(s, device); err != nil {
		return Session{}, err
	}
	return s, nil
}

// checkSession refuses a session that cannot be used: no tokens, ids that
// are not ids, or another device than the one that asked.
func checkSession(s Session, device app.ID) error {
	if s.AccessToken == "" || s.RefreshToken == "" || s.Device != device {
		return badAnswer(errors.New("session without tokens or for another device"))
	}
	if err := s.Caseworker.Validate(); err != nil {
		return badAnswer(err)
	}
	return nil
}

// serverError reads the server's {"error": app.Error} body; without one it
// returns an unauthorized error with key def.
func serverError(raw []byte, def string) *app.Error {
	var body wire.HTTPError
	if json.Unmarshal(raw, &body) == nil && body.Error != nil && body.Error.Key != "" && body.Error.Code == app.CodeUnauthorized {
		return body.Error
	}
	return app.Errorf(app.CodeUnauthorized, "", def)
}

func unreachable(cause error) *app.Error {
	return app.Errorf(app.CodeInternal, "", KeyUnreachable).Wrap(cause)
}

func badAnswer(cause error) *app.Error {
	return app.Errorf(app.CodeInvalid, "", KeyBadAnswer).Wrap(cause)
}

// serverURL turns the server's base address into the URL of path with the
// scheme family kind ("http" or "ws"): https and wss become https or wss,
// http and ws become http or ws. Plain http and ws are refused unless the
// host is loopback (DESIGN §5: TLS for every other address).
func serverURL(base, kind, path string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(base))
	if err != nil || u.Host == "" || u.User != nil {
		return "", app.Errorf(app.CodeInvalid, "", KeyBadURL)
	}
	var secure bool
	switch u.Scheme {
	case "https", "wss":
		secure = true
	case "http", "ws":
		if !loopback(u.Hostname()) {
			return "", app.Errorf(app.CodeInvalid, "", KeyInsecureURL)
		}
	default:
		return "", app.Errorf(app.CodeInvalid, "", KeyBadURL)
	}
	u.Scheme = kind
	if secure {
		u.Scheme += "s"
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + path
	u.RawQuery, u.Fragment, u.RawPath = "", "", ""
	return u.String(), nil
}

// loopback reports whether host is this machine: "localhost" or a loopback
// address.
func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// TokenSource hands the engine the access token for the websocket upgrade.
// Token returns a current token, refreshing it when it has expired; the
// engine calls Refused when the server turned a token down (close 4003 or
// HTTP 401 at the upgrade), so that the next Token is a fresh one.
type TokenSource interface {
	Token(ctx context.Context) (string, error)
	Refused(ctx context.Context, token string) error
}

// Tokens is the TokenSource of a signed-in client: it holds the session,
// refreshes the access token shortly before it expires or when the server
// refused it, and tells the caller about every new session (to store the
// rotated refresh token). Safe for concurrent use.
type Tokens struct {
	base     string
	client   *http.Client
	now      func() time.Time
	onChange func(Session)

	mu sync.Mutex
	s  Session
}

// TokensOptions configure NewTokens; the zero value is usable.
type TokensOptions struct {
	Client   *http.Client     // nil: http.DefaultClient
	Now      func() time.Time // nil: time.Now
	OnChange func(Session)    // called after every refresh with the new session
}

// refreshMargin is how long before its expiry an access token is renewed.
const refreshMargin = time.Minute

// NewTokens returns a token source for session s on the server at baseURL.
func NewTokens(baseURL string, s Session, o TokensOptions) *Tokens {
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Tokens{base: baseURL, client: o.Client, now: o.Now, onChange: o.OnChange, s: s}
}

// Session returns the current session.
func (t *Tokens) Session() Session {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.s
}

// Set replaces the session, e.g. after the caseworker signed in again.
func (t *Tokens) Set(s Session) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.s = s
}

// Token implements TokenSource: the access token, refreshed first when it
// expires within a minute.
func (t *Tokens) Token(ctx context.Context) (string, error) {
	t.mu.Lock()
	if t.s.AccessToken != "" && t.now().Add(refreshMargin).Before(t.s.AccessExpires) {
		defer t.mu.Unlock()
		return t.s.AccessToken, nil
	}
	s, err := t.refreshLocked(ctx)
	t.mu.Unlock()
	if err != nil {
		return "", err
	}
	t.changed(s)
	return s.AccessToken, nil
}

// Refused implements TokenSource: it refreshes unless token is no longer
// the current one (another caller refreshed already).
func (t *Tokens) Refused(ctx context.Context, token string) error {
	t.mu.Lock()
	if token != t.s.AccessToken {
		t.mu.Unlock()
		return nil
	}
	s, err := t.refreshLocked(ctx)
	t.mu.Unlock()
	if err == nil {
		t.changed(s)
	}
	return err
}

// refreshLocked trades the refresh token for a new session; t.mu is held,
// so two callers never spend the same refresh token.
func (t *Tokens) refreshLocked(ctx context.Context) (Session, error) {
	if t.s.RefreshToken == "" || !t.now().Before(t.s.RefreshExpires) {
		return Session{}, app.Errorf(app.CodeUnauthorized, "", KeySessionExpired)
	}
	s, err := Refresh(ctx, t.client, t.base, t.s.Device, t.s.RefreshToken)
	if err != nil {
		return Session{}, err
	}
	t.s = s
	return s, nil
}

// changed tells the caller about a new session, outside the lock.
func (t *Tokens) changed(s Session) {
	if t.onChange != nil {
		t.onChange(s)
	}
}
