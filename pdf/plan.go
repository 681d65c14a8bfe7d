package pdf

import (
	"slices"
	"strconv"
	"strings"

	"feltsag.dk/feltsag/app"
)

// planSections prints the body of Min Plan in the order of DOMAIN §6.1's
// layout, items 4–9; items 10–12 follow in document.
func (rd *render) planSections() {
	rd.situation()
	rd.goals()
	rd.jobsearch()
	rd.heading(rd.t("pdf.aktiviteter"))
	rd.activities()
	rd.otherEfforts()
	rd.followUp()
}

// situation prints kontaktgruppe, målgruppe, visitation, tilmelding and
// current or coming fravær in plain words, with names from the rule tables
// (DOMAIN §6.1 item 4).
func (rd *render) situation() {
	rd.heading(rd.t("pdf.situation"))
	rd.kgFields()
	if k := rd.sag.Visitation.Kategori; k != "" {
		rd.field(rd.t("pdf.visitation"), join(" ", rd.kategoriNavn(k), paren(rd.t("pdf.visiteret"), dato(rd.lang(), rd.sag.Visitation.Dato))))
	}
	rd.field(rd.t("pdf.tilmelding"), rd.tilmelding())
	rd.field(rd.t("pdf.fravaer"), strings.Join(rd.fravaerLines(), "\n"))
}

// kgFields prints the kontaktgruppe and its LAB § 6 målgruppe.
func (rd *render) kgFields() {
	def := rd.rs.KG[rd.ob.KG]
	if def == nil {
		rd.field(rd.t("pdf.kg"), "–")
		return
	}
	since := ""
	if kg := rd.sag.Kontaktgruppe; kg != nil && kg.KG == def.ID {
		since = join(" ", rd.t("pdf.siden"), dato(rd.lang(), kg.Periode.Start))
	}
	rd.field(rd.t("pdf.kg"), join(", ", rd.kgNavn(def), since))
	if def.LAB6 > 0 {
		rd.field(rd.t("pdf.maalgruppe"), rd.t("pdf.maalgruppe.nr", "nr", strconv.Itoa(def.LAB6)))
	}
}

// kgNavn is the kontaktgruppe's name in the document's language; in
// English the Danish legal name follows in parentheses.
func (rd *render) kgNavn(def *app.KGDef) string {
	if rd.lang() == "en" && def.NavnEN != "" {
		return def.NavnEN + " (" + def.Navn + ")"
	}
	return def.Navn
}

// kategoriNavn is the category's name from the rule table in the
// document's language, or its code.
func (rd *render) kategoriNavn(code string) string {
	if d := rd.rs.Kategorier[code]; d != nil {
		if rd.lang() == "en" && d.NavnEN != "" {
			return d.NavnEN + " (" + d.Navn + ")"
		}
		return d.Navn
	}
	return code
}

// paren writes "(label v)", "(v)" without a label, or "" without a v.
func paren(label, v string) string {
	if v == "" {
		return ""
	}
	return "(" + join(" ", label, v) + ")"
}

// tilmelding describes the registration as jobseeker.
func (rd *render) tilmelding() string {
	t := rd.sag.Tilmelding
	if t.ErTilmeldt() {
		return rd.t("pdf.tilmelding.tilmeldt", "siden", dato(rd.lang(), t.Siden))
	}
	if !t.AfmeldtDato.IsZero() {
		return rd.t("pdf.tilmelding.ikke_tilmeldt") + " (" + rd.t("pdf.tilmelding.afmeldt", "dato", dato(rd.lang(), t.AfmeldtDato)) + ")"
	}
	return rd.t("pdf.tilmelding.ikke_tilmeldt")
}

// fravaerLines lists the fravær in force on the print date or later,
// earliest first, with names from the rule table.
func (rd *render) fravaerLines() []string {
	var fs []app.Fravaer
	for _, f := range rd.sag.Fravaer {
		if !f.Slettet && (f.Periode.Slut.IsZero() || !f.Periode.Slut.Before(rd.today)) {
			fs = append(fs, f)
		}
	}
	slices.SortStableFunc(fs, func(a, b app.Fravaer) int { return b.Periode.Start.DaysUntil(a.Periode.Start) })
	out := make([]string, 0, len(fs))
	for _, f := range fs {
		s := join(" ", rd.fravaerNavn(f.Type), periode(rd.w, f.Periode))
		if !f.ForventetRask.IsZero() {
			s += " (" + rd.t("pdf.forventet_rask") + " " + dato(rd.lang(), f.ForventetRask) + ")"
		}
		out = append(out, s)
	}
	return out
}

// fravaerNavn is a fravær type's name in the document's language.
func (rd *render) fravaerNavn(code string) string {
	d := rd.rs.Fravaer[code]
	switch {
	case d == nil:
		return code
	case rd.lang() == "en" && d.NavnEN != "":
		return d.NavnEN
	}
	return d.Navn
}

// goals prints job and education goals, and the uddannelsespålæg with its
// deadline for the uddannelsesplan (DOMAIN §6.1 item 5).
func (rd *render) goals() {
	p := rd.plan
	rd.heading(rd.t("pdf.maal"))
	first, second := rd.t("pdf.maal.job"), rd.t("pdf.maal.uddannelse")
	a, b := p.Jobmaal, p.Uddannelsesmaal
	if rd.kind == KindUddannelsesplan {
		first, second, a, b = second, first, b, a
	}
	if len(a)+len(b) == 0 && p.Paalaeg == nil {
		rd.para(rd.t("pdf.maal.ingen"), 0)
	}
	rd.list(first, a)
	rd.list(second, b)
	if pa := p.Paalaeg; pa != nil {
		rd.box(colNotice, rd.t("pdf.paalaeg"), join("\n", pa.Tekst, join(": ", rd.t("pdf.paalaeg.frist"), dato(rd.lang(), pa.Frist))))
	}
}

// list prints a subheading and bullets, or nothing for no items.
func (rd *render) list(title string, items []string) {
	if len(items) == 0 {
		return
	}
	rd.subheading(title)
	rd.bullets(items)
}

// jobsearch prints "Krav til jobsøgning" (DOMAIN §6.1 item 6) [S52d].
func (rd *render) jobsearch() {
	j := rd.plan.Jobsoegning
	rd.heading(rd.t("pdf.jobsoegning"))
	if j.AntalPrUge == 0 && len(j.Stillinger) == 0 && j.Geografi == "" && len(j.Kanaler) == 0 {
		rd.para(rd.t("pdf.jobsoegning.ingen"), 0)
		return
	}
	if j.AntalPrUge > 0 {
		rd.para(rd.t("pdf.jobsoegning.antal", "antal", strconv.Itoa(j.AntalPrUge)), 0)
		rd.space(1)
	}
	rd.field(rd.t("pdf.jobsoegning.stillinger"), strings.Join(j.Stillinger, ", "))
	rd.field(rd.t("pdf.jobsoegning.omraade"), j.Geografi)
	rd.field(rd.t("pdf.jobsoegning.kanaler"), strings.Join(j.Kanaler, ", "))
}

// activities prints the tilbud table (DOMAIN §6.1 item 7) [S80].
func (rd *render) activities() {
	if len(rd.plan.Aktiviteter) == 0 {
		rd.para(rd.t("pdf.aktiviteter.ingen"), 0)
		return
	}
	cols := []column{{rd.t("pdf.col.type"), 33}, {rd.t("pdf.col.udbyder"), 40}, {rd.t("pdf.col.periode"), 24},
		{rd.t("pdf.col.timer"), 23}, {rd.t("pdf.col.kontakt"), 50}}
	rows := make([][]string, len(rd.plan.Aktiviteter))
	for i, a := range rd.plan.Aktiviteter {
		rows[i] = []string{rd.w.code(aktivitetKey, a.Type), a.Udbyder, rd.tablePeriod(a.Periode),
			timerPrUge(rd.w, a.Timer, a.Minutter), a.Kontakt}
	}
	rd.table(cols, rows)
}

// tablePeriod writes a period on two lines so it fits a narrow column.
func (rd *render) tablePeriod(p app.Period) string {
	if p.Slut.IsZero() || p.Start.IsZero() {
		return periode(rd.w, p)
	}
	return datoKort(rd.lang(), p.Start) + "–\n" + datoKort(rd.lang(), p.Slut)
}

// otherEfforts prints stabilising and other agreed efforts and the mentor
// (DOMAIN §6.1 item 8), or nothing when there are none.
func (rd *render) otherEfforts() {
	p := rd.plan
	if len(p.Stabiliserende)+len(p.AndreIndsatser) == 0 && p.Mentor == "" {
		return
	}
	rd.heading(rd.t("pdf.indsatser"))
	rd.list(rd.t("pdf.indsatser.stabiliserende"), p.Stabiliserende)
	rd.list(rd.t("pdf.indsatser.andre"), p.AndreIndsatser)
	if p.Mentor != "" {
		rd.space(1)
		rd.field(rd.t("pdf.mentor"), p.Mentor)
	}
}

// followUp prints the status text, the plan's follow-up date, the next
// contact and the next booked samtale (DOMAIN §6.1 item 9) [S56b].
func (rd *render) followUp() {
	p := rd.plan
	rd.heading(rd.t("pdf.opfoelgning"))
	if p.StatusTekst != "" {
		rd.para(p.StatusTekst, 0)
		rd.space(1.5)
	}
	rd.field(rd.t("pdf.opfoelgning.senest"), dato(rd.lang(), p.Opfoelgning))
	rd.field(rd.t("pdf.naeste_kontakt"), rd.kontakt(p.NaesteKontakt))
	rd.field(rd.t("pdf.naeste_samtale"), rd.naesteSamtale())
}

// kontakt describes the next contact: date, form and who contacts whom.
func (rd *render) kontakt(k app.Kontakt) string {
	return join(", ", dato(rd.lang(), k.Dato), rd.w.code(samtaleFormKey, k.Form), k.Hvem)
}

// naesteSamtale describes the first planned samtale on or after the print
// date.
func (rd *render) naesteSamtale() string {
	var next *app.Samtale
	for i := range rd.sag.Samtaler {
		m := &rd.sag.Samtaler[i]
		if m.Status != app.SamtalePlanlagt || m.Dato.Before(rd.today) {
			continue
		}
		if next == nil || m.Dato.Before(next.Dato) || m.Dato == next.Dato && m.Tid < next.Tid {
			next = m
		}
	}
	if next == nil {
		return ""
	}
	when := dato(rd.lang(), next.Dato)
	if next.Tid != "" {
		when = rd.t("pdf.tidspunkt", "dato", when, "tid", next.Tid)
	}
	return join(", ", when, rd.w.code(samtaleTypeKey, next.Type), rd.w.code(samtaleFormKey, next.Form))
}
