package pgledger

import (
	"context"
	cryptorand "crypto/rand"
	"encoding/binary"
	"io"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"feltsag.dk/feltsag/app"
)

// Options tune a ledger. The zero value is the production setting.
type Options struct {
	// MaxConns caps the pool's connections. Default: pgxpool's (the
	// larger of 4 and the number of CPUs), or pool_max_conns in the URL.
	MaxConns int32
	// MaxAttempts caps how often Update runs a transaction that keeps
	// failing to serialise. Default 100.
	MaxAttempts int
}

// DB is the server's ledger on PostgreSQL. It implements app.Ledger; it
// is safe for concurrent use, also by several processes on one database.
type DB struct {
	pool        *pgxpool.Pool
	maxAttempts int
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
	if opts.MaxConns > 0 {
		cfg.MaxConns = opts.MaxConns
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = 100
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
	return &DB{pool: pool, maxAttempts: opts.MaxAttempts}, nil
}

// View runs fn in a read-only snapshot (REPEATABLE READ): everything fn
// reads is as of one instant. fn's error is returned as it is.
func (db *DB) View(fn func(app.LedgerTx) error) error {
	_, err := db.run(pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, fn, false)
	return err
}

// Update runs fn in a SERIALIZABLE transaction and commits it when fn
// returns nil; when fn returns an error nothing it wrote is kept and the
// error is returned as it is. When PostgreSQL reports a serialization
// failure or a deadlock (in fn's statements, even one fn swallowed, or
// at commit) the whole transaction runs again after a short random
// pause, up to Options.MaxAttempts times: fn must not act outside the
// transaction, and only what the last run saw counts.
func (db *DB) Update(fn func(app.LedgerTx) error) error {
	pause := time.Millisecond
	for attempt := 1; ; attempt++ {
		again, err := db.run(pgx.TxOptions{IsoLevel: pgx.Serializable}, fn, true)
		if !again || attempt >= db.maxAttempts {
			return err
		}
		time.Sleep(rand.N(pause) + time.Microsecond) // full jitter: contenders spread out
		pause = min(2*pause, 50*time.Millisecond)
	}
}

// run is one attempt: fn's error as it is (or the database's), and
// whether the transaction failed to serialise and may run again.
func (db *DB) run(opts pgx.TxOptions, fn func(app.LedgerTx) error, write bool) (again bool, err error) {
	ctx := context.Background()
	ptx, err := db.pool.BeginTx(ctx, opts)
	if err != nil {
		return false, dbErr(err)
	}
	t := &tx{tx: ptx, ctx: ctx}
	finished := false
	defer func() {
		if !finished { // fn panicked: the panic goes on to the caller
			_ = ptx.Rollback(ctx)
		}
	}()
	fnErr := fn(t)
	finished = true
	switch {
	case fnErr != nil || !write:
		_ = ptx.Rollback(ctx)
		return retryable(fnErr) || retryable(t.failed), fnErr
	case t.failed != nil: // fn went on after a failed statement: nothing can commit
		_ = ptx.Rollback(ctx)
		return retryable(t.failed), dbErr(t.failed)
	}
	err = ptx.Commit(ctx)
	return retryable(err), dbErr(err)
}

// Close releases the pool's connections; it waits for transactions in
// progress. Closing twice is harmless.
func (db *DB) Close() error {
	db.pool.Close()
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
