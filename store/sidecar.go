package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// The sidecar <path>.sealed holds the sealed outbox entries a crypto-erase
// exported (docs/store.md §"Sealed outbox"): only the server can open
// them, so it survives the erase, and the client delivers it after the
// caseworker signs in again. Layout, all integers big-endian:
//
//	"feltsag-sealed\x00" (15 bytes) ‖ version 0x01
//	count uint32
//	count × ( length uint32 ‖ entry )
//	SHA-256 of everything before it (32 bytes)
//
// The checksum tells a damaged file from a good one; it is not a MAC (the
// server authenticates each entry by its box).
const (
	// SealedSuffix is appended to the replica's path for the sidecar.
	SealedSuffix = ".sealed"

	sidecarMagic      = "feltsag-sealed\x00"
	sidecarVersion    = 0x01
	sidecarHead       = len(sidecarMagic) + 1 + 4
	maxSealedEntry    = 1 << 20   // one entry: a command is a few KiB
	maxSealedEntries  = 1 << 20   // entries in one file
	maxSidecarSize    = 256 << 20 // the whole file
	sidecarTempMarker = ".tmp-"
)

var errSidecar = errors.New("damaged sealed outbox file")

func encodeSidecar(entries [][]byte) []byte {
	n := sidecarHead + sha256.Size
	for _, e := range entries {
		n += 4 + len(e)
	}
	b := make([]byte, 0, n)
	b = append(b, sidecarMagic...)
	b = append(b, sidecarVersion)
	b = binary.BigEndian.AppendUint32(b, uint32(len(entries)))
	for _, e := range entries {
		b = binary.BigEndian.AppendUint32(b, uint32(len(e)))
		b = append(b, e...)
	}
	sum := sha256.Sum256(b)
	return append(b, sum[:]...)
}

// decodeSidecar parses untrusted bytes strictly: magic, version, count,
// every length within bounds, every entry a version-1 sealed entry, no
// bytes left over, and the checksum. It never panics. The entries alias b.
func decodeSidecar(b []byte) ([][]byte, error) {
	if len(b) > maxSidecarSize {
		return nil, fmt.Errorf("%w: %d bytes", errSidecar, len(b))
	}
	if len(b) < sidecarHead+sha256.Size || string(b[:len(sidecarMagic)]) != sidecarMagic {
		return nil, fmt.Errorf("%w: no header", errSidecar)
	}
	if v := b[len(sidecarMagic)]; v != sidecarVersion {
		return nil, fmt.Errorf("%w: version %d", errSidecar, v)
	}
	body, sum := b[:len(b)-sha256.Size], b[len(b)-sha256.Size:]
	if want := sha256.Sum256(body); !bytes.Equal(sum, want[:]) {
		return nil, fmt.Errorf("%w: checksum", errSidecar)
	}
	count := binary.BigEndian.Uint32(body[len(sidecarMagic)+1:])
	if count > maxSealedEntries {
		return nil, fmt.Errorf("%w: %d entries", errSidecar, count)
	}
	rest := body[sidecarHead:]
	out := make([][]byte, 0, min(int(count), len(rest)/(4+sealedMinLen)+1))
	for i := range count {
		if len(rest) < 4 {
			return nil, fmt.Errorf("%w: entry %d cut short", errSidecar, i)
		}
		n := binary.BigEndian.Uint32(rest)
		rest = rest[4:]
		if n < sealedMinLen || n > maxSealedEntry || uint64(n) > uint64(len(rest)) {
			return nil, fmt.Errorf("%w: entry %d of %d bytes", errSidecar, i, n)
		}
		if rest[0] != sealedV1 {
			return nil, fmt.Errorf("%w: entry %d of version %d", errSidecar, i, rest[0])
		}
		out = append(out, rest[:n:n])
		rest = rest[n:]
	}
	if len(rest) != 0 {
		return nil, fmt.Errorf("%w: %d bytes after the last entry", errSidecar, len(rest))
	}
	return out, nil
}

// ReadSealed returns the sealed outbox entries a crypto-erase of the
// replica at path (the replica's own path, as given to Open) left in
// path+SealedSuffix, in the order they were saved, each in the wire format
// of docs/store.md §"Sealed outbox". No file gives no entries and no
// error. The client delivers them to the server after the caseworker has
// signed in again, then calls RemoveSealed with the ones the server acked.
// A symbolic link under the name is never followed.
//
// Errors: internal (RuleSealedDamaged) when the file is not a regular
// file, too large, or fails its format or checksum; internal (RuleAccess
// or generic) when it cannot be read.
func ReadSealed(path string) ([][]byte, error) {
	entries, err := readSidecar(path + SealedSuffix)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil
	case errors.Is(err, errSidecar):
		return nil, errSealedDamaged(err)
	case err != nil:
		return nil, writeErr(err)
	}
	return entries, nil
}

// RemoveSealed removes from path+SealedSuffix the entries in delivered
// (compared byte for byte: the server acked them), and the file itself when
// none is left. Entries not in delivered stay, among them any that an
// erase added meanwhile: the erase and RemoveSealed take the same lock
// (<path>.sealed.lock, a flock held only while the file is rewritten).
//
// Errors: internal (RuleSealedDamaged) for a damaged file (nothing is
// removed); conflict (RuleLocked) when the lock stays taken; internal
// (RuleFull, RuleAccess or generic) when the file cannot be rewritten.
func RemoveSealed(path string, delivered [][]byte) error {
	lock, err := lockInstance(path+SealedSuffix, Options{}.withDefaults())
	if err != nil {
		return err
	}
	defer lock.Close()
	entries, err := ReadSealed(path)
	if err != nil || len(entries) == 0 {
		return err
	}
	done := make(map[string]bool, len(delivered))
	for _, d := range delivered {
		done[string(d)] = true
	}
	var keep [][]byte
	for _, e := range entries {
		if !done[string(e)] {
			keep = append(keep, e)
		}
	}
	switch {
	case len(keep) == len(entries):
		return nil
	case len(keep) > 0:
		return writeErr(writeSidecar(path, keep, nil))
	}
	if err := os.Remove(path + SealedSuffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return writeErr(err)
	}
	return writeErr(syncDir(filepath.Dir(path)))
}

// readSidecar reads and decodes the sidecar at side without following a
// symbolic link: anything but a regular file is refused, and the opened
// file must be the one checked.
func readSidecar(side string) ([][]byte, error) {
	fi, err := os.Lstat(side)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%w: %s is not a regular file", errSidecar, filepath.Base(side))
	}
	if fi.Size() > maxSidecarSize {
		return nil, fmt.Errorf("%w: %d bytes", errSidecar, fi.Size())
	}
	f, err := os.Open(side)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || !os.SameFile(fi, st) {
		return nil, fmt.Errorf("%w: %s changed while it was opened", errSidecar, filepath.Base(side))
	}
	b, err := io.ReadAll(io.LimitReader(f, maxSidecarSize+1))
	if err != nil {
		return nil, err
	}
	return decodeSidecar(b)
}

// exportSealed is the first step of a crypto-erase: it writes every sealed
// outbox entry of the file to the sidecar, after those an earlier erase
// left there and the server has not yet acked (an entry already there is
// not added twice). It needs no keys. It returns how many entries of this
// file the sidecar now holds. crash is a test hook (nil in production).
func (db *DB) exportSealed(crash func(point string) error) (int, error) {
	entries, err := sealedEntries(db.bolt)
	if err != nil || len(entries) == 0 {
		return 0, err
	}
	// Without the lock (held by a RemoveSealed that hangs) the export still
	// runs: losing the work would be worse than a rare double delivery.
	if lock, err := lockInstance(db.path+SealedSuffix, db.opts); err == nil {
		defer lock.Close()
	}
	side := db.path + SealedSuffix
	old, err := readSidecar(side)
	switch {
	case errors.Is(err, errSidecar) && isRegular(side):
		// Damaged: keep it for IT support, never overwrite it.
		stamp := db.opts.Now().UTC().Format("20060102T150405.000000000Z")
		if err := os.Rename(side, side+".damaged-"+stamp); err != nil {
			return 0, err
		}
		old = nil
	case err != nil && !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, errSidecar):
		return 0, err
	}
	have := make(map[string]bool, len(old))
	for _, e := range old {
		have[string(e)] = true
	}
	all := old
	for _, e := range entries {
		if !have[string(e)] {
			all = append(all, e)
		}
	}
	return len(entries), writeSidecar(db.path, all, crash)
}

// writeSidecar replaces path+SealedSuffix atomically: a new file under a
// temporary name (created exclusively, so never through a link), fsynced,
// renamed over the old name (which replaces a link itself, never what it
// points to), and the folder fsynced. Temporary files a crash left behind
// are removed first.
func writeSidecar(path string, entries [][]byte, crash func(point string) error) error {
	side := path + SealedSuffix
	dir := filepath.Dir(side)
	removeSidecarTemps(side)
	f, err := os.CreateTemp(dir, filepath.Base(side)+sidecarTempMarker+"*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(encodeSidecar(entries))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && crash != nil {
		if err = crash("written"); err != nil {
			return err // as if the process died here: the temporary file stays
		}
	}
	if err == nil {
		err = os.Rename(tmp, side)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return err
	}
	if err := syncDir(dir); err != nil {
		return err
	}
	if crash != nil {
		return crash("renamed")
	}
	return nil
}

// removeSidecarTemps deletes the regular files <side>.tmp-<digits> that an
// interrupted writeSidecar left. They hold sealed entries only.
func removeSidecarTemps(side string) {
	for _, p := range sidecarSiblings(side, func(suffix string) bool {
		digits, ok := strings.CutPrefix(suffix, sidecarTempMarker)
		return ok && digits != "" && strings.Trim(digits, "0123456789") == ""
	}) {
		_ = os.Remove(p)
	}
}

// sidecarSiblings returns the regular files named side plus a suffix that
// match.
func sidecarSiblings(side string, match func(suffix string) bool) []string {
	dir, base := filepath.Split(side)
	entries, err := os.ReadDir(filepath.Clean(dir))
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		suffix, ok := strings.CutPrefix(e.Name(), base)
		if ok && suffix != "" && e.Type().IsRegular() && match(suffix) {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	return out
}

// removeSidecar deletes the sidecar, its temporary files, a damaged one set
// aside, and its lock: Wipe leaves nothing of the caseworker's on the
// device. Links under these names are removed themselves, never followed.
func removeSidecar(path string) error {
	side := path + SealedSuffix
	removeSidecarTemps(side)
	err := scrubRemove(side, nil)
	for _, p := range sidecarSiblings(side, func(suffix string) bool { return strings.HasPrefix(suffix, ".damaged-") }) {
		if rerr := scrubRemove(p, nil); err == nil {
			err = rerr
		}
	}
	if rerr := os.Remove(side + ".lock"); err == nil && !errors.Is(rerr, fs.ErrNotExist) {
		err = rerr
	}
	return err
}
