package app

// checkFerie applies the ferie rules (DOMAIN §4.2). Dagpenge: forward only
// and at least 14 days' notice; with less the jobcentre may approve [S50].
// Kontanthjælp: at most 2 weeks at a time; ferie registered after it was
// taken, before 12 months of continuous kontanthjælp or beyond 4 weeks a
// year is ferie without ydelse [S51]; before 1 July 2025 the integration
// benefits gave no ferie with ydelse [S51][S40].
func (b *RegistrerFravaer) checkFerie(x *exec, ft *FravaerTypeDef, f *Fravaer) error {
	if ft.Kode != FravaerFerie {
		return nil
	}
	start, gruppe := f.Periode.Start, x.gruppe()
	past := start.Before(x.today)
	if past && (x.borger() || gruppe == GruppeDP) {
		return RuleError("ferie-fremad", "rule.ferie-fremad")
	}
	notice := x.rs.P(ParamFerieDPVarsel)
	if isKHLike(gruppe) {
		notice = x.rs.P(ParamFerieKHVarsel)
	}
	if !past && x.today.DaysUntil(start) < notice && (gruppe == GruppeDP || isKHLike(gruppe)) {
		e := RuleError("ferie-varsel", "rule.ferie-varsel", "dage", itoa(notice), "senest", DateParam(start.AddDays(-notice)))
		if x.borger() {
			return e.WithHint("hint.ferie.call_jobcentre")
		}
		if err := x.soft(b.Begrundelse, e); err != nil {
			return err
		}
	}
	if !isKHLike(gruppe) {
		return nil
	}
	// "Max 2 weeks at a time" [S51] holds for the ferie, not for one
	// registration: adjacent ferie, also across a weekend, counts (A).
	if max := x.rs.P(ParamFerieKHMaxSammenhaengende); !f.Periode.Slut.IsZero() && x.sammenhaengende(FravaerFerie, f.Periode, f.ID, true).Days() > max {
		return RuleError("ferie-max", "rule.ferie-max", "max", itoa(max))
	}
	if reason, kv := x.ferieUdenYdelse(f); reason != "" {
		f.IngenYdelse = true
		x.effect("ingen_ydelse", start, reason, kv...)
	}
	return nil
}

// Feriedage returns the feriedage of a ferie period: ferie is counted as
// the ferie rules count it, in feriedage of a five-day ferieuge (DOMAIN
// §4.2 "4 weeks/year" [S51]), so the working days (Monday–Friday, not a
// helligdag) from the first to the last day, both included (A). An open
// period counts nothing.
func Feriedage(p Period) int {
	if p.Start.IsZero() || p.Slut.IsZero() {
		return 0
	}
	return ArbejdsdageMellem(p.Start.AddDays(-1), p.Slut)
}

// ferieUdenYdelse returns why a kontanthjælp ferie gives no ydelse — the
// catalogue key of the reason and its parameters as name, value pairs —
// or "".
func (x *exec) ferieUdenYdelse(f *Fravaer) (string, []string) {
	start := f.Periode.Start
	switch {
	case x.gruppe() == GruppeINT && x.rs.P(ParamFerieINTMedYdelse) == 0:
		return "effect.ingen_ydelse.int_ingen_ferie", nil
	case start.Before(x.today):
		return "effect.ingen_ydelse.registreret_efter", nil
	case x.s.Ydelse.KHStart.IsZero() || start.Before(x.s.Ydelse.KHStart.AddMonths(x.rs.P(ParamFerieKHAnciennitet))):
		return "effect.ingen_ydelse.anciennitet", []string{"mdr", itoa(x.rs.P(ParamFerieKHAnciennitet))}
	}
	y, _, _ := start.YMD()
	used := 0
	for _, o := range x.s.Fravaer {
		if oy, _, _ := o.Periode.Start.YMD(); o.Type == FravaerFerie && !o.Slettet && !o.IngenYdelse && oy == y {
			used += Feriedage(o.Periode)
		}
	}
	if max := x.rs.P(ParamFerieKHAar); used+Feriedage(f.Periode) > max {
		return "effect.ingen_ydelse.feriedage", []string{"max", itoa(max), "aar", itoa(y), "brugt", itoa(used)}
	}
	return "", nil
}
