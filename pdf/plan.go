package pdf

import (
	"fmt"
	"slices"
	"strings"

	"feltsag.dk/feltsag/app"
)

// planSections prints the body of Min Plan in the order of DOMAIN §6.1's
// layout, items 4–9; items 10–12 follow in document.
func (rd *render) planSections() {
	rd.situation()
	rd.goals()
	rd.jobsearch()
	rd.heading(rd.l.aktiviteter)
	rd.activities()
	rd.otherEfforts()
	rd.followUp()
}

// situation prints kontaktgruppe, målgruppe, visitation, tilmelding and
// current or coming fravær in plain words, with names from the rule tables
// (DOMAIN §6.1 item 4).
func (rd *render) situation() {
	l := rd.l
	rd.heading(l.situation)
	rd.kgFields()
	if k := rd.sag.Visitation.Kategori; k != "" {
		rd.field(l.visitation, join(" ", rd.kategoriNavn(k), paren(l.visiteret, dato(l.lang, rd.sag.Visitation.Dato))))
	}
	rd.field(l.tilmelding, rd.tilmelding())
	rd.field(l.fravaer, strings.Join(rd.fravaerLines(), "\n"))
}

// kgFields prints the kontaktgruppe and its LAB § 6 målgruppe.
func (rd *render) kgFields() {
	l := rd.l
	def := rd.rs.KG[rd.ob.KG]
	if def == nil {
		rd.field(l.kg, "–")
		return
	}
	since := ""
	if kg := rd.sag.Kontaktgruppe; kg != nil && kg.KG == def.ID {
		since = join(" ", l.siden, dato(l.lang, kg.Periode.Start))
	}
	rd.field(l.kg, join(", ", rd.kgNavn(def), since))
	if def.LAB6 > 0 {
		rd.field(l.maalgruppe, fmt.Sprintf(l.maalgruppeFmt, def.LAB6))
	}
}

// kgNavn is the kontaktgruppe's name in the document's language; in
// English the Danish legal name follows in parentheses.
func (rd *render) kgNavn(def *app.KGDef) string {
	if rd.l.lang == "en" && def.NavnEN != "" {
		return def.NavnEN + " (" + def.Navn + ")"
	}
	return def.Navn
}

// kategoriNavn is the category's name from the rule table in the
// document's language, or its code.
func (rd *render) kategoriNavn(code string) string {
	if d := rd.rs.Kategorier[code]; d != nil {
		if rd.l.lang == "en" && d.NavnEN != "" {
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
	l, t := rd.l, rd.sag.Tilmelding
	if t.ErTilmeldt() {
		return fmt.Sprintf(l.tilmeldt, dato(l.lang, t.Siden))
	}
	if !t.AfmeldtDato.IsZero() {
		return l.ikkeTilmeldt + " (" + fmt.Sprintf(l.afmeldt, dato(l.lang, t.AfmeldtDato)) + ")"
	}
	return l.ikkeTilmeldt
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
		s := join(" ", rd.fravaerNavn(f.Type), periode(rd.l, f.Periode))
		if !f.ForventetRask.IsZero() {
			s += " (" + rd.l.forventetRask + " " + dato(rd.l.lang, f.ForventetRask) + ")"
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
	case rd.l.lang == "en" && d.NavnEN != "":
		return d.NavnEN
	}
	return d.Navn
}

// goals prints job and education goals, and the uddannelsespålæg with its
// deadline for the uddannelsesplan (DOMAIN §6.1 item 5).
func (rd *render) goals() {
	l, p := rd.l, rd.plan
	rd.heading(l.maal)
	first, second := l.jobmaal, l.uddmaal
	a, b := p.Jobmaal, p.Uddannelsesmaal
	if rd.kind == KindUddannelsesplan {
		first, second, a, b = second, first, b, a
	}
	if len(a)+len(b) == 0 && p.Paalaeg == nil {
		rd.para(l.ingenMaal, 0)
	}
	rd.list(first, a)
	rd.list(second, b)
	if pa := p.Paalaeg; pa != nil {
		rd.box(colNotice, l.paalaeg, join("\n", pa.Tekst, join(": ", l.paalaegFrist, dato(l.lang, pa.Frist))))
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
	l, j := rd.l, rd.plan.Jobsoegning
	rd.heading(l.jobsoegning)
	if j.AntalPrUge == 0 && len(j.Stillinger) == 0 && j.Geografi == "" && len(j.Kanaler) == 0 {
		rd.para(l.ingenKrav, 0)
		return
	}
	if j.AntalPrUge > 0 {
		rd.para(fmt.Sprintf(l.antalFmt, j.AntalPrUge), 0)
		rd.space(1)
	}
	rd.field(l.stillinger, strings.Join(j.Stillinger, ", "))
	rd.field(l.geografi, j.Geografi)
	rd.field(l.kanaler, strings.Join(j.Kanaler, ", "))
}

// activities prints the tilbud table (DOMAIN §6.1 item 7) [S80].
func (rd *render) activities() {
	l := rd.l
	if len(rd.plan.Aktiviteter) == 0 {
		rd.para(l.ingenAktiviteter, 0)
		return
	}
	cols := []column{{l.colType, 33}, {l.colUdbyder, 40}, {l.colPeriode, 24}, {l.colTimer, 23}, {l.colKontakt, 50}}
	rows := make([][]string, len(rd.plan.Aktiviteter))
	for i, a := range rd.plan.Aktiviteter {
		rows[i] = []string{rd.aktivitetType(a.Type), a.Udbyder, rd.tablePeriod(a.Periode),
			timerPrUge(l, a.Timer, a.Minutter), a.Kontakt}
	}
	rd.table(cols, rows)
}

func (rd *render) aktivitetType(code string) string {
	if s, ok := rd.l.aktType[code]; ok {
		return s
	}
	return code
}

// tablePeriod writes a period on two lines so it fits a narrow column.
func (rd *render) tablePeriod(p app.Period) string {
	if p.Slut.IsZero() || p.Start.IsZero() {
		return periode(rd.l, p)
	}
	return datoKort(rd.l.lang, p.Start) + "–\n" + datoKort(rd.l.lang, p.Slut)
}

// otherEfforts prints stabilising and other agreed efforts and the mentor
// (DOMAIN §6.1 item 8), or nothing when there are none.
func (rd *render) otherEfforts() {
	l, p := rd.l, rd.plan
	if len(p.Stabiliserende)+len(p.AndreIndsatser) == 0 && p.Mentor == "" {
		return
	}
	rd.heading(l.indsatser)
	rd.list(l.stabiliserende, p.Stabiliserende)
	rd.list(l.andreIndsatser, p.AndreIndsatser)
	if p.Mentor != "" {
		rd.space(1)
		rd.field(l.mentor, p.Mentor)
	}
}

// followUp prints the status text, the plan's follow-up date, the next
// contact and the next booked samtale (DOMAIN §6.1 item 9) [S56b].
func (rd *render) followUp() {
	l, p := rd.l, rd.plan
	rd.heading(l.opfoelgning)
	if p.StatusTekst != "" {
		rd.para(p.StatusTekst, 0)
		rd.space(1.5)
	}
	rd.field(l.planOpfoelgning, dato(l.lang, p.Opfoelgning))
	rd.field(l.naesteKontakt, rd.kontakt(p.NaesteKontakt))
	rd.field(l.naesteSamtale, rd.naesteSamtale())
}

// kontakt describes the next contact: date, form and who contacts whom.
func (rd *render) kontakt(k app.Kontakt) string {
	return join(", ", dato(rd.l.lang, k.Dato), rd.form(k.Form), k.Hvem)
}

func (rd *render) form(code string) string {
	if s, ok := rd.l.samtaleForm[code]; ok {
		return s
	}
	return code
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
	when := dato(rd.l.lang, next.Dato)
	if next.Tid != "" {
		when += " " + rd.l.at + " " + next.Tid
	}
	typ := next.Type
	if s, ok := rd.l.samtaleType[typ]; ok {
		typ = s
	}
	return join(", ", when, typ, rd.form(next.Form))
}
