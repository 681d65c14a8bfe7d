package demo

import (
	"fmt"
	"strings"

	"feltsag.dk/feltsag/app"
)

// LangPlan reports whether demo citizen i gets a long plan (25 or more
// activities, three pages or more on paper) unless it is a sygedagpenge
// agreement: one citizen in twenty, from the eighth.
func LangPlan(i int) bool { return i%20 == 7 }

// plan saves and usually publishes the citizen's plan a week or two into
// the kontaktforløb, and sometimes revises it later: the follow-up
// agreement for sygedagpenge, an uddannelsesplan (often with an
// uddannelsespålæg) for the young without education who are
// uddannelsesparate, a job plan otherwise (DOMAIN §6).
func (g *gen) plan(i int) {
	r := g.r
	from := g.start
	if !g.syg.IsZero() && g.def.Gruppe == "SDP" {
		from = g.syg
	}
	made := minDate(g.today, from.AddDays(r.between(2, 20)))
	typ := app.PlanJob
	switch {
	case g.def.Gruppe == "SDP":
		typ = app.PlanSDPOpfoelgning
	case g.def.Gruppe == "UH" && (g.kategori == "uddannelsesparat" || g.kategori == "aabenlyst_uddannelsesparat"):
		typ = app.PlanUddannelse
	}
	id := r.id()
	content := g.indhold(typ, made, i)
	g.add(made, ordPlan, app.RolleSagsbehandler, true, &app.GemPlan{PlanID: id, Type: typ, Indhold: content})
	publish := r.chance(0.85)
	if publish {
		g.add(made, ordPublish, app.RolleSagsbehandler, true, &app.OffentliggoerPlan{PlanID: id})
	}
	if made.DaysUntil(g.today) < 20 || !r.chance(0.4) {
		return
	}
	revised := made.AddDays(r.between(14, made.DaysUntil(g.today)))
	content.StatusTekst = pick(r, statusTekster)
	content.NaesteKontakt = g.kontakt(revised)
	if content.Paalaeg != nil && !g.paalaegAllowed(revised) {
		content.Paalaeg = nil // abolished meanwhile (2027): the rules refuse to publish it [S36]
	}
	g.add(revised, ordPlan, app.RolleSagsbehandler, true, &app.GemPlan{PlanID: id, Indhold: content})
	if publish {
		g.add(revised, ordPublish, app.RolleSagsbehandler, true, &app.OffentliggoerPlan{PlanID: id})
	}
}

// indhold writes the plan's content (LAB § 41 stk. 2 [S21]).
func (g *gen) indhold(typ string, made app.Date, i int) app.PlanIndhold {
	r := g.r
	p := app.PlanIndhold{Ansvarlig: app.Sagsbehandler{ID: g.cw.ID, Navn: g.cw.Navn, Telefon: g.cw.Telefon,
		Email: g.cw.Email, Organisation: g.cw.Organisation}}
	p.Jobmaal = pickN(r, stillinger, r.between(1, 2))
	if typ == app.PlanUddannelse || (g.def.LAB6 >= 4 && r.chance(0.3)) {
		p.Uddannelsesmaal = []string{pick(r, uddannelser)}
	}
	if typ == app.PlanUddannelse && r.chance(0.7) && g.paalaegAllowed(made) {
		p.Paalaeg = &app.Paalaeg{Tekst: fmt.Sprintf("Du skal søge optagelse på %s og deltage i brobygning.", lower(p.Uddannelsesmaal[0])),
			Frist: maxDate(made.AddDays(30), g.today.AddDays(r.between(14, 120)))}
	}
	p.Jobsoegning = g.jobsoegning(p.Jobmaal)
	p.Aktiviteter = g.aktiviteter(typ, made, i)
	if g.kategori == "aktivitetsparat" || g.kategori == "sdp3" || g.def.Gruppe == "JAF" || g.def.Gruppe == "RF" || g.def.Gruppe == "REV" {
		p.Stabiliserende = pickN(r, stabiliserende, r.between(1, 2))
	}
	p.AndreIndsatser = pickN(r, andreIndsatser, r.IntN(3))
	if r.chance(0.25) {
		p.Mentor = fmt.Sprintf("%s, Jobcenter %s – %d timer om ugen", g.navn(r.chance(0.5)), kommuneOf(g.cw), r.between(1, 4))
	}
	p.StatusTekst = pick(r, statusTekster)
	p.NaesteKontakt = g.kontakt(made)
	p.Opfoelgning = made.AddDays(r.between(60, 90))
	for _, a := range p.Aktiviteter {
		p.Afgoerelser = p.Afgoerelser || a.Type == "virksomhedspraktik" || a.Type == "loentilskud" || a.Type == "nytteindsats"
	}
	p.Afgoerelser = p.Afgoerelser || p.Paalaeg != nil
	if typ == app.PlanSDPOpfoelgning {
		p.SDP = g.sdpAftale(made)
		p.Jobsoegning = app.Jobsoegningskrav{}
	}
	return p
}

// paalaegAllowed reports whether uddannelsespålæg exist on d (abolished
// from 2027) [S36].
func (g *gen) paalaegAllowed(d app.Date) bool {
	rs, err := g.rules.ForDate(d)
	return err == nil && rs.Params["uddannelsespaalaeg"].Vaerdi == 1
}

// jobsoegning writes the job-search requirements for the groups that must
// search for jobs; others get none [S52d].
func (g *gen) jobsoegning(jobmaal []string) app.Jobsoegningskrav {
	r := g.r
	if g.tilmeldt.IsZero() || g.def.Gruppe == "SF" {
		return app.Jobsoegningskrav{}
	}
	return app.Jobsoegningskrav{AntalPrUge: r.between(2, 5), Stillinger: append(jobmaal[:len(jobmaal):len(jobmaal)], pick(r, stillinger)),
		Geografi: pick(r, geografier), Kanaler: pickN(r, kanaler, r.between(2, 3))}
}

// aktiviteter returns the plan's tilbud: one to eight, 25 to 32 for a long
// plan, none to two for the sygedagpenge agreement; back to back from the
// plan's date [S80].
func (g *gen) aktiviteter(typ string, made app.Date, i int) []app.Aktivitet {
	r := g.r
	n := pick(r, []int{1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 8})
	switch {
	case typ == app.PlanSDPOpfoelgning:
		n = r.IntN(3)
	case LangPlan(i):
		n = r.between(25, 32)
	}
	out := make([]app.Aktivitet, 0, n)
	d := made.AddDays(r.between(3, 14))
	for range n {
		a := g.aktivitet(d)
		out = append(out, a)
		d = a.Periode.Slut.AddDays(r.between(1, 10))
	}
	return out
}

// aktivitet returns one tilbud starting on d.
func (g *gen) aktivitet(d app.Date) app.Aktivitet {
	r := g.r
	kommune := kommuneOf(g.cw)
	typ := pick(r, []string{"vejledning_opkvalificering", "vejledning_opkvalificering", "virksomhedspraktik", "virksomhedspraktik",
		"loentilskud", "mentor", "nytteindsats", "andet"})
	a := app.Aktivitet{Type: typ, Periode: app.Period{Start: d, Slut: d.AddDays(r.between(14, 91))}, Minutter: 15 * r.IntN(4),
		Kontakt: fmt.Sprintf("%s, tlf. %s", g.navn(r.chance(0.5)), r.telefon())}
	switch typ {
	case "vejledning_opkvalificering":
		a.Udbyder, a.Timer = pick(r, kursusUdbydere)+" "+kommune, r.between(10, 30)
	case "virksomhedspraktik", "loentilskud":
		a.Udbyder, a.Timer = g.virksomhed(), r.between(20, 37)
	case "mentor":
		a.Udbyder, a.Timer = "Jobcenter "+kommune+", Mentorkorps", r.between(1, 3)
	case "nytteindsats":
		a.Udbyder, a.Timer = kommune+" Kommune, Park og Vej", r.between(15, 20)
	default:
		a.Udbyder, a.Timer = "Jobcentrets værksted, "+kommune, r.between(8, 20)
	}
	if a.Timer >= 37 {
		a.Minutter = 0
	}
	return a
}

// sdpAftale writes the sygedagpenge follow-up agreement (DOMAIN §6.4).
func (g *gen) sdpAftale(made app.Date) *app.SDPAftale {
	r := g.r
	kat := g.kategori
	if !strings.HasPrefix(kat, "sdp") {
		kat = "" // inherited from before the sickness; not yet visited for sygedagpenge
	}
	a := &app.SDPAftale{Kategori: kat, ForventetRask: g.rask, Tiltag: pickN(r, sdpTiltag, r.between(1, 4)),
		Opfoelgningsform: pick(r, sdpFormer), NaesteOpfoelgning: maxDate(made, g.today).AddDays(r.between(7, 28))}
	if g.def.ID == 24 {
		a.Arbejdsplads = g.virksomhed()
	}
	return a
}

// kontakt is the next contact after d: the next booked samtale if there is
// one, else a phone call.
func (g *gen) kontakt(d app.Date) app.Kontakt {
	if !g.samtale.IsZero() && g.samtale.After(d) {
		return app.Kontakt{Dato: g.samtale, Form: "fremmoede", Hvem: "Du møder op på jobcentret"}
	}
	return app.Kontakt{Dato: d.AddDays(g.r.between(7, 30)), Form: "telefon", Hvem: pick(g.r, kontaktHvem)}
}

// kommuneOf is the kommune of the caseworker's jobcentre.
func kommuneOf(cw app.Caseworker) string {
	const prefix = "Jobcenter "
	if len(cw.Organisation) > len(prefix) {
		return cw.Organisation[len(prefix):]
	}
	return cw.Organisation
}

// virksomhed returns the name of one of the population's companies.
func (g *gen) virksomhed() string { return Virksomhed(g.seed, g.r.IntN(AntalVirksomheder)).Navn }

// lower lower-cases the first letter of a name used inside a sentence,
// but not of an abbreviation such as "HF".
func lower(s string) string {
	if len(s) < 2 || s[0] < 'A' || s[0] > 'Z' || s[1] >= 'A' && s[1] <= 'Z' {
		return s
	}
	return string(s[0]+'a'-'A') + s[1:]
}
