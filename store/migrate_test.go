package store_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/store"
)

// schema1File writes a replica in the schema-1 layout (before the blind
// CPR index) with two cases and a pending command, and returns its path.
func schema1File(t *testing.T) (string, store.Options, *app.Sag) {
	t.Helper()
	opts, _ := testOptions(t)
	path := filepath.Join(t.TempDir(), "v1.db")
	db := MustCreate(t, path, opts)
	s := seed(t, db, canaryCPR, canaryName)
	seed(t, db, "0202851236", "Anna Jensen")
	mustCommit(t, db, notat(t, s.ID, "før opdateringen"))
	mustNoErr(t, db.DowngradeToV1(), "downgrade")
	mustNoErr(t, db.Close(), "Close")
	return path, opts, s
}

func TestMigrateFromSchema1(t *testing.T) {
	path, opts, s := schema1File(t)
	db := MustReopen(t, path, opts)
	ids, err := db.FindByCPR(app.CPR(canaryCPR), caseworker)
	mustNoErr(t, err, "FindByCPR")
	if len(ids) != 1 || ids[0] != s.ID {
		t.Fatalf("blind index after migration: %v", ids)
	}
	if got := pendingIDs(t, db); len(got) != 1 {
		t.Fatalf("outbox after migration: %v", got)
	}
	if _, err := os.Lstat(path + ".pre-migration-v1"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("copy kept after a successful migration: %v", err)
	}
	mustNoErr(t, db.Close(), "Close")
	db = MustReopen(t, path, opts) // already at the current schema: nothing runs
	if list, _ := db.List(); len(list) != 2 {
		t.Fatalf("list after reopen: %+v", list)
	}
}

func TestFailedMigrationKeepsCopy(t *testing.T) {
	path, opts, _ := schema1File(t)
	db, err := store.Open(path, opts)
	mustNoErr(t, err, "Open")
	db.BreakMigrations()
	ae := wantRule(t, db.Unlock(testPassword), app.CodeInternal, store.RuleMigration)
	backup := path + ".pre-migration-v1"
	if !strings.Contains(daText(ae), filepath.Base(backup)) || strings.Contains(daText(ae), filepath.Dir(backup)) {
		t.Errorf("message must name the copy's file but not the folders: %q", daText(ae))
	}
	if _, err := os.Stat(backup); err != nil {
		t.Fatalf("copy missing after a failed migration: %v", err)
	}
	mustNoErr(t, db.Close(), "Close")

	// The failed step left nothing behind: the next start migrates cleanly.
	db = MustReopen(t, path, opts)
	if ids, _ := db.FindByCPR(app.CPR(canaryCPR), caseworker); len(ids) != 1 {
		t.Fatalf("blind index after the retried migration: %v", ids)
	}
	if _, err := os.Stat(backup); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("copy kept after the retried migration succeeded")
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	opts, _ := testOptions(t)
	path := filepath.Join(t.TempDir(), "new.db")
	db := MustCreate(t, path, opts)
	mustNoErr(t, db.SetSchema(store.SchemaVersion+1), "SetSchema")
	mustNoErr(t, db.Close(), "Close")
	db, err := store.Open(path, opts)
	mustNoErr(t, err, "Open")
	defer db.Close()
	wantRule(t, db.Unlock(testPassword), app.CodeInvalid, store.RuleNewer)
}
