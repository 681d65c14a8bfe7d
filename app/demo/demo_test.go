package demo_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/app/demo"
	"feltsag.dk/feltsag/internal/testkit"
)

var today = app.MustDate(2026, 3, 12)

func generate(tb testing.TB, seed int64, n int) *demo.Population {
	tb.Helper()
	p, err := demo.Generate(testkit.Rules(tb), seed, n, today)
	if err != nil {
		tb.Fatalf("seed %d, n %d: %v", seed, n, err)
	}
	return p
}

// TestDeterministic: the same seed, size and date give the same
// population; citizen i does not depend on the size; another seed gives
// other people.
func TestDeterministic(t *testing.T) {
	a, b := generate(t, 42, 60), generate(t, 42, 60)
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Fatal("two runs with seed 42 differ")
	}
	small := generate(t, 42, 10)
	for i, s := range small.Sager {
		if !reflect.DeepEqual(s, a.Sager[i]) {
			t.Errorf("citizen %d differs between sizes 10 and 60", i)
		}
		one, err := demo.Citizen(testkit.Rules(t), 42, i, today)
		if err != nil || !reflect.DeepEqual(one, s) {
			t.Errorf("Citizen(%d) differs from the population's (%v)", i, err)
		}
	}
	other := generate(t, 43, 10)
	if other.Sager[0].Borger.CPR == a.Sager[0].Borger.CPR && other.Sager[0].Borger.Navn == a.Sager[0].Borger.Navn {
		t.Error("seeds 42 and 43 give the same first citizen")
	}
}

// TestEveryKontaktgruppe: a population at least as large as the rule
// set's list of kontaktgrupper has a citizen in each of them on today.
func TestEveryKontaktgruppe(t *testing.T) {
	rs, err := testkit.Rules(t).ForDate(today)
	if err != nil {
		t.Fatal(err)
	}
	p := generate(t, 1, len(rs.KG))
	seen := map[int]bool{}
	for _, s := range p.Sager {
		if s.Kontaktgruppe != nil {
			seen[s.Kontaktgruppe.KG] = true
		}
	}
	for id, def := range rs.KG {
		if !seen[id] {
			t.Errorf("no citizen in KG%d (%s)", id, def.Navn)
		}
	}
}

// TestConsistent is the generator's self-check over a larger population:
// every case obeys the rules the engine cannot see across commands, and the
// population has the variety the demos and the PDF tests rely on.
func TestConsistent(t *testing.T) {
	const n = 300
	p := generate(t, 7, n)
	rs, _ := testkit.Rules(t).ForDate(today)
	cprs := map[app.CPR]bool{}
	var v variety
	size := 0
	for i := range p.Sager {
		s := &p.Sager[i]
		checkCase(t, rs, s)
		if cprs[s.Borger.CPR] {
			t.Errorf("citizen %d: CPR %s used twice", i, s.Borger.CPR)
		}
		cprs[s.Borger.CPR] = true
		if _, err := testkit.Rules(t).Overblik(s, today); err != nil {
			t.Errorf("citizen %d: Overblik: %v", i, err)
		}
		v.add(s, today)
		b, _ := json.Marshal(s)
		size += len(b)
	}
	v.check(t)
	t.Logf("%d cases, %.0f bytes of JSON per case on average, %d optional commands refused by the rules",
		n, float64(size)/n, p.Afvist)
	if avg := size / n; avg > 5000 {
		t.Errorf("average case is %d bytes of JSON; the sync benchmark assumes about 2–3 KB", avg)
	}
	if len(p.Sagsbehandlere) != (n+demo.CasesPerCaseworker-1)/demo.CasesPerCaseworker || len(p.Virksomheder) != demo.AntalVirksomheder {
		t.Errorf("%d caseworkers and %d companies", len(p.Sagsbehandlere), len(p.Virksomheder))
	}
}

// checkCase checks one case against rules no single command enforces.
func checkCase(t *testing.T, rs *app.RuleSet, s *app.Sag) {
	t.Helper()
	c := s.Borger.CPR
	if _, err := app.ParseCPR(c.Digits()); err != nil || c.Mod11() {
		t.Errorf("%s: CPR is invalid or passes modulus 11 (%v)", c, err)
	}
	if s.Kontaktgruppe == nil {
		t.Fatalf("%s: no open kontaktgruppe", c)
	}
	def := rs.KG[s.Kontaktgruppe.KG]
	age := c.Age(today)
	if def.MinAlder >= 0 && age < def.MinAlder || def.MaxAlder >= 0 && age > def.MaxAlder {
		t.Errorf("%s: age %d does not fit KG%d (%d–%d)", c, age, def.ID, def.MinAlder, def.MaxAlder)
	}
	if len(s.Planer) == 0 {
		t.Fatalf("%s: no plan", c)
	}
	for _, p := range s.Planer {
		checkPlan(t, def, s, &p)
	}
	for _, id := range []app.ID{s.ID, s.Ansvarlig} {
		if err := id.Validate(); err != nil {
			t.Errorf("%s: bad id %q: %v", c, id, err)
		}
	}
}

func checkPlan(t *testing.T, def *app.KGDef, s *app.Sag, p *app.Plan) {
	t.Helper()
	c := s.Borger.CPR
	switch {
	case (p.Type == app.PlanSDPOpfoelgning) != (def.Gruppe == "SDP"):
		t.Errorf("%s: plan type %s in KG%d (%s)", c, p.Type, def.ID, def.Gruppe)
	case p.Type == app.PlanUddannelse && (def.Gruppe != "UH" || c.Age(today) > 30):
		t.Errorf("%s: uddannelsesplan in KG%d at age %d", c, def.ID, c.Age(today))
	case p.Ansvarlig.Navn == "" || p.Version < 1:
		t.Errorf("%s: plan without responsible caseworker or version", c)
	case p.Status == app.PlanOffentliggjort && p.Type != app.PlanSDPOpfoelgning && len(p.Jobmaal)+len(p.Uddannelsesmaal) == 0:
		t.Errorf("%s: published plan without goals (8015)", c)
	case p.Paalaeg != nil && !p.Paalaeg.Frist.After(p.Offentliggjort) && p.Status == app.PlanOffentliggjort:
		t.Errorf("%s: pålægsfrist %s not after publication %s (8018)", c, p.Paalaeg.Frist, p.Offentliggjort)
	}
}

// variety counts what the population must contain at least once.
type variety struct {
	types                        map[string]bool
	long, syg, ferie, future, ae bool
}

func (v *variety) add(s *app.Sag, today app.Date) {
	if v.types == nil {
		v.types = map[string]bool{}
	}
	for _, p := range s.Planer {
		v.types[p.Type] = true
		v.long = v.long || len(p.Aktiviteter) >= 25
	}
	for _, f := range s.AktiveFravaer(today) {
		v.syg = v.syg || f.Type == "sygemelding"
		v.ferie = v.ferie || f.Type == "ferie"
	}
	for _, m := range s.Samtaler {
		v.future = v.future || m.Status == app.SamtalePlanlagt && m.Dato.After(today)
	}
	v.ae = v.ae || strings.ContainsAny(s.Borger.Navn+s.Borger.Adresse.Vej+s.Borger.Adresse.By, "æøåÆØÅ")
}

func (v *variety) check(t *testing.T) {
	t.Helper()
	for _, typ := range []string{app.PlanJob, app.PlanUddannelse, app.PlanSDPOpfoelgning} {
		if !v.types[typ] {
			t.Errorf("no %s in the population", typ)
		}
	}
	checks := map[string]bool{"a plan of 25+ activities": v.long, "an active sygemelding": v.syg, "an active ferie": v.ferie,
		"a planned samtale": v.future, "æ, ø or å in a name or address": v.ae}
	for what, ok := range checks {
		if !ok {
			t.Errorf("the population has no %s", what)
		}
	}
}

// TestCaseworkersAndCompanies: caseworkers and companies are reproducible,
// with ASCII user names and e-mail on an example domain, and synthetic CVR
// numbers.
func TestCaseworkersAndCompanies(t *testing.T) {
	for k := range 40 {
		cw := demo.Caseworker(3, k)
		if !reflect.DeepEqual(cw, demo.Caseworker(3, k)) {
			t.Fatalf("caseworker %d is not reproducible", k)
		}
		if cw.Navn == "" || !strings.HasSuffix(cw.Email, ".example") || strings.ContainsFunc(cw.Brugernavn, func(r rune) bool { return r > 127 }) {
			t.Errorf("caseworker %d: %+v", k, cw)
		}
		if !strings.HasPrefix(cw.Organisation, "Jobcenter ") {
			t.Errorf("caseworker %d: organisation %q", k, cw.Organisation)
		}
	}
	names := map[string]bool{}
	for k := range demo.AntalVirksomheder {
		v := demo.Virksomhed(3, k)
		names[v.Navn] = true
		if len(v.CVR) != 8 || v.Adresse.Postnr == "" {
			t.Errorf("company %d: %+v", k, v)
		}
	}
	if len(names) < demo.AntalVirksomheder/2 {
		t.Errorf("only %d different company names", len(names))
	}
}

// BenchmarkCitizen measures generating one case through the engine.
func BenchmarkCitizen(b *testing.B) {
	r := testkit.Rules(b)
	i := 0
	for b.Loop() {
		if _, err := demo.Citizen(r, 1, i, today); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "cases/s")
}

// TestManySeeds: no seed makes a command the generator relies on fail
// (every failure names its seed).
func TestManySeeds(t *testing.T) {
	for _, d := range []app.Date{today, app.MustDate(2025, 9, 1), app.MustDate(2026, 8, 3), app.MustDate(2027, 2, 1)} {
		for seed := int64(1); seed <= 40; seed++ {
			if _, err := demo.Generate(testkit.Rules(t), seed, 60, d); err != nil {
				t.Errorf("seed %d, date %s: %v", seed, d, err)
			}
		}
	}
}
