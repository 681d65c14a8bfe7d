package ui_test

import (
	"fmt"
	"slices"
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/ui"
)

// TestFormatCVR: a CVR number in the register's groups of two digits;
// anything else as it is.
func TestFormatCVR(t *testing.T) {
	tests := []struct{ in, want string }{
		{"13748136", "13 74 81 36"},
		{"", ""},
		{"1374813", "1374813"},
		{"1374813x", "1374813x"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := ui.FormatCVR(app.CVR(tt.in)); got != tt.want {
				t.Errorf("FormatCVR(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// manyCompanies is n synthetic company lines.
func manyCompanies(n int) []app.VirksomhedSummary {
	towns := []string{"Odense C", "Nyborg", "Svendborg", "Middelfart", "Faaborg"}
	out := make([]app.VirksomhedSummary, n)
	for i := range out {
		out[i] = app.VirksomhedSummary{ID: app.ID(fmt.Sprintf("v-%05d", i)), Navn: fmt.Sprintf("Virksomhed %05d ApS", i),
			CVR: app.CVR(fmt.Sprintf("%08d", 10000000+i*7)), Adresse: app.Adresse{Vej: fmt.Sprintf("Industrivej %d", i%200), Postnr: "5000", By: towns[i%len(towns)]}}
	}
	return out
}

// TestCompanyFilterMatches: every word in the name or the address, or the
// digits in the CVR number; the replica's hits always match.
func TestCompanyFilterMatches(t *testing.T) {
	x := ui.NewCompanyIndex(manyCompanies(20))
	tests := []struct {
		q     string
		extra map[app.ID]bool
		want  int
	}{
		{"", nil, 20},
		{"virksomhed 00007", nil, 1}, // name
		{"10 00 00 49", nil, 1},      // CVR of number 7, spaced
		{"svendborg industrivej", nil, 4},
		{"nowhere", nil, 0},
		{"nowhere", map[app.ID]bool{"v-00003": true}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			got := x.Filter(tt.q, tt.extra)
			if len(got) != tt.want {
				t.Errorf("Filter(%q) = %d companies, want %d", tt.q, len(got), tt.want)
			}
			if !slices.IsSortedFunc(got, func(a, b app.VirksomhedSummary) int { return compareID(a.ID, b.ID) }) {
				t.Errorf("Filter(%q) changed the order", tt.q)
			}
		})
	}
}

func compareID(a, b app.ID) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// BenchmarkCompanyFilter is one keystroke in the company search over
// 5,000 companies.
func BenchmarkCompanyFilter(b *testing.B) {
	x := ui.NewCompanyIndex(manyCompanies(5000))
	for b.Loop() {
		x.Filter("odense industrivej 1", nil)
	}
}
