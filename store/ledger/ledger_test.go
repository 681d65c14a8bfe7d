package ledger_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/testkit"
	"feltsag.dk/feltsag/store/ledger"
	"feltsag.dk/feltsag/store/ledger/ledgertest"
)

// TestConformance runs the suite every ledger passes on real bbolt files.
func TestConformance(t *testing.T) {
	ledgertest.Run(t, func(t *testing.T) app.Ledger {
		return mustOpen(t, filepath.Join(t.TempDir(), "ledger.db"), ledger.Options{})
	})
}

func mustOpen(t *testing.T, path string, opts ledger.Options) *ledger.DB {
	t.Helper()
	db, err := ledger.Open(path, opts)
	if err != nil {
		t.Fatalf("Open(%s): %v", filepath.Base(path), err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func errCode(err error) (code, rule string) {
	var ae *app.Error
	if errors.As(err, &ae) {
		return ae.Code, ae.Rule
	}
	return "", ""
}

// fill writes a little of everything and returns what Changes(cw1, 0)
// gives afterwards.
func fill(t *testing.T, db *ledger.DB) []app.Record {
	t.Helper()
	err := db.Update(func(tx app.LedgerTx) error {
		for i := range 50 {
			owner := app.ID("cw1")
			if i%3 == 0 {
				owner = "cw2"
			}
			r := app.LedgerRecord{Kind: app.RecordSag, ID: app.ID(fmt.Sprintf("sag%d", i)), Version: 1, Owner: owner,
				Data: json.RawMessage(fmt.Sprintf(`{"i":%d,"pad":%q}`, i, strings.Repeat("x", 500)))}
			if _, err := tx.PutRecord(r); err != nil {
				return err
			}
		}
		_, err := tx.AppendAudit(app.LedgerAudit{Device: "dev1", Record: app.AuditRecord{Seq: 1, Sag: "sag1", Action: app.ActionViewed}})
		return errors.Join(err,
			tx.PutAccount(app.Account{ID: "cw1", Rolle: app.RoleCaseworker, Password: "$argon2id$x"}),
			tx.PutDevice(app.Device{ID: "dev1", Account: "cw1"}),
			tx.PutSession(app.Session{Hash: []byte("hash"), Kind: app.SessionRefresh, Account: "cw1", Device: "dev1"}),
			tx.PutApplied(app.AppliedCommand{ID: "cmd1", Sag: "sag1", Result: app.AckResult{Command: "cmd1", Status: app.AckApplied}}),
			tx.PutConflict(app.Conflict{ID: "k1", Sag: "sag1", Owner: "cw1"}),
			tx.PutMeta("server_key", []byte{1, 2, 3}))
	})
	if err != nil {
		t.Fatalf("fill: %v", err)
	}
	// Move one away, so the file holds a removal too.
	if err := db.Update(func(tx app.LedgerTx) error {
		_, err := tx.PutRecord(app.LedgerRecord{Kind: app.RecordSag, ID: "sag1", Version: 2, Owner: "cw2", Data: json.RawMessage(`{}`)})
		return err
	}); err != nil {
		t.Fatalf("fill: %v", err)
	}
	return snapshot(t, db)
}

// state is everything a test compares across a reopen or a backup.
type state struct {
	Head      app.Cursor
	CW1, CW2  []app.Record
	Removals  []app.Record
	Account   app.Account
	Device    app.Device
	Session   app.Session
	Applied   app.AppliedCommand
	Conflicts []app.Conflict
	Audit     []app.LedgerAudit
	Meta      []byte
}

func snapshot(t *testing.T, db app.Ledger) []app.Record {
	t.Helper()
	var out []app.Record
	if err := db.View(func(tx app.LedgerTx) (err error) { out, err = tx.Changes("cw1", 0, 1000); return err }); err != nil {
		t.Fatalf("Changes: %v", err)
	}
	return out
}

func readState(t *testing.T, db app.Ledger) state {
	t.Helper()
	var s state
	err := db.View(func(tx app.LedgerTx) error {
		var errs [12]error
		s.Head, errs[0] = tx.Head()
		s.CW1, errs[1] = tx.Changes("cw1", 0, 1000)
		s.CW2, errs[2] = tx.Changes("cw2", 0, 1000)
		s.Removals, errs[3] = tx.Changes("cw1", 1, 1000)
		s.Account, errs[4] = tx.Account("cw1")
		s.Device, errs[5] = tx.Device("dev1")
		s.Session, errs[6] = tx.Session([]byte("hash"))
		s.Applied, errs[7] = tx.Applied("cmd1")
		s.Conflicts, errs[8] = tx.Conflicts("cw1")
		s.Audit, errs[9] = tx.AuditFor("sag1")
		s.Meta, errs[10] = tx.Meta("server_key")
		return errors.Join(errs[:]...)
	})
	if err != nil {
		t.Fatalf("reading the ledger: %v", err)
	}
	return s
}

// TestReopenKeepsEverything: what an Update committed is in the file.
func TestReopenKeepsEverything(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ledger.db")
	db := mustOpen(t, path, ledger.Options{})
	fill(t, db)
	want := readState(t, db)
	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := db.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	again := mustOpen(t, path, ledger.Options{})
	if got := readState(t, again); !reflect.DeepEqual(got, want) {
		t.Errorf("after reopening:\n got  %+v\n want %+v", got, want)
	}
	if len(want.CW1) == 0 || len(want.Removals) == len(want.CW1) {
		t.Fatalf("the fixture holds too little: %d records, %d with removals", len(want.CW1), len(want.Removals))
	}
}

// TestBackupIsALedger: Backup writes a copy that opens as the same ledger,
// while the original stays open and writable.
func TestBackupIsALedger(t *testing.T) {
	dir := t.TempDir()
	db := mustOpen(t, filepath.Join(dir, "ledger.db"), ledger.Options{})
	fill(t, db)
	want := readState(t, db)
	f, err := os.Create(filepath.Join(dir, "backup.db"))
	if err != nil {
		t.Fatal(err)
	}
	n, err := db.Backup(f)
	if err != nil || n == 0 {
		t.Fatalf("Backup = %d, %v", n, err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	// The original goes on.
	if err := db.Update(func(tx app.LedgerTx) error { return tx.PutMeta("after", []byte("x")) }); err != nil {
		t.Fatalf("Update after Backup: %v", err)
	}
	copy := mustOpen(t, filepath.Join(dir, "backup.db"), ledger.Options{})
	if got := readState(t, copy); !reflect.DeepEqual(got, want) {
		t.Errorf("backup:\n got  %+v\n want %+v", got, want)
	}
	if err := copy.View(func(tx app.LedgerTx) error { _, err := tx.Meta("after"); return err }); err == nil {
		t.Error("the backup holds a write made after it")
	}
}

// TestLocked: a second Open of a file in use is told so, in time.
func TestLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ledger.db")
	mustOpen(t, path, ledger.Options{})
	start := time.Now()
	db, err := ledger.Open(path, ledger.Options{LockTimeout: 50 * time.Millisecond})
	if err == nil {
		_ = db.Close()
		t.Fatal("a second Open of a file in use succeeded")
	}
	if code, rule := errCode(err); code != app.CodeConflict || rule != ledger.RuleLocked {
		t.Errorf("second Open: %v, want %s %s", err, app.CodeConflict, ledger.RuleLocked)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("second Open took %v", d)
	}
}

// TestSchema1Upgraded: a file written before readers existed (schema 1,
// record heads without readers) opens: its records read with no readers
// and stay in their owner's scope, the file is marked schema 2 (so an
// older feltsagd, which would ignore readers and leave a dropped reader
// its live entries, refuses it), and shared scope works on it.
func TestSchema1Upgraded(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ledger.db")
	db := mustOpen(t, path, ledger.Options{})
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	schemaOf := func() uint64 {
		t.Helper()
		bdb, err := bolt.Open(path, 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer bdb.Close()
		var v uint64
		if err := bdb.View(func(tx *bolt.Tx) error {
			v = binary.BigEndian.Uint64(tx.Bucket([]byte("ledger")).Get([]byte("schema")))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return v
	}
	// What schema 1 wrote for a company of cw1 at position 1: the head's
	// JSON length, the head {version, seq, owner}, the data.
	bdb, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	head, data := `{"v":1,"s":1,"o":"cw1"}`, `{"navn":"Ærø"}`
	err = bdb.Update(func(tx *bolt.Tx) error {
		recs, err := tx.Bucket([]byte("records")).CreateBucket([]byte(app.RecordVirksomhed))
		if err != nil {
			return err
		}
		v := append(binary.AppendUvarint(nil, uint64(len(head))), head+data...)
		rk := []byte(app.RecordVirksomhed + "\x00v1")
		entry := append(append([]byte{1}, binary.BigEndian.AppendUint64(nil, 1)...), rk...)
		scope, err := tx.Bucket([]byte("scope")).CreateBucket([]byte("cw1"))
		if err != nil {
			return err
		}
		bySeq, err1 := scope.CreateBucket([]byte("seq"))
		byRec, err2 := scope.CreateBucket([]byte("rec"))
		if err := errors.Join(err1, err2); err != nil {
			return err
		}
		log := tx.Bucket([]byte("log"))
		return errors.Join(recs.Put([]byte("v1"), v), log.SetSequence(1), log.Put(binary.BigEndian.AppendUint64(nil, 1), rk),
			bySeq.Put(binary.BigEndian.AppendUint64(nil, 1), entry), byRec.Put(rk, append(binary.BigEndian.AppendUint64(nil, 1), 1)),
			tx.Bucket([]byte("ledger")).Put([]byte("schema"), binary.BigEndian.AppendUint64(nil, 1)))
	})
	if err := errors.Join(err, bdb.Close()); err != nil {
		t.Fatal(err)
	}

	db = mustOpen(t, path, ledger.Options{})
	var s2 uint64
	err = db.Update(func(tx app.LedgerTx) error {
		r, err := tx.Record(app.RecordVirksomhed, "v1")
		if err != nil {
			return err
		}
		want := app.LedgerRecord{Kind: app.RecordVirksomhed, ID: "v1", Version: 1, Seq: 1, Owner: "cw1", Data: json.RawMessage(data)}
		if !reflect.DeepEqual(r, want) {
			t.Errorf("schema-1 record = %+v, want %+v", r, want)
		}
		if ids, err := tx.Scope("cw1", app.RecordVirksomhed); err != nil || !slices.Equal(ids, []app.ID{"v1"}) {
			t.Errorf("Scope(cw1) = %v, %v; want v1", ids, err)
		}
		r.Version, r.Readers = 2, []app.ID{"cw2"}
		s2, err = tx.PutRecord(r)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.View(func(tx app.LedgerTx) error {
		got, err := tx.Changes("cw2", 0, 10)
		if err != nil {
			return err
		}
		if len(got) != 1 || got[0].ID != "v1" || got[0].Seq != s2 || s2 != 2 {
			t.Errorf("reader cw2 = %+v, want v1 at 2", got)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if v := schemaOf(); v != 2 {
		t.Errorf("schema after Open = %d, want 2", v)
	}
}

// TestNewerSchemaRefused: a file from a newer feltsagd is refused with
// ledger-nyere-version and left exactly as it was.
func TestNewerSchemaRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ledger.db")
	db := mustOpen(t, path, ledger.Options{})
	fill(t, db)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	bdb, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := bdb.Update(func(tx *bolt.Tx) error {
		// Version 3 may have a layout version 2 cannot read: drop a bucket
		// too, so a check that ran before the version test would fail.
		if err := tx.DeleteBucket([]byte("log")); err != nil {
			return err
		}
		return tx.Bucket([]byte("ledger")).Put([]byte("schema"), binary.BigEndian.AppendUint64(nil, 3))
	}); err != nil {
		t.Fatal(err)
	}
	if err := bdb.Close(); err != nil {
		t.Fatal(err)
	}
	before := mustRead(t, path)
	_, err = ledger.Open(path, ledger.Options{})
	code, rule := errCode(err)
	if code != app.CodeInvalid || rule != ledger.RuleNewer {
		t.Fatalf("Open of a newer file: %v, want %s %s", err, app.CodeInvalid, ledger.RuleNewer)
	}
	var ae *app.Error
	errors.As(err, &ae)
	if ae.Key != "store.ledger_newer" || ae.Params["version"] != "3" || ae.Params["understood"] != "2" {
		t.Errorf("error = key %s params %v, want store.ledger_newer with version 3 and understood 2", ae.Key, ae.Params)
	}
	for _, lang := range []string{"da", "en"} {
		if msg := testkit.Message(t, ae, lang); !strings.Contains(msg, "3") || !strings.Contains(msg, "feltsagd") {
			t.Errorf("%s message %q does not name the version and feltsagd", lang, msg)
		}
	}
	if !bytes.Equal(mustRead(t, path), before) {
		t.Error("Open changed a file it refused")
	}
}

// leafWith returns the id of the leaf page in use that holds needle: a
// page that only a walk of its bucket reads, not Open's bucket lookups.
func leafWith(t *testing.T, content, needle []byte) int {
	t.Helper()
	path := filepath.Join(t.TempDir(), "probe.db")
	if err := os.WriteFile(path, content, 0o600); err != nil {
		t.Fatal(err)
	}
	bdb, err := bolt.Open(path, 0o600, nil) // a private copy: page info needs the free list loaded
	if err != nil {
		t.Fatal(err)
	}
	defer bdb.Close()
	leaf := -1
	err = bdb.View(func(tx *bolt.Tx) error {
		for off := 0; ; {
			i := bytes.Index(content[off:], needle)
			if i < 0 {
				return nil
			}
			id := (off + i) / page
			info, err := tx.Page(id)
			if err != nil {
				return err
			}
			if info != nil && info.Type == "leaf" {
				leaf = id
				return nil
			}
			off += i + 1
		}
	})
	if err != nil || leaf < 0 {
		t.Fatalf("no leaf page holds %q: %v", needle, err)
	}
	return leaf
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// page is bbolt's page size on the test machines (the OS page size).
const page = 4096

// TestDamagedFile: a file that is not a whole, sound ledger is refused
// with ledger-beskadiget, never a panic and never a fresh empty ledger, and
// is left as it was.
func TestDamagedFile(t *testing.T) {
	valid := func(t *testing.T) []byte {
		path := filepath.Join(t.TempDir(), "valid.db")
		db := mustOpen(t, path, ledger.Options{})
		fill(t, db)
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		return mustRead(t, path)
	}
	tests := []struct {
		name string
		make func(t *testing.T) []byte
	}{
		{"zero-length", func(*testing.T) []byte { return []byte{} }},
		{"not a bbolt file", func(*testing.T) []byte { return bytes.Repeat([]byte("feltsag "), 8192) }},
		{"truncated to half", func(t *testing.T) []byte { b := valid(t); return b[:len(b)/2] }},
		{"truncated to the meta pages", func(t *testing.T) []byte { return valid(t)[:2*page] }},
		{"both meta pages damaged", func(t *testing.T) []byte {
			b := valid(t)
			for i := range 2 * page {
				b[i] ^= 0x5a
			}
			return b
		}},
		{"data pages overwritten", func(t *testing.T) []byte {
			b := valid(t)
			for i := 2 * page; i < len(b); i++ {
				b[i] = 0xff
			}
			return b
		}},
		{"one leaf page damaged", func(t *testing.T) []byte {
			b := valid(t)
			id := leafWith(t, b, []byte(`{"i":25,`))
			for i := id*page + 16; i < (id+1)*page; i++ { // keep the page header: only the full check sees it
				b[i] = 0xff
			}
			return b
		}},
		{"a bbolt file that is not a ledger", func(t *testing.T) []byte {
			path := filepath.Join(t.TempDir(), "other.db")
			bdb, err := bolt.Open(path, 0o600, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := bdb.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("cases")); return err }); err != nil {
				t.Fatal(err)
			}
			if err := bdb.Close(); err != nil {
				t.Fatal(err)
			}
			return mustRead(t, path)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "ledger.db")
			content := tc.make(t)
			if err := os.WriteFile(path, content, 0o600); err != nil {
				t.Fatal(err)
			}
			db, err := ledger.Open(path, ledger.Options{LockTimeout: 100 * time.Millisecond})
			if err == nil {
				_ = db.Close()
				t.Fatal("Open accepted a damaged file")
			}
			if code, rule := errCode(err); code != app.CodeInternal || rule != ledger.RuleDamaged {
				t.Errorf("Open: %v, want %s %s", err, app.CodeInternal, ledger.RuleDamaged)
			}
			if !bytes.Equal(mustRead(t, path), content) {
				t.Error("Open changed the damaged file")
			}
			for _, lang := range []string{"da", "en"} {
				if msg := testkit.Message(t, err, lang); !strings.Contains(msg, "ledger-beskadiget") {
					t.Errorf("%s message %q does not give the error code", lang, msg)
				}
			}
		})
	}
}

// TestMissingFileIsCreated: Open makes a new ledger where there is none,
// readable only by its owner.
func TestMissingFileIsCreated(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ledger.db")
	db := mustOpen(t, path, ledger.Options{})
	if h := readHead(t, db); h.Epoch == 0 || h.Seq != 0 {
		t.Errorf("Head of a new ledger = %v", h)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		t.Errorf("file mode %v: readable by others", perm)
	}
	if err := db.Check(); err != nil {
		t.Errorf("Check of a new ledger: %v", err)
	}
}

func readHead(t *testing.T, db app.Ledger) app.Cursor {
	t.Helper()
	var h app.Cursor
	if err := db.View(func(tx app.LedgerTx) (err error) { h, err = tx.Head(); return err }); err != nil {
		t.Fatal(err)
	}
	return h
}

// TestUpdateAfterClose: an Update on a closed ledger fails at once; it
// neither hangs nor panics.
func TestUpdateAfterClose(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "ledger.db"), ledger.Options{})
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- db.Update(func(tx app.LedgerTx) error { return tx.PutMeta("k", []byte("v")) }) }()
	select {
	case err := <-done:
		if err == nil {
			t.Error("Update after Close succeeded")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Update after Close hangs")
	}
}

// TestPanicInUpdate: a panic in fn reaches its own caller, writes
// nothing, and other Updates carry on.
func TestPanicInUpdate(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "ledger.db"), ledger.Options{})
	func() {
		defer func() {
			if r := recover(); r == nil {
				t.Error("the panic in fn did not reach the caller")
			}
		}()
		_ = db.Update(func(tx app.LedgerTx) error {
			if err := tx.PutMeta("half", []byte("x")); err != nil {
				return err
			}
			panic("boom")
		})
	}()
	if err := db.Update(func(tx app.LedgerTx) error { return tx.PutMeta("after", []byte("x")) }); err != nil {
		t.Fatalf("Update after a panic: %v", err)
	}
	err := db.View(func(tx app.LedgerTx) error {
		if _, err := tx.Meta("half"); app.ErrorCode(err) != app.CodeNotFound {
			t.Errorf("the panicking Update's write: %v, want not found", err)
		}
		_, err := tx.Meta("after")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestLoneUpdateDoesNotWait: an Update with nobody else waiting commits
// at once; group commit adds no delay to it (bbolt's DB.Batch would wait
// 10 ms for company, so every one of them would take longer). The
// fastest of 20 serial Updates must take under 9 ms: one fsync.
func TestLoneUpdateDoesNotWait(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "ledger.db"), ledger.Options{})
	var ds []time.Duration
	for i := range 20 {
		start := time.Now()
		if err := db.Update(func(tx app.LedgerTx) error { return tx.PutMeta(fmt.Sprint(i), []byte("x")) }); err != nil {
			t.Fatal(err)
		}
		ds = append(ds, time.Since(start))
	}
	if fastest := slices.Min(ds); fastest > 9*time.Millisecond {
		t.Errorf("the fastest lone Update took %v (all: %v)", fastest, ds)
	}
}
