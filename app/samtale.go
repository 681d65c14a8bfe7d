package app

import "time"

// samtaleTyper returns the samtale types BookSamtale accepts; raadighed is
// the a-kasse's rådighedssamtale.
func samtaleTyper() []string { return []string{"jobsamtale", "opfoelgning", "raadighed", "forloeb"} }

// samtaleFormer returns the forms a samtale may take.
func samtaleFormer() []string { return []string{"fremmoede", "telefon", "video", "digital"} }

// BookSamtale books a samtale in the kontaktforløb (DOMAIN §5.1). Booking
// on a day the citizen is exempt from jobsamtaler needs a reason (A);
// a booking within the selvbook deadline meets it [S14][S31].
type BookSamtale struct {
	SamtaleID   ID     `json:"samtale_id"`
	Type        string `json:"type"`
	Dato        Date   `json:"dato"`
	Tid         string `json:"tid,omitempty"`
	Form        string `json:"form,omitempty"`
	Begrundelse string `json:"begrundelse,omitempty"`
}

func (*BookSamtale) Kind() string    { return "book_samtale" }
func (*BookSamtale) roles() []string { return rolesAll() }

func (b *BookSamtale) apply(x *exec) error {
	if err := newID("samtale_id", b.SamtaleID, x.s.FindSamtale(b.SamtaleID) >= 0); err != nil {
		return err
	}
	if err := x.requireKG("8060"); err != nil {
		return err
	}
	if !contains(samtaleTyper(), b.Type) {
		return invalidf("type", "invalid.samtale.type", "kode", b.Type)
	}
	if b.Form == "" {
		b.Form = "fremmoede"
	}
	if !contains(samtaleFormer(), b.Form) {
		return invalidf("form", "invalid.samtale.form", "kode", b.Form)
	}
	if err := checkTid(b.Tid); err != nil {
		return err
	}
	if b.Dato.IsZero() || b.Dato.Before(x.today) || foer(b.Dato, b.Tid, x.today, x.kl()) {
		return RuleError("samtale-fortid", "rule.samtale-fortid")
	}
	if x.today.DaysUntil(b.Dato) > 366 {
		return invalidf("dato", "invalid.dato.meeting_booked_most")
	}
	if err := b.checkFremmoede(x); err != nil {
		return err
	}
	for _, f := range x.s.AktiveFravaer(b.Dato) {
		if x.effekt(f.Type) == "F" {
			e := RuleError("samtale-fritaget", "rule.samtale-fritaget", "dato", DateParam(b.Dato), "type", FravaerParam(f.Type))
			if err := x.soft(b.Begrundelse, e); err != nil {
				return err
			}
		}
	}
	x.s.Samtaler = append(x.s.Samtaler, Samtale{ID: b.SamtaleID, Type: b.Type, Dato: b.Dato, Tid: b.Tid, Form: b.Form,
		Status: SamtalePlanlagt, Booket: x.today, BooketKl: x.kl(), RegelSet: x.rs.Version})
	x.touch("samtale/" + string(b.SamtaleID))
	x.effect("samtale_booket", b.Dato, "effect.kode", "kode", b.Type)
	if t := &x.s.Tilmelding; !t.SelvbookFrist.IsZero() && !b.Dato.After(t.SelvbookFrist) {
		t.SelvbookFrist, t.SelvbookFra = Date{}, Date{}
		x.touch(FieldTilmelding)
		x.effect("selvbook_opfyldt", b.Dato, "")
	}
	return nil
}

// checkFremmoede: sygedagpenge opfølgningssamtaler with a citizen in
// kategori 2 or 3 are held by personal attendance (DOMAIN §5.1) [S27][S26]
// while sdp.opfoelgning.fremmoede is 1. The law allows exceptions (the
// citizen's health), so the rule is soft: a caseworker may book another
// form with a reason; the citizen cannot.
func (b *BookSamtale) checkFremmoede(x *exec) error {
	k := x.s.Visitation.Kategori
	if b.Type != "opfoelgning" || b.Form == "fremmoede" || x.rs.P(ParamSDPOpfoelgningFremmoede) != 1 ||
		(k != KategoriSDP2 && k != KategoriSDP3) {
		return nil
	}
	return x.soft(b.Begrundelse, RuleError("samtale-fremmoede", "rule.samtale-fremmoede", "kategori", KategoriParam(k)))
}

func checkTid(t string) error {
	if t == "" {
		return nil
	}
	h, okh := digits(t[:min(2, len(t))])
	if len(t) != 5 || t[2] != ':' || !okh || h > 23 {
		return invalidf("tid", "invalid.tid.write_time_hh")
	}
	if m, ok := digits(t[3:]); !ok || m > 59 {
		return invalidf("tid", "invalid.tid.write_time_hh")
	}
	return nil
}

func (x *exec) plannedSamtale(id ID) (*Samtale, error) {
	i := x.s.FindSamtale(id)
	if i < 0 {
		return nil, Errorf(CodeNotFound, "", "not_found.meeting_does_exist").WithField("samtale_id")
	}
	m := &x.s.Samtaler[i]
	if m.Status != SamtalePlanlagt {
		return nil, RuleError("samtale-status", "rule.samtale-status", "status", m.Status)
	}
	if m.Dato.After(x.today) || foer(x.today, x.kl(), m.Dato, m.Tid) {
		// Not before the samtale's start time (DOMAIN §5.3 [S49]).
		return nil, RuleError("samtale-fremtid", "rule.samtale-fremtid", "dato", DateParam(m.Dato))
	}
	return m, nil
}

// RegistrerSamtaleAfholdt records a held samtale.
type RegistrerSamtaleAfholdt struct {
	SamtaleID ID `json:"samtale_id"`
}

func (*RegistrerSamtaleAfholdt) Kind() string    { return "registrer_samtale_afholdt" }
func (*RegistrerSamtaleAfholdt) roles() []string { return rolesStaff() }

func (b *RegistrerSamtaleAfholdt) apply(x *exec) error {
	m, err := x.plannedSamtale(b.SamtaleID)
	if err != nil {
		return err
	}
	m.Status = SamtaleAfholdt
	x.touch(samtaleUdfald(m.ID))
	x.effect("samtale_afholdt", m.Dato, "effect.kode", "kode", m.Type)
	return nil
}

// RegistrerUdeblivelse records a no-show and its consequence per group
// (DOMAIN §5.3). Lovligt fravær (a registered fravær that exempts from
// jobsamtaler) has no consequence — except ferie registered after the
// samtale was booked [S50b]; a sick child is not lovligt fravær for
// dagpenge [S78], nor a Jobnet sygemelding for kontanthjælp [S48].
type RegistrerUdeblivelse struct {
	SamtaleID ID     `json:"samtale_id"`
	Kontakt   Date   `json:"kontakt,omitzero"` // when the citizen made contact; zero = not yet
	Grund     string `json:"grund,omitempty"`  // the citizen's stated reason, for the record
}

func (*RegistrerUdeblivelse) Kind() string    { return "registrer_udeblivelse" }
func (*RegistrerUdeblivelse) roles() []string { return rolesStaff() }

func (b *RegistrerUdeblivelse) apply(x *exec) error {
	m, err := x.plannedSamtale(b.SamtaleID)
	if err != nil {
		return err
	}
	if err := text("grund", b.Grund, 500, false); err != nil {
		return err
	}
	// A contact before the meeting day is a cancellation: it still loses
	// that day unless the absence is lawful (DOMAIN §5.3 [S49]). (A) Not
	// before the indkaldelse.
	if !b.Kontakt.IsZero() && (b.Kontakt.Before(m.Booket) || b.Kontakt.After(x.today)) {
		return invalidf("kontakt", "invalid.kontakt.contact_date_between")
	}
	m.Status = SamtaleUdeblevet
	x.touch(samtaleUdfald(m.ID))
	if f := x.lovligtFravaer(m.Dato, m); f != nil {
		m.Konsekvens = konsekvens("konsekvens.lovligt_fravaer", "type", FravaerParam(f.Type))
		x.effect("lovligt_fravaer", m.Dato, "effect.fravaer", "type", FravaerParam(f.Type))
		return nil
	}
	if grund := x.lovligGrund(m); grund != "" {
		m.Konsekvens = konsekvens("konsekvens.lovligt_fravaer", "type", TextParam(grund))
		x.effect("lovligt_fravaer", m.Dato, "effect.fravaer", "type", TextParam(grund))
		return nil
	}
	m.Konsekvens = x.udeblivelseKonsekvens(m, b.Kontakt)
	return nil
}

// lovligtFravaer returns a registered fravær that makes an absence from a
// samtale on day lawful, or nil: one that exempts from jobsamtaler in the
// citizen's group of that day (DOMAIN §4.3 Table B, §5.3) [S49][S15]. With
// a samtale m (nil: none, as for a sanction) the order of events counts:
// ferie registered after the indkaldelse was made does not excuse it
// (DOMAIN §8 item 14) [S50b], and a fravær reported on the meeting day
// after its start time does not either — sickness cannot be reported
// backwards [S44][S49]. The no-show path and the sanction check
// (sanktionHindring) share it.
func (x *exec) lovligtFravaer(day Date, m *Samtale) *Fravaer {
	g := x.gruppePaa(day)
	rs := x.rsPaa(day)
	for i := range x.s.Fravaer {
		f := &x.s.Fravaer[i]
		if !f.Aktiv(day) || effektFor(rs, f.Type, g, PligtJobsamtaler) != "F" {
			continue
		}
		if m != nil && f.Type == FravaerFerie && !foer(f.Registreret, f.RegistreretKl, m.Booket, m.BooketKl) {
			continue
		}
		if m != nil && !f.Anmeldt.Before(m.Dato) && foer(m.Dato, m.Tid, f.Registreret, f.RegistreretKl) {
			continue
		}
		return f
	}
	return nil
}

// udeblivelseKonsekvens derives the no-show consequence. Dagpenge: no
// dagpenge from the missed samtale until contact; contact the same day
// loses the whole day, the next day two days [S49]. Kontanthjælp: fradrag
// for the days until contact, to be decided after partshøring [S48][S54].
// Sygedagpenge: the paying unit is asked to stop payment after partshøring
// [S46][S55].
//
// Until the citizen makes contact there is no number of days (the keys
// ending in indtil_kontakt); with a contact date the parameter "dage".
func (x *exec) udeblivelseKonsekvens(m *Samtale, kontakt Date) Konsekvens {
	var kv []string
	if !kontakt.IsZero() {
		kv = []string{"dage", itoa(max(1, m.Dato.DaysUntil(kontakt)+1))}
	}
	pick := func(dage, indtil string) string {
		if kv != nil {
			return dage
		}
		return indtil
	}
	days := pick("effect.udeblivelse.dage", "effect.udeblivelse.indtil_kontakt")
	// The consequence is that of the citizen's group on the day of the
	// samtale, not of today's (DOMAIN §0) [S49][S46].
	switch g := x.gruppePaa(m.Dato); {
	case g == GruppeDP:
		if kv != nil {
			// (A) Dagpenge are paid per weekday (5 dagpengedage a week):
			// a Friday no-show with contact on Monday loses two days.
			kv = []string{"dage", itoa(dagpengedage(m.Dato, kontakt))}
		}
		x.effect("dagpenge_mistet", m.Dato, days, kv...)
		return konsekvens(pick("konsekvens.ingen_dagpenge", "konsekvens.ingen_dagpenge.indtil_kontakt"), kv...)
	case isKHLike(g):
		if err := x.sanktionHindring(m.Dato); err != nil {
			// The same preconditions as foreslaa_sanktion: without a
			// recent written vejledning there is no fradrag [S54][S263].
			x.effect("udeblevet", m.Dato, "effect.udeblivelse.ingen_fradrag", "grund", RawParam(AsError(err).Rule))
			return konsekvens("konsekvens.udeblevet")
		}
		x.effect("fradrag", m.Dato, days, kv...)
		x.effect("partshoering", x.today, "")
		return konsekvens(pick("konsekvens.fradrag", "konsekvens.fradrag.indtil_kontakt"), kv...)
	case g == GruppeSDP:
		x.effect("partshoering", x.today, "effect.partshoering.stop_sygedagpenge")
		return konsekvens("konsekvens.partshoering_sdp")
	}
	x.effect("udeblevet", m.Dato, "")
	return konsekvens("konsekvens.udeblevet")
}

// samtaleVarighedMin is how long a samtale is taken to last when two on
// the same day are compared (A): one hour.
const samtaleVarighedMin = 60

// lovligGrund returns the catalogue key of a lawful reason for missing m
// that the case itself shows, or "" (DOMAIN §5.3: "tilbud, another meeting
// called by jobcenter/a-kasse" [S49]):
//
//   - another samtale held at the same time (within an hour; (A) on the
//     same day when either has no time);
//   - a tilbud in a published plan running that day; (A) every activity
//     type but mentor, which does not take the citizen's time.
func (x *exec) lovligGrund(m *Samtale) string {
	for i := range x.s.Samtaler {
		o := &x.s.Samtaler[i]
		if o.ID == m.ID || o.Status != SamtaleAfholdt || o.Dato != m.Dato {
			continue
		}
		a, oka := minutter(m.Tid)
		b, okb := minutter(o.Tid)
		if !oka || !okb || a-b < samtaleVarighedMin && b-a < samtaleVarighedMin {
			return "konsekvens.lovligt.anden_samtale"
		}
	}
	for _, p := range x.s.Planer {
		if p.Status != PlanOffentliggjort {
			continue
		}
		for _, a := range p.Aktiviteter {
			if a.Type != "mentor" && a.Periode.Contains(m.Dato) {
				return "konsekvens.lovligt.tilbud"
			}
		}
	}
	return ""
}

// minutter reads "HH:MM" as minutes after midnight.
func minutter(t string) (int, bool) {
	if checkTid(t) != nil || t == "" {
		return 0, false
	}
	h, _ := digits(t[:2])
	m, _ := digits(t[3:])
	return h*60 + m, true
}

// dagpengedage counts the weekdays (Monday–Friday) from the meeting to the
// contact, both included, and at least 1: the meeting day is always lost
// (DOMAIN §5.3, §8 nr. 34) [S49].
func dagpengedage(moede, kontakt Date) int {
	n := 0
	for d := moede; !d.After(kontakt); d = d.AddDays(1) {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n++
		}
	}
	return max(1, n)
}
