package store_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/store"
)

// caseRecord returns a server record of s at version v.
func caseRecord(tb testing.TB, s *app.Sag, v int64, seq uint64) app.Record {
	tb.Helper()
	c := s.Clone()
	c.Version = v
	b, err := json.Marshal(c)
	if err != nil {
		tb.Fatal(err)
	}
	return app.Record{Kind: app.RecordSag, ID: s.ID, Version: v, Seq: seq, Data: b}
}

func removedRecord(id app.ID, seq uint64) app.Record {
	return app.Record{Kind: app.RecordSag, ID: id, Seq: seq, Removed: true}
}

func mustView(tb testing.TB, db *store.DB, id app.ID) *app.Sag {
	tb.Helper()
	v, err := db.View(id, caseworker)
	if err != nil {
		tb.Fatalf("View %s: %v", id, err)
	}
	return v
}

func listed(tb testing.TB, db *store.DB, id app.ID) (app.CaseSummary, bool) {
	tb.Helper()
	list, err := db.List()
	mustNoErr(tb, err, "List")
	for _, s := range list {
		if s.ID == id {
			return s, true
		}
	}
	return app.CaseSummary{}, false
}

func TestApplyPageRebasesPendingAndMovesCursor(t *testing.T) {
	db := MustOpen(t)
	s := seed(t, db, canaryCPR, canaryName)
	mine := mustCommit(t, db, notat(t, s.ID, "min note"))
	_ = mine

	// The server's newer state: another caseworker's note.
	theirs := s.Clone()
	theirs.Notater = append(theirs.Notater, app.Notat{ID: "serverenote00001", Tekst: "deres note", Tid: eventTime})
	theirs.Versions = map[string]int64{"notat/serverenote00001": 5}
	page := app.Page{Records: []app.Record{caseRecord(t, theirs, 5, 10)}, Cursor: app.Cursor{Epoch: 1, Seq: 10}}
	mustNoErr(t, db.ApplyPage(page), "ApplyPage")

	v := mustView(t, db, s.ID)
	if v.Version != 5 || len(v.Notater) != 2 {
		t.Fatalf("view after page: version %d, %d notes; want version 5 with both notes", v.Version, len(v.Notater))
	}
	if c, _ := db.Cursor(); c != page.Cursor {
		t.Fatalf("cursor %v, want %v", c, page.Cursor)
	}

	// A replayed or reordered older record is skipped: versions never go back.
	old := app.Page{Records: []app.Record{caseRecord(t, s, 3, 10)}, Cursor: app.Cursor{Epoch: 1, Seq: 10}}
	mustNoErr(t, db.ApplyPage(old), "ApplyPage with an old record")
	if v := mustView(t, db, s.ID); v.Version != 5 || len(v.Notater) != 2 {
		t.Fatalf("an older record went back to version %d", v.Version)
	}

	// A page behind the cursor in the same epoch is refused and writes nothing.
	stale := app.Page{Records: []app.Record{caseRecord(t, s, 9, 9)}, Cursor: app.Cursor{Epoch: 1, Seq: 9}}
	wantRule(t, db.ApplyPage(stale), app.CodeInvalid, store.RuleStalePage)
	if v := mustView(t, db, s.ID); v.Version != 5 {
		t.Fatalf("a stale page changed the case to version %d", v.Version)
	}
	// A new epoch starts anywhere.
	mustNoErr(t, db.ApplyPage(app.Page{Cursor: app.Cursor{Epoch: 2, Seq: 1}}), "ApplyPage new epoch")
}

func TestCommitCarriesBaseFieldsAndHLC(t *testing.T) {
	db := MustOpen(t)
	s := seed(t, db, canaryCPR, canaryName)
	srv := s.Clone()
	srv.Versions = map[string]int64{"tilmelding": 4, "kontaktgruppe": 2}
	mustNoErr(t, db.ApplyPage(app.Page{Records: []app.Record{caseRecord(t, srv, 4, 4)}, Cursor: app.Cursor{Epoch: 1, Seq: 4}}), "ApplyPage")
	mustCommit(t, db, sygemelding(t, s.ID, ""))
	mustCommit(t, db, notat(t, s.ID, "x"))
	pend, err := db.Pending()
	mustNoErr(t, err, "Pending")
	if len(pend) != 2 {
		t.Fatalf("%d pending, want 2", len(pend))
	}
	syg := pend[0]
	if syg.Base != 4 || syg.BaseFields["tilmelding"] != 4 {
		t.Fatalf("sygemelding base %d fields %v; want 4 and tilmelding at 4", syg.Base, syg.BaseFields)
	}
	for f := range syg.BaseFields {
		if _, ok := app.FieldPolicyRowOf(f); !ok {
			t.Errorf("field %q has no policy row", f)
		}
	}
	if syg.HLC.IsZero() || syg.HLC.Device != db.Device() || pend[1].HLC.Compare(syg.HLC) <= 0 {
		t.Fatalf("HLCs %v then %v: want increasing stamps from this device", syg.HLC, pend[1].HLC)
	}
}

func TestRemovedCaseWithoutPendingIsPurged(t *testing.T) {
	db := MustOpen(t)
	s := seed(t, db, canaryCPR, canaryName)
	other := seed(t, db, "0202851236", "Anden Borger")
	mustNoErr(t, db.ApplyPage(app.Page{Records: []app.Record{removedRecord(s.ID, 7)}, Cursor: app.Cursor{Epoch: 1, Seq: 7}}), "ApplyPage")
	assertPurged(t, db, s.ID)
	if _, ok := listed(t, db, other.ID); !ok {
		t.Fatal("the other case went with it")
	}
	assertNoPlaintext(t, db.Path(), "after a page removed a case")
}

func TestLeavingCaseIsReadOnlyUntilAcked(t *testing.T) {
	opts, _ := testOptions(t)
	path := filepath.Join(t.TempDir(), "leave.db")
	db := MustCreate(t, path, opts)
	s := seed(t, db, canaryCPR, canaryName)
	c1 := mustCommit(t, db, notat(t, s.ID, "sendes stadig"))
	_ = c1
	pend, _ := db.Pending()

	mustNoErr(t, db.ApplyPage(app.Page{Records: []app.Record{removedRecord(s.ID, 3)}, Cursor: app.Cursor{Epoch: 1, Seq: 3}}), "ApplyPage")
	if sum, ok := listed(t, db, s.ID); !ok || !sum.ReadOnly || sum.Pending != 1 {
		t.Fatalf("summary %+v (present %v): want read-only with 1 pending", sum, ok)
	}
	_, err := db.Commit(notat(t, s.ID, "ny"))
	wantRule(t, err, app.CodeUnauthorized, store.RuleReadOnly)
	if v := mustView(t, db, s.ID); len(v.Notater) != 1 {
		t.Fatalf("read-only case has %d notes, want the 1 unsent", len(v.Notater))
	}

	// The read-only state survives a restart.
	mustNoErr(t, db.Close(), "Close")
	db = MustReopen(t, path, opts)
	if sum, _ := listed(t, db, s.ID); !sum.ReadOnly {
		t.Fatal("read-only state lost at reopen")
	}
	if p, _ := db.Pending(); len(p) != 1 {
		t.Fatalf("%d pending after reopen, want 1", len(p))
	}

	// The ack of its last command purges it.
	mustNoErr(t, db.Ack(app.AckResult{Command: pend[0].Command.ID, Status: app.AckApplied}), "Ack")
	assertPurged(t, db, s.ID)
	if a, ok, _ := db.Result(pend[0].Command.ID); ok {
		t.Fatalf("result of a purged case kept: %+v", a)
	}
}

func TestLeavingCaseBackInScope(t *testing.T) {
	db := MustOpen(t)
	s := seed(t, db, canaryCPR, canaryName)
	mustCommit(t, db, notat(t, s.ID, "x"))
	mustNoErr(t, db.ApplyPage(app.Page{Records: []app.Record{removedRecord(s.ID, 3)}, Cursor: app.Cursor{Epoch: 1, Seq: 3}}), "remove")
	mustNoErr(t, db.ApplyPage(app.Page{Records: []app.Record{caseRecord(t, s, 4, 4)}, Cursor: app.Cursor{Epoch: 1, Seq: 4}}), "back")
	if sum, _ := listed(t, db, s.ID); sum.ReadOnly {
		t.Fatal("a case reassigned back is still read-only")
	}
	mustCommit(t, db, notat(t, s.ID, "igen"))
}

func TestSnapshotRemovesWhatItDidNotDeliver(t *testing.T) {
	db := MustOpen(t)
	keep := seed(t, db, canaryCPR, canaryName)
	gone := seed(t, db, "0202851236", "Væk Borger")
	pendingGone := seed(t, db, "0303800000", "Afventer Borger")
	mustCommit(t, db, notat(t, pendingGone.ID, "usendt"))

	p1 := app.Page{Snapshot: true, HasMore: true, Records: []app.Record{caseRecord(t, keep, 2, 1)}, Cursor: app.Cursor{Epoch: 9, Seq: 1}}
	mustNoErr(t, db.ApplyPage(p1), "page 1")
	if _, ok := listed(t, db, gone.ID); !ok {
		t.Fatal("a case was removed before the snapshot ended")
	}
	fresh := newSag(t, newID(t), "0404700000", "Ny Borger")
	p2 := app.Page{Records: []app.Record{caseRecord(t, fresh, 1, 2)}, Cursor: app.Cursor{Epoch: 9, Seq: 2}}
	mustNoErr(t, db.ApplyPage(p2), "page 2")
	if _, ok := listed(t, db, gone.ID); ok {
		t.Fatal("a case the snapshot did not deliver is still on the device")
	}
	if _, err := db.View(gone.ID, caseworker); app.ErrorCode(err) != app.CodeNotFound {
		t.Fatalf("View of the removed case: %v", err)
	}
	if sum, ok := listed(t, db, pendingGone.ID); !ok || !sum.ReadOnly {
		t.Fatalf("case with unsent work: %+v (present %v); want kept read-only", sum, ok)
	}
	for _, id := range []app.ID{keep.ID, fresh.ID} {
		if sum, ok := listed(t, db, id); !ok || sum.ReadOnly {
			t.Fatalf("delivered case %s: %+v (present %v)", id, sum, ok)
		}
	}
}

func TestUnknownRecordKindsAreKept(t *testing.T) {
	db := MustOpen(t)
	r := app.Record{Kind: "fremtidig", ID: "fremtidig0000001", Version: 1, Seq: 1, Data: json.RawMessage(`{"navn":"Noget nyt"}`)}
	mustNoErr(t, db.ApplyPage(app.Page{Records: []app.Record{r}, Cursor: app.Cursor{Epoch: 1, Seq: 1}}), "ApplyPage")
	if c, _ := db.Cursor(); c.Seq != 1 {
		t.Fatalf("cursor %v", c)
	}
}

func TestApplyPageBadRecords(t *testing.T) {
	db := MustOpen(t)
	s := seed(t, db, canaryCPR, canaryName)
	other := seed(t, db, "0202851236", "Anden")
	mismatch := caseRecord(t, other, 5, 1)
	mismatch.ID = s.ID
	tests := []struct {
		name string
		rec  app.Record
	}{
		{"CPR-shaped id", app.Record{Kind: app.RecordSag, ID: "0101901234", Version: 1}},
		{"no kind", app.Record{ID: s.ID, Version: 1}},
		{"negative version", app.Record{Kind: app.RecordSag, ID: s.ID, Version: -1}},
		{"garbled case", app.Record{Kind: app.RecordSag, ID: s.ID, Version: 9, Data: json.RawMessage(`{"id":`)}},
		{"record id differs from the case's", mismatch},
		{"garbled company", app.Record{Kind: app.RecordVirksomhed, ID: "virksomhed000001", Version: 1, Data: json.RawMessage(`{"id":`)}},
		{"company record id differs", app.Record{Kind: app.RecordVirksomhed, ID: "virksomhed000001", Version: 1, Data: json.RawMessage(`{"id":"virksomhed000002"}`)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			good := caseRecord(t, s, 8, 1)
			err := db.ApplyPage(app.Page{Records: []app.Record{good, tt.rec}, Cursor: app.Cursor{Epoch: 1, Seq: 2}})
			if app.ErrorCode(err) != app.CodeInvalid {
				t.Fatalf("error %v, want invalid", err)
			}
			if c, _ := db.Cursor(); !c.IsZero() {
				t.Fatalf("cursor moved to %v", c)
			}
			if v := mustView(t, db, s.ID); v.Version != 1 {
				t.Fatalf("the good record of a refused page was applied (version %d)", v.Version)
			}
		})
	}
}

func TestAckBatch(t *testing.T) {
	db := MustOpen(t)
	s := seed(t, db, canaryCPR, canaryName)
	var ids []app.ID
	for range 5 {
		ids = append(ids, mustCommit(t, db, notat(t, s.ID, "n")).Sag.Notater[0].ID)
	}
	pend, _ := db.Pending()
	ids = ids[:0]
	for _, e := range pend {
		ids = append(ids, e.Command.ID)
	}
	// One bad status refuses the whole batch.
	err := db.Ack(app.AckResult{Command: ids[0], Status: app.AckApplied}, app.AckResult{Command: ids[1], Status: "maybe"})
	if app.ErrorCode(err) != app.CodeInvalid {
		t.Fatalf("error %v, want invalid", err)
	}
	// An unknown id refuses it too, after the first was handled in the same transaction.
	wantRule(t, db.Ack(app.AckResult{Command: ids[0], Status: app.AckApplied}, app.AckResult{Command: "aldriggemtxxxxx", Status: app.AckApplied}),
		app.CodeNotFound, store.RuleCommandUnknown)
	if p, _ := db.Pending(); len(p) != 5 {
		t.Fatalf("%d pending after refused batches, want 5", len(p))
	}
	rej := app.AckResult{Command: ids[2], Status: app.AckRejected, Error: app.RuleError("x", "afvist", "rejected")}
	mustNoErr(t, db.Ack(
		app.AckResult{Command: ids[0], Status: app.AckApplied},
		app.AckResult{Command: ids[1], Status: app.AckDuplicate},
		rej,
		app.AckResult{Command: ids[3], Status: app.AckApplied},
	), "Ack batch")
	p, _ := db.Pending()
	if len(p) != 1 || p[0].Command.ID != ids[4] {
		t.Fatalf("pending after batch: %+v", p)
	}
	if v := mustView(t, db, s.ID); len(v.Notater) != 1 {
		t.Fatalf("after rebasing on the rejected ack the view has %d notes, want the 1 still pending", len(v.Notater))
	}
	if sum, _ := listed(t, db, s.ID); sum.Pending != 1 {
		t.Fatalf("summary pending %d, want 1", sum.Pending)
	}
	a, ok, _ := db.Result(ids[2])
	if !ok || a.Status != app.AckRejected || a.Command != ids[2] || a.Sag != s.ID {
		t.Fatalf("recorded result %+v", a)
	}
}

func TestPurgeManyOneCompaction(t *testing.T) {
	db := MustOpen(t)
	var ids []app.ID
	for _, cpr := range []string{canaryCPR, "0202851236", "0303800000"} {
		ids = append(ids, seed(t, db, cpr, "Borger "+cpr[:4]).ID)
	}
	keep := seed(t, db, "0404700000", "Bliver")
	mustCommit(t, db, notat(t, keep.ID, "usendt"))
	wantRule(t, db.PurgeMany(append(ids, keep.ID)), app.CodeConflict, store.RuleUnsent)
	for _, id := range ids {
		if _, ok := listed(t, db, id); !ok {
			t.Fatal("a refused PurgeMany purged a case")
		}
	}
	mustNoErr(t, db.PurgeMany(ids), "PurgeMany")
	dump, err := db.Dump()
	mustNoErr(t, err, "Dump")
	for _, id := range ids {
		if _, err := db.View(id, caseworker); app.ErrorCode(err) != app.CodeNotFound {
			t.Errorf("View %s after PurgeMany: %v", id, err)
		}
		for k, v := range dump {
			if strings.Contains(v, string(id)) && !strings.HasPrefix(k, store.BucketAudit+"/") {
				t.Errorf("%s still names purged case %s", k, id)
			}
		}
	}
	if _, ok := listed(t, db, keep.ID); !ok {
		t.Fatal("the case with unsent work was purged")
	}
	assertNoPlaintext(t, db.Path(), "after PurgeMany")
}
