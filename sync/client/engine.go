package client

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/sync/wire"
)

// Reconnect policy (docs/protocol.md §8): exponential backoff with full
// jitter. The n-th reconnect in a row waits a uniformly random time in
// [0, min(BackoffMax, BackoffBase·2ⁿ)); a session that completed a sync,
// or made progress (applied a page, recorded an ack), starts the count
// again.
const (
	DefaultBackoffBase = 500 * time.Millisecond
	DefaultBackoffMax  = 60 * time.Second
)

// Options configure New. Replica, URL and Auth are required; every other
// field has a default.
type Options struct {
	Replica Replica
	// URL is the server's base address: "https://feltsag.example" or
	// "wss://…" (the engine connects to <URL>/v1/sync); plain http or ws
	// only on loopback.
	URL  string
	Auth TokenSource
	// Caseworker, when set, is the caseworker the replica belongs to: a
	// welcome for anybody else stops the engine.
	Caseworker  app.ID
	AppVersion  string // sent in hello; default "0.0.0-dev"
	RulesDigest string // digest of the rule bundle the client runs (wire.BundleDigest), sent in hello

	Now   func() time.Time                                 // default time.Now
	Rand  func() float64                                   // uniform in [0, 1), for jitter; default math/rand/v2
	Sleep func(ctx context.Context, d time.Duration) error // waits between connections and after retry_after; returns early with ctx's error
	After func(d time.Duration) <-chan time.Time           // the idle ping timer; default time.After

	Logger     *slog.Logger        // default: discards
	OnWipe     func(reason string) // the server ordered this device wiped (wire.WipeRevoked, wire.WipeLost, or "" after a bare close 4004); Run has stopped
	OnConflict func(app.Conflict)  // a conflict routed to this caseworker was stored in the replica

	// OnRules, when set, installs a rule bundle the server serves whose
	// digest differs from RulesDigest (rules.go): it validates the files
	// with the rule loader, keeps them and enforces them from then on, or
	// returns why it refuses them (the old rules stay). The engine then
	// sends the new digest in every hello.
	OnRules func(RuleBundle) error

	// Sealed, when set, is the sealed outbox an erase left: it is
	// delivered over HTTP before every session's hello, until it is empty
	// (sealed.go).
	Sealed SealedOutbox
	// HTTP is the client for the HTTP endpoints (sealed delivery); nil:
	// one with TLS, or http.DefaultClient.
	HTTP *http.Client

	TLS              *tls.Config   // for wss; nil: the system's roots
	HandshakeTimeout time.Duration // default 15 s
	PageLimit        int           // records per pull, 0: the server's choice
	BackoffBase      time.Duration // default DefaultBackoffBase
	BackoffMax       time.Duration // default DefaultBackoffMax
}

func (o Options) withDefaults() Options {
	if o.AppVersion == "" {
		o.AppVersion = "0.0.0-dev"
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Rand == nil {
		o.Rand = rand.Float64
	}
	if o.Sleep == nil {
		o.Sleep = sleepCtx
	}
	if o.After == nil {
		o.After = time.After
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.HTTP == nil && o.TLS != nil {
		o.HTTP = &http.Client{Transport: &http.Transport{TLSClientConfig: o.TLS, Proxy: http.ProxyFromEnvironment}}
	}
	if o.HandshakeTimeout <= 0 {
		o.HandshakeTimeout = 15 * time.Second
	}
	if o.BackoffBase <= 0 {
		o.BackoffBase = DefaultBackoffBase
	}
	if o.BackoffMax <= 0 {
		o.BackoffMax = DefaultBackoffMax
	}
	return o
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Status is what the client shows about sync.
type Status struct {
	Online  bool // connected and welcomed by the server
	Syncing bool // pushing or pulling right now
	// LastSync is when the last complete sync ended: the outbox pushed and
	// acknowledged as it was, and every record up to the server's head
	// pulled. Zero before the first in this run.
	LastSync      time.Time
	Pending       int       // commands in the outbox and decisions on conflicts not yet sent
	OldestPending time.Time // when the oldest of them was saved; zero with none
	// LastError is why the last attempt failed, with a catalogue key
	// (KeyUnreachable, KeySessionExpired, the server's own error …). A
	// complete sync clears it.
	LastError *app.Error
	// FirstSync is the progress of a snapshot (a first sync, or a new
	// epoch) while one is being pulled.
	FirstSync Progress
	// Sealed is how many entries of the sealed outbox an erase left are
	// still to deliver; SealedDelivered and SealedRejected count those
	// the server answered in this run, and of them those it rejected.
	Sealed          int
	SealedDelivered int
	SealedRejected  int
	// Reassigned and Closed count the records that left the caseworker's
	// scope in this run, by the reason the server gave (wire.ScopeDelta):
	// given to a colleague, or to nobody.
	Reassigned int
	Closed     int
	// RulesDigest is the digest of the rule bundle the client runs;
	// RulesRefused is why the server's bundle was refused, if it was.
	RulesDigest  string
	RulesRefused *app.Error
	// Stopped is set when Run has ended for good: the device was wiped,
	// another connection of it took over, or the app is too old.
	Stopped bool
}

// Progress counts the records of a snapshot received so far of Total
// (0 when the server did not say).
type Progress struct {
	Active   bool
	Received int
	Total    int
}

// Engine is the client's sync engine: one connection to the server at a
// time, run by Run. Status, Updates, Kick and Retry are safe to call from
// any goroutine.
type Engine struct {
	opts    Options
	log     *slog.Logger
	wsURL   string
	urlErr  error
	kick    chan struct{}
	retry   chan struct{}
	updates chan struct{}
	running atomic.Bool

	mu sync.Mutex
	st Status

	// Owned by the goroutine in Run.
	reqSeq       uint64
	auditFrom    uint64 // audit records up to here are known uploaded
	rulesDigest  string // the bundle the client runs, sent in hello
	rulesRefused string // a bundle refused in this run: not asked for again
}

// New returns an engine; Run starts it.
func New(o Options) *Engine {
	o = o.withDefaults()
	e := &Engine{
		opts:    o,
		log:     o.Logger,
		kick:    make(chan struct{}, 1),
		retry:   make(chan struct{}, 1),
		updates: make(chan struct{}, 1),
	}
	e.wsURL, e.urlErr = serverURL(o.URL, "ws", wire.PathSync)
	e.rulesDigest = o.RulesDigest
	e.st.RulesDigest = o.RulesDigest
	return e
}

// Status returns the current status.
func (e *Engine) Status() Status {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.st
}

// Updates returns a channel that receives a value after the status
// changed (changes in quick succession may be merged into one value); read
// Status then.
func (e *Engine) Updates() <-chan struct{} { return e.updates }

// Kick tells the engine a command was just saved: it pushes at once when
// connected and refreshes the pending count either way.
func (e *Engine) Kick() {
	select {
	case e.kick <- struct{}{}:
	default:
	}
}

// Retry cuts a wait between connections short (the caseworker pressed
// "Synkronisér", or signed in again).
func (e *Engine) Retry() {
	select {
	case e.retry <- struct{}{}:
	default:
	}
}

func (e *Engine) update(f func(*Status)) {
	e.mu.Lock()
	f(&e.st)
	e.mu.Unlock()
	select {
	case e.updates <- struct{}{}:
	default:
	}
}

// refreshPending reads the outbox for the status.
func (e *Engine) refreshPending() {
	n, oldest, err := pendingCount(e.opts.Replica)
	if err != nil {
		e.log.Warn("sync: read outbox", "err", app.Describe(err))
		return
	}
	n, oldest = e.withDecisions(n, oldest)
	e.update(func(s *Status) { s.Pending, s.OldestPending = n, oldest })
}

// outcome is how a session ended and what Run does next.
type outcome struct {
	err        *app.Error    // for Status.LastError; nil after a clean end
	stop       bool          // Run returns
	healthy    bool          // the session completed a sync or made progress: the backoff starts again
	retryAfter time.Duration // the server asked for this wait
	refreshed  bool          // the token was refused and renewed: reconnect at once
	wiped      bool          // call OnWipe(wipeReason)
	wipeReason string
}

// errRunning is returned by a second concurrent Run.
var errRunning = errors.New("sync client: Run is already running")

// Run connects, syncs and keeps the connection until ctx ends or the
// server stops the device (wipe, 4009 replaced, 4001 version). Between
// connections it waits by the reconnect policy, or the wait a server's
// retry_after asked for. It returns ctx's error, or the *app.Error that
// stopped it (KeyWiped, KeyReplaced, KeyOutdated, or an unusable URL).
func (e *Engine) Run(ctx context.Context) error {
	if !e.running.CompareAndSwap(false, true) {
		return errRunning
	}
	defer e.running.Store(false)
	if e.urlErr != nil {
		ae := app.AsError(e.urlErr)
		e.update(func(s *Status) { s.LastError, s.Stopped = ae, true })
		return ae
	}
	e.update(func(s *Status) { s.Stopped = false })
	e.refreshPending()
	attempt, quickUsed := 0, false
	for {
		out := e.session(ctx)
		e.update(func(s *Status) {
			s.Online, s.Syncing = false, false
			if out.err != nil {
				s.LastError = out.err
			}
			if out.stop {
				s.Stopped = true
			}
		})
		if ctx.Err() != nil {
			e.update(func(s *Status) { s.Stopped = false })
			return ctx.Err()
		}
		if out.wiped && e.opts.OnWipe != nil {
			e.opts.OnWipe(out.wipeReason)
		}
		if out.stop {
			return out.err
		}
		if out.healthy {
			attempt, quickUsed = 0, false
		}
		var d time.Duration
		switch {
		case out.retryAfter > 0:
			d = out.retryAfter
		case out.refreshed && !quickUsed:
			quickUsed = true
		default:
			d = e.backoff(attempt)
			attempt++
		}
		e.log.Info("sync: reconnecting", "after", d, "attempt", attempt)
		if err := e.wait(ctx, d); err != nil {
			return err
		}
	}
}

// backoff returns the wait before the attempt-th reconnect in a row: full
// jitter over min(max, base·2^attempt).
func (e *Engine) backoff(attempt int) time.Duration {
	ceil := e.opts.BackoffMax
	if attempt < 31 {
		if d := e.opts.BackoffBase << attempt; d > 0 && d < ceil {
			ceil = d
		}
	}
	r := e.opts.Rand()
	if r < 0 || r >= 1 {
		r = 0
	}
	return time.Duration(r * float64(ceil))
}

// wait sleeps d before the next connection. A Kick meanwhile refreshes the
// pending count; Retry ends the wait early.
func (e *Engine) wait(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = e.opts.Sleep(wctx, d)
	}()
	for {
		select {
		case <-done:
			return ctx.Err()
		case <-e.kick:
			e.refreshPending()
		case <-e.retry:
			cancel()
			<-done
			return ctx.Err()
		}
	}
}

// nextID returns a fresh request id.
func (e *Engine) nextID() app.ID {
	e.reqSeq++
	return app.ID("r" + strconv.FormatUint(e.reqSeq, 10))
}
