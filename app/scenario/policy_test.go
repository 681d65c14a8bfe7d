package scenario_test

import (
	"io/fs"
	"sort"
	"strings"
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/app/scenario"
	"feltsag.dk/feltsag/assets"
	"feltsag.dk/feltsag/internal/testkit"
)

// TestEveryChangedFieldHasAPolicy runs every shipped scenario and checks
// that each field path the engine names in a result has a row in the field
// policy table (docs/fields.md), so no field falls to the default silently,
// and that every row is exercised by some scenario.
func TestEveryChangedFieldHasAPolicy(t *testing.T) {
	eng := testkit.Engine(t)
	fsys := assets.Scenarios()
	files, err := fs.Glob(fsys, "*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("scenario files: %v (%d)", err, len(files))
	}
	used := map[string]int{}
	for _, file := range files {
		b, err := fs.ReadFile(fsys, file)
		if err != nil {
			t.Fatal(err)
		}
		ss, err := scenario.Parse(file, strings.NewReader(string(b)))
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for _, s := range ss {
			for _, c := range scenario.Run(eng, s).Changes {
				row, ok := app.FieldPolicyRowOf(c.Field)
				if !ok {
					t.Errorf("%s:%d: field %q has no row in app.FieldPolicies (docs/fields.md)", file, s.Line, c.Field)
					continue
				}
				if c.Policy != row.Policy {
					t.Errorf("%s:%d: field %q reported policy %s, table says %s", file, s.Line, c.Field, c.Policy, row.Policy)
				}
				used[row.Pattern]++
			}
		}
	}
	var unused []string
	for _, row := range app.FieldPolicies() {
		if used[row.Pattern] == 0 {
			unused = append(unused, row.Pattern)
		}
	}
	sort.Strings(unused)
	if len(unused) > 0 {
		t.Errorf("no shipped scenario changes these fields, so their policy rows are untested: %v", unused)
	}
	t.Logf("field paths changed per policy row: %v", used)
}
