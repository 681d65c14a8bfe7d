package app

// Invariants: the combinations the engine's own tables and rules refuse,
// written once as conditions on a whole case. A command is checked against
// its own fields when it runs; these conditions say what must hold of the
// case after any sequence of accepted commands (issue 8: "the engine never
// leaves a case in a kontaktgruppe × category × tilmelding combination its
// own tables refuse"). The property test in property_test.go runs random
// command sequences through Engine.Execute and checks them after every
// step. Each condition names its table and source.
//
// Deliberately not conditions: limits that time alone breaks (a citizen
// visited uddannelsesparat at 29 turns 30; a KG's age limits), and rules a
// caseworker chooses under (which categorisation a caseworker uses, the
// kategorisering column): they say what may be set, not what a case may
// hold afterwards.

// Catalogue keys of the invariant violations (internal.invariant.*): one
// per condition, so a test can tell the conditions apart by key.
const (
	InvariantKGPerioder        = "internal.invariant.kg_perioder"
	InvariantKGUkendt          = "internal.invariant.kg_ukendt"
	InvariantKategoriUkendt    = "internal.invariant.kategori_ukendt"
	InvariantKGKategori        = "internal.invariant.kg_kategori"
	InvariantAktivitetsparat   = "internal.invariant.aktivitetsparat_tilmeldt"
	InvariantAfmeldendeFravaer = "internal.invariant.afmeldende_fravaer"
	InvariantIkkeLedig         = "internal.invariant.ikke_ledig"
	InvariantTilmeldekategori  = "internal.invariant.tilmeldekategori"
	InvariantTilmelding        = "internal.invariant.tilmelding"
	InvariantDoed              = "internal.invariant.doed"
	InvariantFravaer           = "internal.invariant.fravaer"
	InvariantFravaerVarighed   = "internal.invariant.fravaer_varighed"
	InvariantFravaerKG         = "internal.invariant.fravaer_kg"
	InvariantFravaerKategori   = "internal.invariant.fravaer_kategori"
	InvariantRecord            = "internal.invariant.record"
	InvariantVersion           = "internal.invariant.version"
	InvariantAppendOnly        = "internal.invariant.append_only"
	InvariantIdentitet         = "internal.invariant.identitet"
)

func invariantErr(key string, kv ...string) *Error { return Errorf(CodeInternal, "", key, kv...) }

// CheckInvariants reports the first condition the case s breaks on the
// date on, as an internal *Error whose key (Invariant*) names the
// condition; nil when s is consistent. The rules are those in force on on.
// The tilmelding is read as of on: a planned afmelding that is due counts
// as done (Tilmelding.Materialise).
func (r *Rules) CheckInvariants(s *Sag, on Date) error {
	if s == nil {
		return Errorf(CodeInvalid, "", "invalid.case_missing")
	}
	rs, err := r.ForDate(on)
	if err != nil {
		return err
	}
	checks := []func(*RuleSet, *Sag, Date) *Error{
		invKGPerioder, invKategori, invTilmelding, invFravaerForm, invFravaerKG, invRecords,
	}
	for _, c := range checks {
		if e := c(rs, s, on); e != nil {
			return e
		}
	}
	return nil
}

// invKGPerioder: at most one open kontaktgruppe, ended periods closed and in
// order, and the open one no earlier than the periods before it (DFDG
// CreateKontaktgruppe 4644 "already open" [S8]); the open KG is one the
// rule set knows (kontaktgrupper.csv).
func invKGPerioder(rs *RuleSet, s *Sag, _ Date) *Error {
	var last Date
	for i, p := range s.KGHistorik {
		if p.Periode.Start.IsZero() || p.Periode.Slut.IsZero() || p.Periode.Slut.Before(p.Periode.Start) {
			return invariantErr(InvariantKGPerioder, "kg", itoa(p.KG), "nr", itoa(i+1), "start", DateParam(p.Periode.Start), "slut", DateParam(p.Periode.Slut))
		}
		if p.Periode.Start.Before(last) {
			return invariantErr(InvariantKGPerioder, "kg", itoa(p.KG), "nr", itoa(i+1), "start", DateParam(p.Periode.Start), "slut", DateParam(p.Periode.Slut))
		}
		last = p.Periode.Start
	}
	cur := s.Kontaktgruppe
	if cur == nil {
		return nil
	}
	if cur.Periode.Start.IsZero() || !cur.Periode.Slut.IsZero() || cur.Periode.Start.Before(last) {
		return invariantErr(InvariantKGPerioder, "kg", itoa(cur.KG), "nr", "-", "start", DateParam(cur.Periode.Start), "slut", DateParam(cur.Periode.Slut))
	}
	if rs.KG[cur.KG] == nil {
		return invariantErr(InvariantKGUkendt, "kg", itoa(cur.KG), "regelsaet", rs.Version)
	}
	return nil
}

// invKategori: the category is a code of personkategorier.csv, and its
// DFDG id is one the open KG's profile can carry (kontaktgrupper.csv
// profil, DOMAIN A2.3 [S2]; "no category" is id 0, DOMAIN A6.3), as
// saet_kontaktgruppe (fitVisitation) and visiter (4656 [S9]) keep it.
func invKategori(rs *RuleSet, s *Sag, _ Date) *Error {
	kat := s.Visitation.Kategori
	id := 0
	if kat != "" {
		kd := rs.Kategorier[kat]
		if kd == nil {
			return invariantErr(InvariantKategoriUkendt, "kode", kat, "regelsaet", rs.Version)
		}
		id = kd.DFDG
	}
	if s.Kontaktgruppe == nil {
		return nil
	}
	def := rs.KG[s.Kontaktgruppe.KG]
	if !def.AllowsKategori(id) {
		return invariantErr(InvariantKGKategori, "kg", itoa(def.ID), "kgnavn", KGParam(def.ID), "kategori", kategoriOrNone(kat))
	}
	return nil
}

// kategoriOrNone is a category as a message parameter; none is "-".
func kategoriOrNone(kat string) string {
	if kat == "" {
		return "-"
	}
	return KategoriParam(kat)
}

// invTilmelding: the registration on on (a due planned afmelding done)
// is well formed and fits the rest of the case.
func invTilmelding(rs *RuleSet, s *Sag, on Date) *Error {
	t := s.Tilmelding
	t.Materialise(on)
	switch t.Status {
	case "", IkkeTilmeldt, Tilmeldt:
	default:
		return invariantErr(InvariantTilmelding, "felt", "status", "vaerdi", t.Status)
	}
	if !t.Afmeldes.IsZero() && (t.Status != Tilmeldt || t.AfmeldesAarsag == "") {
		return invariantErr(InvariantTilmelding, "felt", "afmeldes", "vaerdi", DateParam(t.Afmeldes))
	}
	if !t.ErTilmeldt() {
		return nil
	}
	if t.Siden.IsZero() {
		return invariantErr(InvariantTilmelding, "felt", "siden", "vaerdi", "-")
	}
	if !contains(tilmeldekategorier(), t.Kategori) {
		return invariantErr(InvariantTilmelding, "felt", "kategori", "vaerdi", t.Kategori)
	}
	// DOMAIN §3.2 A5: death deregisters, and nothing is registered after it (4405) [S1][S3].
	if d := s.Borger.Doed; !d.IsZero() && !on.Before(d) {
		return invariantErr(InvariantDoed, "dato", DateParam(d))
	}
	// DOMAIN §3.2 A3: aktivitetsparat deregisters, and an aktivitetsparat
	// citizen cannot be registered (4656) [S1][S9].
	if s.Visitation.Kategori == KategoriAktivitetsparat {
		return invariantErr(InvariantAktivitetsparat, "kategori", KategoriParam(KategoriAktivitetsparat))
	}
	// fravaerstyper.csv afmelder (and the A cells of fravaer_effekter.csv's
	// tilmelding column): while such a fravær runs the citizen is not
	// registered (DOMAIN §3.2 A2, straksafmelding except in løntilskud
	// [S1][S45]). That holds ahead too: the registration, from on or from
	// its first day if later (a raskmelding registers from the day after
	// the sickness), ends where such a fravær starts (a planned afmelding).
	reg := Period{Start: maxDate(on, t.Siden)}
	if !t.Afmeldes.IsZero() {
		if !t.Afmeldes.After(reg.Start) {
			return nil
		}
		reg.Slut = t.Afmeldes.AddDays(-1)
	}
	for _, f := range s.Fravaer {
		if f.Slettet || !f.Periode.Overlaps(reg) {
			continue
		}
		ft := rs.Fravaer[f.Type]
		if ft == nil {
			continue
		}
		if ft.Afmelder == "ja" || ft.Afmelder == "undtagen_loentilskud" && !s.Ydelse.Loentilskud {
			return invariantErr(InvariantAfmeldendeFravaer, "type", FravaerParam(f.Type), "fravaer", string(f.ID), "fra", DateParam(f.Periode.Start))
		}
	}
	if s.Kontaktgruppe == nil {
		return nil
	}
	gruppe := rs.KG[s.Kontaktgruppe.KG].Gruppe
	// DOMAIN §1.2: only the group "tilmeldt uden ydelse" may be "ikke
	// ledig" (4339) [S1][S4].
	if t.Ledighedsstatus == "ikke_ledig" && gruppe != GruppeSF {
		return invariantErr(InvariantIkkeLedig, "kg", itoa(s.Kontaktgruppe.KG), "kgnavn", KGParam(s.Kontaktgruppe.KG))
	}
	// DOMAIN §3.1: "Uden ydelse" is the KG "uden ydelse", and Dimittend is
	// a dagpenge tilmeldekategori [S1].
	if want, ok := tilmeldekategoriGruppe()[t.Kategori]; ok && gruppe != want {
		return invariantErr(InvariantTilmeldekategori, "kode", t.Kategori, "kg", itoa(s.Kontaktgruppe.KG), "kgnavn", KGParam(s.Kontaktgruppe.KG))
	}
	return nil
}

// invFravaerForm: every fravær has a unique id, a known type, a start and
// an end not before it (1003 [S4]); a type that needs an end date has one,
// a sygemelding ended has its end reason (4980 [S4]), and a closed period
// is within the type's min_dage/max_dage (fravaerstyper.csv, DOMAIN §4.2).
func invFravaerForm(rs *RuleSet, s *Sag, _ Date) *Error {
	seen := map[ID]bool{}
	for _, f := range s.Fravaer {
		bad := func(felt string) *Error {
			return invariantErr(InvariantFravaer, "fravaer", string(f.ID), "felt", felt)
		}
		if seen[f.ID] || f.ID.Validate() != nil {
			return bad("id")
		}
		seen[f.ID] = true
		ft := rs.Fravaer[f.Type]
		switch {
		case ft == nil:
			return bad("type")
		case f.Periode.Start.IsZero():
			return bad("start")
		case !f.Periode.Slut.IsZero() && f.Periode.Slut.Before(f.Periode.Start):
			return bad("slut")
		case f.Slettet:
			continue
		case ft.KraeverSlutDato && f.Periode.Slut.IsZero():
			return bad("slut")
		case ft.KraeverSlut && !f.Periode.Slut.IsZero() && f.SlutAarsag == "":
			return bad("slut_aarsag")
		}
		if d := f.Periode.Days(); d > 0 && (ft.MaxDage > 0 && d > ft.MaxDage || ft.MinDage > 0 && d < ft.MinDage) {
			return invariantErr(InvariantFravaerVarighed, "fravaer", string(f.ID), "type", FravaerParam(f.Type), "dage", itoa(d))
		}
	}
	return nil
}

// invFravaerKG: a fravær that runs on on or lies ahead fits the open KG:
// its group is in gaelder_for (fravaerstyper.csv) and its matrix cell
// (fravaer_kontaktgruppe.csv, DOMAIN A4) is not a certain "-" — the check
// saet_kontaktgruppe makes (4645 [S9]); and a fravær that runs on on has a
// certain cell that holds the category — the check visiter and
// registrer_fravaer make (4654 [S9]). Cells marked ? are soft (a
// caseworker's reason overrides them) and are not conditions. A KG that
// starts after on (a command dated before a later one) is read from its
// start.
func invFravaerKG(rs *RuleSet, s *Sag, on Date) *Error {
	if s.Kontaktgruppe == nil {
		return nil
	}
	def := rs.KG[s.Kontaktgruppe.KG]
	on = maxDate(on, s.Kontaktgruppe.Periode.Start)
	kat := 0
	if kd := rs.Kategorier[s.Visitation.Kategori]; kd != nil {
		kat = kd.DFDG
	}
	for _, f := range s.Fravaer {
		if f.Slettet || !f.Periode.Slut.IsZero() && f.Periode.Slut.Before(on) {
			continue
		}
		ft := rs.Fravaer[f.Type]
		cell, hasCell := rs.Matrix[f.Type][def.ID]
		if !groupAllowed(ft, def.Gruppe) || hasCell && !cell.Tilladt && !cell.Usikker {
			return invariantErr(InvariantFravaerKG, "type", FravaerParam(f.Type), "fravaer", string(f.ID), "kg", itoa(def.ID), "kgnavn", KGParam(def.ID))
		}
		if f.Aktiv(on) && hasCell && cell.Tilladt && !cell.Usikker && !intIn(kat, cell.Kategorier) {
			return invariantErr(InvariantFravaerKategori, "type", FravaerParam(f.Type), "fravaer", string(f.ID), "kategori", kategoriOrNone(s.Visitation.Kategori))
		}
	}
	return nil
}

// invRecords: samtaler, plans, notes, sanctions and vejledninger have
// unique valid ids; samtaler and plans have a known status, a plan a
// version from 1 and a published plan its publication date.
func invRecords(_ *RuleSet, s *Sag, _ Date) *Error {
	bad := func(kind string, id ID, felt string) *Error {
		return invariantErr(InvariantRecord, "art", kind, "id", string(id), "felt", felt)
	}
	ids := map[string]bool{}
	unique := func(kind string, id ID) *Error {
		if ids[kind+"/"+string(id)] || id.Validate() != nil {
			return bad(kind, id, "id")
		}
		ids[kind+"/"+string(id)] = true
		return nil
	}
	for _, m := range s.Samtaler {
		if e := unique("samtale", m.ID); e != nil {
			return e
		}
		if !contains([]string{SamtalePlanlagt, SamtaleAfholdt, SamtaleUdeblevet, SamtaleAflyst}, m.Status) {
			return bad("samtale", m.ID, "status")
		}
		if m.Dato.IsZero() {
			return bad("samtale", m.ID, "dato")
		}
	}
	for _, p := range s.Planer {
		if e := unique("plan", p.ID); e != nil {
			return e
		}
		switch {
		case !contains(planTyper(), p.Type):
			return bad("plan", p.ID, "type")
		case p.Status != PlanUdkast && p.Status != PlanOffentliggjort:
			return bad("plan", p.ID, "status")
		case p.Version < 1:
			return bad("plan", p.ID, "version")
		case p.Status == PlanOffentliggjort && p.Offentliggjort.IsZero():
			return bad("plan", p.ID, "offentliggjort")
		}
	}
	for _, n := range s.Notater {
		if e := unique("notat", n.ID); e != nil {
			return e
		}
	}
	for _, x := range s.Sanktioner {
		if e := unique("sanktion", x.ID); e != nil {
			return e
		}
	}
	for _, v := range s.Vejledninger {
		if e := unique("vejledning", v.ID); e != nil {
			return e
		}
	}
	return nil
}

// CheckStep reports the first condition a step from before to after
// breaks, as CheckInvariants does for after on on, and the conditions on
// the step itself: the case keeps its id and citizen; confirmed versions
// (Sag.Version, Sag.Versions) never decrease (DESIGN §5.4); and records are
// never taken away: notes, sanctions, vejledninger and earlier KG periods
// are append-only and unchanged, fravær, samtaler and plans keep their ids
// (a fravær is deleted by marking it, with a berigtigelse [S3]) and a
// plan's version never decreases.
func (r *Rules) CheckStep(before, after *Sag, on Date) error {
	if before == nil || after == nil {
		return Errorf(CodeInvalid, "", "invalid.case_missing")
	}
	if after.ID != before.ID || after.Borger.CPR != before.Borger.CPR {
		return invariantErr(InvariantIdentitet, "sag", string(before.ID))
	}
	if after.Version < before.Version {
		return invariantErr(InvariantVersion, "felt", "-", "foer", itoa(int(before.Version)), "efter", itoa(int(after.Version)))
	}
	for k, v := range before.Versions {
		if after.Versions[k] < v {
			return invariantErr(InvariantVersion, "felt", k, "foer", itoa(int(v)), "efter", itoa(int(after.Versions[k])))
		}
	}
	if e := appendOnly(before, after); e != nil {
		return e
	}
	return r.CheckInvariants(after, on)
}

func appendOnly(before, after *Sag) *Error {
	lost := func(kind, id string) *Error { return invariantErr(InvariantAppendOnly, "art", kind, "id", id) }
	if len(after.Notater) < len(before.Notater) || len(after.Sanktioner) < len(before.Sanktioner) ||
		len(after.Vejledninger) < len(before.Vejledninger) || len(after.KGHistorik) < len(before.KGHistorik) {
		return lost("liste", "-")
	}
	for i, n := range before.Notater {
		if m := after.Notater[i]; m.ID != n.ID || m.Tekst != n.Tekst || !m.Tid.Equal(n.Tid) {
			return lost("notat", string(n.ID))
		}
	}
	for i, x := range before.Sanktioner {
		if after.Sanktioner[i] != x {
			return lost("sanktion", string(x.ID))
		}
	}
	for i, v := range before.Vejledninger {
		if after.Vejledninger[i] != v {
			return lost("vejledning", string(v.ID))
		}
	}
	for i, p := range before.KGHistorik {
		if after.KGHistorik[i] != p {
			return lost("kontaktgruppe", itoa(p.KG))
		}
	}
	for _, f := range before.Fravaer {
		if after.FindFravaer(f.ID) < 0 {
			return lost("fravaer", string(f.ID))
		}
	}
	for _, m := range before.Samtaler {
		if after.FindSamtale(m.ID) < 0 {
			return lost("samtale", string(m.ID))
		}
	}
	for _, p := range before.Planer {
		if i := after.FindPlan(p.ID); i < 0 || after.Planer[i].Version < p.Version {
			return lost("plan", string(p.ID))
		}
	}
	return nil
}
