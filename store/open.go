package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"feltsag.dk/feltsag/app"
)

// Open opens an existing replica file and takes its exclusive lock; call
// Unlock next. Leftovers of an interrupted compaction are finished first.
//
// Errors: not_found (RuleMissing) when there is no file; conflict
// (RuleLocked) when another instance holds it for longer than
// Options.LockTimeout; internal (RuleAccess) when the OS refuses access;
// internal (RuleDamaged) when the file is zero-length, truncated, fails
// bbolt's consistency check or has a damaged header. A damaged file is
// renamed to <path>.quarantine-<time>, never deleted, and the error wraps a
// *Damaged (errors.As) naming it; call Salvage with the password to rescue
// its pending commands. Open never panics on a damaged file.
func Open(path string, opts Options) (*DB, error) {
	opts = opts.withDefaults()
	if !exists(path) && !exists(path+".compact") {
		return nil, errMissing()
	}
	lock, err := lockInstance(path, opts)
	if err != nil {
		return nil, err
	}
	db, err := openLocked(path, opts)
	if err != nil {
		_ = lock.Close()
		return nil, err
	}
	db.lock = lock
	return db, nil
}

// lockInstance takes <path>.lock for as long as the DB is open. It keeps a
// second instance away from the file and its siblings even while
// compaction swaps the data file (when that file is briefly absent). The
// lock is bbolt's own flock on a tiny bbolt file, so it works wherever
// bbolt does and dies with the process.
func lockInstance(path string, o Options) (*bolt.DB, error) {
	var l *bolt.DB
	var err error
	if exists(path+".lock") && !isRegular(path+".lock") {
		_ = os.Remove(path + ".lock") // a link there is not ours: bbolt would write through it
	}
	for try := 0; try < 2; try++ {
		err = safely(func() (err error) {
			l, err = bolt.Open(path+".lock", 0o600, &bolt.Options{Timeout: o.LockTimeout})
			return err
		})
		switch {
		case err == nil:
			return l, nil
		case errors.Is(err, berrors.ErrTimeout):
			return nil, errLocked(err)
		case errors.Is(err, fs.ErrNotExist):
			return nil, errMissing()
		case errors.Is(err, fs.ErrPermission):
			return nil, errAccess(err)
		}
		_ = os.Remove(path + ".lock") // a damaged lock file holds nothing: make a new one
	}
	return nil, app.Internal(err)
}

func openLocked(path string, opts Options) (*DB, error) {
	if err := recoverSwap(path); err != nil {
		return nil, app.Internal(err)
	}
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, errMissing()
	case errors.Is(err, fs.ErrPermission):
		return nil, errAccess(err)
	case err != nil:
		return nil, app.Internal(err)
	case fi.Size() == 0:
		return nil, quarantineErr(path, opts.Now(), &Damaged{Reason: "zero-length file", NeedsPassword: true})
	}
	bdb, err := openBolt(path, opts, false)
	var ae *app.Error
	if errors.As(err, &ae) {
		return nil, ae
	}
	if err != nil {
		return nil, quarantineErr(path, opts.Now(), &Damaged{Reason: err.Error(), NeedsPassword: true})
	}
	start := time.Now()
	if err := safely(func() error { return validate(bdb, path) }); err != nil {
		_ = bdb.Close()
		return nil, quarantineErr(path, opts.Now(), &Damaged{Reason: err.Error(), NeedsPassword: true})
	}
	db := &DB{path: path, opts: opts, migrations: defaultMigrations(), bolt: bdb, cache: newViewCache()}
	db.stats.Check = time.Since(start)
	if err := db.retryCompaction(); err != nil {
		return nil, app.Internal(err)
	}
	return db, nil
}

// errPanic marks a panic or memory fault inside bbolt turned into an error.
var errPanic = errors.New("panic reading the file")

// safely runs fn with panics and memory faults (a page beyond the end of a
// truncated, memory-mapped file) turned into errors. bbolt trusts its
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

// validate checks the file's structure without keys: the data fits in the
// file, the header decodes, every bucket of its schema exists, every page
// can be walked, and bbolt's own consistency check passes.
func validate(bdb *bolt.DB, path string) error {
	return bdb.View(func(tx *bolt.Tx) error {
		fi, err := os.Stat(path)
		if err != nil {
			return err
		}
		if fi.Size() < tx.Size() {
			return fmt.Errorf("truncated: file has %d bytes, data needs %d", fi.Size(), tx.Size())
		}
		h, err := readHeader(tx)
		if err != nil {
			return err
		}
		if err := walk(tx, buckets(min(h.Schema, schemaVersion))); err != nil {
			return err
		}
		var first error
		for err := range tx.Check() { // drain: the checker runs until it closes the channel
			if first == nil {
				first = fmt.Errorf("check: %w", err)
			}
		}
		return first
	})
}

// walk touches the first and last byte of every key and value, so a page
// outside the file faults here, under safely, and not in bbolt's checker,
// and finds every key again by seeking, so a damaged branch page cannot
// hide a record from Get while a scan still sees it.
func walk(tx *bolt.Tx, names []string) error {
	var sink byte
	for _, name := range names {
		b := tx.Bucket([]byte(name))
		if b == nil {
			return fmt.Errorf("bucket %s missing", name)
		}
		c := b.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if v == nil {
				return fmt.Errorf("nested bucket in %s", name)
			}
			sink ^= k[0] ^ k[len(k)-1]
			if len(v) > 0 {
				sink ^= v[0] ^ v[len(v)-1]
			}
			if b.Get(k) == nil {
				return fmt.Errorf("%s: key %s not found by seek", name, printableKey(k))
			}
		}
	}
	_ = sink
	return nil
}

// Damaged describes a damaged file that was set aside. It is the cause
// wrapped by a RuleDamaged error.
type Damaged struct {
	Path          string               // where the file now is: <path>.quarantine-<time>
	Reason        string               // technical cause, for the log
	NeedsPassword bool                 // found before Unlock: call Salvage to rescue the outbox
	Salvaged      []app.PendingCommand // pending commands rescued read-only, in order
	Complete      bool                 // every pending command could be read
}

// Error describes the damage for the log.
func (d *Damaged) Error() string {
	return fmt.Sprintf("damaged replica quarantined as %s: %s (%d pending commands salvaged, complete=%t)",
		d.Path, d.Reason, len(d.Salvaged), d.Complete)
}

// quarantineErr renames the file out of the way and returns the error the
// user sees. If even the rename fails, the file stays where it is.
func quarantineErr(path string, now time.Time, d *Damaged) error {
	q, err := quarantine(path, now)
	if err != nil {
		return app.Internal(fmt.Errorf("%s; quarantine failed: %w", d.Reason, err))
	}
	d.Path = q
	return errDamaged(d)
}

func quarantine(path string, now time.Time) (string, error) {
	q := path + ".quarantine-" + now.UTC().Format("20060102T150405.000000000Z")
	if err := os.Rename(path, q); err != nil {
		return "", err
	}
	return q, syncDir(filepath.Dir(path))
}

func errDamaged(d *Damaged) error {
	hint := "store.damaged.partial"
	switch {
	case d.NeedsPassword:
		hint = "store.damaged.password"
	case d.Complete:
		hint = "store.damaged.complete"
	}
	return app.Errorf(app.CodeInternal, RuleDamaged, "store.damaged", "antal", strconv.Itoa(len(d.Salvaged))).WithHint(hint).Wrap(d)
}

// recoverSwap finishes or undoes a compaction that a crash interrupted
// (see compactLocked): <path>.old, <path>.compact and <path>.new never
// outlive it. It runs under the instance lock. Only regular files count:
// a symbolic link under one of these names is not the store's, so it is
// removed without following it (see scrubRemove).
func recoverSwap(path string) error {
	if err := scrubRemove(path+".new", nil); err != nil { // a Create cut short
		return err
	}
	old, tmp := path+".old", path+".compact"
	if isRegular(old) && !exists(path) {
		// Crashed between the two renames: the compacted copy is complete.
		// Without it (never left by the store itself) the old file goes back.
		src := tmp
		if !isRegular(tmp) {
			src = old
		}
		if err := os.Rename(src, path); err != nil {
			return err
		}
		if err := syncDir(filepath.Dir(path)); err != nil {
			return err
		}
	}
	if err := scrubRemove(old, nil); err != nil {
		return err
	}
	return scrubRemove(tmp, nil)
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// isRegular reports whether path is a regular file itself, not a link to
// one.
func isRegular(path string) bool {
	fi, err := os.Lstat(path)
	return err == nil && fi.Mode().IsRegular()
}

// scrubRemove overwrites a file with zeros, syncs it and deletes it. A
// missing file is no error. It never follows a symbolic link: a link (or
// anything else that is not a regular file) under the name is removed
// itself, and what it points to is left alone; a name swapped for a link
// between the check and the open is refused. On SSDs and copy-on-write file
// systems the old blocks may survive physically; see docs/store.md.
func scrubRemove(path string, hook func(string)) error {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if fi.Mode().IsRegular() {
		if err := scrubFile(path, fi); err != nil {
			return err
		}
		if hook != nil {
			hook(path)
		}
	}
	if err := os.Remove(path); err != nil {
		return err
	}
	return syncDir(filepath.Dir(path))
}

// scrubFile zero-fills the regular file fi found at path, refusing when
// the name no longer leads to that very file.
func scrubFile(path string, fi fs.FileInfo) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if st, serr := f.Stat(); serr != nil || !os.SameFile(fi, st) {
		_ = f.Close()
		return fmt.Errorf("scrub %s: the name changed to another file", filepath.Base(path))
	}
	err = zeroFile(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func zeroFile(f *os.File) error {
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	zeros := make([]byte, 1<<20)
	for off := int64(0); off < fi.Size(); off += int64(len(zeros)) {
		n := min(int64(len(zeros)), fi.Size()-off)
		if _, err := f.WriteAt(zeros[:n], off); err != nil {
			return err
		}
	}
	return f.Sync()
}

// syncDir makes a rename or removal durable. Directories cannot be synced
// on Windows; the error is ignored there.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && runtime.GOOS != "windows" {
		return err
	}
	return nil
}
