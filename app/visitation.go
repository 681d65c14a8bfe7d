package app

// Visiter sets the citizen's categorisation (DOMAIN §2.2). The value must
// belong to the categorisation of the kontaktgruppe's profile (A2.3), be
// one a caseworker may choose (never "uoplyst" or "ikke visiteret"), fit
// the citizen's age and any registered fravær (4654). Aktivitetsparat
// deregisters a registered citizen (A3, 4655) [S1][S9]; jobparat and
// åbenlyst uddannelsesparat register an unregistered one (A6.4).
type Visiter struct {
	Kategori    string `json:"kategori"`
	Begrundelse string `json:"begrundelse,omitempty"`
}

func (*Visiter) Kind() string    { return "visiter" }
func (*Visiter) roles() []string { return rolesStaff() }

// kategoriseringFor is the categorisation a caseworker uses per KG group
// and profile [DOMAIN §2.2]; "" allows any (profile A outside SDP).
func kategoriseringFor(def *KGDef) []string {
	switch {
	case def.Gruppe == "SDP":
		return []string{"sygedagpenge"}
	case def.Profil == "D":
		return []string{"match"}
	case def.Profil == "K":
		return []string{"visitation"}
	case def.Profil == "U":
		return []string{"uddannelse", "visitation"}
	}
	return nil
}

func (b *Visiter) apply(x *exec) error {
	if err := x.requireKG("8060"); err != nil {
		return err
	}
	def := x.kg()
	kd, ok := x.rs.Kategorier[b.Kategori]
	if !ok {
		return invalidf("kategori", "invalid.visitation.kategori", "kode", b.Kategori)
	}
	if !kd.Vaelgbar {
		return RuleError("kategori-valg", "rule.kategori-valg", "kategori", KategoriParam(kd.Kode))
	}
	allowed := kategoriseringFor(def)
	if !intIn(kd.DFDG, profil(def.Profil)) || (allowed != nil && !contains(allowed, kd.Kategorisering)) {
		return RuleError("4656", "rule.4656.kategori", "kategori", KategoriParam(kd.Kode), "kg", itoa(def.ID), "kgnavn", KGParam(def.ID))
	}
	if kd.MaxAlder >= 0 && x.ageKnown() && x.age() > kd.MaxAlder {
		return RuleError("6033", "rule.6033.kategori", "kategori", KategoriParam(kd.Kode), "under", itoa(kd.MaxAlder+1), "alder", itoa(x.age()))
	}
	if err := x.checkKategoriFravaer(kd, b.Begrundelse); err != nil {
		return err
	}
	x.setVisitation(kd.Kode)
	x.effect("visiteret", x.today, "effect.kategori", "kategori", KategoriParam(kd.Kode))
	tilmeld := false
	switch kd.Kode {
	case KategoriAktivitetsparat:
		x.afmeld(x.today, AfmeldAktivitetsparat)
	case KategoriJobparat, KategoriAabenlystUddannelsesparat:
		tilmeld = def.Profil != "A"
		if tilmeld && !x.s.Tilmelding.ErTilmeldt() {
			if f := x.afmeldendeFravaer(); f != nil {
				// No tilmelding while a fravær that deregisters runs
				// (straksafmelding [S1]); a sygemelding registers at
				// raskmelding [S7], other fravær when the jobcentre does.
				name := "tilmelding_venter"
				if f.Foer != nil {
					name = "tilmeldes_ved_raskmelding"
				}
				x.effect(name, x.today, "effect.fravaer", "type", FravaerParam(f.Type))
				break
			}
			kat, err := x.tilmeldekategori("")
			if err != nil {
				return err
			}
			x.doTilmeld(x.today, kat, "ledig")
		}
	}
	x.opdaterFoer(kd.Kode, tilmeld)
	return nil
}

// afmeldendeFravaer returns a fravær active today whose type deregisters
// the citizen (sygemelding outside løntilskud, barsel, …), or nil.
func (x *exec) afmeldendeFravaer() *Fravaer {
	for i := range x.s.Fravaer {
		f := &x.s.Fravaer[i]
		ft := x.rs.Fravaer[f.Type]
		if ft == nil || !f.Aktiv(x.today) {
			continue
		}
		if ft.Afmelder == "ja" || ft.Afmelder == "undtagen_loentilskud" && !x.s.Ydelse.Loentilskud {
			return f
		}
	}
	return nil
}

// afmelder reports whether fravær f deregisters the citizen: its type's
// afmelder is ja, or undtagen_loentilskud outside løntilskud (DOMAIN §3.2
// A2) [S1][S45].
func (x *exec) afmelder(f *Fravaer) bool {
	ft := x.rs.Fravaer[f.Type]
	return !f.Slettet && ft != nil && (ft.Afmelder == "ja" || ft.Afmelder == "undtagen_loentilskud" && !x.s.Ydelse.Loentilskud)
}

// afmeldVedFravaer ends a registration where a fravær that deregisters
// takes hold on or after fra: one running on fra deregisters from fra, one
// ahead plans the afmelding on its first day, as when the fravær is
// registered while the citizen is registered (DOMAIN §3.2 A2 straksafmelding
// [S1][S45]; a planned afmelding [S4]). It runs where a registration begins
// or the ground for an exception goes (a tilmelding, a gentilmelding, the
// end of løntilskud): otherwise the citizen would stand registered while
// such a fravær runs. An earlier planned afmelding stands. A sygemelding
// ahead that found the citizen unregistered now finds them registered, so
// its raskmelding re-registers (A, as if the tilmelding had come first).
func (x *exec) afmeldVedFravaer(fra Date) {
	t := &x.s.Tilmelding
	if !t.ErTilmeldt() {
		return
	}
	var first *Fravaer
	var dato Date
	for i := range x.s.Fravaer {
		f := &x.s.Fravaer[i]
		if !x.afmelder(f) || f.Periode.Start.IsZero() || (!f.Periode.Slut.IsZero() && f.Periode.Slut.Before(fra)) {
			continue
		}
		if d := maxDate(f.Periode.Start, fra); first == nil || d.Before(dato) {
			first, dato = f, d
		}
	}
	if first == nil || (!t.Afmeldes.IsZero() && !t.Afmeldes.After(dato)) {
		return
	}
	if foer := first.Foer; foer != nil && !foer.Tilmeldt && dato.After(x.today) {
		foer.Tilmeldt, foer.TKat, foer.Afmeldes, foer.AfmeldesAarsag = true, t.Kategori, t.Afmeldes, t.AfmeldesAarsag
		foer.Kategori = x.s.Visitation.Kategori
		if x.s.Kontaktgruppe != nil {
			foer.KG = x.s.Kontaktgruppe.KG
		}
		x.touch("fravaer/" + string(first.ID))
	}
	x.afmeld(dato, afmeldAarsagFor(first.Type))
}

// opdaterFoer makes a visitation during a sygemelding the categorisation
// the raskmelding re-registers in: DFDG's "same categorisation as before
// the sickness" [S7] must not undo the caseworker's later decision, nor
// register an aktivitetsparat citizen (4656) (A).
func (x *exec) opdaterFoer(kategori string, tilmeld bool) {
	for i := range x.s.Fravaer {
		f := &x.s.Fravaer[i]
		if f.Foer == nil || f.Slettet || !(f.Aktiv(x.today) || f.Periode.Start.After(x.today)) {
			// A sygemelding ahead: the situation before it is the one the
			// case will hold when it begins (A).
			continue
		}
		if !x.kategoriPasser(f.Foer.KG, kategori) {
			// A category the kontaktgruppe before the sickness cannot carry
			// (sdp2 given in KG25) does not go back with the raskmelding:
			// DFDG restores the KG and the categorisation from before
			// (DOMAIN §3.3) [S7][S14].
			continue
		}
		f.Foer.Kategori = kategori
		switch {
		case kategori == KategoriAktivitetsparat:
			f.Foer.Tilmeldt = false
		case tilmeld:
			f.Foer.Tilmeldt = true
		}
		x.touch("fravaer/" + string(f.ID))
	}
}

// checkKategoriFravaer refuses a category that an active fravær's matrix
// cell does not allow (4654) [S9]; uncertain cells need a reason.
func (x *exec) checkKategoriFravaer(kd *KategoriDef, begrundelse string) error {
	kg := x.s.Kontaktgruppe.KG
	for _, f := range x.s.Fravaer {
		if !f.Aktiv(x.today) {
			continue
		}
		if ft := x.rs.Fravaer[f.Type]; ft != nil && x.maalgruppe(ft, kd.Kode, x.today) != nil {
			// The new category takes the citizen out of the fravær's
			// target group (DOMAIN §4.2, 4654) [S15][S9].
			return RuleError("4654", "rule.4654.fravaer", "type", FravaerParam(f.Type), "kategori", KategoriParam(kd.Kode)).WithHint("hint.end_absence_first")
		}
		cell, ok := x.rs.Matrix[f.Type][kg]
		if !ok || !cell.Tilladt || intIn(kd.DFDG, cell.Kategorier) {
			continue
		}
		e := RuleError("4654", "rule.4654.fravaer", "type", FravaerParam(f.Type), "kategori", KategoriParam(kd.Kode))
		if cell.Usikker {
			if err := x.soft(begrundelse, e); err != nil {
				return err
			}
			continue
		}
		return e.WithHint("hint.end_absence_first")
	}
	return nil
}

// setVisitation gives the citizen category kategori from today; the
// category it replaces goes to the history, so rules about an earlier
// event read the category of that day (kategoriPaa).
func (x *exec) setVisitation(kategori string) {
	if old := x.s.Visitation; old.Kategori != "" || !old.Dato.IsZero() {
		x.s.VisitationHistorik = append(x.s.VisitationHistorik, old)
	}
	x.s.Visitation = Visitation{Kategori: kategori, Dato: x.today, RegelSet: x.rs.Version}
	x.touch(FieldVisitation)
}

// kategoriPaa returns the citizen's category on day: the latest
// visitation dated on or before it (DOMAIN §0: the event's date decides).
// (A) For a day before every recorded visitation, the oldest one.
func (x *exec) kategoriPaa(day Date) string {
	best, oldest := x.s.Visitation, x.s.Visitation
	found := !best.Dato.After(day)
	for _, v := range x.s.VisitationHistorik {
		if v.Dato.Before(oldest.Dato) {
			oldest = v
		}
		if !v.Dato.After(day) && (!found || v.Dato.After(best.Dato)) {
			best, found = v, true
		}
	}
	if !found {
		return oldest.Kategori
	}
	return best.Kategori
}

// kategoriPasser reports whether kontaktgruppe kg can carry category
// kategori: its profile (A2.3) and its group's categorisation (§2.2).
func (x *exec) kategoriPasser(kg int, kategori string) bool {
	def, kd := x.rs.KG[kg], x.rs.Kategorier[kategori]
	if def == nil || kd == nil {
		return kategori == ""
	}
	allowed := kategoriseringFor(def)
	return intIn(kd.DFDG, profil(def.Profil)) && (allowed == nil || contains(allowed, kd.Kategorisering))
}
