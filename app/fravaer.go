package app

// maxFravaerDage bounds any fravær period (about 10 years), so a typo or a
// forged date cannot produce an absurd or overflowing duration.
const maxFravaerDage = 3660

// RegistrerFravaer registers a fravær or fritagelse (DOMAIN §4). It is
// checked against the type table (who may register, backdating, duration,
// which groups), the fravær × kontaktgruppe × personkategori matrix (4645,
// 4591, 4654), overlaps (A), the ferie rules [S50][S51], and it derives
// the sygemelding effects: straksafmelding except in løntilskud [S1][S45]
// and sygedagpenge from day 15 or day 1 [S46][S45].
type RegistrerFravaer struct {
	FravaerID     ID     `json:"fravaer_id"`
	Type          string `json:"type"`
	Start         Date   `json:"start"`
	Slut          Date   `json:"slut,omitzero"`
	Anmeldt       Date   `json:"anmeldt,omitzero"` // defaults to today
	Kommentar     string `json:"kommentar,omitempty"`
	ForventetRask Date   `json:"forventet_rask,omitzero"`
	SlutAarsag    string `json:"slut_aarsag,omitempty"` // required with an end date on sickness (4980)
	Begrundelse   string `json:"begrundelse,omitempty"` // caseworker override of a soft rule
}

func (*RegistrerFravaer) Kind() string    { return "registrer_fravaer" }
func (*RegistrerFravaer) roles() []string { return rolesAll() }

func (b *RegistrerFravaer) apply(x *exec) error {
	if err := newID("fravaer_id", b.FravaerID, x.s.FindFravaer(b.FravaerID) >= 0); err != nil {
		return err
	}
	ft, err := b.checkType(x)
	if err != nil {
		return err
	}
	anmeldt := b.Anmeldt
	if anmeldt.IsZero() || x.borger() {
		anmeldt = x.today // a citizen reports today; only the jobcentre records an earlier notification
	}
	f := Fravaer{ID: b.FravaerID, Type: b.Type, Periode: Period{Start: b.Start, Slut: b.Slut}, Anmeldt: anmeldt,
		Registreret: x.today, RegistreretKl: x.kl(), Kommentar: b.Kommentar, ForventetRask: b.ForventetRask, AfBorger: x.borger(),
		Begrundelse: b.Begrundelse, RegelSet: x.rs.Version}
	checks := []func(*exec, *FravaerTypeDef, *Fravaer) error{
		b.checkPeriod, b.checkMatrix, b.checkBackdating, b.checkUnder18, b.checkMaalgruppe, b.checkDuration, b.checkFerie, b.checkOverlap,
	}
	for _, check := range checks {
		if err := check(x, ft, &f); err != nil {
			return err
		}
	}
	if ft.Kode == FravaerFerie {
		f.Provisorisk = true // until DFDG accepts it: ferie limits are computed centrally (A6.5)
		x.effect("provisorisk", f.Periode.Start, "")
	}
	x.s.Fravaer = append(x.s.Fravaer, f)
	x.touch("fravaer/" + string(f.ID))
	x.effect("fravaer_registreret", f.Periode.Start, "effect.fravaer", "type", FravaerParam(f.Type))
	x.fravaerEffects(ft, &x.s.Fravaer[len(x.s.Fravaer)-1])
	if ft.KraeverSlut && !f.Periode.Slut.IsZero() {
		// A sickness registered after it ended: the raskmelding follows at once.
		nf := &x.s.Fravaer[len(x.s.Fravaer)-1]
		nf.SlutAarsag = b.SlutAarsag
		return x.raskmelding(nf, f.Periode.Slut.AddDays(1))
	}
	return nil
}

func (b *RegistrerFravaer) checkType(x *exec) (*FravaerTypeDef, error) {
	ft, ok := x.rs.Fravaer[b.Type]
	if !ok {
		return nil, invalidf("type", "invalid.fravaer.type", "kode", b.Type)
	}
	if !ft.KanOprettes {
		return nil, RuleError("fravaer-historisk", "rule.fravaer-historisk", "type", FravaerParam(ft.Kode))
	}
	if x.borger() && !ft.Selvbetjening {
		return nil, Errorf(CodeUnauthorized, "", "unauthorized.fravaer.citizen_register", "type", FravaerParam(ft.Kode))
	}
	if err := x.requireKG("4686"); err != nil {
		return nil, err
	}
	if !groupAllowed(ft, x.gruppe()) {
		def := x.kg()
		return nil, RuleError("4645", "rule.4645.group", "type", FravaerParam(ft.Kode), "kg", itoa(def.ID), "kgnavn", KGParam(def.ID))
	}
	if err := text("kommentar", b.Kommentar, x.rs.P(ParamFravaerKommentarMax), false); err != nil {
		return nil, err
	}
	return ft, text("begrundelse", b.Begrundelse, x.rs.P(ParamFravaerKommentarMax), false)
}

func (b *RegistrerFravaer) checkPeriod(x *exec, ft *FravaerTypeDef, f *Fravaer) error {
	p := f.Periode
	if p.Start.IsZero() {
		return invalidf("start", "invalid.start.start_date_missing")
	}
	if !p.Slut.IsZero() && p.Slut.Before(p.Start) {
		return RuleError("1003", "rule.1003")
	}
	if !p.Slut.IsZero() && p.Days() > maxFravaerDage || p.Start.DaysUntil(x.today) > maxFravaerDage || x.today.DaysUntil(p.Start) > maxFravaerDage {
		return invalidf("slut", "invalid.fravaer.period_range", "max", itoa(maxFravaerDage))
	}
	if f.Anmeldt.After(x.today) {
		return invalidf("anmeldt", "invalid.anmeldt.notification_date_future")
	}
	if ft.KraeverSlutDato && p.Slut.IsZero() {
		return invalidf("slut", "invalid.fravaer.end_required", "type", FravaerParam(ft.Kode))
	}
	if ft.KraeverSlut && !p.Slut.IsZero() {
		if err := raskmeldingDato(ft, p.Slut, x.today); err != nil {
			return err
		}
		if b.SlutAarsag == "" {
			return RuleError("4980", "rule.4980", "type", FravaerParam(ft.Kode))
		}
		return text("slut_aarsag", b.SlutAarsag, 200, false)
	}
	return nil
}

// raskmeldingDato refuses an end date in the future on a fravær whose end
// is a raskmelding: the citizen is re-registered from the day after, so
// it is recorded when it has happened; the expected date goes in
// forventet_rask (A).
func raskmeldingDato(ft *FravaerTypeDef, slut, today Date) error {
	if !slut.After(today) {
		return nil
	}
	return RuleError("raskmelding-fremtid", "rule.raskmelding-fremtid", "type", FravaerParam(ft.Kode))
}

// checkMatrix applies the fravær × kontaktgruppe × personkategori matrix
// (DOMAIN A4): a certain blank refuses (4591 for uddannelse [S3], else
// 4645 [S9]); a category outside the cell refuses (4654); cells marked
// uncertain need a caseworker's reason (A6.2).
func (b *RegistrerFravaer) checkMatrix(x *exec, ft *FravaerTypeDef, f *Fravaer) error {
	cell, ok := x.rs.Matrix[ft.Kode][x.s.Kontaktgruppe.KG]
	if !ok {
		return nil
	}
	def := x.kg()
	kat := x.kategoriID()
	var rule, key string
	switch {
	case !cell.Tilladt:
		rule, key = "4645", "rule.matrix.kg"
		if ft.Kode == FravaerUddannelse {
			rule = "4591"
		}
	case !intIn(kat, cell.Kategorier):
		rule, key = "4654", "rule.matrix.kategori"
		if ft.Kode == FravaerUddannelse {
			rule = "4591"
		}
	default:
		return nil
	}
	e := RuleError(rule, key, "type", FravaerParam(ft.Kode), "kg", itoa(def.ID), "kgnavn", KGParam(def.ID))
	if cell.Usikker {
		return x.soft(b.Begrundelse, e.WithHint("hint.rule_uncertain"))
	}
	return e.WithHint("hint.matrix.choose_other")
}

// periodeParams are the parameters of a period in a message: "fra",
// "til" and "periode", which refers to the catalogue's period.closed
// ("01.03.2026–10.03.2026") or period.open ("fra 01.03.2026 (uden
// slutdato)").
func periodeParams(p Period) []string {
	if p.Slut.IsZero() {
		return []string{"fra", DateParam(p.Start), "til", "", "periode", TextParam("period.open")}
	}
	return []string{"fra", DateParam(p.Start), "til", DateParam(p.Slut), "periode", TextParam("period.closed")}
}

// checkBackdating: a citizen can never backdate [S44] (4685 for
// sygemelding [S4]); a caseworker only to the notification date and at
// most N days, with a comment (DOMAIN §4.4, (A)).
func (b *RegistrerFravaer) checkBackdating(x *exec, ft *FravaerTypeDef, f *Fravaer) error {
	if !f.Periode.Start.Before(x.today) {
		return nil
	}
	if ft.Kode == FravaerFerie {
		return nil // ferie has its own rules in checkFerie
	}
	if x.borger() || ft.KunFremad {
		rule := "tilbagedatering"
		if ft.Kode == FravaerSygemelding {
			rule = "4685"
		}
		return RuleError(rule, "rule.backdate.citizen", "type", FravaerParam(ft.Kode))
	}
	if f.Periode.Start.Before(f.Anmeldt) {
		return RuleError("tilbagedatering-anmeldelse", "rule.tilbagedatering-anmeldelse", "anmeldt", DateParam(f.Anmeldt))
	}
	limit := ft.Tilbagedatering
	if limit < 0 {
		limit = x.rs.P(ParamTilbagedateringDage)
	}
	if days := f.Periode.Start.DaysUntil(x.today); days > limit {
		return RuleError("tilbagedatering-graense", "rule.tilbagedatering-graense", "type", FravaerParam(ft.Kode), "dage", itoa(limit), "tidligst", DateParam(x.today.AddDays(-limit)))
	}
	if b.Kommentar == "" && b.Begrundelse == "" {
		return RuleError("tilbagedatering-kommentar", "rule.tilbagedatering-kommentar")
	}
	x.effect("tilbagedateret", f.Periode.Start, "")
	return nil
}

// checkUnder18: "Under 18 år og uden forældre med forsørgelsespligt" is
// for citizens under 18 and ends the day before the 18th birthday (DOMAIN
// §4.2, (A) auto-end) [S15]. An unknown CPR has no age: not checked.
func (b *RegistrerFravaer) checkUnder18(x *exec, ft *FravaerTypeDef, f *Fravaer) error {
	cpr := x.s.Borger.CPR
	if ft.Kode != FravaerUnder18 || cpr.Ukendt() || cpr.BirthDate().IsZero() {
		return nil
	}
	if age := cpr.Age(f.Periode.Start); age >= 18 {
		return RuleError("under18-alder", "rule.under18-alder", "type", FravaerParam(ft.Kode), "alder", itoa(age))
	}
	sidste := cpr.BirthDate().AddYears(18)
	if cpr.Age(sidste) < 18 {
		sidste = sidste.AddDays(1) // born 29 February: 18 on 1 March
	}
	sidste = sidste.AddDays(-1)
	if f.Periode.Slut.IsZero() || f.Periode.Slut.After(sidste) {
		f.Periode.Slut = sidste
		x.effect("slutdato_sat", sidste, "effect.slutdato_sat.foer_18")
	}
	return nil
}

// checkMaalgruppe refuses a fravær type for a citizen outside its target
// group by age (DOMAIN §4.2 "Applies to": STU is for young people, "kan
// ikke få pension" for those past pension age or aktivitetsparate) [S15].
func (b *RegistrerFravaer) checkMaalgruppe(x *exec, ft *FravaerTypeDef, f *Fravaer) error {
	return x.maalgruppe(ft, x.s.Visitation.Kategori, f.Periode.Start)
}

// maalgruppe checks the age limits of ft (min_alder, max_alder) on day
// for a citizen of category kategori; a category in alder_undtagen is in
// the target group at any age. An unknown CPR has no age: not checked.
func (x *exec) maalgruppe(ft *FravaerTypeDef, kategori string, day Date) error {
	if ft.MinAlder < 0 && ft.MaxAlder < 0 || contains(ft.AlderUndtagen, kategori) || !x.ageKnown() {
		return nil
	}
	age := x.s.Borger.CPR.Age(day)
	if ft.MinAlder >= 0 && age < ft.MinAlder || ft.MaxAlder >= 0 && age > ft.MaxAlder {
		return RuleError("fravaer-maalgruppe", "rule.fravaer-maalgruppe", "type", FravaerParam(ft.Kode), "alder", itoa(age))
	}
	return nil
}

func (b *RegistrerFravaer) checkDuration(x *exec, ft *FravaerTypeDef, f *Fravaer) error {
	return x.checkFravaerDuration(ft, f.Periode, f.ID)
}

// sammenhaengende returns p widened by the registrations of type typ
// (other than skip, not deleted) that overlap or touch it, transitively:
// a limit on one period of absence ("max 14 dage", "højst 2 uger ad
// gangen") holds for the absence, not per registration (issue 8). With
// overWeekend, registrations separated only by days that are not working
// days (a weekend, a holiday) count as one period too (A). An open end
// stays open.
func (x *exec) sammenhaengende(typ string, p Period, skip ID, overWeekend bool) Period {
	touches := func(a, b Date) bool { // b is the day after a, or b follows a across non-working days
		if !b.After(a.AddDays(1)) {
			return true
		}
		if !overWeekend {
			return false
		}
		for d := a.AddDays(1); d.Before(b); d = d.AddDays(1) {
			if ErArbejdsdag(d) {
				return false
			}
		}
		return true
	}
	for changed := true; changed; {
		changed = false
		for _, o := range x.s.Fravaer {
			if o.Slettet || o.Type != typ || o.ID == skip || o.Periode.Start.IsZero() {
				continue
			}
			op := o.Periode
			before := !op.Slut.IsZero() && op.Slut.Before(p.Start)
			after := !p.Slut.IsZero() && op.Start.After(p.Slut)
			switch {
			case before && !touches(op.Slut, p.Start), after && !touches(p.Slut, op.Start):
				continue
			}
			if op.Start.Before(p.Start) {
				p.Start, changed = op.Start, true
			}
			if !p.Slut.IsZero() && (op.Slut.IsZero() || op.Slut.After(p.Slut)) {
				p.Slut, changed = op.Slut, true
			}
		}
	}
	return p
}

func (x *exec) checkFravaerDuration(ft *FravaerTypeDef, p Period, id ID) error {
	if p.Slut.IsZero() {
		return nil
	}
	days := p.Days()
	if ft.MaxDage > 0 {
		if whole := x.sammenhaengende(ft.Kode, p, id, false); !whole.Slut.IsZero() && whole.Days() > days {
			days = whole.Days()
		}
	}
	if ft.MaxDage > 0 && days > ft.MaxDage {
		return RuleError("varighed-max", "rule.varighed-max", "type", FravaerParam(ft.Kode), "max", itoa(ft.MaxDage), "dage", itoa(days))
	}
	if ft.MinDage > 0 && days < ft.MinDage {
		return RuleError("varighed-min", "rule.varighed-min", "type", FravaerParam(ft.Kode), "min", itoa(ft.MinDage))
	}
	if ft.Kode == FravaerMidlertidigtArbejde && isKHLike(x.gruppe()) {
		if min := x.rs.P(ParamMidlertidigtArbejdeKHMinDag); days < min {
			return RuleError("4592", "rule.4592", "min", itoa(min))
		}
	}
	return nil
}

func isKHLike(gruppe string) bool {
	return gruppe == GruppeKH || gruppe == GruppeUH || gruppe == GruppeINT
}

// checkOverlap: no two overlapping fravær of one type; a sygemelding may
// overlap ferie (DP only when reported before the ferie starts; for KH the
// ferie does not move [S51]); any other overlap needs a reason (A §4.4).
func (b *RegistrerFravaer) checkOverlap(x *exec, ft *FravaerTypeDef, f *Fravaer) error {
	for _, o := range x.s.Fravaer {
		if o.Slettet || !o.Periode.Overlaps(f.Periode) {
			continue
		}
		if o.Type == f.Type {
			return RuleError("overlap", "rule.overlap.same", append([]string{"type", FravaerParam(ft.Kode)}, periodeParams(o.Periode)...)...)
		}
		if f.Type == FravaerSygemelding && o.Type == FravaerFerie {
			if x.gruppe() == GruppeDP && x.today.Before(o.Periode.Start) {
				continue
			}
			if isKHLike(x.gruppe()) {
				x.effect("ferie_flyttes_ikke", o.Periode.Start, "effect.fravaer_id", "fravaer", string(o.ID))
				continue
			}
		}
		e := RuleError("overlap", "rule.overlap.other", append([]string{"type", FravaerParam(o.Type)}, periodeParams(o.Periode)...)...)
		if err := x.soft(b.Begrundelse, e); err != nil {
			return err
		}
	}
	return nil
}

// fravaerEffects derives what a registered fravær does to the case.
func (x *exec) fravaerEffects(ft *FravaerTypeDef, f *Fravaer) {
	if ft.Kode == FravaerSygemelding {
		x.sygemeldingEffects(f)
	}
	switch ft.Afmelder {
	case "ja":
		x.afmeld(f.Periode.Start, afmeldAarsagFor(ft.Kode))
	case "undtagen_loentilskud":
		if x.s.Ydelse.Loentilskud {
			// Løntilskud staff report sick only to the employer [S1][S45][S71].
			x.effect("ingen_afmelding", f.Periode.Start, "effect.ingen_afmelding.loentilskud")
			x.effect("sygemelding_til_arbejdsgiver", f.Periode.Start, "")
		} else {
			x.afmeld(maxDate(f.Periode.Start, f.Anmeldt), afmeldAarsagFor(ft.Kode))
		}
	}
	x.samtaleEffects(ft, f)
}

func afmeldAarsagFor(code string) string {
	switch code {
	case FravaerSygemelding:
		return AfmeldSygdom
	case FravaerPasningSygtBarn:
		return AfmeldPasningSygtBarn
	}
	return AfmeldBarsel
}

// sygemeldingEffects remembers the situation before the sygemelding (for
// raskmelding [S7]) and derives sygedagpenge: a fully unemployed
// dagpengemodtager gets sygedagpenge (KG25) from day 15 [S46][S43], a
// partly unemployed one from day 1 [S45].
func (x *exec) sygemeldingEffects(f *Fravaer) {
	t := x.s.Tilmelding
	f.Foer = &Foer{KG: x.s.Kontaktgruppe.KG, Kategori: x.s.Visitation.Kategori, Tilmeldt: t.ErTilmeldt(), TKat: t.Kategori,
		Afmeldes: t.Afmeldes, AfmeldesAarsag: t.AfmeldesAarsag}
	if x.gruppe() != GruppeDP || x.s.Ydelse.Loentilskud {
		// In løntilskud the citizen is an employee: sick to the employer,
		// no afmelding and no KG change (DOMAIN §8 nr. 1) [S1][S45].
		return
	}
	from := f.Periode.Start.AddDays(x.rs.P(ParamSDPAkasseDage))
	detail, kv := "effect.sygedagpenge_fra.akasse", []string{"dage", itoa(x.rs.P(ParamSDPAkasseDage))}
	if x.s.Ydelse.Supplerende {
		from, detail, kv = f.Periode.Start, "effect.sygedagpenge_fra.supplerende", nil
	}
	if !f.Periode.Slut.IsZero() && f.Periode.Slut.Before(from) {
		return // well again before sygedagpenge would start
	}
	x.effect("sygedagpenge_fra", from, detail, kv...)
	if def := x.rs.KG[KGSygedagpengeLedighed]; def != nil {
		if err := x.checkKGFravaer(def); err != nil {
			// Another fravær runs that the sygedagpenge group cannot have
			// (pasning af sygt barn is not an SDP type, 4645 [S9]): the
			// source does not say which gives way, so DFDG's switch [S5]
			// waits for a caseworker's decision (A).
			x.effect("kg_skift_afventer", from, "effect.kg", "kg", KGParam(KGSygedagpengeLedighed))
			return
		}
	}
	if from.After(x.today) {
		x.effect("kg_skift_planlagt", from, "effect.kg", "kg", KGParam(KGSygedagpengeLedighed)) // DFDG switches on the day [S5]
		return
	}
	x.switchKG(KGSygedagpengeLedighed)
}

// switchKG is DFDG's automatic kontaktgruppeskift [S5].
//
// (A) A command dated before the open kontaktgruppe began (made offline,
// sent late) switches from that start, so the periods still follow each
// other [S8].
func (x *exec) switchKG(kg int) {
	start := maxDate(x.today, x.sidsteKGStart())
	if x.s.Kontaktgruppe != nil {
		if x.s.Kontaktgruppe.KG == kg {
			return
		}
		x.closeKG(start.AddDays(-1))
	}
	x.s.Kontaktgruppe = &KGForloeb{KG: kg, Periode: Period{Start: start}, RegelSet: x.rs.Version}
	x.touch("kontaktgruppe")
	x.effect("kg_skift", start, "effect.kg", "kg", KGParam(kg))
	x.fitTilmelding()
}

// genopretKategori gives the citizen back the category from before the
// sickness after a switch back from the sygedagpenge group (DOMAIN §3.3)
// [S7], if the kontaktgruppe now open can carry it; otherwise a category
// the group cannot carry (sdp2 given in KG25, match1 after a change to a
// kontanthjælp group) goes to the group's default, as at a
// kontaktgruppeskift (A2.3 [S2], A6.4).
func (x *exec) genopretKategori(foer string) {
	cur := x.s.Kontaktgruppe
	if cur == nil {
		return
	}
	def := x.rs.KG[cur.KG]
	if def == nil {
		return
	}
	passer := x.kategoriPasser(cur.KG, foer)
	if foer == "" {
		passer = def.AllowsKategori(0) // "no category" is id 0 (DOMAIN A6.3)
	}
	if passer {
		if foer != x.s.Visitation.Kategori {
			x.setVisitation(foer)
		}
		return
	}
	x.fitVisitation(def)
}

// samtaleEffects handles planned samtaler inside a new fravær: where the
// fravær exempts from jobsamtaler they are cancelled (DP sick are not
// called [S44]); otherwise they stand (KH sygemelding [S48]; an indkaldelse
// made before ferie was registered must be honoured [S50b]).
func (x *exec) samtaleEffects(ft *FravaerTypeDef, f *Fravaer) {
	eff := x.effekt(ft.Kode)
	for i := range x.s.Samtaler {
		m := &x.s.Samtaler[i]
		if m.Status != SamtalePlanlagt || !f.Periode.Contains(m.Dato) {
			continue
		}
		if !f.Anmeldt.Before(x.today) && foer(m.Dato, m.Tid, x.today, x.kl()) {
			// The samtale began before the fravær was reported: sickness
			// cannot be reported backwards, so it is not cancelled after
			// the fact (DOMAIN §4.2 [S44], §5.3 [S49]).
			continue
		}
		if eff == "F" && ft.Kode != FravaerFerie {
			m.Status = SamtaleAflyst
			m.Konsekvens = konsekvens("konsekvens.aflyst", "type", FravaerParam(ft.Kode))
			x.touch(samtaleUdfald(m.ID))
			x.effect("samtale_aflyst", m.Dato, "effect.samtale", "samtale", string(m.ID))
			continue
		}
		x.effect("samtale_fastholdt", m.Dato, "effect.samtale", "samtale", string(m.ID))
	}
}

// effekt returns the Table B effect of a fravær type on jobsamtaler for
// the citizen's group.
func (x *exec) effekt(code string) string {
	return effektFor(x.rs, code, x.gruppe(), PligtJobsamtaler)
}

func effektFor(rs *RuleSet, code, gruppe, pligt string) string {
	rows := rs.Effekter[code]
	if d, ok := rows[gruppe]; ok {
		return d.Effekt[pligt]
	}
	if d, ok := rows["*"]; ok {
		return d.Effekt[pligt]
	}
	return "G"
}

func maxDate(a, b Date) Date {
	if a.After(b) {
		return a
	}
	return b
}

// AfslutFravaer ends a fravær. Ending a sygemelding (raskmelding) needs an
// end reason (4980) [S4] and re-registers the citizen in the same
// kontaktgruppe and categorisation as before [S7][S14] — except from
// jobafklaringsforløb (KG13), where a caseworker decides [S7]; from KG25 the
// kontaktgruppe returns to the one before the sickness [S7].
type AfslutFravaer struct {
	FravaerID ID     `json:"fravaer_id"`
	Slut      Date   `json:"slut"`
	Aarsag    string `json:"aarsag,omitempty"`
}

func (*AfslutFravaer) Kind() string    { return "afslut_fravaer" }
func (*AfslutFravaer) roles() []string { return rolesAll() }

func (b *AfslutFravaer) apply(x *exec) error {
	i := x.s.FindFravaer(b.FravaerID)
	if i < 0 || x.s.Fravaer[i].Slettet {
		return Errorf(CodeNotFound, "", "not_found.absence_does_exist").WithField("fravaer_id")
	}
	f := &x.s.Fravaer[i]
	ft := x.rs.Fravaer[f.Type]
	if ft == nil {
		return invalidf("type", "invalid.fravaer.type_in_ruleset", "kode", f.Type, "regelsaet", x.rs.Version)
	}
	if x.borger() && !ft.Selvbetjening {
		return Errorf(CodeUnauthorized, "", "unauthorized.fravaer.end", "type", FravaerParam(ft.Kode))
	}
	if b.Slut.IsZero() {
		return invalidf("slut", "invalid.slut.end_date_missing")
	}
	if b.Slut.Before(f.Periode.Start) {
		return RuleError("1003", "rule.1003.before_start", "start", DateParam(f.Periode.Start))
	}
	if old := f.Periode.Slut; !old.IsZero() && old.Before(x.today) {
		return RuleError("fravaer-afsluttet", "rule.fravaer-afsluttet", "slut", DateParam(old))
	}
	if ft.KraeverSlut {
		// A raskmelding is a write that needs an active KG (DOMAIN §1.1
		// p7, 4686) [S4][S10].
		if err := x.requireKG("4686"); err != nil {
			return err
		}
		if err := raskmeldingDato(ft, b.Slut, x.today); err != nil {
			return err
		}
	}
	if ft.KraeverSlut && b.Aarsag == "" {
		return RuleError("4980", "rule.4980", "type", FravaerParam(ft.Kode))
	}
	if err := text("aarsag", b.Aarsag, 200, false); err != nil {
		return err
	}
	if err := x.checkFravaerDuration(ft, Period{Start: f.Periode.Start, Slut: b.Slut}, f.ID); err != nil {
		return err
	}
	f.Periode.Slut = b.Slut
	f.SlutAarsag = b.Aarsag
	x.touch("fravaer/" + string(f.ID))
	x.effect("fravaer_afsluttet", b.Slut, "effect.fravaer", "type", FravaerParam(f.Type))
	if f.Type == FravaerSygemelding && f.Foer != nil {
		if err := x.raskmelding(f, b.Slut.AddDays(1)); err != nil {
			return err
		}
	}
	return nil
}

// raskmelding re-registers after a sygemelding: in the kontaktgruppe and
// categorisation before it (or the one a caseworker visited to during it,
// see opdaterFoer), unless the citizen was deregistered for another reason
// during the sickness.
func (x *exec) raskmelding(f *Fravaer, fra Date) error {
	foer := *f.Foer
	x.effect("raskmeldt", fra, "")
	if foer.KG == KGJobafklaring {
		x.effect("gentilmelding_kraever_sagsbehandler", fra, "effect.gentilmelding.jobafklaringsforloeb")
		return nil
	}
	if cur := x.s.Kontaktgruppe; cur != nil && cur.KG != foer.KG && x.rs.KG[cur.KG] != nil && x.rs.KG[cur.KG].Gruppe == GruppeSDP {
		if def := x.rs.KG[foer.KG]; def != nil && x.checkKGFravaer(def) != nil {
			// Another fravær runs that the KG from before cannot have: as
			// at the switch to KG25 (E11), the switch back waits for a
			// caseworker's decision (A).
			x.effect("kg_skift_afventer", fra, "effect.kg", "kg", KGParam(foer.KG))
		} else {
			// Back in the KG from before: with its categorisation, never
			// one given in the sygedagpenge group (DOMAIN §3.3) [S7].
			x.switchKG(foer.KG)
			x.genopretKategori(foer.Kategori)
		}
	}
	t := x.s.Tilmelding
	if !foer.Tilmeldt || t.ErTilmeldt() {
		return nil
	}
	afmeldtAfSygdom := t.AfmeldAarsag == AfmeldSygdom
	if !afmeldtAfSygdom && t.AfmeldtDato.After(f.Periode.Start) {
		return nil // deregistered for another reason during the sickness
	}
	for i := range x.s.Fravaer {
		if o := &x.s.Fravaer[i]; o.ID != f.ID && x.afmelder(o) && o.Aktiv(fra) {
			// Another fravær that deregisters (sorgorlov, barsel …) still
			// runs: no tilmelding while it does (4750 [S217]); the jobcentre
			// registers the citizen when it ends, as after that fravær (A).
			x.effect("tilmelding_venter", fra, "effect.fravaer", "type", FravaerParam(o.Type))
			return nil
		}
	}
	x.genopretKategori(foer.Kategori)
	if x.s.Visitation.Kategori == KategoriAktivitetsparat {
		// Visited aktivitetsparat during the sickness in a group whose
		// category the one before cannot replace: an aktivitetsparat
		// citizen is not registered (A3, 4656) [S1][S9].
		return nil
	}
	if !afmeldtAfSygdom {
		// Not registered before the sickness: a caseworker visited the
		// citizen jobparat during it, and the tilmelding waited for now.
		kat, err := x.tilmeldekategori("")
		if err != nil {
			return err
		}
		x.doTilmeld(fra, kat, "ledig")
		return nil
	}
	if d := foer.Afmeldes; !d.IsZero() && !fra.Before(d) {
		// The citizen had set an afmelding that is due by now: the
		// situation before the sickness is an afmeldt citizen (DOMAIN §3.3,
		// §3.2 A1) [S7][S1][S4]. No gentilmelding.
		t := &x.s.Tilmelding
		t.AfmeldtDato, t.AfmeldAarsag = d, foer.AfmeldesAarsag
		x.touch(FieldTilmelding)
		return nil
	}
	kat := foer.TKat
	if g, ok := tilmeldekategoriGruppe()[kat]; ok && g != x.gruppe() {
		// The kontaktgruppe changed during the sickness and cannot have
		// that tilmeldekategori (DOMAIN §3.1 [S1]): derived as for a new
		// tilmelding (A).
		kat = ""
		if k, err := x.tilmeldekategori(""); err == nil {
			kat = k
		}
	}
	if kat == "" {
		kat = KatModtager
	}
	x.doTilmeld(fra, kat, "ledig")
	x.effect("kvittering", fra, "effect.kvittering.elektronisk")
	if d := foer.Afmeldes; !d.IsZero() {
		// The planned afmelding from before the sickness still stands.
		x.afmeld(d, foer.AfmeldesAarsag)
	}
	return nil
}

// SletFravaer deletes a wrongly registered fravær; a
// berigtigelseskommentar is required [S3].
type SletFravaer struct {
	FravaerID    ID     `json:"fravaer_id"`
	Berigtigelse string `json:"berigtigelse"`
}

func (*SletFravaer) Kind() string    { return "slet_fravaer" }
func (*SletFravaer) roles() []string { return rolesStaff() }

func (b *SletFravaer) apply(x *exec) error {
	i := x.s.FindFravaer(b.FravaerID)
	if i < 0 || x.s.Fravaer[i].Slettet {
		return Errorf(CodeNotFound, "", "not_found.absence_does_exist").WithField("fravaer_id")
	}
	if err := text("berigtigelse", b.Berigtigelse, x.rs.P(ParamFravaerKommentarMax), true); err != nil {
		return RuleError("berigtigelse", "rule.berigtigelse")
	}
	f := &x.s.Fravaer[i]
	f.Slettet, f.Berigtigelse = true, b.Berigtigelse
	x.touch("fravaer/" + string(f.ID))
	x.effect("fravaer_slettet", x.today, "effect.fravaer", "type", FravaerParam(f.Type))
	if x.s.Tilmelding.Status == IkkeTilmeldt && x.s.Tilmelding.AfmeldtDato == maxDate(f.Periode.Start, f.Anmeldt) &&
		x.s.Tilmelding.AfmeldAarsag == afmeldAarsagFor(f.Type) {
		// The afmelding the fravær caused was an error: the jobcenter must re-register [S14].
		x.s.Tilmelding.AfmeldAarsag = AfmeldFejl
		x.touch(FieldTilmelding)
		x.effect("gentilmelding_kraever_sagsbehandler", x.today, "effect.gentilmelding.fejlagtig_afmelding")
	}
	x.undoSygedagpengeKG(f)
	return nil
}

// undoSygedagpengeKG returns a citizen moved to KG25 by a sygemelding that
// is now deleted as wrong to the kontaktgruppe before it: the automatic
// switch [S5] had no ground, and a caseworker cannot change KG25 (8096).
func (x *exec) undoSygedagpengeKG(f *Fravaer) {
	cur := x.s.Kontaktgruppe
	if f.Type != FravaerSygemelding || f.Foer == nil || cur == nil || cur.KG != KGSygedagpengeLedighed || f.Foer.KG == KGSygedagpengeLedighed ||
		cur.Periode.Start.Before(f.Periode.Start) {
		return
	}
	x.switchKG(f.Foer.KG)
	x.genopretKategori(f.Foer.Kategori)
}
