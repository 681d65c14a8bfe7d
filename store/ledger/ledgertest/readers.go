package ledgertest

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"

	"feltsag.dk/feltsag/app"
)

// Shared scope: a record is in the scope of {Owner} ∪ Readers (a company's
// team, the caseworkers whose citizens are placed there), and each member
// gets what an owner gets: the record live in Changes and Scope, a removal
// at the position where it left the set.

// company is a company record owned by owner and read by readers.
func company(id, owner app.ID, version int64, readers ...app.ID) app.LedgerRecord {
	return app.LedgerRecord{Kind: app.RecordVirksomhed, ID: id, Version: version, Owner: owner, Readers: readers, Data: data(id, version)}
}

func scopeOf(t *testing.T, l app.Ledger, member app.ID, kind string) []app.ID {
	t.Helper()
	var ids []app.ID
	view(t, l, func(tx app.LedgerTx) (err error) { ids, err = tx.Scope(member, kind); return err })
	return ids
}

func recordOf(t *testing.T, l app.Ledger, kind string, id app.ID) app.LedgerRecord {
	t.Helper()
	var r app.LedgerRecord
	view(t, l, func(tx app.LedgerTx) (err error) { r, err = tx.Record(kind, id); return err })
	return r
}

// sameReaders compares a record's readers with want; none is nil.
func sameReaders(t *testing.T, what string, got, want []app.ID) {
	t.Helper()
	if !slices.Equal(got, want) || (got == nil) != (want == nil) {
		t.Errorf("%s: Readers = %#v, want %#v", what, got, want)
	}
}

// testReaderScope: a reader sees the record in Changes, from 0 and after
// a position, and in Scope, like its owner; others do not.
func testReaderScope(t *testing.T, l app.Ledger) {
	s := put(t, l,
		rec("s1", "cw2", 1),                   // cw2's own case
		company("v1", "cw1", 1, "cw3", "cw2"), // cw2 and cw3 read it
		company("v2", "", 1, "cw2"),           // nobody owns it; cw2 reads it
		rec("s2", "cw1", 1))
	v1, v2 := company("v1", "cw1", 1, "cw2", "cw3"), company("v2", "", 1, "cw2")
	sameRecords(t, "reader cw2 from 0", changes(t, l, "cw2", 0, 10),
		[]app.Record{live(rec("s1", "cw2", 1), s[0]), live(v1, s[1]), live(v2, s[2])})
	sameRecords(t, "reader cw3 from 0", changes(t, l, "cw3", 0, 10), []app.Record{live(v1, s[1])})
	sameRecords(t, "owner cw1 from 0", changes(t, l, "cw1", 0, 10), []app.Record{live(v1, s[1]), live(rec("s2", "cw1", 1), s[3])})
	sameRecords(t, "cw4, neither owner nor reader", changes(t, l, "cw4", 0, 10), nil)
	for _, tc := range []struct {
		member app.ID
		kind   string
		want   []app.ID
	}{
		{"cw2", app.RecordVirksomhed, []app.ID{"v1", "v2"}},
		{"cw2", app.RecordSag, []app.ID{"s1"}},
		{"cw3", app.RecordVirksomhed, []app.ID{"v1"}},
		{"cw3", app.RecordSag, nil},
		{"cw1", app.RecordVirksomhed, []app.ID{"v1"}},
		{"cw4", app.RecordVirksomhed, nil},
	} {
		if got := scopeOf(t, l, tc.member, tc.kind); !slices.Equal(got, tc.want) {
			t.Errorf("Scope(%s, %s) = %v, want %v", tc.member, tc.kind, got, tc.want)
		}
	}
	r := recordOf(t, l, app.RecordVirksomhed, "v2")
	if r.Owner != "" {
		t.Errorf("v2's owner = %q, want nobody", r.Owner)
	}
	sameReaders(t, "v2", r.Readers, []app.ID{"cw2"})

	// A change reaches every reader incrementally, once.
	k := head(t, l).Seq
	v1b := company("v1", "cw1", 2, "cw2", "cw3")
	s2 := put(t, l, v1b)[0]
	for _, m := range []app.ID{"cw1", "cw2", "cw3"} {
		sameRecords(t, "after k for "+string(m), changes(t, l, m, k, 10), []app.Record{live(v1b, s2)})
	}
	sameRecords(t, "paged by 1 for cw2", changes(t, l, "cw2", s[0], 1), []app.Record{live(v2, s[2])})
}

// testReaderDropped: a reader dropped from the set gets a removal at the
// write's position (not in a snapshot from 0), nothing for later changes,
// and the record live again, once, when it is added back.
func testReaderDropped(t *testing.T, l app.Ledger) {
	put(t, l, company("v1", "cw1", 1, "cw2", "cw3"))
	k1 := head(t, l).Seq
	v2 := company("v1", "cw1", 2, "cw3")
	s2 := put(t, l, v2)[0]
	sameRecords(t, "dropped cw2 after k1", changes(t, l, "cw2", k1, 10), []app.Record{removed(v2, s2)})
	sameRecords(t, "dropped cw2 from 0", changes(t, l, "cw2", 0, 10), nil)
	sameRecords(t, "kept cw3 after k1", changes(t, l, "cw3", k1, 10), []app.Record{live(v2, s2)})
	sameRecords(t, "owner after k1", changes(t, l, "cw1", k1, 10), []app.Record{live(v2, s2)})
	if got := scopeOf(t, l, "cw2", app.RecordVirksomhed); len(got) != 0 {
		t.Errorf("Scope(cw2) = %v after cw2 was dropped", got)
	}
	sameReaders(t, "after the drop", recordOf(t, l, app.RecordVirksomhed, "v1").Readers, []app.ID{"cw3"})

	// A drop in an Update that fails leaves no trace.
	before := head(t, l)
	err := l.Update(func(tx app.LedgerTx) error {
		if _, err := tx.PutRecord(company("v1", "cw1", 9)); err != nil {
			return err
		}
		return errBoom
	})
	if !errors.Is(err, errBoom) {
		t.Fatalf("failing Update returned %v", err)
	}
	if h := head(t, l); h != before {
		t.Errorf("Head after a failed Update = %v, want %v", h, before)
	}
	sameRecords(t, "cw3 after a failed drop", changes(t, l, "cw3", k1, 10), []app.Record{live(v2, s2)})
	sameReaders(t, "after a failed drop", recordOf(t, l, app.RecordVirksomhed, "v1").Readers, []app.ID{"cw3"})

	// Later changes are nothing to the dropped reader.
	put(t, l, company("v1", "cw1", 3, "cw3"))
	sameRecords(t, "dropped cw2 after k1, record changed again", changes(t, l, "cw2", k1, 10), []app.Record{removed(v2, s2)})

	// Added back: live again there, once.
	v4 := company("v1", "cw1", 4, "cw2", "cw3")
	s4 := put(t, l, v4)[0]
	sameRecords(t, "cw2 added back, after k1", changes(t, l, "cw2", k1, 10), []app.Record{live(v4, s4)})
	sameRecords(t, "cw2 added back, from 0", changes(t, l, "cw2", 0, 10), []app.Record{live(v4, s4)})

	// Every reader dropped at once, the owner kept.
	v5 := company("v1", "cw1", 5)
	s5 := put(t, l, v5)[0]
	for _, m := range []app.ID{"cw2", "cw3"} {
		sameRecords(t, "all readers dropped, "+string(m), changes(t, l, m, s4, 10), []app.Record{removed(v5, s5)})
	}
	sameRecords(t, "all readers dropped, owner", changes(t, l, "cw1", s4, 10), []app.Record{live(v5, s5)})
	sameReaders(t, "no readers left", recordOf(t, l, app.RecordVirksomhed, "v1").Readers, nil)

	// Out of every scope: owner and readers see a removal, nobody sees it live.
	put(t, l, company("v1", "cw1", 6, "cw2"))
	k6 := head(t, l).Seq
	gone := company("v1", "", 7)
	s7 := put(t, l, gone)[0]
	for _, m := range []app.ID{"cw1", "cw2"} {
		sameRecords(t, "out of every scope, "+string(m), changes(t, l, m, k6, 10), []app.Record{removed(gone, s7)})
		sameRecords(t, "out of every scope, snapshot of "+string(m), changes(t, l, m, 0, 10), nil)
	}
	sameRecords(t, "cw3, dropped before", changes(t, l, "cw3", k6, 10), nil)
}

// testReaderOwnerSwap: owner and reader changing places keeps both live
// with no removal; a member who leaves both roles gets one.
func testReaderOwnerSwap(t *testing.T, l app.Ledger) {
	put(t, l, company("v1", "cw1", 1, "cw2"))
	k := head(t, l).Seq
	swapped := company("v1", "cw2", 2, "cw1")
	s2 := put(t, l, swapped)[0]
	for _, m := range []app.ID{"cw1", "cw2"} {
		sameRecords(t, "swapped, "+string(m), changes(t, l, m, k, 10), []app.Record{live(swapped, s2)})
	}
	r := recordOf(t, l, app.RecordVirksomhed, "v1")
	if r.Owner != "cw2" {
		t.Errorf("owner after the swap = %q, want cw2", r.Owner)
	}
	sameReaders(t, "after the swap", r.Readers, []app.ID{"cw1"})

	// A new owner; the old one leaves both roles, the reader stays.
	v3 := company("v1", "cw3", 3, "cw1")
	s3 := put(t, l, v3)[0]
	sameRecords(t, "old owner cw2 gone", changes(t, l, "cw2", s2, 10), []app.Record{removed(v3, s3)})
	sameRecords(t, "reader cw1 stays", changes(t, l, "cw1", s2, 10), []app.Record{live(v3, s3)})
	sameRecords(t, "new owner cw3", changes(t, l, "cw3", s2, 10), []app.Record{live(v3, s3)})

	// Two writes in one Update: each member's entry is where it last
	// changed (cw3 left at the first write, cw1 at the second).
	v4, v5 := company("v1", "cw1", 4, "cw2"), company("v1", "cw2", 5)
	both := put(t, l, v4, v5)
	sameRecords(t, "cw1 after two writes", changes(t, l, "cw1", s3, 10), []app.Record{removed(v5, both[1])})
	sameRecords(t, "cw2 after two writes", changes(t, l, "cw2", s3, 10), []app.Record{live(v5, both[1])})
	sameRecords(t, "cw3 after two writes", changes(t, l, "cw3", s3, 10), []app.Record{removed(v4, both[0])})
	if got := scopeOf(t, l, "cw1", app.RecordVirksomhed); len(got) != 0 {
		t.Errorf("Scope(cw1) = %v, want nothing", got)
	}
}

// testReaderIsOwner: readers are stored normalised (sorted, once, never
// the owner), so the owner holds the record once, and naming the owner
// among the readers changes nothing.
func testReaderIsOwner(t *testing.T, l app.Ledger) {
	v1 := company("v1", "cw1", 1, "cw3", "cw1", "cw2", "cw3")
	s1 := put(t, l, v1)[0]
	sameReaders(t, "normalised", recordOf(t, l, app.RecordVirksomhed, "v1").Readers, []app.ID{"cw2", "cw3"})
	for _, m := range []app.ID{"cw1", "cw2", "cw3"} {
		sameRecords(t, "once for "+string(m), changes(t, l, m, 0, 10), []app.Record{live(v1, s1)})
		if got := scopeOf(t, l, m, app.RecordVirksomhed); !slices.Equal(got, []app.ID{"v1"}) {
			t.Errorf("Scope(%s) = %v, want [v1]", m, got)
		}
	}
	// The owner named as the only reader: no readers.
	v2 := company("v1", "cw1", 2, "cw1")
	s2 := put(t, l, v2)[0]
	sameReaders(t, "only the owner", recordOf(t, l, app.RecordVirksomhed, "v1").Readers, nil)
	sameRecords(t, "owner", changes(t, l, "cw1", s1, 10), []app.Record{live(v2, s2)})
	sameRecords(t, "cw2 dropped", changes(t, l, "cw2", s1, 10), []app.Record{removed(v2, s2)})
	// A reader becoming the owner while still named a reader: no removal.
	v3 := company("v1", "cw2", 3, "cw2", "cw1")
	s3 := put(t, l, v3)[0]
	r := recordOf(t, l, app.RecordVirksomhed, "v1")
	if r.Owner != "cw2" {
		t.Errorf("owner = %q, want cw2", r.Owner)
	}
	sameReaders(t, "new owner among the readers", r.Readers, []app.ID{"cw1"})
	for _, m := range []app.ID{"cw1", "cw2"} {
		sameRecords(t, "after s2 for "+string(m), changes(t, l, m, s2, 10), []app.Record{live(v3, s3)})
	}
}

// testReadersRoundTrip: Record gives back the normalised readers and the
// rest of the record as put; a rewrite replaces them; none is nil.
func testReadersRoundTrip(t *testing.T, l app.Ledger) {
	for _, tc := range []struct {
		name string
		put  app.LedgerRecord
		want []app.ID
	}{
		{"readers", company("v1", "cw1", 1, "cw2", "cw3"), []app.ID{"cw2", "cw3"}},
		{"rewritten with others", company("v1", "cw1", 2, "cw9", "cw4"), []app.ID{"cw4", "cw9"}},
		{"rewritten with none", company("v1", "cw1", 3), nil},
		{"empty list is none", company("v1", "cw1", 4, []app.ID{}...), nil},
		{"a case with readers", app.LedgerRecord{Kind: app.RecordSag, ID: "s1", Version: 1, Owner: "cw1", Readers: []app.ID{"cw2"}, Data: json.RawMessage(`{"navn":"Ærø"}`)}, []app.ID{"cw2"}},
		{"no data", app.LedgerRecord{Kind: app.RecordVirksomhed, ID: "v2", Version: 1, Readers: []app.ID{"cw5"}}, []app.ID{"cw5"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			seq := put(t, l, tc.put)[0]
			want := tc.put
			want.Seq, want.Readers = seq, tc.want
			same(t, "Record", recordOf(t, l, tc.put.Kind, tc.put.ID), want)
		})
	}
}

// testManyReaders: a record read by a thousand accounts; half of them
// dropped in one write.
func testManyReaders(t *testing.T, l app.Ledger) {
	const n = 1000
	var all, even []app.ID
	for i := range n {
		id := app.ID(fmt.Sprintf("r%04d", i))
		all = append(all, id)
		if i%2 == 0 {
			even = append(even, id)
		}
	}
	shuffled := slices.Clone(all)
	slices.Reverse(shuffled)
	v1 := company("v1", "cw1", 1, shuffled...)
	s1 := put(t, l, v1)[0]
	sameReaders(t, "a thousand", recordOf(t, l, app.RecordVirksomhed, "v1").Readers, all)
	sample := []int{0, 1, 2, 499, 500, 997, 998, 999}
	for _, i := range sample {
		sameRecords(t, "reader "+string(all[i]), changes(t, l, all[i], 0, 10), []app.Record{live(v1, s1)})
	}
	v2 := company("v1", "cw1", 2, even...)
	s2 := put(t, l, v2)[0]
	sameReaders(t, "half", recordOf(t, l, app.RecordVirksomhed, "v1").Readers, even)
	for _, i := range sample {
		want := []app.Record{live(v2, s2)}
		if i%2 == 1 {
			want = []app.Record{removed(v2, s2)}
		}
		sameRecords(t, "after the drop, reader "+string(all[i]), changes(t, l, all[i], s1, 10), want)
	}
	gone := 0
	view(t, l, func(tx app.LedgerTx) error {
		for i, m := range all {
			ids, err := tx.Scope(m, app.RecordVirksomhed)
			if err != nil {
				return err
			}
			if want := i%2 == 0; len(ids) == 1 != want {
				t.Errorf("Scope(%s) = %v, want v1: %v", m, ids, want)
			}
			if len(ids) == 0 {
				gone++
			}
		}
		return nil
	})
	if gone != n/2 {
		t.Errorf("%d readers lost v1, want %d", gone, n/2)
	}
}
