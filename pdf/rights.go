package pdf

import (
	"slices"
	"strconv"

	"feltsag.dk/feltsag/app"
)

// rights prints "Dine rettigheder og pligter" (DOMAIN §6.1 item 10): what
// applies to the citizen's group, what a current fravær suspends and until
// when, the deadlines that run, how to report illness and holiday, and the
// consequences of not complying in general terms. Every duty line comes
// from app.Overblik on the print date, so the paper says what the rule
// tables say [S56c].
func (rd *render) rights() {
	rd.heading(rd.t("pdf.rights"))
	today := dato(rd.lang(), rd.today)
	if def := rd.rs.KG[rd.ob.KG]; def != nil {
		rd.para(rd.t("pdf.rights.intro", "kg", rd.kgNavn(def), "dato", today), 0)
	} else {
		rd.para(rd.t("pdf.rights.no_kg", "dato", today), 0)
	}
	skal, ret, fri := rd.duties()
	rd.list(rd.t("pdf.rights.skal"), skal)
	for _, g := range fri {
		rd.list(join(" ", rd.t("pdf.rights.fritaget"), paren("", rd.fravaerNavn(g.grund))), g.lines)
	}
	rd.list(rd.t("pdf.rights.ret"), ret)
	rd.list(rd.t("pdf.frister"), rd.deadlines())
	rd.list(rd.t("pdf.syg_ferie"), rd.illnessAndHoliday(len(skal) > 0))
	if len(skal)+len(fri) > 0 {
		rd.subheading(rd.t("pdf.konsekvens"))
		rd.para(rd.t(konsekvensKey(rd.ob.Gruppe)), 0)
	}
	rd.space(1.5)
	rd.para(rd.t("pdf.kontakt"), 0)
}

// exemptions are the duties one fravær suspends.
type exemptions struct {
	grund string // fravær type code
	lines []string
}

// duties sorts the Overblik's duties into what applies, what the citizen
// may claim and what is suspended now, each as one plain line; the
// suspended ones are grouped by the fravær that suspends them.
func (rd *render) duties() (skal, ret []string, fri []exemptions) {
	for _, p := range rd.ob.Pligter {
		switch p.Status {
		case app.PligtGaelder, app.PligtBegraenset:
			skal = append(skal, rd.pligtTekst(p))
		case app.PligtRet:
			ret = append(ret, rd.pligtTekst(p))
		case app.PligtFritaget, app.PligtAfmeldt:
			i := slices.IndexFunc(fri, func(e exemptions) bool { return e.grund == p.Grund })
			if i < 0 {
				fri = append(fri, exemptions{grund: p.Grund})
				i = len(fri) - 1
			}
			fri[i].lines = append(fri[i].lines, rd.pligtTekst(p))
		}
	}
	return skal, ret, fri
}

func (rd *render) pligtTekst(p app.PligtStatus) string {
	return rd.texts.Message(rd.lang(), p.Line(), rd.rs)
}

// deadlines lists the deadlines that concern the citizen, in the
// citizen's words; the jobcentre's own deadlines (visitation and the like)
// stay off the paper.
func (rd *render) deadlines() []string {
	var out []string
	for _, f := range rd.ob.Frister {
		key := fristKey(f.Navn)
		if key == "" {
			continue
		}
		s := rd.t(key, "dato", dato(rd.lang(), f.Dato))
		switch f.Status {
		case app.FristOverskredet:
			s += " (" + rd.t("pdf.frist.overskredet") + ")"
		case app.FristIDag:
			s += " (" + rd.t("pdf.frist.i_dag") + ")"
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// illnessAndHoliday says how to report illness and holiday, where the
// group may do so itself (fravaerstyper.csv) and has duties a fravær would
// suspend; the ferie notice comes from the rule parameters [S44][S50][S51].
func (rd *render) illnessAndHoliday(hasDuties bool) []string {
	g := rd.ob.Gruppe
	if g == "" || g == "SDP" || !hasDuties {
		return nil
	}
	var out []string
	if ft := rd.rs.Fravaer["sygemelding"]; ft != nil && ft.Selvbetjening && appliesTo(ft, g) {
		out = append(out, rd.t("pdf.syg_ferie.sygemelding"))
	}
	key := ""
	switch g {
	case "DP":
		key = "ferie.dp.varsel.dage"
	case "KH", "UH", "INT":
		key = "ferie.kh.varsel.dage"
	}
	if ft := rd.rs.Fravaer["ferie"]; ft != nil && key != "" && appliesTo(ft, g) {
		if p, ok := rd.rs.Params[key]; ok {
			out = append(out, rd.t("pdf.syg_ferie.ferie", "dage", strconv.Itoa(p.Vaerdi)))
		}
	}
	return out
}

// appliesTo reports whether a fravær type exists for a KG group.
func appliesTo(ft *app.FravaerTypeDef, gruppe string) bool {
	return slices.Contains(ft.GaelderFor, "*") || slices.Contains(ft.GaelderFor, gruppe)
}
