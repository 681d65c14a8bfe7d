package demo_test

import (
	"encoding/json"
	"slices"
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/app/demo"
	"feltsag.dk/feltsag/internal/testkit"
)

func fieldKit(t *testing.T, seed int64, n int) (*demo.Population, *demo.FieldKit) {
	t.Helper()
	p := generate(t, seed, n)
	fk, err := demo.Companies(testkit.Rules(t), p)
	if err != nil {
		t.Fatalf("seed %d: Companies: %v", seed, err)
	}
	return p, fk
}

// TestFieldKitDeterministic: the same seed, size and date give the same
// companies and the same citizens' plans.
func TestFieldKitDeterministic(t *testing.T) {
	pa, a := fieldKit(t, 42, 200)
	pb, b := fieldKit(t, 42, 200)
	for _, pair := range [][2]any{{a, b}, {pa.Sager, pb.Sager}} {
		ja, _ := json.Marshal(pair[0])
		jb, _ := json.Marshal(pair[1])
		if string(ja) != string(jb) {
			t.Fatal("two runs with seed 42 differ")
		}
	}
}

// TestFieldKit: the demo companies are valid and varied, owned by the
// team's accounts, with visits, openings, places and running placements
// whose tilbud is in the citizen's plan; the first caseworker, whom the
// demo client signs in as, is on the team and owns companies.
func TestFieldKit(t *testing.T) {
	for _, seed := range []int64{1, 7, 42} {
		p, fk := fieldKit(t, seed, 200)
		first := app.ID(p.Sagsbehandlere[0].Brugernavn)
		if !slices.Contains(fk.Medlemmer, first) || len(fk.Konsulenter) != demo.AntalKonsulenter {
			t.Errorf("seed %d: team %v, %d consultants", seed, fk.Medlemmer, len(fk.Konsulenter))
		}
		for _, k := range fk.Konsulenter {
			for _, cw := range p.Sagsbehandlere {
				if k.Brugernavn == cw.Brugernavn {
					t.Errorf("seed %d: consultant and caseworker share the user name %s", seed, k.Brugernavn)
				}
			}
			if err := app.ID(k.Brugernavn).Validate(); err != nil || k.Rolle != demo.RolleKonsulent {
				t.Errorf("seed %d: consultant %+v: %v", seed, k, err)
			}
		}
		if n := len(fk.Virksomheder); n < 8 || n > 15 {
			t.Errorf("seed %d: %d companies, want 8–15", seed, n)
		}
		rs, _ := testkit.Rules(t).ForDate(today)
		sager := map[app.ID]*app.Sag{}
		for i := range p.Sager {
			sager[p.Sager[i].ID] = &p.Sager[i]
			checkCase(t, rs, &p.Sager[i]) // the placements' tilbud keep the case consistent
		}
		var c count
		brancher := map[string]bool{}
		for _, v := range fk.Virksomheder {
			brancher[v.Branchekode] = true
			checkVirksomhed(t, v, fk, sager, &c)
			if v.Ansvarlig == first {
				c.egne++
			}
		}
		t.Logf("seed %d: %d companies, %d open openings, %d places, %d running placements, %d referrals, %d refused",
			seed, len(fk.Virksomheder), c.aabne, c.pladser, c.placeringer, c.henvisninger, fk.Afvist)
		switch {
		case len(brancher) != len(fk.Virksomheder):
			t.Errorf("seed %d: %d industries for %d companies", seed, len(brancher), len(fk.Virksomheder))
		case c.egne == 0:
			t.Errorf("seed %d: the first caseworker owns no company", seed)
		case c.placeringer < 4 || c.aabne < 8 || c.henvisninger < 4 || c.opfoelgning < len(fk.Virksomheder):
			t.Errorf("seed %d: too little to show: %+v", seed, c)
		}
	}
}

type count struct{ egne, aabne, pladser, placeringer, henvisninger, opfoelgning int }

func checkVirksomhed(t *testing.T, v *app.Virksomhed, fk *demo.FieldKit, sager map[app.ID]*app.Sag, c *count) {
	t.Helper()
	if _, err := app.ParseCVR(string(v.CVR)); err != nil {
		t.Errorf("%s: CVR %s: %v", v.Navn, v.CVR, err)
	}
	for _, e := range v.Enheder {
		if _, ok, err := app.ParsePNummer(string(e.PNummer)); !ok || err != nil {
			t.Errorf("%s: P-number %s fails its check (%v)", v.Navn, e.PNummer, err)
		}
	}
	if !slices.Contains(fk.Medlemmer, v.Ansvarlig) || len(v.Kontakter) == 0 || len(v.KontaktLog) < 2 {
		t.Errorf("%s: owner %q, %d contacts, %d visits", v.Navn, v.Ansvarlig, len(v.Kontakter), len(v.KontaktLog))
	}
	s := app.VirksomhedSummaryOf(v, today)
	c.aabne += s.AabneJobordrer
	c.pladser += s.Pladser
	c.placeringer += s.AktivePlaceringer
	c.henvisninger += len(v.Henvisninger)
	if !s.Opfoelgning.IsZero() {
		c.opfoelgning++
	}
	for _, pl := range v.Placeringer {
		sag := sager[pl.Sag]
		if sag == nil {
			t.Errorf("%s: placement of an unknown case %s", v.Navn, pl.Sag)
			continue
		}
		found := false
		for _, plan := range sag.Planer {
			for _, a := range plan.Aktiviteter {
				found = found || a.Udbyder == v.Navn && a.Periode == pl.Periode
			}
		}
		if !found {
			t.Errorf("%s: the placement of %s is not a tilbud in the citizen's plan", v.Navn, pl.Sag)
		}
	}
}

// TestFieldKitCandidates: the demo's openings find candidates whose CV
// matches the occupation, so the candidates screen has something to show.
func TestFieldKitCandidates(t *testing.T) {
	p, fk := fieldKit(t, 1, 200)
	var profiler []app.KandidatProfil
	for i := range p.Sager[:demo.CasesPerCaseworker] {
		profiler = append(profiler, app.KandidatProfilOf(&p.Sager[i]))
	}
	match := 0
	for _, v := range fk.Virksomheder {
		for _, j := range v.Jobordrer {
			got, err := testkit.Rules(t).Kandidater(app.KandidatSoegning{Jobordre: &j, Sektor: v.Sektor}, profiler)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range got {
				for _, g := range c.Grunde {
					if g.Key == "kandidat.stilling" {
						match++
					}
				}
			}
		}
	}
	if match == 0 {
		t.Error("no demo opening has a candidate whose CV matches it")
	}
}

// TestFieldKitManySeeds: no seed or date makes a company command the
// generator relies on fail, and every seed places someone.
func TestFieldKitManySeeds(t *testing.T) {
	for _, d := range []app.Date{today, app.MustDate(2025, 9, 1), app.MustDate(2026, 1, 20), app.MustDate(2027, 2, 1)} {
		for seed := int64(1); seed <= 12; seed++ {
			p, err := demo.Generate(testkit.Rules(t), seed, 80, d)
			if err != nil {
				t.Fatalf("seed %d, date %s: %v", seed, d, err)
			}
			fk, err := demo.Companies(testkit.Rules(t), p)
			if err != nil {
				t.Errorf("seed %d, date %s: %v", seed, d, err)
				continue
			}
			n := 0
			for _, v := range fk.Virksomheder {
				n += len(v.Placeringer)
			}
			if n < 4 {
				t.Errorf("seed %d, date %s: %d placements", seed, d, n)
			}
		}
	}
}
