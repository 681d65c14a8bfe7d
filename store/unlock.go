package store

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"

	"feltsag.dk/feltsag/app"
)

// Create makes a new replica file at path (creating its folder), protected
// by password, and returns it unlocked. The data key is 32 random bytes,
// wrapped by an Argon2id key with Options.KDF.
//
// Errors: invalid (RuleShortPassword) for a password under 8 characters;
// conflict (RuleExists) when the file exists; conflict (RuleLocked);
// internal (RuleAccess, RuleFull or generic).
func Create(path, password string, opts Options) (*DB, error) {
	opts = opts.withDefaults()
	if utf8.RuneCountInString(password) < minPasswordLen {
		return nil, errShortPassword()
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, writeErr(err)
	}
	lock, err := lockInstance(path, opts)
	if err != nil {
		return nil, err
	}
	db, err := createLocked(path, password, opts)
	if err != nil {
		_ = lock.Close()
		return nil, err
	}
	db.lock = lock
	return db, nil
}

// createLocked builds the file as <path>.new and renames it into place, so
// a crash never leaves a half-made file where Open would find it. The
// instance lock is held, so no one else can create path meanwhile.
func createLocked(path, password string, opts Options) (*DB, error) {
	if exists(path) || isRegular(path+".compact") {
		return nil, errExists()
	}
	tmp := path + ".new"
	if err := scrubRemove(tmp, nil); err != nil {
		return nil, writeErr(err)
	}
	db, err := create(tmp, password, opts)
	if err != nil {
		_ = scrubRemove(tmp, nil) // ours, and no data in it yet
		return nil, err
	}
	err = db.bolt.Close()
	db.bolt, db.path = nil, path
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err == nil {
		err = syncDir(filepath.Dir(path))
	}
	if err == nil {
		db.bolt, err = openBolt(path, opts, false)
	}
	if err != nil {
		_ = db.closeLocked()
		_ = scrubRemove(tmp, nil)
		return nil, writeErr(err)
	}
	return db, nil
}

func create(path, password string, opts Options) (*DB, error) {
	bdb, err := openBoltNew(path, opts)
	if err != nil {
		return nil, writeErr(err)
	}
	db := &DB{path: path, opts: opts, migrations: defaultMigrations(), bolt: bdb, idx: newCaseIndex(), cache: newViewCache()}
	h := &header{Magic: headerMagic, Schema: schemaVersion, KDF: opts.KDF}
	dk, err := db.newWrap(h, password, nil)
	if err == nil {
		db.keys, err = newKeyring(dk, opts.Rand)
	}
	if err == nil {
		db.device, err = deviceID(opts)
	}
	if err == nil {
		err = bdb.Update(func(tx *bolt.Tx) error { return initFile(txn{tx: tx, keys: db.keys}, h, db.device) })
	}
	if err != nil {
		_ = db.closeLocked()
		return nil, writeErr(err)
	}
	db.clock = app.NewClock(db.device, db.now, app.HLC{})
	return db, nil
}

func deviceID(o Options) (app.ID, error) {
	if o.Device != "" {
		return o.Device, o.Device.Validate()
	}
	return app.NewID(o.Rand)
}

func initFile(t txn, h *header, device app.ID) error {
	for _, name := range buckets(schemaVersion) {
		if _, err := t.tx.CreateBucketIfNotExists([]byte(name)); err != nil {
			return err
		}
	}
	if err := writeHeader(t.tx, h); err != nil {
		return err
	}
	return t.put(bMeta, []byte(metaDevice), []byte(device))
}

// newWrap sets a fresh salt in h and wraps the data key dk (a new random
// one when dk is nil) under password. It returns the data key.
func (db *DB) newWrap(h *header, password string, dk []byte) ([]byte, error) {
	if dk == nil {
		dk = make([]byte, dataKeySize)
		if _, err := io.ReadFull(db.opts.Rand, dk); err != nil {
			return nil, err
		}
	}
	h.Salt = make([]byte, saltSize)
	if _, err := io.ReadFull(db.opts.Rand, h.Salt); err != nil {
		return nil, err
	}
	kek, took := deriveKEK(password, h.Salt, h.KDF)
	db.stats.KDF = took
	defer clear(kek)
	w, err := wrapKey(kek, dk, h.Salt, db.opts.Rand)
	if err != nil {
		return nil, err
	}
	h.Wrapped = w
	return dk, nil
}

// Unlock derives the key from password, unwraps the data key, runs any
// schema migrations, decrypts and authenticates every value and builds the
// in-memory search index. On a DB that is already unlocked it only checks
// the password, with the same counting and delay. The failure counter is
// raised before the password is tried and reset after, so killing the app
// mid-attempt does not reset it; after f earlier failures Unlock first
// waits 1 s·2^(f−1) (at most 30 s, through Options.Sleep).
//
// Errors: unauthorized (RulePassword) for a wrong password, with the
// attempts left; unauthorized (RuleErased) when this failure reached
// Options.MaxFailures: the file has been crypto-erased and the DB closed;
// unauthorized (RuleNotOpen) after Close or Wipe; invalid (RuleNewer);
// internal (RuleMigration); internal (RuleDamaged) when a value fails
// authentication: the pending commands are salvaged into the wrapped
// *Damaged, the file is quarantined and the DB closed.
func (db *DB) Unlock(password string) error {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.bolt == nil {
		return errNotOpen()
	}
	h, err := db.countAttempt()
	if err != nil {
		return err
	}
	kek, took := deriveKEK(password, h.Salt, h.KDF)
	db.stats.KDF = took
	dk, err := unwrapKey(kek, h.Wrapped, h.Salt)
	clear(kek)
	if errors.Is(err, errSealed) {
		return db.wrongPassword(h)
	}
	if err != nil {
		return app.Internal(err)
	}
	if db.keys != nil { // already unlocked: this was a re-authentication
		clear(dk)
		h.Failures = 0
		return writeErr(db.bolt.Update(func(tx *bolt.Tx) error { return writeHeader(tx, h) }))
	}
	keys, err := newKeyring(dk, db.opts.Rand)
	if err != nil {
		return app.Internal(err)
	}
	return db.unlocked(h, keys, password)
}

// countAttempt waits out the delay the earlier failures earned and
// persists one more failure before the password is tried.
func (db *DB) countAttempt() (*header, error) {
	var h *header
	err := db.bolt.View(func(tx *bolt.Tx) (err error) { h, err = readHeader(tx); return err })
	if err != nil {
		return nil, app.Internal(err)
	}
	if h.Failures > 0 {
		db.opts.Sleep(backoff(h.Failures))
	}
	h.Failures++
	if err := db.bolt.Update(func(tx *bolt.Tx) error { return writeHeader(tx, h) }); err != nil {
		return nil, writeErr(err)
	}
	return h, nil
}

// backoff is the delay before the attempt after f failures: 1 s, 2 s, 4 s …
// up to 30 s.
func backoff(f int) time.Duration {
	if f <= 0 {
		return 0
	}
	if f > 5 {
		return 30 * time.Second
	}
	return time.Second << (f - 1)
}

// wrongPassword counts a failure; the MaxFailures-th crypto-erases the
// file, first exporting the sealed outbox to <path>.sealed so that the
// unsent work reaches the server after all (sidecar.go). An export that
// fails (a full disk) does not stop the erase: the error then says unsent
// changes are lost, and wraps why.
func (db *DB) wrongPassword(h *header) error {
	if h.Failures < db.opts.MaxFailures {
		return errWrongPassword(db.opts.MaxFailures - h.Failures)
	}
	n, xerr := db.exportSealed(db.sealedCrash)
	if xerr != nil && db.sealedCrash != nil {
		return xerr // a simulated crash: nothing after it happens
	}
	if err := db.eraseLocked(); err != nil {
		return app.Internal(fmt.Errorf("crypto-erase after %d failures: %w", h.Failures, err))
	}
	switch {
	case xerr != nil:
		return errErased(h.Failures).Wrap(fmt.Errorf("export of the sealed outbox: %w", xerr))
	case n > 0:
		return errErasedSealed(h.Failures, n)
	}
	return errErased(h.Failures)
}

// unlocked finishes a successful Unlock: reset the counter (and raise the
// KDF parameters if Options ask for more), migrate, load.
func (db *DB) unlocked(h *header, keys *keyring, password string) error {
	h.Failures = 0
	raise := h.KDF.atLeast(db.opts.KDF) != h.KDF
	if raise {
		h.KDF = h.KDF.atLeast(db.opts.KDF)
		if _, err := db.newWrap(h, password, keys.dk); err != nil {
			return app.Internal(err)
		}
	}
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		if err := writeHeader(tx, h); err != nil || !raise {
			return err
		}
		return markCompaction(tx) // the weaker wrap lingers in a freed page until compaction
	})
	if err != nil {
		return writeErr(err)
	}
	start := time.Now()
	if err := db.migrate(h, keys); err != nil {
		return err
	}
	if err := db.loadLocked(keys); err != nil {
		return err
	}
	n, err := db.startSealing()
	if err != nil { // the outbox could not be sealed as it must be: stay locked
		db.keys.wipe()
		db.keys, db.clock = nil, nil
		return err
	}
	db.stats.Resealed = n
	db.stats.Load = time.Since(start)
	if compactionMarked(db.bolt) { // raised now, or left pending earlier
		return db.compactCommitted(func(error) error { return errNotOpen() })
	}
	return nil
}

// ChangePassword re-wraps the data key under newPassword with a fresh salt;
// no value is re-encrypted. The file is then compacted so the old wrap does
// not linger in a freed page.
//
// Errors: unauthorized (RulePassword) when oldPassword is wrong (not
// counted: the file is already unlocked); invalid (RuleShortPassword);
// unauthorized (RuleNotOpen); internal (RuleFull or generic).
func (db *DB) ChangePassword(oldPassword, newPassword string) error {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.keys == nil {
		return errNotOpen()
	}
	if utf8.RuneCountInString(newPassword) < minPasswordLen {
		return errShortPassword()
	}
	var h *header
	if err := db.bolt.View(func(tx *bolt.Tx) (err error) { h, err = readHeader(tx); return err }); err != nil {
		return app.Internal(err)
	}
	kek, took := deriveKEK(oldPassword, h.Salt, h.KDF)
	db.stats.KDF = took
	_, err := unwrapKey(kek, h.Wrapped, h.Salt)
	clear(kek)
	if err != nil {
		return app.Errorf(app.CodeUnauthorized, RulePassword,
			"unauthorized.current_password_wrong").WithField("old_password")
	}
	h.KDF, h.Failures = h.KDF.atLeast(db.opts.KDF), 0
	if _, err := db.newWrap(h, newPassword, db.keys.dk); err != nil {
		return app.Internal(err)
	}
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		if err := writeHeader(tx, h); err != nil {
			return err
		}
		return markCompaction(tx) // the old wrap lingers in a freed page until compaction
	})
	if err != nil {
		return writeErr(err)
	}
	return db.compactCommitted(errPasswordChangedClosed)
}

// Wipe destroys the file: it overwrites the wrapped data key, then the
// whole file with zeros, and deletes it, together with any compaction,
// migration and quarantine copies of it (they hold the same key). The DB is
// closed afterwards. It works on a locked (not yet unlocked) DB too, for a
// remote wipe. Unlike the crypto-erase after too many wrong passwords,
// Wipe exports no sealed outbox, and it deletes a <path>.sealed an earlier
// erase left: a wipe is an explicit order (the device is revoked or
// decommissioned) to leave nothing of the caseworker's behind.
//
// Errors: unauthorized (RuleNotOpen) after Close; internal when a file
// could not be overwritten or deleted.
func (db *DB) Wipe() error {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.bolt == nil {
		return errNotOpen()
	}
	if err := db.eraseLocked(); err != nil {
		return app.Internal(err)
	}
	if err := removeSidecar(db.path); err != nil {
		return app.Internal(err)
	}
	return nil
}

// eraseLocked is crypto-erase: destroy the wrapped key in the live file,
// close, overwrite and delete the file and every copy of it.
func (db *DB) eraseLocked() error {
	junk := make([]byte, wrappedSize)
	_, _ = io.ReadFull(db.opts.Rand, junk)
	// Best effort: if this write fails (disk full), the zero-overwrite below
	// still destroys the key.
	_ = db.bolt.Update(func(tx *bolt.Tx) error {
		h, err := readHeader(tx)
		if err != nil {
			return err
		}
		h.Wrapped = junk
		return writeHeader(tx, h)
	})
	if err := db.closeLocked(); err != nil {
		return err
	}
	err := removeAll(db.path, db.beforeRemove)
	db.release()
	_ = os.Remove(db.path + ".lock")
	return err
}

// removeAll scrubs and deletes the file and its copies (see copies; not
// the lock file, which the caller still holds).
func removeAll(path string, hook func(string)) error {
	cps, err := copies(path)
	if err != nil {
		return err
	}
	var first error
	for _, p := range append([]string{path}, cps...) {
		if err := scrubRemove(p, hook); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// copySuffix matches what the store appends to its file's name for a copy
// that holds the wrapped key: compaction's .old and .compact, Create's
// .new, migration's .pre-migration-v<schema> (migrate), quarantine's
// .quarantine-<UTC time> (quarantine), and Salvage's private
// .salvage-<random digits> (os.CreateTemp in copyFile) of the file or of
// one of those copies. Nothing else beside the file is the store's: a
// user's sager.docx next to a replica at …/sager must survive a wipe.
var copySuffix = regexp.MustCompile(`^(\.old|\.compact|\.new|\.pre-migration-v[0-9]+|\.quarantine-[0-9]{8}T[0-9]{6}\.[0-9]{9}Z)?(\.salvage-[0-9]+)?$`)

// copies returns the regular files beside path whose names are path's
// plus a copySuffix, sorted. A symbolic link is never the store's own
// copy, and scrubbing through it would zero whatever it points to.
func copies(path string) ([]string, error) {
	dir, base := filepath.Split(path)
	entries, err := os.ReadDir(filepath.Clean(dir))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		suffix, ok := strings.CutPrefix(e.Name(), base)
		if ok && suffix != "" && e.Type().IsRegular() && copySuffix.MatchString(suffix) {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	return out, nil
}
