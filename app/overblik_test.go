package app_test

import (
	"reflect"
	"slices"
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/testkit"
)

// dato parses "YYYY-MM-DD" or fails the test.
func dato(tb testing.TB, s string) app.Date {
	tb.Helper()
	d, err := app.ParseDate(s)
	if err != nil {
		tb.Fatalf("dato %q: %v", s, err)
	}
	return d
}

// optDato is dato, with "" for the zero date.
func optDato(tb testing.TB, s string) app.Date {
	tb.Helper()
	if s == "" {
		return app.Date{}
	}
	return dato(tb, s)
}

// nySag returns a case with kontaktgruppe kg (0 = none) opened on kgStart
// and visitation category kategori.
// It has no CPR number and no tilmelding; tests add what they are about.
func nySag(tb testing.TB, kg int, kgStart, kategori string) *app.Sag {
	tb.Helper()
	start := optDato(tb, kgStart)
	return testkit.NewSag(tb, start, testkit.SagArgs{ID: "sag-test", KG: kg, Start: start, Kategori: kategori,
		NoCPR: true, NoKG: kg == 0, Unregistered: true, NoVisitation: kategori == "", NoVisitDate: true})
}

// tilmeld registers the citizen from siden (also the first tilmelding).
func tilmeld(tb testing.TB, s *app.Sag, siden string) {
	tb.Helper()
	d := dato(tb, siden)
	s.Tilmelding = app.Tilmelding{Status: app.Tilmeldt, Kategori: app.KatModtager, Siden: d, FoersteDato: d}
}

// fravaer adds a fravær (slut "" = open-ended) and returns it for further
// changes.
func fravaer(tb testing.TB, s *app.Sag, typ, start, slut string) *app.Fravaer {
	tb.Helper()
	st := dato(tb, start)
	s.Fravaer = append(s.Fravaer, app.Fravaer{
		ID: app.ID("f" + start + typ), Type: typ, Periode: app.Period{Start: st, Slut: optDato(tb, slut)},
		Anmeldt: st, Registreret: st, RegelSet: "test",
	})
	return &s.Fravaer[len(s.Fravaer)-1]
}

// samtale adds a samtale of type typ with status on d.
func samtale(tb testing.TB, s *app.Sag, typ, status, d string) {
	tb.Helper()
	s.Samtaler = append(s.Samtaler, app.Samtale{ID: app.ID("m" + d + typ), Type: typ, Dato: dato(tb, d), Status: status, Booket: dato(tb, d)})
}

// mustOverblik evaluates the overview or fails the test.
func mustOverblik(tb testing.TB, r *app.Rules, s *app.Sag, on string) app.Overblik {
	tb.Helper()
	o, err := r.Overblik(s, dato(tb, on))
	if err != nil {
		tb.Fatalf("Overblik(%s): %v", on, err)
	}
	if len(o.Pligter) != len(app.Pligter()) {
		tb.Fatalf("Overblik(%s): %d duties, want %d", on, len(o.Pligter), len(app.Pligter()))
	}
	for i, p := range o.Pligter {
		if p.Pligt != app.Pligter()[i] {
			tb.Fatalf("Overblik(%s): duty %d = %q, want %q (app.Pligter() order)", on, i, p.Pligt, app.Pligter()[i])
		}
	}
	return o
}

// pligt is the expected status of one duty: "status", or "status:til:grund".
type pligt struct {
	status string
	til    string
	grund  string
}

func TestOverblikPligter(t *testing.T) {
	r := testkit.Rules(t)
	tests := []struct {
		name  string
		build func(t *testing.T) *app.Sag
		on    string
		kg    int
		grp   string
		want  map[string]pligt
	}{
		{
			name: "DP ferie Mon–Fri whole week exempts joblog until the ferie end",
			build: func(t *testing.T) *app.Sag {
				s := nySag(t, 1, "2026-01-05", "")
				tilmeld(t, s, "2026-01-05")
				fravaer(t, s, "ferie", "2026-04-13", "2026-04-17")
				return s
			},
			on: "2026-04-15", kg: 1, grp: "DP",
			want: map[string]pligt{
				"tilmelding":  {status: "gaelder"},
				"cv":          {status: "gaelder"},
				"raadighed":   {"fritaget", "2026-04-17", "ferie"},
				"joblog":      {"fritaget", "2026-04-17", "ferie"},
				"jobsamtaler": {"fritaget", "2026-04-17", "ferie"},
				"aktivering":  {"fritaget", "2026-04-17", "ferie"},
				"selvbook":    {"begraenset", "2026-04-17", "ferie"},
			},
		},
		{
			name: "DP ferie Mon–Thu keeps joblog (DOMAIN §8 item 15)",
			build: func(t *testing.T) *app.Sag {
				s := nySag(t, 1, "2026-01-05", "")
				tilmeld(t, s, "2026-01-05")
				fravaer(t, s, "ferie", "2026-04-13", "2026-04-16")
				return s
			},
			on: "2026-04-15", kg: 1, grp: "DP",
			want: map[string]pligt{
				"joblog":    {status: "gaelder"},
				"raadighed": {"fritaget", "2026-04-16", "ferie"},
			},
		},
		{
			name: "DP ferie 1½ weeks, first week: exempt until the Sunday of the whole week",
			build: func(t *testing.T) *app.Sag {
				s := nySag(t, 1, "2026-01-05", "")
				fravaer(t, s, "ferie", "2026-04-13", "2026-04-22")
				return s
			},
			on: "2026-04-15", kg: 1, grp: "DP",
			want: map[string]pligt{
				"joblog":    {"fritaget", "2026-04-19", "ferie"},
				"raadighed": {"fritaget", "2026-04-22", "ferie"},
			},
		},
		{
			name: "DP ferie 1½ weeks, partial second week: joblog applies",
			build: func(t *testing.T) *app.Sag {
				s := nySag(t, 1, "2026-01-05", "")
				fravaer(t, s, "ferie", "2026-04-13", "2026-04-22")
				return s
			},
			on: "2026-04-21", kg: 1, grp: "DP",
			want: map[string]pligt{"joblog": {status: "gaelder"}},
		},
		{
			name: "DP ferie in two adjacent registrations makes a whole week",
			build: func(t *testing.T) *app.Sag {
				s := nySag(t, 1, "2026-01-05", "")
				fravaer(t, s, "ferie", "2026-04-13", "2026-04-14")
				fravaer(t, s, "ferie", "2026-04-15", "2026-04-17")
				return s
			},
			on: "2026-04-16", kg: 1, grp: "DP",
			want: map[string]pligt{"joblog": {"fritaget", "2026-04-17", "ferie"}},
		},
		{
			name: "DP ferie Sat–Fri covering the week",
			build: func(t *testing.T) *app.Sag {
				s := nySag(t, 1, "2026-01-05", "")
				fravaer(t, s, "ferie", "2026-04-11", "2026-04-17")
				return s
			},
			on: "2026-04-13", kg: 1, grp: "DP",
			want: map[string]pligt{"joblog": {"fritaget", "2026-04-17", "ferie"}},
		},
		{
			name: "KH ferie Mon–Thu exempts joblog: the whole-week rule is DP only",
			build: func(t *testing.T) *app.Sag {
				s := nySag(t, 2, "2026-01-05", "jobparat")
				fravaer(t, s, "ferie", "2026-04-13", "2026-04-16")
				return s
			},
			on: "2026-04-15", kg: 2, grp: "KH",
			want: map[string]pligt{"joblog": {"fritaget", "2026-04-16", "ferie"}},
		},
		{
			name: "DP sygemelding: afmeldt, jobsamtaler fritaget",
			build: func(t *testing.T) *app.Sag {
				s := nySag(t, 1, "2026-01-05", "")
				tilmeld(t, s, "2026-01-05")
				fravaer(t, s, "sygemelding", "2026-03-02", "")
				return s
			},
			on: "2026-03-10", kg: 1, grp: "DP",
			want: map[string]pligt{
				"tilmelding":  {"afmeldt", "", "sygemelding"},
				"jobsamtaler": {"fritaget", "", "sygemelding"},
				"joblog":      {"fritaget", "", "sygemelding"},
				"raadighed":   {"fritaget", "", "sygemelding"},
			},
		},
		{
			name: "DP sygemelding in løntilskud: no afmelding (DOMAIN §8 item 1)",
			build: func(t *testing.T) *app.Sag {
				s := nySag(t, 1, "2026-01-05", "")
				s.Ydelse.Loentilskud = true
				fravaer(t, s, "sygemelding", "2026-03-02", "")
				return s
			},
			on: "2026-03-10", kg: 1, grp: "DP",
			want: map[string]pligt{
				"tilmelding":  {status: "gaelder"},
				"jobsamtaler": {"fritaget", "", "sygemelding"},
			},
		},
		{
			name: "KH sygemelding: jobsamtaler still apply [S48]",
			build: func(t *testing.T) *app.Sag {
				s := nySag(t, 2, "2026-01-05", "jobparat")
				tilmeld(t, s, "2026-01-05")
				fravaer(t, s, "sygemelding", "2026-03-02", "2026-03-20")
				return s
			},
			on: "2026-03-10", kg: 2, grp: "KH",
			want: map[string]pligt{
				"jobsamtaler": {status: "gaelder"},
				"tilmelding":  {"afmeldt", "2026-03-20", "sygemelding"},
				"joblog":      {"fritaget", "2026-03-20", "sygemelding"},
			},
		},
		{
			name: "KH aktivitetsparat sygemelding: no tilmelding duty to end",
			build: func(t *testing.T) *app.Sag {
				s := nySag(t, 2, "2026-01-05", "aktivitetsparat")
				fravaer(t, s, "sygemelding", "2026-03-02", "")
				return s
			},
			on: "2026-03-10", kg: 2, grp: "KH",
			want: map[string]pligt{
				"tilmelding": {status: "ingen"},
				"cv":         {"fritaget", "", "sygemelding"},
			},
		},
		{
			name: "LY fritagelse for joblog: only joblog",
			build: func(t *testing.T) *app.Sag {
				s := nySag(t, 4, "2026-01-05", "")
				tilmeld(t, s, "2026-01-05")
				fravaer(t, s, "fritagelse_joblog", "2026-02-01", "")
				return s
			},
			on: "2026-03-10", kg: 4, grp: "LY",
			want: map[string]pligt{
				"tilmelding":  {status: "gaelder"},
				"cv":          {status: "gaelder"},
				"raadighed":   {status: "gaelder"},
				"joblog":      {"fritaget", "", "fritagelse_joblog"},
				"jobsamtaler": {status: "gaelder"},
				"aktivering":  {status: "gaelder"},
				"selvbook":    {status: "ingen"},
			},
		},
		{
			name:  "no kontaktgruppe: the (*, *) row",
			build: func(t *testing.T) *app.Sag { return nySag(t, 0, "", "") },
			on:    "2026-03-10", kg: 0, grp: "",
			want: map[string]pligt{
				"tilmelding":  {status: "ret"},
				"cv":          {status: "ingen"},
				"raadighed":   {status: "ingen"},
				"joblog":      {status: "ingen"},
				"jobsamtaler": {status: "ret"},
				"aktivering":  {status: "ret"},
				"selvbook":    {status: "ingen"},
			},
		},
		{
			name: "no kontaktgruppe with sygemelding: the right to tilmelding is suspended",
			build: func(t *testing.T) *app.Sag {
				s := nySag(t, 0, "", "")
				fravaer(t, s, "sygemelding", "2026-03-02", "2026-03-31")
				return s
			},
			on: "2026-03-10", kg: 0, grp: "",
			want: map[string]pligt{
				"tilmelding":  {"afmeldt", "2026-03-31", "sygemelding"},
				"jobsamtaler": {"fritaget", "2026-03-31", "sygemelding"},
				"cv":          {status: "ingen"},
			},
		},
		{
			name: "category row beats the group row: KH ikke visiteret",
			build: func(t *testing.T) *app.Sag {
				return nySag(t, 2, "2026-01-05", "ikke_visiteret")
			},
			on: "2026-03-10", kg: 2, grp: "KH",
			want: map[string]pligt{
				"cv":          {status: "ingen"},
				"jobsamtaler": {status: "gaelder"},
			},
		},
		{
			name: "deleted and ended fravær do not count",
			build: func(t *testing.T) *app.Sag {
				s := nySag(t, 1, "2026-01-05", "")
				fravaer(t, s, "sygemelding", "2026-03-02", "").Slettet = true
				fravaer(t, s, "ferie", "2026-02-02", "2026-02-06")
				return s
			},
			on: "2026-03-10", kg: 1, grp: "DP",
			want: map[string]pligt{
				"tilmelding": {status: "gaelder"},
				"joblog":     {status: "gaelder"},
			},
		},
		{
			name: "several fravær: the latest end wins",
			build: func(t *testing.T) *app.Sag {
				s := nySag(t, 1, "2026-01-05", "")
				fravaer(t, s, "borgerligt_ombud", "2026-03-09", "2026-03-12")
				fravaer(t, s, "midlertidigt_arbejde", "2026-03-02", "2026-03-27")
				return s
			},
			on: "2026-03-10", kg: 1, grp: "DP",
			want: map[string]pligt{
				"raadighed": {"fritaget", "2026-03-27", "midlertidigt_arbejde"},
				"joblog":    {"fritaget", "2026-03-27", "midlertidigt_arbejde"},
			},
		},
		{
			name: "several fravær: an open end wins over any date",
			build: func(t *testing.T) *app.Sag {
				s := nySag(t, 1, "2026-01-05", "")
				fravaer(t, s, "mindre_intensiv", "2026-03-01", "")
				fravaer(t, s, "midlertidigt_arbejde", "2026-03-02", "2026-03-27")
				return s
			},
			on: "2026-03-10", kg: 1, grp: "DP",
			want: map[string]pligt{
				"jobsamtaler": {"fritaget", "", "mindre_intensiv"},
				"joblog":      {"fritaget", "2026-03-27", "midlertidigt_arbejde"},
			},
		},
		{
			name: "restriction: pasning uden for åbningstid",
			build: func(t *testing.T) *app.Sag {
				s := nySag(t, 1, "2026-01-05", "")
				fravaer(t, s, "pasning_uden", "2026-03-01", "2026-06-30")
				return s
			},
			on: "2026-03-10", kg: 1, grp: "DP",
			want: map[string]pligt{
				"raadighed": {"begraenset", "2026-06-30", "pasning_uden"},
				"joblog":    {status: "gaelder"},
			},
		},
		{
			name: "after death nothing applies",
			build: func(t *testing.T) *app.Sag {
				s := nySag(t, 1, "2026-01-05", "")
				tilmeld(t, s, "2026-01-05")
				s.Borger.Doed = dato(t, "2026-03-09")
				return s
			},
			on: "2026-03-10", kg: 1, grp: "DP",
			want: map[string]pligt{"tilmelding": {status: "ingen"}, "joblog": {status: "ingen"}},
		},
		{
			name: "past date uses the historic kontaktgruppe",
			build: func(t *testing.T) *app.Sag {
				s := nySag(t, 2, "2026-03-01", "jobparat")
				s.KGHistorik = []app.KGForloeb{{KG: 1, Periode: app.Period{Start: dato(t, "2026-01-05"), Slut: dato(t, "2026-02-28")}}}
				return s
			},
			on: "2026-02-10", kg: 1, grp: "DP",
			want: map[string]pligt{"selvbook": {status: "gaelder"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := mustOverblik(t, r, tc.build(t), tc.on)
			if o.KG != tc.kg || o.Gruppe != tc.grp {
				t.Errorf("KG, Gruppe = %d, %q, want %d, %q", o.KG, o.Gruppe, tc.kg, tc.grp)
			}
			for name, w := range tc.want {
				got := o.Pligt(name)
				want := app.PligtStatus{Pligt: name, Status: w.status, Til: optDato(t, w.til), Grund: w.grund}
				if got.Status != want.Status || got.Til != want.Til || got.Grund != want.Grund {
					t.Errorf("%s = %s til %q grund %q, want %s til %q grund %q",
						name, got.Status, got.Til, got.Grund, want.Status, want.Til, want.Grund)
				}
				if got.Kilde == "" {
					t.Errorf("%s: Kilde is empty", name)
				}
			}
		})
	}
}

// frist is one expected deadline; dato "" means the deadline must be absent.
type frist struct {
	navn   string
	dato   string
	status string
}

func TestOverblikFrister(t *testing.T) {
	r := testkit.Rules(t)
	dp := func(t *testing.T, tilmeldt string) *app.Sag {
		s := nySag(t, 1, tilmeldt, "")
		tilmeld(t, s, tilmeldt)
		return s
	}
	khJobparat := func(t *testing.T) *app.Sag {
		s := nySag(t, 2, "2026-03-02", "jobparat")
		tilmeld(t, s, "2026-03-02")
		return s
	}
	sdp := func(t *testing.T, kg int, kategori, start, forventetRask string, beskaeftiget bool) *app.Sag {
		s := nySag(t, kg, start, kategori)
		s.Ydelse.IBeskaeftigelse = beskaeftiget
		fravaer(t, s, "sygemelding", start, "").ForventetRask = optDato(t, forventetRask)
		return s
	}
	uh := func(t *testing.T) *app.Sag {
		s := nySag(t, 12, "2026-01-05", "uddannelsesparat")
		s.Borger.CPR = testkit.CPR(t, "150596-1234") // born 15 May 1996
		return s
	}
	plan := func(t *testing.T, status, opfoelgning, paalaeg string) *app.Sag {
		s := dp(t, "2026-01-05")
		samtale(t, s, "jobsamtale", app.SamtaleAfholdt, "2026-01-12")
		p := app.Plan{ID: "plan-1", Type: app.PlanJob, Status: status}
		p.Opfoelgning = optDato(t, opfoelgning)
		if paalaeg != "" {
			p.Paalaeg = &app.Paalaeg{Tekst: "Start på uddannelse", Frist: dato(t, paalaeg)}
		}
		s.Planer = append(s.Planer, p)
		return s
	}
	tests := []struct {
		name  string
		build func(t *testing.T) *app.Sag
		on    string
		want  []frist
	}{
		// CV [S18]: DP tilmelding + 14 days, KH + 21, at each boundary.
		{"cv DP day before", func(t *testing.T) *app.Sag { return dp(t, "2026-03-02") }, "2026-03-15", []frist{{"cv", "2026-03-16", "kommende"}}},
		{"cv DP on the day", func(t *testing.T) *app.Sag { return dp(t, "2026-03-02") }, "2026-03-16", []frist{{"cv", "2026-03-16", "i_dag"}}},
		{"cv DP day after", func(t *testing.T) *app.Sag { return dp(t, "2026-03-02") }, "2026-03-17", []frist{{"cv", "2026-03-16", "overskredet"}}},
		{"cv KH day before", khJobparat, "2026-03-22", []frist{{"cv", "2026-03-23", "kommende"}}},
		{"cv KH on the day", khJobparat, "2026-03-23", []frist{{"cv", "2026-03-23", "i_dag"}}},
		{"cv KH day after", khJobparat, "2026-03-24", []frist{{"cv", "2026-03-23", "overskredet"}}},
		{"cv not for an unregistered KH aktivitetsparat", func(t *testing.T) *app.Sag {
			return nySag(t, 2, "2026-03-02", "aktivitetsparat")
		}, "2026-03-10", []frist{{"cv", "", ""}}},
		{"cv suspended by sygemelding", func(t *testing.T) *app.Sag {
			s := dp(t, "2026-03-02")
			fravaer(t, s, "sygemelding", "2026-03-05", "")
			return s
		}, "2026-03-10", []frist{{"cv", "", ""}}},

		// Weekends and holidays: Langfredag 3.4.2026 → Tuesday after 2. påskedag.
		{"cv on Good Friday moves to 7 April", func(t *testing.T) *app.Sag { return dp(t, "2026-03-20") }, "2026-04-01",
			[]frist{{"cv", "2026-04-07", "kommende"}}},
		{"tjob on Good Friday moves to 7 April", func(t *testing.T) *app.Sag {
			s := dp(t, "2026-01-05")
			s.Tjob = dato(t, "2026-04-03")
			return s
		}, "2026-04-03", []frist{{"tjob", "2026-04-07", "kommende"}}},
		{"tjob not while afmeldt by sygemelding", func(t *testing.T) *app.Sag {
			s := dp(t, "2026-01-05")
			s.Tjob = dato(t, "2026-03-12")
			fravaer(t, s, "sygemelding", "2026-03-05", "")
			return s
		}, "2026-03-10", []frist{{"tjob", "", ""}}},

		// Første samtale and visitation [S20].
		{"foerste_samtale DP", func(t *testing.T) *app.Sag { return dp(t, "2026-03-02") }, "2026-03-05",
			[]frist{{"foerste_samtale", "2026-03-16", "kommende"}}},
		{"foerste_samtale DP gone once held", func(t *testing.T) *app.Sag {
			s := dp(t, "2026-03-02")
			samtale(t, s, "jobsamtale", app.SamtaleAfholdt, "2026-03-10")
			return s
		}, "2026-03-11", []frist{{"foerste_samtale", "", ""}}},
		{"foerste_samtale DP stays after a no-show", func(t *testing.T) *app.Sag {
			s := dp(t, "2026-03-02")
			samtale(t, s, "jobsamtale", app.SamtaleUdeblevet, "2026-03-10")
			return s
		}, "2026-03-11", []frist{{"foerste_samtale", "2026-03-16", "kommende"}}},
		{"foerste_samtale and visitation KH from first henvendelse", func(t *testing.T) *app.Sag {
			s := nySag(t, 2, "2026-03-02", "")
			s.Ydelse.FoersteHenvendelse = dato(t, "2026-03-02")
			return s
		}, "2026-03-05", []frist{{"foerste_samtale", "2026-03-09", "kommende"}, {"visitation", "2026-03-09", "kommende"}}},
		{"visitation gone once visited", func(t *testing.T) *app.Sag {
			s := khJobparat(t)
			s.Ydelse.FoersteHenvendelse = dato(t, "2026-03-02")
			return s
		}, "2026-03-05", []frist{{"visitation", "", ""}, {"foerste_samtale", "2026-03-09", "kommende"}}},

		// Sygedagpenge [S27][S25][S76]: end of week 8 from 2 March 2026 is
		// Sunday 26 April, moved back to Friday 24 April: a jobcentre deadline never moves past the legal limit (A).
		{"sdp_opfoelgning end of week 8", func(t *testing.T) *app.Sag {
			return sdp(t, 24, "", "2026-03-02", "", true)
		}, "2026-03-10", []frist{
			{"sdp_opfoelgning", "2026-04-24", "kommende"},
			{"sdp_visitation", "2026-04-24", "kommende"},
			{"sdp_revurdering", "2026-07-31", "kommende"},
		}},
		{"sdp_opfoelgning end of week 8 from a Wednesday", func(t *testing.T) *app.Sag {
			return sdp(t, 25, "", "2026-03-04", "", false)
		}, "2026-04-28", []frist{{"sdp_opfoelgning", "2026-04-28", "i_dag"}, {"sdp_visitation", "2026-04-28", "i_dag"}}},
		{"sdp_opfoelgning 4 weeks after the last held", func(t *testing.T) *app.Sag {
			s := sdp(t, 25, "sdp2", "2026-03-02", "", false)
			samtale(t, s, "opfoelgning", app.SamtaleAfholdt, "2026-04-20")
			return s
		}, "2026-04-21", []frist{{"sdp_opfoelgning", "2026-05-18", "kommende"}, {"sdp_visitation", "", ""}}},
		{"sdp_visitation while sdp1", func(t *testing.T) *app.Sag {
			return sdp(t, 25, "sdp1", "2026-03-02", "", false)
		}, "2026-04-28", []frist{{"sdp_visitation", "2026-04-24", "overskredet"}}},
		{"sdp_visitation gone once sdp3", func(t *testing.T) *app.Sag {
			return sdp(t, 25, "sdp3", "2026-03-02", "", false)
		}, "2026-03-10", []frist{{"sdp_visitation", "", ""}, {"sdp_opfoelgning", "2026-04-24", "kommende"}}},
		{"sdp for DP sygemelding", func(t *testing.T) *app.Sag {
			s := dp(t, "2026-01-05")
			fravaer(t, s, "sygemelding", "2026-03-02", "")
			return s
		}, "2026-03-10", []frist{{"sdp_opfoelgning", "2026-04-24", "kommende"}}},
		{"no sdp for KH sygemelding", func(t *testing.T) *app.Sag {
			s := khJobparat(t)
			fravaer(t, s, "sygemelding", "2026-03-02", "")
			return s
		}, "2026-03-10", []frist{{"sdp_opfoelgning", "", ""}, {"sdp_visitation", "", ""}, {"sdp_revurdering", "", ""}}},
		{"sdp revurdering done at an opfølgning in week 22", func(t *testing.T) *app.Sag {
			s := sdp(t, 25, "sdp2", "2026-03-02", "", false)
			samtale(t, s, "opfoelgning", app.SamtaleAfholdt, "2026-07-28")
			return s
		}, "2026-07-29", []frist{{"sdp_revurdering", "", ""}, {"sdp_opfoelgning", "2026-08-25", "kommende"}}},

		// KG24 < 26 weeks exemption from 1 July 2026 (DOMAIN §8 item 33) [S37].
		{"KG24 expected back < 26 weeks, 30 June: opfølgning due", func(t *testing.T) *app.Sag {
			return sdp(t, 24, "sdp2", "2026-06-01", "2026-09-01", true)
		}, "2026-06-30", []frist{{"sdp_opfoelgning", "2026-07-24", "kommende"}}},
		{"KG24 expected back < 26 weeks, 1 July: exempt", func(t *testing.T) *app.Sag {
			return sdp(t, 24, "sdp1", "2026-06-01", "2026-09-01", true)
		}, "2026-07-01", []frist{{"sdp_opfoelgning", "", ""}, {"sdp_visitation", "", ""}, {"sdp_revurdering", "2026-10-30", "kommende"}}},
		{"KG24 expected back after exactly 26 weeks: not exempt", func(t *testing.T) *app.Sag {
			return sdp(t, 24, "sdp2", "2026-06-01", "2026-11-30", true)
		}, "2026-07-01", []frist{{"sdp_opfoelgning", "2026-07-24", "kommende"}}},
		{"KG24 without an expected return date: not exempt", func(t *testing.T) *app.Sag {
			return sdp(t, 24, "sdp2", "2026-06-01", "", true)
		}, "2026-07-01", []frist{{"sdp_opfoelgning", "2026-07-24", "kommende"}}},
		{"KG25 (sick from unemployment): not exempt", func(t *testing.T) *app.Sag {
			return sdp(t, 25, "sdp2", "2026-06-01", "2026-09-01", false)
		}, "2026-07-01", []frist{{"sdp_opfoelgning", "2026-07-24", "kommende"}}},

		// Matchkategori [S28], plans [S56b][S10].
		{"matchkategori 3 months after visitation", func(t *testing.T) *app.Sag {
			s := dp(t, "2026-01-05")
			s.Visitation = app.Visitation{Kategori: "match1", Dato: dato(t, "2026-01-15")}
			return s
		}, "2026-03-10", []frist{{"matchkategori", "2026-04-15", "kommende"}}},
		{"plan follow-up and pålæg", func(t *testing.T) *app.Sag {
			return plan(t, app.PlanOffentliggjort, "2026-05-02", "2026-06-01")
		}, "2026-03-10", []frist{{"plan_opfoelgning", "2026-05-01", "kommende"}, {"paalaeg", "2026-06-01", "kommende"}}},
		{"draft plan has no deadlines", func(t *testing.T) *app.Sag {
			return plan(t, app.PlanUdkast, "2026-05-04", "2026-06-01")
		}, "2026-03-10", []frist{{"plan_opfoelgning", "", ""}, {"paalaeg", "", ""}}},
		{"pålæg abolished from 2027", func(t *testing.T) *app.Sag {
			return plan(t, app.PlanOffentliggjort, "", "2027-02-01")
		}, "2027-01-05", []frist{{"paalaeg", "", ""}}},

		// Turning 30 in a UH group (DOMAIN §8 item 28) (A).
		{"omvisitation_30 day before", uh, "2026-05-14", []frist{{"omvisitation_30", "2026-05-15", "kommende"}}},
		{"omvisitation_30 on the birthday", uh, "2026-05-15", []frist{{"omvisitation_30", "2026-05-15", "i_dag"}}},
		{"omvisitation_30 not outside UH", func(t *testing.T) *app.Sag {
			s := khJobparat(t)
			s.Borger.CPR = testkit.CPR(t, "150596-1234")
			return s
		}, "2026-05-15", []frist{{"omvisitation_30", "", ""}}},

		// Selvbooking [S14][S31].
		{"selvbook deadline", func(t *testing.T) *app.Sag {
			s := dp(t, "2026-01-05")
			s.Tilmelding.SelvbookFrist = dato(t, "2026-03-20")
			return s
		}, "2026-03-10", []frist{{"selvbook", "2026-03-20", "kommende"}}},

		{"no deadlines after death", func(t *testing.T) *app.Sag {
			s := dp(t, "2026-03-02")
			s.Borger.Doed = dato(t, "2026-03-04")
			return s
		}, "2026-03-10", []frist{{"cv", "", ""}, {"foerste_samtale", "", ""}}},
		{"no kontaktgruppe: no deadlines", func(t *testing.T) *app.Sag { return nySag(t, 0, "", "") }, "2026-03-10",
			[]frist{{"cv", "", ""}, {"foerste_samtale", "", ""}, {"visitation", "", ""}, {"sdp_opfoelgning", "", ""}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := mustOverblik(t, r, tc.build(t), tc.on)
			for _, w := range tc.want {
				got, ok := o.Frist(w.navn)
				if w.dato == "" {
					if ok {
						t.Errorf("%s = %s (%s), want none", w.navn, got.Dato, got.Status)
					}
					continue
				}
				if !ok {
					t.Errorf("%s missing; got %v", w.navn, o.Frister)
					continue
				}
				if got.Dato != dato(t, w.dato) || got.Status != w.status {
					t.Errorf("%s = %s %s, want %s %s", w.navn, got.Dato, got.Status, w.dato, w.status)
				}
				if da, en := msgText(t, got.Line(), "da"), msgText(t, got.Line(), "en"); got.Kilde == "" || da == en {
					t.Errorf("%s: line %q / %q, Kilde %q: want all set and translated", w.navn, da, en, got.Kilde)
				}
			}
			if !slices.IsSortedFunc(o.Frister, func(a, b app.Frist) int { return a.Dato.DaysUntil(b.Dato) * -1 }) {
				t.Errorf("Frister not sorted by date: %v", o.Frister)
			}
		})
	}
}

func TestOverblikTekst(t *testing.T) {
	til := dato(t, "2026-04-14")
	tests := []struct {
		p      app.PligtStatus
		da, en string
	}{
		{app.PligtStatus{Pligt: "joblog", Status: app.PligtFritaget, Til: til, Grund: "ferie"},
			"Fritaget for joblog til og med 14.04.2026", "Exempt from the job log up to and including 14 April 2026"},
		{app.PligtStatus{Pligt: "tilmelding", Status: app.PligtGaelder},
			"Skal være tilmeldt som arbejdssøgende", "Must be registered as a jobseeker"},
		{app.PligtStatus{Pligt: "tilmelding", Status: app.PligtAfmeldt},
			"Afmeldt som arbejdssøgende indtil videre", "Deregistered as a jobseeker until further notice"},
		{app.PligtStatus{Pligt: "jobsamtaler", Status: app.PligtRet},
			"Har ret til jobsamtaler", "Has the right to job meetings"},
		{app.PligtStatus{Pligt: "cv", Status: app.PligtIngen},
			"Ingen pligt til at have et CV på Jobnet", "No duty to have a CV on Jobnet"},
		{app.PligtStatus{Pligt: "raadighed", Status: app.PligtBegraenset},
			"Skal kun stå til rådighed for henvist arbejde, der tager hensyn til fraværet",
			"Need only be available for referred work that takes the absence into account"},
		{app.PligtStatus{Pligt: "ukendt", Status: "mystisk"}, "ukendt: mystisk", "ukendt: mystisk (unknown duty)"},
		{app.PligtStatus{Pligt: "jobsamtaler", Status: app.PligtFritaget, Gruppe: "SDP"},
			"Fritaget for opfølgningssamtaler indtil videre", "Exempt from follow-up meetings until further notice"},
	}
	for _, tc := range tests {
		t.Run(tc.p.Pligt+"/"+tc.p.Status, func(t *testing.T) {
			if got := msgText(t, tc.p.Line(), "da"); got != tc.da {
				t.Errorf("Line() in da = %q, want %q", got, tc.da)
			}
			if got := msgText(t, tc.p.Line(), "en"); got != tc.en {
				t.Errorf("Line() in en = %q, want %q", got, tc.en)
			}
		})
	}
	// Every duty has a real sentence for every status in both languages.
	statuses := []string{app.PligtGaelder, app.PligtRet, app.PligtIngen, app.PligtFritaget, app.PligtBegraenset, app.PligtAfmeldt}
	for _, name := range app.Pligter() {
		for _, st := range statuses {
			p := app.PligtStatus{Pligt: name, Status: st}
			if p.Line().Key == "duty.unknown" {
				t.Errorf("%s/%s has no text", name, st)
			}
			da, en := msgText(t, p.Line(), "da"), msgText(t, p.Line(), "en")
			if da == en {
				t.Errorf("%s/%s: English is the Danish %q", name, st, da)
			}
		}
	}

	frister := []struct {
		f      app.Frist
		da, en string
	}{
		{app.Frist{Navn: app.FristCV, Dato: dato(t, "2026-03-16"), Status: app.FristOverskredet},
			"16.03.2026: CV skal være tilgængeligt på Jobnet (overskredet)", "16 March 2026: The CV must be available on Jobnet (overdue)"},
		{app.Frist{Navn: app.FristKontaktforloeb, Dato: dato(t, "2026-09-01"), Status: app.FristKommende, Holdt: 2, Krav: 4},
			"01.09.2026: Jobsamtalerne i de første 6 måneder skal være holdt (2 af 4 holdt)",
			"1 September 2026: The job meetings of the first 6 months must have been held (2 of 4 held)"},
		{app.Frist{Navn: app.FristSDPOpfoelgning, Variant: "naeste", Dato: dato(t, "2026-05-04"), Status: app.FristIDag},
			"04.05.2026: Næste opfølgningssamtale om sygedagpenge skal være holdt (i dag)",
			"4 May 2026: The next sickness benefit follow-up meeting must have been held (today)"},
	}
	for _, tc := range frister {
		if got := msgText(t, tc.f.Line(), "da"); got != tc.da {
			t.Errorf("Frist.Line() in da = %q, want %q", got, tc.da)
		}
		if got := msgText(t, tc.f.Line(), "en"); got != tc.en {
			t.Errorf("Frist.Line() in en = %q, want %q", got, tc.en)
		}
	}
}

// TestOverblikOddData feeds data the commands would never produce and
// expects errors only where the input is missing, never a panic.
func TestOverblikOddData(t *testing.T) {
	r := testkit.Rules(t)
	on := dato(t, "2026-03-10")
	if _, err := r.Overblik(nil, on); app.ErrorCode(err) != app.CodeInvalid {
		t.Errorf("nil case: err = %v, want invalid", err)
	}
	if _, err := r.Overblik(&app.Sag{}, app.Date{}); app.ErrorCode(err) != app.CodeInvalid {
		t.Errorf("zero date: err = %v, want invalid", err)
	}
	if _, err := r.Overblik(&app.Sag{}, dato(t, "2020-01-01")); app.ErrorCode(err) != app.CodeNotFound {
		t.Errorf("date before the rules: err = %v, want not_found", err)
	}
	var none *app.Rules
	if _, err := none.Overblik(&app.Sag{}, on); app.ErrorCode(err) != app.CodeInternal {
		t.Errorf("nil rules: err = %v, want internal", err)
	}

	odd := []struct {
		name  string
		build func(*app.Sag)
	}{
		{"empty case", func(*app.Sag) {}},
		{"unknown KG id", func(s *app.Sag) { s.Kontaktgruppe = &app.KGForloeb{KG: 999} }},
		{"KG 0 and negative", func(s *app.Sag) { s.Kontaktgruppe = &app.KGForloeb{KG: -3} }},
		{"unknown category", func(s *app.Sag) {
			s.Kontaktgruppe = &app.KGForloeb{KG: 2}
			s.Visitation.Kategori = "findes_ikke"
		}},
		{"unknown fravær type", func(s *app.Sag) {
			s.Kontaktgruppe = &app.KGForloeb{KG: 1}
			s.Fravaer = []app.Fravaer{{Type: "findes_ikke", Periode: app.Period{Start: on}}}
		}},
		{"zero-date fravær", func(s *app.Sag) {
			s.Kontaktgruppe = &app.KGForloeb{KG: 1}
			s.Fravaer = []app.Fravaer{{Type: "ferie"}, {Type: "sygemelding"}}
		}},
		{"end before start", func(s *app.Sag) {
			s.Kontaktgruppe = &app.KGForloeb{KG: 1}
			s.Fravaer = []app.Fravaer{
				{Type: "ferie", Periode: app.Period{Start: on, Slut: on.AddDays(-9)}},
				{Type: "ferie", Periode: app.Period{Start: on.AddDays(-2), Slut: on}},
				{Type: "ferie", Periode: app.Period{Start: on.AddDays(-40)}},
			}
		}},
		{"open-ended DP ferie", func(s *app.Sag) {
			s.Kontaktgruppe = &app.KGForloeb{KG: 1}
			s.Fravaer = []app.Fravaer{{Type: "ferie", Periode: app.Period{Start: on.AddDays(-3)}}}
		}},
		{"SDP without sygemelding or start", func(s *app.Sag) { s.Kontaktgruppe = &app.KGForloeb{KG: 25} }},
		{"UH without CPR, unknown CPR", func(s *app.Sag) {
			s.Kontaktgruppe = &app.KGForloeb{KG: 12}
			s.Borger.CPR = app.CPRUkendt
		}},
		{"plans and samtaler with zero dates", func(s *app.Sag) {
			s.Kontaktgruppe = &app.KGForloeb{KG: 1}
			s.Planer = []app.Plan{{Status: app.PlanOffentliggjort}}
			s.Planer[0].Paalaeg = &app.Paalaeg{}
			s.Samtaler = []app.Samtale{{Status: app.SamtaleAfholdt}}
			s.Visitation = app.Visitation{Kategori: "match2"}
			s.Tilmelding = app.Tilmelding{Status: app.Tilmeldt}
		}},
		{"far future dates", func(s *app.Sag) {
			s.Kontaktgruppe = &app.KGForloeb{KG: 1}
			s.Tjob = app.MustDate(9999, 12, 31)
			s.Tilmelding = app.Tilmelding{Status: app.Tilmeldt, FoersteDato: app.MustDate(9999, 12, 30)}
		}},
	}
	for _, tc := range odd {
		t.Run(tc.name, func(t *testing.T) {
			s := &app.Sag{}
			tc.build(s)
			o, err := r.Overblik(s, on)
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if len(o.Pligter) != len(app.Pligter()) {
				t.Errorf("%d duties, want %d", len(o.Pligter), len(app.Pligter()))
			}
			for _, p := range o.Pligter {
				_ = msgText(t, p.Line(), "da") + msgText(t, p.Line(), "en")
			}
		})
	}
}

// benchSag is a busy dagpenge case: ferie, samtaler, a published plan.
func benchSag(tb testing.TB) *app.Sag {
	tb.Helper()
	s := nySag(tb, 1, "2026-01-05", "match2")
	tilmeld(tb, s, "2026-01-05")
	s.Visitation.Dato = dato(tb, "2026-01-20")
	s.Tjob = dato(tb, "2026-04-17")
	fravaer(tb, s, "ferie", "2026-02-16", "2026-02-20")
	fravaer(tb, s, "ferie", "2026-04-13", "2026-04-17")
	fravaer(tb, s, "borgerligt_ombud", "2026-04-15", "2026-04-15")
	fravaer(tb, s, "sygemelding", "2026-03-02", "2026-03-06").SlutAarsag = "rask"
	for _, d := range []string{"2026-01-12", "2026-01-26", "2026-02-09", "2026-03-23"} {
		samtale(tb, s, "jobsamtale", app.SamtaleAfholdt, d)
	}
	samtale(tb, s, "jobsamtale", app.SamtalePlanlagt, "2026-04-27")
	p := app.Plan{ID: "plan-1", Type: app.PlanJob, Status: app.PlanOffentliggjort}
	p.Opfoelgning = dato(tb, "2026-05-04")
	s.Planer = append(s.Planer, p)
	return s
}

// benchSDP is a sygedagpenge case in week 7.
func benchSDP(tb testing.TB) *app.Sag {
	tb.Helper()
	s := nySag(tb, 24, "2026-03-02", "sdp1")
	s.Ydelse.IBeskaeftigelse = true
	fravaer(tb, s, "sygemelding", "2026-03-02", "").ForventetRask = dato(tb, "2026-06-01")
	samtale(tb, s, "opfoelgning", app.SamtaleAfholdt, "2026-03-30")
	return s
}

func TestOverblikDeterministicAndLight(t *testing.T) {
	r := testkit.Rules(t)
	for _, s := range []*app.Sag{benchSag(t), benchSDP(t)} {
		on := dato(t, "2026-04-15")
		a, b := mustOverblik(t, r, s, "2026-04-15"), mustOverblik(t, r, s.Clone(), "2026-04-15")
		if !reflect.DeepEqual(a, b) {
			t.Errorf("two evaluations differ:\n%+v\n%+v", a, b)
		}
		allocs := testing.AllocsPerRun(100, func() {
			if _, err := r.Overblik(s, on); err != nil {
				t.Fatal(err)
			}
		})
		if allocs > 2 {
			t.Errorf("Overblik allocates %.0f times per call, want at most 2 (the two slices)", allocs)
		}
	}
}

func BenchmarkOverblik(b *testing.B) {
	r := testkit.Rules(b)
	on := dato(b, "2026-04-15")
	for _, bc := range []struct {
		name string
		s    *app.Sag
	}{
		{"DP", benchSag(b)},
		{"SDP", benchSDP(b)},
		{"tom", &app.Sag{}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := r.Overblik(bc.s, on); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
