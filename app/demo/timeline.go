package demo

import (
	"slices"

	"feltsag.dk/feltsag/app"
)

// timeline plans the citizen's history, from the kontaktgruppe's start to
// today, as commands on dates.
func (g *gen) timeline(i int) {
	g.kgStart()
	switch g.def.Gruppe {
	case "SDP":
		g.sick()
	default:
		g.setKG(g.def.ID, g.start)
		g.ydelse(app.YdelsesForhold{})
		g.category()
		g.fravaer()
	}
	g.samtaler()
	g.cv(i)
	g.plan(i)
	g.notes()
}

// kgStart chooses when the kontaktgruppe began: up to 14 months ago, not
// before the first rule set, and not before the citizen was old enough
// for it (6033).
func (g *gen) kgStart() {
	days := g.r.between(21, 420)
	if g.def.Gruppe == "SDP" {
		days = g.r.between(40, 300)
	}
	start := g.today.AddDays(-days)
	if first := g.rules.Sets[0].Periode.Start; start.Before(first) {
		start = first
	}
	if g.def.MinAlder >= 0 {
		if b := g.sag.Borger.CPR.BirthDate().AddYears(g.def.MinAlder); start.Before(b) {
			start = b
		}
	}
	g.start = start
}

// setKG opens kontaktgruppe kg on d: a caseworker where the rule set of
// that day lets one, otherwise the system (DFDG's automatic change, 8096).
func (g *gen) setKG(kg int, d app.Date) {
	rolle := app.RolleSystem
	if rs, err := g.rules.ForDate(d); err == nil && rs.KG[kg] != nil && rs.KG[kg].Manuel {
		rolle = app.RolleSagsbehandler
	}
	g.add(d, ordKG, rolle, true, &app.SaetKontaktgruppe{KG: kg, Start: d})
}

// ydelse records the benefit facts the rules read: the start of
// kontanthjælp and the first henvendelse for the kontanthjælp groups.
func (g *gen) ydelse(y app.YdelsesForhold) {
	switch g.def.Gruppe {
	case "KH", "UH", "INT":
		y.KHStart = g.start.AddDays(-g.r.between(0, 500))
		y.FoersteHenvendelse = g.start
	}
	if y != (app.YdelsesForhold{}) {
		g.add(g.start, ordYdelse, app.RolleSagsbehandler, true, &app.OpdaterYdelse{Ydelse: y})
	}
}

// register puts the citizen on as jobseeker on d.
func (g *gen) register(d app.Date) {
	g.add(d, ordTilmeld, app.RolleBorger, true, &app.Tilmeld{})
	g.tilmeldt = d
}

// visit categorises the citizen on d; jobparat and åbenlyst
// uddannelsesparat register the citizen too (DOMAIN A6.4).
func (g *gen) visit(d app.Date, kategori string) {
	if d.After(g.today) {
		return
	}
	g.kategori = kategori
	g.add(d, ordVisiter, app.RolleSagsbehandler, false, &app.Visiter{Kategori: kategori})
	if kategori == "jobparat" || kategori == "aabenlyst_uddannelsesparat" {
		g.tilmeldt = d
	}
}

// category registers and categorises the citizen as the group's profile
// says (DOMAIN §2.2, A2.3).
func (g *gen) category() {
	r, d := g.r, g.start
	switch {
	case g.def.Gruppe == "DP":
		g.register(d)
		g.visit(d.AddDays(r.between(1, 12)), pick(r, []string{"match1", "match1", "match2", "match2", "match3"}))
	case g.def.Profil == "K":
		g.visit(d.AddDays(r.between(0, 6)), pick(r, []string{"jobparat", "jobparat", "jobparat", "aktivitetsparat", "aktivitetsparat"}))
	case g.def.Profil == "U" && g.def.LAB6 == 5:
		g.visit(d.AddDays(r.between(0, 6)), "aktivitetsparat")
	case g.def.Profil == "U":
		g.visit(d.AddDays(r.between(0, 6)), pick(r, []string{"uddannelsesparat", "uddannelsesparat", "aabenlyst_uddannelsesparat", "aabenlyst_uddannelsesparat", "aktivitetsparat"}))
	case slices.Contains([]string{"LY", "SF"}, g.def.Gruppe):
		g.register(d)
	}
}

// sick builds a sygedagpenge case: sick from employment (KG24) from the
// start, or (KG25) a partly unemployed dagpenge recipient whose
// sygemelding moves them to KG25 automatically [S5][S45]. The sygedagpenge
// category is set at once for kategori 1, otherwise at the first
// opfølgning (DOMAIN §2.2) [S25].
func (g *gen) sick() {
	r := g.r
	if g.def.ID == 25 {
		g.setKG(1, g.start)
		g.ydelse(app.YdelsesForhold{Supplerende: true})
		g.register(g.start)
		g.visit(g.start.AddDays(r.between(1, 10)), "match2")
		g.syg = g.today.AddDays(-r.between(5, min(160, g.start.DaysUntil(g.today)-20)))
	} else {
		g.setKG(g.def.ID, g.start)
		g.ydelse(app.YdelsesForhold{IBeskaeftigelse: true})
		g.syg = g.start
	}
	g.rask = g.syg.AddDays(r.between(30, 200))
	g.add(g.syg, ordFravaer, app.RolleSagsbehandler, true, &app.RegistrerFravaer{FravaerID: r.id(), Type: "sygemelding",
		Start: g.syg, ForventetRask: g.rask, Kommentar: "Sygemeldt fra arbejdsgiver/a-kasse"})
	kat := pick(r, []string{"sdp1", "sdp2", "sdp2", "sdp2", "sdp3"})
	when := g.syg.AddDays(r.between(14, 55))
	if kat == "sdp1" {
		when = g.syg.AddDays(r.between(1, 5))
	}
	g.visit(when, kat)
}

// fravaer gives some citizens an absence: an open sygemelding, one that
// ended, ferie now or coming, temporary work or civic duty.
func (g *gen) fravaer() {
	r, x := g.r, g.r.Float64()
	switch {
	case x < 0.14:
		g.sygemelding(g.today.AddDays(-r.between(0, 45)), app.Date{})
	case x < 0.24:
		s := g.start.AddDays(r.between(3, max(3, g.start.DaysUntil(g.today)-30)))
		g.sygemelding(s, s.AddDays(r.between(3, 20)))
	case x < 0.33:
		monday := g.today.AddDays(-(int(g.today.Weekday()) + 6) % 7)
		s := monday.AddDays(-7 * r.IntN(2))
		g.ferie(s, s.AddDays(r.between(4, 11)), s.AddDays(-r.between(15, 30)))
	case x < 0.42:
		g.futureFerie()
	case x < 0.47 && g.def.Gruppe == "DP":
		s := g.today.AddDays(-r.between(5, 60))
		g.caseworkerFravaer("midlertidigt_arbejde", s, s.AddDays(r.between(20, 90)), s)
	case x < 0.50:
		s := g.today.AddDays(r.between(3, 30))
		g.caseworkerFravaer("borgerligt_ombud", s, s.AddDays(r.IntN(3)), g.today.AddDays(-r.IntN(3)))
	}
	if g.syg.IsZero() && x >= 0.33 && r.chance(0.12) {
		g.futureFerie()
	}
}

// sygemelding registers illness from s, reported by the citizen on the
// day; a non-zero slut ends it with a raskmelding [S4][S7].
func (g *gen) sygemelding(s, slut app.Date) {
	if s.Before(g.start.AddDays(3)) {
		return
	}
	id := g.r.id()
	body := &app.RegistrerFravaer{FravaerID: id, Type: "sygemelding", Start: s}
	if slut.IsZero() {
		g.syg, g.rask = s, s.AddDays(g.r.between(14, 120))
		body.ForventetRask = g.rask
	}
	g.add(s, ordFravaer, app.RolleBorger, false, body)
	if !slut.IsZero() && slut.Before(g.today) {
		g.add(slut, ordFravaer, app.RolleSagsbehandler, false, &app.AfslutFravaer{FravaerID: id, Slut: slut, Aarsag: "Raskmeldt"})
	}
}

// ferie registers ferie s–slut, reported by the citizen on reg, at least
// 14 days ahead [S50][S51].
func (g *gen) ferie(s, slut, reg app.Date) {
	if reg.Before(g.start) {
		return
	}
	g.add(reg, ordFravaer, app.RolleBorger, false, &app.RegistrerFravaer{FravaerID: g.r.id(), Type: "ferie", Start: s, Slut: slut})
}

func (g *gen) futureFerie() {
	s := g.today.AddDays(g.r.between(15, 70))
	g.ferie(s, s.AddDays(g.r.between(4, 11)), g.today.AddDays(-g.r.IntN(5)))
}

// caseworkerFravaer registers a fravær only the jobcentre may register.
func (g *gen) caseworkerFravaer(typ string, s, slut, reg app.Date) {
	if reg.Before(g.start) || s.Before(reg) {
		return
	}
	g.add(reg, ordFravaer, app.RolleSagsbehandler, false, &app.RegistrerFravaer{FravaerID: g.r.id(), Type: typ, Start: s, Slut: slut,
		Begrundelse: "Dokumenteret af borgeren"})
}

// samtaler books and holds samtaler every five to eight weeks (monthly in
// sygedagpenge, every quarter for groups without a duty to attend), and
// books the next one.
func (g *gen) samtaler() {
	r := g.r
	lo, hi := 35, 56
	switch g.def.Gruppe {
	case "FP", "ANDEN":
		lo, hi = 80, 120
	case "SDP":
		lo, hi = 28, 35
	}
	// The history goes back about four months: older samtaler add bytes,
	// not realism.
	first := maxDate(g.start, g.today.AddDays(-120)).AddDays(r.between(5, 14))
	for d := first; d.Before(g.today); d = d.AddDays(r.between(lo, hi)) {
		id := g.r.id()
		g.book(id, d, maxDate(g.start, d.AddDays(-r.between(3, 14))))
		if r.chance(0.92) {
			g.add(d, ordSamtale, app.RolleSagsbehandler, false, &app.RegistrerSamtaleAfholdt{SamtaleID: id})
		} else {
			g.add(d, ordSamtale, app.RolleSagsbehandler, false, &app.RegistrerUdeblivelse{SamtaleID: id, Kontakt: d, Grund: "Glemte aftalen"})
		}
	}
	g.samtale = g.today.AddDays(r.between(2, 28))
	g.book(g.r.id(), g.samtale, maxDate(g.start, g.today.AddDays(-r.IntN(6))))
}

// book books samtale id on d, made on booked.
func (g *gen) book(id app.ID, d, booked app.Date) {
	typ := "jobsamtale"
	switch {
	case !g.syg.IsZero() && !d.Before(g.syg) && g.def.Gruppe == "SDP":
		typ = "opfoelgning"
	case slices.Contains([]string{"JAF", "RF", "REV"}, g.def.Gruppe):
		typ = "forloeb"
	}
	form := pick(g.r, []string{"fremmoede", "fremmoede", "fremmoede", "telefon", "telefon", "video", "digital"})
	tid := pick(g.r, []string{"08:30", "09:00", "09:30", "10:00", "10:30", "11:00", "12:30", "13:00", "13:30", "14:00", "14:30"})
	g.add(booked, ordBook, app.RolleSagsbehandler, false, &app.BookSamtale{SamtaleID: id, Type: typ, Dato: d, Tid: tid, Form: form,
		Begrundelse: "Aftalt med borgeren"})
}

// cv registers most registered citizens' CV a few days after tilmelding,
// most with one to three occupations (DISCO codes) for the field kit's
// candidates. The occupations come from a stream of their own, so adding
// them changed nothing else of a citizen.
func (g *gen) cv(i int) {
	if g.tilmeldt.IsZero() || !g.r.chance(0.85) {
		return
	}
	d := minDate(g.today, g.tilmeldt.AddDays(g.r.between(1, 10)))
	g.add(d, ordCV, app.RolleBorger, false, &app.RegistrerCV{Dato: d, Stillinger: cvStillinger(g.seed, i)})
}

// cvStillinger returns citizen i's occupations: none for one in six,
// otherwise one to three different DISCO codes.
func cvStillinger(seed int64, i int) []string {
	r := newRng(seed, "cv", i)
	if r.IntN(6) == 0 {
		return nil
	}
	var out []string
	for _, s := range pickN(r, discoStillinger, r.between(1, 3)) {
		out = append(out, s.kode)
	}
	return out
}

// notes adds up to two journal notes.
func (g *gen) notes() {
	span := g.start.DaysUntil(g.today)
	for range g.r.IntN(3) {
		d := g.start.AddDays(g.r.between(0, span))
		g.add(d, ordNotat, app.RolleSagsbehandler, false, &app.TilfoejNotat{NotatID: g.r.id(), Tekst: pick(g.r, notater)})
	}
}

func maxDate(a, b app.Date) app.Date {
	if a.After(b) {
		return a
	}
	return b
}

func minDate(a, b app.Date) app.Date {
	if a.Before(b) {
		return a
	}
	return b
}
