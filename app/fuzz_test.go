package app_test

import (
	"encoding/json"
	"maps"
	"slices"
	"testing"
	"testing/fstest"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/testkit"
)

// FuzzLoadRules feeds arbitrary bytes as one rule table (the others
// intact): the loader must return an error or rules, never panic.
func FuzzLoadRules(f *testing.F) {
	base := shippedTables(f)
	names := slices.Sorted(maps.Keys(base))
	for i, n := range names {
		f.Add(uint8(i), base[n])
	}
	f.Add(uint8(0), []byte("version,navn\n\"unterminated"))
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		fsys := fstest.MapFS{}
		for n, b := range base {
			fsys[n] = &fstest.MapFile{Data: b}
		}
		fsys[names[int(which)%len(names)]] = &fstest.MapFile{Data: data}
		r, err := app.LoadRules(fsys)
		if err == nil && len(r.Sets) == 0 {
			t.Fatal("rules without rule sets accepted")
		}
		if err != nil && app.ErrorCode(err) != app.CodeInvalid && app.ErrorCode(err) != app.CodeNotFound {
			t.Fatalf("unexpected error code %s: %v", app.ErrorCode(err), err)
		}
	})
}

// FuzzCommandDecode feeds arbitrary JSON to the command decoder and runs
// whatever decodes through the engine: errors are fine, panics are not.
func FuzzCommandDecode(f *testing.F) {
	eng := app.NewEngine(testkit.Rules(f))
	today := app.MustDate(2026, 3, 12)
	sag := testkit.NewSag(f, today)
	for _, body := range []app.Body{
		&app.RegistrerFravaer{FravaerID: "f1", Type: "sygemelding", Start: today},
		&app.Afmeld{Dato: today, Aarsag: "oenske"},
		&app.Visiter{Kategori: "match2"},
		&app.GemPlan{PlanID: "p1", Type: "jobplan", Indhold: app.PlanIndhold{Jobmaal: []string{"Lager"}}},
	} {
		b, _ := json.Marshal(command("c1", sag, app.RolleSagsbehandler, today, body))
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var c app.Command
		if err := json.Unmarshal(data, &c); err != nil {
			return
		}
		c.Sag = sag.ID
		res, err := eng.Execute(sag, c)
		if err == nil && res.Sag == nil {
			t.Fatal("accepted without a new state")
		}
		if err != nil && errText(t, err, "da") == "" {
			t.Fatal("error without a Danish message")
		}
	})
}
