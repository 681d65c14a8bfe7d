package pdf

import "feltsag.dk/feltsag/app"

// sdpSections prints the body of the sygedagpenge "aftale om opfølgning"
// (DOMAIN §6.4) [S27]: the sick leave and its category, what is agreed,
// any activities and other efforts, and the follow-up.
func (rd *render) sdpSections() {
	rd.sdpSickness()
	rd.sdpAgreed()
	if len(rd.plan.Aktiviteter) > 0 {
		rd.heading(rd.t("pdf.aktiviteter"))
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
	a := rd.sdpAftale()
	rd.heading(rd.t("pdf.sdp.sygemelding"))
	rd.kgFields()
	syg := rd.sygemelding()
	rask := a.ForventetRask
	if syg != nil {
		rd.field(rd.t("pdf.sdp.siden"), dato(rd.lang(), syg.Periode.Start))
		if rask.IsZero() {
			rask = syg.ForventetRask
		}
	}
	kat := a.Kategori
	if kat == "" {
		kat = rd.sag.Visitation.Kategori
	}
	if kat != "" {
		meaning := ""
		if k := sdpKategoriKey(kat); k != "" {
			meaning = rd.t(k)
		}
		rd.field(rd.t("pdf.sdp.kategori"), join("\n", rd.kategoriNavn(kat), meaning))
	}
	rd.field(rd.t("pdf.sdp.rask"), dato(rd.lang(), rask))
	rd.field(rd.t("pdf.sdp.arbejdsplads"), a.Arbejdsplads)
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
	a := rd.sdpAftale()
	rd.heading(rd.t("pdf.sdp.aftalt"))
	if len(a.Tiltag) == 0 {
		rd.para(rd.t("pdf.sdp.ingen_tiltag"), 0)
	}
	rd.bullets(a.Tiltag)
	rd.list(rd.t("pdf.maal.job"), rd.plan.Jobmaal)
	rd.list(rd.t("pdf.maal.uddannelse"), rd.plan.Uddannelsesmaal)
}

// sdpFollowUp prints how and when the follow-up takes place.
func (rd *render) sdpFollowUp() {
	a, p := rd.sdpAftale(), rd.plan
	rd.heading(rd.t("pdf.sdp.opfoelgning"))
	if p.StatusTekst != "" {
		rd.para(p.StatusTekst, 0)
		rd.space(1.5)
	}
	rd.field(rd.t("pdf.sdp.form"), a.Opfoelgningsform)
	rd.field(rd.t("pdf.sdp.naeste"), dato(rd.lang(), a.NaesteOpfoelgning))
	rd.field(rd.t("pdf.naeste_kontakt"), rd.kontakt(p.NaesteKontakt))
	rd.field(rd.t("pdf.naeste_samtale"), rd.naesteSamtale())
}
