package app_test

import (
	"errors"
	"slices"
	"testing"

	"feltsag.dk/feltsag/app"
)

// TestNormalReaders: the one normal form both ledgers store.
func TestNormalReaders(t *testing.T) {
	tests := []struct {
		name    string
		owner   app.ID
		readers []app.ID
		want    []app.ID
		members []app.ID
		key     string // catalogue key of the refusal, "" when accepted
	}{
		{"none", "cw1", nil, nil, []app.ID{"cw1"}, ""},
		{"empty list is none", "cw1", []app.ID{}, nil, []app.ID{"cw1"}, ""},
		{"sorted", "cw1", []app.ID{"cw3", "cw2"}, []app.ID{"cw2", "cw3"}, []app.ID{"cw1", "cw2", "cw3"}, ""},
		{"duplicates dropped", "cw1", []app.ID{"cw2", "cw3", "cw2"}, []app.ID{"cw2", "cw3"}, []app.ID{"cw1", "cw2", "cw3"}, ""},
		{"the owner dropped", "cw2", []app.ID{"cw3", "cw2", "cw1"}, []app.ID{"cw1", "cw3"}, []app.ID{"cw1", "cw2", "cw3"}, ""},
		{"only the owner", "cw1", []app.ID{"cw1", "cw1"}, nil, []app.ID{"cw1"}, ""},
		{"no owner", "", []app.ID{"cw2"}, []app.ID{"cw2"}, []app.ID{"cw2"}, ""},
		{"nobody", "", nil, nil, []app.ID{}, ""},
		{"empty id", "cw1", []app.ID{"cw2", ""}, nil, nil, "invalid.id.length"},
		{"upper case", "cw1", []app.ID{"CW2"}, nil, nil, "invalid.id.id_contain_only"},
		{"shaped like a CPR number", "cw1", []app.ID{"0101011234"}, nil, nil, "invalid.id.id_look_like"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := slices.Clone(tc.readers)
			got, err := app.NormalReaders(tc.owner, tc.readers)
			if !slices.Equal(tc.readers, in) {
				t.Errorf("the caller's slice changed to %v", tc.readers)
			}
			if tc.key != "" {
				var ae *app.Error
				if !errors.As(err, &ae) || ae.Code != app.CodeInvalid || ae.Key != tc.key || ae.Field != "readers" {
					t.Fatalf("NormalReaders = %v, %v; want %s %s on readers", got, err, app.CodeInvalid, tc.key)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if (got == nil) != (tc.want == nil) || !slices.Equal(got, tc.want) {
				t.Errorf("NormalReaders = %#v, want %#v", got, tc.want)
			}
			if m := app.ScopeMembers(tc.owner, got); !slices.Equal(m, tc.members) {
				t.Errorf("ScopeMembers = %v, want %v", m, tc.members)
			}
		})
	}
}
