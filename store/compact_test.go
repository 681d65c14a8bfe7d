package store_test

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/store"
)

// diskFull is what the file system answers when compaction's copy does
// not fit.
var diskFull = &fs.PathError{Op: "write", Path: "sager.db.compact", Err: syscall.ENOSPC}

// TestCommittedChangeNeverReportsNotSaved: ChangePassword, Purge and the
// KDF raise at Unlock commit their change and then compact. When the disk
// is full during the compaction the change is still saved, so the call
// must not fail with "IKKE gemt" (the user would keep using the old
// password and count down towards the crypto-erase). The compaction is
// recorded as pending and finished at the next Open, or at Unlock when
// Open could not.
func TestCommittedChangeNeverReportsNotSaved(t *testing.T) {
	const newPassword = "helt-ny-adgangskode"
	type state struct {
		path    string
		opts    store.Options
		sag     *app.Sag
		oldWrap []byte
		oldView []byte // the purged case's sealed view
		pw      string // the password after the change
	}
	tests := []struct {
		name   string
		change func(t *testing.T, db *store.DB, s *state) (*store.DB, error) // returns the DB in use after it
		check  func(t *testing.T, db *store.DB, s *state)                    // the change is in effect
	}{
		{"ChangePassword", func(t *testing.T, db *store.DB, s *state) (*store.DB, error) {
			s.pw = newPassword
			return db, db.ChangePassword(testPassword, newPassword)
		}, func(t *testing.T, db *store.DB, s *state) {
			if w, _ := db.WrappedKey(); bytes.Equal(w, s.oldWrap) {
				t.Fatal("the data key was not re-wrapped")
			}
		}},
		{"Purge", func(t *testing.T, db *store.DB, s *state) (*store.DB, error) {
			s.oldView = db.Sealed(store.BucketView, []byte(s.sag.ID))
			return db, db.Purge(s.sag.ID)
		}, func(t *testing.T, db *store.DB, s *state) {
			_, err := db.View(s.sag.ID, caseworker)
			wantRule(t, err, app.CodeNotFound, store.RuleCaseUnknown)
		}},
		{"Unlock raising the KDF", func(t *testing.T, db *store.DB, s *state) (*store.DB, error) {
			mustNoErr(t, db.Close(), "Close")
			s.opts.KDF = store.KDFParams{Time: 2, MemoryKiB: 128, Threads: 1}
			db, err := store.Open(s.path, s.opts)
			mustNoErr(t, err, "Open")
			return db, db.Unlock(testPassword)
		}, func(t *testing.T, db *store.DB, s *state) {
			if got, _ := db.HeaderKDF(); got != s.opts.KDF {
				t.Fatalf("stored KDF = %+v, want %+v", got, s.opts.KDF)
			}
		}},
	}
	for _, tt := range tests {
		for _, retry := range []string{"Open", "Unlock"} {
			t.Run(tt.name+"/retried at "+retry, func(t *testing.T) {
				opts, _ := testOptions(t)
				s := &state{path: filepath.Join(t.TempDir(), "sager.db"), opts: store.WithCompactFault(opts, diskFull), pw: testPassword}
				db, err := store.Create(s.path, testPassword, s.opts)
				mustNoErr(t, err, "Create")
				s.sag = seed(t, db, canaryCPR, canaryName)
				s.oldWrap, _ = db.WrappedKey()

				if db, err = tt.change(t, db, s); err != nil {
					t.Fatalf("%s saved its change but reported %v", tt.name, err)
				}
				tt.check(t, db, s)
				if !db.CompactionPending() {
					t.Fatal("the failed compaction is not recorded as pending")
				}
				mustNoErr(t, db.Close(), "Close")

				if retry == "Unlock" { // Open's retry fails too (still full); Open works
					db, err = store.Open(s.path, s.opts)
					mustNoErr(t, err, "Open with the disk still full")
					if !db.CompactionPending() {
						t.Fatal("pending compaction forgotten after a failed retry")
					}
					db.SetCompactFault(nil)
					mustNoErr(t, db.Unlock(s.pw), "Unlock")
				} else {
					db, err = store.Open(s.path, opts)
					mustNoErr(t, err, "Open with room again")
					mustNoErr(t, db.Unlock(s.pw), "Unlock")
				}
				defer db.Close()
				if db.CompactionPending() {
					t.Fatal("compaction still pending after the retry")
				}
				tt.check(t, db, s)
				raw, err := os.ReadFile(s.path)
				mustNoErr(t, err, "read")
				if tt.name != "Purge" && bytes.Contains(raw, s.oldWrap) {
					t.Fatal("the old wrapped key survived the retried compaction")
				}
				if s.oldView != nil && bytes.Contains(raw, s.oldView) {
					t.Fatal("the purged case's ciphertext survived the retried compaction")
				}
			})
		}
	}
}

// TestAuditChainAcrossWriters: appending an audit record takes the previous
// hash from memory when DB.update wrote that record itself; records written
// by other transactions (Purge), a Lock/Unlock and a rewrite of upload
// times must never make it link to a stale hash.
func TestAuditChainAcrossWriters(t *testing.T) {
	db := MustOpen(t)
	a := seed(t, db, canaryCPR, canaryName)
	b := seed(t, db, "0202851236", "Anna Jensen")
	steps := []func() error{
		func() error { _, err := db.Commit(notat(t, a.ID, "første")); return err },
		func() error { _, err := db.View(b.ID, caseworker); return err },
		func() error { return db.Purge(b.ID) }, // its own transaction, outside DB.update
		func() error { _, err := db.Commit(notat(t, a.ID, "efter purge")); return err },
		func() error { return db.MarkUploaded(3, eventTime) },
		func() error { return db.Log(caseworker, app.ActionPrinted, a.ID) },
		func() error { db.Lock(); return db.Unlock(testPassword) },
		func() error { _, err := db.Search("Søren", caseworker); return err },
		func() error { _, err := db.Commit(notat(t, a.ID, "sidste")); return err },
	}
	for i, step := range steps {
		mustNoErr(t, step(), "step %d", i)
		mustNoErr(t, db.VerifyAudit(), "audit chain after step %d", i)
	}
	recs, err := db.Audit(0, 0)
	mustNoErr(t, err, "Audit")
	if len(recs) != 7 {
		t.Fatalf("%d audit records, want 7", len(recs))
	}
}
