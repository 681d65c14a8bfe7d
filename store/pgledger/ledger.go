package pgledger

import (
	"context"
	cryptorand "crypto/rand"
	"encoding/binary"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"feltsag.dk/feltsag/app"
)

// Options tune a ledger. The zero value is the production setting.
type Options struct {
	// MaxConns caps the pool's connections: the committer holds one, the
	// listener one, and every concurrent View (a client's pull page)
	// one. Default: pool_max_conns in the URL, else 16.
	MaxConns int32
	// MaxAttempts caps how often Update runs a transaction that keeps
	// failing to serialise. Default 100.
	MaxAttempts int
	// MaxBatchSize caps how many Updates share one commit. Default 64:
	// each Update is a savepoint (a subtransaction), and PostgreSQL keeps
	// only 64 of a transaction's subtransactions in shared memory; past
	// that every other session's visibility checks get slower while the
	// batch is open. 64 per WAL flush is already far past what one
	// flush per Update gives.
	MaxBatchSize int
}

// DB is the server's ledger on PostgreSQL. It implements app.Ledger; it
// is safe for concurrent use, also by several processes on one database.
type DB struct {
	pool        *pgxpool.Pool
	maxAttempts int
	maxBatch    int

	// Group commit (commit.go): Updates queue on calls for the committer
	// goroutine, which stops when closing is closed and then closes
	// stopped.
	calls     chan call
	closing   chan struct{}
	stopped   chan struct{}
	closeOnce sync.Once
}

var _ app.Ledger = (*DB)(nil)

// Open connects to the database at url (postgres://…) and checks its
// schema. It does not migrate: the server's role may not change the
// schema, and `feltsagd migrate` does.
//
// Errors: internal (RuleUnreachable) when the database cannot be reached
// or refuses the sign-in; invalid (RuleOlder) for a schema older than
// this code's, (RuleNewer) for a newer one.
func Open(ctx context.Context, url string, opts Options) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, errUnreachable(err)
	}
	switch {
	case opts.MaxConns > 0:
		cfg.MaxConns = opts.MaxConns
	case !strings.Contains(url, "pool_max_conns"):
		cfg.MaxConns = max(cfg.MaxConns, 16)
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = 100
	}
	if opts.MaxBatchSize <= 0 {
		opts.MaxBatchSize = 64
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, errUnreachable(err)
	}
	v, err := versionOf(ctx, pool)
	switch {
	case err != nil:
		pool.Close()
		return nil, errUnreachable(err)
	case v < SchemaVersion():
		pool.Close()
		return nil, errOlder(v)
	case v > SchemaVersion():
		pool.Close()
		return nil, errNewer(v)
	}
	db := &DB{pool: pool, maxAttempts: opts.MaxAttempts, maxBatch: opts.MaxBatchSize,
		calls: make(chan call), closing: make(chan struct{}), stopped: make(chan struct{})}
	go db.commitLoop()
	return db, nil
}

// View runs fn in a read-only snapshot (REPEATABLE READ): everything fn
// reads is as of one instant. fn's error is returned as it is.
func (db *DB) View(fn func(app.LedgerTx) error) error {
	ctx := context.Background()
	ptx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return dbErr(err)
	}
	defer func() { _ = ptx.Rollback(ctx) }()
	return fn(&tx{tx: ptx, ctx: ctx})
}

// Update runs fn in a read-write transaction and commits it, durably,
// when fn returns nil; when fn returns an error nothing it wrote is kept
// and the error is returned as it is.
//
// Writers are serialised, as in the bbolt ledger: every write transaction
// first takes one advisory lock, held to its commit, in every process on
// the database (commit.go). So fn sees everything committed before it and
// nothing commits beside it, log positions commit in order, and
// Updates that arrive while a commit is running share the next
// transaction and its WAL flush (group commit), each in a savepoint of
// its own. fn may run more than once: again when the batch it was in
// failed to commit (a serialization failure or deadlock is retried after
// a short random pause, up to Options.MaxAttempts times). It must not act
// outside the transaction, and only what the last run saw counts.
func (db *DB) Update(fn func(app.LedgerTx) error) error {
	pause := time.Millisecond
	for attempt := 1; ; attempt++ {
		r := db.commit(fn)
		if r.panicked {
			panic(r.panic)
		}
		if !r.again || attempt >= db.maxAttempts {
			return r.err
		}
		time.Sleep(rand.N(pause) + time.Microsecond) // full jitter: contenders spread out
		pause = min(2*pause, 50*time.Millisecond)
	}
}

// Close stops the committer after the batch it is running and releases
// the pool's connections. An Update after Close fails; closing twice is
// harmless.
func (db *DB) Close() error {
	db.closeOnce.Do(func() {
		close(db.closing)
		<-db.stopped
		db.pool.Close()
	})
	return nil
}

// Pool is the ledger's connection pool, for the server's LISTEN/NOTIFY
// and the operator's tools.
func (db *DB) Pool() *pgxpool.Pool { return db.pool }

// newEpoch returns a random epoch of 63 bits, never 0 and never old (the
// bbolt ledger's rule: a restored ledger cannot land on an epoch its
// clients already saw).
func newEpoch(old uint64) (uint64, error) {
	var b [8]byte
	for {
		if _, err := io.ReadFull(cryptorand.Reader, b[:]); err != nil {
			return 0, err
		}
		if e := binary.BigEndian.Uint64(b[:]) >> 1; e != 0 && e != old {
			return e, nil
		}
	}
}
