package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/argon2"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/sync/wire"
)

// PasswordParams are the Argon2id cost parameters for new password hashes.
// A hash carries its own parameters, so changing these never invalidates
// stored hashes.
type PasswordParams struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
}

// DefaultPasswordParams returns OWASP's Argon2id recommendation (19 MiB, 2
// passes, 1 lane): a login costs ~20 ms and 19 MiB on the server.
func DefaultPasswordParams() PasswordParams {
	return PasswordParams{Memory: 19 * 1024, Time: 2, Threads: 1}
}

const (
	saltLen = 16
	keyLen  = 32
	// maxParam bounds the parameters read from a stored hash, so a
	// corrupt ledger cannot make a login allocate without limit.
	maxMemory = 1 << 21 // 2 GiB in KiB
)

// HashPassword returns the Argon2id PHC string of password with a fresh
// salt read from rand: "$argon2id$v=19$m=…,t=…,p=…$salt$hash" (salt and
// hash in unpadded standard base64, as the PHC format has it).
func HashPassword(password string, p PasswordParams, rand io.Reader) (string, error) {
	if p.Memory == 0 || p.Time == 0 || p.Threads == 0 {
		return "", fmt.Errorf("argon2 parameters must be positive: %+v", p)
	}
	salt := make([]byte, saltLen)
	if _, err := io.ReadFull(rand, salt); err != nil {
		return "", fmt.Errorf("read salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, keyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// VerifyPassword reports whether password matches the PHC hash, comparing
// in constant time. A malformed hash is an error, never a match.
func VerifyPassword(password, hash string) (bool, error) {
	p, salt, key, err := parsePHC(hash)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

var errPHC = errors.New("malformed argon2id hash")

func parsePHC(s string) (PasswordParams, []byte, []byte, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return PasswordParams{}, nil, nil, errPHC
	}
	var p PasswordParams
	for _, kv := range strings.Split(parts[3], ",") {
		k, v, ok := strings.Cut(kv, "=")
		n, err := strconv.ParseUint(v, 10, 32)
		if !ok || err != nil || n == 0 {
			return PasswordParams{}, nil, nil, errPHC
		}
		switch k {
		case "m":
			p.Memory = uint32(n)
		case "t":
			p.Time = uint32(n)
		case "p":
			if n > 255 {
				return PasswordParams{}, nil, nil, errPHC
			}
			p.Threads = uint8(n)
		default:
			return PasswordParams{}, nil, nil, errPHC
		}
	}
	if p.Memory == 0 || p.Time == 0 || p.Threads == 0 || p.Memory > maxMemory || p.Time > 64 {
		return PasswordParams{}, nil, nil, errPHC
	}
	enc := base64.RawStdEncoding
	salt, err1 := enc.DecodeString(parts[4])
	key, err2 := enc.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(key) < 16 {
		return PasswordParams{}, nil, nil, errPHC
	}
	return p, salt, key, nil
}

// tokenBytes is the length of a session token before encoding.
const tokenBytes = 32

// newToken returns a fresh token (32 random bytes, unpadded base64url) and
// the SHA-256 the ledger keeps of it.
func (s *Server) newToken() (string, []byte, error) {
	b := make([]byte, tokenBytes)
	if _, err := io.ReadFull(s.rand, b); err != nil {
		return "", nil, app.Internal(fmt.Errorf("read token: %w", err))
	}
	tok := base64.RawURLEncoding.EncodeToString(b)
	return tok, hashToken(tok), nil
}

func hashToken(tok string) []byte {
	h := sha256.Sum256([]byte(tok))
	return h[:]
}

// Catalogue keys of the refusals of sign-in. Unknown user and wrong
// password give the same answer, so nobody learns which user names exist.
const (
	keyLogin        = "unauthorized.sync.login"
	keySession      = "unauthorized.sync.session"
	keyDisabled     = "unauthorized.sync.disabled"
	keyDeviceOther  = "unauthorized.sync.device_other"
	keyOrigin       = "unauthorized.sync.origin"
	keyTooManyConns = "unauthorized.sync.connections"
)

func errLogin() *app.Error        { return app.Errorf(app.CodeUnauthorized, "", keyLogin) }
func errSession() *app.Error      { return app.Errorf(app.CodeUnauthorized, "", keySession) }
func errDisabled() *app.Error     { return app.Errorf(app.CodeUnauthorized, "", keyDisabled) }
func errDeviceOther() *app.Error  { return app.Errorf(app.CodeUnauthorized, "", keyDeviceOther) }
func errOrigin() *app.Error       { return app.Errorf(app.CodeUnauthorized, "", keyOrigin) }
func errTooManyConns() *app.Error { return app.Errorf(app.CodeUnauthorized, "", keyTooManyConns) }
func errRequest() *app.Error      { return app.Errorf(app.CodeInvalid, "", "invalid.sync.request") }

// httpStatus maps a refusal to its HTTP status: 403 for a known person who
// may not (disabled, a device of another account or revoked, a foreign
// Origin), 401 for an unknown one, 429 for too many connections, 413 for a
// sealed delivery over its size, 404 for what does not exist and 409 for
// what exists already (the admin API).
func httpStatus(e *app.Error) int {
	switch e.Key {
	case keyDisabled, keyDeviceOther, keyOrigin, keyRevoked:
		return http.StatusForbidden
	case keyTooManyConns, keySealedRate:
		return http.StatusTooManyRequests
	case keySealedLarge:
		return http.StatusRequestEntityTooLarge
	}
	switch e.Code {
	case app.CodeUnauthorized:
		return http.StatusUnauthorized
	case app.CodeInvalid:
		return http.StatusBadRequest
	case app.CodeNotFound:
		return http.StatusNotFound
	case app.CodeConflict:
		return http.StatusConflict
	}
	return http.StatusInternalServerError
}

func (s *Server) writeHTTPError(w http.ResponseWriter, e *app.Error) {
	if e.Code == app.CodeInternal {
		s.log.Error("http internal error", "err", app.Describe(e))
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(httpStatus(e))
	_ = json.NewEncoder(w).Encode(wire.HTTPError{Error: e})
}

// readJSON decodes a small JSON request body strictly.
func readJSON(w http.ResponseWriter, r *http.Request, v any) *app.Error {
	body := http.MaxBytesReader(w, r.Body, 4096)
	b, err := io.ReadAll(body)
	if err != nil {
		return errRequest()
	}
	if err := app.DecodeStrict(b, v); err != nil {
		return errRequest()
	}
	return nil
}

// handleLogin serves POST /v1/login.
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	var req wire.LoginRequest
	if e := readJSON(w, r, &req); e != nil {
		s.writeHTTPError(w, e)
		return
	}
	if req.User.Validate() != nil || req.Device.Validate() != nil || len(req.DeviceName) > 200 {
		s.stats.loginsFailed.Add(1)
		s.writeHTTPError(w, errLogin())
		return
	}
	toks, e := s.login(req)
	if e != nil {
		s.stats.loginsFailed.Add(1)
		s.writeHTTPError(w, e)
		return
	}
	s.stats.logins.Add(1)
	writeTokens(w, toks)
}

func writeTokens(w http.ResponseWriter, t wire.Tokens) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(t)
}

// dummyHash is verified when the user does not exist, so an unknown user
// costs the same time as a wrong password.
func (s *Server) dummyVerify(password string) {
	_, _ = VerifyPassword(password, s.dummyHash)
}

func (s *Server) login(req wire.LoginRequest) (wire.Tokens, *app.Error) {
	var acc app.Account
	err := s.ledger.View(func(tx app.LedgerTx) error {
		var err error
		acc, err = tx.Account(req.User)
		return err
	})
	if isNotFound(err) {
		s.dummyVerify(req.Password)
		return wire.Tokens{}, errLogin()
	}
	if err != nil {
		return wire.Tokens{}, app.AsError(err)
	}
	ok, err := VerifyPassword(req.Password, acc.Password)
	if err != nil {
		s.log.Error("stored password hash unreadable", "account", string(acc.ID))
		return wire.Tokens{}, errLogin()
	}
	if !ok {
		return wire.Tokens{}, errLogin()
	}
	if acc.Disabled {
		return wire.Tokens{}, errDisabled()
	}
	return s.issue(acc.ID, req.Device, req.DeviceName, nil)
}

// issue enrols the device if it is new (refusing one bound to another
// account), removes the device's earlier sessions and issues a fresh access
// and refresh token. When refresh is set, it must still be the device's
// refresh session (checked in the same transaction, so a refresh token
// rotates exactly once).
func (s *Server) issue(account, device app.ID, name string, refresh []byte) (wire.Tokens, *app.Error) {
	now := s.now()
	access, accessHash, err := s.newToken()
	if err != nil {
		return wire.Tokens{}, app.AsError(err)
	}
	ref, refHash, err := s.newToken()
	if err != nil {
		return wire.Tokens{}, app.AsError(err)
	}
	out := wire.Tokens{Caseworker: account, Device: device, AccessToken: access, AccessExpires: now.Add(s.opts.AccessTTL),
		RefreshToken: ref, RefreshExpires: now.Add(s.opts.RefreshTTL), ServerKey: s.ServerKey(),
		OfflineGrace: int64(s.opts.OfflineGrace / time.Second)}
	var refusal *app.Error
	err = s.ledger.Update(func(tx app.LedgerTx) error {
		refusal = nil
		if refresh != nil {
			sess, err := tx.Session(refresh)
			if isNotFound(err) {
				refusal = errSession()
				return nil
			}
			if err != nil {
				return err
			}
			if sess.Kind != app.SessionRefresh || sess.Device != device || !now.Before(sess.Expires) {
				refusal = errSession()
				return nil
			}
			account = sess.Account
			out.Caseworker = account
			acc, err := tx.Account(account)
			if err != nil {
				return err
			}
			if sess.Issued.Before(acc.Changed) {
				refusal = errSession()
				return nil
			}
			if acc.Disabled {
				refusal = errDisabled()
				return nil
			}
		}
		dev, err := tx.Device(device)
		switch {
		case isNotFound(err):
			dev = app.Device{ID: device, Account: account, Navn: name, Created: now}
		case err != nil:
			return err
		case dev.Account != account:
			refusal = errDeviceOther()
			return nil
		}
		if name != "" {
			dev.Navn = name
		}
		dev.LastSeen = now
		if err := tx.PutDevice(dev); err != nil {
			return err
		}
		if _, err := tx.DeleteSessions(account, device); err != nil {
			return err
		}
		if err := tx.PutSession(app.Session{Hash: accessHash, Kind: app.SessionAccess, Account: account, Device: device, Issued: now, Expires: out.AccessExpires}); err != nil {
			return err
		}
		return tx.PutSession(app.Session{Hash: refHash, Kind: app.SessionRefresh, Account: account, Device: device, Issued: now, Expires: out.RefreshExpires})
	})
	if err != nil {
		return wire.Tokens{}, app.AsError(err)
	}
	if refusal != nil {
		return wire.Tokens{}, refusal
	}
	return out, nil
}

// handleRefresh serves POST /v1/refresh.
func (s *Server) handleRefresh(w http.ResponseWriter, r *http.Request) {
	var req wire.RefreshRequest
	if e := readJSON(w, r, &req); e != nil {
		s.writeHTTPError(w, e)
		return
	}
	if req.Device.Validate() != nil || req.RefreshToken == "" || len(req.RefreshToken) > 128 {
		s.writeHTTPError(w, errSession())
		return
	}
	toks, e := s.issue("", req.Device, "", hashToken(req.RefreshToken))
	if e != nil {
		s.stats.authFailures.Add(1)
		s.writeHTTPError(w, e)
		return
	}
	writeTokens(w, toks)
}

// principal is who a websocket connection speaks for, from its session.
type principal struct {
	account app.ID
	rolle   string
	device  app.ID
	revoked bool // the device is revoked: its next hello is answered with wipe
	// applied is how far the device has applied the log, as its
	// connection last said (hello's cursor, then each pull's); zero when
	// not known (HTTP). madeBeforeHandover reads it.
	applied app.Cursor
	// issued is when the connection's session was issued: a change of
	// the account after it (a new password, a disable) ends the
	// connection (Recheck).
	issued time.Time
}

// authenticate checks the bearer token of an upgrade request.
func (s *Server) authenticate(r *http.Request) (principal, *app.Error) {
	h := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || tok == "" || len(tok) > 128 {
		return principal{}, errSession()
	}
	now := s.now()
	var p principal
	var refusal *app.Error
	err := s.ledger.View(func(tx app.LedgerTx) error {
		refusal = nil
		sess, err := tx.Session(hashToken(tok))
		if isNotFound(err) {
			refusal = errSession()
			return nil
		}
		if err != nil {
			return err
		}
		if sess.Kind != app.SessionAccess || !now.Before(sess.Expires) {
			refusal = errSession()
			return nil
		}
		acc, err := tx.Account(sess.Account)
		if isNotFound(err) {
			refusal = errSession()
			return nil
		}
		if err != nil {
			return err
		}
		if sess.Issued.Before(acc.Changed) {
			refusal = errSession()
			return nil
		}
		if acc.Disabled {
			refusal = errDisabled()
			return nil
		}
		dev, err := tx.Device(sess.Device)
		if err != nil && !isNotFound(err) {
			return err
		}
		if err == nil && dev.Account != acc.ID {
			refusal = errSession()
			return nil
		}
		p = principal{account: acc.ID, rolle: acc.Rolle, device: sess.Device, revoked: !dev.Revoked.IsZero(), issued: sess.Issued}
		return nil
	})
	if err != nil {
		return principal{}, app.AsError(err)
	}
	if refusal != nil {
		return principal{}, refusal
	}
	return p, nil
}

// originAllowed reports whether an upgrade's Origin may connect: absent (a
// desktop client sends none) or exactly one of the allowed origins.
func (s *Server) originAllowed(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	for _, a := range s.opts.AllowedOrigins {
		if strings.EqualFold(o, a) {
			return true
		}
	}
	return false
}

func isNotFound(err error) bool {
	var e *app.Error
	return errors.As(err, &e) && e.Code == app.CodeNotFound
}

// sessionLifetime defaults.
const (
	DefaultAccessTTL  = time.Hour
	DefaultRefreshTTL = 30 * 24 * time.Hour
)
