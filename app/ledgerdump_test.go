package app_test

import (
	"encoding/json"
	"testing"

	"feltsag.dk/feltsag/app"
)

// TestDumpSumsCountReaders: a record's readers are part of its row, so two
// ledgers that differ only in who reads a record differ in the records
// table's checksum, and a record without readers sums as it did before
// readers existed (no "readers" in its JSON).
func TestDumpSumsCountReaders(t *testing.T) {
	row := func(readers ...app.ID) app.DumpRow {
		return app.DumpRow{Table: app.DumpRecords, Record: &app.LedgerRecord{
			Kind: app.RecordVirksomhed, ID: "v1", Version: 2, Seq: 7, Owner: "kons1", Readers: readers, Data: []byte(`{}`)}}
	}
	sum := func(rows ...app.DumpRow) app.TableSum {
		t.Helper()
		var s app.DumpSums
		for _, r := range rows {
			if err := s.Add(r); err != nil {
				t.Fatal(err)
			}
		}
		for _, ts := range s.Tables() {
			if ts.Table == app.DumpRecords {
				return ts
			}
		}
		t.Fatal("no records table")
		return app.TableSum{}
	}
	tests := []struct {
		name string
		a, b app.DumpRow
		same bool
	}{
		{"same readers", row("sb1", "sb2"), row("sb1", "sb2"), true},
		{"a reader more", row("sb1"), row("sb1", "sb2"), false},
		{"another reader", row("sb1"), row("sb2"), false},
		{"readers or none", row(), row("sb1"), false},
		{"none is none", row(), row([]app.ID{}...), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, b := sum(tc.a), sum(tc.b)
			if got := a == b; got != tc.same {
				t.Errorf("sums %s and %s: equal %v, want %v", a.Sum, b.Sum, got, tc.same)
			}
		})
	}
	// A row without readers is the row dumps held before readers existed.
	b, err := json.Marshal(row())
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"table":"records","record":{"kind":"virksomhed","id":"v1","version":2,"seq":7,"owner":"kons1","data":{}}}`; string(b) != want {
		t.Errorf("row without readers = %s, want %s", b, want)
	}
}
