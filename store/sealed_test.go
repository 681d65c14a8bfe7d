package store_test

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/crypto/nacl/box"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/store"
)

// sealedPlain is the plaintext of one sealed outbox entry
// (docs/store.md §"Sealed outbox").
type sealedPlain struct {
	V       int                `json:"v"`
	Device  app.ID             `json:"device"`
	Pending app.PendingCommand `json:"pending"`
}

// openSealed is the server's side of the format, written from
// docs/store.md §"Sealed outbox" alone: it proves the format round-trips
// with box.OpenAfterPrecomputation. The real one belongs to sync/server.
func openSealed(entry []byte, serverPub, serverPriv *[32]byte) (*sealedPlain, error) {
	const head = 1 + 8 + 32 + 24
	if len(entry) < head+box.Overhead || entry[0] != 0x01 {
		return nil, errors.New("not a version-1 sealed entry")
	}
	if id := sha256.Sum256(serverPub[:]); !bytes.Equal(entry[1:9], id[:8]) {
		return nil, errors.New("sealed to another server key")
	}
	var eph [32]byte
	var nonce [24]byte
	copy(eph[:], entry[9:41])
	copy(nonce[:], entry[41:65])
	var shared [32]byte
	box.Precompute(&shared, &eph, serverPriv)
	plain, ok := box.OpenAfterPrecomputation(nil, entry[head:], &nonce, &shared)
	if !ok {
		return nil, errors.New("box does not open")
	}
	dec := json.NewDecoder(bytes.NewReader(plain))
	dec.DisallowUnknownFields()
	var p sealedPlain
	if err := dec.Decode(&p); err != nil {
		return nil, err
	}
	if p.V != 1 || p.Device.Validate() != nil || p.Pending.Command.ID.Validate() != nil {
		return nil, fmt.Errorf("plaintext v%d for device %q", p.V, p.Device)
	}
	return &p, nil
}

// serverKeys is the server's key pair.
type serverKeys struct{ pub, priv *[32]byte }

func newServerKeys(t *testing.T) serverKeys {
	t.Helper()
	pub, priv, err := box.GenerateKey(rand.Reader)
	mustNoErr(t, err, "GenerateKey")
	return serverKeys{pub, priv}
}

// openAll opens every entry with the server's key and returns the pending
// commands, failing the test on any that does not open.
func openAll(t *testing.T, entries [][]byte, k serverKeys, device app.ID) []app.PendingCommand {
	t.Helper()
	out := make([]app.PendingCommand, 0, len(entries))
	for i, e := range entries {
		p, err := openSealed(e, k.pub, k.priv)
		if err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
		if p.Device != device {
			t.Fatalf("entry %d names device %q, want %q", i, p.Device, device)
		}
		out = append(out, p.Pending)
	}
	return out
}

// storedEntries returns the sealed entries of an open DB in outbox order,
// without their MACs.
func storedEntries(t *testing.T, db *store.DB) [][]byte {
	t.Helper()
	m, err := db.SealedStored()
	mustNoErr(t, err, "SealedStored")
	var out [][]byte
	for _, seq := range slices.Sorted(func(yield func(uint64) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}) {
		v := m[seq]
		out = append(out, v[:len(v)-store.SealedMACLen])
	}
	return out
}

// samePending fails unless got and want are the same commands in the same
// order, field for field (compared as JSON, the form both are stored in).
func samePending(t *testing.T, got, want []app.PendingCommand) {
	t.Helper()
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if !bytes.Equal(g, w) {
		t.Fatalf("sealed commands differ from the outbox:\n got %s\nwant %s", g, w)
	}
}

func TestSealedOutboxEntries(t *testing.T) {
	db := MustOpen(t)
	srv := newServerKeys(t)
	s := seed(t, db, canaryCPR, canaryName)
	mustCommit(t, db, notat(t, s.ID, "før nøglen"))
	if got := storedEntries(t, db); len(got) != 0 {
		t.Fatalf("%d sealed entries before a server key was set", len(got))
	}
	mustNoErr(t, db.SetServerKey(*srv.pub), "SetServerKey") // seals what is already pending
	mustCommit(t, db, sygemelding(t, s.ID, canaryHealth))
	mustCommit(t, db, notat(t, s.ID, "efter nøglen"))

	entries := storedEntries(t, db)
	want, err := db.Pending()
	mustNoErr(t, err, "Pending")
	if len(entries) != 3 {
		t.Fatalf("%d sealed entries, want 3", len(entries))
	}
	samePending(t, openAll(t, entries, srv, db.Device()), want)

	other := newServerKeys(t)
	for i, e := range entries {
		if _, err := openSealed(e, srv.pub, other.priv); err == nil {
			t.Errorf("entry %d opens without the server's private key", i)
		}
		if bytes.Contains(e, []byte(canaryHealth)) || bytes.Contains(e, []byte(s.ID)) {
			t.Errorf("entry %d holds plaintext", i)
		}
	}
	raw, err := os.ReadFile(db.Path())
	mustNoErr(t, err, "read file")
	if bytes.Contains(raw, []byte(canaryHealth)) {
		t.Fatal("the health text is in the file in plaintext")
	}

	// The same key again changes nothing; a new key seals everything again.
	mustNoErr(t, db.SetServerKey(*srv.pub), "SetServerKey again")
	if again := storedEntries(t, db); !slices.EqualFunc(again, entries, bytes.Equal) {
		t.Fatal("setting the same key sealed the entries again")
	}
	mustNoErr(t, db.SetServerKey(*other.pub), "SetServerKey rotated")
	rotated := storedEntries(t, db)
	samePending(t, openAll(t, rotated, other, db.Device()), want)
	if _, err := openSealed(rotated[0], srv.pub, srv.priv); err == nil {
		t.Fatal("after rotation an entry still opens with the old key")
	}
	if pub, ok, err := db.ServerKey(); err != nil || !ok || pub != *other.pub {
		t.Fatalf("ServerKey = %x, %t, %v", pub, ok, err)
	}
}

func TestSetServerKeyRefusesBadKeys(t *testing.T) {
	db := MustOpen(t)
	for _, tc := range []struct {
		name string
		key  [32]byte
	}{
		{"all zeros", [32]byte{}},
		{"low order point 1", [32]byte{1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantRule(t, db.SetServerKey(tc.key), app.CodeInvalid, "")
			if _, ok, _ := db.ServerKey(); ok {
				t.Fatal("a refused key was stored")
			}
		})
	}
	db.Lock()
	wantRule(t, db.SetServerKey(*newServerKeys(t).pub), app.CodeUnauthorized, store.RuleNotOpen)
}

// TestSealedFollowsOutbox: Ack removes a command's sealed entry with its
// outbox entry; a rebase that marks a command rejected locally (or pending
// again) seals the changed entry; after a restart sealing continues with the
// stored key.
func TestSealedFollowsOutbox(t *testing.T) {
	opts, _ := testOptions(t)
	path := filepath.Join(t.TempDir(), "feltsag-cw1-dev1.db")
	db := MustCreate(t, path, opts)
	srv := newServerKeys(t)
	mustNoErr(t, db.SetServerKey(*srv.pub), "SetServerKey")
	s := seed(t, db, canaryCPR, canaryName)
	c1, c2, c3 := notat(t, s.ID, "1"), sygemelding(t, s.ID, "syg"), notat(t, s.ID, "3")
	for _, c := range []app.Command{c1, c2, c3} {
		mustCommit(t, db, c)
	}
	check := func(when string, wantIDs ...app.ID) {
		t.Helper()
		p, err := db.Pending()
		mustNoErr(t, err, "Pending")
		got := openAll(t, storedEntries(t, db), srv, db.Device())
		samePending(t, got, p)
		ids := make([]app.ID, len(got))
		for i, e := range got {
			ids[i] = e.Command.ID
		}
		if !slices.Equal(ids, wantIDs) {
			t.Fatalf("%s: sealed commands %v, want %v", when, ids, wantIDs)
		}
	}
	check("after commits", c1.ID, c2.ID, c3.ID)

	mustNoErr(t, db.Ack(app.AckResult{Command: c1.ID, Status: app.AckApplied, Version: 2}), "Ack")
	check("after an applied ack", c2.ID, c3.ID)

	confirmed := *s
	confirmed.Version = 2
	confirmed.Kontaktgruppe = nil // the sygemelding no longer applies
	mustNoErr(t, db.PutConfirmed(&confirmed), "PutConfirmed")
	check("after a rebase", c2.ID, c3.ID)
	if got := openAll(t, storedEntries(t, db), srv, db.Device()); got[0].Status != app.StatusRejected {
		t.Fatalf("sealed entry not marked rejected locally: %+v", got[0])
	}

	mustNoErr(t, db.Close(), "Close")
	db = MustReopen(t, path, opts)
	if n := db.Stats().Resealed; n != 0 {
		t.Fatalf("Unlock sealed %d intact entries again", n)
	}
	c4 := notat(t, s.ID, "4")
	mustCommit(t, db, c4)
	check("after a restart", c2.ID, c3.ID, c4.ID)

	mustNoErr(t, db.Ack(app.AckResult{Command: c2.ID, Status: app.AckRejected, Error: app.RuleError("4686", "x")}), "Ack rejected")
	check("after a rejected ack", c3.ID, c4.ID)
}

// TestUnlockRepairsSealedEntries: a sealed entry that is damaged, missing,
// or has no outbox entry is found at Unlock by its MAC and sealed again
// from the outbox (or removed).
func TestUnlockRepairsSealedEntries(t *testing.T) {
	opts, _ := testOptions(t)
	path := filepath.Join(t.TempDir(), "feltsag-cw1-dev1.db")
	db := MustCreate(t, path, opts)
	srv := newServerKeys(t)
	mustNoErr(t, db.SetServerKey(*srv.pub), "SetServerKey")
	s := seed(t, db, canaryCPR, canaryName)
	for i := range 3 {
		mustCommit(t, db, notat(t, s.ID, "n"+strconv.Itoa(i)))
	}
	want, err := db.Pending()
	mustNoErr(t, err, "Pending")
	mustNoErr(t, db.Raw(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(store.BucketSealed))
		v := bytes.Clone(b.Get(seqKey(1)))
		v[len(v)/2] ^= 0x10 // a flipped bit in the box
		if err := b.Put(seqKey(1), v); err != nil {
			return err
		}
		if err := b.Delete(seqKey(2)); err != nil { // missing
			return err
		}
		return b.Put(seqKey(99), v) // a stray entry without an outbox entry
	}), "damage")
	mustNoErr(t, db.Close(), "Close")

	db = MustReopen(t, path, opts)
	if n := db.Stats().Resealed; n != 3 {
		t.Fatalf("Resealed = %d, want 3", n)
	}
	samePending(t, openAll(t, storedEntries(t, db), srv, db.Device()), want)
}

func TestNoServerKeyNoSealedEntries(t *testing.T) {
	opts, _ := testOptions(t)
	opts.MaxFailures = 2
	path := filepath.Join(t.TempDir(), "feltsag-cw1-dev1.db")
	db := MustCreate(t, path, opts)
	s := seed(t, db, canaryCPR, canaryName)
	mustCommit(t, db, notat(t, s.ID, "usendt"))
	if got := storedEntries(t, db); len(got) != 0 {
		t.Fatalf("%d sealed entries without a server key", len(got))
	}
	mustNoErr(t, db.Close(), "Close")
	ae := eraseByWrongPasswords(t, path, opts)
	if ae.Key != "store.erased" {
		t.Errorf("erase without sealed entries says %q (%s)", ae.Key, daText(ae))
	}
	if _, err := os.Lstat(path + store.SealedSuffix); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a sidecar without a server key: %v", err)
	}
	got, err := store.ReadSealed(path)
	if err != nil || got != nil {
		t.Fatalf("ReadSealed without a sidecar = %v, %v", got, err)
	}
}

// eraseByWrongPasswords opens the file and types wrong passwords until it
// is crypto-erased; it returns the erase's error.
func eraseByWrongPasswords(t *testing.T, path string, opts store.Options) *app.Error {
	t.Helper()
	db, err := store.Open(path, opts)
	mustNoErr(t, err, "Open")
	defer db.Close()
	n, err := db.Failures()
	mustNoErr(t, err, "Failures")
	for i := n + 1; i < opts.MaxFailures; i++ {
		wantRule(t, db.Unlock("forkert-"+strconv.Itoa(i)), app.CodeUnauthorized, store.RulePassword)
	}
	ae := wantRule(t, db.Unlock("forkert"), app.CodeUnauthorized, store.RuleErased)
	if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("replica still there after the erase: %v", err)
	}
	return ae
}

// sealedReplica creates a replica with a server key and n pending commands
// (after one acknowledged one) and returns its path, options, the pending
// commands and its device.
func sealedReplica(t *testing.T, dir string, srv serverKeys, n int) (string, store.Options, []app.PendingCommand, app.ID) {
	t.Helper()
	opts, _ := testOptions(t)
	opts.MaxFailures = 3
	path := filepath.Join(dir, "feltsag-cw1-dev1.db")
	db := MustCreate(t, path, opts)
	mustNoErr(t, db.SetServerKey(*srv.pub), "SetServerKey")
	s := seed(t, db, canaryCPR, canaryName)
	acked := notat(t, s.ID, "sendt")
	mustCommit(t, db, acked)
	for i := range n {
		mustCommit(t, db, notat(t, s.ID, "usendt "+strconv.Itoa(i)))
	}
	mustNoErr(t, db.Ack(app.AckResult{Command: acked.ID, Status: app.AckApplied, Version: 2}), "Ack")
	p, err := db.Pending()
	mustNoErr(t, err, "Pending")
	dev := db.Device()
	mustNoErr(t, db.Close(), "Close")
	return path, opts, p, dev
}

func TestCryptoEraseKeepsSealedOutbox(t *testing.T) {
	srv := newServerKeys(t)
	dir := t.TempDir()
	path, opts, want, dev := sealedReplica(t, dir, srv, 2)

	ae := eraseByWrongPasswords(t, path, opts)
	if ae.Key != "store.erased_sealed" || !strings.Contains(daText(ae), "2 ændringer") {
		t.Errorf("erase message %s: %q", ae.Key, daText(ae))
	}
	entries, err := store.ReadSealed(path)
	mustNoErr(t, err, "ReadSealed")
	samePending(t, openAll(t, entries, srv, dev), want) // exactly the unacked commands

	// A second erase before the first sidecar was delivered adds to it.
	db := MustCreate(t, path, opts)
	mustNoErr(t, db.SetServerKey(*srv.pub), "SetServerKey")
	s := seed(t, db, canaryCPR, canaryName)
	mustCommit(t, db, notat(t, s.ID, "efter første sletning"))
	more, err := db.Pending()
	mustNoErr(t, err, "Pending")
	dev2 := db.Device()
	mustNoErr(t, db.Close(), "Close")
	eraseByWrongPasswords(t, path, opts)
	entries, err = store.ReadSealed(path)
	mustNoErr(t, err, "ReadSealed")
	if len(entries) != 3 {
		t.Fatalf("%d entries after two erases, want 3", len(entries))
	}
	samePending(t, openAll(t, entries[:2], srv, dev), want)
	samePending(t, openAll(t, entries[2:], srv, dev2), more)

	// The server acked the first two: only the third stays, then none.
	mustNoErr(t, store.RemoveSealed(path, entries[:2]), "RemoveSealed")
	left, err := store.ReadSealed(path)
	mustNoErr(t, err, "ReadSealed")
	if len(left) != 1 || !bytes.Equal(left[0], entries[2]) {
		t.Fatalf("after RemoveSealed: %d entries", len(left))
	}
	mustNoErr(t, store.RemoveSealed(path, [][]byte{[]byte("not delivered")}), "RemoveSealed of nothing")
	mustNoErr(t, store.RemoveSealed(path, left), "RemoveSealed of the rest")
	if _, err := os.Lstat(path + store.SealedSuffix); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("sidecar left after every entry was delivered: %v", err)
	}
	mustNoErr(t, store.RemoveSealed(path, left), "RemoveSealed without a file")
}

// TestSealedSidecarLinksNeverFollowed: symbolic links planted at
// <path>.sealed and <path>.sealed.lock are never written through; the
// erase still succeeds and leaves a real sidecar.
func TestSealedSidecarLinksNeverFollowed(t *testing.T) {
	srv := newServerKeys(t)
	path, opts, want, dev := sealedReplica(t, t.TempDir(), srv, 2)
	outside := t.TempDir()
	targets := map[string]string{}
	for _, suffix := range []string{store.SealedSuffix, store.SealedSuffix + ".lock"} {
		target := filepath.Join(outside, "target"+suffix)
		mustNoErr(t, os.WriteFile(target, []byte("brugerens fil"), 0o600), "write target")
		mustNoErr(t, os.Symlink(target, path+suffix), "symlink")
		targets[suffix] = target
	}
	_, err := store.ReadSealed(path)
	wantRule(t, err, app.CodeInternal, store.RuleSealedDamaged)

	eraseByWrongPasswords(t, path, opts)
	for suffix, target := range targets {
		if b, err := os.ReadFile(target); err != nil || string(b) != "brugerens fil" {
			t.Errorf("the target of the link %s was changed: %q, %v", suffix, b, err)
		}
	}
	if fi, err := os.Lstat(path + store.SealedSuffix); err != nil || !fi.Mode().IsRegular() {
		t.Fatalf("sidecar after the erase: %v, %v", fi, err)
	}
	entries, err := store.ReadSealed(path)
	mustNoErr(t, err, "ReadSealed")
	samePending(t, openAll(t, entries, srv, dev), want)
}

func TestWipeExportsNothing(t *testing.T) {
	srv := newServerKeys(t)
	path, opts, _, _ := sealedReplica(t, t.TempDir(), srv, 2)
	eraseByWrongPasswords(t, path, opts) // leaves a sidecar
	db := MustCreate(t, path, opts)
	mustNoErr(t, db.SetServerKey(*srv.pub), "SetServerKey")
	s := seed(t, db, canaryCPR, canaryName)
	mustCommit(t, db, notat(t, s.ID, "usendt"))
	mustNoErr(t, db.Wipe(), "Wipe")
	matches, _ := filepath.Glob(path + "*")
	if len(matches) != 0 {
		t.Fatalf("left after Wipe: %v", matches)
	}
}

// TestEraseCrashLeavesOldFileOrCompleteSidecar: a crash while the erase
// writes the sidecar leaves the replica as it was and either no sidecar
// (before the rename) or a complete one (after it); the next erase then
// leaves every unacked command in the sidecar exactly once.
func TestEraseCrashLeavesOldFileOrCompleteSidecar(t *testing.T) {
	for _, point := range []string{"written", "renamed"} {
		t.Run(point, func(t *testing.T) {
			srv := newServerKeys(t)
			dir := t.TempDir()
			path, opts, want, dev := sealedReplica(t, dir, srv, 3)
			db, err := store.Open(path, opts)
			mustNoErr(t, err, "Open")
			crash := errors.New("simulated crash")
			db.SetSealedCrash(func(p string) error {
				if p == point {
					return crash
				}
				return nil
			})
			for i := 1; i < opts.MaxFailures; i++ {
				wantRule(t, db.Unlock("forkert"), app.CodeUnauthorized, store.RulePassword)
			}
			if err := db.Unlock("forkert"); !errors.Is(err, crash) {
				t.Fatalf("Unlock = %v, want the simulated crash", err)
			}
			mustNoErr(t, db.Close(), "Close")

			entries, err := store.ReadSealed(path)
			mustNoErr(t, err, "ReadSealed after the crash")
			if point == "written" && entries != nil {
				t.Fatalf("a sidecar before the rename: %d entries", len(entries))
			}
			if point == "renamed" {
				samePending(t, openAll(t, entries, srv, dev), want)
			}
			// The replica is untouched: the right password still opens it.
			db = MustReopen(t, path, opts)
			p, err := db.Pending()
			mustNoErr(t, err, "Pending")
			samePending(t, p, want)
			mustNoErr(t, db.Close(), "Close")

			eraseByWrongPasswords(t, path, opts)
			entries, err = store.ReadSealed(path)
			mustNoErr(t, err, "ReadSealed")
			samePending(t, openAll(t, entries, srv, dev), want)
			if tmp, _ := filepath.Glob(path + store.SealedSuffix + ".tmp-*"); len(tmp) != 0 {
				t.Fatalf("temporary files left: %v", tmp)
			}
		})
	}
}

func TestReadSealedRefusesDamagedFiles(t *testing.T) {
	srv := newServerKeys(t)
	path, opts, _, _ := sealedReplica(t, t.TempDir(), srv, 2)
	eraseByWrongPasswords(t, path, opts)
	good, err := os.ReadFile(path + store.SealedSuffix)
	mustNoErr(t, err, "read sidecar")
	tests := []struct {
		name   string
		damage func([]byte) []byte
	}{
		{"empty", func([]byte) []byte { return nil }},
		{"truncated", func(b []byte) []byte { return b[:len(b)-1] }},
		{"cut in an entry", func(b []byte) []byte { return b[:len(b)/2] }},
		{"flipped bit", func(b []byte) []byte { b[len(b)/2] ^= 1; return b }},
		{"other magic", func(b []byte) []byte { b[0] = 'F'; return b }},
		{"newer version", func(b []byte) []byte { b[15] = 2; return b }},
		{"trailing bytes", func(b []byte) []byte { return append(b, 0) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustNoErr(t, os.WriteFile(path+store.SealedSuffix, tt.damage(bytes.Clone(good)), 0o600), "write")
			_, err := store.ReadSealed(path)
			wantRule(t, err, app.CodeInternal, store.RuleSealedDamaged)
			wantRule(t, store.RemoveSealed(path, nil), app.CodeInternal, store.RuleSealedDamaged)
		})
	}

	// An erase never overwrites a damaged sidecar: it is set aside.
	mustNoErr(t, os.WriteFile(path+store.SealedSuffix, good[:40], 0o600), "write")
	path2, opts2, want, dev := sealedReplica(t, filepath.Dir(path), srv, 1)
	if path2 != path {
		t.Fatalf("paths differ: %s %s", path2, path)
	}
	eraseByWrongPasswords(t, path, opts2)
	entries, err := store.ReadSealed(path)
	mustNoErr(t, err, "ReadSealed")
	samePending(t, openAll(t, entries, srv, dev), want)
	aside, _ := filepath.Glob(path + store.SealedSuffix + ".damaged-*")
	if len(aside) != 1 {
		t.Fatalf("damaged sidecar set aside as %v", aside)
	}
	if b, _ := os.ReadFile(aside[0]); !bytes.Equal(b, good[:40]) {
		t.Fatal("the damaged sidecar was changed")
	}
}

func TestMigrateFromSchema3(t *testing.T) {
	opts, _ := testOptions(t)
	path := filepath.Join(t.TempDir(), "v3.db")
	db := MustCreate(t, path, opts)
	s := seed(t, db, canaryCPR, canaryName)
	mustCommit(t, db, notat(t, s.ID, "før opdateringen"))
	mustNoErr(t, db.DowngradeToV3(), "downgrade")
	mustNoErr(t, db.Close(), "Close")

	db = MustReopen(t, path, opts)
	if _, err := os.Lstat(path + ".pre-migration-v3"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("copy kept after a successful migration: %v", err)
	}
	srv := newServerKeys(t)
	mustNoErr(t, db.SetServerKey(*srv.pub), "SetServerKey after migration")
	mustCommit(t, db, notat(t, s.ID, "efter opdateringen"))
	want, err := db.Pending()
	mustNoErr(t, err, "Pending")
	samePending(t, openAll(t, storedEntries(t, db), srv, db.Device()), want)
}

func seqKey(n uint64) []byte {
	return []byte{byte(n >> 56), byte(n >> 48), byte(n >> 40), byte(n >> 32), byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}
}
