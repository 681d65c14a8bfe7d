package app

// TilfoejNotat appends a journal note. Notes are never edited or deleted.
type TilfoejNotat struct {
	NotatID ID     `json:"notat_id"`
	Tekst   string `json:"tekst"`
}

func (*TilfoejNotat) Kind() string    { return "tilfoej_notat" }
func (*TilfoejNotat) roles() []string { return rolesCaseworker() }

func (b *TilfoejNotat) apply(x *exec) error {
	exists := false
	for _, n := range x.s.Notater {
		exists = exists || n.ID == b.NotatID
	}
	if err := newID("notat_id", b.NotatID, exists); err != nil {
		return err
	}
	if err := text("tekst", b.Tekst, x.rs.P(ParamNotatMax), true); err != nil {
		return err
	}
	x.s.Notater = append(x.s.Notater, Notat{ID: b.NotatID, Tekst: b.Tekst, Forfatter: x.cmd.Actor.ID, Tid: x.cmd.At, RegelSet: x.rs.Version})
	x.touch("notat/" + string(b.NotatID))
	x.effect("notat", x.today, "")
	return nil
}

// OpdaterBorger changes the citizen's contact details (free text; last
// writer wins with the losing value kept in the audit trail).
type OpdaterBorger struct {
	Navn    string  `json:"navn"`
	Adresse Adresse `json:"adresse"`
	Telefon string  `json:"telefon,omitempty"`
	Email   string  `json:"email,omitempty"`
}

func (*OpdaterBorger) Kind() string    { return "opdater_borger" }
func (*OpdaterBorger) roles() []string { return rolesStaff() }

func (b *OpdaterBorger) apply(x *exec) error {
	for _, t := range []textField{{"navn", b.Navn}, {"vej", b.Adresse.Vej}, {"by", b.Adresse.By}} {
		if err := text(t.name, t.value, 200, t.name == "navn"); err != nil {
			return err
		}
	}
	if p := b.Adresse.Postnr; p != "" {
		if n, ok := digits(p); !ok || len(p) != 4 || n < 1000 {
			return invalidf("postnr", "invalid.postnr.postcode_four_digits")
		}
	}
	for _, t := range []textField{{"telefon", b.Telefon}, {"email", b.Email}} {
		if err := text(t.name, t.value, 100, false); err != nil {
			return err
		}
	}
	bo := &x.s.Borger
	bo.Navn, bo.Adresse, bo.Telefon, bo.Email = b.Navn, b.Adresse, b.Telefon, b.Email
	x.touch("borger")
	return nil
}

// OpdaterYdelse records the benefit facts the rules depend on (løntilskud,
// supplerende dagpenge, start of kontanthjælp, first henvendelse, …).
type OpdaterYdelse struct {
	Ydelse YdelsesForhold `json:"ydelse"`
}

func (*OpdaterYdelse) Kind() string    { return "opdater_ydelse" }
func (*OpdaterYdelse) roles() []string { return rolesStaff() }

func (b *OpdaterYdelse) apply(x *exec) error {
	y := b.Ydelse
	for _, d := range []Date{y.KHStart, y.FoersteHenvendelse, y.FastTrack} {
		if !d.IsZero() && d.After(x.today) {
			return invalidf("ydelse", "invalid.ydelse.benefit_dates_future")
		}
	}
	if y.Undtaget != x.s.Ydelse.Undtaget {
		return invalidf("undtaget", "invalid.undtaget.use_mark_exempted")
	}
	loentilskudOphoert := x.s.Ydelse.Loentilskud && !y.Loentilskud
	x.s.Ydelse = y
	x.touch("ydelse")
	if loentilskudOphoert {
		// Only løntilskud kept a sick citizen registered (DOMAIN §8 nr. 1)
		// [S1][S45]: when it ends, a running sygemelding deregisters from
		// today (A), one ahead from its first day.
		x.afmeldVedFravaer(x.today)
	}
	return nil
}

// MarkerUndtaget exempts a citizen close to the labour market from
// jobsamtaler and tilbud in the first 6 months (from 1 July 2026, [S35]).
// The 25 % limit is kommune-wide: the caller supplies the share exempted
// after this one, and the engine warns above the limit but cannot block
// per citizen (A, DOMAIN §5.1).
type MarkerUndtaget struct {
	AndelPct int `json:"andel_pct"`
}

func (*MarkerUndtaget) Kind() string    { return "marker_undtaget" }
func (*MarkerUndtaget) roles() []string { return rolesCaseworker() }

func (b *MarkerUndtaget) apply(x *exec) error {
	max := x.rs.P(ParamUndtagelseMaxPct)
	if max == 0 {
		return RuleError("undtagelse-ikke-i-kraft", "rule.undtagelse-ikke-i-kraft")
	}
	if g := x.gruppe(); g != GruppeDP && !(g == GruppeKH && x.s.Visitation.Kategori == KategoriJobparat) && g != GruppeLY {
		return RuleError("undtagelse-gruppe", "rule.undtagelse-gruppe")
	}
	t := x.s.Tilmelding
	first := t.FoersteDato
	if first.IsZero() {
		first = t.Siden
	}
	if mdr := x.rs.P(ParamUndtagelseVarighed); !t.ErTilmeldt() || !x.today.Before(first.AddMonths(mdr)) {
		return RuleError("undtagelse-6mdr", "rule.undtagelse-6mdr", "mdr", itoa(mdr))
	}
	if x.s.Ydelse.Arbejdspligt {
		return RuleError("undtagelse-arbejdspligt", "rule.undtagelse-arbejdspligt")
	}
	if b.AndelPct < 0 || b.AndelPct > 100 {
		return invalidf("andel_pct", "invalid.andel_pct.share_between_0")
	}
	if b.AndelPct > max {
		x.res.Warnings = append(x.res.Warnings, Warning{Rule: "undtagelse-25pct",
			Key: "warning.undtagelse-25pct", Params: map[string]string{"andel": itoa(b.AndelPct), "max": itoa(max)}})
	}
	x.s.Ydelse.Undtaget = true
	x.touch("ydelse")
	x.effect("undtaget", x.today, "")
	return nil
}
