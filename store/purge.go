package store

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"

	"feltsag.dk/feltsag/app"
)

// Purge removes a case from the device after reassignment: its confirmed
// state, view, blind-index entries, conflicts and recorded results, with a
// "purged" audit record (actor: system) in the same transaction. The file
// is then compacted into a new one that is swapped in atomically, because
// bbolt never scrubs freed pages; the old file is overwritten with zeros
// before it is deleted. Audit records about the case stay: they hold ids,
// never personal data, and belong to the access log. Purging a case that
// is not on the device only compacts.
//
// Errors: conflict (RuleUnsent) when commands for the case are still in
// the outbox (sync must push and ack them first); unauthorized
// (RuleNotOpen); internal (RuleFull or generic).
func (db *DB) Purge(caseID app.ID) error {
	return db.PurgeMany([]app.ID{caseID})
}

func (t txn) purge(id app.ID, now time.Time) error {
	n := 0
	if err := eachOutbox(t, func(e *app.PendingCommand) error {
		if e.Command.Sag == id {
			n++
		}
		return nil
	}); err != nil {
		return err
	}
	if n > 0 {
		return errUnsent(n)
	}
	if !t.has(bConfirmed, []byte(id)) && !t.has(bView, []byte(id)) && !t.isCompany(id) {
		return nil
	}
	steps := []func() error{
		func() error {
			if t.fx != nil {
				delete(t.fx.confirmed, id)
			}
			return t.del(bConfirmed, []byte(id))
		},
		func() error { return t.del(bView, []byte(id)) },
		func() error { return t.del(bCompanies, []byte(id)) },
		func() error { return t.del(bCompanyView, []byte(id)) },
		func() error { return t.unindexCase(id) },
		func() error { return t.deleteWhere(bConflicts, id, conflictCase) },
		func() error { return t.deleteWhere(bResults, id, resultCase) },
		func() error {
			return t.appendAudit(app.AuditRecord{At: now, Actor: app.Actor{Rolle: app.RolleSystem}, Action: app.ActionPurged, Sag: id})
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

func conflictCase(plain []byte) (app.ID, error) {
	c, err := decodeConflict(plain)
	if err != nil {
		return "", err
	}
	return c.Sag, nil
}

func resultCase(plain []byte) (app.ID, error) {
	a, err := decodeAcked(plain)
	if err != nil {
		return "", err
	}
	return a.Sag, nil
}

// deleteWhere deletes the records of bucket that belong to case id.
func (t txn) deleteWhere(bucket string, id app.ID, caseOf func([]byte) (app.ID, error)) error {
	var del [][]byte
	err := t.each(bucket, func(k, plain []byte) error {
		sag, err := caseOf(plain)
		if err != nil {
			return errCorrupt(err)
		}
		if sag == id {
			del = append(del, append([]byte(nil), k...))
		}
		return nil
	})
	for _, k := range del {
		if err == nil {
			err = t.del(bucket, k)
		}
	}
	return err
}

// compactionKey, in the plaintext header bucket, marks a file that needs a
// compaction: set in the same transaction as the change that needs it
// (Purge, ChangePassword, KDF raise), removed in the compacted copy. Its
// presence reveals nothing but that; an older Feltsag ignores it.
var compactionKey = []byte("compaction-pending")

func markCompaction(tx *bolt.Tx) error {
	b := tx.Bucket([]byte(bHeader))
	if b == nil {
		return fmt.Errorf("%w: bucket missing", errHeader)
	}
	return b.Put(compactionKey, []byte{1})
}

func compactionMarked(bdb *bolt.DB) bool {
	marked := false
	_ = safely(func() error {
		return bdb.View(func(tx *bolt.Tx) error {
			if b := tx.Bucket([]byte(bHeader)); b != nil {
				marked = b.Get(compactionKey) != nil
			}
			return nil
		})
	})
	return marked
}

// compactCommitted compacts after a change that has committed and marked
// the file (markCompaction). The change is saved whatever happens here, so
// a failure (a full disk) is not reported as the change's failure: the mark
// stays and Open and Unlock retry. Only when the file cannot be reopened
// after a swap is there an error, closed(cause), which says what was saved.
func (db *DB) compactCommitted(closed func(error) error) error {
	err := db.compactLocked()
	if err != nil && db.bolt == nil {
		return closed(err)
	}
	return nil
}

// retryCompaction finishes a compaction left pending, if any. A new
// failure leaves it pending; only a file that cannot be reopened is an
// error.
func (db *DB) retryCompaction() error {
	if db.bolt == nil || !compactionMarked(db.bolt) {
		return nil
	}
	if err := db.compactLocked(); err != nil && db.bolt == nil {
		return err
	}
	return nil
}

// CompactionPending reports whether a compaction that a committed change
// needs (after Purge, ChangePassword or a KDF raise) is still to be done
// because it failed, for example on a full disk. Until it is done, the
// freed pages may still hold the purged case or the old wrapped key. Open
// and Unlock retry it. It works on a locked DB too.
func (db *DB) CompactionPending() bool {
	db.mu.RLock()
	defer db.mu.RUnlock()
	return db.bolt != nil && compactionMarked(db.bolt)
}

// compactLocked copies the live data into <path>.compact (bbolt.Compact
// writes only reachable pages, so freed pages with old ciphertexts, old
// wrapped keys and purged cases stay behind), then swaps it in:
//
//	close → rename path → path.old → rename path.compact → path → sync dir
//	→ overwrite path.old with zeros and delete it → reopen
//
// recoverSwap finishes this sequence at the next Open if a crash cuts it.
// Between the close and the reopen the lock is released for a moment.
func (db *DB) compactLocked() error {
	tmp, old := db.path+".compact", db.path+".old"
	if err := scrubRemove(tmp, nil); err != nil {
		return app.Internal(err)
	}
	if err := compactInto(tmp, db.bolt, db.opts); err != nil {
		_ = scrubRemove(tmp, nil)
		return writeErr(err)
	}
	err := db.bolt.Close()
	db.bolt = nil
	if err != nil {
		return db.reopen(app.Internal(err))
	}
	if err := swapIn(db.path, tmp, old); err != nil {
		return db.reopen(app.Internal(err))
	}
	if err := scrubRemove(old, db.beforeRemove); err != nil {
		return db.reopen(app.Internal(err))
	}
	return db.reopen(nil)
}

func compactInto(tmp string, src *bolt.DB, o Options) error {
	if o.compactFault != nil {
		if err := o.compactFault(); err != nil {
			return err
		}
	}
	dst, err := bolt.Open(tmp, 0o600, &bolt.Options{Timeout: o.LockTimeout,
		OpenFile: func(name string, flag int, perm os.FileMode) (*os.File, error) {
			return os.OpenFile(name, flag|os.O_EXCL, perm) // never through a link planted after the scrub
		}})
	if err != nil {
		return err
	}
	err = bolt.Compact(dst, src, 0)
	if err == nil { // the copy no longer needs compacting
		err = dst.Update(func(tx *bolt.Tx) error {
			if b := tx.Bucket([]byte(bHeader)); b != nil {
				return b.Delete(compactionKey)
			}
			return nil
		})
	}
	if err != nil {
		_ = dst.Close()
		return err
	}
	return dst.Close()
}

func swapIn(path, tmp, old string) error {
	if err := os.Rename(path, old); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		if rerr := os.Rename(old, path); rerr != nil {
			return fmt.Errorf("%v; restoring: %w", err, rerr)
		}
		return err
	}
	return syncDir(filepath.Dir(path))
}

// reopen takes the file and its lock back after a swap and returns cause
// (or the reopen error).
func (db *DB) reopen(cause error) error {
	bdb, err := openBolt(db.path, db.opts, false)
	if err != nil {
		if db.keys != nil {
			db.keys.wipe()
			db.keys = nil
		}
		return writeErr(err)
	}
	db.bolt = bdb
	return cause
}
