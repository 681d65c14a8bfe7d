package store_test

import (
	"bytes"
	"os"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/store"
)

// needles are the plaintexts that must never be on disk.
var needles = []string{canaryCPR, "010190-1234", canaryHealth, "diskusprolaps", "Søren", "Ærø", "Testvej", "Anna Jensen", "0202851236"}

// assertNoPlaintext greps the raw bytes of the file, free pages included.
func assertNoPlaintext(t *testing.T, path, when string) []byte {
	t.Helper()
	raw, err := os.ReadFile(path)
	mustNoErr(t, err, "read file")
	for _, n := range needles {
		if bytes.Contains(raw, []byte(n)) {
			t.Errorf("%s: %q found in the raw file", when, n)
		}
	}
	return raw
}

func TestNoPlaintextOnDisk(t *testing.T) {
	db := MustOpen(t)
	s := seed(t, db, canaryCPR, canaryName)
	seed(t, db, "0202851236", "Anna Jensen")
	var sealed [][]byte // every version of the purged case's records
	keep := func() {
		sealed = append(sealed, db.Sealed(store.BucketView, []byte(s.ID)), db.Sealed(store.BucketConfirmed, []byte(s.ID)))
	}
	keep()
	cmds := []app.Command{sygemelding(t, s.ID, canaryHealth), notat(t, s.ID, "Samtale om "+canaryHealth)}
	for _, c := range cmds {
		mustCommit(t, db, c)
		keep()
	}
	_, err := db.View(s.ID, caseworker)
	mustNoErr(t, err, "View")
	for _, q := range []string{canaryCPR, "søren", "010190"} {
		_, err := db.Search(q, caseworker)
		mustNoErr(t, err, "Search")
	}
	assertNoPlaintext(t, db.Path(), "after commits")

	mustNoErr(t, db.ChangePassword(testPassword, testPassword+"-ny"), "ChangePassword")
	assertNoPlaintext(t, db.Path(), "after compaction")

	for _, c := range cmds {
		mustNoErr(t, db.Ack(app.AckResult{Command: c.ID, Status: app.AckApplied}), "Ack")
	}
	mustNoErr(t, db.Purge(s.ID), "Purge")
	raw := assertNoPlaintext(t, db.Path(), "after purge")
	for i, c := range sealed {
		if len(c) > 0 && bytes.Contains(raw, c) {
			t.Errorf("ciphertext %d of the purged case is still in the file", i)
		}
	}
	assertPurged(t, db, s.ID)
}

// assertPurged opens every remaining value: only audit records may name
// the case, and nothing may hold its CPR or health text.
func assertPurged(t *testing.T, db *store.DB, id app.ID) {
	t.Helper()
	dump, err := db.Dump()
	mustNoErr(t, err, "Dump")
	for k, v := range dump {
		if strings.Contains(v, canaryCPR) || strings.Contains(v, canaryHealth) || strings.Contains(v, canaryName) {
			t.Errorf("%s still holds the purged citizen's data", k)
		}
		if strings.Contains(v, string(id)) && !strings.HasPrefix(k, store.BucketAudit+"/") {
			t.Errorf("%s still names the purged case", k)
		}
	}
	if _, err := db.View(id, caseworker); app.ErrorCode(err) != app.CodeNotFound {
		t.Errorf("View after purge: %v", err)
	}
	if ids, _ := db.FindByCPR(app.CPR(canaryCPR), caseworker); len(ids) != 0 {
		t.Errorf("blind index still finds the purged case: %v", ids)
	}
	recs, _ := db.Audit(0, 0)
	if last := recs[len(recs)-2]; last.Action != app.ActionPurged || last.Sag != id {
		t.Errorf("no purged record: %+v", last) // the last one is FindByCPR's search
	}
}

// TestDeleteWithoutCompactionLeavesCiphertext shows why Purge compacts:
// bbolt leaves a deleted value in its freed page.
func TestDeleteWithoutCompactionLeavesCiphertext(t *testing.T) {
	db := MustOpen(t)
	s := seed(t, db, canaryCPR, canaryName)
	c := db.Sealed(store.BucketView, []byte(s.ID))
	mustNoErr(t, db.Raw(func(tx *bolt.Tx) error { return tx.Bucket([]byte(store.BucketView)).Delete([]byte(s.ID)) }), "delete")
	raw, _ := os.ReadFile(db.Path())
	if !bytes.Contains(raw, c) {
		t.Fatal("the deleted ciphertext is gone without compaction; the purge test proves less than it claims")
	}
}

func TestPurgeRefusesUnsentCommands(t *testing.T) {
	db := MustOpen(t)
	s := seed(t, db, canaryCPR, canaryName)
	mustCommit(t, db, notat(t, s.ID, "ikke sendt"))
	wantRule(t, db.Purge(s.ID), app.CodeConflict, store.RuleUnsent)
	if _, err := db.View(s.ID, caseworker); err != nil {
		t.Fatalf("case gone after refused purge: %v", err)
	}
}

func TestSwappedCiphertextsDetected(t *testing.T) {
	type swap struct {
		name          string
		bucketA, keyA string
		bucketB, keyB string
		read          func(db *store.DB) error
	}
	db := MustOpen(t)
	a := seed(t, db, canaryCPR, canaryName)
	b := seed(t, db, "0202851236", "Anna Jensen")
	mustCommit(t, db, notat(t, a.ID, "a"))
	mustCommit(t, db, notat(t, b.ID, "b"))
	seq := func(n byte) string { return string([]byte{0, 0, 0, 0, 0, 0, 0, n}) }
	viewA := func(db *store.DB) error { _, err := db.View(a.ID, caseworker); return err }
	tests := []swap{
		{"views of two cases", store.BucketView, string(a.ID), store.BucketView, string(b.ID), viewA},
		{"confirmed into view, same key", store.BucketConfirmed, string(a.ID), store.BucketView, string(a.ID), viewA},
		{"two outbox entries", store.BucketOutbox, seq(1), store.BucketOutbox, seq(2), func(db *store.DB) error { _, err := db.Pending(); return err }},
		{"two audit records", store.BucketAudit, seq(1), store.BucketAudit, seq(2), func(db *store.DB) error { return db.VerifyAudit() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			swapValues(t, db, tt.bucketA, tt.keyA, tt.bucketB, tt.keyB)
			defer swapValues(t, db, tt.bucketA, tt.keyA, tt.bucketB, tt.keyB)
			ae := wantRule(t, tt.read(db), app.CodeInternal, store.RuleDamaged)
			if strings.Contains(daText(ae), "record") {
				t.Errorf("technical cause shown to the user: %s", daText(ae))
			}
		})
	}
	if _, err := db.View(a.ID, caseworker); err != nil {
		t.Fatalf("swapped back, still unreadable: %v", err)
	}
}

func swapValues(t *testing.T, db *store.DB, bucketA, keyA, bucketB, keyB string) {
	t.Helper()
	err := db.Raw(func(tx *bolt.Tx) error {
		ba, bb := tx.Bucket([]byte(bucketA)), tx.Bucket([]byte(bucketB))
		va, vb := bytes.Clone(ba.Get([]byte(keyA))), bytes.Clone(bb.Get([]byte(keyB)))
		if va == nil || vb == nil {
			t.Fatalf("nothing to swap at %s/%x, %s/%x", bucketA, keyA, bucketB, keyB)
		}
		if err := ba.Put([]byte(keyA), vb); err != nil {
			return err
		}
		return bb.Put([]byte(keyB), va)
	})
	mustNoErr(t, err, "swap")
}
