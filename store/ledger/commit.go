package ledger

import (
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// Group commit without a timer.
//
// bbolt's DB.Batch waits up to MaxBatchDelay (10 ms) for company before it
// commits, so a lone writer pays the delay on every Update: measured on
// the development machine, 78 Updates/s in a serial loop against 240/s
// for plain commits (BenchmarkUpdateParallel; docs/store.md). A client
// pushing its outbox frame after frame is such a lone writer. The
// committer below commits at once when nobody else is waiting and takes
// everybody who arrived during a commit into the next one, so batches grow
// exactly as fast as commits fall behind. Failure handling is bbolt's: a
// call whose fn fails is taken out, the batch is rolled back and re-run
// without it, and the failed call runs again alone in its own
// transaction, whose result it gets.

// call is one Update waiting for the committer.
type call struct {
	fn  func(*bolt.Tx) error
	err chan error // buffered: the committer never blocks on a caller
}

// errSolo tells a caller that its fn failed inside a batch and must run
// again alone.
var errSolo = errors.New("run alone")

// errPanicked marks a panic of fn inside a batch; the solo run lets it
// panic again in the caller's own goroutine.
var errPanicked = errors.New("fn panicked")

// commitLoop is the committer goroutine: it takes one call, everybody
// already waiting behind it up to maxBatch, and commits them in one
// transaction. It stops when closing is closed.
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
		db.runBatch(batch)
	}
}

func (db *DB) runBatch(batch []call) {
	for len(batch) > 0 {
		failed := -1
		err := db.bolt.Update(func(tx *bolt.Tx) error {
			for i, c := range batch {
				if err := callSafely(c.fn, tx); err != nil {
					failed = i
					return err
				}
			}
			return nil
		})
		if failed < 0 {
			for _, c := range batch {
				c.err <- err
			}
			return
		}
		batch[failed].err <- errSolo
		batch = append(batch[:failed], batch[failed+1:]...)
	}
}

func callSafely(fn func(*bolt.Tx) error, tx *bolt.Tx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", errPanicked, r)
		}
	}()
	return fn(tx)
}

// commit runs fn in a group commit and returns the error of the attempt
// that counted.
func (db *DB) commit(fn func(*bolt.Tx) error) error {
	c := call{fn: fn, err: make(chan error, 1)}
	select {
	case db.calls <- c:
	case <-db.closing:
		return berrors.ErrDatabaseNotOpen
	}
	if err := <-c.err; err != errSolo {
		return err
	}
	return db.bolt.Update(fn)
}
