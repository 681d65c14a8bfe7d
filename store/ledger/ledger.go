package ledger

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime/debug"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"feltsag.dk/feltsag/app"
)

// schemaVersion is the layout this code reads and writes. Open refuses a
// file of a newer version (ledger-nyere-version) and migrates an older
// one. Version 1 is the first; version 2 added LedgerRecord.Readers to the
// record head (a version-1 head reads as a record without readers, so the
// step only marks the file: an older feltsagd would ignore the readers
// and keep a dropped reader's scope entries live, and now refuses it).
const schemaVersion = 2

// Bucket names (docs/store.md, "The server's ledger").
var (
	bktLedger      = []byte("ledger")           // schema, epoch
	bktMeta        = []byte("meta")             // PutMeta's settings
	bktAccounts    = []byte("accounts")         // account id → Account JSON
	bktDevices     = []byte("devices")          // device id → Device JSON
	bktDevicesBy   = []byte("devices_account")  // account → {device id → ""}
	bktSessions    = []byte("sessions")         // token hash → Session JSON
	bktSessionsBy  = []byte("sessions_account") // account → {device 0 hash → ""}
	bktRecords     = []byte("records")          // kind → {id → head + data}
	bktLog         = []byte("log")              // seq → kind 0 id (each record once, at its latest position); bucket sequence = head
	bktScope       = []byte("scope")            // owner → {"seq": seq → entry, "rec": kind 0 id → seq + flag}
	bktApplied     = []byte("applied")          // command id → AppliedCommand JSON
	bktAppliedAt   = []byte("applied_at")       // time 0 command id → ""
	bktConflicts   = []byte("conflicts")        // conflict id → Conflict JSON
	bktConflictsBy = []byte("conflicts_owner")  // owner → {created 0 id → ""}
	bktAudit       = []byte("audit")            // audit seq → LedgerAudit JSON; bucket sequence = last audit seq
	bktAuditDevice = []byte("audit_device")     // device → {record seq → audit seq}
	bktAuditSag    = []byte("audit_sag")        // case id → {audit seq → ""}
	subSeq, subRec = []byte("seq"), []byte("rec")
	keySchema      = []byte("schema")
	keyEpoch       = []byte("epoch")
	allBuckets     = [][]byte{bktLedger, bktMeta, bktAccounts, bktDevices, bktDevicesBy, bktSessions, bktSessionsBy, bktRecords, bktLog, bktScope, bktApplied, bktAppliedAt, bktConflicts, bktConflictsBy, bktAudit, bktAuditDevice, bktAuditSag}
	errNotLedger   = errors.New("the file is a bbolt file but not a ledger")
)

// Options tune a ledger. The zero value is the production setting.
type Options struct {
	// LockTimeout is how long Open waits for another process to release
	// the file before it gives up with ledger-laast. Default 1 s.
	LockTimeout time.Duration
	// MaxBatchSize caps how many Updates share one commit. Default 1000.
	MaxBatchSize int
	// SkipCheck skips bbolt's full consistency check at Open (the cheap
	// checks still run). Only for tools that open very large ledgers
	// often; feltsagd serve checks.
	SkipCheck bool
}

func (o Options) withDefaults() Options {
	if o.LockTimeout <= 0 {
		o.LockTimeout = time.Second
	}
	if o.MaxBatchSize <= 0 {
		o.MaxBatchSize = 1000
	}
	return o
}

// DB is the server's ledger on one bbolt file. It implements app.Ledger;
// it is safe for concurrent use.
type DB struct {
	bolt *bolt.DB
	path string

	// Group commit (commit.go): Updates queue on calls for the committer
	// goroutine, which stops when closing is closed and then closes
	// stopped.
	calls    chan call
	closing  chan struct{}
	stopped  chan struct{}
	closeMu  sync.Mutex
	maxBatch int
}

var _ app.Ledger = (*DB)(nil)

// Open opens the ledger at path, creating it (mode 0600) when the file
// does not exist. It holds the file's exclusive lock until Close.
//
// Errors: conflict (RuleLocked) when another process holds the file for
// longer than Options.LockTimeout; invalid (RuleNewer) for a file written
// by a newer feltsagd, which is left untouched; internal (RuleDamaged) for
// an existing file that is empty, truncated, not a bbolt file, not a
// ledger or fails bbolt's consistency check; internal (RuleAccess) when
// the OS refuses access. Open never panics on a damaged file.
func Open(path string, opts Options) (*DB, error) {
	opts = opts.withDefaults()
	fi, err := os.Stat(path)
	switch {
	case err == nil && !fi.Mode().IsRegular():
		return nil, errDamaged(fmt.Errorf("%s is not a regular file", path))
	case err == nil && fi.Size() == 0:
		// bbolt would silently make a new, empty ledger of it.
		return nil, errDamaged(errors.New("zero-length file"))
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return nil, storeErr(err)
	}
	var bdb *bolt.DB
	err = safely(func() (err error) {
		bdb, err = bolt.Open(path, 0o600, &bolt.Options{Timeout: opts.LockTimeout})
		return err
	})
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return nil, errLocked(err)
	case errors.Is(err, fs.ErrPermission):
		return nil, errAccess(err)
	case err != nil:
		return nil, errDamaged(err)
	}
	db := &DB{bolt: bdb, path: path, calls: make(chan call), closing: make(chan struct{}), stopped: make(chan struct{}), maxBatch: opts.MaxBatchSize}
	if err := db.prepare(opts); err != nil {
		_ = bdb.Close()
		return nil, err
	}
	go db.commitLoop()
	return db, nil
}

// prepare validates an existing file, or lays out a new one.
func (db *DB) prepare(opts Options) error {
	var schema uint64
	fresh := false
	err := safely(func() error {
		return db.bolt.View(func(tx *bolt.Tx) error {
			fi, err := os.Stat(db.path)
			if err != nil {
				return err
			}
			if fi.Size() < tx.Size() {
				return fmt.Errorf("truncated: the file has %d bytes, its data needs %d", fi.Size(), tx.Size())
			}
			b := tx.Bucket(bktLedger)
			if b == nil {
				empty := true
				_ = tx.ForEach(func([]byte, *bolt.Bucket) error { empty = false; return nil })
				if !empty {
					return errNotLedger
				}
				fresh = true
				return nil
			}
			if schema, err = readU64(b.Get(keySchema)); err != nil {
				return fmt.Errorf("schema version: %w", err)
			}
			if schema > schemaVersion {
				return nil // refused below, before any check that could misread a newer layout
			}
			for _, name := range allBuckets {
				if tx.Bucket(name) == nil {
					return fmt.Errorf("bucket %s is missing", name)
				}
			}
			if _, err := readU64(b.Get(keyEpoch)); err != nil {
				return fmt.Errorf("epoch: %w", err)
			}
			if opts.SkipCheck {
				return nil
			}
			var first error
			for err := range tx.Check() { // drain: the checker runs until it closes the channel
				if first == nil {
					first = fmt.Errorf("consistency check: %w", err)
				}
			}
			return first
		})
	})
	switch {
	case err != nil:
		return errDamaged(err)
	case schema > schemaVersion:
		return errNewer(schema)
	case !fresh && schema < schemaVersion:
		return storeErr(db.bolt.Update(func(tx *bolt.Tx) error {
			return tx.Bucket(bktLedger).Put(keySchema, u64(schemaVersion))
		}))
	case !fresh:
		return nil
	}
	epoch, err := newEpoch(0)
	if err != nil {
		return app.Internal(err)
	}
	return storeErr(db.bolt.Update(func(tx *bolt.Tx) error {
		for _, name := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		b := tx.Bucket(bktLedger)
		if err := b.Put(keySchema, u64(schemaVersion)); err != nil {
			return err
		}
		return b.Put(keyEpoch, u64(epoch))
	}))
}

// newEpoch returns a random epoch, never 0 and never old. Epochs are
// random rather than counted so that a ledger restored from a backup and
// moved to a new epoch cannot land on an epoch its clients already saw.
func newEpoch(old uint64) (uint64, error) {
	var b [8]byte
	for {
		if _, err := io.ReadFull(rand.Reader, b[:]); err != nil {
			return 0, err
		}
		if e := binary.BigEndian.Uint64(b[:]) >> 1; e != 0 && e != old { // 63 bits: safe in JSON numbers of any reader
			return e, nil
		}
	}
}

// errPanic marks a panic or memory fault inside bbolt turned into an error.
var errPanic = errors.New("panic reading the file")

// safely runs fn with panics and memory faults (a page beyond the end of
// a truncated, memory-mapped file) turned into errors: bbolt trusts its
// pages and may panic on damaged ones.
func safely(fn func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", errPanic, r)
		}
	}()
	return fn()
}

// View runs fn in a read-only transaction. fn's error is returned as it
// is.
func (db *DB) View(fn func(app.LedgerTx) error) error {
	var fnErr error
	err := db.bolt.View(func(btx *bolt.Tx) error {
		fnErr = fn(&tx{tx: btx})
		return fnErr
	})
	if err != nil && errors.Is(err, fnErr) {
		return err
	}
	return storeErr(err)
}

// Update runs fn in a read-write transaction and commits it, durably
// (fsync; the ledger never runs without it), when fn returns nil; when fn
// returns an error nothing it wrote is kept and the error is returned as
// it is.
//
// Update is group commit (commit.go): an Update commits at once when no
// other is waiting, and Updates that arrive during a commit share the next
// transaction and its fsync. fn may therefore run more than once: again
// in each attempt of a batch that another caller's error rolled back, and
// again alone when its own error or panic took it out of a batch. It must
// not act outside the transaction (no sends, no counters, nothing it
// cannot take back), and only what the last run saw counts.
func (db *DB) Update(fn func(app.LedgerTx) error) error {
	var fnErr error
	err := db.commit(func(btx *bolt.Tx) error {
		fnErr = fn(&tx{tx: btx})
		return fnErr
	})
	if err != nil && errors.Is(err, fnErr) {
		return err
	}
	return storeErr(err)
}

// Close stops the committer after the batch it is running, then releases
// the file. An Update after Close fails; closing twice is harmless.
func (db *DB) Close() error {
	db.closeMu.Lock()
	defer db.closeMu.Unlock()
	select {
	case <-db.closing:
	default:
		close(db.closing)
	}
	<-db.stopped
	return storeErr(db.bolt.Close())
}

// Backup writes a consistent copy of the whole ledger to w while the
// ledger stays in use (bbolt's Tx.WriteTo in a read transaction; writers
// are not blocked) and returns the number of bytes written. The copy is a
// ledger file Open accepts; a server restored from it should call
// NewEpoch, so every client takes a fresh snapshot.
func (db *DB) Backup(w io.Writer) (int64, error) {
	var n int64
	err := db.bolt.View(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	return n, storeErr(err)
}

// Check runs bbolt's full consistency check on the open ledger (for an
// administrator's check of a running server). Errors: internal
// (RuleDamaged) with the first problem found.
func (db *DB) Check() error {
	err := safely(func() error {
		return db.bolt.View(func(tx *bolt.Tx) error {
			var first error
			for err := range tx.Check() {
				if first == nil {
					first = err
				}
			}
			return first
		})
	})
	if err != nil {
		return errDamaged(err)
	}
	return nil
}

// Path returns the ledger's file.
func (db *DB) Path() string { return db.path }
