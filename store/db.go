package store

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"feltsag.dk/feltsag/app"
)

// Executor runs a command against a case. *app.Engine satisfies it; the
// store never builds one itself.
type Executor interface {
	Execute(s *app.Sag, c app.Command) (*app.Result, error)
}

var _ Executor = (*app.Engine)(nil)

// summarizer is what an Executor may offer to put a case's deadlines in
// its list line (*app.Engine does, from the rule tables): the case list
// then shows them from the in-memory index without decoding the cases.
type summarizer interface {
	Summary(s *app.Sag, on app.Date) app.CaseSummary
}

var _ summarizer = (*app.Engine)(nil)

// summary is the list line of a case as the store keeps it: with its
// deadlines on today's date when the engine computes them.
func (db *DB) summary(s *app.Sag) app.CaseSummary {
	if e, ok := db.opts.Engine.(summarizer); ok {
		return e.Summary(s, app.DateOf(db.now()))
	}
	return app.SummaryOf(s)
}

// Options configure Create, Open and Salvage. The zero value is usable
// except for Engine, which Commit, Rebase, PutConfirmed and Ack need.
type Options struct {
	Engine      Executor
	LockTimeout time.Duration // how long Open waits for another instance's lock; default 2 s
	MaxFailures int           // wrong passwords in a row before the file is crypto-erased; default 10
	KDF         KDFParams     // Argon2id parameters for new wraps; zero = DefaultKDF(); stored ones are only raised
	MaxSize     int           // largest file size in bytes (bbolt MaxSize); 0 = no limit
	Device      app.ID        // device id written by Create; random when empty

	Rand  io.Reader           // crypto/rand.Reader unless a test injects one
	Now   func() time.Time    // clock for audit records and quarantine names; time.Now by default
	Sleep func(time.Duration) // the growing delay after wrong passwords; time.Sleep by default

	compactFault func() error // test hook: an error here fails compaction before it writes
}

func (o Options) withDefaults() Options {
	if o.LockTimeout <= 0 {
		o.LockTimeout = 2 * time.Second
	}
	if o.MaxFailures <= 0 {
		o.MaxFailures = 10
	}
	if o.KDF == (KDFParams{}) {
		o.KDF = DefaultKDF()
	}
	if o.Rand == nil {
		o.Rand = rand.Reader
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = time.Sleep
	}
	return o
}

// Bucket names. The header is the only plaintext value; every other value
// is sealed with AAD = bucket name + key.
const (
	bHeader    = "header"     // "v1" → header (plaintext + SHA-256)
	bMeta      = "meta"       // "device", "cursor", "hlc" → sealed bytes
	bConfirmed = "confirmed"  // case id → server-confirmed app.Sag (JSON)
	bView      = "view"       // case id → summary + local view (confirmed + pending); summary only when the view is the confirmed state (schema 5)
	bOutbox    = "outbox"     // big-endian seq → app.PendingCommand
	bOutboxIDs = "outbox_ids" // command id → big-endian seq
	bResults   = "results"    // command id → app.Acked
	bConflicts = "conflicts"  // conflict id → Conflict
	bAudit     = "audit"      // big-endian seq → app.AuditRecord
	bIndex     = "index"      // HMAC(CPR) ‖ case id → case id (blind index)
	bLeaving   = "leaving"    // case id → time it left scope (read-only until its outbox is acked)
	bSnapshot  = "snapshot"   // case id → "" for each case a snapshot in progress has delivered
	bRecords   = "records"    // kind/id → app.Record of a kind this version does not interpret
	bSealed    = "sealed"     // big-endian seq → outbox entry sealed to the server's key + MAC; NOT sealed with the data key (sealed.go)

	bCompanies   = "virksomheder"    // company id → server-confirmed app.Virksomhed (JSON), schema 6
	bCompanyView = "virksomhed_view" // company id → list line + local view (confirmed + pending); line only when the view is the confirmed state, schema 6
)

var headerKey = []byte("v1")

// schemaVersion is the layout this code writes; migrate.go upgrades older
// files at Unlock.
const schemaVersion = 6

// buckets returns the buckets a file of the given schema has.
func buckets(schema int) []string {
	b := []string{bHeader, bMeta, bConfirmed, bView, bOutbox, bOutboxIDs, bResults, bConflicts, bAudit}
	if schema >= 2 {
		b = append(b, bIndex)
	}
	if schema >= 3 {
		b = append(b, bLeaving, bSnapshot, bRecords)
	}
	if schema >= 4 {
		b = append(b, bSealed)
	}
	if schema >= 6 {
		b = append(b, bCompanies, bCompanyView)
	}
	return b
}

// DB is an open replica file. It holds bbolt's exclusive lock from Open to
// Close, so a second instance of the app gets RuleLocked. Methods are safe
// for concurrent use; all but Unlock, Close and Wipe need Unlock first.
type DB struct {
	path       string
	opts       Options
	migrations []migration

	mu     sync.RWMutex // write-held while the file is unlocked, swapped, closed or wiped
	wmu    sync.Mutex   // serialises DB.update, see there
	cache  *viewCache
	bolt   *bolt.DB
	lock   *bolt.DB // <path>.lock, see lockInstance
	keys   *keyring
	device app.ID
	clock  *app.Clock // the device's HLC; nil while locked
	idx    *caseIndex
	stats  Stats

	beforeRemove func(path string) // test hook: inspect a file just before it is deleted
	// sealedCrash is a test hook: a crypto-erase stops where it returns an
	// error ("written": the sidecar's temporary file is complete; "renamed":
	// the sidecar is in place), as if the process died there.
	sealedCrash func(point string) error
}

// Stats are timings of the last Open and Unlock, for the status screen and
// the benchmarks.
type Stats struct {
	Check time.Duration // Open: structural check of the file (walk + tx.Check)
	KDF   time.Duration // Unlock: the Argon2id derivation alone
	Load  time.Duration // Unlock: migrations, decrypting every value, building the search index
	Cases int
	// Resealed counts the sealed outbox entries Unlock found missing,
	// damaged or sealed to an old key and sealed again (or removed, when
	// their outbox entry was gone).
	Resealed int
}

// Path returns the file's path.
func (db *DB) Path() string { return db.path }

// Stats returns the timings of the last Open and Unlock.
func (db *DB) Stats() Stats {
	db.mu.RLock()
	defer db.mu.RUnlock()
	return db.stats
}

// Device returns the device id stored in the file ("" before Unlock).
func (db *DB) Device() app.ID {
	db.mu.RLock()
	defer db.mu.RUnlock()
	return db.device
}

// Close releases the file lock and forgets the keys. Closing twice is
// harmless.
func (db *DB) Close() error {
	db.mu.Lock()
	defer db.mu.Unlock()
	err := db.closeLocked()
	db.release()
	return err
}

// Lock forgets the keys, the case index and the view cache but keeps the
// file open and locked: the inactivity lock. Unlock opens it again.
func (db *DB) Lock() {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.cache.reset()
	if db.keys != nil {
		db.keys.wipe()
		db.keys = nil
	}
	db.idx = newCaseIndex()
	db.clock = nil
}

// release gives up the instance lock.
func (db *DB) release() {
	if db.lock != nil {
		_ = db.lock.Close()
		db.lock = nil
	}
}

func (db *DB) closeLocked() error {
	db.cache.reset()
	if db.keys != nil {
		db.keys.wipe()
		db.keys = nil
	}
	if db.bolt == nil {
		return nil
	}
	err := db.bolt.Close()
	db.bolt = nil
	if err != nil {
		return app.Internal(err)
	}
	return nil
}

// openBolt opens the file with the lock timeout. A lock held elsewhere
// gives RuleLocked and missing permissions RuleAccess (both *app.Error);
// any other failure is damage and returned as a plain error.
func openBolt(path string, o Options, readOnly bool) (*bolt.DB, error) {
	return openBoltFlags(path, o, readOnly, 0)
}

// openBoltNew creates a new file with bbolt: os.O_EXCL makes the open fail
// if anything, a symbolic link included, appeared under the name after the
// caller cleared it.
func openBoltNew(path string, o Options) (*bolt.DB, error) {
	return openBoltFlags(path, o, false, os.O_EXCL)
}

func openBoltFlags(path string, o Options, readOnly bool, extra int) (*bolt.DB, error) {
	var db *bolt.DB
	var f *os.File
	err := safely(func() error {
		var err error
		db, err = bolt.Open(path, 0o600, &bolt.Options{Timeout: o.LockTimeout, MaxSize: o.MaxSize, ReadOnly: readOnly,
			OpenFile: func(name string, flag int, perm os.FileMode) (*os.File, error) {
				f, err = os.OpenFile(name, flag|extra, perm)
				return f, err
			}})
		return err
	})
	if errors.Is(err, errPanic) && f != nil {
		_ = f.Close() // bbolt panicked holding the file: release its lock
	}
	switch {
	case err == nil:
		return db, nil
	case errors.Is(err, berrors.ErrTimeout):
		return nil, errLocked(err)
	case errors.Is(err, fs.ErrPermission):
		return nil, errAccess(err)
	}
	return nil, fmt.Errorf("open: %w", err)
}

// txn is one bbolt transaction with the keys to seal and open values.
// Write transactions run by DB.update also carry fx: the views they read
// and wrote, and work to do once they have committed.
type txn struct {
	tx    *bolt.Tx
	keys  *keyring
	fx    *txEffects
	cache *viewCache
	// summary makes the list line stored with a view (DB.summary); nil
	// in transactions that write no view.
	summary func(*app.Sag) app.CaseSummary
}

// txEffects collects what a write transaction's commit makes true, applied
// by DB.update after the commit and before the next write can start.
type txEffects struct {
	views map[app.ID]*app.Sag // decoded views read or written, as committed
	drop  []app.ID            // views removed
	after []func()            // in-memory index updates
	// leaving holds the read-only state each case changed to (true: left
	// scope; false: purged or back in scope).
	leaving map[app.ID]bool
	tip     *auditTip // the last audit record appended
	// confirmed holds confirmed states this transaction stored from a
	// pulled record, decoded, so that the rebase after them does not
	// read and decode them again (see txn.confirmed).
	confirmed map[app.ID]*app.Sag
}

// after registers fn to run once the transaction has committed; outside
// DB.update (under the exclusive lock) it runs at once.
func (t txn) after(fn func()) {
	if t.fx == nil {
		fn()
		return
	}
	t.fx.after = append(t.fx.after, fn)
}

func (t txn) bucket(name string) (*bolt.Bucket, error) {
	b := t.tx.Bucket([]byte(name))
	if b == nil {
		return nil, errCorrupt(fmt.Errorf("bucket %s missing", name))
	}
	if name == bOutbox || name == bAudit || name == bSealed {
		// Keys only ever grow (sequences): bbolt's default split leaves
		// every full page half empty, so these trees had twice the pages
		// and split more often, each split a page more to write. Fill them.
		b.FillPercent = 1.0
	}
	return b, nil
}

// get returns the opened value, or nil when the key is absent.
func (t txn) get(bucket string, key []byte) ([]byte, error) {
	b, err := t.bucket(bucket)
	if err != nil {
		return nil, err
	}
	v := b.Get(key)
	if v == nil {
		return nil, nil
	}
	plain, err := t.keys.open(bucket, key, v)
	if err != nil {
		return nil, errCorrupt(err)
	}
	return plain, nil
}

func (t txn) put(bucket string, key, plain []byte) error {
	b, err := t.bucket(bucket)
	if err != nil {
		return err
	}
	sealed, err := t.keys.seal(bucket, key, plain)
	if err != nil {
		return err
	}
	return b.Put(key, sealed)
}

func (t txn) putJSON(bucket string, key []byte, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return t.put(bucket, key, b)
}

func (t txn) del(bucket string, key []byte) error {
	b, err := t.bucket(bucket)
	if err != nil {
		return err
	}
	return b.Delete(key)
}

// each calls fn with every key and opened value of bucket, in key order.
// The key slice is only valid during the call.
func (t txn) each(bucket string, fn func(k, plain []byte) error) error {
	b, err := t.bucket(bucket)
	if err != nil {
		return err
	}
	return b.ForEach(func(k, v []byte) error {
		if v == nil {
			return errCorrupt(fmt.Errorf("nested bucket in %s", bucket))
		}
		plain, err := t.keys.open(bucket, k, v)
		if err != nil {
			return errCorrupt(err)
		}
		return fn(k, plain)
	})
}

// nextSeq returns the next key of an ordered bucket. It takes the larger
// of bbolt's counter and the last key, so a damaged counter can never make
// a new entry overwrite an old one.
func (t txn) nextSeq(bucket string) (uint64, error) {
	b, err := t.bucket(bucket)
	if err != nil {
		return 0, err
	}
	n := b.Sequence()
	if k, _ := b.Cursor().Last(); k != nil {
		last, ok := parseSeq(k)
		if !ok {
			return 0, errCorrupt(fmt.Errorf("bad key in %s", bucket))
		}
		n = max(n, last)
	}
	n++
	return n, b.SetSequence(n)
}

// update runs fn in one write transaction (one fsync on commit), then
// applies its effects to the view cache and the case index. wmu keeps
// that ordered: bbolt releases its writer lock before commit handlers run,
// so without it a second writer could read a cached view older than the
// one just committed. Errors are mapped by writeErr.
func (db *DB) update(fn func(t txn) error) error {
	db.mu.RLock()
	defer db.mu.RUnlock()
	if db.bolt == nil || db.keys == nil {
		return errNotOpen()
	}
	db.wmu.Lock()
	defer db.wmu.Unlock()
	fx := &txEffects{views: map[app.ID]*app.Sag{}}
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		return fn(txn{tx: tx, keys: db.keys, fx: fx, cache: db.cache, summary: db.summary})
	})
	if err != nil {
		return writeErr(err)
	}
	db.cache.apply(fx)
	for _, f := range fx.after {
		f()
	}
	return nil
}

// read runs fn in a read-only transaction.
func (db *DB) read(fn func(t txn) error) error {
	db.mu.RLock()
	defer db.mu.RUnlock()
	if db.bolt == nil || db.keys == nil {
		return errNotOpen()
	}
	err := db.bolt.View(func(tx *bolt.Tx) error { return fn(txn{tx: tx, keys: db.keys}) })
	var ae *app.Error
	if err != nil && !errors.As(err, &ae) {
		return app.Internal(err)
	}
	return err
}

func (db *DB) now() time.Time { return db.opts.Now().UTC() }

// readHeader reads the plaintext header (no keys needed).
func readHeader(tx *bolt.Tx) (*header, error) {
	b := tx.Bucket([]byte(bHeader))
	if b == nil {
		return nil, fmt.Errorf("%w: bucket missing", errHeader)
	}
	return decodeHeader(b.Get(headerKey))
}

func writeHeader(tx *bolt.Tx, h *header) error {
	b, err := tx.CreateBucketIfNotExists([]byte(bHeader))
	if err != nil {
		return err
	}
	return b.Put(headerKey, encodeHeader(h))
}
