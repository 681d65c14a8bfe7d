package app

// vejledningTyper returns the kinds of written guidance (LAS § 35, § 40 a).
func vejledningTyper() []string { return []string{"las35", "las40a"} }

// sanktionTyper returns the sanction types ForeslaaSanktion accepts.
func sanktionTyper() []string { return []string{"fradrag", "nedsaettelse", "ophoer", "skaerpet_40a"} }

// RegistrerVejledning records written guidance on rights and duties,
// which any sanction requires beforehand (LAS § 35 stk. 1; § 40 a needs
// its own) [S54].
type RegistrerVejledning struct {
	VejledningID ID     `json:"vejledning_id"`
	Type         string `json:"type"`
	Dato         Date   `json:"dato,omitzero"`
}

func (*RegistrerVejledning) Kind() string    { return "registrer_vejledning" }
func (*RegistrerVejledning) roles() []string { return rolesCaseworker() }

func (b *RegistrerVejledning) apply(x *exec) error {
	exists := false
	for _, v := range x.s.Vejledninger {
		exists = exists || v.ID == b.VejledningID
	}
	if err := newID("vejledning_id", b.VejledningID, exists); err != nil {
		return err
	}
	if !contains(vejledningTyper(), b.Type) {
		return invalidf("type", "invalid.vejledning.type", "kode", b.Type)
	}
	dato := b.Dato
	if dato.IsZero() {
		dato = x.today
	}
	if dato.After(x.today) {
		return invalidf("dato", "invalid.dato.guidance_dated_future")
	}
	x.s.Vejledninger = append(x.s.Vejledninger, Vejledning{ID: b.VejledningID, Type: b.Type, Dato: dato, RegelSet: x.rs.Version})
	x.touch("vejledning/" + string(b.VejledningID))
	x.effect("vejledning", dato, "effect.kode", "kode", b.Type)
	return nil
}

// ForeslaaSanktion proposes a sanction on kontanthjælp (DOMAIN §5.3): only
// with prior written vejledning, within 3 full calendar months of the
// failure [S54]; skærpet sanktion (§ 40 a) needs its own vejledning and a
// prior sanction, and not for aktivitetsparate since 2025 [S42][S54].
type ForeslaaSanktion struct {
	SanktionID ID     `json:"sanktion_id"`
	Type       string `json:"type"`
	Haendelse  Date   `json:"haendelse"`
}

func (*ForeslaaSanktion) Kind() string    { return "foreslaa_sanktion" }
func (*ForeslaaSanktion) roles() []string { return rolesCaseworker() }

func (b *ForeslaaSanktion) apply(x *exec) error {
	exists := false
	for _, s := range x.s.Sanktioner {
		exists = exists || s.ID == b.SanktionID
	}
	if err := newID("sanktion_id", b.SanktionID, exists); err != nil {
		return err
	}
	if !contains(sanktionTyper(), b.Type) {
		return invalidf("type", "invalid.sanktion.type", "kode", b.Type)
	}
	if b.Haendelse.IsZero() || b.Haendelse.After(x.today) {
		return invalidf("haendelse", "invalid.haendelse.date_failure_today")
	}
	if err := x.sanktionHindring(b.Haendelse); err != nil {
		return err
	}
	if deadline := sanktionFrist(b.Haendelse, x.rs.P(ParamSanktionFrist)); x.today.After(deadline) {
		return RuleError("sanktion-frist", "rule.sanktion-frist", "senest", DateParam(deadline), "mdr", itoa(x.rs.P("sanktion.frist.mdr")))
	}
	if b.Type == "skaerpet_40a" {
		if err := x.checkSkaerpet(b.Haendelse); err != nil {
			return err
		}
	}
	x.s.Sanktioner = append(x.s.Sanktioner, Sanktion{ID: b.SanktionID, Type: b.Type, Haendelse: b.Haendelse, Foreslaaet: x.today, RegelSet: x.rs.Version})
	x.touch("sanktion/" + string(b.SanktionID))
	x.effect("sanktion_foreslaaet", b.Haendelse, "effect.kode", "kode", b.Type)
	x.effect("partshoering", x.today, "")
	return nil
}

// sanktionFrist is the last day of the n-th full calendar month after the
// month of the failure (A: reading of "inden for 3 hele kalendermåneder").
func sanktionFrist(haendelse Date, n int) Date {
	y, m, _ := haendelse.YMD()
	first := MustDate(y, m, 1)
	return first.AddMonths(n + 1).AddDays(-1)
}

func (x *exec) harVejledning(typ string, before Date) bool {
	for _, v := range x.s.Vejledninger {
		if v.Type == typ && !v.Dato.After(before) {
			return true
		}
	}
	return false
}

// sanktionHindring is the one place that decides whether a failure on
// haendelse can lead to a fradrag or another sanction on kontanthjælp; the
// sanction command and the no-show path (udeblivelseKonsekvens) both ask
// it, so they never disagree (issue 8). It reads the case as it was on the
// day of the failure (DOMAIN §0: the event date decides) [S54]:
//
//   - the citizen's group on that day must be a kontanthjælp group: on
//     dagpenge only the a-kasse decides [S79] (sanktion-gruppe);
//   - no lovligt fravær that day: a registered fravær that exempts from
//     jobsamtaler (midlertidigt arbejde, barsel …) is a lawful reason
//     [S49][S15] (sanktion-lovligt-fravaer);
//   - a written vejledning (LAS § 35 stk. 1) given before the failure and
//     not older than sanktion.vejledning.mdr months: "at the first
//     jobsamtale, then at least every 6 months" (DOMAIN App. C5.1)
//     [S54][S263] (sanktion-vejledning).
func (x *exec) sanktionHindring(haendelse Date) error {
	if !isKHLike(x.gruppePaa(haendelse)) {
		return RuleError("sanktion-gruppe", "rule.sanktion-gruppe")
	}
	if f := x.lovligtFravaer(haendelse, nil); f != nil {
		return RuleError("sanktion-lovligt-fravaer", "rule.sanktion-lovligt-fravaer", "type", FravaerParam(f.Type), "dato", DateParam(haendelse))
	}
	if !x.harVejledning("las35", haendelse) {
		return RuleError("sanktion-vejledning", "rule.sanktion-vejledning")
	}
	mdr := x.rsPaa(haendelse).P(ParamSanktionVejledningMdr)
	for _, v := range x.s.Vejledninger {
		if v.Type == "las35" && !v.Dato.After(haendelse) && !haendelse.After(v.Dato.AddMonths(mdr)) {
			return nil
		}
	}
	return RuleError("sanktion-vejledning", "rule.sanktion-vejledning.forael", "mdr", itoa(mdr))
}

func (x *exec) checkSkaerpet(haendelse Date) error {
	// The category and the rule set of the failure's day decide, not
	// today's (DOMAIN §0; LAS § 35: the sanction takes effect from the
	// day of the failure) [S54][S42].
	if x.kategoriPaa(haendelse) == KategoriAktivitetsparat && x.rsPaa(haendelse).P(ParamSanktion40aAktivitetsparat) == 0 {
		return RuleError("sanktion-40a-aktivitetsparat", "rule.sanktion-40a-aktivitetsparat")
	}
	if !x.harVejledning("las40a", haendelse) {
		return RuleError("sanktion-vejledning-40a", "rule.sanktion-vejledning-40a")
	}
	for _, s := range x.s.Sanktioner {
		if s.Haendelse.Before(haendelse) {
			return nil
		}
	}
	return RuleError("sanktion-40a-forudgaaende", "rule.sanktion-40a-forudgaaende")
}
