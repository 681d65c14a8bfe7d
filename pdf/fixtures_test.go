package pdf_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/app/text"
	"feltsag.dk/feltsag/assets"
	"feltsag.dk/feltsag/internal/testkit"
	"feltsag.dk/feltsag/pdf"
)

// today is the print date of every fixture: Thursday 12 March 2026, in
// rule set 2026-02.
var today = app.MustDate(2026, 3, 12)

// printed is the fixed print time; with it the output is byte-stable.
var printed = time.Date(2026, 3, 12, 10, 15, 0, 0, app.Copenhagen())

// fixtureCPR is the fixtures' citizen: born 3 May 1988, a serial that
// fails modulus 11 (synthetic, see app/demo). The tests look for both of
// its unmasked forms in every document.
const fixtureCPR = "0305881237"

var (
	rendOnce sync.Once
	rend     *pdf.Renderer
	rendErr  error
)

func renderer(tb testing.TB) *pdf.Renderer {
	tb.Helper()
	rendOnce.Do(func() { rend, rendErr = pdf.New(catalogue(tb)) })
	if rendErr != nil {
		tb.Fatal(rendErr)
	}
	return rend
}

var caseworker = app.Sagsbehandler{ID: "cw-1", Navn: "Mette Kjærgaard Sørensen", Telefon: "87 13 45 00",
	Email: "mks@jobcenter-aarhus.example", Organisation: "Jobcenter Aarhus"}

// borger returns the fixtures' citizen with æ, ø and å in name and address.
func borger(tb testing.TB, cpr string) app.Borger {
	return app.Borger{CPR: testkit.CPR(tb, cpr), Navn: "Søren Ærbøl Østergård",
		Adresse: app.Adresse{Vej: "Åbyhøjgade 17, 2. tv.", Postnr: "8230", By: "Åbyhøj"}, Telefon: "21 43 65 87"}
}

// dpSag is a registered dagpenge case on KG1, visited match 2, with a
// published job plan of n activities.
func dpSag(tb testing.TB, n int) app.Sag {
	start := today.AddDays(-75)
	s := app.Sag{
		ID: "sag-dp", Ansvarlig: caseworker.ID, Borger: borger(tb, fixtureCPR),
		Kontaktgruppe: &app.KGForloeb{KG: 1, Periode: app.Period{Start: start}, RegelSet: "2025-07"},
		Tilmelding:    app.Tilmelding{Status: app.Tilmeldt, Kategori: app.KatModtager, Ledighedsstatus: "ledig", Siden: start, FoersteDato: start},
		Visitation:    app.Visitation{Kategori: "match2", Dato: start.AddDays(10)},
		Samtaler: []app.Samtale{
			{ID: "m1", Type: "jobsamtale", Dato: start.AddDays(10), Status: app.SamtaleAfholdt, Form: "fremmoede"},
			{ID: "m2", Type: "jobsamtale", Dato: today.AddDays(8), Tid: "10:30", Status: app.SamtalePlanlagt, Form: "fremmoede", Booket: today.AddDays(-5)},
		},
		Tjob: today.AddDays(4),
	}
	s.Tilmelding.CV = start.AddDays(3)
	s.Planer = []app.Plan{jobplan(tb, "plan-dp", start.AddDays(12), n)}
	return s
}

// jobplan is a published job plan with goals, job-search requirements and
// n activities.
func jobplan(tb testing.TB, id app.ID, made app.Date, n int) app.Plan {
	p := app.Plan{ID: id, Type: app.PlanJob, Status: app.PlanOffentliggjort, Version: 3,
		Oprettet: made, Offentliggjort: today.AddDays(-2), RegelSet: "2026-02",
		Aendret: time.Date(2026, 3, 10, 14, 32, 0, 0, app.Copenhagen())}
	p.Jobmaal = []string{"Lagerarbejder med truckcertifikat", "Chauffør (kategori C) i Østjylland"}
	p.Jobsoegning = app.Jobsoegningskrav{AntalPrUge: 3, Stillinger: []string{"Lagerarbejder", "Chauffør", "Pakkeriarbejder"},
		Geografi: "Inden for to timers transport fra bopælen", Kanaler: []string{"Jobnet", "LinkedIn", "uopfordrede ansøgninger"}}
	p.Aktiviteter = aktiviteter(made, n)
	p.StatusTekst = "Søren er i gang med truckcertifikatet og søger aktivt. Vi følger op på praktikken i næste samtale."
	p.NaesteKontakt = app.Kontakt{Dato: today.AddDays(8), Form: "fremmoede", Hvem: "Du møder op på jobcentret, Værkmestergade 25"}
	p.Opfoelgning = today.AddDays(30)
	p.Ansvarlig = caseworker
	p.Afgoerelser = n > 0
	return p
}

// aktiviteter returns n activities of every type, each four weeks long,
// the providers' names full of æ, ø and å.
func aktiviteter(from app.Date, n int) []app.Aktivitet {
	types := []string{"vejledning_opkvalificering", "virksomhedspraktik", "loentilskud", "mentor", "nytteindsats", "andet"}
	udbydere := []string{"AOF Østjylland, Søndergade 4, Århus", "Bøgh & Sønner ApS, Ålborgvej 12", "Kærgård Transport A/S",
		"Jobcenter Aarhus, Virksomhedsservice", "Grøn Økologi I/S, Høje-Tåstrup", "Sprogcenter Århus"}
	out := make([]app.Aktivitet, n)
	for i := range out {
		start := from.AddDays(7 + 14*i)
		out[i] = app.Aktivitet{Type: types[i%len(types)], Udbyder: udbydere[i%len(udbydere)],
			Periode: app.Period{Start: start, Slut: start.AddDays(27)}, Timer: 10 + i%28, Minutter: (i % 4) * 15,
			Kontakt: fmt.Sprintf("Kontaktperson nr. %d, tlf. 86 %02d 12 34", i+1, i%100)}
		if i%5 == 4 {
			out[i].Kontakt += " – mødested: porten ved lageret, spørg efter værkføreren Bjørn Ærenlund"
		}
	}
	return out
}

// withFravaer adds a fravær to s.
func withFravaer(s app.Sag, typ string, start, slut app.Date) app.Sag {
	s.Fravaer = append(s.Fravaer, app.Fravaer{ID: app.ID("f-" + typ), Type: typ, Periode: app.Period{Start: start, Slut: slut},
		Anmeldt: start, Registreret: start, RegelSet: "2026-02"})
	return s
}

// sygemeldt is the dagpenge case with an active sygemelding since 2 March,
// deregistered that day (DOMAIN §4.3 Table B).
func sygemeldt(tb testing.TB) app.Sag {
	s := withFravaer(dpSag(tb, 2), "sygemelding", today.AddDays(-10), app.Date{})
	s.Fravaer[0].ForventetRask = today.AddDays(30)
	s.Tilmelding.Status, s.Tilmelding.AfmeldtDato, s.Tilmelding.AfmeldAarsag = app.IkkeTilmeldt, today.AddDays(-10), app.AfmeldSygdom
	return s
}

// ferie is the dagpenge case on ferie Monday 9 – Friday 20 March.
func ferie(tb testing.TB) app.Sag {
	return withFravaer(dpSag(tb, 2), "ferie", app.MustDate(2026, 3, 9), app.MustDate(2026, 3, 20))
}

// uddSag is a 22-year-old on KG12 (under 30 without education), visited
// uddannelsesparat, with an uddannelsesplan and an uddannelsespålæg.
func uddSag(tb testing.TB) app.Sag {
	start := today.AddDays(-40)
	s := app.Sag{ID: "sag-udd", Ansvarlig: caseworker.ID, Borger: borger(tb, "1207034236"),
		Kontaktgruppe: &app.KGForloeb{KG: 12, Periode: app.Period{Start: start}, RegelSet: "2026-02"},
		Visitation:    app.Visitation{Kategori: "uddannelsesparat", Dato: start.AddDays(5)},
	}
	p := app.Plan{ID: "plan-udd", Type: app.PlanUddannelse, Status: app.PlanOffentliggjort, Version: 2,
		Oprettet: start.AddDays(6), Offentliggjort: start.AddDays(6), Aendret: printed.Add(-40 * 24 * time.Hour)}
	p.Uddannelsesmaal = []string{"Erhvervsuddannelse som social- og sundhedshjælper (SOSU) fra august 2026"}
	p.Jobmaal = []string{"Fritidsjob i ældreplejen"}
	p.Paalaeg = &app.Paalaeg{Tekst: "Du skal søge optagelse på SOSU-uddannelsen på SOSU Østjylland og deltage i brobygning.",
		Frist: app.MustDate(2026, 5, 1)}
	p.Aktiviteter = aktiviteter(start, 3)
	p.Stabiliserende = []string{"Samtaleforløb hos ungerådgiver, én gang om ugen"}
	p.Mentor = "Ahmad Yılmaz, Ungeenheden – 2 timer om ugen"
	p.Ansvarlig = caseworker
	p.NaesteKontakt = app.Kontakt{Dato: today.AddDays(14), Form: "telefon", Hvem: "Jobcentret ringer til dig"}
	s.Planer = []app.Plan{p}
	return s
}

// sdpSag is a citizen sick from employment (KG24), visited kategori 2,
// with a follow-up agreement.
func sdpSag(tb testing.TB) app.Sag {
	start := today.AddDays(-30)
	s := app.Sag{ID: "sag-sdp", Ansvarlig: caseworker.ID, Borger: borger(tb, fixtureCPR),
		Kontaktgruppe: &app.KGForloeb{KG: 24, Periode: app.Period{Start: start}, RegelSet: "2026-02"},
		Visitation:    app.Visitation{Kategori: "sdp2", Dato: start.AddDays(20)},
		Ydelse:        app.YdelsesForhold{IBeskaeftigelse: true},
		Samtaler: []app.Samtale{{ID: "m1", Type: "opfoelgning", Dato: today.AddDays(6), Tid: "13:00", Form: "telefon",
			Status: app.SamtalePlanlagt, Booket: today.AddDays(-3)}},
	}
	s = withFravaer(s, "sygemelding", start, app.Date{})
	s.Fravaer[0].ForventetRask = today.AddDays(60)
	p := app.Plan{ID: "plan-sdp", Type: app.PlanSDPOpfoelgning, Status: app.PlanUdkast, Version: 1,
		Oprettet: today.AddDays(-1), Aendret: printed.Add(-20 * time.Hour)}
	p.SDP = &app.SDPAftale{Kategori: "sdp2", ForventetRask: today.AddDays(60), Arbejdsplads: "Bøgh & Sønner ApS, Ålborgvej 12",
		Tiltag: []string{"Delvis raskmelding med 15 timer om ugen fra 1. april", "Arbejdspladsvurdering med arbejdsgiver og tillidsrepræsentant",
			"Fysioterapi to gange om ugen"}, Opfoelgningsform: "Rundbordssamtale på arbejdspladsen", NaesteOpfoelgning: today.AddDays(6)}
	p.StatusTekst = "Du har ondt i ryggen efter et fald på lageret. Lægen forventer, at du kan begynde gradvist i april."
	p.Ansvarlig = caseworker
	s.Planer = []app.Plan{p}
	return s
}

// input wraps a case for printing its only plan.
func input(tb testing.TB, s app.Sag, lang string) pdf.Input {
	return pdf.Input{Sag: s, PlanID: s.Planer[0].ID, Rules: testkit.Rules(tb), Printed: printed,
		PrintedBy: caseworker, Jobcenter: "Jobcenter Aarhus", Lang: lang}
}

// catalogue loads the catalogue of texts the documents use.
func catalogue(tb testing.TB) *text.Catalogue {
	tb.Helper()
	c, err := text.Load(assets.I18n(), assets.I18nDir)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}
