package app

// SaetKontaktgruppe opens a kontaktgruppe, or with Skift ends the open one
// and opens another. Rules [S8]: only one open KG (4644), start date today
// (4703), consistent with the citizen's age (6033), some KGs cannot be set
// by a caseworker (8096), no conflict with registered fravær (4645).
type SaetKontaktgruppe struct {
	KG    int  `json:"kg"`
	Start Date `json:"start,omitzero"` // defaults to today; must be today (4703)
	Skift bool `json:"skift,omitempty"`
}

func (*SaetKontaktgruppe) Kind() string    { return "saet_kontaktgruppe" }
func (*SaetKontaktgruppe) roles() []string { return rolesStaff() }

func (b *SaetKontaktgruppe) apply(x *exec) error {
	def, ok := x.rs.KG[b.KG]
	if !ok {
		return invalidf("kg", "invalid.kg.unknown", "kg", itoa(b.KG), "regelsaet", x.rs.Version)
	}
	start := b.Start
	if start.IsZero() {
		start = x.today
	}
	if start != x.today {
		return RuleError("4703", "rule.4703", "i_dag", DateParam(x.today))
	}
	if err := x.checkKGChange(def, b.Skift); err != nil {
		return err
	}
	if last := x.sidsteKGStart(); start.Before(last) {
		// The periods follow each other [S8]: a KG dated before the last
		// one began (made offline, sent late) is refused as
		// afslut_kontaktgruppe refuses an end before the start (A).
		return RuleError("1003", "rule.1003.kg_start", "start", DateParam(last))
	}
	if err := x.checkKGAge(def); err != nil {
		return err
	}
	if err := x.checkKGFravaer(def); err != nil {
		return err
	}
	if cur := x.s.Kontaktgruppe; cur != nil {
		x.closeKG(start.AddDays(-1))
	}
	x.s.Kontaktgruppe = &KGForloeb{KG: b.KG, Periode: Period{Start: start}, RegelSet: x.rs.Version}
	x.touch("kontaktgruppe")
	x.effect("kg_sat", start, "effect.kg", "kg", KGParam(b.KG))
	x.fitVisitation(def)
	x.fitTilmelding()
	return nil
}

// fitTilmelding keeps a registration the new kontaktgruppe can have: a
// tilmeldekategori of another group ("uden ydelse" is the KG of that name,
// "dimittend" a dagpenge category, DOMAIN §3.1 [S1]) is derived again as
// for a new tilmelding (A), and only "uden ydelse" may be "ikke ledig"
// (§1.2, 4339 [S4]).
func (x *exec) fitTilmelding() {
	t := &x.s.Tilmelding
	if !t.ErTilmeldt() || x.s.Kontaktgruppe == nil {
		return
	}
	changed := false
	if g, ok := tilmeldekategoriGruppe()[t.Kategori]; ok && g != x.gruppe() {
		if kat, err := x.tilmeldekategori(""); err == nil {
			t.Kategori, changed = kat, true
		}
	}
	if t.Ledighedsstatus == "ikke_ledig" && x.gruppe() != GruppeSF {
		t.Ledighedsstatus, changed = "ledig", true
	}
	if changed {
		x.touch(FieldTilmelding)
		x.effect("tilmeldekategori_aendret", x.today, "effect.kode", "kode", t.Kategori)
	}
}

// sidsteKGStart returns the start of the open kontaktgruppe, or of the
// last one closed; zero when there is none.
func (x *exec) sidsteKGStart() Date {
	if cur := x.s.Kontaktgruppe; cur != nil {
		return cur.Periode.Start
	}
	if h := x.s.KGHistorik; len(h) > 0 {
		return h[len(h)-1].Periode.Start
	}
	return Date{}
}

func (x *exec) checkKGChange(def *KGDef, skift bool) error {
	cur := x.s.Kontaktgruppe
	if cur != nil && !skift {
		return RuleError("4644", "rule.4644")
	}
	if x.cmd.Actor.Rolle != RolleSagsbehandler {
		return nil
	}
	if !def.Manuel {
		return RuleError("8096", "rule.8096.set", "kg", itoa(def.ID), "kgnavn", KGParam(def.ID))
	}
	if cur != nil {
		if old, ok := x.kgAendrbar(cur); !ok {
			return RuleError("8096", "rule.8096.change", "kg", itoa(old.ID), "kgnavn", KGParam(old.ID))
		}
	}
	return nil
}

// kgAendrbar reports whether a caseworker may change or end the open
// kontaktgruppe: when the rule set that opened it let a caseworker set it.
// A group closed to new citizens by a later rule set (ressourceforløb and
// revalidering from 1 February 2026 [S34][S37]) stays changeable for those
// already in it; a group only DFDG sets (KG25 [S5]) never is. Periods
// without a recorded version use the rule set in force on their start.
func (x *exec) kgAendrbar(cur *KGForloeb) (*KGDef, bool) {
	rs := x.rules.Version(cur.RegelSet)
	if rs == nil {
		rs, _ = x.rules.ForDate(cur.Periode.Start)
	}
	var def *KGDef
	if rs != nil {
		def = rs.KG[cur.KG]
	}
	if def == nil {
		def = x.rs.KG[cur.KG]
	}
	return def, def == nil || def.Manuel
}

func (x *exec) checkKGAge(def *KGDef) error {
	if !x.ageKnown() {
		return nil
	}
	age := x.age()
	if def.MinAlder >= 0 && age < def.MinAlder || def.MaxAlder >= 0 && age > def.MaxAlder {
		return RuleError("6033", "rule.6033.kg", "kg", itoa(def.ID), "kgnavn", KGParam(def.ID), "alder", itoa(age))
	}
	return nil
}

// checkKGFravaer refuses a KG that current or future fravær cannot have (4645).
func (x *exec) checkKGFravaer(def *KGDef) error {
	for _, f := range x.s.Fravaer {
		if f.Slettet || (!f.Periode.Slut.IsZero() && f.Periode.Slut.Before(x.today)) {
			continue
		}
		ft := x.rs.Fravaer[f.Type]
		if ft == nil {
			continue
		}
		if !groupAllowed(ft, def.Gruppe) {
			return RuleError("4645", "rule.4645.kg_fravaer", "kg", itoa(def.ID), "type", FravaerParam(ft.Kode))
		}
		if cell, ok := x.rs.Matrix[f.Type][def.ID]; ok && !cell.Tilladt && !cell.Usikker {
			return RuleError("4645", "rule.4645.kg_fravaer", "kg", itoa(def.ID), "type", FravaerParam(ft.Kode))
		}
	}
	return nil
}

// fitVisitation resets a category the new KG cannot carry to the default:
// "ikke visiteret" for K/U profiles, none otherwise (DOMAIN A6.4).
func (x *exec) fitVisitation(def *KGDef) {
	cur := x.s.Visitation.Kategori
	if cur != "" {
		if kd, ok := x.rs.Kategorier[cur]; ok && def.AllowsKategori(kd.DFDG) {
			return
		}
	}
	want := ""
	if def.Profil == "K" || def.Profil == "U" {
		want = KategoriIkkeVisiteret
	}
	if def.Gruppe == GruppeKH && x.rs.P(ParamVisitationKHStartJobparat) == 1 {
		// From 1 January 2027 every kontanthjælpsmodtager starts as jobparat
		// (DOMAIN §0, §2.2) [S34][S36][S39].
		want = KategoriJobparat
	}
	if cur == want {
		return
	}
	x.setVisitation(want)
	if want == "" {
		x.effect("visitation_nulstillet", x.today, "effect.ingen_kategori")
		return
	}
	x.effect("visitation_nulstillet", x.today, "effect.kategori", "kategori", KategoriParam(want))
}

func (x *exec) closeKG(slut Date) {
	cur := *x.s.Kontaktgruppe
	if slut.Before(cur.Periode.Start) {
		slut = cur.Periode.Start
	}
	cur.Periode.Slut = slut
	x.s.KGHistorik = append(x.s.KGHistorik, cur)
	x.s.Kontaktgruppe = nil
	x.touch("kontaktgruppe")
}

// AfslutKontaktgruppe ends the open kontaktgruppe on Slut (default today).
type AfslutKontaktgruppe struct {
	Slut Date `json:"slut,omitzero"`
}

func (*AfslutKontaktgruppe) Kind() string    { return "afslut_kontaktgruppe" }
func (*AfslutKontaktgruppe) roles() []string { return rolesStaff() }

func (b *AfslutKontaktgruppe) apply(x *exec) error {
	cur := x.s.Kontaktgruppe
	if cur == nil {
		return RuleError("8060", "rule.8060")
	}
	slut := b.Slut
	if slut.IsZero() {
		slut = x.today
	}
	if slut.After(x.today) {
		return RuleError("kg-slut-fremtid", "rule.kg-slut-fremtid")
	}
	if slut.Before(cur.Periode.Start) {
		return RuleError("1003", "rule.1003.kg_start", "start", DateParam(cur.Periode.Start))
	}
	if _, ok := x.kgAendrbar(cur); !ok && x.cmd.Actor.Rolle == RolleSagsbehandler {
		return RuleError("8096", "rule.8096.end", "kg", itoa(cur.KG))
	}
	x.closeKG(slut)
	x.effect("kg_afsluttet", slut, "effect.kg", "kg", KGParam(cur.KG))
	return nil
}

func intIn(v int, list []int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// groupAllowed reports whether a fravær type applies to a KG group.
func groupAllowed(ft *FravaerTypeDef, gruppe string) bool {
	return contains(ft.GaelderFor, "*") || contains(ft.GaelderFor, gruppe)
}

// kgPaa returns the kontaktgruppe period that covered day: the open one or
// a historic one, or nil.
func kgPaa(s *Sag, day Date) *KGForloeb {
	covers := func(p Period) bool {
		return (p.Start.IsZero() || !day.Before(p.Start)) && (p.Slut.IsZero() || !day.After(p.Slut))
	}
	if kg := s.Kontaktgruppe; kg != nil && covers(kg.Periode) {
		return kg
	}
	for i := range s.KGHistorik {
		if covers(s.KGHistorik[i].Periode) {
			return &s.KGHistorik[i]
		}
	}
	return nil
}

// rsPaa returns the rule set in force on day, or today's when none is.
func (x *exec) rsPaa(day Date) *RuleSet {
	if rs, err := x.rules.ForDate(day); err == nil {
		return rs
	}
	return x.rs
}

// gruppePaa returns the citizen's group on day: the group of the
// kontaktgruppe open that day (DOMAIN §0: the event's date decides). (A)
// When the case holds no kontaktgruppe for that day (it began before the
// case's recorded history) the open one's group is used.
func (x *exec) gruppePaa(day Date) string {
	kg := kgPaa(x.s, day)
	if kg == nil {
		return x.gruppe()
	}
	if d := x.rsPaa(day).KG[kg.KG]; d != nil {
		return d.Gruppe
	}
	if d := x.rs.KG[kg.KG]; d != nil {
		return d.Gruppe
	}
	return ""
}
