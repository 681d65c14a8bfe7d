package store_test

import (
	"os"
	"path/filepath"
	"testing"

	"feltsag.dk/feltsag/store"
)

// leftoverNames are the temporary names beside the replica that Create,
// compaction and migration write, scrub and delete, and the lock file.
var leftoverNames = []string{".new", ".old", ".compact", ".pre-migration-v1", ".lock"}

// plantLinks puts a symbolic link under every leftover name, each pointing
// at a file of its own outside the replica's folder, and returns a check
// that fails the test if any of those files was touched.
func plantLinks(t *testing.T, path string) func(when string) {
	t.Helper()
	dir := t.TempDir()
	targets := map[string]string{}
	for _, suffix := range leftoverNames {
		target := filepath.Join(dir, "target"+suffix)
		mustNoErr(t, os.WriteFile(target, []byte("brugerens fil"+suffix), 0o600), "write target")
		_ = os.Remove(path + suffix)
		mustNoErr(t, os.Symlink(target, path+suffix), "symlink %s", suffix)
		targets[suffix] = target
	}
	return func(when string) {
		t.Helper()
		for suffix, target := range targets {
			if b, err := os.ReadFile(target); err != nil || string(b) != "brugerens fil"+suffix {
				t.Errorf("%s: the target of the link %s was changed: %q, %v", when, suffix, b, err)
			}
		}
	}
}

// TestLeftoverLinksNeverFollowed: Open, Create, Unlock (KDF raise and
// migration), Purge and ChangePassword scrub leftover files, and a
// symbolic link under such a name must never get its target zero-filled
// or deleted. Each operation still succeeds.
func TestLeftoverLinksNeverFollowed(t *testing.T) {
	tests := []struct {
		name string
		run  func(t *testing.T, path string, opts store.Options)
	}{
		{"Open", func(t *testing.T, path string, opts store.Options) {
			mustNoErr(t, MustCreate(t, path, opts).Close(), "Close")
			check := plantLinks(t, path)
			MustReopen(t, path, opts)
			check("Open")
		}},
		{"Create", func(t *testing.T, path string, opts store.Options) {
			check := plantLinks(t, path)
			db := MustCreate(t, path, opts)
			seed(t, db, canaryCPR, canaryName)
			check("Create")
		}},
		{"Unlock raising the KDF", func(t *testing.T, path string, opts store.Options) {
			mustNoErr(t, MustCreate(t, path, opts).Close(), "Close")
			opts.KDF = store.KDFParams{Time: 2, MemoryKiB: 128, Threads: 1}
			db, err := store.Open(path, opts)
			mustNoErr(t, err, "Open")
			defer db.Close()
			check := plantLinks(t, path)
			mustNoErr(t, db.Unlock(testPassword), "Unlock")
			check("Unlock")
		}},
		{"Unlock migrating", func(t *testing.T, path string, opts store.Options) {
			db := MustCreate(t, path, opts)
			mustNoErr(t, db.DowngradeToV1(), "downgrade")
			mustNoErr(t, db.Close(), "Close")
			check := plantLinks(t, path)
			MustReopen(t, path, opts) // migrates to the current schema
			check("migration")
		}},
		{"Purge", func(t *testing.T, path string, opts store.Options) {
			db := MustCreate(t, path, opts)
			s := seed(t, db, canaryCPR, canaryName)
			check := plantLinks(t, path)
			mustNoErr(t, db.Purge(s.ID), "Purge")
			check("Purge")
		}},
		{"ChangePassword", func(t *testing.T, path string, opts store.Options) {
			db := MustCreate(t, path, opts)
			check := plantLinks(t, path)
			mustNoErr(t, db.ChangePassword(testPassword, testPassword+"-ny"), "ChangePassword")
			check("ChangePassword")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts, _ := testOptions(t)
			path := filepath.Join(t.TempDir(), "sager.db")
			tt.run(t, path, opts)
		})
	}
}
