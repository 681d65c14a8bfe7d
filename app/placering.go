package app

import (
	"math"
	"strconv"
)

// The rules that apply at a company (DOMAIN B2–B7). Every number is a
// parameter in parametre.csv with its source and validity, so a law change
// is a new row (docs/rules.md §1.8, docs/domain.md §16):
//
//   - rimelighedskrav: at most max(1, ⌊min(E,50)/5⌋) + ⌊max(E−50,0)/10⌋
//     persons in praktik and løntilskud per P-unit, E = its ordinary staff
//     in FTE, each person counted as hours/37 (B2) [S100][S121][S122];
//   - merbeskæftigelse for løntilskud at a private employer: staff of the
//     latest month ≥ the 12-month average (B3) [S113][S114], and no post
//     vacated within 3 months (B3) [S119][S123];
//   - durations of praktik (weeks) and løntilskud (months, per sector) per
//     group and category (B4, B5) [S107][S108][S126][S127][S120];
//   - who may be placed where: løntilskud not for ledighedsydelse, under-18s
//     and åbenlyst uddannelsesparate (B5 [S108]); not at the last employer
//     (B4 [S102], B5 [S124]); no new jobrotation from 1 February 2026
//     (B0 [S37][S148], date (A)).

// gruppeParam looks up prefix+gruppe+"."+kategori, then prefix+gruppe.
func (rs *RuleSet) gruppeParam(prefix, gruppe, kategori string) (int, bool) {
	if kategori != "" {
		if p, ok := rs.Params[prefix+gruppe+"."+kategori]; ok {
			return p.Vaerdi, true
		}
	}
	p, ok := rs.Params[prefix+gruppe]
	return p.Vaerdi, ok
}

// RimelighedMax returns how many persons in praktik and løntilskud a P-unit
// with ansatte ordinary employees (FTE) may have under the rule set
// (DOMAIN B2): 0–9,99 → 1, 10 → 2, 50 → 10, 60 → 11 [S100] (rounding
// down (A)).
func (rs *RuleSet) RimelighedMax(ansatte float64) int {
	g := float64(rs.P(ParamRimelighedGraense))
	base := int(math.Floor(math.Min(ansatte, g)/float64(rs.P(ParamRimelighedPr)) + 1e-9))
	base = max(base, rs.P(ParamRimelighedMin))
	over := int(math.Floor(math.Max(ansatte-g, 0)/float64(rs.P(ParamRimelighedPrOver)) + 1e-9))
	return base + over
}

// RimelighedBrugt returns how many persons (FTE: hours / full time) are in
// praktik or løntilskud at P-unit p on any day of period, leaving out the
// placement skip.
func (v *Virksomhed) RimelighedBrugt(rs *RuleSet, p PNummer, period Period, skip ID) float64 {
	fuld := float64(rs.P(ParamRimelighedFuldtid))
	sum := 0.0
	for _, pl := range v.Placeringer {
		if pl.ID == skip || pl.PNummer != p || !taellerMed(pl.Ordning) || !pl.Periode.Overlaps(period) {
			continue
		}
		sum += math.Min(pl.Timer/fuld, 1)
	}
	return sum
}

// taellerMed reports whether a scheme counts in the rimelighedskrav: praktik
// and løntilskud; fleksjob is not counted (DOMAIN B6 (A)) [S100].
func taellerMed(ordning string) bool {
	return ordning == OrdningPraktik || ordning == OrdningLoentilskud
}

func ftoa(f float64) string { return strconv.FormatFloat(math.Round(f*100)/100, 'f', -1, 64) }

// citizen returns the case the command is about, checked against id.
func (x *vexec) citizen(id ID) (*Sag, error) {
	if err := id.Validate(); err != nil {
		return nil, AsError(err).WithField("sag")
	}
	if x.sag == nil || x.sag.ID != id {
		return nil, Errorf(CodeNotFound, "", "not_found.sag").WithField("sag")
	}
	if !x.sag.Borger.Doed.IsZero() && !x.today.Before(x.sag.Borger.Doed) {
		return nil, RuleError("4405", "rule.4405")
	}
	return x.sag, nil
}

// gruppeOf returns the citizen's group and category under rs, or 8060
// without an open kontaktgruppe.
func gruppeOf(rs *RuleSet, s *Sag) (string, string, error) {
	if s.Kontaktgruppe == nil || rs.KG[s.Kontaktgruppe.KG] == nil {
		return "", "", RuleError("8060", "rule.no_kg")
	}
	return rs.KG[s.Kontaktgruppe.KG].Gruppe, s.Visitation.Kategori, nil
}

// --- Henvisning ---------------------------------------------------------

// Henvis refers a citizen to a job opening or a place (DOMAIN B7) [S105]:
// in writing with at least one day's notice; a shorter notice needs the
// caseworker's reason that the citizen was told in advance (soft rule
// vh-henvisning-varsel). A telephone henvisning the citizen was not told
// is a henvisning cannot ground a sanction (effect ikke_sanktionsgrundlag,
// DOMAIN B9 nr. 37 (A)).
type Henvis struct {
	HenvisningID ID     `json:"henvisning_id"`
	Sag          ID     `json:"sag"`
	JobordreID   ID     `json:"jobordre_id,omitempty"`
	PladsID      ID     `json:"plads_id,omitempty"`
	Dato         Date   `json:"dato,omitzero"`
	Start        Date   `json:"start"`
	Kanal        string `json:"kanal"`
	Oplyst       bool   `json:"oplyst,omitempty"`
	Begrundelse  string `json:"begrundelse,omitempty"`
}

func (*Henvis) Kind() string    { return "henvis" }
func (*Henvis) roles() []string { return rolesCaseworker() }

func (b *Henvis) applyV(x *vexec) error {
	i := findID(x.v.Henvisninger, b.HenvisningID, func(h Henvisning) ID { return h.ID })
	if err := newID("henvisning_id", b.HenvisningID, i >= 0); err != nil {
		return err
	}
	if _, err := x.citizen(b.Sag); err != nil {
		return err
	}
	switch {
	case (b.JobordreID == "") == (b.PladsID == ""):
		return invalidf("jobordre_id", "invalid.henvisning.maal")
	case b.JobordreID != "" && findID(x.v.Jobordrer, b.JobordreID, func(j Jobordre) ID { return j.ID }) < 0:
		return Errorf(CodeNotFound, "", "not_found.jobordre").WithField("jobordre_id")
	case b.PladsID != "" && x.v.FindPlads(b.PladsID) < 0:
		return Errorf(CodeNotFound, "", "not_found.plads").WithField("plads_id")
	}
	if b.Kanal != "skriftlig" && b.Kanal != "telefon" {
		return invalidf("kanal", "invalid.henvisning.kanal", "kode", b.Kanal)
	}
	dato := b.Dato
	if dato.IsZero() {
		dato = x.today
	}
	if dato.After(x.today) {
		return invalidf("dato", "invalid.virksomhed.dato_fremtid")
	}
	if b.Start.IsZero() {
		return invalidf("start", "invalid.virksomhed.periode_start")
	}
	if n := x.rs.P(ParamHenvisningVarsel); dato.DaysUntil(b.Start) < n {
		if err := x.soft(b.Begrundelse, RuleError("vh-henvisning-varsel", "rule.vh-henvisning-varsel", "dage", itoa(n))); err != nil {
			return err
		}
	}
	x.v.Henvisninger = append(x.v.Henvisninger, Henvisning{ID: b.HenvisningID, Sag: b.Sag, Jobordre: b.JobordreID, Plads: b.PladsID,
		Dato: dato, Start: b.Start, Kanal: b.Kanal, Oplyst: b.Oplyst, RegelSet: x.rs.Version})
	x.touch("henvisning/" + string(b.HenvisningID))
	x.effect("henvist", dato, "")
	if b.Kanal == "telefon" && !b.Oplyst {
		x.effect("ikke_sanktionsgrundlag", dato, "")
	}
	return nil
}

// RegistrerHenvisningsudfald records how a referral ended. The outcome is
// protected: a refusal can lead to a sanction. For a dagpenge citizen who
// refused, only the a-kasse decides: the effect nuph says the negative
// notification goes to it (DOMAIN B7) [S153][S79].
type RegistrerHenvisningsudfald struct {
	HenvisningID ID     `json:"henvisning_id"`
	Udfald       string `json:"udfald"`
}

func (*RegistrerHenvisningsudfald) Kind() string    { return "registrer_henvisningsudfald" }
func (*RegistrerHenvisningsudfald) roles() []string { return rolesStaff() }

func (b *RegistrerHenvisningsudfald) applyV(x *vexec) error {
	i := findID(x.v.Henvisninger, b.HenvisningID, func(h Henvisning) ID { return h.ID })
	if i < 0 {
		return Errorf(CodeNotFound, "", "not_found.henvisning").WithField("henvisning_id")
	}
	if !contains(henvisningUdfald(), b.Udfald) {
		return invalidf("udfald", "invalid.henvisning.udfald", "kode", b.Udfald)
	}
	h := &x.v.Henvisninger[i]
	h.Udfald = b.Udfald
	x.touch("henvisning/" + string(h.ID) + "/udfald")
	x.effect("henvisning_udfald", x.today, "effect.kode", "kode", b.Udfald)
	if b.Udfald == "afslaaet" && x.sag != nil && x.sag.ID == h.Sag {
		if g, _, err := gruppeOf(x.rs, x.sag); err == nil && g == GruppeDP {
			x.effect("nuph", x.today, "")
		}
	}
	return nil
}

// --- Placering ----------------------------------------------------------

// Placer places a citizen in a place for supported employment, checking
// the company rules of the rule set in force on the start date. A rule
// that leaves room for judgement (an extension of praktik, merbeskæftigelse
// for a førtidspensionist) needs a begrundelse. The placement produces a
// gem_plan command on the citizen's case that puts the tilbud in the plan
// (VResult.Foelger).
type Placer struct {
	PlaceringID ID      `json:"placering_id"`
	Sag         ID      `json:"sag"`
	PladsID     ID      `json:"plads_id"`
	Periode     Period  `json:"periode"`
	Timer       float64 `json:"timer"`
	Formaal     string  `json:"formaal,omitempty"`
	// SidsteArbejdsgiver: the company is where the citizen was last
	// employed; NyFunktion then describes the new work function (B4) [S102].
	SidsteArbejdsgiver bool   `json:"sidste_arbejdsgiver,omitempty"`
	NyFunktion         string `json:"ny_funktion,omitempty"`
	// EgenArbejdsgiver: a sygedagpenge or jobafklaring citizen placed at
	// the company that employs them; not counted in the rimelighedskrav
	// (B2) [S100].
	EgenArbejdsgiver bool `json:"egen_arbejdsgiver,omitempty"`
	// StillingLedig is when the post became vacant by an ordinary
	// employee's dismissal or resignation, if it did (B3) [S119][S123].
	StillingLedig Date   `json:"stilling_ledig,omitzero"`
	Begrundelse   string `json:"begrundelse,omitempty"`
}

func (*Placer) Kind() string    { return "placer" }
func (*Placer) roles() []string { return rolesCaseworker() }

func (b *Placer) applyV(x *vexec) error {
	i := findID(x.v.Placeringer, b.PlaceringID, func(p Placering) ID { return p.ID })
	if err := newID("placering_id", b.PlaceringID, i >= 0); err != nil {
		return err
	}
	pi := x.v.FindPlads(b.PladsID)
	if pi < 0 {
		return Errorf(CodeNotFound, "", "not_found.plads").WithField("plads_id")
	}
	plads := x.v.Pladser[pi]
	s, err := x.citizen(b.Sag)
	if err != nil {
		return err
	}
	if err := checkPeriode(b.Periode); err != nil {
		return err
	}
	if b.Periode.Slut.IsZero() && plads.Ordning != OrdningFleksjob {
		return invalidf("periode.slut", "invalid.placering.slut")
	}
	if b.Timer <= 0 || b.Timer >= 60 || b.Timer != b.Timer {
		return invalidf("timer", "invalid.virksomhed.timer")
	}
	for _, f := range []textField{{"formaal", b.Formaal}, {"ny_funktion", b.NyFunktion}, {"begrundelse", b.Begrundelse}} {
		if err := text(f.name, f.value, maxKontaktNotat, false); err != nil {
			return err
		}
	}
	rs, err := x.rules.ForDate(b.Periode.Start)
	if err != nil {
		return err
	}
	gruppe, kategori, err := gruppeOf(rs, s)
	if err != nil {
		return err
	}
	p := Placering{ID: b.PlaceringID, Sag: b.Sag, Plads: b.PladsID, Ordning: plads.Ordning, PNummer: plads.PNummer,
		Periode: b.Periode, Timer: b.Timer, Formaal: b.Formaal, Gruppe: gruppe, Kategori: kategori, Begrundelse: b.Begrundelse, RegelSet: rs.Version}
	c := placeringCheck{x: x, rs: rs, b: b, s: s, p: p}
	if err := c.run(); err != nil {
		return err
	}
	x.v.Placeringer = append(x.v.Placeringer, p)
	x.touch("placering/" + string(p.ID))
	x.touch("placering/" + string(p.ID) + "/periode")
	x.effect("placeret", p.Periode.Start, "effect.kode", "kode", p.Ordning)
	if taellerMed(p.Ordning) {
		e := x.v.Enhed(p.PNummer)
		x.effect("rimelighed", p.Periode.Start, "effect.rimelighed",
			"brugt", ftoa(x.v.RimelighedBrugt(rs, p.PNummer, p.Periode, "")), "max", itoa(rs.RimelighedMax(e.Ansatte)))
	}
	cmd, err := x.planCommand(s, p)
	if err != nil {
		return err
	}
	x.res.Foelger = append(x.res.Foelger, cmd)
	return nil
}

// placeringCheck runs the company rules on one new placement.
type placeringCheck struct {
	x  *vexec
	rs *RuleSet
	b  *Placer
	s  *Sag
	p  Placering
}

func (c *placeringCheck) run() error {
	for _, check := range []func() error{c.plads, c.jobrotation, c.maalgruppe, c.sidsteArbejdsgiver, c.varighed, c.merbeskaeftigelse, c.rimelighed} {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

// plads: the place's own number of positions (Plads.Antal) on any day
// of the period, and the period inside the place's.
func (c *placeringCheck) plads() error {
	pl := c.x.v.Pladser[c.x.v.FindPlads(c.p.Plads)]
	if c.p.Periode.Start.Before(pl.Periode.Start) || !pl.Periode.Slut.IsZero() && (c.p.Periode.Slut.IsZero() || c.p.Periode.Slut.After(pl.Periode.Slut)) {
		return RuleError("vh-plads", "rule.vh-plads.periode").WithField("periode")
	}
	brugt := 0
	for _, o := range c.x.v.Placeringer {
		if o.Plads == c.p.Plads && o.Periode.Overlaps(c.p.Periode) {
			brugt++
		}
	}
	if brugt >= pl.Antal {
		return RuleError("vh-plads", "rule.vh-plads", "antal", itoa(pl.Antal))
	}
	return nil
}

// jobrotation: no new jobrotation once the rule set says so (B0) [S37][S148] (A date).
func (c *placeringCheck) jobrotation() error {
	if c.p.Ordning == OrdningJobrotation && c.rs.P(ParamJobrotationNye) == 0 {
		return RuleError("vh-jobrotation", "rule.vh-jobrotation")
	}
	return nil
}

// maalgruppe: løntilskud not for the groups whose month limit is 0
// (ledighedsydelse, under 18, åbenlyst uddannelsesparate) nor under-18s
// (LAB § 66 stk. 1, DOMAIN B5, B9 nr. 28) [S108].
func (c *placeringCheck) maalgruppe() error {
	if c.p.Ordning != OrdningLoentilskud {
		return nil
	}
	if !c.rs.loentilskudMaalgruppe(c.x.v.Sektor, c.p.Gruppe, c.p.Kategori, c.s.Borger.CPR.Age(c.p.Periode.Start)) {
		return RuleError("vh-maalgruppe", "rule.vh-maalgruppe", "ordning", c.p.Ordning)
	}
	return nil
}

// loentilskudMaalgruppe reports whether a citizen of gruppe and kategori,
// age years old on the start day (-1 = not known), may have løntilskud at
// an employer of sektor: not when the group's month limit is 0, nor under
// 18 (LAB § 66 stk. 1, DOMAIN B5) [S108]. The candidates search asks the
// same question (kandidat.go).
func (rs *RuleSet) loentilskudMaalgruppe(sektor, gruppe, kategori string, age int) bool {
	if n, ok := rs.loentilskudMdr(sektor, gruppe, kategori); ok && n == 0 {
		return false
	}
	return age < 0 || age >= 18
}

func (c *placeringCheck) loentilskudMdr() (int, bool) {
	return c.rs.loentilskudMdr(c.x.v.Sektor, c.p.Gruppe, c.p.Kategori)
}

// loentilskudMdr returns the longest løntilskud in months for gruppe and
// kategori at an employer of sektor; false when the group has no limit.
func (rs *RuleSet) loentilskudMdr(sektor, gruppe, kategori string) (int, bool) {
	prefix := ParamPrefixLoentilskudPrivat
	if sektor == SektorOffentlig {
		prefix = ParamPrefixLoentilskudOffentlig
	}
	return rs.gruppeParam(prefix, gruppe, kategori)
}

// sidsteArbejdsgiver: praktik at the last employer not for dagpenge and
// jobparate, others only in a new function written down (BAB § 61, DOMAIN
// B4) [S102]; løntilskud never (B5) [S124]. A sygedagpenge or jobafklaring
// citizen may return to their own employer.
func (c *placeringCheck) sidsteArbejdsgiver() error {
	if !c.b.SidsteArbejdsgiver || c.b.EgenArbejdsgiver && (c.p.Gruppe == GruppeSDP || c.p.Gruppe == "JAF") {
		return nil
	}
	switch {
	case c.p.Ordning == OrdningLoentilskud:
		return RuleError("vh-sidste-arbejdsgiver", "rule.vh-sidste-arbejdsgiver")
	case c.p.Ordning != OrdningPraktik:
		return nil
	case c.p.Gruppe == GruppeDP || c.p.Kategori == KategoriJobparat:
		return RuleError("vh-sidste-arbejdsgiver", "rule.vh-sidste-arbejdsgiver")
	case c.b.NyFunktion == "":
		return RuleError("vh-sidste-arbejdsgiver", "rule.vh-sidste-arbejdsgiver.ny_funktion").WithField("ny_funktion")
	}
	return nil
}

// varighed: the longest praktik (weeks, whole weeks started) and løntilskud
// (months, per sector) for the citizen's group and category (DOMAIN B4,
// B5, B9 nr. 21–25) [S107][S108][S126][S127]. A praktik in a group that may
// be extended (§ 61 stk. 2) may run to praktik.forlaengelse.max_uger with a
// begrundelse (the concrete assessment).
func (c *placeringCheck) varighed() error {
	per := c.p.Periode
	switch c.p.Ordning {
	case OrdningPraktik:
		maxUger, ok := c.rs.gruppeParam(ParamPrefixPraktikMaxUger, c.p.Gruppe, c.p.Kategori)
		if !ok {
			return nil
		}
		if per.Days() <= 7*maxUger {
			return nil
		}
		e := RuleError("vh-varighed", "rule.vh-varighed.uger", "max", itoa(maxUger))
		if f, ok := c.rs.gruppeParam(ParamPrefixPraktikForlaenges, c.p.Gruppe, c.p.Kategori); ok && f == 1 {
			if ext := c.rs.P(ParamPraktikForlaengelse); per.Days() <= 7*ext {
				return c.x.soft(c.b.Begrundelse, RuleError("vh-forlaengelse", "rule.vh-forlaengelse", "max", itoa(maxUger), "forlaengelse", itoa(ext)))
			}
		}
		return e
	case OrdningLoentilskud:
		n, ok := c.loentilskudMdr()
		if !ok || n == 0 {
			return nil
		}
		if last := per.Start.AddMonths(n).AddDays(-1); per.Slut.After(last) {
			return RuleError("vh-varighed", "rule.vh-varighed.mdr", "max", itoa(n), "sektor", c.x.v.Sektor)
		}
	}
	return nil
}

// merbeskaeftigelse: løntilskud at a private employer needs a net increase
// of staff, the latest month ≥ the 12-month average in FTE (LAB § 79,
// DOMAIN B3, B9 nr. 17) [S111][S113], and no post vacated by an ordinary
// employee within loentilskud.erstatning.mdr months before the start (B9
// nr. 18) [S119][S123]. For a førtidspensionist the sources disagree
// [S124][S125]: a begrundelse overrides it (A).
func (c *placeringCheck) merbeskaeftigelse() error {
	if c.p.Ordning != OrdningLoentilskud || c.x.v.Sektor != SektorPrivat {
		return nil
	}
	if d := c.b.StillingLedig; !d.IsZero() && d.After(c.p.Periode.Start.AddMonths(-c.rs.P(ParamLoentilskudErstatMdr))) {
		return RuleError("vh-erstatning", "rule.vh-erstatning", "mdr", itoa(c.rs.P(ParamLoentilskudErstatMdr)))
	}
	a := c.x.v.Ansatte
	var e *Error
	switch {
	case a.Opgjort.IsZero():
		e = RuleError("vh-merbeskaeftigelse", "rule.vh-merbeskaeftigelse.mangler")
	case a.SenesteMaaned+1e-9 < a.Gns12Mdr:
		e = RuleError("vh-merbeskaeftigelse", "rule.vh-merbeskaeftigelse", "seneste", ftoa(a.SenesteMaaned), "gns", ftoa(a.Gns12Mdr))
	default:
		return nil
	}
	if c.p.Gruppe == "FP" {
		return c.x.soft(c.b.Begrundelse, e)
	}
	return e
}

// rimelighed: the P-unit's persons in praktik and løntilskud on any day of
// the period, with this one, within RimelighedMax (DOMAIN B2, B9 nr. 8–15)
// [S100]. Not for a sygedagpenge or jobafklaring citizen at their own
// employer (B9 nr. 13).
func (c *placeringCheck) rimelighed() error {
	if !taellerMed(c.p.Ordning) || c.b.EgenArbejdsgiver && (c.p.Gruppe == GruppeSDP || c.p.Gruppe == "JAF") {
		return nil
	}
	e := c.x.v.Enhed(c.p.PNummer)
	if e == nil {
		return Errorf(CodeNotFound, "", "not_found.enhed").WithField("p_nummer")
	}
	maxP := c.rs.RimelighedMax(e.Ansatte)
	brugt := c.x.v.RimelighedBrugt(c.rs, c.p.PNummer, c.p.Periode, "")
	ny := math.Min(c.p.Timer/float64(c.rs.P(ParamRimelighedFuldtid)), 1)
	if brugt+ny > float64(maxP)+1e-9 {
		return RuleError("vh-rimelighed", "rule.vh-rimelighed", "brugt", ftoa(brugt), "max", itoa(maxP))
	}
	return nil
}

// aktivitetstype is the plan activity type of a scheme.
func aktivitetstype(ordning string) string {
	switch ordning {
	case OrdningPraktik, OrdningLoentilskud:
		return ordning
	}
	return "andet"
}

// planCommand is the gem_plan command the placement produces on the
// citizen's case: the first jobplan (or a new one) with the placement as a
// tilbud among its activities. Its id is the placement command's id with
// "-plan", so the same placement always produces the same command.
func (x *vexec) planCommand(s *Sag, p Placering) (Command, error) {
	id := ID(string(x.cmd.ID) + "-plan")
	if err := id.Validate(); err != nil {
		return Command{}, AsError(err).WithField("id")
	}
	body := &GemPlan{PlanID: ID("plan-" + string(p.ID)), Type: PlanJob}
	for _, pl := range s.Planer {
		if pl.Type == PlanJob {
			body = &GemPlan{PlanID: pl.ID, Indhold: pl.PlanIndhold.clone()}
			break
		}
	}
	if err := body.PlanID.Validate(); err != nil {
		return Command{}, AsError(err).WithField("placering_id")
	}
	hele, rest := math.Modf(p.Timer)
	body.Indhold.Aktiviteter = append(body.Indhold.Aktiviteter, Aktivitet{Type: aktivitetstype(p.Ordning), Udbyder: x.v.Navn,
		Periode: p.Periode, Timer: int(hele), Minutter: int(math.Round(rest * 60))})
	return Command{ID: id, Sag: s.ID, Actor: x.cmd.Actor, At: x.cmd.At, Body: body}, nil
}

// AfslutPlacering ends a placement early. The period is protected.
type AfslutPlacering struct {
	PlaceringID ID   `json:"placering_id"`
	Slut        Date `json:"slut"`
}

func (*AfslutPlacering) Kind() string    { return "afslut_placering" }
func (*AfslutPlacering) roles() []string { return rolesStaff() }

func (b *AfslutPlacering) applyV(x *vexec) error {
	i := findID(x.v.Placeringer, b.PlaceringID, func(p Placering) ID { return p.ID })
	if i < 0 {
		return Errorf(CodeNotFound, "", "not_found.placering").WithField("placering_id")
	}
	p := &x.v.Placeringer[i]
	if b.Slut.Before(p.Periode.Start) {
		return RuleError("1003", "rule.1003").WithField("slut")
	}
	if !p.Periode.Slut.IsZero() && b.Slut.After(p.Periode.Slut) {
		return invalidf("slut", "invalid.placering.forlaeng")
	}
	p.Periode.Slut = b.Slut
	x.touch("placering/" + string(p.ID) + "/periode")
	x.effect("placering_afsluttet", b.Slut, "")
	return nil
}
