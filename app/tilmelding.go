package app

// gentilmeldingAarsager returns the afmelding causes after which a new tilmelding
// is a gentilmelding; a new unemployment period is not [S7].
func gentilmeldingAarsager() []string {
	return []string{AfmeldSygdom, AfmeldTjob, AfmeldSelvbook, AfmeldFejl}
}

// Tilmeld registers the citizen as jobseeker (DOMAIN §3.1, §3.3).
type Tilmeld struct {
	Kategori        string `json:"kategori,omitempty"`        // tilmeldekategori; derived when empty
	Ledighedsstatus string `json:"ledighedsstatus,omitempty"` // "ledig" (default) or "ikke_ledig"
	// FejlAfmelding: the caseworker re-registers because the last
	// afmelding was the jobcentre's error; the registration continues from
	// the afmelding date [S14].
	FejlAfmelding bool `json:"fejl_afmelding,omitempty"`
}

func (*Tilmeld) Kind() string    { return "tilmeld" }
func (*Tilmeld) roles() []string { return rolesAll() }

func (b *Tilmeld) apply(x *exec) error {
	if err := x.requireKG("4686"); err != nil {
		return err
	}
	if x.s.Tilmelding.ErTilmeldt() {
		return RuleError("tilmeldt", "rule.tilmeldt")
	}
	if !x.s.Borger.Doed.IsZero() {
		// Death deregisters and nothing is registered after it (DOMAIN §3.2
		// A5, 4405) [S1][S3]; a tilmelding dated before the registered death
		// (made offline, sent late) cannot stand either.
		return RuleError("4405", "rule.4405")
	}
	status := b.Ledighedsstatus
	switch status {
	case "", "ledig":
		status = "ledig"
	case "ikke_ledig":
		if x.gruppe() != GruppeSF {
			return RuleError("4339", "rule.4339")
		}
	default:
		return invalidf("ledighedsstatus", "invalid.tilmelding.ledighedsstatus", "kode", status)
	}
	if x.s.Visitation.Kategori == KategoriAktivitetsparat {
		return RuleError("4656", "rule.4656")
	}
	if f := x.afmeldendeFravaer(); f != nil {
		// A registered absence that deregisters forbids enrollment (4750
		// [S217]); after a sygemelding the raskmelding re-registers [S7].
		return RuleError("4750", "rule.4750", "type", FravaerParam(f.Type))
	}
	if b.FejlAfmelding {
		if x.borger() {
			return Errorf(CodeUnauthorized, "", "unauthorized.only_jobcentre_correct")
		}
		if x.s.Tilmelding.AfmeldtDato.IsZero() {
			return RuleError("ingen-afmelding", "rule.ingen-afmelding")
		}
		x.s.Tilmelding.AfmeldAarsag = AfmeldFejl
	}
	kat, err := x.tilmeldekategori(b.Kategori)
	if err != nil {
		return err
	}
	x.doTilmeld(x.today, kat, status)
	return nil
}

// tilmeldekategorier returns the tilmelding categories a caseworker may
// request.
func tilmeldekategorier() []string {
	return []string{KatAnsoeger, KatModtager, KatUdenYdelse, KatDimittend}
}

// tilmeldekategoriGruppe returns the tilmeldekategorier that belong to one
// group only (DOMAIN §3.1 [S1]; App. A1.2 § 88 [S23]): "uden ydelse" is
// the KG "Uden ydelse" (group SF), "dimittend" is a dagpenge category.
func tilmeldekategoriGruppe() map[string]string {
	return map[string]string{KatUdenYdelse: GruppeSF, KatDimittend: GruppeDP}
}

// tilmeldekategori derives the category: "uden ydelse" for KG SF; a
// recipient directly when re-registering within 7 days of the previous
// afmelding [S7]; otherwise an applicant.
func (x *exec) tilmeldekategori(requested string) (string, error) {
	if requested != "" && !contains(tilmeldekategorier(), requested) {
		return "", invalidf("kategori", "invalid.tilmelding.kategori", "kode", requested)
	}
	if requested != "" {
		if g, ok := tilmeldekategoriGruppe()[requested]; ok && g != x.gruppe() {
			// "Uden ydelse" is the KG of that name, "dimittend" a dagpenge
			// category (§ 88) [S1][S23]; another group may not enroll in
			// them (4641 [S217]).
			return "", RuleError("4641", "rule.4641", "kategori", RawParam(requested), "gruppe", RawParam(x.gruppe()))
		}
	}
	t := x.s.Tilmelding
	within := !t.AfmeldtDato.IsZero() && t.AfmeldtDato.DaysUntil(x.today) <= x.rs.P(ParamGentilmeldingDirekte)
	switch {
	case requested != "":
		return requested, nil
	case x.gruppe() == GruppeSF:
		return KatUdenYdelse, nil
	case within && t.Kategori != "":
		x.effect("direkte_modtager", x.today, "")
		return KatModtager, nil
	}
	return KatAnsoeger, nil
}

// doTilmeld registers the citizen and applies the gentilmelding rules.
func (x *exec) doTilmeld(siden Date, kat, status string) {
	t := &x.s.Tilmelding
	prev := *t
	gentil := contains(gentilmeldingAarsager(), prev.AfmeldAarsag) && !prev.AfmeldtDato.IsZero()
	newPeriod := prev.FoersteDato.IsZero() || (!gentil && prev.Status == IkkeTilmeldt)
	// The CV stays on Jobnet across an afmelding; the overview decides
	// whether it counts for the current period [S18].
	*t = Tilmelding{Status: Tilmeldt, Kategori: kat, Ledighedsstatus: status, Siden: siden, FoersteDato: prev.FoersteDato, CV: prev.CV}
	if newPeriod {
		t.FoersteDato = siden
	}
	t.RegelSet = x.rs.Version
	x.touch(FieldTilmelding)
	x.effect("tilmeldt", siden, "effect.kode", "kode", kat)
	defer x.afmeldVedFravaer(siden)
	if d := x.s.Borger.Doed; !d.IsZero() {
		// A registration that begins before a registered death (a
		// visitation or raskmelding dated back) ends on the day of death
		// (DOMAIN §3.2 A5) [S1][S3].
		defer x.afmeld(maxDate(d, siden), AfmeldDoed)
	}
	if !gentil {
		return
	}
	x.effect("gentilmeldt", siden, "effect.aarsag", "aarsag", prev.AfmeldAarsag)
	days := prev.AfmeldtDato.DaysUntil(x.today)
	switch prev.AfmeldAarsag {
	case AfmeldTjob:
		// Jobparat and åbenlyst uddannelsesparat may re-register on Jobnet
		// within 7 days with the same categorisation [S7].
		if days <= x.rs.P(ParamGentilmeldingDirekte) {
			x.effect("samme_kategorisering", siden, "effect.kategori", "kategori", KategoriParam(x.s.Visitation.Kategori))
		} else if x.borger() {
			x.effect("visitation_kraevet", siden, "")
		}
	case AfmeldSelvbook:
		// The gentilmelding takes effect only if a samtale is booked within
		// 10 days, unless 3 months or more have passed [S14][S31].
		// The deadline skips registered ferie and moves off weekends and
		// holidays, as TJOB deadlines do [S29] (DOMAIN §4.3: "(A) same for
		// selvbook"), so the stored deadline is the one the overview shows.
		if x.today.Before(prev.AfmeldtDato.AddMonths(x.rs.P(ParamSelvbookUdloeb))) {
			t.SelvbookFrist, t.SelvbookFra = FristEfterDage(x.today, x.rs.P(ParamSelvbookGentilmelding), x.fritagetDag), x.today
			x.effect("selvbook_frist", t.SelvbookFrist, "")
		}
	case AfmeldFejl:
		// The jobcenter re-registers from the erroneous afmelding [S14] —
		// unless a fravær that deregisters ran since: the registration
		// could not have gone on through it (A).
		if x.afmeldendeMellem(prev.AfmeldtDato, siden) {
			return
		}
		t.Siden = prev.AfmeldtDato
		t.FoersteDato = prev.FoersteDato
		x.effect("genoprettet", prev.AfmeldtDato, "")
	}
}

// afmeldendeMellem reports whether a fravær that deregisters covers a day
// from a up to the day before b.
func (x *exec) afmeldendeMellem(a, b Date) bool {
	if !a.Before(b) {
		return false
	}
	p := Period{Start: a, Slut: b.AddDays(-1)}
	for i := range x.s.Fravaer {
		if f := &x.s.Fravaer[i]; x.afmelder(f) && f.Periode.Overlaps(p) {
			return true
		}
	}
	return false
}

// afmeld ends the registration on dato for aarsag, if registered.
func (x *exec) afmeld(dato Date, aarsag string) bool {
	t := &x.s.Tilmelding
	if !t.ErTilmeldt() {
		return false
	}
	if dato.After(x.today) {
		// Planned: the citizen stays registered until the date (4322 allows
		// up to 30/60 days ahead) [S4].
		if !t.Afmeldes.IsZero() && !t.Afmeldes.After(dato) {
			// An earlier planned afmelding ends the registration first and
			// stands. If a sygemelding ahead planned it, this one is part of
			// the situation its raskmelding restores [S7].
			for i := range x.s.Fravaer {
				f := &x.s.Fravaer[i]
				if f.Foer != nil && !f.Slettet && f.Periode.Start == t.Afmeldes && (f.Foer.Afmeldes.IsZero() || f.Foer.Afmeldes.After(dato)) {
					f.Foer.Afmeldes, f.Foer.AfmeldesAarsag = dato, aarsag
					x.touch("fravaer/" + string(f.ID))
				}
			}
			x.effect("afmeldt", dato, "effect.aarsag", "aarsag", aarsag)
			return true
		}
		t.Afmeldes, t.AfmeldesAarsag, t.RegelSet = dato, aarsag, x.rs.Version
		x.touch(FieldTilmelding)
		x.effect("afmeldt", dato, "effect.aarsag", "aarsag", aarsag)
		return true
	}
	t.Afmeldes, t.AfmeldesAarsag, t.RegelSet = Date{}, "", x.rs.Version
	t.Status = IkkeTilmeldt
	t.AfmeldtDato = dato
	t.AfmeldAarsag = aarsag
	t.SelvbookFrist, t.SelvbookFra = Date{}, Date{}
	x.touch(FieldTilmelding)
	x.effect("afmeldt", dato, "effect.aarsag", "aarsag", aarsag)
	return true
}

// Afmeld deregisters the citizen. At the citizen's request the date must
// be today or at most 30 days ahead (60 with mindre intensiv indsats)
// (DFDG 4322) [S1][S4].
type Afmeld struct {
	Dato   Date   `json:"dato,omitzero"`
	Aarsag string `json:"aarsag"`
}

func (*Afmeld) Kind() string    { return "afmeld" }
func (*Afmeld) roles() []string { return rolesAll() }

// afmeldAarsager returns the reasons an Afmeld command may give. "fejl" is not
// one: it marks an afmelding found to be wrong, set by SletFravaer [S14].
func afmeldAarsager() []string {
	return []string{AfmeldOenske, AfmeldDagpengeophoer, AfmeldIngenAdresse}
}

func (b *Afmeld) apply(x *exec) error {
	if !x.s.Tilmelding.ErTilmeldt() {
		return RuleError("ikke-tilmeldt", "rule.ikke-tilmeldt")
	}
	if b.Aarsag == "" {
		b.Aarsag = AfmeldOenske
	}
	if !contains(afmeldAarsager(), b.Aarsag) {
		return invalidf("aarsag", "invalid.afmelding.aarsag", "kode", b.Aarsag)
	}
	if x.borger() && b.Aarsag != AfmeldOenske {
		return Errorf(CodeUnauthorized, "", "unauthorized.citizen_only_deregister")
	}
	dato := b.Dato
	if dato.IsZero() {
		dato = x.today
	}
	if b.Aarsag == AfmeldOenske {
		maxDays := x.rs.P(ParamAfmeldingMaxFrem)
		if x.s.Ydelse.MindreIntensiv || x.harAktivtFravaer(FravaerMindreIntensiv) {
			maxDays = x.rs.P(ParamAfmeldingMaxFremMindreInt)
		}
		if dato.Before(x.today) || x.today.DaysUntil(dato) > maxDays {
			return RuleError("4322", "rule.4322", "dage", itoa(maxDays), "senest", DateParam(x.today.AddDays(maxDays)))
		}
	} else if err := x.eventDate("dato", dato); err != nil {
		return err
	}
	x.afmeld(dato, b.Aarsag)
	return nil
}

// Haendelse types from outside systems that end a registration (§3.2).
const (
	HaendelseDoed           = "doed"           // A5 [S1][S3]
	HaendelseIngenAdresse   = "ingen_adresse"  // A6 [S1]
	HaendelseDagpengeophoer = "dagpengeophoer" // A4 [S1]
)

// RegistrerHaendelse records an event from CPR or the a-kasse that causes
// automatic afmelding.
type RegistrerHaendelse struct {
	Type string `json:"type"`
	Dato Date   `json:"dato,omitzero"`
}

func (*RegistrerHaendelse) Kind() string    { return "registrer_haendelse" }
func (*RegistrerHaendelse) roles() []string { return rolesStaff() }

func (b *RegistrerHaendelse) apply(x *exec) error {
	dato := b.Dato
	if dato.IsZero() {
		dato = x.today
	}
	if err := x.eventDate("dato", dato); err != nil {
		return err
	}
	switch b.Type {
	case HaendelseDoed:
		x.s.Borger.Doed = dato
		x.touch(FieldBorgerDoed)
		x.afmeld(dato, AfmeldDoed)
	case HaendelseIngenAdresse:
		x.s.Borger.IngenAdresse = dato
		x.touch(FieldBorgerIngenAdresse)
		x.afmeld(dato, AfmeldIngenAdresse)
	case HaendelseDagpengeophoer:
		x.afmeld(dato, AfmeldDagpengeophoer)
	default:
		return invalidf("type", "invalid.haendelse.type", "kode", b.Type)
	}
	x.effect("haendelse", dato, "effect.kode", "kode", b.Type)
	return nil
}

// ManglendeTjob records a missed "Tjek jobforslag" deadline [S29]. The
// first and second miss within 12 months give a reminder and 7 more days
// (the deadline skips registered ferie, weekends and holidays); the third
// deregisters the night after the deadline without reminder. A miss after
// a reminder (EfterPaamindelse) deregisters with an afmeldebrev.
type ManglendeTjob struct {
	Frist            Date `json:"frist"`
	EfterPaamindelse bool `json:"efter_paamindelse,omitempty"`
}

func (*ManglendeTjob) Kind() string    { return "manglende_tjob" }
func (*ManglendeTjob) roles() []string { return rolesSystem() }

func (b *ManglendeTjob) apply(x *exec) error {
	if b.Frist.IsZero() || b.Frist.After(x.today) {
		return invalidf("frist", "invalid.frist.deadline_have_passed")
	}
	if err := x.eventDate("frist", b.Frist); err != nil {
		return err
	}
	if !x.s.Tilmelding.ErTilmeldt() {
		return RuleError("ikke-tilmeldt", "rule.ikke-tilmeldt.citizen_registered_check")
	}
	if x.fritagetDag(b.Frist) {
		// The TJOB deadline skips registered fravær (DOMAIN §3.2 A7) [S29]:
		// it cannot fall, and so not be missed, on such a day.
		return RuleError("tjob-fritaget", "rule.tjob-fritaget", "dato", DateParam(b.Frist))
	}
	x.touch("tjob")
	if b.EfterPaamindelse {
		x.s.Tjob, x.s.TjobFra = Date{}, Date{}
		x.afmeld(b.Frist.AddDays(1), AfmeldTjob)
		x.effect("afmeldebrev", b.Frist.AddDays(1), "")
		return nil
	}
	from := b.Frist.AddMonths(-x.rs.P(ParamTjobPeriode))
	n := 1
	for _, d := range x.s.TjobMiss {
		if d.After(from) && !d.After(b.Frist) {
			n++
		}
	}
	x.s.TjobMiss = append(x.s.TjobMiss, b.Frist)
	if n >= x.rs.P(ParamTjobMaxMiss) {
		x.s.Tjob, x.s.TjobFra = Date{}, Date{}
		x.afmeld(b.Frist.AddDays(1), AfmeldTjob)
		x.effect("uden_paamindelse", b.Frist.AddDays(1), "effect.tjob.gang_inden", "gang", itoa(n), "mdr", itoa(x.rs.P(ParamTjobPeriode)))
		return nil
	}
	x.s.Tjob, x.s.TjobFra = FristEfterDage(b.Frist, x.rs.P(ParamTjobPaamindelse), x.fritagetDag), b.Frist
	x.effect("tjob_paamindelse", x.s.Tjob, "effect.tjob.gang", "gang", itoa(n))
	return nil
}

// harAktivtFravaer reports whether a fravær of type code is in force today.
// Mindre intensiv indsats is both a benefit fact and a registered
// fritagelse [S67]; either allows afmelding 60 days ahead [S4].
func (x *exec) harAktivtFravaer(code string) bool {
	for _, f := range x.s.Fravaer {
		if f.Type == code && f.Aktiv(x.today) {
			return true
		}
	}
	return false
}

// flytFrister computes again the deadlines that skip registered fravær —
// a TJOB reminder's [S29] and the selvbooking deadline after a gentilmelding
// [S14][S31] — from the day they count from, so that a fravær registered,
// ended or deleted after the deadline was set moves it (issue 8: deadlines
// are not computed once). It runs after every accepted command.
func (x *exec) flytFrister() {
	if s := x.s; !s.TjobFra.IsZero() && !s.Tjob.IsZero() {
		if d := FristEfterDage(s.TjobFra, x.rs.P(ParamTjobPaamindelse), x.fritagetDag); d != s.Tjob {
			s.Tjob = d
			x.touch(FieldTjob)
		}
	}
	if t := &x.s.Tilmelding; !t.SelvbookFra.IsZero() && !t.SelvbookFrist.IsZero() {
		if d := FristEfterDage(t.SelvbookFra, x.rs.P(ParamSelvbookGentilmelding), x.fritagetDag); d != t.SelvbookFrist {
			t.SelvbookFrist = d
			x.touch(FieldTilmelding)
		}
	}
}

// fritagetDag reports whether a registered fravær that exempts from
// rådighed or joblog (ferie, midlertidigt arbejde, sygdom …) covers d;
// TJOB deadlines skip such days [S29].
func (x *exec) fritagetDag(d Date) bool {
	for _, f := range x.s.Fravaer {
		if !f.Aktiv(d) {
			continue
		}
		g := x.gruppe()
		if effektFor(x.rs, f.Type, g, PligtRaadighed) == "F" || effektFor(x.rs, f.Type, g, PligtJoblog) == "F" {
			return true
		}
	}
	return false
}

// ManglendeSelvbooking records a missed selvbooking deadline: afmelding
// without reminder (DOMAIN §3.2 A8) [S31][S30].
type ManglendeSelvbooking struct {
	Frist Date `json:"frist"`
}

func (*ManglendeSelvbooking) Kind() string    { return "manglende_selvbooking" }
func (*ManglendeSelvbooking) roles() []string { return rolesSystem() }

func (b *ManglendeSelvbooking) apply(x *exec) error {
	if b.Frist.IsZero() || b.Frist.After(x.today) {
		return invalidf("frist", "invalid.frist.deadline_have_passed")
	}
	if err := x.eventDate("frist", b.Frist); err != nil {
		return err
	}
	if !x.s.Tilmelding.ErTilmeldt() {
		return RuleError("ikke-tilmeldt", "rule.ikke-tilmeldt.citizen_registered")
	}
	if err := x.checkPligtPaaDag(PligtSelvbook, b.Frist); err != nil {
		return err
	}
	if m := x.selvbookOpfyldt(b.Frist); m != nil {
		// A samtale booked to be held by the deadline met it [S14][S31].
		return RuleError("selvbook-opfyldt", "rule.selvbook-opfyldt", "dato", DateParam(m.Dato))
	}
	x.afmeld(b.Frist.AddDays(1), AfmeldSelvbook)
	x.effect("uden_paamindelse", b.Frist.AddDays(1), "effect.uden_paamindelse.selvbook")
	return nil
}

// maxEventAge bounds how far back an event from another system may be
// dated (A): a message about something a year ago is a data error.
const maxEventAge = 366

// eventDate checks the date of an event reported by another system (DO
// message, CPR change, missed deadline): not in the future, not before the
// current registration, and not absurdly old.
func (x *exec) eventDate(field string, d Date) error {
	if d.After(x.today) {
		return invalidf(field, "invalid.date_future")
	}
	if d.DaysUntil(x.today) > maxEventAge {
		return invalidf(field, "invalid.event_date.too_old", "dato", DateParam(d))
	}
	if t := x.s.Tilmelding; t.ErTilmeldt() && d.Before(t.Siden) {
		return invalidf(field, "invalid.event_date.before_registration", "siden", DateParam(t.Siden))
	}
	return nil
}

// checkPligtPaaDag refuses a report of a missed duty the citizen did not
// have on day: the group has no such duty, or a fravær suspended it
// (DOMAIN §5.2: selvbooking is a dagpenge duty [S30][S31]). It reads the
// overview of that day, so the duty tables decide, not code.
func (x *exec) checkPligtPaaDag(pligt string, day Date) error {
	o, err := x.rules.Overblik(x.s, day)
	if err != nil {
		return err
	}
	if st := o.Pligt(pligt).Status; st != PligtGaelder && st != PligtBegraenset {
		return RuleError("pligt-findes-ikke", "rule.pligt-findes-ikke", "pligt", RawParam(pligt), "dato", DateParam(day), "status", RawParam(st))
	}
	return nil
}

// selvbookOpfyldt returns a samtale, not cancelled, booked by the deadline
// to be held by it since the current tilmelding, or nil.
func (x *exec) selvbookOpfyldt(frist Date) *Samtale {
	siden := x.s.Tilmelding.Siden
	for i := range x.s.Samtaler {
		m := &x.s.Samtaler[i]
		if m.Status == SamtaleAflyst || m.Dato.After(frist) || m.Booket.After(frist) || (!siden.IsZero() && m.Dato.Before(siden)) {
			continue
		}
		return m
	}
	return nil
}
