package testkit_test

import (
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/testkit"
)

func TestRulesAreLoadedOnce(t *testing.T) {
	a, b := testkit.Rules(t), testkit.Rules(t)
	if a != b {
		t.Error("two calls loaded the rule tables twice")
	}
	if len(a.Sets) == 0 {
		t.Error("no rule sets")
	}
}

func TestSynthCPR(t *testing.T) {
	tests := []struct {
		name string
		born app.Date
	}{
		{"1900s", app.MustDate(1988, 5, 3)},
		{"2000s", app.MustDate(2004, 2, 29)},
		{"first of the century", app.MustDate(1900, 1, 1)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			seen := map[app.CPR]bool{}
			for _, n := range []int{0, 100, 200} {
				c := testkit.SynthCPR(t, tc.born, n)
				if got := c.BirthDate(); got != tc.born {
					t.Errorf("n=%d: born %s, want %s", n, got, tc.born)
				}
				if c.Mod11() {
					t.Errorf("n=%d: %s passes modulus 11; synthetic numbers must not", n, c.Masked())
				}
				seen[c] = true
			}
			if len(seen) != 3 {
				t.Errorf("three n gave %d numbers", len(seen))
			}
		})
	}
}

func TestCPRForAge(t *testing.T) {
	day := app.MustDate(2026, 3, 12)
	for _, age := range []int{18, 29, 30, 67} {
		if got := testkit.CPRForAge(t, day, age, 1).Age(day); got != age {
			t.Errorf("age %d: the CPR number's age on %s is %d", age, day, got)
		}
	}
}

func TestNewSag(t *testing.T) {
	today := app.MustDate(2026, 3, 12)
	start := today.AddDays(-60)

	s := testkit.NewSag(t, today)
	switch {
	case s.ID != testkit.DefaultSagID, s.Borger.CPR != testkit.DefaultCPR, s.Borger.Navn != testkit.DefaultNavn:
		t.Errorf("identity = %q %s %q, want the defaults", s.ID, s.Borger.CPR, s.Borger.Navn)
	case s.Kontaktgruppe == nil || s.Kontaktgruppe.KG != 1 || s.Kontaktgruppe.Periode.Start != start:
		t.Errorf("kontaktgruppe = %+v, want KG1 from %s", s.Kontaktgruppe, start)
	case !s.Tilmelding.ErTilmeldt() || s.Tilmelding.Siden != start || s.Tilmelding.Kategori != app.KatModtager:
		t.Errorf("tilmelding = %+v, want a modtager registered since %s", s.Tilmelding, start)
	case s.Visitation.Kategori != "match1" || s.Visitation.Dato != start:
		t.Errorf("visitation = %+v, want match1 on %s", s.Visitation, start)
	}

	other := app.MustDate(2026, 1, 5)
	s = testkit.NewSag(t, today, testkit.SagArgs{ID: "x", KG: 25, Start: other, Kategori: "sdp2", NoCPR: true, Unregistered: true})
	switch {
	case s.ID != "x", !s.Borger.CPR.IsZero(), s.Borger.Navn != testkit.DefaultNavn:
		t.Errorf("identity = %q %s %q, want x, no CPR and the default name", s.ID, s.Borger.CPR, s.Borger.Navn)
	case s.Kontaktgruppe.KG != 25 || s.Kontaktgruppe.Periode.Start != other:
		t.Errorf("kontaktgruppe = %+v, want KG25 from %s", s.Kontaktgruppe, other)
	case s.Tilmelding != (app.Tilmelding{}):
		t.Errorf("tilmelding = %+v, want none", s.Tilmelding)
	case s.Visitation.Kategori != "sdp2" || s.Visitation.Dato != other:
		t.Errorf("visitation = %+v, want sdp2 on %s", s.Visitation, other)
	}

	s = testkit.NewSag(t, today, testkit.SagArgs{NoKG: true, NoVisitation: true})
	if s.Kontaktgruppe != nil || s.Visitation != (app.Visitation{}) {
		t.Errorf("kontaktgruppe %+v, visitation %+v, want neither", s.Kontaktgruppe, s.Visitation)
	}
}
