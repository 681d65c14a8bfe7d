package app_test

import (
	"os"
	"strings"
	"testing"

	"feltsag.dk/feltsag/app"
)

func TestFieldPolicy(t *testing.T) {
	tests := []struct{ field, want string }{
		{"borger", app.PolicyLWW},
		{"borger/doed", app.PolicyProtected},
		{"borger/ingen_adresse", app.PolicyProtected},
		{"samtale/abc", app.PolicyLWW},
		{"samtale/abc/udfald", app.PolicyProtected},
		{"notat/abc", app.PolicyAppend},
		{"vejledning/abc", app.PolicyAppend},
		{"fravaer/abc", app.PolicyProtected},
		{"plan/abc", app.PolicyLWW},
		{"tilmelding", app.PolicyProtected},
		{"notat/", app.PolicyProtected},      // an empty id matches nothing
		{"notat", app.PolicyProtected},       // no row: protected
		{"ukendt/felt", app.PolicyProtected}, // no row: protected
		{"samtale/abc/andet", app.PolicyProtected},
	}
	for _, tt := range tests {
		if got := app.FieldPolicy(tt.field); got != tt.want {
			t.Errorf("FieldPolicy(%q) = %s, want %s", tt.field, got, tt.want)
		}
	}
}

// TestFieldPolicyDocMatchesCode keeps docs/fields.md's table equal to
// app.FieldPolicies.
func TestFieldPolicyDocMatchesCode(t *testing.T) {
	b, err := os.ReadFile("../docs/fields.md")
	if err != nil {
		t.Fatal(err)
	}
	var doc []app.FieldPolicyRow
	for _, line := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		if len(cells) != 3 {
			t.Fatalf("docs/fields.md: row %q has %d cells, want 3", line, len(cells))
		}
		doc = append(doc, app.FieldPolicyRow{
			Pattern: strings.Trim(strings.TrimSpace(cells[0]), "`"),
			Policy:  strings.TrimSpace(cells[1]),
			Why:     strings.TrimSpace(cells[2]),
		})
	}
	code := app.FieldPolicies()
	if len(doc) != len(code) {
		t.Fatalf("docs/fields.md has %d rows, app.FieldPolicies %d", len(doc), len(code))
	}
	for i := range code {
		if doc[i] != code[i] {
			t.Errorf("row %d: docs/fields.md %+v, code %+v", i+1, doc[i], code[i])
		}
	}
	seen := map[string]bool{}
	for _, r := range code {
		if seen[r.Pattern] {
			t.Errorf("pattern %q has two rows", r.Pattern)
		}
		seen[r.Pattern] = true
		switch r.Policy {
		case app.PolicyLWW, app.PolicyAppend, app.PolicyProtected:
		default:
			t.Errorf("pattern %q: unknown policy %q", r.Pattern, r.Policy)
		}
	}
}
