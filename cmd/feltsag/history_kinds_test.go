package main

import (
	"encoding/json"
	"io/fs"
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/assets"
	"feltsag.dk/feltsag/store"
)

// TestResolveKindsHaveHistoryNames: a decision on a conflict is audited
// in the replica with the kind store.AuditKindResolve + the decision, and
// the Historik tab names it from the catalogue, in both languages. Found
// by the caseworker's day: the desktop's Historik said "Ændring:
// resolve_mine".
func TestResolveKindsHaveHistoryNames(t *testing.T) {
	for _, lang := range []string{"da", "en"} {
		b, err := fs.ReadFile(assets.I18n(), assets.I18nDir+"/"+lang+".json")
		if err != nil {
			t.Fatal(err)
		}
		var keys map[string]json.RawMessage
		if err := json.Unmarshal(b, &keys); err != nil {
			t.Fatal(err)
		}
		for _, d := range []string{app.ResolveKeepTheirs, app.ResolveTakeMine} {
			if key := "history.kind." + store.AuditKindResolve + d; len(keys[key]) == 0 {
				t.Errorf("%s.json has no %s", lang, key)
			}
		}
	}
}
