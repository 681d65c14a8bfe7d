package app

import (
	"cmp"
	"slices"
	"strings"
)

// This file is the field kit's candidates search (issue 11): for a job
// opening or a place of a company, the citizens in the consultant's own
// scope who fit, ranked, each with the reasons why (DOMAIN B7). It reads a
// compact profile per case (KandidatProfil), never the whole case, and
// asks the company rules of placering.go (løntilskud's target groups and
// month limits, praktik's week limits) through the same RuleSet methods
// Placer uses, so 5,000 citizens are ranked in a few milliseconds.
//
// What it assumes (A), besides the rules it reuses (docs/domain.md §16):
//   - an ordinary job opening, voksenlærling and jobrotation are for
//     citizens registered as ledige jobseekers on the start day; løntilskud
//     needs the registration for the groups whose target group is "ledig"
//     (DP, SF); praktik and fleksjob do not;
//   - a fleksjob place is only for the fleksjob groups (LY);
//   - for an ordinary job jobparat and match 1 fit, match 2 and
//     uddannelsesparat speak against, and aktivitetsparat, match 3 and the
//     sygedagpenge categories do not fit; for a place every category fits
//     but match 3 (midlertidigt passiv), which speaks against;
//   - any fravær running on the start day makes the citizen unavailable,
//     except the ones that do not keep a person from work
//     (kandidatFravaerTilladt); an open sygemelding whose expected end is on
//     or before the start day only speaks against.

// KandidatProfil is what the candidates search reads of one case. Build it
// with KandidatProfilOf whenever the case changes; a store may keep it
// beside the case's summary. It holds no full CPR number.
type KandidatProfil struct {
	Sag        ID                `json:"sag"`
	Navn       string            `json:"navn"`
	CPR        string            `json:"cpr"`            // masked DDMMYY-XXXX
	Foedt      Date              `json:"foedt,omitzero"` // zero = not known
	Doed       Date              `json:"doed,omitzero"`
	KG         int               `json:"kg,omitempty"` // the open kontaktgruppe, 0 = none
	Kategori   string            `json:"kategori,omitempty"`
	Tilmeldt   bool              `json:"tilmeldt,omitempty"` // registered as ledig jobseeker
	Afmeldes   Date              `json:"afmeldes,omitzero"`  // a planned afmelding
	Stillinger []string          `json:"stillinger,omitempty"`
	Fravaer    []KandidatFravaer `json:"fravaer,omitempty"`
}

// KandidatFravaer is a fravær of a profile: its type, period and, for a
// sygemelding, the expected end.
type KandidatFravaer struct {
	Type          string `json:"type"`
	Periode       Period `json:"periode"`
	ForventetRask Date   `json:"forventet_rask,omitzero"`
}

// KandidatProfilOf returns the candidates profile of s.
func KandidatProfilOf(s *Sag) KandidatProfil {
	t := s.Tilmelding
	p := KandidatProfil{Sag: s.ID, Navn: s.Borger.Navn, CPR: s.Borger.CPR.Masked(), Foedt: s.Borger.CPR.BirthDate(),
		Doed: s.Borger.Doed, Kategori: s.Visitation.Kategori, Tilmeldt: t.ErTilmeldt() && t.Ledighedsstatus != "ikke_ledig",
		Afmeldes: t.Afmeldes, Stillinger: cloneSlice(s.Stillinger)}
	if s.Kontaktgruppe != nil {
		p.KG = s.Kontaktgruppe.KG
	}
	n := 0
	for i := range s.Fravaer {
		if !s.Fravaer[i].Slettet {
			n++
		}
	}
	if n > 0 {
		p.Fravaer = make([]KandidatFravaer, 0, n)
	}
	for i := range s.Fravaer {
		if f := &s.Fravaer[i]; !f.Slettet {
			p.Fravaer = append(p.Fravaer, KandidatFravaer{Type: f.Type, Periode: f.Periode, ForventetRask: f.ForventetRask})
		}
	}
	return p
}

// KandidatSoegning is one candidates search: a job opening or a place of
// a company (exactly one of Jobordre and Plads).
type KandidatSoegning struct {
	Jobordre *Jobordre
	Plads    *Plads
	// Sektor is the company's sector: løntilskud's month limits differ.
	Sektor string
	// Start is the first working day; zero = the opening's or place's
	// start, but not before Tidligst.
	Start Date
	// Tidligst is the earliest start when Start is zero: today, so a place
	// that began months ago is searched from today.
	Tidligst Date
	// Placeringer are the placements the caller knows (the companies in
	// scope): a citizen placed on the start day is no candidate.
	Placeringer []Placering
	// Max limits the result to the best Max; 0 = all.
	Max int
}

// The scheme of an ordinary job opening, beside the Ordning* constants.
const ordningJob = "job"

// Points of the ranking (A): what fits adds, what speaks against subtracts.
const (
	pointBase         = 50
	pointKategori     = 30
	pointTilmeldt     = 10
	pointStillingPer  = 10 // per matching leading DISCO digit, up to 4
	pointStillingImod = 10
	pointImod         = 20 // a fravær, placement or expected end in the way
	pointVarighed     = 10
)

// kandidatFravaerTilladt lists the fravær types that do not keep a citizen
// from starting work (A): exemptions from a duty and facts about the
// ydelse, not absences.
func kandidatFravaerTilladt(typ string) bool {
	switch typ {
	case "fritagelse_joblog", FravaerMindreIntensiv, "hjaelp_fra_kommunen", FravaerUnder18, "kan_ikke_faa_pension":
		return true
	}
	return false
}

// Category fit for a scheme.
const (
	katUde = iota // does not fit
	katImod
	katNeutral
	katKlar
)

func kategoriFit(ordning, kategori string) int {
	job := ordning == ordningJob || ordning == OrdningVoksenlaerl || ordning == OrdningJobrotation
	switch kategori {
	case "", KategoriIkkeVisiteret:
		return katNeutral
	case KategoriMatch3:
		if job {
			return katUde
		}
		return katImod
	case KategoriJobparat, KategoriMatch1:
		return katKlar
	}
	if !job {
		return katKlar
	}
	switch kategori {
	case KategoriMatch2, "uddannelsesparat", KategoriAabenlystUddannelsesparat:
		return katImod
	}
	return katUde
}

// kandidatGruppe is what a search decides once per kontaktgruppe and
// category, not once per citizen.
type kandidatGruppe struct {
	ok         bool
	kategori   int
	tilmelding bool              // the scheme needs a registered ledig jobseeker
	maxUger    int               // praktik: the longest in weeks, 0 = no limit
	maxMdr     int               // løntilskud: the longest in months, 0 = no limit
	params     map[string]string // the category reason's, shared (read-only)
}

// kandidatNoegle is a kontaktgruppe and a category.
type kandidatNoegle struct {
	kg       int
	kategori string
}

// kandidatSearch is the working state of one search.
type kandidatSearch struct {
	rs      *RuleSet
	q       KandidatSoegning
	ordning string
	disco   string
	per     Period
	placed  map[ID][]Period
	grupper map[kandidatNoegle]kandidatGruppe
	buf     []Grund // the reasons' backing array
}

// grunde returns an empty slice for one candidate's reasons, cut from one
// array for the whole search; a candidate with more reasons than fit
// grows its own.
func (k *kandidatSearch) grunde() []Grund {
	const per = 4
	if cap(k.buf)-len(k.buf) < per {
		k.buf = make([]Grund, 0, per*256)
	}
	g := k.buf[len(k.buf) : len(k.buf) : len(k.buf)+per]
	k.buf = k.buf[:len(k.buf)+per]
	return g
}

// Kandidater ranks the citizens of profiler for q: best first (Score),
// ties by name and then case id. A citizen without an open kontaktgruppe,
// outside the scheme's target group, not registered where the scheme needs
// it, or away on the start day (ill, on ferie, another fravær, placed) is
// left out. A reason's Params may be shared by several candidates: read
// them, do not change them. Errors: invalid (neither or both of Jobordre
// and Plads, no start), not_found (no rule set covers the start day).
func (r *Rules) Kandidater(q KandidatSoegning, profiler []KandidatProfil) ([]Kandidat, error) {
	k := &kandidatSearch{q: q, placed: map[ID][]Period{}, grupper: map[kandidatNoegle]kandidatGruppe{}}
	switch {
	case (q.Jobordre == nil) == (q.Plads == nil):
		return nil, invalidf("jobordre_id", "invalid.henvisning.maal")
	case q.Jobordre != nil:
		k.ordning, k.disco, k.per = ordningJob, q.Jobordre.Disco, q.Jobordre.Periode
	default:
		k.ordning, k.per = q.Plads.Ordning, q.Plads.Periode
	}
	switch {
	case !q.Start.IsZero():
		k.per.Start = q.Start
	case k.per.Start.Before(q.Tidligst):
		k.per.Start = q.Tidligst
	}
	if k.per.Start.IsZero() {
		return nil, invalidf("periode.start", "invalid.virksomhed.periode_start")
	}
	rs, err := r.ForDate(k.per.Start)
	if err != nil {
		return nil, err
	}
	k.rs = rs
	for _, p := range q.Placeringer {
		k.placed[p.Sag] = append(k.placed[p.Sag], p.Periode)
	}
	out := make([]Kandidat, 0, len(profiler)/4)
	for i := range profiler {
		if c, ok := k.rank(&profiler[i]); ok {
			out = append(out, c)
		}
	}
	// Sorting indices, not the candidates, spares the moves of their
	// pointers (a third of the time with 5,000 citizens).
	order := make([]int32, len(out))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return compareKandidat(&out[a], &out[b]) })
	if q.Max > 0 && len(order) > q.Max {
		order = order[:q.Max]
	}
	sorted := make([]Kandidat, len(order))
	for j, i := range order {
		sorted[j] = out[i]
	}
	return sorted, nil
}

// compareKandidat orders candidates best first, then by name and case id.
// It compares the names only on a tie (cmp.Or would compare them always).
func compareKandidat(a, b *Kandidat) int {
	if a.Score != b.Score {
		return cmp.Compare(b.Score, a.Score)
	}
	if c := strings.Compare(a.Navn, b.Navn); c != 0 {
		return c
	}
	return strings.Compare(string(a.Sag), string(b.Sag))
}

// gruppe returns the decision for kontaktgruppe kg and kategori.
func (k *kandidatSearch) gruppe(kg int, kategori string) kandidatGruppe {
	key := kandidatNoegle{kg, kategori}
	if g, ok := k.grupper[key]; ok {
		return g
	}
	g := k.decide(kg, kategori)
	k.grupper[key] = g
	return g
}

func (k *kandidatSearch) decide(kg int, kategori string) kandidatGruppe {
	def := k.rs.KG[kg]
	if def == nil {
		return kandidatGruppe{}
	}
	g := kandidatGruppe{ok: true, kategori: kategoriFit(k.ordning, kategori),
		params: map[string]string{"kategori": KategoriParam(kategori)}}
	switch k.ordning {
	case ordningJob, OrdningVoksenlaerl, OrdningJobrotation:
		g.tilmelding = true
	case OrdningFleksjob:
		g.ok = def.Gruppe == GruppeLY
	case OrdningLoentilskud:
		g.tilmelding = def.Gruppe == GruppeDP || def.Gruppe == GruppeSF
		if n, ok := k.rs.loentilskudMdr(k.q.Sektor, def.Gruppe, kategori); ok {
			g.maxMdr = n
		}
		g.ok = k.rs.loentilskudMaalgruppe(k.q.Sektor, def.Gruppe, kategori, -1)
	case OrdningPraktik:
		if n, ok := k.rs.gruppeParam(ParamPrefixPraktikMaxUger, def.Gruppe, kategori); ok {
			g.maxUger = n
		}
	}
	g.ok = g.ok && g.kategori != katUde
	return g
}

// rank returns the candidate of p, or false when p does not fit.
func (k *kandidatSearch) rank(p *KandidatProfil) (Kandidat, bool) {
	start := k.per.Start
	if p.KG == 0 || !p.Doed.IsZero() && !start.Before(p.Doed) {
		return Kandidat{}, false
	}
	g := k.gruppe(p.KG, p.Kategori)
	if !g.ok {
		return Kandidat{}, false
	}
	age := ageOn(p.Foedt, start)
	if k.ordning == OrdningLoentilskud && age >= 0 && age < 18 {
		return Kandidat{}, false
	}
	tilmeldt := p.Tilmeldt && (p.Afmeldes.IsZero() || start.Before(p.Afmeldes))
	if g.tilmelding && !tilmeldt {
		return Kandidat{}, false
	}
	c := Kandidat{Sag: p.Sag, Navn: p.Navn, CPR: p.CPR, Score: pointBase, Grunde: k.grunde()}
	switch g.kategori {
	case katKlar:
		c.add(pointKategori, Grund{Key: "kandidat.kategori", Params: g.params})
	case katImod:
		c.add(0, Grund{Key: "kandidat.kategori_imod", Params: g.params, Imod: true})
	}
	if tilmeldt {
		c.add(pointTilmeldt, Grund{Key: "kandidat.tilmeldt"})
	}
	if k.disco != "" {
		k.stilling(&c, p)
	}
	if !k.ledig(&c, p) {
		return Kandidat{}, false
	}
	k.varighed(&c, g)
	return c, true
}

// add records a reason and its points (subtracted when it speaks against).
func (c *Kandidat) add(points int, g Grund) {
	if g.Imod {
		c.Score -= points
	} else {
		c.Score += points
	}
	c.Grunde = append(c.Grunde, g)
}

// stilling matches the opening's DISCO code on the CV's occupations: the
// more leading digits (1–4) agree, the better.
func (k *kandidatSearch) stilling(c *Kandidat, p *KandidatProfil) {
	if len(p.Stillinger) == 0 {
		c.add(0, Grund{Key: "kandidat.stilling_ukendt", Imod: true})
		return
	}
	best, kode := 0, ""
	for _, s := range p.Stillinger {
		if n := discoPrefix(k.disco, s); n > best {
			best, kode = n, s
		}
	}
	if best == 0 {
		c.add(pointStillingImod, Grund{Key: "kandidat.stilling_anden", Imod: true})
		return
	}
	c.add(best*pointStillingPer, Grund{Key: "kandidat.stilling", Params: map[string]string{"kode": RawParam(kode), "cifre": itoa(best)}})
}

// discoPrefix returns how many of the first four digits a and b share.
func discoPrefix(a, b string) int {
	n := 0
	for n < 4 && n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// ledig reports whether p is free on the start day: no fravær that keeps
// them from work and no placement running then. A fravær or placement
// later in the period, or an open sygemelding expected to end by the start
// day, speaks against.
func (k *kandidatSearch) ledig(c *Kandidat, p *KandidatProfil) bool {
	start := k.per.Start
	for _, f := range p.Fravaer {
		switch {
		case kandidatFravaerTilladt(f.Type):
		case f.Periode.Contains(start):
			if f.Type != FravaerSygemelding || !f.Periode.Slut.IsZero() || f.ForventetRask.IsZero() || f.ForventetRask.After(start) {
				return false
			}
			c.add(pointImod, Grund{Key: "kandidat.forventet_rask", Params: map[string]string{"dato": DateParam(f.ForventetRask)}, Imod: true})
		case f.Periode.Start.After(start) && k.iPerioden(f.Periode.Start):
			c.add(pointImod, Grund{Key: "kandidat.fravaer_senere", Params: map[string]string{"type": FravaerParam(f.Type),
				"dato": DateParam(f.Periode.Start)}, Imod: true})
		}
	}
	for _, per := range k.placed[p.Sag] {
		switch {
		case per.Contains(start):
			return false
		case per.Start.After(start) && k.iPerioden(per.Start):
			c.add(pointImod, Grund{Key: "kandidat.placeret_senere", Params: map[string]string{"dato": DateParam(per.Start)}, Imod: true})
		}
	}
	return true
}

// kandidatHorisont is how far after the start an open-ended opening looks
// for a fravær or placement in the way (A).
const kandidatHorisont = 28

// iPerioden reports whether d falls in the search's period (the first
// kandidatHorisont days of an open-ended one).
func (k *kandidatSearch) iPerioden(d Date) bool {
	slut := k.per.Slut
	if slut.IsZero() {
		slut = k.per.Start.AddDays(kandidatHorisont - 1)
	}
	return !d.After(slut)
}

// varighed: a place longer than the group's longest praktik or løntilskud
// speaks against (Placer would refuse the full period, DOMAIN B4, B5).
func (k *kandidatSearch) varighed(c *Kandidat, g kandidatGruppe) {
	per := k.per
	if per.Slut.IsZero() {
		return
	}
	switch {
	case g.maxUger > 0 && per.Days() > 7*g.maxUger:
		c.add(pointVarighed, Grund{Key: "kandidat.varighed_uger", Params: map[string]string{"max": itoa(g.maxUger)}, Imod: true})
	case g.maxMdr > 0 && per.Slut.After(per.Start.AddMonths(g.maxMdr).AddDays(-1)):
		c.add(pointVarighed, Grund{Key: "kandidat.varighed_mdr", Params: map[string]string{"max": itoa(g.maxMdr)}, Imod: true})
	}
}
