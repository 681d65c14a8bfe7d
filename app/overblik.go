package app

import (
	"errors"
	"slices"
)

// Overblik is what applies to a citizen on one date: each duty with its
// status (applies, suspended by a fravær until a date, …) and the deadlines
// that run. The case view shows it ("fritaget for joblog til og med
// 14.04.2026"), the case list filters on its deadlines, and the printed plan
// takes its rights-and-duties section from the duties' Line.
type Overblik struct {
	Dato     Date
	RegelSet string        // rule-set version used
	KG       int           // 0 = no open kontaktgruppe
	Gruppe   string        // KG group (DP, KH, …) or ""
	Kategori string        // visitation category code or ""
	Pligter  []PligtStatus // one per duty, in the order of RuleSet.Pligtnavne
	Frister  []Frist       // sorted by date
}

// PligtStatus is one duty (or right) and how it stands on the Overblik's
// date.
type PligtStatus struct {
	Pligt  string // tilmelding, cv, raadighed, joblog, jobsamtaler, aktivering, selvbook
	Status string // PligtGaelder, PligtRet, PligtIngen, PligtFritaget, PligtBegraenset, PligtAfmeldt
	Til    Date   // last day of a suspension or restriction (zero = until further notice)
	Grund  string // fravær type code that suspends or restricts it, "" otherwise
	Kilde  string // source tag of the table row that decided it
	Gruppe string // the citizen's KG group: for SDP the meetings are opfølgningssamtaler
}

// Frist is a deadline that runs for the citizen or for the jobcentre.
type Frist struct {
	Navn    string // stable code, one of the Frist… constants
	Dato    Date   // moved off weekends and holidays to the next working day
	Status  string // FristKommende, FristIDag or FristOverskredet
	Variant string // which text of the deadline applies: "" or, for sdp_opfoelgning, "naeste"
	Kilde   string // source tag
	Holdt   int    // for counted deadlines (kontaktforløb): meetings held so far
	Krav    int    // for counted deadlines: meetings required; 0 otherwise
}

// Duty statuses (PligtStatus.Status).
const (
	PligtGaelder    = "gaelder"    // the duty applies
	PligtRet        = "ret"        // a right, not a duty
	PligtIngen      = "ingen"      // not relevant for the citizen's group
	PligtFritaget   = "fritaget"   // suspended by a fravær
	PligtBegraenset = "begraenset" // restricted by a fravær
	PligtAfmeldt    = "afmeldt"    // tilmelding ended by the fravær
)

// Deadline statuses (Frist.Status).
const (
	FristKommende    = "kommende"
	FristIDag        = "i_dag"
	FristOverskredet = "overskredet"
)

// Deadline names (Frist.Navn). They are stable: UI keys and filters use them.
const (
	FristCV              = "cv"
	FristFoersteSamtale  = "foerste_samtale"
	FristVisitation      = "visitation"
	FristSDPOpfoelgning  = "sdp_opfoelgning"
	FristSDPVisitation   = "sdp_visitation"
	FristSDPRevurdering  = "sdp_revurdering"
	FristMatchkategori   = "matchkategori"
	FristPlanOpfoelgning = "plan_opfoelgning"
	FristPaalaeg         = "paalaeg"
	FristOmvisitation30  = "omvisitation_30"
	FristSelvbook        = "selvbook"
	FristTjob            = "tjob"
	FristKontaktforloeb  = "kontaktforloeb"
	FristFaellesSamtale  = "faelles_samtale"
	FristSDPFastTrack    = "sdp_fast_track"
)

// Overblik returns the duties and deadlines that apply to the citizen of s
// on the date on, evaluated with the rule set in force on that date. It
// reads s only, allocates two slices, and skips what it cannot interpret
// (unknown codes, zero dates, periods ending before they start) instead of
// failing. Errors: invalid (no case or no date), not_found (no rule set
// covers on), internal (no rules loaded).
func (r *Rules) Overblik(s *Sag, on Date) (Overblik, error) {
	if r == nil {
		return Overblik{}, Internal(errors.New("app: Overblik on nil Rules"))
	}
	if s == nil || on.IsZero() {
		return Overblik{}, Errorf(CodeInvalid, "",
			"invalid.overview_needs_case")
	}
	rs, err := r.ForDate(on)
	if err != nil {
		return Overblik{Dato: on}, err
	}
	if !s.Tilmelding.Afmeldes.IsZero() {
		cp := *s // shallow: only the Tilmelding value changes
		cp.Tilmelding.Materialise(on)
		s = &cp
	}
	c := overblikCalc{rs: rs, s: s, on: on}
	c.o = Overblik{Dato: on, RegelSet: rs.Version, Kategori: s.Visitation.Kategori}
	c.kontaktgruppe()
	if d := s.Borger.Doed; !d.IsZero() && !on.Before(d) {
		c.doed()
		return c.o, nil
	}
	c.pligter()
	c.frister()
	slices.SortStableFunc(c.o.Frister, func(a, b Frist) int { return int(a.Dato.n - b.Dato.n) })
	return c.o, nil
}

// Pligt returns the status of the named duty; an unknown name reads as
// "ingen".
func (o Overblik) Pligt(name string) PligtStatus {
	for _, p := range o.Pligter {
		if p.Pligt == name {
			return p
		}
	}
	return PligtStatus{Pligt: name, Status: PligtIngen}
}

// Frist returns the first deadline with the given name and whether there is
// one.
func (o Overblik) Frist(navn string) (Frist, bool) {
	for _, f := range o.Frister {
		if f.Navn == navn {
			return f, true
		}
	}
	return Frist{}, false
}

// overblikCalc holds one evaluation. Its helpers are methods so that their
// names stay out of the package namespace the commands share.
type overblikCalc struct {
	rs     *RuleSet
	s      *Sag
	on     Date
	kg     *KGForloeb
	gruppe string
	o      Overblik

	// samtalerFoerUndtagelse is the jobsamtaler status before the 25 %
	// exemption was applied ("" when it was not): the first samtale is
	// held with every jobparat citizen, exempted or not [S35][S36][S37].
	samtalerFoerUndtagelse string

	ferieDone bool // ferieUge computed
	ferieHel  bool // DP ferie covers Monday–Friday of on's week
	ferieTil  Date // last day of the joblog exemption by ferie
}

// Fravær type and samtale type codes the overview interprets itself.
const (
	obFerie       = FravaerFerie
	obSygemelding = FravaerSygemelding
	obOpfoelgning = "opfoelgning"
	obRaadighed   = "raadighed"
)

// kontaktgruppe finds the kontaktgruppe open on c.on: the open one, or for
// a date in the past the historic period that covered it.
func (c *overblikCalc) kontaktgruppe() {
	kg := c.s.Kontaktgruppe
	if kg == nil || !c.covers(kg.Periode) {
		kg = nil
		for i := range c.s.KGHistorik {
			if c.covers(c.s.KGHistorik[i].Periode) {
				kg = &c.s.KGHistorik[i]
				break
			}
		}
	}
	if kg == nil || kg.KG <= 0 {
		return
	}
	c.kg = kg
	c.o.KG = kg.KG
	if d := c.rs.KG[kg.KG]; d != nil {
		c.gruppe = d.Gruppe
	}
	c.o.Gruppe = c.gruppe
}

// covers is Period.Contains, except that a period without a start date
// counts as started.
func (c *overblikCalc) covers(p Period) bool {
	return (p.Start.IsZero() || !c.on.Before(p.Start)) && (p.Slut.IsZero() || !c.on.After(p.Slut))
}

// pligter sets the baseline duties of the group and category, then applies
// every fravær active on c.on (DOMAIN §4.3 Table B).
func (c *overblikCalc) pligter() {
	base := c.baseline()
	ps := make([]PligtStatus, len(c.rs.Pligtnavne))
	for i, name := range c.rs.Pligtnavne {
		ps[i] = PligtStatus{Pligt: name, Status: PligtIngen, Gruppe: c.gruppe}
		if base == nil {
			continue
		}
		ps[i].Kilde = base.Kilde
		switch base.Pligt[name] {
		case "P":
			ps[i].Status = PligtGaelder
		case "R":
			ps[i].Status = PligtRet
		}
	}
	for i := range c.s.Fravaer {
		f := &c.s.Fravaer[i]
		if !f.Aktiv(c.on) {
			continue
		}
		e := c.effekt(f.Type)
		if e == nil {
			continue // unknown or retired type: no effect rather than a guess
		}
		for j := range ps {
			c.anvend(&ps[j], f, e)
		}
	}
	c.ydelseFritagelser(ps)
	c.o.Pligter = ps
}

// undtagetEffekt returns the effect of the 25 % rule: a citizen exempted
// under it is exempt from jobsamtaler and tilbud in the first 6 months (from
// 1 July 2026) [S35][S37]; a duty it does not name is unchanged.
func undtagetEffekt() *EffektDef {
	return &EffektDef{Fravaer: "undtaget", Gruppe: "*", Kilde: "[S35][S37]",
		Effekt: map[string]string{PligtJobsamtaler: "F", PligtAktivering: "F"}}
}

// ydelseFritagelser applies exemptions recorded on the benefit rather than
// as a fravær: mindre intensiv indsats (LAB § 106) [S67] uses the effects
// of the fravær type of that name; the 25 % rule uses undtagetEffekt.
func (c *overblikCalc) ydelseFritagelser(ps []PligtStatus) {
	y := c.s.Ydelse
	apply := func(typ string, e *EffektDef) {
		f := &Fravaer{Type: typ, Periode: Period{Start: c.on}}
		for j := range ps {
			c.anvend(&ps[j], f, e)
		}
	}
	if y.MindreIntensiv {
		if e := c.effekt(FravaerMindreIntensiv); e != nil {
			apply(FravaerMindreIntensiv, e)
		}
	}
	if y.Undtaget && c.undtagetAktiv() {
		for _, p := range ps {
			if p.Pligt == PligtJobsamtaler {
				c.samtalerFoerUndtagelse = p.Status
			}
		}
		apply("undtaget", undtagetEffekt())
	}
}

// doed: after the citizen's death no duty applies and no deadline runs
// (DOMAIN §3.2 A5) [S1][S3].
func (c *overblikCalc) doed() {
	c.o.Pligter = make([]PligtStatus, len(c.rs.Pligtnavne))
	for i, name := range c.rs.Pligtnavne {
		c.o.Pligter[i] = PligtStatus{Pligt: name, Status: PligtIngen, Kilde: "[S1][S3]"}
	}
}

// baseline returns the pligter row for (group, category), else (group, *),
// else (*, *); without an open kontaktgruppe only (*, *) applies.
func (c *overblikCalc) baseline() *PligtDef {
	var grp, any *PligtDef
	for _, d := range c.rs.Pligter {
		switch {
		case c.gruppe != "" && d.Gruppe == c.gruppe && d.Kategori == c.o.Kategori && c.o.Kategori != "":
			return d
		case c.gruppe != "" && d.Gruppe == c.gruppe && d.Kategori == "*":
			grp = d
		case d.Gruppe == "*" && d.Kategori == "*":
			any = d
		}
	}
	if grp != nil {
		return grp
	}
	return any
}

// effekt returns the Table B row for a fravær type in the group, else the
// type's "*" row, else nil.
func (c *overblikCalc) effekt(typ string) *EffektDef {
	rows := c.rs.Effekter[typ]
	if e := rows[c.gruppe]; e != nil {
		return e
	}
	return rows["*"]
}

// overblikRang orders the statuses a fravær can impose: a stronger one wins
// when several fravær touch the same duty.
func overblikRang(status string) int {
	switch status {
	case PligtBegraenset:
		return 1
	case PligtFritaget:
		return 2
	case PligtAfmeldt:
		return 3
	}
	return 0
}

// anvend applies fravær f with Table B row e to duty p.
func (c *overblikCalc) anvend(p *PligtStatus, f *Fravaer, e *EffektDef) {
	if p.Status == PligtIngen {
		return // a suspension matters only for a duty or right that exists
	}
	var status string
	switch e.Effekt[p.Pligt] {
	case "F":
		status = PligtFritaget
	case "B":
		status = PligtBegraenset
	case "A":
		status = PligtFritaget // (A) "afmeldes" outside the tilmelding column means exempt
		if p.Pligt == PligtTilmelding {
			if c.loentilskudUndtaget(f.Type) {
				return
			}
			status = PligtAfmeldt
		}
	default:
		return // G and "-": unchanged
	}
	til := f.Periode.Slut
	if status == PligtFritaget && p.Pligt == PligtJoblog && f.Type == obFerie && c.gruppe == GruppeDP {
		// DP ferie exempts from joblog only for whole weeks; in a partial
		// week the citizen must still search (DOMAIN §8 item 15) [S50].
		hel, uTil := c.ferieUge()
		if !hel {
			return
		}
		til = uTil
	}
	cur, rank := overblikRang(p.Status), overblikRang(status)
	switch {
	case rank > cur:
		p.Status, p.Til, p.Grund, p.Kilde = status, til, f.Type, e.Kilde
	case rank == cur && !p.Til.IsZero() && (til.IsZero() || til.After(p.Til)):
		// Several fravær suspend the same duty: the latest end wins, and
		// an open-ended one (zero) beats every date.
		p.Til, p.Grund, p.Kilde = til, f.Type, e.Kilde
	}
}

// loentilskudUndtaget reports whether the fravær type does not deregister a
// citizen in løntilskud and the citizen is in løntilskud (DOMAIN §8 item 1)
// [S1][S45].
func (c *overblikCalc) loentilskudUndtaget(typ string) bool {
	d := c.rs.Fravaer[typ]
	return d != nil && d.Afmelder == "undtagen_loentilskud" && c.s.Ydelse.Loentilskud
}

// ferieUge reports whether registered ferie covers Monday–Friday of the
// week containing c.on, and if so the last day of the joblog exemption:
// the end of the last whole ferie week (Sunday), or the ferie's last day
// if it ends earlier in that week; zero for open-ended ferie. Adjacent or
// overlapping ferie registrations count as one ferie. (A) A holiday inside
// the week does not make the week whole: the ferie must cover the days.
func (c *overblikCalc) ferieUge() (bool, Date) {
	if c.ferieDone {
		return c.ferieHel, c.ferieTil
	}
	c.ferieDone = true
	start, slut, open := c.ferieSpan()
	mandag := c.on.AddDays(-obMandagIndex(c.on))
	fredag := mandag.AddDays(4)
	if start.After(mandag) || (!open && slut.Before(fredag)) {
		return false, Date{}
	}
	c.ferieHel = true
	if open {
		return true, Date{}
	}
	sidste := slut.AddDays(-obMandagIndex(slut)) // Monday of the ferie's last week
	if slut.Before(sidste.AddDays(4)) {
		sidste = sidste.AddDays(-7) // that week is partial: the previous one is the last whole week
	}
	c.ferieTil = sidste.AddDays(6)
	if slut.Before(c.ferieTil) {
		c.ferieTil = slut
	}
	return true, c.ferieTil
}

// ferieSpan returns the union of the ferie registrations that overlap or
// touch each other and c.on: its first day, last day and whether it is
// open-ended. Each pass widens the span or ends the loop, so it stops after
// at most one pass per registration.
func (c *overblikCalc) ferieSpan() (start, slut Date, open bool) {
	start, slut = c.on, c.on
	for changed := true; changed; {
		changed = false
		for i := range c.s.Fravaer {
			f := &c.s.Fravaer[i]
			fs, fe := f.Periode.Start, f.Periode.Slut
			if f.Type != obFerie || f.Slettet || fs.IsZero() || (!fe.IsZero() && fe.Before(fs)) {
				continue
			}
			if (!open && fs.After(slut.AddDays(1))) || (!fe.IsZero() && fe.AddDays(1).Before(start)) {
				continue // does not touch the span
			}
			if fs.Before(start) {
				start, changed = fs, true
			}
			if !open && fe.IsZero() {
				open, changed = true, true
			} else if !open && fe.After(slut) {
				slut, changed = fe, true
			}
		}
	}
	return start, slut, open
}

// obMandagIndex returns 0 for Monday … 6 for Sunday.
func obMandagIndex(d Date) int { return (int(d.Weekday()) + 6) % 7 }

// status returns the computed status of duty name.
func (c *overblikCalc) status(name string) string {
	for _, p := range c.o.Pligter {
		if p.Pligt == name {
			return p.Status
		}
	}
	return PligtIngen
}

// skal reports whether duty name applies now, fully or restricted; a
// suspended duty's deadlines are suspended with it (DOMAIN §4.3 (A)).
func (c *overblikCalc) skal(name string) bool {
	st := c.status(name)
	return st == PligtGaelder || st == PligtBegraenset
}

// param looks a rule parameter up without panicking: a missing one means
// the deadline it drives is not computed.
func (c *overblikCalc) param(key string) (Param, bool) {
	p, ok := c.rs.Params[key]
	return p, ok
}

// gruppeParam looks up prefix+group ("cv.frist.DP"); group codes are
// upper case in parametre.csv.
func (c *overblikCalc) gruppeParam(prefix string) (Param, bool) {
	if c.gruppe == "" {
		return Param{}, false
	}
	p, ok := c.rs.Params[prefix+c.gruppe]
	return p, ok
}

// frister computes every deadline (DOMAIN §5.1, §5.2, §8 items 28, 29, 33).
func (c *overblikCalc) frister() {
	c.fristCV()
	c.fristFoersteSamtale()
	c.fristKontaktforloeb()
	c.fristFaellesSamtale()
	c.fristVisitation()
	c.fristerSDP()
	c.fristMatchkategori()
	c.fristerPlan()
	c.fristOmvisitation30()
	c.fristSelvbook()
	c.fristTjob()
}

// borgerFrister returns the citizen's own deadlines; the rest are deadlines the
// jobcentre must meet.
func borgerFrister() []string { return []string{FristCV, FristSelvbook, FristTjob, FristPaalaeg} }

// add records a deadline. (A) A citizen's deadline on a Saturday, Sunday or
// Danish holiday moves to the next working day, as Danish administrative
// deadlines do and as TJOB deadlines do [S29]. A deadline the jobcentre
// must meet ("inden udgangen af uge 8") moves to the previous working day,
// so the screen never shows a date after the legal limit.
func (c *overblikCalc) add(navn string, d Date, kilde string) {
	if d.IsZero() {
		return
	}
	if contains(borgerFrister(), navn) {
		d = NaesteArbejdsdag(d)
	} else {
		d = forrigeArbejdsdag(d)
	}
	st := FristKommende
	switch {
	case d.Before(c.on):
		st = FristOverskredet
	case d == c.on:
		st = FristIDag
	}
	if c.o.Frister == nil {
		c.o.Frister = make([]Frist, 0, 12)
	}
	c.o.Frister = append(c.o.Frister, Frist{Navn: navn, Dato: d, Status: st, Kilde: kilde})
}

// tilmeldingsdato is the start of the current registration: the first
// tilmelding of the ledighedsperiode, else the current one's date.
func (c *overblikCalc) tilmeldingsdato() Date {
	t := c.s.Tilmelding
	if !t.FoersteDato.IsZero() {
		return t.FoersteDato
	}
	if t.ErTilmeldt() {
		return t.Siden
	}
	return Date{}
}

// afholdt returns the date of the latest held samtale on or after from and
// not after c.on, of type typ ("" = any type but a-kasse rådighedssamtaler),
// or zero.
func (c *overblikCalc) afholdt(from Date, typ string) Date {
	var last Date
	for i := range c.s.Samtaler {
		m := &c.s.Samtaler[i]
		if m.Status != SamtaleAfholdt || m.Dato.IsZero() || m.Dato.Before(from) || m.Dato.After(c.on) {
			continue
		}
		if (typ == "" && m.Type == obRaadighed) || (typ != "" && m.Type != typ) {
			continue
		}
		if m.Dato.After(last) {
			last = m.Dato
		}
	}
	return last
}

// fristCV: the CV must be on Jobnet N days after tilmelding — 2 weeks for
// dagpenge, 3 weeks for jobparate KH, from first henvendelse for åbenlyst
// uddannelsesparate, after the transition to ledighedsydelse (LAB §§ 22–23)
// [S18]. Only registered citizens get it: the groups without a deadline in
// the law (aktivitetsparate) are not registered.
func (c *overblikCalc) fristCV() {
	if !c.skal(PligtCV) {
		return
	}
	if cv := c.s.Tilmelding.CV; !cv.IsZero() && !cv.Before(c.tilmeldingsdato()) {
		return // the CV is on Jobnet
	}
	p, ok := c.gruppeParam("cv.frist.")
	if !ok {
		return
	}
	fra := c.tilmeldingsdato()
	if fra.IsZero() {
		return
	}
	switch c.gruppe {
	case GruppeUH:
		if d := c.s.Ydelse.FoersteHenvendelse; !d.IsZero() {
			fra = d
		}
	case GruppeLY:
		if c.kg != nil && !c.kg.Periode.Start.IsZero() {
			fra = c.kg.Periode.Start // (A) the KG start is the transition to ledighedsydelse
		}
	}
	c.add(FristCV, fra.AddDays(p.Vaerdi), p.Kilde)
}

// fristFoersteSamtale: dagpenge — the first jobsamtale within 2 weeks of
// tilmelding; KH/UH — within 1 week of the first henvendelse (LAB § 31
// stk. 2 and 5) [S20]. Gone once a samtale has been held since.
//
// From 1 July 2026 the 25 % exemption does not lift it: "the first samtale
// must be held with all jobparate" (DOMAIN §5.1) [S35][S36][S37]; (A) the
// dagpenge first samtale is kept too, as the rule covers the "ledige tæt
// på arbejdsmarkedet" the exemption applies to.
func (c *overblikCalc) fristFoersteSamtale() {
	if st := c.samtalerFoerUndtagelse; !c.skal(PligtJobsamtaler) && st != PligtGaelder && st != PligtBegraenset {
		return
	}
	var fra Date
	var key string
	switch c.gruppe {
	case GruppeDP:
		fra, key = c.tilmeldingsdato(), ParamSamtaleDPFoerste
	case GruppeKH, GruppeUH:
		fra, key = c.s.Ydelse.FoersteHenvendelse, ParamSamtaleKHFoerste
	default:
		return
	}
	p, ok := c.param(key)
	if fra.IsZero() || !ok || !c.afholdt(fra, "").IsZero() {
		return
	}
	c.add(FristFoersteSamtale, fra.AddDays(p.Vaerdi), p.Kilde)
}

// paalaegSuffix follows a group in the key of the jobsamtale count for
// citizens of the group with an uddannelsespålæg.
const paalaegSuffix = ".paalaeg"

// kontaktforloebMdr is the period of the mandated kontaktforløb (LAB § 31:
// "inden for de første 6 måneder") [S20].
const kontaktforloebMdr = 6

// fristKontaktforloeb: the jobcentre holds a number of individual
// jobsamtaler within the first 6 months — at least 4 for kontanthjælp,
// jobafklaring, ressourceforløb, ledighedsydelse and revalidering (LAB § 31
// stk. 3), and for dagpenge 3 + 3 until 30 June 2026, 2 + 2 from 1 July
// 2026 with the a-kasse's counted too (A) [S20][S32][S35]. The deadline
// shows while it runs and for a month after, with how many are held.
func (c *overblikCalc) fristKontaktforloeb() {
	if !c.skal(PligtJobsamtaler) {
		return
	}
	p, ok := c.gruppeParam(ParamPrefixSamtaleAntal)
	if c.gruppe == GruppeDP && c.s.Ydelse.Uddannelsespaalaeg {
		// Dagpenge under 25 with an uddannelsespålæg keep their own count
		// (LAB § 31 stk. 1: 6 in 6 months) while pålæg exist [S20][S36].
		// The key is optional (samtale.antal_6mdr.DP.paalaeg): without it,
		// as from 2027, the DP count applies.
		if pp, ok2 := c.param(ParamPrefixSamtaleAntal + GruppeDP + paalaegSuffix); ok2 {
			p, ok = pp, true
		}
	}
	if !ok || p.Vaerdi <= 0 {
		return
	}
	fra := c.kontaktforloebStart()
	if fra.IsZero() {
		return
	}
	frist := fra.AddMonths(kontaktforloebMdr)
	if c.on.After(frist.AddMonths(1)) {
		return
	}
	holdt := c.holdteJobsamtaler(fra, frist)
	if holdt >= p.Vaerdi {
		return
	}
	c.add(FristKontaktforloeb, frist, p.Kilde)
	f := &c.o.Frister[len(c.o.Frister)-1]
	f.Holdt, f.Krav = holdt, p.Vaerdi
}

// kontaktforloebStart is where the 6 months count from: the tilmelding for
// dagpenge, the first henvendelse for kontanthjælp, otherwise the start of
// the kontaktgruppe.
func (c *overblikCalc) kontaktforloebStart() Date {
	switch c.gruppe {
	case GruppeDP:
		return c.tilmeldingsdato()
	case GruppeKH, GruppeUH:
		if d := c.s.Ydelse.FoersteHenvendelse; !d.IsZero() {
			return d
		}
	}
	if c.kg != nil {
		return c.kg.Periode.Start
	}
	return Date{}
}

// holdteJobsamtaler counts held jobsamtaler from fra to until (and not
// after c.on).
func (c *overblikCalc) holdteJobsamtaler(fra, until Date) int {
	n := 0
	for i := range c.s.Samtaler {
		m := &c.s.Samtaler[i]
		if m.Status == SamtaleAfholdt && m.Type == "jobsamtale" && !m.Dato.Before(fra) && !m.Dato.After(until) && !m.Dato.After(c.on) {
			n++
		}
	}
	return n
}

// The parameters of the joint samtale at 16 months of ledighed. Both are
// optional: without samtale.dp.faelles.mdr there is no such deadline.
const (
	paramFaellesMdr    = "samtale.dp.faelles.mdr"
	paramFaellesVindue = "samtale.dp.faelles.vindue.mdr"
)

// faellesVarselMdr is how long before its deadline the joint samtale
// shows in the overview (A): from 12 months of ledighed, when the
// caseworker plans it with the a-kasse.
const faellesVarselMdr = 4

// fristFaellesSamtale: a dagpengemodtager has a joint samtale (jobcentre
// and a-kasse) on intensified effort no later than when the ledighed has
// lasted 16 months, kept after the reform (DOMAIN §5.1) [S32][S35].
//
// (A) Ledighed is the time in a dagpenge contact group: the current period
// from its start, and day for day the earlier dagpenge periods of the KG
// history inside the window of samtale.dp.faelles.vindue.mdr months before
// it (the dagpengeperiode's reference period of 3 years), so an earlier
// ledighedsperiode brings the deadline forward. (A) The case has no mark
// for the a-kasse's presence: a jobsamtale held from a month before the
// deadline meets it. It shows from faellesVarselMdr months before, and
// stays, overdue, until it is met or the citizen leaves the group.
func (c *overblikCalc) fristFaellesSamtale() {
	p, ok := c.param(paramFaellesMdr)
	if !ok || p.Vaerdi <= 0 || c.gruppe != GruppeDP || c.kg == nil || c.kg.Periode.Start.IsZero() || !c.skal(PligtJobsamtaler) {
		return
	}
	start := c.kg.Periode.Start
	tidligere := 0
	if v, ok := c.param(paramFaellesVindue); ok && v.Vaerdi > 0 {
		fra := start.AddMonths(-v.Vaerdi)
		for _, h := range c.s.KGHistorik {
			d := c.rs.KG[h.KG]
			if d == nil || d.Gruppe != GruppeDP || h.Periode.Start.IsZero() || h.Periode.Slut.IsZero() {
				continue
			}
			s, e := h.Periode.Start, h.Periode.Slut
			if s.Before(fra) {
				s = fra
			}
			if !e.Before(start) {
				e = start.AddDays(-1)
			}
			if !e.Before(s) {
				tidligere += s.DaysUntil(e) + 1
			}
		}
	}
	frist := start.AddMonths(p.Vaerdi).AddDays(-tidligere)
	if c.on.Before(frist.AddMonths(-faellesVarselMdr)) || !c.afholdt(frist.AddMonths(-1), "jobsamtale").IsZero() {
		return
	}
	c.add(FristFaellesSamtale, frist, p.Kilde)
}

// fristVisitation: KH/UH are visited within 1 week of the first henvendelse
// (LAB § 31 stk. 5) [S20]; gone once a category other than "ikke
// visiteret" is set.
func (c *overblikCalc) fristVisitation() {
	if c.gruppe != GruppeKH && c.gruppe != GruppeUH {
		return
	}
	if k := c.o.Kategori; k != "" && k != KategoriIkkeVisiteret {
		return
	}
	p, ok := c.param(ParamVisitationKHFrist)
	if fra := c.s.Ydelse.FoersteHenvendelse; ok && !fra.IsZero() {
		c.add(FristVisitation, fra.AddDays(p.Vaerdi), p.Kilde)
	}
}

// sygemelding returns the active sygemelding that started first, or nil.
func (c *overblikCalc) sygemelding() *Fravaer {
	var syg *Fravaer
	for i := range c.s.Fravaer {
		f := &c.s.Fravaer[i]
		if f.Type == obSygemelding && f.Aktiv(c.on) && !f.Periode.Start.IsZero() &&
			(syg == nil || f.Periode.Start.Before(syg.Periode.Start)) {
			syg = f
		}
	}
	return syg
}

// fristerSDP: sygedagpenge follow-up. The first opfølgningssamtale and the
// visitation to kategori 2/3 are due before the end of week 8 counted from
// the first fraværsdag, further samtaler every 4 weeks after the last one
// held [S25][S27] (DOMAIN §8 item 29), the revurdering at week 22 [S76].
// From 1 Jul 2026 a citizen sick from employment who is expected back
// within 26 weeks gets no municipal follow-up (DOMAIN §8 item 33) [S37].
//
// (A) It applies to SDP groups, and to dagpenge citizens with an active
// sygemelding (they move to KG25 after the a-kasse's 14 days, and weeks
// count from the first fraværsdag). Kontanthjælp and the other groups keep
// their own ydelse while sick and get no sygedagpenge follow-up.
func (c *overblikCalc) fristerSDP() {
	syg := c.sygemelding()
	var foerste Date
	switch {
	case syg != nil && (c.gruppe == GruppeSDP || c.gruppe == GruppeDP):
		foerste = syg.Periode.Start
	case c.gruppe == GruppeSDP && c.kg != nil:
		foerste = c.kg.Periode.Start // (A) no sygemelding registered: count from the KG start
	}
	if foerste.IsZero() {
		return
	}
	c.fristFastTrack(syg)
	if uge, ok := c.param(ParamSDPRevurderingUge); ok {
		if d := c.sdpRevurdering(foerste, uge.Vaerdi); !c.revurderet(d) {
			c.add(FristSDPRevurdering, d, uge.Kilde)
		}
	}
	if c.sdpUndtaget(syg) {
		return
	}
	uge, ok := c.param(ParamSDPOpfoelgningUge)
	if !ok {
		return
	}
	udloeb := foerste.AddDays(uge.Vaerdi*7 - 1) // the last day of week N
	if k := c.o.Kategori; k != KategoriSDP2 && k != KategoriSDP3 {
		// Not yet visited to kategori 2/3: "" or sdp1, or a category
		// inherited from the previous group (A).
		c.add(FristSDPVisitation, udloeb, "[S25][S27]")
	}
	if sidste := c.afholdt(foerste, obOpfoelgning); !sidste.IsZero() {
		if c.sdpKunFoerste() {
			return
		}
		if iv, ok := c.param(ParamSDPOpfoelgningInterval); ok {
			c.add(FristSDPOpfoelgning, sidste.AddDays(iv.Vaerdi*7), iv.Kilde)
			c.o.Frister[len(c.o.Frister)-1].Variant = "naeste" // the next one, not the first
		}
		return
	}
	c.add(FristSDPOpfoelgning, udloeb, uge.Kilde)
}

// revurderet reports whether an opfølgningssamtale was held in the week
// that ends on the revurdering's day d or later: (A) the revurdering is
// made at that samtale; the case has no field of its own for it.
func (c *overblikCalc) revurderet(d Date) bool {
	return !c.afholdt(d.AddDays(-6), obOpfoelgning).IsZero()
}

// sdpRevurdering returns the day the sick days reach uger weeks within
// the window of sdp.revurdering.vindue.mdr months that ends on that day
// (SDP: revurdering after 22 weeks within 9 months [S76]): the current
// sickness from foerste counts every day, and the earlier sygemeldinger of
// the case (not deleted) count their days inside the window. Without
// earlier sickness in the window it is the last day of week uger.
func (c *overblikCalc) sdpRevurdering(foerste Date, uger int) Date {
	limit := uger * 7
	d := foerste.AddDays(limit - 1)
	vindue, ok := c.param(ParamSDPRevurderingVindue)
	if !ok || vindue.Vaerdi <= 0 {
		return d
	}
	// The earlier sick periods, cut off the day before foerste and merged.
	var tidligere []Period
	for _, f := range c.s.Fravaer {
		if f.Type != obSygemelding || f.Slettet || f.Periode.Start.IsZero() || !f.Periode.Start.Before(foerste) {
			continue
		}
		p := f.Periode
		if p.Slut.IsZero() || !p.Slut.Before(foerste) {
			p.Slut = foerste.AddDays(-1)
		}
		tidligere = append(tidligere, p)
	}
	if len(tidligere) == 0 {
		return d
	}
	slices.SortFunc(tidligere, func(a, b Period) int { return b.Start.DaysUntil(a.Start) })
	merged := []Period{tidligere[0]}
	for _, p := range tidligere[1:] {
		last := &merged[len(merged)-1]
		if !p.Start.After(last.Slut.AddDays(1)) {
			if p.Slut.After(last.Slut) {
				last.Slut = p.Slut
			}
			continue
		}
		merged = append(merged, p)
	}
	for day, n := foerste, 1; day.Before(d); day, n = day.AddDays(1), n+1 {
		fra := day.AddMonths(-vindue.Vaerdi).AddDays(1)
		total := n
		for _, p := range merged {
			s, e := p.Start, p.Slut
			if s.Before(fra) {
				s = fra
			}
			if !e.Before(s) {
				total += s.DaysUntil(e) + 1
			}
		}
		if total >= limit {
			return day
		}
	}
	return d
}

// sdpUndtaget reports the reform exception (DOMAIN §8 item 33) [S37]: when
// sdp.beskaeftiget_undtaget.uger is above 0, a citizen in an SDP group who
// is sick from employment and expected back less than that many weeks
// after the first fraværsdag gets no municipal opfølgning. The visitation to
// kategori 2/3 happens at that samtale, so it goes too (A).
func (c *overblikCalc) sdpUndtaget(syg *Fravaer) bool {
	p, ok := c.param(ParamSDPBeskaeftigetUndtaget)
	if !ok || p.Vaerdi <= 0 || syg == nil || c.gruppe != GruppeSDP || !c.s.Ydelse.IBeskaeftigelse {
		return false
	}
	rask := syg.ForventetRask
	return !rask.IsZero() && rask.Before(syg.Periode.Start.AddDays(p.Vaerdi*7))
}

// The optional parameters of the sygedagpenge fast track: without both
// there is no such deadline.
const (
	paramFastTrackUger = "sdp.fast_track.anmodning.uger"
	paramFastTrackDage = "sdp.fast_track.samtale.dage"
)

// fristFastTrack: the employer or the employee of a citizen sick from a
// job may ask for a fast track within 5 weeks of the first sick day; the
// kommune holds a samtale within 2 weeks of the request (DOMAIN §5.1)
// [S75]. (A) A request made later gives no deadline (the right has
// lapsed); the citizen's consent is the caseworker's to check before the
// request is recorded (opdater_ydelse, ydelse.fast_track); an
// opfølgningssamtale held on or after the request meets it.
func (c *overblikCalc) fristFastTrack(syg *Fravaer) {
	r := c.s.Ydelse.FastTrack
	uger, ok1 := c.param(paramFastTrackUger)
	dage, ok2 := c.param(paramFastTrackDage)
	if r.IsZero() || !ok1 || !ok2 || syg == nil || c.gruppe != GruppeSDP || !c.s.Ydelse.IBeskaeftigelse {
		return
	}
	foerste := syg.Periode.Start
	if r.Before(foerste) || r.After(foerste.AddDays(uger.Vaerdi*7-1)) || !c.afholdt(r, obOpfoelgning).IsZero() {
		return
	}
	c.add(FristSDPFastTrack, r.AddDays(dage.Vaerdi), dage.Kilde)
}

// paramSDPKunFoerste is the optional parameter of the sygedagpenge
// simplification in force 1 January 2025: 1 = a citizen sick from a job in
// a short, uncomplicated case has no samtale after the first
// opfølgningssamtale.
const paramSDPKunFoerste = "sdp.beskaeftiget.kun_foerste_samtale"

// sdpKunFoerste reports the simplification of 1 January 2025 (DOMAIN §9,
// §0) [S255]: sick citizens in employment with a short, uncomplicated case
// need no samtaler beyond the first opfølgningssamtale. (A) "Short and
// uncomplicated" is the citizen in an SDP group, in employment, visited to
// kategori 1 (raskmelding expected within 8 weeks, SDP § 12 [S25]); the
// enacted text is not read.
func (c *overblikCalc) sdpKunFoerste() bool {
	p, ok := c.param(paramSDPKunFoerste)
	return ok && p.Vaerdi == 1 && c.gruppe == GruppeSDP && c.s.Ydelse.IBeskaeftigelse && c.o.Kategori == KategoriSDP1
}

// fristMatchkategori: the matchkategori is reassessed at least every 3
// months [S28].
func (c *overblikCalc) fristMatchkategori() {
	switch c.o.Kategori {
	case KategoriMatch1, KategoriMatch2, KategoriMatch3:
	default:
		return
	}
	p, ok := c.param(ParamMatchkategoriRevurdering)
	if d := c.s.Visitation.Dato; ok && !d.IsZero() {
		c.add(FristMatchkategori, d.AddMonths(p.Vaerdi), p.Kilde)
	}
}

// fristerPlan: each published plan's follow-up date [S56b] and its
// uddannelsespålæg deadline [S10][S56b]. (A) A follow-up is done once a
// samtale has been held on or after its date. Pålæg deadlines go when
// uddannelsespålæg is abolished (parameter uddannelsespaalaeg = 0, 2027)
// [S36].
func (c *overblikCalc) fristerPlan() {
	paalaeg := true
	if p, ok := c.param(ParamUddannelsespaalaeg); ok && p.Vaerdi == 0 {
		paalaeg = false
	}
	for i := range c.s.Planer {
		pl := &c.s.Planer[i]
		if pl.Status != PlanOffentliggjort {
			continue
		}
		// (A) The follow-up is held at a samtale: while an absence suspends
		// jobsamtaler (DP sick are not called [S44][S43]) it rests.
		if d := pl.Opfoelgning; !d.IsZero() && c.afholdt(d, "").IsZero() && c.status(PligtJobsamtaler) != PligtFritaget {
			c.add(FristPlanOpfoelgning, d, "[S56b]")
		}
		if paalaeg && pl.Paalaeg != nil {
			c.add(FristPaalaeg, pl.Paalaeg.Frist, "[S10][S56b]")
		}
	}
}

// fristOmvisitation30: a citizen in an uddannelseshjælp-type group (UH)
// turns 30 (kg.ung.max_alder + 1) and needs a new kontaktgruppe and
// categorisation on the birthday (DOMAIN §8 item 28) (A).
func (c *overblikCalc) fristOmvisitation30() {
	if c.gruppe != GruppeUH {
		return
	}
	p, ok := c.param(ParamKGUngMaxAlder)
	cpr := c.s.Borger.CPR
	born := cpr.BirthDate()
	if !ok || born.IsZero() {
		return
	}
	alder := p.Vaerdi + 1
	d := born.AddYears(alder)
	if cpr.Age(d) < alder {
		d = d.AddDays(1) // born 29 February: a year older on 1 March, as CPR.Age counts
	}
	c.add(FristOmvisitation30, d, "(A) DOMAIN §8.28 [S12]")
}

// fristSelvbook: after a gentilmelding following selvbook-afmelding the
// citizen must book a samtale within 10 days [S14][S31]. The deadline is
// suspended while selvbooking is (DOMAIN §4.3 (A)).
func (c *overblikCalc) fristSelvbook() {
	d := c.s.Tilmelding.SelvbookFrist
	if d.IsZero() || c.status(PligtSelvbook) == PligtFritaget {
		return
	}
	c.add(FristSelvbook, d, "[S14][S31]")
}

// fristTjob: the next "Tjek jobforslag" deadline [S29], while the citizen
// is registered.
func (c *overblikCalc) fristTjob() {
	if c.s.Tjob.IsZero() || c.s.Tilmelding.Status == IkkeTilmeldt || c.status(PligtTilmelding) == PligtAfmeldt {
		return
	}
	c.add(FristTjob, c.s.Tjob, "[S29]")
}

// Text is a sentence named by its catalogue key and parameters (see
// Error): the Overblik's duty and deadline lines are Texts, rendered in
// the reader's language by package app/text.
type Text struct {
	Key    string
	Params map[string]string
}

// MessageKey returns the catalogue key (for package text).
func (t Text) MessageKey() string { return t.Key }

// MessageParams returns the parameters (for package text).
func (t Text) MessageParams() map[string]string { return t.Params }

// DetaljeKey returns the catalogue key of the deadline's short text,
// "deadline.<Navn>[.<Variant>]", e.g. "deadline.cv".
func (f Frist) DetaljeKey() string {
	if f.Variant != "" {
		return "deadline." + f.Navn + "." + f.Variant
	}
	return "deadline." + f.Navn
}

// Line returns the deadline as one line, e.g. "16.03.2026: CV skal være
// tilgængeligt på Jobnet (overskredet)": key deadline.line.<status>, with
// ".counted" for counted deadlines (kontaktforløb: "(2 af 4 holdt)").
func (f Frist) Line() Text {
	key := "deadline.line." + f.Status
	p := map[string]string{"dato": DateParam(f.Dato), "detalje": TextParam(f.DetaljeKey())}
	if f.Krav > 0 {
		key += ".counted"
		p["holdt"], p["krav"] = itoa(f.Holdt), itoa(f.Krav)
	}
	return Text{Key: key, Params: p}
}

// Line returns the duty as one plain line for the case view and the
// printed plan, e.g. "Fritaget for joblog til og med 14.04.2026" or "Skal
// være tilmeldt som arbejdssøgende". The duty's own text is
// duty.<pligt>.<status> (duty.jobsamtaler_sdp.* for sygedagpenge, whose
// meetings are opfølgningssamtaler [S27]); a suspension adds its inclusive
// end (duty.line.til) or "indtil videre" (duty.line.open). An unknown duty
// or status gives duty.unknown with the codes.
func (p PligtStatus) Line() Text {
	if !contains(Pligter(), p.Pligt) || !contains(pligtStatuses(), p.Status) {
		return Text{Key: "duty.unknown", Params: map[string]string{"pligt": p.Pligt, "status": p.Status}}
	}
	name := p.Pligt
	if name == PligtJobsamtaler && p.Gruppe == GruppeSDP {
		name = "jobsamtaler_sdp"
	}
	key := "duty." + name + "." + p.Status
	switch {
	case p.Status == PligtGaelder || p.Status == PligtRet || p.Status == PligtIngen:
		return Text{Key: key}
	case !p.Til.IsZero():
		return Text{Key: "duty.line.til", Params: map[string]string{"tekst": TextParam(key), "til": DateParam(p.Til)}}
	case p.Status != PligtBegraenset:
		return Text{Key: "duty.line.open", Params: map[string]string{"tekst": TextParam(key)}}
	}
	return Text{Key: key}
}

// pligtStatuses returns the PligtStatus.Status values.
func pligtStatuses() []string {
	return []string{PligtGaelder, PligtRet, PligtIngen, PligtFritaget, PligtBegraenset, PligtAfmeldt}
}

// forrigeArbejdsdag returns d if it is a working day, else the working day
// before it.
func forrigeArbejdsdag(d Date) Date {
	for i := 0; i < 14 && !ErArbejdsdag(d); i++ {
		d = d.AddDays(-1)
	}
	return d
}

// undtagetAktiv reports whether the 25 % exemption is in force on c.on:
// only in the first months of the unemployment period [S35].
func (c *overblikCalc) undtagetAktiv() bool {
	p, ok := c.param(ParamUndtagelseVarighed)
	first := c.tilmeldingsdato()
	return ok && !first.IsZero() && c.on.Before(first.AddMonths(p.Vaerdi))
}
