package server

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/sync/wire"
)

// Options configure a Server. Ledger and Engine are required; every other
// field has a default.
type Options struct {
	Ledger app.Ledger
	Engine *app.Engine
	Now    func() time.Time // time.Now
	Rand   io.Reader        // crypto/rand.Reader: tokens, salts, conflict ids
	// AllowedOrigins are the Origin values a websocket upgrade may carry
	// (exact, case-insensitive). An upgrade without Origin (the desktop
	// client) is always allowed; any other Origin is refused with 403.
	AllowedOrigins []string
	AccessTTL      time.Duration // DefaultAccessTTL
	RefreshTTL     time.Duration // DefaultRefreshTTL
	// OfflineGrace is how long a client may use its replica offline after
	// its last confirmed sync before it locks until it signs in again
	// (wire.DefaultOfflineGrace); it goes out with every sign-in and
	// refresh.
	OfflineGrace time.Duration
	Logger       *slog.Logger // slog.Default()
	// RuleFiles and RuleSets are the rule bundle served by rules_request
	// and announced in welcome. RuleSets defaults to the engine's rule
	// sets (RuleSetsOf).
	RuleFiles  []wire.RuleFile
	RuleSets   []wire.RuleSetInfo
	AppVersion string // the server's version in welcome; "0.0.0-dev"
	// Poked, when set, hears every poke this server gives its own
	// clients: the log's new head and the owners whose scope changed, so
	// that the other nodes on the same database can poke theirs
	// (PokeOwners; cmd/feltsagd sends it as a PostgreSQL NOTIFY). It is
	// called after the change committed and must not block.
	Poked func(head app.Cursor, owners []app.ID)
	// Announce, when set, hears what this server did to its own
	// connections that the other nodes on the same database must do to
	// theirs: an account's connections closed (disabled, new password),
	// a device wiped (revoked), a conflict or resolved notice to an
	// owner. The other nodes apply it with ApplyNodeEvent. It is called
	// after the change committed and must not block; a close or a wipe
	// must not be dropped (cmd/feltsagd sends it as a PostgreSQL NOTIFY).
	Announce func(NodeEvent)
	// Backup writes a consistent copy of the ledger (the admin API's
	// online backup); nil: the backup endpoint answers not_found.
	Backup func(w io.Writer) (int64, error)
	// BackupByDatabase says the ledger is a database whose own tools take
	// its backups (PostgreSQL: pg_dump, base backups): with Backup nil,
	// the backup endpoint answers so (not_found.sync.backup_database).
	BackupByDatabase bool
	// SealingKey is the server's X25519 private key for sealed outbox
	// entries (its public key goes out at sign-in). nil: the ledger's own
	// key, made at the first start and kept in the ledger's Meta.
	SealingKey *[32]byte
	Password   PasswordParams

	// MaxConnsPerUser is the most devices one account may have connected
	// at once (DefaultMaxConnsPerUser), and the most connections of one
	// device that have not said hello (a further one evicts the oldest).
	// A device's connection that says hello replaces the device's
	// connection upgraded before it.
	MaxConnsPerUser int
	// RateLimit and RateBurst are the per-connection token bucket for
	// frames: RateLimit frames per second on average, RateBurst at once
	// (DefaultRateLimit, DefaultRateBurst). A connection over it gets an
	// error with retry_after_ms and is closed with 4029.
	RateLimit float64
	RateBurst int
	// PullRateLimit and PullRateBurst are a second bucket for pull frames
	// (DefaultPullRateLimit, DefaultPullRateBurst), which then take
	// nothing from the first: a first sync is one pull per page of ~25
	// cases, so a caseload of 20,000 is 800 pulls in a few seconds, far
	// over what any other frame needs.
	PullRateLimit float64
	PullRateBurst int
	// HelloTimeout is how long a new connection may take to send hello
	// (DefaultHelloTimeout); PingPeriod how often the server sends a
	// websocket ping (wire.PingPeriod); PongWait how long a silent
	// connection lives (wire.PongWait).
	HelloTimeout time.Duration
	PingPeriod   time.Duration
	PongWait     time.Duration

	// PruneEvery is how often the server forgets applied command ids older
	// than app.AppliedRetention and deletes expired sessions
	// (DefaultPruneEvery; negative: never, the caller runs Prune itself).
	// PruneTicks, when set, replaces the timer: a prune runs on each value
	// received (tests drive it).
	PruneEvery time.Duration
	PruneTicks <-chan time.Time

	// SealedRate and SealedBurst are the token bucket of POST /v1/sealed
	// requests per device (DefaultSealedRate, DefaultSealedBurst); one
	// address gets SealedIPFactor times both. SealedNow is the bucket's
	// clock (default time.Now; tests inject one).
	SealedRate  float64
	SealedBurst int
	SealedNow   func() time.Time
}

// Defaults of Options.
const (
	DefaultMaxConnsPerUser = 4
	// DefaultRateLimit and DefaultRateBurst let a device back from 30
	// days offline drain 5,000 commands (20 push frames) at once and keep
	// pulling at 50 frames a second, while one flooding connection is cut
	// off after a few hundred frames.
	DefaultRateLimit = 50.0
	DefaultRateBurst = 200
	// DefaultPullRateLimit and DefaultPullRateBurst let a first sync of
	// 20,000 cases (800 pages) run at full speed: 1,000 pulls at once,
	// then 500 a second.
	DefaultPullRateLimit = 500.0
	DefaultPullRateBurst = 1000
	DefaultHelloTimeout  = 10 * time.Second
	// DefaultPruneEvery: a prune walks only what expired (applied ids by
	// their time index) plus every session (two per device), so hourly is
	// cheap and keeps the ledger near its 60-day floor.
	DefaultPruneEvery = time.Hour
	// writeWait bounds one write to a connection.
	writeWait = 10 * time.Second
	// closeGrace is how long a closing connection waits for the peer's
	// close frame before it is dropped.
	closeGrace = 2 * time.Second
)

// Server is the sync server engine: HTTP sign-in, the websocket hub,
// authorisation, the per-field merge and conflict routing. Create it with
// New; serve Handler; Close it on shutdown.
type Server struct {
	opts      Options
	ledger    app.Ledger
	engine    *app.Engine
	log       *slog.Logger
	rand      io.Reader
	randMu    sync.Mutex  // guards rand: an injected deterministic source is not safe for concurrent use
	digest    string      // BundleDigest of opts.RuleFiles
	dummyHash string      // verified for unknown users
	sealing   *sealingKey // the current key; entries sealed to an older one find it in the ledger
	sealedLim sealedLimits
	hub       hub
	stats     counters
	closed    atomic.Bool
	done      chan struct{} // closed by Close: background goroutines stop
	// startMu orders Close against connections starting: a connection
	// adds to wg under it only while the server is open, and Close sets
	// closed under it, so wg.Wait never races an Add and no connection
	// starts after Close.
	startMu sync.Mutex
	wg      sync.WaitGroup
}

// New checks opts and returns a server.
func New(opts Options) (*Server, error) {
	if opts.Ledger == nil || opts.Engine == nil {
		return nil, errors.New("server: Options.Ledger and Options.Engine are required")
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Rand == nil {
		opts.Rand = rand.Reader
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.AccessTTL <= 0 {
		opts.AccessTTL = DefaultAccessTTL
	}
	if opts.RefreshTTL <= 0 {
		opts.RefreshTTL = DefaultRefreshTTL
	}
	if opts.OfflineGrace <= 0 {
		opts.OfflineGrace = wire.DefaultOfflineGrace
	}
	if opts.AppVersion == "" {
		opts.AppVersion = "0.0.0-dev"
	}
	if opts.Password == (PasswordParams{}) {
		opts.Password = DefaultPasswordParams()
	}
	if opts.MaxConnsPerUser <= 0 {
		opts.MaxConnsPerUser = DefaultMaxConnsPerUser
	}
	if opts.RateLimit <= 0 {
		opts.RateLimit = DefaultRateLimit
	}
	if opts.RateBurst <= 0 {
		opts.RateBurst = DefaultRateBurst
	}
	if opts.PullRateLimit <= 0 {
		opts.PullRateLimit = DefaultPullRateLimit
	}
	if opts.PullRateBurst <= 0 {
		opts.PullRateBurst = DefaultPullRateBurst
	}
	if opts.SealedRate <= 0 {
		opts.SealedRate = DefaultSealedRate
	}
	if opts.SealedBurst <= 0 {
		opts.SealedBurst = DefaultSealedBurst
	}
	if opts.HelloTimeout <= 0 {
		opts.HelloTimeout = DefaultHelloTimeout
	}
	if opts.PingPeriod <= 0 {
		opts.PingPeriod = wire.PingPeriod
	}
	if opts.PongWait <= 0 {
		opts.PongWait = wire.PongWait
	}
	if opts.PruneEvery == 0 {
		opts.PruneEvery = DefaultPruneEvery
	}
	if len(opts.RuleSets) == 0 {
		opts.RuleSets = RuleSetsOf(opts.Engine.Rules())
	}
	if len(opts.RuleSets) == 0 || len(opts.RuleSets) > wire.MaxRuleFiles {
		return nil, errors.New("server: 1–64 rule sets are required")
	}
	s := &Server{opts: opts, ledger: opts.Ledger, engine: opts.Engine, log: opts.Logger, rand: opts.Rand,
		digest: wire.BundleDigest(opts.RuleFiles), done: make(chan struct{})}
	s.rand = lockedReader{r: opts.Rand, mu: &s.randMu}
	s.sealedLim = newSealedLimits(opts)
	s.hub.init()
	h, err := HashPassword("feltsag-dummy", opts.Password, s.rand)
	if err != nil {
		return nil, err
	}
	s.dummyHash = h
	if _, err := wire.SplitRules(opts.RuleSets, opts.RuleFiles); err != nil {
		return nil, err
	}
	if err := s.loadSealingKey(); err != nil {
		return nil, err
	}
	s.startPruner()
	return s, nil
}

// lockedReader serialises reads of a shared random source.
type lockedReader struct {
	r  io.Reader
	mu *sync.Mutex
}

func (l lockedReader) Read(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.r.Read(p)
}

// RuleSetsOf lists the rule sets of r as welcome announces them.
func RuleSetsOf(r *app.Rules) []wire.RuleSetInfo {
	if r == nil {
		return nil
	}
	out := make([]wire.RuleSetInfo, 0, len(r.Sets))
	for _, rs := range r.Sets {
		out = append(out, wire.RuleSetInfo{Version: rs.Version, From: rs.Periode.Start, To: rs.Periode.Slut})
	}
	return out
}

func (s *Server) now() time.Time { return s.opts.Now().UTC() }

func (s *Server) newID() (app.ID, error) { return app.NewID(s.rand) }

// Handler returns the HTTP handler: POST /v1/login, POST /v1/refresh, GET
// /v1/sync (websocket), POST /v1/sealed and GET /healthz. cmd/feltsagd mounts it (and its
// own /metrics beside it).
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+wire.PathLogin, s.handleLogin)
	mux.HandleFunc("POST "+wire.PathRefresh, s.handleRefresh)
	mux.HandleFunc("GET "+wire.PathSync, s.handleSync)
	mux.HandleFunc("POST "+wire.PathSealed, s.handleSealed)
	s.adminHandler(mux)
	mux.HandleFunc("GET "+wire.PathHealth, func(w http.ResponseWriter, _ *http.Request) {
		if s.closed.Load() {
			http.Error(w, "closing", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, "ok\n")
	})
	return mux
}

// Close closes every live connection (1001 going away) and waits for
// their goroutines. The ledger stays open: its owner closes it.
func (s *Server) Close() error {
	s.startMu.Lock()
	was := s.closed.Swap(true)
	s.startMu.Unlock()
	if was {
		return nil
	}
	close(s.done)
	for _, c := range s.hub.all() {
		c.shut(closeGoingAway, "")
	}
	s.wg.Wait()
	return nil
}

// counters are the server's metrics; Stats copies them.
type counters struct {
	conns, connsTotal, logins, loginsFailed, authFailures              atomic.Int64
	pushes, applied, duplicates, rejected, conflicts, lwwOverwrites    atomic.Int64
	pulls, recordsSent, badFrames, rateLimited, replaced, skewFlagged  atomic.Int64
	auditRecords, auditBroken, resolved, slowConsumers, internalErrors atomic.Int64
	prunedApplied, prunedSessions, prunes, sealedEntries, handovers    atomic.Int64
}

// Stats is a snapshot of the server's counters, for cmd/feltsagd to
// publish as metrics. Connections is a gauge; the rest count since start.
type Stats struct {
	Connections      int64 `json:"connections"`
	ConnectionsTotal int64 `json:"connections_total"`
	Logins           int64 `json:"logins"`
	LoginsFailed     int64 `json:"logins_failed"`
	AuthFailures     int64 `json:"auth_failures"` // refused upgrades and refreshes
	Pushes           int64 `json:"pushes"`
	Applied          int64 `json:"applied"`
	Duplicates       int64 `json:"duplicates"`
	Rejected         int64 `json:"rejected"`
	Conflicts        int64 `json:"conflicts"`
	LWWOverwrites    int64 `json:"lww_overwrites"`
	Pulls            int64 `json:"pulls"`
	RecordsSent      int64 `json:"records_sent"`
	BadFrames        int64 `json:"bad_frames"`
	RateLimited      int64 `json:"rate_limited"`
	Replaced         int64 `json:"replaced"`
	SkewFlagged      int64 `json:"skew_flagged"`
	AuditRecords     int64 `json:"audit_records"`
	AuditBroken      int64 `json:"audit_broken"` // uploaded records whose hash chain did not verify
	Resolved         int64 `json:"resolved"`
	SlowConsumers    int64 `json:"slow_consumers"`
	InternalErrors   int64 `json:"internal_errors"`
	Prunes           int64 `json:"prunes"`          // prunes run (Prune, by timer or by hand)
	PrunedApplied    int64 `json:"pruned_applied"`  // applied command ids forgotten
	PrunedSessions   int64 `json:"pruned_sessions"` // expired sessions deleted
	SealedEntries    int64 `json:"sealed_entries"`  // sealed outbox entries delivered (opened or not)
	Handovers        int64 `json:"handovers"`       // previous owners' commands applied after a reassignment, flagged
}

// Stats returns the current counters.
func (s *Server) Stats() Stats {
	c := &s.stats
	return Stats{
		Connections: c.conns.Load(), ConnectionsTotal: c.connsTotal.Load(), Logins: c.logins.Load(),
		LoginsFailed: c.loginsFailed.Load(), AuthFailures: c.authFailures.Load(), Pushes: c.pushes.Load(),
		Applied: c.applied.Load(), Duplicates: c.duplicates.Load(), Rejected: c.rejected.Load(),
		Conflicts: c.conflicts.Load(), LWWOverwrites: c.lwwOverwrites.Load(), Pulls: c.pulls.Load(),
		RecordsSent: c.recordsSent.Load(), BadFrames: c.badFrames.Load(), RateLimited: c.rateLimited.Load(),
		Replaced: c.replaced.Load(), SkewFlagged: c.skewFlagged.Load(), AuditRecords: c.auditRecords.Load(),
		AuditBroken: c.auditBroken.Load(), Resolved: c.resolved.Load(), SlowConsumers: c.slowConsumers.Load(),
		InternalErrors: c.internalErrors.Load(), Prunes: c.prunes.Load(), PrunedApplied: c.prunedApplied.Load(),
		PrunedSessions: c.prunedSessions.Load(), SealedEntries: c.sealedEntries.Load(),
		Handovers: c.handovers.Load(),
	}
}

// ----- admin -----

// CreateAccount creates an account with an Argon2id hash of password.
// Errors: invalid for a malformed id or role or an empty password,
// conflict when the account exists.
func (s *Server) CreateAccount(id app.ID, navn, rolle, password string) error {
	if err := id.Validate(); err != nil {
		return err
	}
	if rolle != app.RoleCaseworker && rolle != app.RoleAdmin {
		return app.Errorf(app.CodeInvalid, "", "invalid.sync.role", "rolle", rolle).WithField("rolle")
	}
	if password == "" {
		return app.Errorf(app.CodeInvalid, "", "invalid.sync.password").WithField("password")
	}
	hash, err := HashPassword(password, s.opts.Password, s.rand)
	if err != nil {
		return app.Internal(err)
	}
	now := s.now()
	return s.ledger.Update(func(tx app.LedgerTx) error {
		if _, err := tx.Account(id); err == nil {
			return app.Errorf(app.CodeConflict, "", "conflict.sync.account_exists", "bruger", string(id))
		} else if !isNotFound(err) {
			return err
		}
		return tx.PutAccount(app.Account{ID: id, Navn: navn, Rolle: rolle, Password: hash, Created: now, Changed: now})
	})
}

// SetPassword replaces an account's password; its sessions end and its
// live connections close (4003). Errors: not_found, invalid.
func (s *Server) SetPassword(id app.ID, password string) error {
	if password == "" {
		return app.Errorf(app.CodeInvalid, "", "invalid.sync.password").WithField("password")
	}
	hash, err := HashPassword(password, s.opts.Password, s.rand)
	if err != nil {
		return app.Internal(err)
	}
	if err := s.changeAccount(id, func(a *app.Account) { a.Password = hash }); err != nil {
		return err
	}
	s.closeAccount(id, wire.CloseUnauthorized)
	s.announce(NodeEvent{Close: id})
	return nil
}

// DisableAccount disables an account: its sessions end, its live
// connections close (4003) and it can no longer sign in (403).
func (s *Server) DisableAccount(id app.ID) error {
	if err := s.changeAccount(id, func(a *app.Account) { a.Disabled = true }); err != nil {
		return err
	}
	s.closeAccount(id, wire.CloseUnauthorized)
	s.announce(NodeEvent{Close: id})
	return nil
}

func (s *Server) changeAccount(id app.ID, change func(*app.Account)) error {
	now := s.now()
	return s.ledger.Update(func(tx app.LedgerTx) error {
		a, err := tx.Account(id)
		if err != nil {
			return err
		}
		change(&a)
		a.Changed = now
		if err := tx.PutAccount(a); err != nil {
			return err
		}
		_, err = tx.DeleteSessions(id, "")
		return err
	})
}

func (s *Server) closeAccount(id app.ID, code int) {
	for _, c := range s.hub.ofAccount(id) {
		c.shut(code, "")
	}
}

// RevokeDevice revokes a device: its live connection is told to wipe and
// closed (4004), and at its next hello it is told to wipe again. Its
// sessions keep working only for that: a revoked device never gets data.
func (s *Server) RevokeDevice(id app.ID) error {
	now := s.now()
	err := s.ledger.Update(func(tx app.LedgerTx) error {
		d, err := tx.Device(id)
		if err != nil {
			return err
		}
		if d.Revoked.IsZero() {
			d.Revoked = now
		}
		return tx.PutDevice(d)
	})
	if err != nil {
		return err
	}
	for _, c := range s.hub.ofDevice(id) {
		c.wipe()
	}
	s.announce(NodeEvent{Wipe: id})
	return nil
}

// handoverKey names the Meta entry that remembers the case version at
// which a case left an account's scope and the log position of its
// removal from that scope: pending commands the account made before it
// (base below that version) are still accepted until the device has
// applied the removal (madeBeforeHandover). The value is
// "<version>/<epoch>/<seq>" (a bare "<version>" was written before the
// position was kept).
func handoverKey(sag, account app.ID) string {
	return "handover/" + string(sag) + "/" + string(account)
}

func handoverValue(version int64, removal app.Cursor) []byte {
	return append([]byte(itoa64(version)+"/"), cursorValue(removal)...)
}

// toldKey names the Meta entry that says when (Unix milliseconds, server
// time) the server first sent device a changes frame with the removal of
// sag from account's scope.
func toldKey(sag, account, device app.ID) string {
	return handoverKey(sag, account) + "/told/" + string(device)
}

// snapshotKey names the Meta entry with the log's head at the device's
// latest snapshot and when it was sent ("<epoch>/<seq>/<Unix ms>"): the
// snapshot left out every case removed from its scope before it.
func snapshotKey(device app.ID) string { return "snapshot/" + string(device) }

// cursorValue writes a cursor as "<epoch>/<seq>".
func cursorValue(c app.Cursor) []byte {
	return []byte(strconv.FormatUint(c.Epoch, 10) + "/" + strconv.FormatUint(c.Seq, 10))
}

// parseCursorValue reads what cursorValue wrote (anything after a third
// "/" is left for the caller).
func parseCursorValue(b string) (app.Cursor, bool) {
	e, q, ok := strings.Cut(b, "/")
	q, _, _ = strings.Cut(q, "/")
	epoch, err1 := strconv.ParseUint(e, 10, 64)
	seq, err2 := strconv.ParseUint(q, 10, 64)
	return app.Cursor{Epoch: epoch, Seq: seq}, ok && err1 == nil && err2 == nil
}

// Assign puts a case in owner's scope ("" = nobody's): the record is
// stored again with the new owner at the next log position (so the
// previous owner's scope gets a removal), the case's version goes up by
// one, the case's open conflicts are routed to the new owner (and sent to
// their live connections), the companies where the citizen is placed get
// the new owner as a reader instead of the previous one, and both
// caseworkers' devices are poked.
// Errors: not_found for an unknown case or owner.
func (s *Server) Assign(sag, owner app.ID) error {
	var prev app.ID
	var head app.Cursor
	var moved []app.Conflict
	var readers []app.ID
	err := s.ledger.Update(func(tx app.LedgerTx) error {
		head, moved, readers = app.Cursor{}, nil, nil
		rec, err := tx.Record(app.RecordSag, sag)
		if err != nil {
			return err
		}
		if owner != "" {
			if _, err := tx.Account(owner); err != nil {
				return err
			}
		}
		prev = rec.Owner
		if prev == owner {
			return nil
		}
		cs, err := decodeSag(rec)
		if err != nil {
			return err
		}
		cs.Version = rec.Version + 1
		cs.Ansvarlig = owner
		data, err := json.Marshal(cs)
		if err != nil {
			return app.Internal(err)
		}
		seq, err := tx.PutRecord(app.LedgerRecord{Kind: app.RecordSag, ID: sag, Version: cs.Version, Owner: owner, Data: data})
		if err != nil {
			return err
		}
		if prev != "" {
			h, err := tx.Head()
			if err != nil {
				return err
			}
			if err := tx.PutMeta(handoverKey(sag, prev), handoverValue(cs.Version, app.Cursor{Epoch: h.Epoch, Seq: seq})); err != nil {
				return err
			}
		}
		// A conflict is the case owner's to decide: it follows the case.
		if moved, err = routeConflicts(tx, app.RecordSag, sag, owner); err != nil {
			return err
		}
		// The companies where the citizen is placed have the case's owner
		// as a reader: it moves with the case.
		placed, err := placedAt(tx, sag)
		if err != nil {
			return err
		}
		if readers, err = refreshCompanies(tx, placed, app.DateOf(s.now())); err != nil {
			return err
		}
		head, err = tx.Head()
		return err
	})
	if err != nil {
		return err
	}
	for _, k := range moved {
		s.notify(nil, owner, &wire.ConflictNotice{Conflict: k})
	}
	if !head.IsZero() {
		s.pokeOwners(nil, head, nonEmpty(append([]app.ID{prev, owner}, readers...))...)
	}
	return nil
}

// ImportCase seeds a case (demo data, a migration) into owner's scope at
// version 1, or stores a new state of an existing case at its next
// version. Errors: invalid for a case without id.
func (s *Server) ImportCase(c *app.Sag, owner app.ID) error {
	if c == nil || c.ID.Validate() != nil {
		return app.Errorf(app.CodeInvalid, "", "invalid.sync.case").WithField("id")
	}
	var head app.Cursor
	var readers []app.ID
	err := s.ledger.Update(func(tx app.LedgerTx) error {
		readers = nil
		cs := c.Clone()
		cs.Version = 1
		moved := false
		if rec, err := tx.Record(app.RecordSag, c.ID); err == nil {
			cs.Version = rec.Version + 1
			moved = rec.Owner != owner
		} else if !isNotFound(err) {
			return err
		}
		if cs.Ansvarlig == "" {
			cs.Ansvarlig = owner
		}
		data, err := json.Marshal(cs)
		if err != nil {
			return app.Internal(err)
		}
		if _, err := tx.PutRecord(app.LedgerRecord{Kind: app.RecordSag, ID: cs.ID, Version: cs.Version, Owner: owner, Data: data}); err != nil {
			return err
		}
		if moved { // the reader of the companies where the citizen is placed moves with the case
			placed, err := placedAt(tx, cs.ID)
			if err != nil {
				return err
			}
			if readers, err = refreshCompanies(tx, placed, app.DateOf(s.now())); err != nil {
				return err
			}
		}
		head, err = tx.Head()
		return err
	})
	if err != nil {
		return err
	}
	s.pokeOwners(nil, head, nonEmpty(append([]app.ID{owner}, readers...))...)
	return nil
}

// Conflicts lists the open conflicts routed to owner ("" = all), oldest
// first.
func (s *Server) Conflicts(owner app.ID) ([]app.Conflict, error) {
	var out []app.Conflict
	err := s.ledger.View(func(tx app.LedgerTx) error {
		var err error
		out, err = tx.Conflicts(owner)
		return err
	})
	return out, err
}

func decodeSag(rec app.LedgerRecord) (*app.Sag, error) {
	var cs app.Sag
	if err := json.Unmarshal(rec.Data, &cs); err != nil {
		return nil, app.Internal(err)
	}
	cs.Version = rec.Version
	return &cs, nil
}
