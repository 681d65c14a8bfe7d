package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	gosync "sync"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/store"
	"feltsag.dk/feltsag/sync/client"
	"feltsag.dk/feltsag/ui"
)

// configName is the client's settings file in the data folder: the server
// address, the user name and the opaque ids that name the replica. It holds
// no secret and nothing about a citizen; the session (access and refresh
// token) is sealed inside the replica (store.DB.SetSession).
const configName = "feltsag-client.json"

// config is what a later run needs to find the replica and the server.
type config struct {
	Server     string `json:"server"`
	User       string `json:"user"`
	Caseworker app.ID `json:"caseworker"`
	Device     app.ID `json:"device"`
}

// account is the client's composition root behind the screens: it signs in
// (sync/client.Login), creates and unlocks the encrypted replica (store),
// keeps the session sealed in it and runs the sync engine. It implements
// ui.Account, ui.Caseload and ui.Sync; the screens never see store or sync.
type account struct {
	dir        string // the data folder: config and replica
	engine     *app.Engine
	storeOpts  store.Options
	appVersion string
	digest     string // the rule bundle's digest, sent in hello
	deviceName string
	log        *slog.Logger
	now        func() time.Time // the clock of the offline grace period (grace.go)

	// The rules in force (rules.go): the built-in tables and their digest,
	// or a bundle installed from the server.
	rules         *rulesEngine
	builtin       *app.Engine
	builtinDigest string

	updates chan struct{} // the one channel the screens read (ui.Sync.Updates)

	mu      gosync.Mutex
	cfg     config
	db      *store.DB
	tokens  *client.Tokens
	eng     *client.Engine
	stop    context.CancelFunc // ends the engine's run
	stopped chan struct{}      // closed when that run has returned
	noAuth  bool               // unlocked, but no session is stored: sync needs a new sign-in

	confirmed   time.Time // the last confirmed contact with the server, as kept in the replica
	graceLocked bool      // the offline grace period ran out: locked until SignInAgain
}

var (
	_ ui.Account  = (*account)(nil)
	_ ui.Caseload = (*account)(nil)
	_ ui.Sync     = (*account)(nil)
)

// newAccount reads the settings in dir, if any.
func newAccount(dir string, engine *app.Engine, storeOpts store.Options, appVersion, digest string, log *slog.Logger) *account {
	a := &account{dir: dir, engine: engine, storeOpts: storeOpts, appVersion: appVersion, digest: digest,
		log: log, updates: make(chan struct{}, 1), now: time.Now,
		rules: newRulesEngine(engine), builtin: engine, builtinDigest: digest}
	a.storeOpts.Engine = a.rules
	a.deviceName, _ = os.Hostname()
	if b, err := os.ReadFile(filepath.Join(dir, configName)); err == nil {
		if err := json.Unmarshal(b, &a.cfg); err != nil {
			log.Warn("client settings unreadable; signing in anew", "file", configName, "err", err)
			a.cfg = config{}
		}
	}
	return a
}

// replicaPath is where the caseworker's replica is in the data folder.
func (a *account) replicaPath(c config) (string, error) {
	p, err := store.DefaultPath(c.Caseworker, c.Device)
	if err != nil {
		return "", err
	}
	return filepath.Join(a.dir, filepath.Base(p)), nil
}

// Prefill returns the server address and user name of the last sign-in.
func (a *account) Prefill() (server, user string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.cfg.Server, a.cfg.User
}

// FirstRun implements ui.Account: there is no replica to unlock.
func (a *account) FirstRun() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.cfg.Caseworker == "" || a.cfg.Device == "" {
		return true
	}
	p, err := a.replicaPath(a.cfg)
	if err != nil {
		return true
	}
	_, err = os.Stat(p)
	return err != nil
}

// SignIn implements ui.Account: sign in on the server, create the
// replica (or unlock it, when this caseworker has one here already), seal
// the outbox to the server's key, keep the session in the replica and
// start sync.
func (a *account) SignIn(ctx context.Context, server, user, password string) error {
	a.halt()
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.db != nil {
		_ = a.db.Close()
		a.db = nil
	}
	device := a.cfg.Device
	if device == "" || a.cfg.User != user || a.cfg.Server != server {
		var err error
		if device, err = app.NewID(rand.Reader); err != nil {
			return app.Internal(err)
		}
	}
	sess, err := client.Login(ctx, nil, server, user, password, device, a.deviceName)
	if err != nil {
		return err
	}
	cfg := config{Server: server, User: user, Caseworker: sess.Caseworker, Device: device}
	path, err := a.replicaPath(cfg)
	if err != nil {
		return err
	}
	opts := a.storeOpts
	opts.Device = device
	db, err := store.Create(path, password, opts)
	if ruleOf(err) == store.RuleExists {
		db, err = a.openLocked(path, password)
	}
	if err != nil {
		return err
	}
	if err := setServerKey(db, sess.ServerKey); err != nil {
		_ = db.Close()
		return err
	}
	now := a.now()
	if err := saveSession(db, sess, now); err != nil {
		_ = db.Close()
		return err
	}
	if err := a.saveConfig(cfg); err != nil {
		_ = db.Close()
		return app.Internal(err)
	}
	a.cfg, a.db = cfg, db
	a.tokens = client.NewTokens(server, sess, client.TokensOptions{OnChange: a.onSession})
	a.noAuth, a.graceLocked, a.confirmed = false, false, now
	a.startLocked()
	return nil
}

// ruleOf returns the rule id of err ("" for nil or an error without one).
func ruleOf(err error) string {
	var e *app.Error
	if errors.As(err, &e) {
		return e.Rule
	}
	return ""
}

// openLocked opens and unlocks the replica at path.
func (a *account) openLocked(path, password string) (*store.DB, error) {
	db, err := store.Open(path, a.storeOpts)
	if err != nil {
		return nil, err
	}
	if err := db.Unlock(password); err != nil {
		_ = db.Close()
		return nil, err
	}
	return db, nil
}

// setServerKey stores the server's sealing key from the session, when the
// server has one.
func setServerKey(db *store.DB, b64 string) error {
	if b64 == "" {
		return nil
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(raw) != 32 {
		return app.Errorf(app.CodeInvalid, "", client.KeyBadAnswer)
	}
	return db.SetServerKey([32]byte(raw))
}

// onSession keeps every refreshed session (the refresh token rotates).
func (a *account) onSession(s client.Session) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.db == nil {
		return
	}
	if err := saveSession(a.db, s, a.confirmed); err != nil {
		a.log.Warn("could not keep the refreshed session", "err", err)
	}
}

// saveConfig writes the settings file atomically.
func (a *account) saveConfig(c config) error {
	if err := os.MkdirAll(a.dir, 0o700); err != nil {
		return fmt.Errorf("create data folder: %w", err)
	}
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(a.dir, configName+".tmp")
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("write settings: %w", err)
	}
	return os.Rename(tmp, filepath.Join(a.dir, configName))
}

// Unlock implements ui.Account: open the replica if it is not yet, unlock
// it with the password (no network needed), and start sync with the session
// kept in it.
func (a *account) Unlock(password string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.db == nil {
		path, err := a.replicaPath(a.cfg)
		if err != nil {
			return err
		}
		db, err := store.Open(path, a.storeOpts)
		if err != nil {
			return err
		}
		a.db = db
	}
	if err := a.db.Unlock(password); err != nil {
		if r := ruleOf(err); r == store.RuleErased || r == store.RuleDamaged {
			_ = a.db.Close() // the store closed it already; the next start signs in anew
			a.db = nil
		}
		return err
	}
	k, ok, err := loadSession(a.db)
	if err != nil {
		return err
	}
	if !ok {
		a.noAuth = true
		a.notify()
		return nil
	}
	if err := a.checkGrace(k); err != nil {
		return err
	}
	a.noAuth, a.graceLocked = false, false
	if a.tokens == nil {
		a.tokens = client.NewTokens(a.cfg.Server, k.Session, client.TokensOptions{OnChange: a.onSession})
	}
	a.startLocked()
	return nil
}

// startLocked starts the sync engine over the unlocked replica.
func (a *account) startLocked() {
	a.restoreRules()
	ctx, cancel := context.WithCancel(context.Background())
	o := client.Options{
		Replica: a.db, URL: a.cfg.Server, Auth: a.tokens, Caseworker: a.cfg.Caseworker,
		AppVersion: a.appVersion, RulesDigest: a.digest, Logger: a.log, OnRules: a.installRules,
		OnConflict: func(app.Conflict) { a.notify() }, // the screens show it at once
	}
	if path, err := a.replicaPath(a.cfg); err == nil {
		o.Sealed = sealedOutbox{path}
	}
	e := client.New(o)
	done := make(chan struct{})
	a.eng, a.stop, a.stopped = e, cancel, done
	go func() {
		defer close(done)
		if err := e.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
			a.log.Warn("sync stopped", "err", err)
		}
		a.notify()
	}()
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-e.Updates():
				a.confirmSync(e.Status().LastSync)
				a.notify()
			}
		}
	}()
	a.notify()
}

// notify tells the screens the status changed; a pending notice is enough.
func (a *account) notify() {
	select {
	case a.updates <- struct{}{}:
	default:
	}
}

// Lock implements ui.Account: stop sync and make the replica forget its
// keys.
func (a *account) Lock() {
	a.halt()
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.db != nil {
		a.db.Lock()
	}
}

// halt ends the engine's run and waits for it, without holding mu: the
// engine may be keeping a refreshed session (onSession) as it stops.
func (a *account) halt() {
	a.mu.Lock()
	stop, stopped := a.stop, a.stopped
	a.eng, a.stop, a.stopped = nil, nil, nil
	a.mu.Unlock()
	if stop != nil {
		stop()
		<-stopped
	}
}

// Close stops sync and closes the replica (the window closed).
func (a *account) Close() {
	a.halt()
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.db != nil {
		_ = a.db.Close()
		a.db = nil
	}
}

// Actor implements ui.Account.
func (a *account) Actor() app.Actor {
	a.mu.Lock()
	defer a.mu.Unlock()
	return app.Actor{Rolle: app.RolleSagsbehandler, ID: a.cfg.Caseworker}
}

// Status implements ui.Sync.
func (a *account) Status() ui.SyncStatus {
	a.mu.Lock()
	e, noAuth, db := a.eng, a.noAuth, a.db
	a.mu.Unlock()
	if e == nil {
		st := ui.SyncStatus{}
		if db != nil { // no engine counts the outbox: count it here (a locked replica cannot say)
			st.Pending, st.OldestPending = outboxOf(db)
		}
		if noAuth {
			st.LastError = app.Errorf(app.CodeUnauthorized, "", client.KeySessionExpired)
			st.NeedSignIn = true
		}
		return st
	}
	return syncStatus(e.Status())
}

// outboxOf counts the commands and decisions on conflicts the replica
// has not sent, and when the oldest was saved, as the engine's status
// does; 0 when the replica cannot be read (locked, closed).
func outboxOf(db *store.DB) (int, time.Time) {
	pend, err := db.Pending()
	if err != nil {
		return 0, time.Time{}
	}
	decs, err := db.Resolutions()
	if err != nil {
		return 0, time.Time{}
	}
	var oldest time.Time
	for _, p := range pend {
		if oldest.IsZero() || p.Saved.Before(oldest) {
			oldest = p.Saved
		}
	}
	for _, d := range decs {
		if oldest.IsZero() || d.At.Before(oldest) {
			oldest = d.At
		}
	}
	return len(pend) + len(decs), oldest
}

// syncStatus converts the engine's status for the screens.
func syncStatus(s client.Status) ui.SyncStatus {
	st := ui.SyncStatus{
		Online: s.Online, Syncing: s.Syncing, LastSync: s.LastSync,
		Pending: s.Pending, OldestPending: s.OldestPending,
		FirstSync: s.FirstSync.Active, Received: s.FirstSync.Received, Total: s.FirstSync.Total,
		Stopped: s.Stopped,
	}
	if s.LastError != nil { // a nil *app.Error must not become a non-nil error
		st.LastError = s.LastError
		st.NeedSignIn = sessionExpired(s.LastError)
	}
	return st
}

// Updates implements ui.Sync.
func (a *account) Updates() <-chan struct{} { return a.updates }

// Kick implements ui.Sync. With no engine running the screens are told
// anyway: the status line counts the outbox again (Status).
func (a *account) Kick() {
	if e := a.running(); e != nil {
		e.Kick()
		return
	}
	a.notify()
}

// Retry implements ui.Sync.
func (a *account) Retry() {
	if e := a.running(); e != nil {
		e.Retry()
	}
}

func (a *account) running() *client.Engine {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.eng
}

// replica returns the open replica, or the store's "locked" error.
func (a *account) replica() (*store.DB, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.db == nil {
		return nil, app.Errorf(app.CodeUnauthorized, store.RuleNotOpen, "unauthorized.local_data_locked")
	}
	return a.db, nil
}

// List implements ui.Caseload.
func (a *account) List() ([]app.CaseSummary, error) {
	db, err := a.replica()
	if err != nil {
		return nil, err
	}
	return db.List()
}

// Search implements ui.Caseload.
func (a *account) Search(q string, actor app.Actor) ([]app.CaseSummary, error) {
	db, err := a.replica()
	if err != nil {
		return nil, err
	}
	return db.Search(q, actor)
}

// View implements ui.Caseload.
func (a *account) View(id app.ID, actor app.Actor) (*app.Sag, error) {
	db, err := a.replica()
	if err != nil {
		return nil, err
	}
	return db.View(id, actor)
}

// Commit implements ui.Caseload.
func (a *account) Commit(cmd app.Command) (*app.Result, error) {
	db, err := a.replica()
	if err != nil {
		return nil, err
	}
	return db.Commit(cmd)
}

// Conflicts implements ui.Caseload.
func (a *account) Conflicts(id app.ID) ([]app.Conflict, error) {
	db, err := a.replica()
	if err != nil {
		return nil, err
	}
	return db.Conflicts(id)
}

// Pending implements ui.Caseload.
func (a *account) Pending() ([]app.PendingCommand, error) {
	db, err := a.replica()
	if err != nil {
		return nil, err
	}
	return db.Pending()
}

// History implements ui.Caseload.
func (a *account) History(id app.ID, limit int) ([]app.AuditRecord, error) {
	db, err := a.replica()
	if err != nil {
		return nil, err
	}
	return db.History(id, limit)
}

// LogKind records a print or a saved PDF in the replica's audit log
// (documents' auditLog).
func (a *account) LogKind(actor app.Actor, action string, id app.ID, kind string) error {
	db, err := a.replica()
	if err != nil {
		return err
	}
	return db.LogKind(actor, action, id, kind)
}

// User is the user name of the sign-in, named in a printed plan's footer.
func (a *account) User() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.cfg.User
}
