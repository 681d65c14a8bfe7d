// Package ledgertest is the conformance suite of app.Ledger: the promises
// every implementation of the server's ledger keeps (the embedded bbolt
// ledger in store/ledger today, a PostgreSQL ledger later). An
// implementation's test calls Run with a function that opens a fresh,
// empty ledger; the suite must pass unchanged.
//
// What the suite holds an implementation to, beyond the interface's doc
// comments:
//   - log positions start after 0 and are gap-free: the n PutRecords of
//     one Update get n consecutive positions, and an Update that returns an
//     error uses none;
//   - Changes from 0 holds only records in the scope (no Removed records);
//     from k > 0 it also holds a Removed record for each record that left
//     the scope after k;
//   - Changes refuses a limit below 1 (CodeInvalid);
//   - Record.Data and LedgerRecord.Data come back byte for byte;
//   - times come back as the same instant in UTC (the suite writes UTC);
//   - lists (Scope, Accounts, Devices, Conflicts, AuditFor) of nothing are
//     empty, not an error; Scope, Accounts and Devices are in id order;
//   - epochs are never 0, and NewEpoch never repeats the current one;
//   - values read in a transaction stay valid after it ends;
//   - LedgerRecord.Readers are stored as app.NormalReaders returns them
//     (sorted, once, without the owner; an invalid id refused) and come
//     back nil when there are none; {Owner} ∪ Readers each get what an
//     owner gets in Changes and Scope (readers.go).
package ledgertest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
)

// Run runs the conformance suite. open returns a fresh, empty ledger for
// each subtest; Run closes it when the subtest ends (so Close must be
// harmless to call again from open's own cleanup).
func Run(t *testing.T, open func(t *testing.T) app.Ledger) {
	tests := []struct {
		name string
		fn   func(t *testing.T, l app.Ledger)
	}{
		{"Empty", testEmpty},
		{"NotFound", testNotFound},
		{"RecordRoundTrip", testRecordRoundTrip},
		{"LogGapFree", testLogGapFree},
		{"ChangesSnapshot", testChangesSnapshot},
		{"ChangesIncremental", testChangesIncremental},
		{"ChangedTwiceOnce", testChangedTwiceOnce},
		{"Reassignment", testReassignment},
		{"Limits", testLimits},
		{"Scope", testScope},
		{"ReaderScope", testReaderScope},
		{"ReaderDropped", testReaderDropped},
		{"ReaderOwnerSwap", testReaderOwnerSwap},
		{"ReaderIsOwner", testReaderIsOwner},
		{"ReadersRoundTrip", testReadersRoundTrip},
		{"ManyReaders", testManyReaders},
		{"Rollback", testRollback},
		{"ConcurrentUpdates", testConcurrentUpdates},
		{"Applied", testApplied},
		{"Conflicts", testConflicts},
		{"Audit", testAudit},
		{"Sessions", testSessions},
		{"PruneSessions", testPruneSessions},
		{"AccountsDevices", testAccountsDevices},
		{"Meta", testMeta},
		{"NewEpoch", testNewEpoch},
		{"ValuesOutliveTx", testValuesOutliveTx},
		{"Invalid", testInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := open(t)
			t.Cleanup(func() {
				if err := l.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			tc.fn(t, l)
		})
	}
}

// --- helpers -------------------------------------------------------------

// at is a fixed instant in UTC; the suite's times are at(minutes).
func at(min int) time.Time {
	return time.Date(2026, 4, 14, 9, 0, 0, 0, time.UTC).Add(time.Duration(min) * time.Minute)
}

func update(t *testing.T, l app.Ledger, fn func(tx app.LedgerTx) error) {
	t.Helper()
	if err := l.Update(fn); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

func view(t *testing.T, l app.Ledger, fn func(tx app.LedgerTx) error) {
	t.Helper()
	if err := l.View(fn); err != nil {
		t.Fatalf("View: %v", err)
	}
}

func code(err error) string {
	var ae *app.Error
	if errors.As(err, &ae) {
		return ae.Code
	}
	if err == nil {
		return ""
	}
	return "not an *app.Error: " + err.Error()
}

func data(id app.ID, version int64) json.RawMessage {
	return json.RawMessage(fmt.Sprintf(`{"id":%q,"v":%d}`, id, version))
}

func rec(id app.ID, owner app.ID, version int64) app.LedgerRecord {
	return app.LedgerRecord{Kind: app.RecordSag, ID: id, Version: version, Owner: owner, Data: data(id, version)}
}

// put stores records in one Update and returns their positions.
func put(t *testing.T, l app.Ledger, recs ...app.LedgerRecord) []uint64 {
	t.Helper()
	var seqs []uint64
	update(t, l, func(tx app.LedgerTx) error {
		seqs = seqs[:0] // fn may run more than once
		for _, r := range recs {
			s, err := tx.PutRecord(r)
			if err != nil {
				return err
			}
			seqs = append(seqs, s)
		}
		return nil
	})
	return seqs
}

func head(t *testing.T, l app.Ledger) app.Cursor {
	t.Helper()
	var c app.Cursor
	view(t, l, func(tx app.LedgerTx) (err error) { c, err = tx.Head(); return err })
	return c
}

func changes(t *testing.T, l app.Ledger, owner app.ID, after uint64, limit int) []app.Record {
	t.Helper()
	var out []app.Record
	view(t, l, func(tx app.LedgerTx) (err error) { out, err = tx.Changes(owner, after, limit); return err })
	return out
}

// live is the Record a client receives for r at position seq.
func live(r app.LedgerRecord, seq uint64) app.Record {
	return app.Record{Kind: r.Kind, ID: r.ID, Version: r.Version, Seq: seq, Data: r.Data}
}

func removed(r app.LedgerRecord, seq uint64) app.Record {
	return app.Record{Kind: r.Kind, ID: r.ID, Version: r.Version, Seq: seq, Removed: true}
}

func sameRecords(t *testing.T, what string, got, want []app.Record) {
	t.Helper()
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got  %s\n want %s", what, showRecords(got), showRecords(want))
	}
}

func showRecords(rs []app.Record) string {
	var b bytes.Buffer
	for _, r := range rs {
		fmt.Fprintf(&b, "{%s/%s v%d @%d removed=%v %s} ", r.Kind, r.ID, r.Version, r.Seq, r.Removed, r.Data)
	}
	return b.String()
}

func same[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got  %+v\n want %+v", what, got, want)
	}
}

// --- the promises ----------------------------------------------------------

func testEmpty(t *testing.T, l app.Ledger) {
	h := head(t, l)
	if h.Epoch == 0 || h.Seq != 0 {
		t.Errorf("Head of a new ledger = %v, want a non-zero epoch at position 0", h)
	}
	view(t, l, func(tx app.LedgerTx) error {
		if got, err := tx.Changes("cw1", 0, 10); err != nil || len(got) != 0 {
			t.Errorf("Changes = %v, %v; want nothing", got, err)
		}
		if got, err := tx.Scope("cw1", app.RecordSag); err != nil || len(got) != 0 {
			t.Errorf("Scope = %v, %v; want nothing", got, err)
		}
		if got, err := tx.Accounts(); err != nil || len(got) != 0 {
			t.Errorf("Accounts = %v, %v; want nothing", got, err)
		}
		if got, err := tx.Devices("cw1"); err != nil || len(got) != 0 {
			t.Errorf("Devices = %v, %v; want nothing", got, err)
		}
		if got, err := tx.Conflicts(""); err != nil || len(got) != 0 {
			t.Errorf("Conflicts = %v, %v; want nothing", got, err)
		}
		if got, err := tx.AuditFor("sag1"); err != nil || len(got) != 0 {
			t.Errorf("AuditFor = %v, %v; want nothing", got, err)
		}
		return nil
	})
	update(t, l, func(tx app.LedgerTx) error {
		if n, err := tx.PruneApplied(at(0)); err != nil || n != 0 {
			t.Errorf("PruneApplied = %d, %v; want 0", n, err)
		}
		if n, err := tx.DeleteSessions("cw1", ""); err != nil || n != 0 {
			t.Errorf("DeleteSessions = %d, %v; want 0", n, err)
		}
		return nil
	})
}

func testNotFound(t *testing.T, l app.Ledger) {
	// Something of every kind exists, so "not found" is about the key.
	update(t, l, func(tx app.LedgerTx) error {
		_, err := tx.PutRecord(rec("sag1", "cw1", 1))
		return errors.Join(err,
			tx.PutApplied(app.AppliedCommand{ID: "cmd1", At: at(0)}),
			tx.PutConflict(app.Conflict{ID: "k1", Sag: "sag1", Owner: "cw1", Created: at(0)}),
			tx.PutAccount(app.Account{ID: "cw1", Rolle: app.RoleCaseworker}),
			tx.PutDevice(app.Device{ID: "dev1", Account: "cw1"}),
			tx.PutSession(app.Session{Hash: []byte("h1"), Kind: app.SessionAccess, Account: "cw1", Device: "dev1"}),
			tx.PutMeta("k", []byte("v")))
	})
	cases := []struct {
		name string
		fn   func(tx app.LedgerTx) error
	}{
		{"Record", func(tx app.LedgerTx) error { _, err := tx.Record(app.RecordSag, "sag2"); return err }},
		{"Record of another kind", func(tx app.LedgerTx) error { _, err := tx.Record("virksomhed", "sag1"); return err }},
		{"Applied", func(tx app.LedgerTx) error { _, err := tx.Applied("cmd2"); return err }},
		{"Conflict", func(tx app.LedgerTx) error { _, err := tx.Conflict("k2"); return err }},
		{"DeleteConflict", func(tx app.LedgerTx) error { return tx.DeleteConflict("k2") }},
		{"Account", func(tx app.LedgerTx) error { _, err := tx.Account("cw2"); return err }},
		{"Device", func(tx app.LedgerTx) error { _, err := tx.Device("dev2"); return err }},
		{"Session", func(tx app.LedgerTx) error { _, err := tx.Session([]byte("h2")); return err }},
		{"Meta", func(tx app.LedgerTx) error { _, err := tx.Meta("other"); return err }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// In an Update too: fn's error comes back unchanged.
			for _, mode := range []string{"View", "Update"} {
				run := l.View
				if mode == "Update" {
					run = l.Update
				}
				var inner error
				err := run(func(tx app.LedgerTx) error { inner = c.fn(tx); return inner })
				if got := code(inner); got != app.CodeNotFound {
					t.Errorf("%s: code %q (%v), want %q", mode, got, inner, app.CodeNotFound)
				}
				if !errors.Is(err, inner) {
					t.Errorf("%s returned %v, want fn's error %v", mode, err, inner)
				}
			}
		})
	}
}

func testRecordRoundTrip(t *testing.T, l app.Ledger) {
	tests := []app.LedgerRecord{
		rec("sag1", "cw1", 1),
		{Kind: app.RecordSag, ID: "sag2", Version: 7, Data: json.RawMessage(`{"navn":"Ærø Åsen","x":[1,2,3]}`)}, // in nobody's scope
		{Kind: "virksomhed", ID: "v1", Version: 1, Owner: "cw1", Data: json.RawMessage(`{}`)},
		{Kind: app.RecordSag, ID: "sag3", Version: 2, Owner: "cw1"}, // no data
	}
	for _, r := range tests {
		t.Run(r.Kind+"/"+string(r.ID), func(t *testing.T) {
			seq := put(t, l, r)[0]
			want := r
			want.Seq = seq
			view(t, l, func(tx app.LedgerTx) error {
				got, err := tx.Record(r.Kind, r.ID)
				if err != nil {
					return err
				}
				same(t, "Record", got, want)
				return nil
			})
		})
	}
}

func testLogGapFree(t *testing.T, l app.Ledger) {
	var all []uint64
	for round, n := range []int{1, 3, 10} {
		before := head(t, l)
		var recs []app.LedgerRecord
		for i := range n {
			recs = append(recs, rec(app.ID(fmt.Sprintf("r%d-%d", round, i)), "cw1", 1))
		}
		seqs := put(t, l, recs...)
		for i, s := range seqs {
			if want := before.Seq + uint64(i) + 1; s != want {
				t.Errorf("round %d: PutRecord %d got position %d, want %d", round, i, s, want)
			}
		}
		after := head(t, l)
		if after.Seq != before.Seq+uint64(n) || after.Epoch != before.Epoch {
			t.Errorf("round %d: Head %v after %d puts from %v", round, after, n, before)
		}
		all = append(all, seqs...)
	}
	if !slices.IsSorted(all) || all[0] != 1 {
		t.Errorf("positions %v: want 1, 2, 3, …", all)
	}
	// A rewrite moves the record to the next position as well.
	if got, want := put(t, l, rec("r0-0", "cw1", 2))[0], all[len(all)-1]+1; got != want {
		t.Errorf("rewrite at %d, want %d", got, want)
	}
}

func testChangesSnapshot(t *testing.T, l app.Ledger) {
	var a []app.LedgerRecord
	var aSeqs []uint64
	for i := range 5 {
		r := rec(app.ID(fmt.Sprintf("a%d", i)), "cw1", int64(i+1))
		aSeqs = append(aSeqs, put(t, l, r, rec(app.ID(fmt.Sprintf("b%d", i)), "cw2", 1))[0])
		a = append(a, r)
	}
	put(t, l, rec("none", "", 1))
	var want []app.Record
	for i, r := range a {
		want = append(want, live(r, aSeqs[i]))
	}
	sameRecords(t, "Changes(cw1, 0)", changes(t, l, "cw1", 0, 100), want)
	if got := changes(t, l, "cw2", 0, 100); len(got) != 5 {
		t.Errorf("Changes(cw2, 0) has %d records, want 5", len(got))
	}
	if got := changes(t, l, "cw3", 0, 100); len(got) != 0 {
		t.Errorf("Changes of an owner with nothing = %s", showRecords(got))
	}
	// Paging with the last position of each page gives the same snapshot.
	for _, size := range []int{1, 2, 3, 5, 6} {
		var paged []app.Record
		var after uint64
		for range 10 {
			page := changes(t, l, "cw1", after, size)
			if len(page) > size {
				t.Fatalf("page of %d with limit %d", len(page), size)
			}
			if len(page) == 0 {
				break
			}
			paged = append(paged, page...)
			after = page[len(page)-1].Seq
		}
		sameRecords(t, fmt.Sprintf("paged by %d", size), paged, want)
	}
}

func testChangesIncremental(t *testing.T, l app.Ledger) {
	r1, r2, r3 := rec("s1", "cw1", 1), rec("s2", "cw1", 1), rec("s3", "cw1", 1)
	s := put(t, l, r1, r2)
	k := head(t, l).Seq
	if got := changes(t, l, "cw1", k, 10); len(got) != 0 {
		t.Errorf("Changes from the head = %s, want nothing", showRecords(got))
	}
	s3 := put(t, l, r3, rec("other", "cw2", 1))[0]
	sameRecords(t, "Changes after k", changes(t, l, "cw1", k, 10), []app.Record{live(r3, s3)})
	sameRecords(t, "Changes after the first", changes(t, l, "cw1", s[0], 10), []app.Record{live(r2, s[1]), live(r3, s3)})
}

func testChangedTwiceOnce(t *testing.T, l app.Ledger) {
	put(t, l, rec("s1", "cw1", 1), rec("s2", "cw1", 1))
	k := head(t, l).Seq
	put(t, l, rec("s1", "cw1", 2))
	put(t, l, rec("s2", "cw1", 2))
	latest := put(t, l, rec("s1", "cw1", 3))[0]
	// Twice in one Update, too.
	both := put(t, l, rec("s2", "cw1", 3), rec("s2", "cw1", 4))
	want := []app.Record{live(rec("s1", "cw1", 3), latest), live(rec("s2", "cw1", 4), both[1])}
	sameRecords(t, "snapshot", changes(t, l, "cw1", 0, 10), want)
	sameRecords(t, "incremental", changes(t, l, "cw1", k, 10), want)
	sameRecords(t, "from between the changes", changes(t, l, "cw1", latest, 10), want[1:])
}

func testReassignment(t *testing.T, l app.Ledger) {
	r := rec("s1", "cw1", 1)
	put(t, l, r, rec("keep", "cw1", 1))
	k1 := head(t, l).Seq

	moved := rec("s1", "cw2", 2)
	s2 := put(t, l, moved)[0]
	sameRecords(t, "old owner after k1", changes(t, l, "cw1", k1, 10), []app.Record{removed(moved, s2)})
	sameRecords(t, "new owner after k1", changes(t, l, "cw2", k1, 10), []app.Record{live(moved, s2)})
	for _, rs := range [][]app.Record{changes(t, l, "cw1", 0, 10)} {
		if len(rs) != 1 || rs[0].ID != "keep" || rs[0].Removed {
			t.Errorf("old owner's snapshot = %s, want only the record it keeps", showRecords(rs))
		}
	}
	k2 := head(t, l).Seq
	if got := changes(t, l, "cw1", k2, 10); len(got) != 0 {
		t.Errorf("old owner after the removal = %s, want nothing", showRecords(got))
	}
	// A change of the record in the new owner's scope is nothing to the old one.
	put(t, l, rec("s1", "cw2", 3))
	sameRecords(t, "old owner after k1, record changed again", changes(t, l, "cw1", k1, 10), []app.Record{removed(moved, s2)})

	// Back to the first owner: live again there, once; removed from the second.
	back := rec("s1", "cw1", 4)
	s3 := put(t, l, back)[0]
	sameRecords(t, "first owner after k1", changes(t, l, "cw1", k1, 10), []app.Record{live(back, s3)})
	sameRecords(t, "second owner after k2", changes(t, l, "cw2", k2, 10), []app.Record{removed(back, s3)})
	if got := changes(t, l, "cw2", 0, 10); len(got) != 0 {
		t.Errorf("second owner's snapshot = %s, want nothing", showRecords(got))
	}

	// Out of every scope: the owner sees a removal; nobody sees it live.
	gone := rec("s1", "", 5)
	s4 := put(t, l, gone)[0]
	sameRecords(t, "first owner after s3", changes(t, l, "cw1", s3, 10), []app.Record{removed(gone, s4)})
	view(t, l, func(tx app.LedgerTx) error {
		for _, owner := range []app.ID{"cw1", "cw2"} {
			ids, err := tx.Scope(owner, app.RecordSag)
			if err != nil {
				return err
			}
			if slices.Contains(ids, "s1") {
				t.Errorf("Scope(%s) still has s1", owner)
			}
		}
		got, err := tx.Record(app.RecordSag, "s1")
		if err != nil {
			return err
		}
		if got.Owner != "" || got.Seq != s4 {
			t.Errorf("Record = owner %q at %d, want nobody's at %d", got.Owner, got.Seq, s4)
		}
		return nil
	})
}

func testLimits(t *testing.T, l app.Ledger) {
	var want []app.Record
	for i := range 4 {
		r := rec(app.ID(fmt.Sprintf("s%d", i)), "cw1", 1)
		want = append(want, live(r, put(t, l, r)[0]))
	}
	for _, tc := range []struct {
		after uint64
		limit int
		want  []app.Record
	}{
		{0, 1, want[:1]},
		{0, 4, want},
		{0, 1000, want},
		{want[1].Seq, 1, want[2:3]},
		{want[3].Seq, 1, nil},
		{want[3].Seq + 100, 10, nil}, // a cursor beyond the head: nothing, no error
	} {
		sameRecords(t, fmt.Sprintf("after %d limit %d", tc.after, tc.limit), changes(t, l, "cw1", tc.after, tc.limit), tc.want)
	}
	for _, limit := range []int{0, -1} {
		err := l.View(func(tx app.LedgerTx) error { _, err := tx.Changes("cw1", 0, limit); return err })
		if code(err) != app.CodeInvalid {
			t.Errorf("Changes with limit %d: %v, want %s", limit, err, app.CodeInvalid)
		}
	}
}

func testScope(t *testing.T, l app.Ledger) {
	put(t, l,
		rec("s3", "cw1", 1), rec("s1", "cw1", 1), rec("s2", "cw2", 1),
		app.LedgerRecord{Kind: "virksomhed", ID: "v1", Version: 1, Owner: "cw1", Data: json.RawMessage(`{}`)},
		rec("s4", "cw1", 1))
	put(t, l, rec("s4", "cw2", 2)) // left cw1
	view(t, l, func(tx app.LedgerTx) error {
		for _, tc := range []struct {
			owner app.ID
			kind  string
			want  []app.ID
		}{
			{"cw1", app.RecordSag, []app.ID{"s1", "s3"}},
			{"cw1", "virksomhed", []app.ID{"v1"}},
			{"cw2", app.RecordSag, []app.ID{"s2", "s4"}},
			{"cw2", "virksomhed", nil},
			{"cw3", app.RecordSag, nil},
		} {
			got, err := tx.Scope(tc.owner, tc.kind)
			if err != nil {
				return err
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("Scope(%s, %s) = %v, want %v", tc.owner, tc.kind, got, tc.want)
			}
		}
		return nil
	})
}

var errBoom = errors.New("boom")

func testRollback(t *testing.T, l app.Ledger) {
	put(t, l, rec("s0", "cw1", 1))
	before := head(t, l)
	err := l.Update(func(tx app.LedgerTx) error {
		if _, err := tx.PutRecord(rec("s1", "cw1", 1)); err != nil {
			return err
		}
		if _, err := tx.PutRecord(rec("s0", "cw2", 2)); err != nil {
			return err
		}
		if _, err := tx.NewEpoch(); err != nil {
			return err
		}
		if _, err := tx.AppendAudit(app.LedgerAudit{Device: "dev1", Record: app.AuditRecord{Seq: 1, Sag: "s1"}}); err != nil {
			return err
		}
		return errors.Join(
			tx.PutApplied(app.AppliedCommand{ID: "cmd1", At: at(0)}),
			tx.PutConflict(app.Conflict{ID: "k1", Owner: "cw1", Created: at(0)}),
			tx.PutAccount(app.Account{ID: "cw9"}),
			tx.PutDevice(app.Device{ID: "dev9", Account: "cw9"}),
			tx.PutSession(app.Session{Hash: []byte("h"), Account: "cw9"}),
			tx.PutMeta("k", []byte("v")),
			fmt.Errorf("wrapped: %w", errBoom))
	})
	if !errors.Is(err, errBoom) {
		t.Fatalf("Update returned %v, want fn's error", err)
	}
	if got := head(t, l); got != before {
		t.Errorf("Head after a failed Update = %v, want %v", got, before)
	}
	view(t, l, func(tx app.LedgerTx) error {
		checks := map[string]error{}
		_, checks["Record s1"] = tx.Record(app.RecordSag, "s1")
		_, checks["Applied"] = tx.Applied("cmd1")
		_, checks["Conflict"] = tx.Conflict("k1")
		_, checks["Account"] = tx.Account("cw9")
		_, checks["Device"] = tx.Device("dev9")
		_, checks["Session"] = tx.Session([]byte("h"))
		_, checks["Meta"] = tx.Meta("k")
		for what, err := range checks {
			if code(err) != app.CodeNotFound {
				t.Errorf("%s after a failed Update: %v, want not found", what, err)
			}
		}
		if r, err := tx.Record(app.RecordSag, "s0"); err != nil || r.Owner != "cw1" || r.Version != 1 {
			t.Errorf("s0 after a failed Update = %+v, %v; want it unchanged", r, err)
		}
		if a, _ := tx.AuditFor("s1"); len(a) != 0 {
			t.Errorf("audit after a failed Update: %+v", a)
		}
		return nil
	})
	sameRecords(t, "cw2 after a failed Update", changes(t, l, "cw2", 0, 10), nil)
	// The next Update takes the position the failed one did not keep.
	if got, want := put(t, l, rec("s1", "cw1", 1))[0], before.Seq+1; got != want {
		t.Errorf("position after a failed Update = %d, want %d", got, want)
	}
	// The audit dedupe did not keep the failed upload either.
	update(t, l, func(tx app.LedgerTx) error {
		n, err := tx.AppendAudit(app.LedgerAudit{Device: "dev1", Record: app.AuditRecord{Seq: 1, Sag: "s1"}})
		if n != 1 {
			t.Errorf("AppendAudit after a failed Update = %d new, want 1", n)
		}
		return err
	})
}

func testConcurrentUpdates(t *testing.T, l app.Ledger) {
	const workers, each = 16, 8
	start := head(t, l)
	var mu sync.Mutex
	seqs := map[uint64]app.ID{}
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				id := app.ID(fmt.Sprintf("w%d-%d", w, i))
				var seq uint64
				err := l.Update(func(tx app.LedgerTx) error {
					s, err := tx.PutRecord(rec(id, "cw1", 1))
					if err != nil {
						return err
					}
					seq = s
					if err := tx.PutApplied(app.AppliedCommand{ID: "c-" + id, Sag: id, At: at(i)}); err != nil {
						return err
					}
					_, err = tx.AppendAudit(app.LedgerAudit{Device: app.ID(fmt.Sprintf("dev%d", w)), Record: app.AuditRecord{Seq: uint64(i + 1), Sag: id}})
					return err
				})
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				if other, dup := seqs[seq]; dup {
					errs <- fmt.Errorf("position %d given to %s and %s", seq, other, id)
				}
				seqs[seq] = id
				mu.Unlock()
			}
		})
	}
	// One Update that fails among them must not take the others down.
	wg.Go(func() {
		if err := l.Update(func(tx app.LedgerTx) error { _, _ = tx.PutRecord(rec("bad", "cw1", 1)); return errBoom }); !errors.Is(err, errBoom) {
			errs <- fmt.Errorf("failing Update returned %v", err)
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	n := workers * each
	if got := head(t, l); got.Seq != start.Seq+uint64(n) {
		t.Errorf("Head = %v after %d Updates from %v", got, n, start)
	}
	for s := start.Seq + 1; s <= start.Seq+uint64(n); s++ {
		if _, ok := seqs[s]; !ok {
			t.Errorf("no Update returned position %d", s)
		}
	}
	snap := changes(t, l, "cw1", 0, 10*n)
	if len(snap) != n {
		t.Errorf("snapshot has %d records, want %d", len(snap), n)
	}
	for _, r := range snap {
		if seqs[r.Seq] != r.ID {
			t.Errorf("snapshot has %s at %d, the Update returned %s", r.ID, r.Seq, seqs[r.Seq])
		}
	}
	view(t, l, func(tx app.LedgerTx) error {
		for _, id := range seqs {
			if a, err := tx.Applied("c-" + id); err != nil || a.Sag != id {
				t.Errorf("Applied(c-%s) = %+v, %v", id, a, err)
			}
			if a, err := tx.AuditFor(id); err != nil || len(a) != 1 {
				t.Errorf("AuditFor(%s) = %d records, %v; want exactly 1", id, len(a), err)
			}
		}
		return nil
	})
}

func testApplied(t *testing.T, l app.Ledger) {
	mk := func(id app.ID, min int) app.AppliedCommand {
		return app.AppliedCommand{
			ID: id, Sag: "sag1", Account: "cw1", Device: "dev1", Digest: []byte{1, 2, 3, byte(min)},
			Result: app.AckResult{Command: id, Status: app.AckRejected, Version: 4, At: at(min),
				Error: app.Errorf(app.CodeRule, "4405", "rule.4405")},
			At: at(min),
		}
	}
	cmds := []app.AppliedCommand{mk("c1", 0), mk("c2", 10), mk("c3", 20), mk("c4", -10)}
	update(t, l, func(tx app.LedgerTx) error {
		for _, a := range cmds {
			if err := tx.PutApplied(a); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, l, func(tx app.LedgerTx) error {
		for _, want := range cmds {
			got, err := tx.Applied(want.ID)
			if err != nil {
				return err
			}
			same(t, "Applied("+string(want.ID)+")", got, want)
		}
		return nil
	})
	// c1 is answered again later: its new time counts for pruning.
	update(t, l, func(tx app.LedgerTx) error { return tx.PutApplied(mk("c1", 30)) })
	prune := func(before time.Time) int {
		var n int
		update(t, l, func(tx app.LedgerTx) (err error) { n, err = tx.PruneApplied(before); return err })
		return n
	}
	if n := prune(at(10)); n != 1 { // c4 (-10); c2 at 10 is not before 10
		t.Errorf("PruneApplied(at 10) = %d, want 1", n)
	}
	if n := prune(at(10)); n != 0 {
		t.Errorf("PruneApplied again = %d, want 0", n)
	}
	if n := prune(at(25)); n != 2 { // c2, c3
		t.Errorf("PruneApplied(at 25) = %d, want 2", n)
	}
	view(t, l, func(tx app.LedgerTx) error {
		for id, want := range map[app.ID]bool{"c1": true, "c2": false, "c3": false, "c4": false} {
			_, err := tx.Applied(id)
			if have := err == nil; have != want {
				t.Errorf("after pruning, Applied(%s) = %v, want kept=%v", id, err, want)
			} else if !have && code(err) != app.CodeNotFound {
				t.Errorf("Applied(%s) = %v, want not found", id, err)
			}
		}
		return nil
	})
}

func testConflicts(t *testing.T, l app.Ledger) {
	mk := func(id, owner app.ID, min int) app.Conflict {
		return app.Conflict{
			ID: id, Sag: "sag1", Field: "kontaktgruppe", Policy: "protected", Owner: owner, Created: at(min),
			Base:   app.ConflictSide{Value: json.RawMessage(`2`), Version: 3},
			Mine:   app.ConflictSide{Value: json.RawMessage(`3`), Version: 3, Command: "cmd1", Author: app.Actor{Rolle: app.RoleCaseworker, ID: "cw1"}, Device: "dev1", HLC: app.HLC{Wall: 1776157200000, Logical: 2, Device: "dev1"}, At: at(min - 5)},
			Theirs: app.ConflictSide{Value: json.RawMessage(`1`), Version: 4, Command: "cmd0", Author: app.Actor{Rolle: app.RoleCaseworker, ID: "cw2"}, Device: "dev2", At: at(min - 7)},
		}
	}
	ks := []app.Conflict{mk("k1", "cw1", 20), mk("k2", "cw2", 10), mk("k3", "cw1", 5), mk("k4", "cw1", 30), mk("k5", "", 1)}
	update(t, l, func(tx app.LedgerTx) error {
		for _, c := range ks {
			if err := tx.PutConflict(c); err != nil {
				return err
			}
		}
		return nil
	})
	list := func(owner app.ID) []app.ID {
		var ids []app.ID
		view(t, l, func(tx app.LedgerTx) error {
			cs, err := tx.Conflicts(owner)
			for _, c := range cs {
				ids = append(ids, c.ID)
			}
			return err
		})
		return ids
	}
	view(t, l, func(tx app.LedgerTx) error {
		got, err := tx.Conflict("k1")
		same(t, "Conflict(k1)", got, ks[0])
		return err
	})
	for _, tc := range []struct {
		owner app.ID
		want  []app.ID
	}{
		{"cw1", []app.ID{"k3", "k1", "k4"}},
		{"cw2", []app.ID{"k2"}},
		{"cw3", nil},
		{"", []app.ID{"k5", "k3", "k2", "k1", "k4"}},
	} {
		if got := list(tc.owner); !slices.Equal(got, tc.want) {
			t.Errorf("Conflicts(%q) = %v, want %v (oldest first)", tc.owner, got, tc.want)
		}
	}
	// Rerouting moves it; deleting closes it.
	update(t, l, func(tx app.LedgerTx) error {
		k := ks[0]
		k.Owner = "cw2"
		return errors.Join(tx.PutConflict(k), tx.DeleteConflict("k3"))
	})
	if got, want := list("cw1"), []app.ID{"k4"}; !slices.Equal(got, want) {
		t.Errorf("Conflicts(cw1) after reroute and delete = %v, want %v", got, want)
	}
	if got, want := list("cw2"), []app.ID{"k2", "k1"}; !slices.Equal(got, want) {
		t.Errorf("Conflicts(cw2) after reroute = %v, want %v", got, want)
	}
	err := l.Update(func(tx app.LedgerTx) error { return tx.DeleteConflict("k3") })
	if code(err) != app.CodeNotFound {
		t.Errorf("deleting a closed conflict: %v, want not found", err)
	}
}

func testAudit(t *testing.T, l app.Ledger) {
	up := func(dev app.ID, seq uint64, sag app.ID, sager ...app.ID) app.LedgerAudit {
		return app.LedgerAudit{Device: dev, Record: app.AuditRecord{
			Seq: seq, At: at(int(seq)), Actor: app.Actor{Rolle: app.RoleCaseworker, ID: "cw1"},
			Action: app.ActionViewed, Sag: sag, Sager: sager, Prev: []byte{byte(seq)}, Hash: []byte{byte(seq), 1},
		}}
	}
	appendAudit := func(recs ...app.LedgerAudit) int {
		t.Helper()
		var n int
		update(t, l, func(tx app.LedgerTx) (err error) { n, err = tx.AppendAudit(recs...); return err })
		return n
	}
	search := up("dev1", 3, "", "sag1", "sag2")
	search.Record.Action, search.Record.Kind, search.Record.Hits = app.ActionSearched, "navn", 2
	server := app.LedgerAudit{Record: app.AuditRecord{At: at(9), Action: app.ActionChanged, Sag: "sag1", Command: "cmd1"},
		Field: "kontaktgruppe", Overwritten: json.RawMessage(`2`)}

	for _, tc := range []struct {
		name string
		recs []app.LedgerAudit
		want int
	}{
		{"first upload", []app.LedgerAudit{up("dev1", 1, "sag1"), up("dev1", 2, "sag2"), search}, 3},
		{"overlapping upload", []app.LedgerAudit{up("dev1", 2, "sag2"), search, up("dev1", 4, "sag1", "sag1")}, 1},
		{"same seq from another device", []app.LedgerAudit{up("dev2", 1, "sag1")}, 1},
		{"duplicate inside one call", []app.LedgerAudit{up("dev2", 2, "sag3"), up("dev2", 2, "sag3")}, 1},
		{"server-written, never deduplicated", []app.LedgerAudit{server, server}, 2},
	} {
		if got := appendAudit(tc.recs...); got != tc.want {
			t.Errorf("%s: AppendAudit = %d new, want %d", tc.name, got, tc.want)
		}
	}
	forSag := func(id app.ID) []app.LedgerAudit {
		var out []app.LedgerAudit
		view(t, l, func(tx app.LedgerTx) (err error) { out, err = tx.AuditFor(id); return err })
		return out
	}
	type key struct {
		dev app.ID
		seq uint64
	}
	keys := func(as []app.LedgerAudit) []key {
		var ks []key
		for _, a := range as {
			ks = append(ks, key{a.Device, a.Record.Seq})
		}
		return ks
	}
	got1 := forSag("sag1")
	want1 := []key{{"dev1", 1}, {"dev1", 3}, {"dev1", 4}, {"dev2", 1}, {"", 0}, {"", 0}}
	if !slices.Equal(keys(got1), want1) {
		t.Errorf("AuditFor(sag1) = %v, want %v (ledger order; a search through Sager; once per record)", keys(got1), want1)
	}
	for i := 1; i < len(got1); i++ {
		if got1[i].Seq <= got1[i-1].Seq {
			t.Errorf("audit positions not increasing: %d after %d", got1[i].Seq, got1[i-1].Seq)
		}
	}
	if len(got1) == 6 {
		same(t, "the search record", got1[1].Record, search.Record)
		if got1[4].Field != "kontaktgruppe" || string(got1[4].Overwritten) != "2" {
			t.Errorf("server record = %+v, want the overwritten value kept", got1[4])
		}
	}
	if got, want := keys(forSag("sag2")), []key{{"dev1", 2}, {"dev1", 3}}; !slices.Equal(got, want) {
		t.Errorf("AuditFor(sag2) = %v, want %v", got, want)
	}
	if got := forSag("sag9"); len(got) != 0 {
		t.Errorf("AuditFor(sag9) = %v, want nothing", got)
	}
}

// testPruneSessions: sessions that expired before t go, with their
// account index (DeleteSessions no longer counts them); the rest stay.
func testPruneSessions(t *testing.T, l app.Ledger) {
	mk := func(h string, account, device app.ID, expires int) app.Session {
		return app.Session{Hash: []byte(h), Kind: app.SessionAccess, Account: account, Device: device, Issued: at(0), Expires: at(expires)}
	}
	ss := []app.Session{mk("e1", "cw1", "dev1", 10), mk("e2", "cw1", "dev2", 20), mk("e3", "cw2", "dev3", 30), mk("e4", "cw1", "dev1", 40)}
	update(t, l, func(tx app.LedgerTx) error {
		for _, s := range ss {
			if err := tx.PutSession(s); err != nil {
				return err
			}
		}
		return nil
	})
	prune := func(before time.Time) int {
		var n int
		update(t, l, func(tx app.LedgerTx) (err error) { n, err = tx.PruneSessions(before); return err })
		return n
	}
	if n := prune(at(0)); n != 0 {
		t.Errorf("PruneSessions(at 0) = %d, want 0", n)
	}
	if n := prune(at(20)); n != 1 { // e1; e2 expires at 20, not before it
		t.Errorf("PruneSessions(at 20) = %d, want 1", n)
	}
	if n := prune(at(31)); n != 2 { // e2, e3
		t.Errorf("PruneSessions(at 31) = %d, want 2", n)
	}
	view(t, l, func(tx app.LedgerTx) error {
		for h, want := range map[string]bool{"e1": false, "e2": false, "e3": false, "e4": true} {
			s, err := tx.Session([]byte(h))
			switch {
			case want && err != nil:
				t.Errorf("Session(%s) = %v, want kept", h, err)
			case want:
				same(t, "Session("+h+")", s, ss[3])
			case code(err) != app.CodeNotFound:
				t.Errorf("Session(%s) after pruning = %v, want not found", h, err)
			}
		}
		return nil
	})
	var n1, n2 int
	update(t, l, func(tx app.LedgerTx) (err error) {
		if n1, err = tx.DeleteSessions("cw1", ""); err != nil {
			return err
		}
		n2, err = tx.DeleteSessions("cw2", "")
		return err
	})
	if n1 != 1 || n2 != 0 {
		t.Errorf("DeleteSessions after pruning: cw1 %d, cw2 %d; want 1 (e4) and 0: pruning removes the index entries too", n1, n2)
	}
}

func testSessions(t *testing.T, l app.Ledger) {
	mk := func(h string, kind string, account, device app.ID) app.Session {
		return app.Session{Hash: []byte(h), Kind: kind, Account: account, Device: device, Issued: at(0), Expires: at(60)}
	}
	ss := []app.Session{
		mk("a1", app.SessionAccess, "cw1", "dev1"), mk("r1", app.SessionRefresh, "cw1", "dev1"),
		mk("a2", app.SessionAccess, "cw1", "dev2"), mk("a3", app.SessionAccess, "cw2", "dev3"),
	}
	update(t, l, func(tx app.LedgerTx) error {
		for _, s := range ss {
			if err := tx.PutSession(s); err != nil {
				return err
			}
		}
		return nil
	})
	has := func(h string) bool {
		var ok bool
		view(t, l, func(tx app.LedgerTx) error {
			s, err := tx.Session([]byte(h))
			if err == nil {
				ok = true
				for _, want := range ss {
					if string(want.Hash) == h {
						same(t, "Session("+h+")", s, want)
					}
				}
				return nil
			}
			if code(err) != app.CodeNotFound {
				return err
			}
			return nil
		})
		return ok
	}
	for _, s := range ss {
		if !has(string(s.Hash)) {
			t.Errorf("Session(%s) not found", s.Hash)
		}
	}
	del := func(account, device app.ID) int {
		var n int
		update(t, l, func(tx app.LedgerTx) (err error) { n, err = tx.DeleteSessions(account, device); return err })
		return n
	}
	if n := del("cw1", "dev1"); n != 2 {
		t.Errorf("DeleteSessions(cw1, dev1) = %d, want 2", n)
	}
	if has("a1") || has("r1") || !has("a2") || !has("a3") {
		t.Errorf("after DeleteSessions(cw1, dev1): a1 %v r1 %v a2 %v a3 %v; want only a2 and a3", has("a1"), has("r1"), has("a2"), has("a3"))
	}
	if n := del("cw1", "dev3"); n != 0 { // dev3 is cw2's
		t.Errorf("DeleteSessions(cw1, dev3) = %d, want 0", n)
	}
	update(t, l, func(tx app.LedgerTx) error { return tx.PutSession(mk("a4", app.SessionAccess, "cw1", "dev1")) })
	if n := del("cw1", ""); n != 2 {
		t.Errorf("DeleteSessions(cw1, every device) = %d, want 2", n)
	}
	if has("a2") || has("a4") || !has("a3") {
		t.Errorf("after DeleteSessions(cw1): a2 %v a4 %v a3 %v; want only a3", has("a2"), has("a4"), has("a3"))
	}
}

func testAccountsDevices(t *testing.T, l app.Ledger) {
	accs := []app.Account{
		{ID: "cw2", Navn: "Bo Berg", Rolle: app.RoleCaseworker, Password: "$argon2id$v=19$m=65536,t=3,p=2$c2FsdA$aGFzaA", Created: at(0), Changed: at(0)},
		{ID: "admin", Navn: "Ada Admin", Rolle: app.RoleAdmin, Password: "$argon2id$x", Created: at(1), Changed: at(2)},
		{ID: "cw1", Navn: "Åse Ødum", Rolle: app.RoleCaseworker, Password: "$argon2id$y", Disabled: true, Created: at(3), Changed: at(4)},
	}
	devs := []app.Device{
		{ID: "dev2", Account: "cw1", Navn: "laptop-2", Created: at(0)},
		{ID: "dev1", Account: "cw1", Navn: "laptop-1", Created: at(0), Revoked: at(9), LastSeen: at(8), SkewFlagged: true, PushSeq: 42, AuditSeq: 7, AuditHash: []byte{7, 7}},
		{ID: "dev3", Account: "cw2", Created: at(1)},
	}
	update(t, l, func(tx app.LedgerTx) error {
		for _, a := range accs {
			if err := tx.PutAccount(a); err != nil {
				return err
			}
		}
		for _, d := range devs {
			if err := tx.PutDevice(d); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, l, func(tx app.LedgerTx) error {
		got, err := tx.Accounts()
		if err != nil {
			return err
		}
		same(t, "Accounts (id order)", got, []app.Account{accs[1], accs[2], accs[0]})
		a, err := tx.Account("cw1")
		same(t, "Account(cw1)", a, accs[2])
		if err != nil {
			return err
		}
		d, err := tx.Device("dev1")
		same(t, "Device(dev1)", d, devs[1])
		if err != nil {
			return err
		}
		ds, err := tx.Devices("cw1")
		same(t, "Devices(cw1) (id order)", ds, []app.Device{devs[1], devs[0]})
		return err
	})
	// An update replaces; a device that changes account leaves the old list.
	update(t, l, func(tx app.LedgerTx) error {
		a := accs[2]
		a.Disabled, a.Changed = false, at(50)
		d := devs[0]
		d.Account = "cw2"
		return errors.Join(tx.PutAccount(a), tx.PutDevice(d))
	})
	view(t, l, func(tx app.LedgerTx) error {
		if a, err := tx.Account("cw1"); err != nil || a.Disabled || !a.Changed.Equal(at(50)) {
			t.Errorf("Account(cw1) after update = %+v, %v", a, err)
		}
		for owner, want := range map[app.ID][]app.ID{"cw1": {"dev1"}, "cw2": {"dev2", "dev3"}} {
			ds, err := tx.Devices(owner)
			if err != nil {
				return err
			}
			var ids []app.ID
			for _, d := range ds {
				ids = append(ids, d.ID)
			}
			if !slices.Equal(ids, want) {
				t.Errorf("Devices(%s) = %v, want %v", owner, ids, want)
			}
		}
		return nil
	})
}

func testMeta(t *testing.T, l app.Ledger) {
	key := []byte{0, 1, 2, 255}
	update(t, l, func(tx app.LedgerTx) error {
		return errors.Join(tx.PutMeta("server_key", key), tx.PutMeta("demo", []byte("1")), tx.PutMeta("empty", []byte{}))
	})
	update(t, l, func(tx app.LedgerTx) error { return tx.PutMeta("demo", []byte("0")) })
	view(t, l, func(tx app.LedgerTx) error {
		for k, want := range map[string][]byte{"server_key": key, "demo": []byte("0"), "empty": nil} {
			got, err := tx.Meta(k)
			if err != nil {
				return fmt.Errorf("Meta(%s): %w", k, err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Meta(%s) = %v, want %v", k, got, want)
			}
		}
		return nil
	})
}

func testNewEpoch(t *testing.T, l app.Ledger) {
	put(t, l, rec("s1", "cw1", 1), rec("s2", "cw1", 1))
	before := head(t, l)
	snap := changes(t, l, "cw1", 0, 10)
	seen := map[uint64]bool{before.Epoch: true}
	for i := range 3 {
		var got app.Cursor
		update(t, l, func(tx app.LedgerTx) (err error) { got, err = tx.NewEpoch(); return err })
		if got.Epoch == 0 || seen[got.Epoch] {
			t.Errorf("NewEpoch %d = %v: an epoch seen before (%v)", i, got, seen)
		}
		seen[got.Epoch] = true
		if got.Seq != before.Seq {
			t.Errorf("NewEpoch moved the position: %v, was %v", got, before)
		}
		if h := head(t, l); h != got {
			t.Errorf("Head = %v after NewEpoch returned %v", h, got)
		}
	}
	sameRecords(t, "snapshot after NewEpoch", changes(t, l, "cw1", 0, 10), snap)
	if got, want := put(t, l, rec("s3", "cw1", 1))[0], before.Seq+1; got != want {
		t.Errorf("position after NewEpoch = %d, want %d", got, want)
	}
}

// testValuesOutliveTx: a value read in a transaction is the caller's: it
// does not change when the ledger writes more, and changing it changes
// nothing stored (an implementation over memory-mapped pages must copy).
func testValuesOutliveTx(t *testing.T, l app.Ledger) {
	r := rec("s1", "cw1", 1)
	update(t, l, func(tx app.LedgerTx) error {
		_, err := tx.PutRecord(r)
		return errors.Join(err, tx.PutMeta("m", []byte("value-1")),
			tx.PutSession(app.Session{Hash: []byte("hash-1"), Account: "cw1", Expires: at(1)}))
	})
	var got app.LedgerRecord
	var ch []app.Record
	var meta []byte
	var sess app.Session
	view(t, l, func(tx app.LedgerTx) (err error) {
		got, err = tx.Record(app.RecordSag, "s1")
		if err != nil {
			return err
		}
		if ch, err = tx.Changes("cw1", 0, 10); err != nil {
			return err
		}
		if meta, err = tx.Meta("m"); err != nil {
			return err
		}
		sess, err = tx.Session([]byte("hash-1"))
		return err
	})
	// Changing a returned value changes nothing stored, in the same
	// transaction or later.
	update(t, l, func(tx app.LedgerTx) error {
		if err := tx.PutMeta("w", []byte("stored")); err != nil {
			return err
		}
		v, err := tx.Meta("w")
		if err != nil {
			return err
		}
		v[0] = 'X'
		if v, err = tx.Meta("w"); err != nil || string(v) != "stored" {
			t.Errorf("Meta after changing what it returned = %q, %v; want \"stored\"", v, err)
		}
		r, err := tx.Record(app.RecordSag, "s1")
		if err != nil {
			return err
		}
		r.Data[0] = 'X'
		if r, err = tx.Record(app.RecordSag, "s1"); err != nil || string(r.Data) != string(rec("s1", "cw1", 1).Data) {
			t.Errorf("Record after changing what it returned = %s, %v", r.Data, err)
		}
		return nil
	})
	for i := range 30 { // writes that may reuse the pages the values were read from
		big := bytes.Repeat([]byte{'x'}, 1000)
		update(t, l, func(tx app.LedgerTx) error {
			_, err := tx.PutRecord(app.LedgerRecord{Kind: app.RecordSag, ID: "s1", Version: int64(i + 2), Owner: "cw1", Data: json.RawMessage(`"` + string(big) + `"`)})
			return errors.Join(err, tx.PutMeta("m", big), tx.PutMeta(fmt.Sprintf("n%d", i), big))
		})
	}
	if string(got.Data) != string(r.Data) || len(ch) != 1 || string(ch[0].Data) != string(r.Data) {
		t.Errorf("record data changed after its transaction: %s / %s", got.Data, showRecords(ch))
	}
	if string(meta) != "value-1" || string(sess.Hash) != "hash-1" {
		t.Errorf("meta %q, session hash %q changed after their transaction", meta, sess.Hash)
	}
}

// testInvalid: malformed input is refused with CodeInvalid and writes
// nothing.
func testInvalid(t *testing.T, l app.Ledger) {
	for _, tc := range []struct {
		name string
		fn   func(tx app.LedgerTx) error
	}{
		{"record without kind", func(tx app.LedgerTx) error { _, err := tx.PutRecord(app.LedgerRecord{ID: "s1"}); return err }},
		{"record without id", func(tx app.LedgerTx) error { _, err := tx.PutRecord(app.LedgerRecord{Kind: app.RecordSag}); return err }},
		{"record kind with a separator", func(tx app.LedgerTx) error {
			_, err := tx.PutRecord(app.LedgerRecord{Kind: "sag\x00x", ID: "s1"})
			return err
		}},
		{"record id shaped like a CPR number", func(tx app.LedgerTx) error {
			_, err := tx.PutRecord(rec("0101011234", "cw1", 1))
			return err
		}},
		{"reader id empty", func(tx app.LedgerTx) error {
			_, err := tx.PutRecord(company("v1", "cw1", 1, "cw2", ""))
			return err
		}},
		{"reader id in upper case", func(tx app.LedgerTx) error {
			_, err := tx.PutRecord(company("v1", "cw1", 1, "CW2"))
			return err
		}},
		{"reader id shaped like a CPR number", func(tx app.LedgerTx) error {
			_, err := tx.PutRecord(company("v1", "", 1, "cw2", "0101011234"))
			return err
		}},
		{"applied without id", func(tx app.LedgerTx) error { return tx.PutApplied(app.AppliedCommand{}) }},
		{"conflict without id", func(tx app.LedgerTx) error { return tx.PutConflict(app.Conflict{Owner: "cw1"}) }},
		{"account without id", func(tx app.LedgerTx) error { return tx.PutAccount(app.Account{Navn: "x"}) }},
		{"device without account", func(tx app.LedgerTx) error { return tx.PutDevice(app.Device{ID: "dev1"}) }},
		{"session without hash", func(tx app.LedgerTx) error { return tx.PutSession(app.Session{Account: "cw1"}) }},
		{"meta without key", func(tx app.LedgerTx) error { return tx.PutMeta("", []byte("v")) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := head(t, l)
			err := l.Update(tc.fn)
			if code(err) != app.CodeInvalid {
				t.Errorf("got %v, want %s", err, app.CodeInvalid)
			}
			if h := head(t, l); h != before {
				t.Errorf("Head moved to %v", h)
			}
		})
	}
}
