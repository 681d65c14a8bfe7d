package app_test

import (
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/testkit"
)

// TestCheckInvariants: a consistent case passes, and each condition is
// broken by one change to it and reported under its own key.
func TestCheckInvariants(t *testing.T) {
	rules := testkit.Rules(t)
	today := app.MustDate(2026, 3, 12)
	sick := func(s *app.Sag) {
		s.Fravaer = append(s.Fravaer, app.Fravaer{ID: "f1", Type: app.FravaerSygemelding, Periode: app.Period{Start: today.AddDays(-2)}})
	}
	tests := []struct {
		name   string
		change func(*app.Sag)
		want   string // key; "" = consistent
	}{
		{"testkit's default case", func(*app.Sag) {}, ""},
		{"no kontaktgruppe", func(s *app.Sag) { s.Kontaktgruppe = nil }, ""},
		{"KG2 with ikke_visiteret", func(s *app.Sag) { s.Kontaktgruppe.KG = 2; s.Visitation.Kategori = app.KategoriIkkeVisiteret }, ""},
		{"KG25 with sdp2", func(s *app.Sag) { s.Kontaktgruppe.KG = 25; s.Visitation.Kategori = app.KategoriSDP2 }, ""},
		{"sick and deregistered", func(s *app.Sag) { sick(s); s.Tilmelding.Status = app.IkkeTilmeldt }, ""},
		{"sick in løntilskud stays registered", func(s *app.Sag) { sick(s); s.Ydelse.Loentilskud = true }, ""},
		{"sickness ahead, afmelding planned", func(s *app.Sag) {
			sick(s)
			s.Fravaer[0].Periode.Start = today.AddDays(3)
			s.Tilmelding.Afmeldes, s.Tilmelding.AfmeldesAarsag = today.AddDays(3), app.AfmeldSygdom
		}, ""},
		{"ended KG period before the open one", func(s *app.Sag) {
			s.KGHistorik = []app.KGForloeb{{KG: 2, Periode: app.Period{Start: today.AddDays(-200), Slut: today.AddDays(-61)}}}
		}, ""},
		{"KG1 with sdp2", func(s *app.Sag) { s.Visitation.Kategori = app.KategoriSDP2 }, app.InvariantKGKategori},
		{"KG1 with ikke_visiteret", func(s *app.Sag) { s.Visitation.Kategori = app.KategoriIkkeVisiteret }, app.InvariantKGKategori},
		{"KG2 without category", func(s *app.Sag) { s.Kontaktgruppe.KG = 2; s.Visitation.Kategori = "" }, app.InvariantKGKategori},
		{"KG10 with match1", func(s *app.Sag) { s.Kontaktgruppe.KG = 10 }, app.InvariantKGKategori},
		{"unknown category", func(s *app.Sag) { s.Visitation.Kategori = "match9" }, app.InvariantKategoriUkendt},
		{"KG9 does not exist", func(s *app.Sag) { s.Kontaktgruppe.KG = 9 }, app.InvariantKGUkendt},
		{"open KG with an end", func(s *app.Sag) { s.Kontaktgruppe.Periode.Slut = today }, app.InvariantKGPerioder},
		{"open KG before an ended one", func(s *app.Sag) {
			s.KGHistorik = []app.KGForloeb{{KG: 2, Periode: app.Period{Start: today.AddDays(-10), Slut: today.AddDays(-5)}}}
		}, app.InvariantKGPerioder},
		{"ended KG without end", func(s *app.Sag) {
			s.KGHistorik = []app.KGForloeb{{KG: 2, Periode: app.Period{Start: today.AddDays(-100)}}}
		}, app.InvariantKGPerioder},
		{"aktivitetsparat and registered", func(s *app.Sag) { s.Kontaktgruppe.KG = 2; s.Visitation.Kategori = app.KategoriAktivitetsparat }, app.InvariantAktivitetsparat},
		{"sick and registered", sick, app.InvariantAfmeldendeFravaer},
		{"barsel and registered", func(s *app.Sag) {
			s.Fravaer = []app.Fravaer{{ID: "b1", Type: "barsel", Periode: app.Period{Start: today}}}
		}, app.InvariantAfmeldendeFravaer},
		{"ikke ledig outside SF", func(s *app.Sag) { s.Tilmelding.Ledighedsstatus = "ikke_ledig" }, app.InvariantIkkeLedig},
		{"uden_ydelse in DP", func(s *app.Sag) { s.Tilmelding.Kategori = app.KatUdenYdelse }, app.InvariantTilmeldekategori},
		{"dimittend in KH", func(s *app.Sag) {
			s.Kontaktgruppe.KG = 2
			s.Visitation.Kategori = app.KategoriJobparat
			s.Tilmelding.Kategori = app.KatDimittend
		}, app.InvariantTilmeldekategori},
		{"registered without kategori", func(s *app.Sag) { s.Tilmelding.Kategori = "" }, app.InvariantTilmelding},
		{"planned afmelding while deregistered", func(s *app.Sag) {
			s.Tilmelding.Status = app.IkkeTilmeldt
			s.Tilmelding.Afmeldes, s.Tilmelding.AfmeldesAarsag = today.AddDays(5), app.AfmeldOenske
		}, app.InvariantTilmelding},
		{"registered after death", func(s *app.Sag) { s.Borger.Doed = today.AddDays(-1) }, app.InvariantDoed},
		{"fravær ends before it starts", func(s *app.Sag) {
			s.Fravaer = []app.Fravaer{{ID: "f1", Type: app.FravaerFerie, Periode: app.Period{Start: today, Slut: today.AddDays(-1)}}}
		}, app.InvariantFravaer},
		{"two fravær with one id", func(s *app.Sag) {
			f := app.Fravaer{ID: "f1", Type: app.FravaerFerie, Periode: app.Period{Start: today.AddDays(30), Slut: today.AddDays(31)}}
			s.Fravaer = []app.Fravaer{f, f}
		}, app.InvariantFravaer},
		{"ferie without end", func(s *app.Sag) {
			s.Fravaer = []app.Fravaer{{ID: "f1", Type: app.FravaerFerie, Periode: app.Period{Start: today.AddDays(30)}}}
		}, app.InvariantFravaer},
		{"raskmeldt without reason", func(s *app.Sag) {
			s.Tilmelding.Status = app.IkkeTilmeldt
			s.Fravaer = []app.Fravaer{{ID: "f1", Type: app.FravaerSygemelding, Periode: app.Period{Start: today.AddDays(-9), Slut: today.AddDays(-5)}}}
		}, app.InvariantFravaer},
		{"barsel max 14 for 15 days", func(s *app.Sag) {
			s.Fravaer = []app.Fravaer{{ID: "f1", Type: "barsel_max14", Periode: app.Period{Start: today.AddDays(30), Slut: today.AddDays(44)}}}
		}, app.InvariantFravaerVarighed},
		// Barsel is never allowed in KG1 (A4.3, robust); barsel max 14 dage
		// is (A4.2 row 4), also in KG2 since the probe's decision.
		{"barsel ahead in KG1", func(s *app.Sag) {
			s.Tilmelding.Status = app.IkkeTilmeldt // barsel deregisters; this case is about the group
			s.Fravaer = []app.Fravaer{{ID: "f1", Type: "barsel", Periode: app.Period{Start: today.AddDays(30), Slut: today.AddDays(40)}}}
		}, app.InvariantFravaerKG},
		{"a barsel in KG1 that has ended does not count", func(s *app.Sag) {
			s.Tilmelding.Status = app.IkkeTilmeldt
			s.Fravaer = []app.Fravaer{{ID: "f1", Type: "barsel", Periode: app.Period{Start: today.AddDays(-30), Slut: today.AddDays(-20)}}}
		}, ""},
		{"two samtaler with one id", func(s *app.Sag) {
			m := app.Samtale{ID: "s1", Type: "jobsamtale", Dato: today, Status: app.SamtalePlanlagt}
			s.Samtaler = []app.Samtale{m, m}
		}, app.InvariantRecord},
		{"plan version 0", func(s *app.Sag) {
			s.Planer = []app.Plan{{ID: "p1", Type: app.PlanJob, Status: app.PlanUdkast}}
		}, app.InvariantRecord},
		{"published plan without date", func(s *app.Sag) {
			s.Planer = []app.Plan{{ID: "p1", Type: app.PlanJob, Status: app.PlanOffentliggjort, Version: 1}}
		}, app.InvariantRecord},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := testkit.NewSag(t, today)
			tc.change(s)
			err := rules.CheckInvariants(s, today)
			if got := invariantKey(err); got != tc.want {
				t.Fatalf("CheckInvariants = %v, want key %q", err, tc.want)
			}
			if err != nil {
				if got := app.ErrorCode(err); got != app.CodeInternal {
					t.Errorf("code = %q, want %q", got, app.CodeInternal)
				}
				if errText(t, err, "da") == "" || errText(t, err, "en") == "" {
					t.Error("no text in both languages")
				}
			}
		})
	}
}

// TestCheckInvariantsMaterialises: a planned afmelding is read as done on
// its date, so a sickness starting that day is consistent on it.
func TestCheckInvariantsMaterialises(t *testing.T) {
	rules := testkit.Rules(t)
	today := app.MustDate(2026, 3, 12)
	s := testkit.NewSag(t, today)
	s.Tilmelding.Afmeldes, s.Tilmelding.AfmeldesAarsag = today.AddDays(3), app.AfmeldSygdom
	s.Fravaer = []app.Fravaer{{ID: "f1", Type: app.FravaerSygemelding, Periode: app.Period{Start: today.AddDays(3)}}}
	for _, day := range []app.Date{today, today.AddDays(3), today.AddDays(10)} {
		if err := rules.CheckInvariants(s, day); err != nil {
			t.Errorf("on %s: %v", day, err)
		}
	}
	if s.Tilmelding.Status != app.Tilmeldt {
		t.Error("CheckInvariants changed the case")
	}
	if err := rules.CheckInvariants(s, app.MustDate(2023, 12, 31)); app.ErrorCode(err) != app.CodeNotFound {
		t.Errorf("before any rule set: %v, want not_found", err)
	}
	if err := rules.CheckInvariants(nil, today); app.ErrorCode(err) != app.CodeInvalid {
		t.Errorf("nil case: %v, want invalid", err)
	}
}

// TestCheckStep: versions never decrease and records are never taken
// away, besides the conditions on the case after the step.
func TestCheckStep(t *testing.T) {
	rules := testkit.Rules(t)
	today := app.MustDate(2026, 3, 12)
	base := func() *app.Sag {
		s := testkit.NewSag(t, today)
		s.Version = 7
		s.Versions = map[string]int64{"tilmelding": 5}
		s.Notater = []app.Notat{{ID: "n1", Tekst: "Første", Tid: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}}
		s.Fravaer = []app.Fravaer{{ID: "f1", Type: app.FravaerFerie, Periode: app.Period{Start: today.AddDays(30), Slut: today.AddDays(31)}}}
		s.Samtaler = []app.Samtale{{ID: "s1", Type: "jobsamtale", Dato: today.AddDays(3), Status: app.SamtalePlanlagt}}
		s.Planer = []app.Plan{{ID: "p1", Type: app.PlanJob, Status: app.PlanUdkast, Version: 2}}
		s.Sanktioner = []app.Sanktion{{ID: "x1", Type: "fradrag", Haendelse: today.AddDays(-3)}}
		s.Vejledninger = []app.Vejledning{{ID: "v1", Type: "las35", Dato: today.AddDays(-90)}}
		s.KGHistorik = []app.KGForloeb{{KG: 2, Periode: app.Period{Start: today.AddDays(-200), Slut: today.AddDays(-61)}}}
		return s
	}
	tests := []struct {
		name   string
		change func(*app.Sag)
		want   string
	}{
		{"nothing changed", func(*app.Sag) {}, ""},
		{"a note added", func(s *app.Sag) { s.Notater = append(s.Notater, app.Notat{ID: "n2", Tekst: "Anden"}) }, ""},
		{"a fravær deleted by marking it", func(s *app.Sag) { s.Fravaer[0].Slettet = true }, ""},
		{"versions go up", func(s *app.Sag) { s.Version = 8; s.Versions["tilmelding"] = 8 }, ""},
		{"case version down", func(s *app.Sag) { s.Version = 6 }, app.InvariantVersion},
		{"field version down", func(s *app.Sag) { s.Versions = nil }, app.InvariantVersion},
		{"note edited", func(s *app.Sag) { s.Notater[0].Tekst = "Ændret" }, app.InvariantAppendOnly},
		{"note removed", func(s *app.Sag) { s.Notater = nil }, app.InvariantAppendOnly},
		{"fravær removed", func(s *app.Sag) { s.Fravaer = nil }, app.InvariantAppendOnly},
		{"samtale removed", func(s *app.Sag) { s.Samtaler = nil }, app.InvariantAppendOnly},
		{"plan version down", func(s *app.Sag) { s.Planer[0].Version = 1 }, app.InvariantAppendOnly},
		{"sanction changed", func(s *app.Sag) { s.Sanktioner[0].Type = "ophoer" }, app.InvariantAppendOnly},
		{"vejledning removed", func(s *app.Sag) { s.Vejledninger = nil }, app.InvariantAppendOnly},
		{"earlier KG period changed", func(s *app.Sag) { s.KGHistorik[0].Periode.Slut = today.AddDays(-62) }, app.InvariantAppendOnly},
		{"another citizen", func(s *app.Sag) { s.Borger.CPR = testkit.CPR(t, "0202902002") }, app.InvariantIdentitet},
		{"the case after is inconsistent", func(s *app.Sag) { s.Visitation.Kategori = app.KategoriSDP1 }, app.InvariantKGKategori},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before, after := base(), base()
			tc.change(after)
			err := rules.CheckStep(before, after, today)
			if got := invariantKey(err); got != tc.want {
				t.Fatalf("CheckStep = %v, want key %q", err, tc.want)
			}
		})
	}
}

// invariantKey returns the catalogue key of an invariant violation, "" for
// nil and the error's text for any other error.
func invariantKey(err error) string {
	if err == nil {
		return ""
	}
	e := app.AsError(err)
	if e.Code != app.CodeInternal {
		return err.Error()
	}
	return e.Key
}
