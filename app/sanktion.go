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
	if !isKHLike(x.gruppe()) {
		return RuleError("sanktion-gruppe", "rule.sanktion-gruppe")
	}
	if !x.harVejledning("las35", b.Haendelse) {
		return RuleError("sanktion-vejledning", "rule.sanktion-vejledning")
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

func (x *exec) checkSkaerpet(haendelse Date) error {
	if x.s.Visitation.Kategori == KategoriAktivitetsparat && x.rs.P(ParamSanktion40aAktivitetsparat) == 0 {
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
