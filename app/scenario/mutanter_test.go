package scenario_test

import (
	"context"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/app/scenario"
	"feltsag.dk/feltsag/assets"
	"feltsag.dk/feltsag/internal/testkit"
)

func mutantByID(t *testing.T, ms []scenario.Mutant, id string) scenario.Mutant {
	t.Helper()
	for _, m := range ms {
		if m.ID == id {
			return m
		}
	}
	t.Fatalf("no mutant %s", id)
	return scenario.Mutant{}
}

// TestMutants: numbers get +1 and −1 (never below 0), ja/nej and 0/1
// parameters with the unit ja/nej are flipped, ids are unique.
func TestMutants(t *testing.T) {
	ms, err := scenario.Mutants(assets.Rules())
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, m := range ms {
		if seen[m.ID] {
			t.Errorf("mutant id %s twice", m.ID)
		}
		seen[m.ID] = true
		if m.Fra == m.Til {
			t.Errorf("%s changes nothing", m.ID)
		}
	}
	tests := []struct{ id, fra, til string }{
		{"parametre.csv:tjob.max_miss@2024-01-01:vaerdi+1", "3", "4"},
		{"parametre.csv:tjob.max_miss@2024-01-01:vaerdi-1", "3", "2"},
		{"parametre.csv:ferie.int.med_ydelse@2025-07-01:vaerdi~", "1", "0"},
		{"parametre.csv:sdp.beskaeftiget_undtaget.uger@2024-01-01:vaerdi+1", "0", "1"},
		{"fravaerstyper.csv:sygemelding@2024-01-01:selvbetjening~", "ja", "nej"},
		{"kontaktgrupper.csv:4@2024-01-01:min_alder-1", "18", "17"},
		{"personkategorier.csv:sdp3@2024-01-01:vaelgbar~", "ja", "nej"},
	}
	for _, tc := range tests {
		m := mutantByID(t, ms, tc.id)
		if m.Fra != tc.fra || m.Til != tc.til {
			t.Errorf("%s: %s → %s, want %s → %s", tc.id, m.Fra, m.Til, tc.fra, tc.til)
		}
	}
	for _, id := range []string{"parametre.csv:sdp.beskaeftiget_undtaget.uger@2024-01-01:vaerdi-1", "kontaktgrupper.csv:1@2024-01-01:kg+1"} {
		if seen[id] {
			t.Errorf("mutant %s should not exist", id)
		}
	}
}

// TestMutantApply: the mutated copy differs from the tables in the one
// cell, and the loaded rules see the new value; the tables are untouched.
func TestMutantApply(t *testing.T) {
	base := assets.Rules()
	ms, err := scenario.Mutants(base)
	if err != nil {
		t.Fatal(err)
	}
	m := mutantByID(t, ms, "parametre.csv:tjob.max_miss@2024-01-01:vaerdi+1")
	fsys, err := m.Apply(base)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := fs.ReadFile(base, "parametre.csv")
	after, _ := fs.ReadFile(fsys, "parametre.csv")
	bl, al := strings.Split(string(before), "\n"), strings.Split(string(after), "\n")
	var diff []string
	for i := range bl {
		if bl[i] != al[i] {
			diff = append(diff, al[i])
		}
	}
	if want := []string{"tjob.max_miss,4,antal,2024-01-01,,[S29] 3. manglende inden for 12 måneder"}; !slices.Equal(diff, want) {
		t.Errorf("changed lines = %q, want %q", diff, want)
	}
	rules, err := app.LoadRules(fsys)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := rules.ForDate(app.MustDate(2026, time.March, 12))
	if err != nil {
		t.Fatal(err)
	}
	if got := rs.P(app.ParamTjobMaxMiss); got != 4 {
		t.Errorf("tjob.max_miss = %d after the mutation, want 4", got)
	}
	if _, err := fs.Stat(fsys, "scenarios"); err == nil {
		t.Error("the copy holds the scenarios folder; only the tables belong in it")
	}
}

func shippedScenarios(t *testing.T) []*scenario.Scenario {
	t.Helper()
	fsys := assets.Scenarios()
	files, err := fs.Glob(fsys, "*.txt")
	if err != nil {
		t.Fatal(err)
	}
	var out []*scenario.Scenario
	for _, f := range files {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			t.Fatal(err)
		}
		ss, err := scenario.Parse(f, strings.NewReader(string(b)))
		if err != nil {
			t.Fatal(testkit.Message(t, err, "da"))
		}
		out = append(out, ss...)
	}
	return out
}

// TestRunMutants: a mutant a scenario notices is killed by it, one no
// scenario notices survives, and scenarios that fail on the unchanged
// tables are an error.
func TestRunMutants(t *testing.T) {
	base := assets.Rules()
	ms, err := scenario.Mutants(base)
	if err != nil {
		t.Fatal(err)
	}
	pick := []scenario.Mutant{
		mutantByID(t, ms, "parametre.csv:tjob.max_miss@2024-01-01:vaerdi+1"),
		mutantByID(t, ms, "parametre.csv:notat.max@2024-01-01:vaerdi+1"),
	}
	all := shippedScenarios(t)
	res, err := scenario.RunMutants(context.Background(), base, all, pick, 2)
	if err != nil {
		t.Fatal(err)
	}
	if !res[0].Killed() || res[0].Killer == nil {
		t.Errorf("%s survived, want it killed by a TJOB scenario", pick[0].ID)
	}
	if res[1].Killed() {
		t.Errorf("%s killed by %v, want it to survive (no scenario writes a 10000-character notat)", pick[1].ID, res[1].Killer)
	}
	bad, err := scenario.Parse("bad.txt", strings.NewReader(failing))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := scenario.RunMutants(context.Background(), base, bad, pick, 1); err == nil || !strings.Contains(err.Error(), "unchanged tables") {
		t.Errorf("err = %v, want one about the unchanged tables", err)
	}
}

// failing is a scenario that fails on the shipped tables.
const failing = `navn: Fejler med vilje
kilde: (A) test
i_dag: 2026-03-12
kontaktgruppe: 1 start=2026-01-05
tilmelding: tilmeldt siden=2026-01-05
handling: registrer_fravaer af=borger fravaer_id=f1 type=sygemelding start=2026-03-11
forventet: godkendt
`

func TestJudge(t *testing.T) {
	killer := &scenario.Scenario{File: "a.txt", Line: 1}
	res := func(id string, killed bool) scenario.MutantResult {
		r := scenario.MutantResult{Mutant: scenario.Mutant{ID: id}}
		if killed {
			r.Killer = killer
		}
		return r
	}
	results := []scenario.MutantResult{
		res("p.csv:a@1:vaerdi+1", false),
		res("p.csv:a@1:vaerdi-1", false),
		res("p.csv:b@1:vaerdi+1", false),
		res("p.csv:c@1:vaerdi+1", true),
	}
	accepted := []scenario.Survivor{
		{Mutant: "p.csv:a@*", Begrundelse: "pattern", Linje: 2},
		{Mutant: "p.csv:c@1:vaerdi+1", Begrundelse: "killed now: stale", Linje: 3},
		{Mutant: "q.csv:*", Begrundelse: "not in this run", Linje: 4},
	}
	for _, full := range []bool{false, true} {
		ok, notOK, stale := scenario.Judge(results, accepted, full)
		if len(ok) != 2 || ok["p.csv:a@1:vaerdi+1"] != &accepted[0] {
			t.Errorf("full=%v: ok = %v", full, ok)
		}
		if len(notOK) != 1 || notOK[0].Mutant.ID != "p.csv:b@1:vaerdi+1" {
			t.Errorf("full=%v: notOK = %v", full, notOK)
		}
		var got []string
		for _, s := range stale {
			got = append(got, s.Mutant)
		}
		want := []string{"p.csv:c@1:vaerdi+1"}
		if full {
			want = append(want, "q.csv:*")
		}
		if !slices.Equal(got, want) {
			t.Errorf("full=%v: stale = %q, want %q", full, got, want)
		}
	}
}

func TestReadSurvivors(t *testing.T) {
	if _, err := scenario.ReadSurvivors(strings.NewReader("mutant,begrundelse\np.csv:a@*,\"x, y\"\n")); err != nil {
		t.Errorf("err = %v", err)
	}
	if _, err := scenario.ReadSurvivors(strings.NewReader("mutant,begrundelse\np.csv:a@*,\n")); err == nil {
		t.Error("a row without a reason: no error")
	}
}
