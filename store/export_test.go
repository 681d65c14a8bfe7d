package store

import (
	"errors"
	"fmt"
	"os"

	bolt "go.etcd.io/bbolt"

	"feltsag.dk/feltsag/app"
)

// Hooks and internals for the external tests (package store_test).

const SchemaVersion = schemaVersion

var (
	DecodeHeader  = decodeHeader
	ParseEnvelope = parseEnvelope
	DefaultPathOn = defaultPath
	Backoff       = backoff
)

// Bucket names, for tests that tamper with raw values.
const (
	BucketView      = bView
	BucketConfirmed = bConfirmed
	BucketOutbox    = bOutbox
	BucketAudit     = bAudit
	BucketIndex     = bIndex
	BucketHeader    = bHeader
)

// SetBeforeRemove installs a hook that sees every file just before the
// store deletes it (after it was overwritten).
func (db *DB) SetBeforeRemove(fn func(path string)) {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.beforeRemove = fn
}

// WithCompactFault returns opts with compaction failing with err before
// it writes anything (nil: no fault), as on a full disk.
func WithCompactFault(o Options, err error) Options {
	o.compactFault = func() error { return err }
	return o
}

// SetCompactFault changes the fault of WithCompactFault on an open DB.
func (db *DB) SetCompactFault(err error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.opts.compactFault = func() error { return err }
}

// NoSync reports whether bbolt skips its fsyncs for this file (it must
// never: a nil Commit promises the change is on disk).
func (db *DB) NoSync() bool {
	db.mu.RLock()
	defer db.mu.RUnlock()
	return db.bolt != nil && db.bolt.NoSync
}

// ForceNoSync turns bbolt's fsyncs off, so the crash loop can prove it
// notices a store opened that way.
func (db *DB) ForceNoSync() {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.bolt.NoSync = true
}

// Raw runs fn in a raw bbolt write transaction: tests use it to damage or
// downgrade a file the way only a bug, a disk or an older version could.
// The view cache is dropped: it holds what the store itself wrote.
func (db *DB) Raw(fn func(tx *bolt.Tx) error) error {
	db.mu.RLock()
	defer db.mu.RUnlock()
	db.wmu.Lock()
	defer db.wmu.Unlock()
	db.cache.reset()
	return db.bolt.Update(fn)
}

// Check runs bbolt's consistency check and returns the first problem.
func (db *DB) Check() error {
	db.mu.RLock()
	defer db.mu.RUnlock()
	return db.bolt.View(func(tx *bolt.Tx) error {
		var first error
		for err := range tx.Check() {
			if first == nil {
				first = err
			}
		}
		return first
	})
}

// Dump returns every value of the file, opened, keyed "bucket/hex(key)".
func (db *DB) Dump() (map[string]string, error) {
	out := map[string]string{}
	err := db.read(func(t txn) error {
		for _, name := range buckets(schemaVersion) {
			if name == bHeader || name == bSealed { // plaintext: the header, and entries only the server opens
				continue
			}
			err := t.each(name, func(k, plain []byte) error {
				out[fmt.Sprintf("%s/%x", name, k)] = string(plain)
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// WrappedKey returns the wrapped data key from the header.
func (db *DB) WrappedKey() ([]byte, error) {
	var w []byte
	err := db.bolt.View(func(tx *bolt.Tx) error {
		h, err := readHeader(tx)
		if err == nil {
			w = append(w, h.Wrapped...)
		}
		return err
	})
	return w, err
}

// Failures returns the persisted count of wrong passwords.
func (db *DB) Failures() (int, error) {
	var n int
	err := db.bolt.View(func(tx *bolt.Tx) error {
		h, err := readHeader(tx)
		if err == nil {
			n = h.Failures
		}
		return err
	})
	return n, err
}

// DowngradeToV1 turns a current file into the schema-1 layout: no blind
// index, header schema 1.
func (db *DB) DowngradeToV1() error {
	return db.Raw(func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket([]byte(bIndex)); err != nil {
			return err
		}
		h, err := readHeader(tx)
		if err != nil {
			return err
		}
		h.Schema = 1
		return writeHeader(tx, h)
	})
}

// SetSchema writes a schema version into the header.
func (db *DB) SetSchema(v int) error {
	return db.Raw(func(tx *bolt.Tx) error {
		h, err := readHeader(tx)
		if err != nil {
			return err
		}
		h.Schema = v
		return writeHeader(tx, h)
	})
}

// BreakMigrations replaces the migration steps with one that fails after
// doing some work, to prove a failed step leaves the file as it was.
func (db *DB) BreakMigrations() {
	db.migrations = []migration{{to: 2, name: "broken", run: func(t txn) error {
		if _, err := t.tx.CreateBucketIfNotExists([]byte(bIndex)); err != nil {
			return err
		}
		return errors.New("broken on purpose")
	}}}
}

// Sealed returns the raw sealed bytes of one value.
func (db *DB) Sealed(bucket string, key []byte) []byte {
	var v []byte
	_ = db.bolt.View(func(tx *bolt.Tx) error {
		v = append(v, tx.Bucket([]byte(bucket)).Get(key)...)
		return nil
	})
	return v
}

// FileSize returns the size of the file on disk.
func FileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return -1
	}
	return fi.Size()
}

// HeaderKDF returns the Argon2id parameters stored in the header.
func (db *DB) HeaderKDF() (KDFParams, error) {
	var p KDFParams
	err := db.bolt.View(func(tx *bolt.Tx) error {
		h, err := readHeader(tx)
		if err == nil {
			p = h.KDF
		}
		return err
	})
	return p, err
}

// DataSize returns the size bbolt's data occupies (the high-water mark);
// the file may be larger.
func (db *DB) DataSize() int64 {
	var n int64
	_ = db.bolt.View(func(tx *bolt.Tx) error { n = tx.Size(); return nil })
	return n
}

// OpenAll opens (decrypts and authenticates) every value of the buckets and
// returns how many there were and their total size; decode also decodes each
// case from JSON.
func (db *DB) OpenAll(decode bool, names ...string) (n, size int, err error) {
	err = db.read(func(t txn) error {
		for _, name := range names {
			err := t.each(name, func(_, plain []byte) error {
				n, size = n+1, size+len(plain)
				if !decode {
					return nil
				}
				var derr error
				if name == bView {
					_, derr = decodeView(plain)
				} else {
					_, derr = decodeSag(plain)
				}
				return derr
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	return n, size, err
}

// Sealed outbox internals for the tests.
const (
	BucketSealed = bSealed
	SealedMinLen = sealedMinLen
	SealedMACLen = sealedMACLen
)

// SealedStored returns the stored values of the sealed bucket (entry and
// MAC) by outbox sequence, read without keys.
func (db *DB) SealedStored() (map[uint64][]byte, error) {
	db.mu.RLock()
	defer db.mu.RUnlock()
	out := map[uint64][]byte{}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte(bSealed)).ForEach(func(k, v []byte) error {
			seq, _ := parseSeq(k)
			out[seq] = append([]byte(nil), v...)
			return nil
		})
	})
	return out, err
}

// DowngradeToV3 turns a current file into the schema-3 layout: no sealed
// outbox bucket, header schema 3.
func (db *DB) DowngradeToV3() error {
	return db.Raw(func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket([]byte(bSealed)); err != nil {
			return err
		}
		h, err := readHeader(tx)
		if err != nil {
			return err
		}
		h.Schema = 3
		return writeHeader(tx, h)
	})
}

// SetSealedCrash makes the next crypto-erase stop where fn returns an
// error ("written", "renamed"), as if the process died there.
func (db *DB) SetSealedCrash(fn func(point string) error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.sealedCrash = fn
}

var (
	EncodeSidecar = encodeSidecar
	DecodeSidecar = decodeSidecar
)

// PagesWritten returns how many pages bbolt has written to this file since
// it was opened (its TxStats), for the commit benchmark.
func (db *DB) PagesWritten() int64 {
	db.mu.RLock()
	defer db.mu.RUnlock()
	st := db.bolt.Stats()
	return st.TxStats.GetWrite()
}

// DowngradeToV5 turns a current file into the schema-5 layout (no company
// buckets) holding rec, a company record, the way schema 5 kept records of
// kinds it did not interpret.
func (db *DB) DowngradeToV5(rec app.Record) error {
	if err := db.update(func(t txn) error {
		return t.putJSON(bRecords, []byte(rec.Kind+"/"+string(rec.ID)), rec)
	}); err != nil {
		return err
	}
	return db.Raw(func(tx *bolt.Tx) error {
		for _, b := range []string{bCompanies, bCompanyView} {
			if err := tx.DeleteBucket([]byte(b)); err != nil {
				return err
			}
		}
		h, err := readHeader(tx)
		if err != nil {
			return err
		}
		h.Schema = 5
		return writeHeader(tx, h)
	})
}
