package app_test

import (
	"encoding/json"
	"strings"
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/testkit"
)

// The company domain's tests: the rules at a company (DOMAIN B2–B7, B9) at
// their boundaries, the placement's command on the citizen's case, and the
// field policies of a company's fields.

const (
	pA = "1000000007" // a P-unit that passes the modulus-11 check
	pB = "1000000015" // a second P-unit of the same company
)

// firma is a company under construction in a test, and the engine.
type firma struct {
	t   *testing.T
	eng *app.Engine
	v   *app.Virksomhed
	day app.Date
	n   int
}

func vcmd(id string, v app.ID, day app.Date, body app.VBody) app.VCommand {
	return app.VCommand{ID: app.ID(id), Virksomhed: v, Actor: app.Actor{Rolle: app.RolleSagsbehandler, ID: "vk-1"}, At: at(day), Body: body}
}

// newFirma creates a company with sector sektor and the P-units pA and
// pB, with ansatte ordinary FTE each, and the CVR-level staff 20/20.
func newFirma(t *testing.T, day app.Date, sektor string, ansatte float64) *firma {
	t.Helper()
	f := &firma{t: t, eng: app.NewEngine(testkit.Rules(t)), day: day}
	f.must(nil, &app.OpretVirksomhed{CVR: "DK-13 74 81 36", Navn: "Østerå Tømrer ApS", Sektor: sektor,
		Adresse: app.Adresse{Vej: "Åboulevarden 1", Postnr: "8000", By: "Aarhus C"}})
	for _, p := range []string{pA, pB} {
		f.must(nil, &app.RegistrerEnhed{PNummer: p, Navn: "Værksted " + p})
		f.must(nil, &app.OpdaterAnsatte{PNummer: app.PNummer(p), Ansatte: ansatte})
	}
	f.must(nil, &app.OpdaterAnsatte{SenesteMaaned: 20, Gns12Mdr: 20})
	for _, o := range []string{app.OrdningPraktik, app.OrdningLoentilskud, app.OrdningJobrotation, app.OrdningFleksjob} {
		f.must(nil, &app.GemPlads{PladsID: app.ID(o), Ordning: o, PNummer: pA, Titel: "Tømrer", Antal: 5, Timer: 37,
			Periode: app.Period{Start: day.AddDays(-90)}})
		f.must(nil, &app.GemPlads{PladsID: app.ID(o + "-b"), Ordning: o, PNummer: pB, Titel: "Tømrer", Antal: 5, Timer: 37,
			Periode: app.Period{Start: day.AddDays(-90)}})
	}
	return f
}

// run executes body on the company as of f.day.
func (f *firma) run(sag *app.Sag, body app.VBody) (*app.VResult, error) {
	f.t.Helper()
	f.n++
	id := app.ID("v-1")
	if f.v != nil {
		id = f.v.ID
	}
	res, err := f.eng.ExecuteVirksomhed(f.v, vcmd("vc-"+itoaT(f.n), id, f.day, body), sag)
	if err == nil {
		f.v = res.Virksomhed
	}
	return res, err
}

func (f *firma) must(sag *app.Sag, body app.VBody) *app.VResult {
	f.t.Helper()
	res, err := f.run(sag, body)
	if err != nil {
		f.t.Fatalf("%s: %v", body.Kind(), err)
	}
	return res
}

func itoaT(n int) string { b, _ := json.Marshal(n); return string(b) }

func period(start app.Date, days int) app.Period {
	return app.Period{Start: start, Slut: start.AddDays(days - 1)}
}

// borger returns a case of the kontaktgruppe kg with category kat.
func borger(t *testing.T, today app.Date, id string, kg int, kat string) *app.Sag {
	t.Helper()
	return testkit.NewSag(t, today, testkit.SagArgs{ID: app.ID(id), KG: kg, Kategori: kat})
}

// TestRimelighedMax: the formula of DOMAIN B2 at its steps [S100].
func TestRimelighedMax(t *testing.T) {
	rs, err := testkit.Rules(t).ForDate(app.MustDate(2026, 3, 2))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		ansatte float64
		want    int
	}{{0, 1}, {4.99, 1}, {9.8, 1}, {9.99, 1}, {10, 2}, {14.99, 2}, {15, 3}, {20, 4}, {49.99, 9}, {50, 10}, {59.99, 10}, {60, 11}, {70, 12}} {
		if got := rs.RimelighedMax(tc.ansatte); got != tc.want {
			t.Errorf("RimelighedMax(%v) = %d, want %d", tc.ansatte, got, tc.want)
		}
	}
}

// TestPlacerRules: each company rule at its limit, one over and one under
// (DOMAIN B9), with the code it refuses with.
func TestPlacerRules(t *testing.T) {
	day := app.MustDate(2026, 3, 2) // Monday, rule set 2026-02
	type prior struct {
		plads string
		timer float64
		days  int
	}
	tests := []struct {
		name    string
		sektor  string
		ansatte float64
		prior   []prior
		kg      int
		kat     string
		body    app.Placer
		want    string // "" accepted, or the error's rule or code
		warn    string
	}{
		// Rimelighedskrav (B9 nr. 8–15).
		{name: "owner only: 1 allowed", ansatte: 0, kg: 2, kat: "aktivitetsparat", body: app.Placer{PladsID: "virksomhedspraktik", Timer: 37}},
		{name: "owner only: a second is blocked", ansatte: 0, prior: []prior{{"virksomhedspraktik", 37, 28}}, kg: 2, kat: "aktivitetsparat",
			body: app.Placer{PladsID: "loentilskud", Timer: 37}, want: "vh-rimelighed"},
		{name: "9,8 FTE with one in praktik: blocked", ansatte: 9.8, prior: []prior{{"virksomhedspraktik", 37, 28}}, kg: 2, kat: "aktivitetsparat",
			body: app.Placer{PladsID: "virksomhedspraktik", Timer: 37}, want: "vh-rimelighed"},
		{name: "10,0 FTE with one in praktik: allowed (2)", ansatte: 10, prior: []prior{{"virksomhedspraktik", 37, 28}}, kg: 2, kat: "aktivitetsparat",
			body: app.Placer{PladsID: "virksomhedspraktik", Timer: 37}},
		{name: "two half-time fill one place", ansatte: 0, prior: []prior{{"virksomhedspraktik", 18.5, 28}}, kg: 2, kat: "aktivitetsparat",
			body: app.Placer{PladsID: "virksomhedspraktik", Timer: 18.5}},
		{name: "half-time over a full place: blocked", ansatte: 0, prior: []prior{{"virksomhedspraktik", 37, 28}}, kg: 2, kat: "aktivitetsparat",
			body: app.Placer{PladsID: "virksomhedspraktik", Timer: 18.5}, want: "vh-rimelighed"},
		{name: "another P-unit's placement uses no capacity", ansatte: 0, prior: []prior{{"virksomhedspraktik-b", 37, 28}}, kg: 2, kat: "aktivitetsparat",
			body: app.Placer{PladsID: "virksomhedspraktik", Timer: 37}},
		{name: "fleksjob is not counted", ansatte: 0, prior: []prior{{"fleksjob", 37, 28}}, kg: 2, kat: "aktivitetsparat",
			body: app.Placer{PladsID: "virksomhedspraktik", Timer: 37}},
		{name: "sygedagpenge at own employer: not counted", ansatte: 0, prior: []prior{{"virksomhedspraktik", 37, 28}}, kg: 24, kat: "sdp1",
			body: app.Placer{PladsID: "virksomhedspraktik", Timer: 37, EgenArbejdsgiver: true}},
		{name: "sygedagpenge elsewhere: counted", ansatte: 0, prior: []prior{{"virksomhedspraktik", 37, 28}}, kg: 24, kat: "sdp1",
			body: app.Placer{PladsID: "virksomhedspraktik", Timer: 37}, want: "vh-rimelighed"},

		// Praktik durations (B9 nr. 21–23).
		{name: "dagpenge praktik 4 weeks", ansatte: 10, kg: 1, kat: "match1", body: app.Placer{PladsID: "virksomhedspraktik", Timer: 37, Periode: period(day, 28)}},
		{name: "dagpenge praktik 4 weeks and a day", ansatte: 10, kg: 1, kat: "match1", body: app.Placer{PladsID: "virksomhedspraktik", Timer: 37, Periode: period(day, 29)}, want: "vh-varighed"},
		{name: "dagpenge praktik 5 weeks with a reason: still refused", ansatte: 10, kg: 1, kat: "match1", body: app.Placer{PladsID: "virksomhedspraktik", Timer: 37, Periode: period(day, 35), Begrundelse: "x"}, want: "vh-varighed"},
		{name: "jobparat KH 4 weeks", ansatte: 10, kg: 2, kat: "jobparat", body: app.Placer{PladsID: "virksomhedspraktik", Timer: 37, Periode: period(day, 28)}},
		{name: "jobparat KH 29 days", ansatte: 10, kg: 2, kat: "jobparat", body: app.Placer{PladsID: "virksomhedspraktik", Timer: 37, Periode: period(day, 29)}, want: "vh-varighed"},
		{name: "aktivitetsparat KH 13 weeks", ansatte: 10, kg: 2, kat: "aktivitetsparat", body: app.Placer{PladsID: "virksomhedspraktik", Timer: 37, Periode: period(day, 91)}},
		{name: "aktivitetsparat KH 13 weeks and a day: needs an assessment", ansatte: 10, kg: 2, kat: "aktivitetsparat", body: app.Placer{PladsID: "virksomhedspraktik", Timer: 37, Periode: period(day, 92)}, want: "vh-forlaengelse"},
		{name: "aktivitetsparat KH 26 weeks with an assessment", ansatte: 10, kg: 2, kat: "aktivitetsparat", body: app.Placer{PladsID: "virksomhedspraktik", Timer: 37, Periode: period(day, 182), Begrundelse: "Konkret vurdering: behov for afklaring"}, warn: "vh-forlaengelse"},
		{name: "aktivitetsparat KH 26 weeks and a day", ansatte: 10, kg: 2, kat: "aktivitetsparat", body: app.Placer{PladsID: "virksomhedspraktik", Timer: 37, Periode: period(day, 183), Begrundelse: "x"}, want: "vh-varighed"},
		{name: "sygedagpenge 20 weeks: a reason, not a block", ansatte: 10, kg: 25, kat: "sdp2", body: app.Placer{PladsID: "virksomhedspraktik", Timer: 37, Periode: period(day, 140), Begrundelse: "Kilderne er uenige"}, warn: "vh-forlaengelse"},

		// Løntilskud durations per sector (B9 nr. 25).
		{name: "dagpenge public løntilskud 4 months", sektor: app.SektorOffentlig, ansatte: 10, kg: 1, kat: "match1",
			body: app.Placer{PladsID: "loentilskud", Timer: 37, Periode: app.Period{Start: day, Slut: app.MustDate(2026, 7, 1)}}},
		{name: "dagpenge public løntilskud 4 months and a day", sektor: app.SektorOffentlig, ansatte: 10, kg: 1, kat: "match1",
			body: app.Placer{PladsID: "loentilskud", Timer: 37, Periode: app.Period{Start: day, Slut: app.MustDate(2026, 7, 2)}}, want: "vh-varighed"},
		{name: "dagpenge private løntilskud 6 months", ansatte: 10, kg: 1, kat: "match1",
			body: app.Placer{PladsID: "loentilskud", Timer: 37, Periode: app.Period{Start: day, Slut: app.MustDate(2026, 9, 1)}}},
		{name: "dagpenge private løntilskud 6 months and a day", ansatte: 10, kg: 1, kat: "match1",
			body: app.Placer{PladsID: "loentilskud", Timer: 37, Periode: app.Period{Start: day, Slut: app.MustDate(2026, 9, 2)}}, want: "vh-varighed"},

		// Who may get løntilskud (B9 nr. 28).
		{name: "fleksjobvisiteret: no løntilskud", ansatte: 10, kg: 15, kat: "ikke_visiteret", body: app.Placer{PladsID: "loentilskud", Timer: 37, Periode: period(day, 30)}, want: "vh-maalgruppe"},
		{name: "åbenlyst uddannelsesparat: no løntilskud", ansatte: 10, kg: 12, kat: "aabenlyst_uddannelsesparat", body: app.Placer{PladsID: "loentilskud", Timer: 37, Periode: period(day, 30)}, want: "vh-maalgruppe"},
		{name: "åbenlyst uddannelsesparat: praktik is possible", ansatte: 10, kg: 12, kat: "aabenlyst_uddannelsesparat", body: app.Placer{PladsID: "virksomhedspraktik", Timer: 37, Periode: period(day, 28)}},

		// Merbeskæftigelse (B9 nr. 17–20).
		{name: "post vacated 3 months before the start: allowed", ansatte: 10, kg: 1, kat: "match1",
			body: app.Placer{PladsID: "loentilskud", Timer: 37, Periode: period(day, 30), StillingLedig: day.AddMonths(-3)}},
		{name: "post vacated 3 months less a day before: refused", ansatte: 10, kg: 1, kat: "match1",
			body: app.Placer{PladsID: "loentilskud", Timer: 37, Periode: period(day, 30), StillingLedig: day.AddMonths(-3).AddDays(1)}, want: "vh-erstatning"},
		{name: "public employer: no vacancy check", sektor: app.SektorOffentlig, ansatte: 10, kg: 1, kat: "match1",
			body: app.Placer{PladsID: "loentilskud", Timer: 37, Periode: period(day, 30), StillingLedig: day.AddMonths(-1)}},

		// Last employer (B9 nr. 24).
		{name: "dagpenge praktik at the last employer", ansatte: 10, kg: 1, kat: "match1",
			body: app.Placer{PladsID: "virksomhedspraktik", Timer: 37, Periode: period(day, 28), SidsteArbejdsgiver: true, NyFunktion: "Lager i stedet for salg"}, want: "vh-sidste-arbejdsgiver"},
		{name: "aktivitetsparat at the last employer without a new function", ansatte: 10, kg: 2, kat: "aktivitetsparat",
			body: app.Placer{PladsID: "virksomhedspraktik", Timer: 37, Periode: period(day, 28), SidsteArbejdsgiver: true}, want: "vh-sidste-arbejdsgiver"},
		{name: "aktivitetsparat at the last employer in a new function", ansatte: 10, kg: 2, kat: "aktivitetsparat",
			body: app.Placer{PladsID: "virksomhedspraktik", Timer: 37, Periode: period(day, 28), SidsteArbejdsgiver: true, NyFunktion: "Lager i stedet for salg"}},
		{name: "løntilskud at the last employer", ansatte: 10, kg: 2, kat: "aktivitetsparat",
			body: app.Placer{PladsID: "loentilskud", Timer: 37, Periode: period(day, 30), SidsteArbejdsgiver: true, NyFunktion: "x"}, want: "vh-sidste-arbejdsgiver"},

		// Jobrotation ended 31 January 2026 (B9 nr. 35, date (A)).
		{name: "jobrotation starting 1 February 2026", ansatte: 10, kg: 1, kat: "match1",
			body: app.Placer{PladsID: "jobrotation", Timer: 37, Periode: app.Period{Start: app.MustDate(2026, 2, 1), Slut: app.MustDate(2026, 4, 30)}}, want: "vh-jobrotation"},
		{name: "jobrotation starting 31 January 2026", ansatte: 10, kg: 1, kat: "match1",
			body: app.Placer{PladsID: "jobrotation", Timer: 37, Periode: app.Period{Start: app.MustDate(2026, 1, 31), Slut: app.MustDate(2026, 4, 30)}}},

		// Input.
		{name: "no end date", ansatte: 10, kg: 1, kat: "match1", body: app.Placer{PladsID: "virksomhedspraktik", Timer: 37, Periode: app.Period{Start: day}}, want: app.CodeInvalid},
		{name: "unknown place", ansatte: 10, kg: 1, kat: "match1", body: app.Placer{PladsID: "nope", Timer: 37, Periode: period(day, 28)}, want: app.CodeNotFound},
		{name: "no kontaktgruppe", ansatte: 10, kg: -1, body: app.Placer{PladsID: "virksomhedspraktik", Timer: 37, Periode: period(day, 28)}, want: "8060"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sektor := tc.sektor
			if sektor == "" {
				sektor = app.SektorPrivat
			}
			f := newFirma(t, day, sektor, tc.ansatte)
			for i, p := range tc.prior {
				s := borger(t, day, "sag-p"+itoaT(i), 2, "aktivitetsparat")
				f.must(s, &app.Placer{PlaceringID: app.ID("pl-p" + itoaT(i)), Sag: s.ID, PladsID: app.ID(p.plads), Timer: p.timer, Periode: period(day, p.days)})
			}
			var s *app.Sag
			if tc.kg < 0 {
				s = testkit.NewSag(t, day, testkit.SagArgs{ID: "sag-x", NoKG: true})
			} else {
				s = borger(t, day, "sag-x", tc.kg, tc.kat)
			}
			b := tc.body
			b.PlaceringID, b.Sag = "pl-x", s.ID
			if b.Periode.Start.IsZero() {
				b.Periode = period(day, 28)
			}
			before, _ := json.Marshal(f.v)
			res, err := f.run(s, &b)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if tc.warn != "" && (len(res.Warnings) != 1 || res.Warnings[0].Rule != tc.warn) {
					t.Errorf("warnings = %+v, want %s", res.Warnings, tc.warn)
				}
				if tc.warn == "" && len(res.Warnings) != 0 {
					t.Errorf("unexpected warnings %+v", res.Warnings)
				}
				return
			}
			e := app.AsError(err)
			if err == nil || e.Rule != tc.want && e.Code != tc.want {
				t.Fatalf("got %v, want %s", err, tc.want)
			}
			if errText(t, err, "da") == "" || errText(t, err, "en") == "" {
				t.Error("refusal without a Danish and English message")
			}
			if after, _ := json.Marshal(f.v); string(after) != string(before) {
				t.Error("a refused command changed the company")
			}
		})
	}
}

// TestPladsAntal: a place holds as many placements at a time as it has
// positions, and a placement lies within the place's period.
func TestPladsAntal(t *testing.T) {
	day := app.MustDate(2026, 3, 2)
	f := newFirma(t, day, app.SektorPrivat, 50)
	f.must(nil, &app.GemPlads{PladsID: "en", Ordning: app.OrdningPraktik, PNummer: pA, Titel: "Lager", Antal: 1, Timer: 37,
		Periode: app.Period{Start: day, Slut: day.AddDays(59)}})
	a, b := borger(t, day, "sag-a", 2, "aktivitetsparat"), borger(t, day, "sag-b", 2, "aktivitetsparat")
	f.must(a, &app.Placer{PlaceringID: "pl-a", Sag: a.ID, PladsID: "en", Timer: 37, Periode: period(day, 28)})
	tests := []struct {
		name string
		per  app.Period
		want string
	}{
		{"overlapping the first by a day", period(day.AddDays(27), 28), "vh-plads"},
		{"the day after the first ends", period(day.AddDays(28), 28), ""},
		{"beyond the place's end", period(day.AddDays(33), 28), "vh-plads"},
		{"before the place's start", period(day.AddDays(-1), 28), "vh-plads"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.eng.ExecuteVirksomhed(f.v, vcmd("c-"+itoaT(len(tc.name)), f.v.ID, day, &app.Placer{PlaceringID: "pl-b", Sag: b.ID, PladsID: "en", Timer: 37, Periode: tc.per}), b)
			if got := app.AsError(err); tc.want == "" && err != nil || tc.want != "" && (err == nil || got.Rule != tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
}

// TestMerbeskaeftigelse: latest month against the 12-month average (B9
// nr. 17), not for praktik (nr. 19), a reason for a førtidspensionist
// (nr. 20).
func TestMerbeskaeftigelse(t *testing.T) {
	day := app.MustDate(2026, 3, 2)
	tests := []struct {
		name            string
		seneste, gns    float64
		ordning         string
		kg              int
		begrundelse     string
		want, wantAdv   string
		noStaffRecorded bool
	}{
		{name: "19 against 20: refused", seneste: 19, gns: 20, ordning: "loentilskud", kg: 1, want: "vh-merbeskaeftigelse"},
		{name: "20 against 20: allowed", seneste: 20, gns: 20, ordning: "loentilskud", kg: 1},
		{name: "not recorded: refused", ordning: "loentilskud", kg: 1, noStaffRecorded: true, want: "vh-merbeskaeftigelse"},
		{name: "praktik: no check", seneste: 19, gns: 20, ordning: "virksomhedspraktik", kg: 1},
		{name: "førtidspensionist without a reason", seneste: 19, gns: 20, ordning: "loentilskud", kg: 8, want: "vh-merbeskaeftigelse"},
		{name: "førtidspensionist with a reason", seneste: 19, gns: 20, ordning: "loentilskud", kg: 8, begrundelse: "Kilderne er uenige", wantAdv: "vh-merbeskaeftigelse"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFirma(t, day, app.SektorPrivat, 10)
			if tc.noStaffRecorded {
				f.v.Ansatte = app.Ansatte{}
			} else {
				f.must(nil, &app.OpdaterAnsatte{SenesteMaaned: tc.seneste, Gns12Mdr: tc.gns})
			}
			s := borger(t, day, "sag-x", tc.kg, "match1")
			res, err := f.run(s, &app.Placer{PlaceringID: "pl-1", Sag: s.ID, PladsID: app.ID(tc.ordning), Timer: 37, Periode: period(day, 28), Begrundelse: tc.begrundelse})
			if tc.want != "" {
				if app.AsError(err) == nil || app.AsError(err).Rule != tc.want {
					t.Fatalf("got %v, want %s", err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.wantAdv != "" && (len(res.Warnings) != 1 || res.Warnings[0].Rule != tc.wantAdv) {
				t.Errorf("warnings %+v, want %s", res.Warnings, tc.wantAdv)
			}
		})
	}
}

// TestPlacerPutsATilbudInThePlan: the placement produces a gem_plan command
// on the citizen's case; the case engine accepts it, and the plan then
// lists the placement as an activity with the company as provider (issue
// 11 §1). An existing jobplan keeps its content.
func TestPlacerPutsATilbudInThePlan(t *testing.T) {
	day := app.MustDate(2026, 3, 2)
	for _, withPlan := range []bool{false, true} {
		t.Run(map[bool]string{false: "new plan", true: "existing plan"}[withPlan], func(t *testing.T) {
			f := newFirma(t, day, app.SektorPrivat, 10)
			s := borger(t, day, "sag-x", 2, "aktivitetsparat")
			if withPlan {
				s.Planer = []app.Plan{{ID: "p1", Type: app.PlanJob, Status: app.PlanOffentliggjort, Version: 1,
					PlanIndhold: app.PlanIndhold{Jobmaal: []string{"Tømrer"}}}}
			}
			res := f.must(s, &app.Placer{PlaceringID: "pl-1", Sag: s.ID, PladsID: "virksomhedspraktik", Timer: 20.5, Periode: period(day, 28)})
			if len(res.Foelger) != 1 {
				t.Fatalf("%d follow-up commands, want 1", len(res.Foelger))
			}
			c := res.Foelger[0]
			if c.Sag != s.ID || c.Body.Kind() != "gem_plan" || c.ID != "vc-"+app.ID(itoaT(f.n))+"-plan" {
				t.Fatalf("follow-up %+v", c)
			}
			cres, err := f.eng.Execute(s, c)
			if err != nil {
				t.Fatalf("the case refused the placement's plan: %v", err)
			}
			plan := cres.Sag.Planer[0]
			if withPlan && (plan.ID != "p1" || len(plan.Jobmaal) != 1) {
				t.Errorf("existing plan not kept: %+v", plan)
			}
			got := plan.Aktiviteter
			want := app.Aktivitet{Type: "virksomhedspraktik", Udbyder: "Østerå Tømrer ApS", Periode: period(day, 28), Timer: 20, Minutter: 30}
			if len(got) != 1 || got[0] != want {
				t.Errorf("activities = %+v, want [%+v]", got, want)
			}
			if !res.HasEffect("placeret") || !res.HasEffect("rimelighed") {
				t.Errorf("effects %+v", res.Effects)
			}
		})
	}
}

// TestHenvis: one day's notice (B9 nr. 37), a telephone henvisning the
// citizen was not told of, and the a-kasse notice on a refusal (nr. 39).
func TestHenvis(t *testing.T) {
	day := app.MustDate(2026, 3, 2)
	f := newFirma(t, day, app.SektorPrivat, 10)
	f.must(nil, &app.GemJobordre{JobordreID: "j1", Titel: "Tømrerlærling", Disco: "711510", Timer: 37, Antal: 1,
		Periode: app.Period{Start: day.AddDays(7)}, Status: "aaben"})
	s := borger(t, day, "sag-x", 1, "match1")
	tests := []struct {
		name   string
		body   app.Henvis
		want   string
		effect string
	}{
		{name: "written, start tomorrow", body: app.Henvis{HenvisningID: "h1", JobordreID: "j1", Start: day.AddDays(1), Kanal: "skriftlig", Oplyst: true}, effect: "henvist"},
		{name: "written, start today", body: app.Henvis{HenvisningID: "h2", JobordreID: "j1", Start: day, Kanal: "skriftlig", Oplyst: true}, want: "vh-henvisning-varsel"},
		{name: "start today, told in advance", body: app.Henvis{HenvisningID: "h3", JobordreID: "j1", Start: day, Kanal: "skriftlig", Oplyst: true, Begrundelse: "Orienteret i fredags"}, effect: "henvist"},
		{name: "telephone, not told", body: app.Henvis{HenvisningID: "h4", JobordreID: "j1", Start: day.AddDays(2), Kanal: "telefon"}, effect: "ikke_sanktionsgrundlag"},
		{name: "both an opening and a place", body: app.Henvis{HenvisningID: "h5", JobordreID: "j1", PladsID: "loentilskud", Start: day.AddDays(2), Kanal: "skriftlig"}, want: app.CodeInvalid},
		{name: "unknown opening", body: app.Henvis{HenvisningID: "h6", JobordreID: "j9", Start: day.AddDays(2), Kanal: "skriftlig"}, want: app.CodeNotFound},
		{name: "same id again", body: app.Henvis{HenvisningID: "h1", JobordreID: "j1", Start: day.AddDays(2), Kanal: "skriftlig"}, want: app.CodeConflict},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := tc.body
			b.Sag = s.ID
			res, err := f.run(s, &b)
			if tc.want != "" {
				if e := app.AsError(err); err == nil || e.Rule != tc.want && e.Code != tc.want {
					t.Fatalf("got %v, want %s", err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !res.HasEffect(tc.effect) {
				t.Errorf("effects %+v, want %s", res.Effects, tc.effect)
			}
		})
	}
	res := f.must(s, &app.RegistrerHenvisningsudfald{HenvisningID: "h1", Udfald: "afslaaet"})
	if !res.HasEffect("nuph") {
		t.Errorf("a dagpenge citizen's refusal: effects %+v, want nuph", res.Effects)
	}
	if got := res.Changes; len(got) != 1 || got[0] != (app.Change{Field: "henvisning/h1/udfald", Policy: app.PolicyProtected}) {
		t.Errorf("changes %+v", got)
	}
}

// TestCompanyFieldPolicies: contacts and visit notes merge; the staff
// count and a placement's period are protected (issue 11 §1, §3).
func TestCompanyFieldPolicies(t *testing.T) {
	day := app.MustDate(2026, 3, 2)
	f := newFirma(t, day, app.SektorPrivat, 10)
	s := borger(t, day, "sag-x", 2, "aktivitetsparat")
	tests := []struct {
		body app.VBody
		want []app.Change
	}{
		{&app.TilfoejKontaktperson{KontaktpersonID: "k1", Navn: "Åse Bønløkke", Rolle: "tillidsrepraesentant", Samtykke: app.Samtykke{Dato: day, Omfang: "telefon og e-mail"}},
			[]app.Change{{Field: "kontaktperson/k1", Policy: app.PolicyAppend}}},
		{&app.RegistrerVirksomhedskontakt{KontaktID: "b1", Form: "besoeg", Formaal: "Praktikplads", Ordning: app.OrdningPraktik, Udfald: "To pladser aftalt", Opfoelgning: day.AddDays(14)},
			[]app.Change{{Field: "virksomhedskontakt/b1", Policy: app.PolicyAppend}}},
		{&app.OpdaterAnsatte{PNummer: pA, Ansatte: 12.5}, []app.Change{{Field: "enhed/" + pA + "/ansatte", Policy: app.PolicyProtected}}},
		{&app.OpdaterAnsatte{SenesteMaaned: 21, Gns12Mdr: 20}, []app.Change{{Field: "virksomhed/ansatte", Policy: app.PolicyProtected}}},
		{&app.Placer{PlaceringID: "pl-1", Sag: s.ID, PladsID: "virksomhedspraktik", Timer: 37, Periode: period(day, 28)},
			[]app.Change{{Field: "placering/pl-1", Policy: app.PolicyAppend}, {Field: "placering/pl-1/periode", Policy: app.PolicyProtected}}},
		{&app.AfslutPlacering{PlaceringID: "pl-1", Slut: day.AddDays(13)}, []app.Change{{Field: "placering/pl-1/periode", Policy: app.PolicyProtected}}},
		{&app.GemJobordre{JobordreID: "j1", Titel: "Tømrer", Disco: "7115", Timer: 37, Antal: 2, Periode: app.Period{Start: day}, Status: "aaben"},
			[]app.Change{{Field: "jobordre/j1", Policy: app.PolicyLWW}}},
	}
	for _, tc := range tests {
		t.Run(tc.body.Kind(), func(t *testing.T) {
			res := f.must(s, tc.body)
			if len(res.Changes) != len(tc.want) {
				t.Fatalf("changes %+v, want %+v", res.Changes, tc.want)
			}
			for i := range tc.want {
				if res.Changes[i] != tc.want[i] {
					t.Errorf("change %d = %+v, want %+v", i, res.Changes[i], tc.want[i])
				}
			}
		})
	}
	if got := f.v.Placeringer[0].Periode.Slut; got != day.AddDays(13) {
		t.Errorf("placement ends %s", got)
	}
	if res := f.must(nil, &app.RegistrerVirksomhedskontakt{KontaktID: "b2", Form: "telefon", Formaal: "Opfølgning"}); len(f.v.KontaktLog) != 2 || f.v.KontaktLog[1].Hvem != "vk-1" || res.HasEffect("opfoelgning") {
		t.Errorf("contact log %+v, effects %+v", f.v.KontaktLog, res.Effects)
	}
}

// TestCompanyInput: register data and P-numbers.
func TestCompanyInput(t *testing.T) {
	day := app.MustDate(2026, 3, 2)
	eng := app.NewEngine(testkit.Rules(t))
	tests := []struct {
		name string
		body app.VBody
		want string
	}{
		{"valid", &app.OpretVirksomhed{CVR: "13748136", Navn: "A/S Ø", Sektor: "privat"}, ""},
		{"CVR fails modulus 11", &app.OpretVirksomhed{CVR: "13748137", Navn: "A/S Ø", Sektor: "privat"}, app.CodeInvalid},
		{"no CVR", &app.OpretVirksomhed{Navn: "A/S Ø", Sektor: "privat"}, app.CodeInvalid},
		{"unknown sector", &app.OpretVirksomhed{CVR: "13748136", Navn: "A/S Ø", Sektor: "frivillig"}, app.CodeInvalid},
		{"bad industry code", &app.OpretVirksomhed{CVR: "13748136", Navn: "A/S Ø", Sektor: "privat", Branchekode: "41"}, app.CodeInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := eng.ExecuteVirksomhed(nil, vcmd("c1", "v-1", day, tc.body), nil)
			if got := app.ErrorCode(err); got != tc.want {
				t.Fatalf("code %q (%v), want %q", got, err, tc.want)
			}
		})
	}
	f := newFirma(t, day, app.SektorPrivat, 1)
	if res := f.must(nil, &app.RegistrerEnhed{PNummer: "1000000008", Navn: "Lager"}); !res.HasEffect("pnummer_kontrol") {
		t.Errorf("a P-number failing modulus 11 is kept with a warning effect; effects %+v", res.Effects)
	}
	if _, err := f.run(nil, &app.RegistrerEnhed{PNummer: "100000000", Navn: "Lager"}); app.ErrorCode(err) != app.CodeInvalid {
		t.Errorf("9-digit P-number: %v", err)
	}
	if _, err := eng.ExecuteVirksomhed(f.v, vcmd("c2", f.v.ID, day, &app.OpretVirksomhed{CVR: "13748136", Navn: "X", Sektor: "privat"}), nil); app.ErrorCode(err) != app.CodeConflict {
		t.Errorf("creating it twice: %v", err)
	}
	if _, err := eng.ExecuteVirksomhed(nil, vcmd("c5", "0101901001", day, &app.OpretVirksomhed{CVR: "13748136", Navn: "X", Sektor: "privat"}), nil); app.ErrorCode(err) != app.CodeInvalid {
		t.Errorf("a company id shaped like a CPR number: %v", err)
	}
	if _, err := eng.ExecuteVirksomhed(nil, vcmd("c3", "v-1", day, &app.OpdaterVirksomhed{Navn: "X", Sektor: "privat"}), nil); app.ErrorCode(err) != app.CodeNotFound {
		t.Errorf("updating a company that does not exist: %v", err)
	}
	if _, err := eng.ExecuteVirksomhed(f.v, app.VCommand{ID: "c4", Virksomhed: f.v.ID, Actor: app.Actor{Rolle: app.RolleBorger}, At: at(day), Body: &app.OpdaterVirksomhed{Navn: "X", Sektor: "privat"}}, nil); app.ErrorCode(err) != app.CodeUnauthorized {
		t.Errorf("a citizen changing a company: %v", err)
	}
}

// TestVCommandJSON: a company command is written like a case command
// ("sag" holds the record id), round-trips, and is decoded strictly.
func TestVCommandJSON(t *testing.T) {
	day := app.MustDate(2026, 3, 2)
	for _, kind := range app.VirksomhedKinds() {
		b, err := app.NewVBody(kind)
		if err != nil || b.Kind() != kind {
			t.Fatalf("NewVBody(%q) = %v, %v", kind, b, err)
		}
	}
	c := vcmd("c1", "v-1", day, &app.Placer{PlaceringID: "pl-1", Sag: "sag-1", PladsID: "p", Timer: 37, Periode: period(day, 28)})
	data, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"sag":"v-1"`) || !strings.Contains(string(data), `"kind":"placer"`) {
		t.Errorf("wire form %s", data)
	}
	var back app.VCommand
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if again, _ := json.Marshal(back); string(again) != string(data) {
		t.Errorf("round trip:\n%s\n%s", data, again)
	}
	bad := strings.Replace(string(data), `"timer":37`, `"timer":37,"hemmelig":1`, 1)
	if err := json.Unmarshal([]byte(bad), &back); app.ErrorCode(err) != app.CodeInvalid {
		t.Errorf("unknown field accepted: %v", err)
	}
	if slices := app.VirksomhedKinds(); len(slices) < 10 {
		t.Errorf("only %d company command kinds", len(slices))
	}
}
