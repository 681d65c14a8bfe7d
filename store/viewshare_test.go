package store_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/store"
)

// valueLen returns the length of the opened value of a case in a bucket
// (0 when absent).
func valueLen(tb testing.TB, db *store.DB, bucket string, id app.ID) int {
	tb.Helper()
	dump, err := db.Dump()
	mustNoErr(tb, err, "Dump")
	return len(dump[fmt.Sprintf("%s/%x", bucket, id)])
}

// A view equal to the confirmed state is stored as its list line alone:
// the replica keeps, encrypts and writes each case once. A pending command
// makes it a full copy again, and its acknowledgement and the confirmed
// state pulled back make it the line alone again.
func TestViewSharesConfirmedWhenNothingPending(t *testing.T) {
	db := MustOpen(t)
	s := newSag(t, newID(t), canaryCPR, canaryName)
	mustNoErr(t, db.ApplyPage(app.Page{Records: []app.Record{caseRecord(t, s, 3, 1)}, Cursor: app.Cursor{Epoch: 1, Seq: 1}}), "ApplyPage")

	short := func(what string, want bool) {
		t.Helper()
		view, conf := valueLen(t, db, store.BucketView, s.ID), valueLen(t, db, store.BucketConfirmed, s.ID)
		if conf == 0 || view == 0 {
			t.Fatalf("%s: view %d bytes, confirmed %d bytes", what, view, conf)
		}
		if got := view < conf/2; got != want {
			t.Errorf("%s: view %d bytes beside confirmed %d: line only = %v, want %v", what, view, conf, got, want)
		}
	}
	short("pulled, nothing pending", true)
	if got := mustView(t, db, s.ID); got.Version != 3 || got.Borger.Navn != canaryName {
		t.Fatalf("view of a pulled case: version %d, name %q", got.Version, got.Borger.Navn)
	}

	cmd := notat(t, s.ID, "min note")
	mustCommit(t, db, cmd)
	short("a command pending", false)

	mustNoErr(t, db.Ack(app.AckResult{Command: cmd.ID, Status: app.AckApplied, Version: 4}), "Ack")
	mine := mustView(t, db, s.ID)
	confirmed := mine.Clone()
	confirmed.Version = 4
	mustNoErr(t, db.ApplyPage(app.Page{Records: []app.Record{caseRecord(t, confirmed, 4, 2)}, Cursor: app.Cursor{Epoch: 1, Seq: 2}}), "ApplyPage")
	short("acknowledged and pulled back", true)
	got := mustView(t, db, s.ID)
	if got.Version != 4 || len(got.Notater) != len(mine.Notater) {
		t.Fatalf("view after the pull: version %d, %d notes, want 4, %d", got.Version, len(got.Notater), len(mine.Notater))
	}
}

// A view stored as the confirmed state changes with it, so replacing the
// confirmed state must still see the old view: the blind CPR index drops
// the old number. Cold (the replica reopened, nothing cached) and warm,
// through a pulled page and through PutConfirmed.
func TestSharedViewReindexedWhenConfirmedReplaced(t *testing.T) {
	const newCPR = "0202924321"
	tests := []struct {
		name   string
		reopen bool
		put    func(tb testing.TB, db *store.DB, s *app.Sag)
	}{
		{"page, cold", true, func(tb testing.TB, db *store.DB, s *app.Sag) {
			mustNoErr(tb, db.ApplyPage(app.Page{Records: []app.Record{caseRecord(tb, s, s.Version, 2)}, Cursor: app.Cursor{Epoch: 1, Seq: 2}}), "ApplyPage")
		}},
		{"page, warm", false, func(tb testing.TB, db *store.DB, s *app.Sag) {
			mustNoErr(tb, db.ApplyPage(app.Page{Records: []app.Record{caseRecord(tb, s, s.Version, 2)}, Cursor: app.Cursor{Epoch: 1, Seq: 2}}), "ApplyPage")
		}},
		{"PutConfirmed, cold", true, func(tb testing.TB, db *store.DB, s *app.Sag) {
			mustNoErr(tb, db.PutConfirmed(s), "PutConfirmed")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts, _ := testOptions(t)
			path := filepath.Join(t.TempDir(), "feltsag-cw1-dev1.db")
			db := MustCreate(t, path, opts)
			s := newSag(t, newID(t), canaryCPR, canaryName)
			mustNoErr(t, db.ApplyPage(app.Page{Records: []app.Record{caseRecord(t, s, 1, 1)}, Cursor: app.Cursor{Epoch: 1, Seq: 1}}), "ApplyPage")
			if tt.reopen {
				mustNoErr(t, db.Close(), "Close")
				db = MustReopen(t, path, opts)
				t.Cleanup(func() { _ = db.Close() })
			}
			next := s.Clone()
			next.Version = 2
			next.Borger.CPR = app.CPR(newCPR)
			tt.put(t, db, next)

			for _, c := range []struct {
				cpr  string
				want int
			}{{canaryCPR, 0}, {newCPR, 1}} {
				ids, err := db.FindByCPR(app.CPR(c.cpr), caseworker)
				mustNoErr(t, err, "FindByCPR")
				if len(ids) != c.want {
					t.Errorf("FindByCPR(%s…): %v, want %d hit(s)", c.cpr[:6], ids, c.want)
				}
			}
			if got := mustView(t, db, s.ID); got.Version != 2 || got.Borger.CPR != app.CPR(newCPR) {
				t.Errorf("view: version %d, CPR %s…", got.Version, string(got.Borger.CPR)[:6])
			}
		})
	}
}

// A schema 4 file (every view a full copy) migrates to the current schema
// without rewriting: its views read as before and shrink when next written.
func TestMigrateFullViewsFromSchema4(t *testing.T) {
	opts, _ := testOptions(t)
	path := filepath.Join(t.TempDir(), "feltsag-cw1-dev1.db")
	db := MustCreate(t, path, opts)
	s := seed(t, db, canaryCPR, canaryName)
	mustCommit(t, db, notat(t, s.ID, "min note")) // a full view, as schema 4 wrote every view
	mustNoErr(t, db.SetSchema(4), "SetSchema")
	mustNoErr(t, db.Close(), "Close")

	db = MustReopen(t, path, opts)
	defer db.Close()
	got := mustView(t, db, s.ID)
	found := false
	for _, n := range got.Notater {
		found = found || strings.Contains(n.Tekst, "min note")
	}
	if len(got.Notater) != len(s.Notater)+1 || !found {
		t.Fatalf("view after the migration: %d notes, the pending one found: %v", len(got.Notater), found)
	}
	mustNoErr(t, db.Close(), "Close")
	db = MustReopen(t, path, opts) // already current: nothing runs
	defer db.Close()
}

// PendingCount counts what Pending returns, with the earliest Saved,
// without decoding the commands.
func TestPendingCountMatchesPending(t *testing.T) {
	db := MustOpen(t)
	s := seed(t, db, canaryCPR, canaryName)
	var acked []app.ID
	for i, tt := range []struct {
		name   string
		commit int
		ack    int
	}{{"empty", 0, 0}, {"three saved", 3, 0}, {"one acknowledged", 0, 1}, {"all acknowledged", 0, 2}} {
		t.Run(tt.name, func(t *testing.T) {
			for range tt.commit {
				c := notat(t, s.ID, fmt.Sprintf("note %d", i))
				mustCommit(t, db, c)
				acked = append(acked, c.ID)
			}
			for range tt.ack {
				mustNoErr(t, db.Ack(app.AckResult{Command: acked[0], Status: app.AckApplied, Version: 2}), "Ack")
				acked = acked[1:]
			}
			pend, err := db.Pending()
			mustNoErr(t, err, "Pending")
			n, oldest, err := db.PendingCount()
			mustNoErr(t, err, "PendingCount")
			var want time.Time
			for _, p := range pend {
				if want.IsZero() || p.Saved.Before(want) {
					want = p.Saved
				}
			}
			if n != len(pend) || !oldest.Equal(want) {
				t.Errorf("PendingCount = %d, %v; Pending has %d, oldest %v", n, oldest, len(pend), want)
			}
		})
	}
}
