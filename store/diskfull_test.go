package store_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/store"
)

// TestDiskFull fills the file up to bbolt's MaxSize: the save that does not
// fit fails with store-fuld, writes nothing, and the file reopens with
// every earlier save intact.
func TestDiskFull(t *testing.T) {
	opts, _ := testOptions(t)
	opts.MaxSize = 1 << 20
	path := filepath.Join(t.TempDir(), "full.db")
	db := MustCreate(t, path, opts)
	s := seed(t, db, canaryCPR, canaryName)
	var saved []app.ID
	var err error
	for i := 0; i < 1000 && err == nil; i++ {
		c := notat(t, s.ID, fmt.Sprintf("%04d %s", i, strings.Repeat("fyld ", 1500)))
		if _, err = db.Commit(c); err == nil {
			saved = append(saved, c.ID)
		}
	}
	ae := wantRule(t, err, app.CodeInternal, store.RuleFull)
	if !strings.Contains(daText(ae), "IKKE gemt") {
		t.Errorf("message does not say the change was not saved: %q", daText(ae))
	}
	if len(saved) == 0 {
		t.Fatal("nothing fitted at all")
	}
	assertSaved(t, db, s.ID, saved)
	mustNoErr(t, db.Check(), "Check")
	mustNoErr(t, db.Close(), "Close")

	for _, max := range []int{opts.MaxSize, 0} { // reopens at the limit, and with room again
		opts.MaxSize = max
		db = MustReopen(t, path, opts)
		assertSaved(t, db, s.ID, saved)
		mustNoErr(t, db.Close(), "Close")
	}
	db = MustReopen(t, path, opts)
	mustCommit(t, db, notat(t, s.ID, "plads igen"))
}

// assertSaved checks, without writing, that exactly the saved commands are
// in the outbox, the view and the audit log.
func assertSaved(t *testing.T, db *store.DB, sag app.ID, saved []app.ID) {
	t.Helper()
	got := pendingIDs(t, db)
	if len(got) != len(saved) {
		t.Fatalf("outbox has %d entries, %d were saved", len(got), len(saved))
	}
	for i := range saved {
		if got[i] != saved[i] {
			t.Fatalf("outbox[%d] = %s, want %s", i, got[i], saved[i])
		}
	}
	recs, err := db.Audit(0, 0)
	mustNoErr(t, err, "Audit")
	if len(recs) != len(saved) {
		t.Fatalf("audit has %d records, %d saves", len(recs), len(saved))
	}
	mustNoErr(t, db.VerifyAudit(), "VerifyAudit")
	list, _ := db.List()
	if len(list) != 1 || list[0].ID != sag || list[0].Pending != len(saved) {
		t.Fatalf("list = %+v", list)
	}
}
