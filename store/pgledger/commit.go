package pgledger

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"feltsag.dk/feltsag/app"
)

// Group commit with one writer at a time across every process.
//
// Each batch is one READ COMMITTED transaction whose first statement takes
// the writers' advisory lock (writerLock), held until the commit. Every
// statement after it sees everything committed before the lock was
// granted, and no other writer commits until this one has: writers run
// one after another, as in the bbolt ledger, so fn's reads and writes are
// serializable without SERIALIZABLE's false conflicts, and log positions
// (the ledger row's counter) become visible in order. Inside the batch,
// each Update runs in a savepoint: an fn that fails or panics is rolled
// back to it alone, and the others commit together, with one WAL flush.
//
// The committer commits at once when nobody else is waiting and takes
// everybody who arrived during a commit into the next batch, so batches
// grow exactly as fast as commits fall behind (store/ledger/commit.go).

// writerLock is the advisory lock every write transaction takes first.
const writerLock = 0x4645_4c54_5341_4702 // "FELTSAG" 2

// call is one Update waiting for the committer.
type call struct {
	fn   func(app.LedgerTx) error
	done chan result // buffered: the committer never blocks on a caller
}

// result is what one attempt gave an Update.
type result struct {
	err      error
	again    bool // a serialization failure or deadlock: run fn again
	panicked bool
	panic    any
}

var errClosed = errors.New("the ledger is closed")

// commit queues fn for the committer and returns its result.
func (db *DB) commit(fn func(app.LedgerTx) error) result {
	c := call{fn: fn, done: make(chan result, 1)}
	select {
	case db.calls <- c:
	case <-db.closing:
		return result{err: app.Internal(errClosed)}
	}
	return <-c.done
}

// commitLoop is the committer goroutine.
func (db *DB) commitLoop() {
	defer close(db.stopped)
	for {
		var first call
		select {
		case first = <-db.calls:
		case <-db.closing:
			return
		}
		batch := []call{first}
	drain:
		for len(batch) < db.maxBatch {
			select {
			case c := <-db.calls:
				batch = append(batch, c)
			default:
				break drain
			}
		}
		for i, r := range db.runBatch(batch) {
			batch[i].done <- r
		}
	}
}

// runBatch runs the calls in one transaction and returns each one's
// result.
func (db *DB) runBatch(batch []call) []result {
	ctx := context.Background()
	out := make([]result, len(batch))
	fail := func(err error) []result {
		for i := range out {
			if out[i].err == nil && !out[i].panicked {
				out[i] = result{err: dbErr(err), again: retryable(err)}
			}
		}
		return out
	}
	ptx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
	if err != nil {
		return fail(err)
	}
	defer func() { _ = ptx.Rollback(ctx) }() // after Commit: a no-op
	if _, err := ptx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(writerLock)); err != nil {
		return fail(err)
	}
	for i, c := range batch {
		if _, err := ptx.Exec(ctx, "SAVEPOINT u"); err != nil {
			return fail(err)
		}
		t := &tx{tx: ptx, ctx: ctx}
		p, panicked, err := callSafely(c.fn, t)
		switch {
		case panicked:
			out[i] = result{panicked: true, panic: p}
		case err != nil:
			out[i] = result{err: err, again: retryable(err) || retryable(t.failed)}
		case t.failed != nil: // fn went on after a failed statement
			out[i] = result{err: dbErr(t.failed), again: retryable(t.failed)}
		default:
			if _, err := ptx.Exec(ctx, "RELEASE SAVEPOINT u"); err != nil {
				return fail(err)
			}
			continue
		}
		if _, err := ptx.Exec(ctx, "ROLLBACK TO SAVEPOINT u"); err != nil {
			return fail(err)
		}
	}
	if err := ptx.Commit(ctx); err != nil {
		return fail(err)
	}
	return out
}

// callSafely runs fn, turning a panic into a value the caller re-raises
// in its own goroutine.
func callSafely(fn func(app.LedgerTx) error, t *tx) (p any, panicked bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			p, panicked = r, true
		}
	}()
	return nil, false, fn(t)
}
