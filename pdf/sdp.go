package pdf

import "feltsag.dk/feltsag/app"

// sdpSections prints the body of the sygedagpenge "aftale om opfølgning"
// (DOMAIN §6.4) [S27]: the sick leave and its category, what is agreed,
// any activities and other efforts, and the follow-up.
func (rd *render) sdpSections() {
	rd.sdpSickness()
	rd.sdpAgreed()
	if len(rd.plan.Aktiviteter) > 0 {
		rd.heading(rd.l.aktiviteter)
		rd.activities()
	}
	rd.otherEfforts()
	rd.sdpFollowUp()
}

// sdpAftale returns the plan's agreement, or an empty one.
func (rd *render) sdpAftale() app.SDPAftale {
	if rd.plan.SDP != nil {
		return *rd.plan.SDP
	}
	return app.SDPAftale{}
}

// sdpSickness prints the kontaktgruppe, the first day of the sygemelding,
// the sygedagpenge category explained (SDP § 12) [S25], the expected
// return and the workplace.
func (rd *render) sdpSickness() {
	l, a := rd.l, rd.sdpAftale()
	rd.heading(l.sdpSygemelding)
	rd.kgFields()
	syg := rd.sygemelding()
	rask := a.ForventetRask
	if syg != nil {
		rd.field(l.sdpSiden, dato(l.lang, syg.Periode.Start))
		if rask.IsZero() {
			rask = syg.ForventetRask
		}
	}
	kat := a.Kategori
	if kat == "" {
		kat = rd.sag.Visitation.Kategori
	}
	if kat != "" {
		rd.field(l.sdpKategori, join("\n", rd.kategoriNavn(kat), l.sdpKategoriTekst[kat]))
	}
	rd.field(l.sdpRask, dato(l.lang, rask))
	rd.field(l.sdpArbejdsplads, a.Arbejdsplads)
}

// sygemelding returns the sygemelding in force on the print date that
// started last, or nil.
func (rd *render) sygemelding() *app.Fravaer {
	var syg *app.Fravaer
	for i := range rd.sag.Fravaer {
		f := &rd.sag.Fravaer[i]
		if f.Type == "sygemelding" && f.Aktiv(rd.today) && (syg == nil || f.Periode.Start.After(syg.Periode.Start)) {
			syg = f
		}
	}
	return syg
}

// sdpAgreed prints the agreed workplace-based or interdisciplinary efforts
// and any goals (job retention).
func (rd *render) sdpAgreed() {
	l, a := rd.l, rd.sdpAftale()
	rd.heading(l.sdpAftalt)
	if len(a.Tiltag) == 0 {
		rd.para(l.sdpIngenTiltag, 0)
	}
	rd.bullets(a.Tiltag)
	rd.list(l.jobmaal, rd.plan.Jobmaal)
	rd.list(l.uddmaal, rd.plan.Uddannelsesmaal)
}

// sdpFollowUp prints how and when the follow-up takes place.
func (rd *render) sdpFollowUp() {
	l, a, p := rd.l, rd.sdpAftale(), rd.plan
	rd.heading(l.sdpOpfoelgning)
	if p.StatusTekst != "" {
		rd.para(p.StatusTekst, 0)
		rd.space(1.5)
	}
	rd.field(l.sdpForm, a.Opfoelgningsform)
	rd.field(l.sdpNaeste, dato(l.lang, a.NaesteOpfoelgning))
	rd.field(l.naesteKontakt, rd.kontakt(p.NaesteKontakt))
	rd.field(l.naesteSamtale, rd.naesteSamtale())
}
