package demo

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"feltsag.dk/feltsag/app"
)

// Intra-day order of the events on one date: the kontaktgruppe first, the
// plan after the samtale it was made at, notes last.
const (
	ordKG = iota
	ordYdelse
	ordTilmeld
	ordVisiter
	ordFravaer
	ordCV
	ordBook
	ordSamtale
	ordPlan
	ordPublish
	ordNotat
)

// event is one command on the citizen's timeline. Required events are ones
// the rest of the case depends on: their refusal is a generator bug.
type event struct {
	dato     app.Date
	ord, seq int
	rolle    string
	body     app.Body
	required bool
}

// gen builds one citizen's case.
type gen struct {
	seed   int64
	r      *rng
	rules  *app.Rules
	rs     *app.RuleSet // the rule set in force on today
	today  app.Date
	cw     app.Caseworker
	def    *app.KGDef // the kontaktgruppe the citizen ends in
	sag    app.Sag
	events []event

	start    app.Date // the kontaktgruppe's start
	kategori string   // the visitation the citizen gets ("" = none)
	tilmeldt app.Date // when the citizen registers as jobseeker (zero = never)
	syg      app.Date // start of a sygemelding open on today (zero = none)
	rask     app.Date // its expected end
	samtale  app.Date // the next planned samtale (zero = none)
}

// citizen generates citizen i and returns the case and how many optional
// commands the rules refused.
func citizen(rules *app.Rules, seed int64, i int, today app.Date) (app.Sag, int, error) {
	rs, err := rules.ForDate(today)
	if err != nil {
		return app.Sag{}, 0, err
	}
	g := &gen{seed: seed, r: newRng(seed, "borger", i), rules: rules, rs: rs, today: today, cw: CaseworkerOf(seed, i)}
	g.def = rs.KG[g.chooseKG(i)]
	g.person(i)
	g.timeline(i)
	return g.run()
}

// kgIDs returns the rule set's kontaktgrupper in id order.
func kgIDs(rs *app.RuleSet) []int {
	ids := make([]int, 0, len(rs.KG))
	for id := range rs.KG {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// groupWeight is roughly how common each KG group is in a jobcentre's
// caseload (A): dagpenge, kontanthjælp and sygedagpenge dominate.
var groupWeight = map[string]float64{
	"DP": 28, "KH": 20, "UH": 9, "SDP": 14, "LY": 7, "JAF": 5, "RF": 2, "REV": 1,
	"FP": 2, "SF": 3, "U18": 1, "INT": 3, "ANDEN": 1,
}

// chooseKG gives the first citizens one kontaktgruppe each, in id order,
// so that any population at least as large as the rule set's list covers
// every kontaktgruppe; later citizens are drawn by groupWeight.
func (g *gen) chooseKG(i int) int {
	ids := kgIDs(g.rs)
	if i < len(ids) {
		return ids[i]
	}
	count := map[string]int{}
	for _, id := range ids {
		count[g.rs.KG[id].Gruppe]++
	}
	total := 0.0
	for _, id := range ids {
		total += groupWeight[g.rs.KG[id].Gruppe] / float64(count[g.rs.KG[id].Gruppe])
	}
	x := g.r.Float64() * total
	for _, id := range ids {
		x -= groupWeight[g.rs.KG[id].Gruppe] / float64(count[g.rs.KG[id].Gruppe])
		if x < 0 {
			return id
		}
	}
	return ids[len(ids)-1]
}

// ageRange is the usual age span of a group (A), within the KG's limits.
func ageRange(def *app.KGDef) (int, int) {
	spans := map[string][2]int{"DP": {23, 63}, "KH": {25, 60}, "UH": {18, 29}, "SDP": {24, 64}, "LY": {30, 64},
		"JAF": {30, 60}, "RF": {25, 58}, "REV": {25, 55}, "FP": {35, 64}, "SF": {20, 60}, "U18": {16, 17},
		"INT": {20, 50}, "ANDEN": {55, 64}}
	s, ok := spans[def.Gruppe]
	if !ok {
		s = [2]int{25, 60}
	}
	lo, hi := max(s[0], def.MinAlder), s[1]
	if def.MaxAlder >= 0 {
		hi = min(hi, def.MaxAlder)
	}
	if lo > hi {
		lo = max(hi-7, def.MinAlder, 16)
	}
	return lo, hi
}

// person makes the citizen: birth date and CPR number, name, address and
// contact details, and the new case.
func (g *gen) person(i int) {
	r := g.r
	lo, hi := ageRange(g.def)
	age := r.between(lo, hi)
	born := g.today.AddYears(-age).AddDays(-r.IntN(365)) // still age years old today
	female := r.chance(0.5)
	b := app.Borger{CPR: syntheticCPR(r, born, female), Navn: g.navn(female), HarUddannelse: r.chance(0.6)}
	switch g.def.ID {
	case 17:
		b.HarUddannelse = true
	case 12, 28:
		b.HarUddannelse = false
	}
	town := byer[(i/CasesPerCaseworker)%len(kommuner)]
	if r.chance(0.2) {
		town = pick(r, byer)
	}
	b.Adresse = app.Adresse{Vej: adresse(r), Postnr: town.postnr, By: town.navn}
	if r.chance(0.8) {
		b.Telefon = r.telefon()
	}
	if r.chance(0.4) {
		b.Email = ascii(b.Navn) + "@example.com"
	}
	g.sag = app.Sag{ID: r.id(), Ansvarlig: g.cw.ID, Borger: b}
}

// navn returns a first name of the given sex, sometimes a middle name,
// and a surname.
func (g *gen) navn(female bool) string {
	first := pick(g.r, fornavneM)
	if female {
		first = pick(g.r, fornavneK)
	}
	return join(first, pick(g.r, mellemnavne), pick(g.r, efternavne))
}

func adresse(r *rng) string {
	nr := fmt.Sprint(r.between(1, 120))
	if r.chance(0.1) {
		nr += "B"
	}
	s := pick(r, veje) + " " + nr
	if e := pick(r, etager); e != "" {
		s += ", " + e
	}
	return s
}

func join(parts ...string) string {
	out := ""
	for _, p := range parts {
		if p == "" {
			continue
		}
		if out != "" {
			out += " "
		}
		out += p
	}
	return out
}

// add puts an event on the timeline; events after today are dropped.
func (g *gen) add(d app.Date, ord int, rolle string, required bool, body app.Body) {
	if d.After(g.today) {
		return
	}
	g.events = append(g.events, event{dato: d, ord: ord, seq: len(g.events), rolle: rolle, body: body, required: required})
}

// run executes the timeline in date order through the engine. It returns
// the case, the number of optional commands refused, and an internal error
// if a required one was.
func (g *gen) run() (app.Sag, int, error) {
	slices.SortStableFunc(g.events, func(a, b event) int {
		return cmp.Or(b.dato.DaysUntil(a.dato), cmp.Compare(a.ord, b.ord), cmp.Compare(a.seq, b.seq))
	})
	eng := app.NewEngine(g.rules)
	sag := &g.sag
	afvist := 0
	for _, ev := range g.events {
		actor := app.Actor{Rolle: ev.rolle}
		switch ev.rolle {
		case app.RolleSagsbehandler:
			actor.ID = g.cw.ID
		case app.RolleSystem:
			actor.ID = "dfdg"
		}
		at := ev.dato.Start().Add(8*time.Hour + time.Duration(ev.ord*15+g.r.IntN(10))*time.Minute)
		res, err := eng.Execute(sag, app.Command{ID: g.r.id(), Sag: sag.ID, Actor: actor, At: at, Body: ev.body})
		if err != nil {
			if ev.required {
				return app.Sag{}, afvist, app.Internal(fmt.Errorf("demo: %s on %s for KG%d: %w", ev.body.Kind(), ev.dato, g.def.ID, err))
			}
			afvist++ // e.g. a samtale a later sygemelding cancelled
			continue
		}
		sag = res.Sag
	}
	return *sag, afvist, nil
}
