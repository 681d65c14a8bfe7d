package server_test

import (
	"strings"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/testkit"
	"feltsag.dk/feltsag/sync/wire"
)

// bigSag returns a case of about 2.5 KB of JSON (17 journal notes, the
// benchmarks' shape).
func bigSag(t *testing.T, id app.ID) *app.Sag {
	t.Helper()
	s := testkit.NewSag(t, app.DateOf(t0), testkit.SagArgs{ID: id})
	for k := range 17 {
		s.Notater = append(s.Notater, app.Notat{ID: app.ID("n" + itoa(k)), Tid: t0.Add(-time.Duration(k) * time.Hour),
			Tekst: "Opfølgning nr. " + itoa(k) + ": borgeren deltog i samtalen og søger job. " + strings.Repeat("æøå ", 10)})
	}
	return s
}

// TestPullPagesOfLargeRecords: pulling a caseload of ~2.5 KB cases from
// zero, with removals in the log, gives every case in scope exactly once,
// in log order, in frames that are each filled (a pull is answered by one
// frame, so a page is as many records as fit), without removals in the
// snapshot's first page and with the head as the last cursor.
func TestPullPagesOfLargeRecords(t *testing.T) {
	r := newRig(t)
	tok := r.caseworker("cw1", "dev-1")
	r.caseworker("cw2", "dev-2")
	const n = 80
	want := map[app.ID]bool{}
	for i := range n {
		id := app.ID("sag-" + itoa(i))
		if err := r.srv.ImportCase(bigSag(t, id), "cw1"); err != nil {
			t.Fatal(err)
		}
		want[id] = true
		if i%10 == 3 { // leaves cw1's scope: a removal at a later position
			if err := r.srv.Assign(id, "cw2"); err != nil {
				t.Fatal(err)
			}
			delete(want, id)
		}
	}
	p, w := r.connect(tok)

	tests := []struct {
		name  string
		limit int
	}{{"server's choice", 0}, {"limit 7", 7}, {"limit 512", wire.MaxRecordsPerPage}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var cur app.Cursor
			seen := map[app.ID]int{}
			var last uint64
			pages := 0
			for ; ; pages++ {
				ch := p.pull(cur, tt.limit)
				if pages > n {
					t.Fatal("paging does not end")
				}
				if ch.Snapshot != (pages == 0) {
					t.Fatalf("page %d: snapshot %v", pages, ch.Snapshot)
				}
				if tt.limit > 0 && len(ch.Records) > tt.limit {
					t.Fatalf("page %d: %d records over the limit %d", pages, len(ch.Records), tt.limit)
				}
				for _, rec := range ch.Records {
					if rec.Seq <= last {
						t.Fatalf("page %d: seq %d after %d", pages, rec.Seq, last)
					}
					last = rec.Seq
					if pages == 0 && rec.Removed {
						t.Fatalf("the snapshot's first page has a removal of %s", rec.ID)
					}
					if !rec.Removed {
						seen[rec.ID]++
					}
				}
				if ch.HasMore && (ch.Cursor.Seq != last || len(ch.Records) == 0) {
					t.Fatalf("page %d: has_more with cursor %v after record %d", pages, ch.Cursor, last)
				}
				if ch.HasMore && tt.limit != 7 && len(ch.Records) < 15 {
					t.Errorf("page %d: %d records of ~2.5 KB, want a filled frame", pages, len(ch.Records))
				}
				cur = ch.Cursor
				if !ch.HasMore {
					break
				}
			}
			if cur != w.Cursor {
				t.Errorf("last cursor %v, want the head %v", cur, w.Cursor)
			}
			for id := range want {
				if seen[id] != 1 {
					t.Errorf("%s seen %d times, want once", id, seen[id])
				}
			}
			for id, k := range seen {
				if !want[id] {
					t.Errorf("%s (not in scope) seen %d times", id, k)
				}
			}
			t.Logf("%d cases in %d pulls", len(seen), pages+1)
		})
	}
}
