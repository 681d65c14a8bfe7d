package store_test

import (
	"path/filepath"
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/store"
)

// TestHistory: a case's history is its own views, changes, prints and
// saved PDFs and the searches that found it, newest first, limited; other
// cases' records stay out, and reading it writes no record.
func TestHistory(t *testing.T) {
	db := MustOpen(t)
	a := seed(t, db, canaryCPR, canaryName)
	b := seed(t, db, "0202851236", "Ida Søndergaard")
	_, err := db.View(a.ID, caseworker)
	mustNoErr(t, err, "View")
	_, err = db.View(b.ID, caseworker)
	mustNoErr(t, err, "View")
	note := notat(t, a.ID, "Ringede")
	mustCommit(t, db, note)
	mustNoErr(t, db.LogKind(caseworker, app.ActionPrinted, a.ID, "min_plan"), "LogKind")
	mustNoErr(t, db.LogKind(caseworker, app.ActionExported, a.ID, "min_plan"), "LogKind")
	_, err = db.Search(canaryCPR, caseworker)
	mustNoErr(t, err, "Search")
	mustNoErr(t, db.Log(caseworker, app.ActionPrinted, b.ID), "Log")
	before, err := db.Audit(0, 0)
	mustNoErr(t, err, "Audit")

	tests := []struct {
		name  string
		limit int
		want  []app.AuditRecord
	}{
		{"all", 0, []app.AuditRecord{
			{Action: app.ActionSearched, Sag: a.ID, Kind: store.SearchCPR},
			{Action: app.ActionExported, Sag: a.ID, Kind: "min_plan"},
			{Action: app.ActionPrinted, Sag: a.ID, Kind: "min_plan"},
			{Action: app.ActionChanged, Sag: a.ID, Command: note.ID, Kind: "tilfoej_notat"},
			{Action: app.ActionViewed, Sag: a.ID},
		}},
		{"newest two", 2, []app.AuditRecord{
			{Action: app.ActionSearched, Sag: a.ID, Kind: store.SearchCPR},
			{Action: app.ActionExported, Sag: a.ID, Kind: "min_plan"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := db.History(a.ID, tt.limit)
			mustNoErr(t, err, "History")
			if len(got) != len(tt.want) {
				t.Fatalf("History(%d) has %d records, want %d: %+v", tt.limit, len(got), len(tt.want), got)
			}
			for i, w := range tt.want {
				r := got[i]
				if r.Action != w.Action || r.Sag != w.Sag || r.Command != w.Command || r.Kind != w.Kind || r.Actor != caseworker {
					t.Errorf("History[%d] = %+v, want %+v", i, r, w)
				}
				if i > 0 && r.Seq >= got[i-1].Seq {
					t.Errorf("History[%d] seq %d is not older than %d", i, r.Seq, got[i-1].Seq)
				}
			}
		})
	}
	after, err := db.Audit(0, 0)
	mustNoErr(t, err, "Audit")
	if len(after) != len(before) {
		t.Errorf("reading the history wrote %d audit records", len(after)-len(before))
	}
	mustNoErr(t, db.VerifyAudit(), "VerifyAudit")
}

func TestHistoryErrors(t *testing.T) {
	db := MustOpen(t)
	if _, err := db.History("", 0); err == nil {
		t.Error("History of an empty id: no error")
	}
	long := string(make([]byte, 65))
	wantRule(t, db.LogKind(caseworker, app.ActionPrinted, "", long), app.CodeInvalid, "")
	db.Lock()
	wantRule(t, func() error { _, err := db.History("sag-1", 0); return err }(), app.CodeUnauthorized, store.RuleNotOpen)
}

// BenchmarkHistory reads a case's newest 500 records from a log of 50,000
// (a caseworker's months of views, changes and searches), one in 50 of
// them about the case. "cold" is the first call after an unlock (it reads
// the whole log to build the index), "warm" every later one (it reads the
// records appended since, here none).
func BenchmarkHistory(b *testing.B) {
	opts, _ := testOptions(b)
	path := filepath.Join(b.TempDir(), "h.db")
	db := MustCreate(b, path, opts)
	const n = 50_000
	id := app.ID("sag-bench")
	for start := 0; start < n; start += 5000 {
		rs := make([]app.AuditRecord, 0, 5000)
		for i := start; i < start+5000; i++ {
			r := app.AuditRecord{Actor: caseworker, Action: app.ActionViewed, Sag: "sag-other"}
			if i%50 == 0 {
				r.Sag = id
			}
			rs = append(rs, r)
		}
		mustNoErr(b, db.AppendAudit(rs), "AppendAudit")
	}
	b.Run("cold", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			db.Lock()
			mustNoErr(b, db.Unlock(testPassword), "Unlock")
			b.StartTimer()
			if _, err := db.History(id, 500); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("warm", func(b *testing.B) {
		for b.Loop() {
			if got, err := db.History(id, 500); err != nil || len(got) != 500 {
				b.Fatalf("History = %d records, %v", len(got), err)
			}
		}
	})
}

// TestHistoryFollowsTheLog: the index History keeps sees records written
// after it was built, by every writer, and is rebuilt after Lock/Unlock.
func TestHistoryFollowsTheLog(t *testing.T) {
	db := MustOpen(t)
	a := seed(t, db, canaryCPR, canaryName)
	count := func(want int, when string) {
		t.Helper()
		got, err := db.History(a.ID, 0)
		mustNoErr(t, err, "History")
		if len(got) != want {
			t.Errorf("%s: History has %d records, want %d: %+v", when, len(got), want, got)
		}
	}
	count(0, "before any")
	_, err := db.View(a.ID, caseworker)
	mustNoErr(t, err, "View")
	count(1, "after a view")
	mustCommit(t, db, notat(t, a.ID, "Ringede"))
	mustNoErr(t, db.LogKind(caseworker, app.ActionPrinted, a.ID, "min_plan"), "LogKind")
	mustNoErr(t, db.AppendAudit([]app.AuditRecord{{Action: app.ActionSearched, Sager: []app.ID{"sag-x", a.ID}, Hits: 2}}), "AppendAudit")
	count(4, "after a commit, a print and a search")
	db.Lock()
	mustNoErr(t, db.Unlock(testPassword), "Unlock")
	count(4, "after Lock and Unlock")
}
