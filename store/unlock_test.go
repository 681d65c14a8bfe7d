package store_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/store"
)

func TestSecondInstanceGetsClearMessage(t *testing.T) {
	db := MustOpen(t)
	opts, _ := testOptions(t)
	start := time.Now()
	_, err := store.Open(db.Path(), opts)
	ae := wantRule(t, err, app.CodeConflict, store.RuleLocked)
	if !strings.HasPrefix(daText(ae), "Feltsag kører allerede på denne computer") {
		t.Errorf("message = %q", daText(ae))
	}
	if waited := time.Since(start); waited > 5*time.Second {
		t.Errorf("second instance hung for %v", waited)
	}
	mustNoErr(t, db.Close(), "Close")
	MustReopen(t, db.Path(), opts)
}

func TestOpenAndCreateErrors(t *testing.T) {
	opts, _ := testOptions(t)
	dir := t.TempDir()
	first := MustCreate(t, filepath.Join(dir, "a.db"), opts)
	existing := first.Path()
	mustNoErr(t, first.Close(), "Close")
	tests := []struct {
		name       string
		run        func() error
		code, rule string
	}{
		{"open missing file", func() error { _, err := store.Open(filepath.Join(dir, "mangler.db"), opts); return err }, app.CodeNotFound, store.RuleMissing},
		{"create existing file", func() error { _, err := store.Create(existing, testPassword, opts); return err }, app.CodeConflict, store.RuleExists},
		{"create with short password", func() error { _, err := store.Create(filepath.Join(dir, "b.db"), "kort", opts); return err }, app.CodeInvalid, store.RuleShortPassword},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantRule(t, tt.run(), tt.code, tt.rule) })
	}
	if _, err := os.Stat(filepath.Join(dir, "b.db")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("failed Create left a file: %v", err)
	}
}

func TestBackoffGrows(t *testing.T) {
	want := []time.Duration{0, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 30 * time.Second, 30 * time.Second}
	for f, w := range want {
		if got := store.Backoff(f); got != w {
			t.Errorf("backoff(%d) = %v, want %v", f, got, w)
		}
	}
}

func TestWrongPasswordDelaysAndCounts(t *testing.T) {
	opts, slept := testOptions(t)
	path := filepath.Join(t.TempDir(), "pw.db")
	mustNoErr(t, MustCreate(t, path, opts).Close(), "Close")

	db, err := store.Open(path, opts)
	mustNoErr(t, err, "Open")
	for i, left := range []int{9, 8, 7} {
		ae := wantRule(t, db.Unlock("forkert-kodeord"), app.CodeUnauthorized, store.RulePassword)
		if !strings.Contains(daText(ae), "Efter "+strconv.Itoa(left)+" forsøg mere") {
			t.Errorf("attempt %d: message %q does not say %d attempts are left", i+1, daText(ae), left)
		}
	}
	mustNoErr(t, db.Close(), "Close")

	// The count survives a restart of the app: the 4th attempt waits 4 s.
	db, err = store.Open(path, opts)
	mustNoErr(t, err, "Open")
	defer db.Close()
	wantRule(t, db.Unlock("forkert-igen"), app.CodeUnauthorized, store.RulePassword)
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}
	if !equalDurations(*slept, want) {
		t.Fatalf("delays = %v, want %v", *slept, want)
	}
	mustNoErr(t, db.Unlock(testPassword), "Unlock with the right password")
	if n, _ := db.Failures(); n != 0 {
		t.Fatalf("failure count after success = %d", n)
	}
	if len(*slept) != 4 || (*slept)[3] != 8*time.Second {
		t.Fatalf("delays = %v: the right password also waits out the delay", *slept)
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestCryptoEraseAfterMaxFailures(t *testing.T) {
	opts, _ := testOptions(t)
	opts.MaxFailures = 3
	path := filepath.Join(t.TempDir(), "erase.db")
	db := MustCreate(t, path, opts)
	s := seed(t, db, canaryCPR, canaryName)
	mustCommit(t, db, sygemelding(t, s.ID, canaryHealth))
	wrapped, err := db.WrappedKey()
	mustNoErr(t, err, "WrappedKey")
	mustNoErr(t, db.Close(), "Close")
	copyPath := path + ".pre-migration-v1" // a copy holds the same wrapped key
	raw, _ := os.ReadFile(path)
	mustNoErr(t, os.WriteFile(copyPath, raw, 0o600), "write copy")

	db, err = store.Open(path, opts)
	mustNoErr(t, err, "Open")
	var removed []string
	db.SetBeforeRemove(func(p string) {
		removed = append(removed, p)
		b, _ := os.ReadFile(p)
		if bytes.Contains(b, wrapped) || len(bytes.Trim(b, "\x00")) != 0 {
			t.Errorf("%s not overwritten before it was deleted", p)
		}
	})
	wantRule(t, db.Unlock("forkert-1"), app.CodeUnauthorized, store.RulePassword)
	wantRule(t, db.Unlock("forkert-2"), app.CodeUnauthorized, store.RulePassword)
	ae := wantRule(t, db.Unlock("forkert-3"), app.CodeUnauthorized, store.RuleErased)
	if !strings.Contains(daText(ae), "slettet") {
		t.Errorf("message does not say the data was erased: %q", daText(ae))
	}
	for _, p := range []string{path, copyPath} {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s still exists after crypto-erase", p)
		}
	}
	if len(removed) != 2 {
		t.Errorf("overwritten and removed: %v", removed)
	}
	wantRule(t, db.Unlock(testPassword), app.CodeUnauthorized, store.RuleNotOpen)
}

func TestWipe(t *testing.T) {
	db := MustOpen(t)
	s := seed(t, db, canaryCPR, canaryName)
	mustNoErr(t, db.Wipe(), "Wipe")
	if _, err := os.Stat(db.Path()); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("file exists after Wipe: %v", err)
	}
	_, err := db.View(s.ID, caseworker)
	wantRule(t, err, app.CodeUnauthorized, store.RuleNotOpen)
}

// TestEraseKeepsUnrelatedFiles: Wipe and crypto-erase delete the replica
// and exactly the copies the store itself makes of it — never a user's
// file that merely starts with the replica's name (with the replica at
// …/sager, a sibling sager.docx was once destroyed), and never through a
// symbolic link.
func TestEraseKeepsUnrelatedFiles(t *testing.T) {
	const stamp = "20260312T100000.123456789Z"
	ours := []string{ // what compaction, migration, quarantine and Salvage write
		".old", ".compact", ".new", ".pre-migration-v1", ".pre-migration-v12",
		".quarantine-" + stamp, ".salvage-3141592653", ".quarantine-" + stamp + ".salvage-27",
		".pre-migration-v1.salvage-5",
	}
	theirs := []string{ // a user's files beside the replica
		".docx", ".db", ".txt", ".lock.bak", ".old.txt", ".oldest", ".compact2", ".new~", ".bak",
		".pre-migration-v", ".pre-migration-vX", ".pre-migration-v1.docx", ".quarantine-notes.txt",
		".quarantine-" + stamp + ".txt", ".quarantine-20260312", ".salvage-abc", ".salvage-",
		".salvage-12.docx", "ne.txt", "-2", " (kopi)", "", // "" is the folder's other replica, see below
	}
	erase := []struct {
		name string
		run  func(t *testing.T, path string, opts store.Options, prepare func(db *store.DB))
	}{
		{"Wipe", func(t *testing.T, path string, opts store.Options, prepare func(*store.DB)) {
			db := MustCreate(t, path, opts)
			prepare(db)
			mustNoErr(t, db.Wipe(), "Wipe")
		}},
		{"crypto-erase", func(t *testing.T, path string, opts store.Options, prepare func(*store.DB)) {
			mustNoErr(t, MustCreate(t, path, opts).Close(), "Close")
			db, err := store.Open(path, opts)
			mustNoErr(t, err, "Open")
			prepare(db)
			for i := range opts.MaxFailures - 1 {
				wantRule(t, db.Unlock("forkert-"+strconv.Itoa(i)), app.CodeUnauthorized, store.RulePassword)
			}
			wantRule(t, db.Unlock("forkert"), app.CodeUnauthorized, store.RuleErased)
		}},
	}
	for _, e := range erase {
		t.Run(e.name, func(t *testing.T) {
			opts, _ := testOptions(t)
			opts.MaxFailures = 2
			dir := t.TempDir()
			path := filepath.Join(dir, "sager")
			other := filepath.Join(t.TempDir(), "elsewhere.docx")
			mustNoErr(t, os.WriteFile(other, []byte("a document outside the folder"), 0o600), "write")
			var removed []string
			e.run(t, path, opts, func(db *store.DB) {
				// Copies appear while the DB is open: Open finishes or
				// undoes leftover .old, .compact and .new itself.
				for _, suffix := range ours {
					mustNoErr(t, os.WriteFile(path+suffix, []byte("copy"), 0o600), "write sager%s", suffix)
				}
				for _, suffix := range theirs {
					if suffix == "" {
						suffix = "2" // sager2: another replica, not a copy of this one
					}
					mustNoErr(t, os.WriteFile(path+suffix, []byte("user's file"), 0o600), "write sager%s", suffix)
				}
				// A link named like a copy must not zero what it points to.
				mustNoErr(t, os.Remove(path+".old"), "remove .old")
				mustNoErr(t, os.Symlink(other, path+".old"), "symlink")
				db.SetBeforeRemove(func(p string) { removed = append(removed, filepath.Base(p)) })
			})
			for _, suffix := range append([]string{"", ".lock"}, ours[1:]...) {
				if _, err := os.Lstat(path + suffix); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("sager%s still exists after %s: %v", suffix, e.name, err)
				}
			}
			for _, suffix := range theirs {
				if suffix == "" {
					suffix = "2"
				}
				if b, err := os.ReadFile(path + suffix); err != nil || string(b) != "user's file" {
					t.Errorf("sager%s was destroyed: %q, %v", suffix, b, err)
				}
			}
			if b, err := os.ReadFile(other); err != nil || string(b) != "a document outside the folder" {
				t.Errorf("the target of the link sager.old was overwritten: %q, %v", b, err)
			}
			if fi, err := os.Lstat(path + ".old"); err != nil || fi.Mode()&os.ModeSymlink == 0 {
				t.Errorf("the link sager.old was followed or removed: %v", err)
			}
			if want := len(ours); len(removed) != want { // the replica and its copies but the link
				t.Errorf("overwritten and removed %d files, want %d: %v", len(removed), want, removed)
			}
		})
	}
}

func TestChangePassword(t *testing.T) {
	opts, _ := testOptions(t)
	path := filepath.Join(t.TempDir(), "cp.db")
	db := MustCreate(t, path, opts)
	s := seed(t, db, canaryCPR, canaryName)
	oldWrap, _ := db.WrappedKey()
	wantRule(t, db.ChangePassword("forkert-gammel", "ny-adgangskode"), app.CodeUnauthorized, store.RulePassword)
	wantRule(t, db.ChangePassword(testPassword, "kort"), app.CodeInvalid, store.RuleShortPassword)
	mustNoErr(t, db.ChangePassword(testPassword, "ny-adgangskode"), "ChangePassword")
	if _, err := db.View(s.ID, caseworker); err != nil {
		t.Fatalf("View after ChangePassword: %v", err)
	}
	mustNoErr(t, db.Close(), "Close")
	if raw, _ := os.ReadFile(path); bytes.Contains(raw, oldWrap) {
		t.Fatal("the old wrapped key is still in the file")
	}
	db, err := store.Open(path, opts)
	mustNoErr(t, err, "Open")
	defer db.Close()
	wantRule(t, db.Unlock(testPassword), app.CodeUnauthorized, store.RulePassword)
	mustNoErr(t, db.Unlock("ny-adgangskode"), "Unlock with the new password")
	if _, err := db.View(s.ID, caseworker); err != nil {
		t.Fatalf("View with the new password: %v", err)
	}
}

func TestUnlockRaisesKDFParameters(t *testing.T) {
	opts, _ := testOptions(t)
	path := filepath.Join(t.TempDir(), "kdf.db")
	db := MustCreate(t, path, opts)
	seed(t, db, canaryCPR, canaryName)
	oldWrap, _ := db.WrappedKey()
	mustNoErr(t, db.Close(), "Close")

	opts.KDF = store.KDFParams{Time: 2, MemoryKiB: 256, Threads: 2}
	db = MustReopen(t, path, opts)
	got, err := db.HeaderKDF()
	mustNoErr(t, err, "HeaderKDF")
	if got != opts.KDF {
		t.Fatalf("stored KDF = %+v, want %+v", got, opts.KDF)
	}
	if raw, _ := os.ReadFile(path); bytes.Contains(raw, oldWrap) {
		t.Fatal("the weaker wrap is still in the file")
	}
	if s := db.Stats(); s.KDF <= 0 || s.Cases != 1 {
		t.Fatalf("stats = %+v", s)
	}
}

// TestLockAndReauthenticate is the inactivity lock: Lock forgets the keys,
// Unlock with a wrong password is refused and counted, the right one opens
// again; Unlock on an unlocked DB checks the password too.
func TestLockAndReauthenticate(t *testing.T) {
	db := MustOpen(t)
	s := seed(t, db, canaryCPR, canaryName)
	wantRule(t, db.Unlock("forkert-kodeord"), app.CodeUnauthorized, store.RulePassword)
	mustNoErr(t, db.Unlock(testPassword), "re-authenticate")
	db.Lock()
	_, err := db.View(s.ID, caseworker)
	wantRule(t, err, app.CodeUnauthorized, store.RuleNotOpen)
	if _, err := db.List(); app.ErrorCode(err) != app.CodeUnauthorized {
		t.Fatalf("List while locked: %v", err)
	}
	wantRule(t, db.Unlock("forkert-kodeord"), app.CodeUnauthorized, store.RulePassword)
	mustNoErr(t, db.Unlock(testPassword), "Unlock after Lock")
	if _, err := db.View(s.ID, caseworker); err != nil {
		t.Fatalf("View after Unlock: %v", err)
	}
}
