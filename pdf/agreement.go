package pdf

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"feltsag.dk/feltsag/app"
)

// AgreementInput is what the agreement of a placement is made from. The
// company and the case are passed by value and never modified.
type AgreementInput struct {
	Virksomhed app.Virksomhed
	Placering  app.ID  // the placement (Virksomhed.Placeringer) to print
	Sag        app.Sag // the placed citizen's case: name and masked CPR only
	// Rules give the declarations' numbers (rimelighedskrav, months of the
	// erstatning rule) from the rule set of the placement's start date,
	// the one the placement was checked with.
	Rules *app.Rules
	// Sagsbehandler is the jobcentre's caseworker who made the placement
	// and signs for the jobcentre; also named in the footer as the one who
	// printed.
	Sagsbehandler app.Sagsbehandler
	Jobcenter     string    // "" = the caseworker's organisation
	Printed       time.Time // the document's date and its PDF creation date
	Lang          string    // "da" (default) or "en"
}

// Agreement writes the agreement of a virksomhedspraktik or løntilskud
// placement to w: the company with CVR and P-number, the citizen with the
// masked CPR number only, the place, period, hours and purpose, the
// company's contact persons for the workplace and the jobcentre's
// caseworker, the conditions the company confirms (praktik: no ordinary
// work displaced, working hours, rimelighedskrav, the employee
// representative; løntilskud: merbeskæftigelse, no vacated post,
// rimelighedskrav, the representative consulted, pay and conditions) with
// their legal basis and Feltsag rule ids, and signature lines for company,
// citizen and jobcentre (docs/pdf.md, "Paper at the company").
//
// Nothing is written when it fails. Errors (*app.Error): not_found (no
// such placement; no rule set for its start date), invalid (a placement of
// another case, a scheme without an agreement — fleksjob, voksenlærling,
// jobrotation —, no print time, caseworker or jobcentre, an unknown
// language), internal (no rules, layout or w failed).
func (r *Renderer) Agreement(w io.Writer, in AgreementInput) (FieldInfo, error) {
	if in.Rules == nil {
		return FieldInfo{}, app.Internal(fmt.Errorf("pdf: no rules"))
	}
	lang, err := checkLang(in.Lang)
	if err != nil {
		return FieldInfo{}, err
	}
	v := &in.Virksomhed
	i := findPlacering(v, in.Placering)
	if i < 0 {
		return FieldInfo{}, app.Errorf(app.CodeNotFound, "", "not_found.placering").WithField("placering")
	}
	p := &v.Placeringer[i]
	if p.Sag != in.Sag.ID {
		return FieldInfo{}, app.Errorf(app.CodeInvalid, "", "invalid.pdf.aftale_sag").WithField("sag")
	}
	var kind Kind
	switch p.Ordning {
	case app.OrdningPraktik:
		kind = KindAftalePraktik
	case app.OrdningLoentilskud:
		kind = KindAftaleLoentilskud
	default:
		return FieldInfo{}, app.Errorf(app.CodeInvalid, "", "invalid.pdf.aftale_ordning", "ordning", ordningTerm(p.Ordning)).WithField("placering")
	}
	jc := orJobcenter(in.Jobcenter, in.Sagsbehandler)
	if err := checkPrint(in.Printed, in.Sagsbehandler, jc); err != nil {
		return FieldInfo{}, err
	}
	rs, err := in.Rules.ForDate(p.Periode.Start)
	if err != nil {
		return FieldInfo{}, err
	}
	a := &agreement{doc: newDoc(r.fonts, words{lang: lang, cat: r.texts}), in: &in, v: v, p: p, kind: kind, rs: rs, jobcenter: jc}
	a.document()
	n, err := a.output(w)
	if err != nil {
		return FieldInfo{}, err
	}
	return FieldInfo{Kind: kind, Pages: a.f.PageCount(), Bytes: n, Lang: lang, RegelSet: rs.Version}, nil
}

// ordningTerm is a scheme's Danish term, which the message names in both
// languages (the English texts keep Danish terms in the same way).
func ordningTerm(code string) string {
	switch code {
	case app.OrdningFleksjob:
		return "fleksjob"
	case app.OrdningVoksenlaerl:
		return "voksenlærling"
	case app.OrdningJobrotation:
		return "jobrotation"
	}
	return code
}

func findPlacering(v *app.Virksomhed, id app.ID) int {
	for i := range v.Placeringer {
		if v.Placeringer[i].ID == id {
			return i
		}
	}
	return -1
}

// agreement is one agreement being laid out.
type agreement struct {
	*doc
	in        *AgreementInput
	v         *app.Virksomhed
	p         *app.Placering
	kind      Kind
	rs        *app.RuleSet
	jobcenter string
}

func (a *agreement) title() string {
	if a.kind == KindAftaleLoentilskud {
		return a.t("pdf.aftale.title.loentilskud")
	}
	return a.t("pdf.aftale.title.praktik")
}

// document lays out the whole agreement.
func (a *agreement) document() {
	title := a.title()
	b := a.in.Sag.Borger
	a.meta(title, a.t("pdf.aftale.subject", "jobcenter", a.jobcenter), a.jobcenter, a.in.Printed)
	// A loose page names the company and the citizen (masked CPR only).
	a.running = a.fo.clean(join(" · ", title, a.v.Navn, b.Navn, a.t("pdf.cpr")+" "+b.CPR.Masked()))
	a.f.AddPage()
	a.head(title, a.t("pdf.aftale.sub"), a.jobcenter, app.DateOf(a.in.Printed),
		a.t("pdf.aftale.status", "ordning", a.w.code(ordningKey, a.p.Ordning), "regelsaet", a.rs.Version))
	a.partiesBlock()
	a.agreed()
	a.contacts()
	a.declarations()
	a.signatures()
	a.pageFooters(a.t("pdf.footer.printed", "tid", tidspunkt(a.w, a.in.Printed), "af", a.in.Sagsbehandler.Navn))
}

// enhed is the placement's workplace, or nil when the company has no
// P-unit with its number.
func (a *agreement) enhed() *app.Produktionsenhed {
	if a.p.PNummer == "" {
		return nil
	}
	return a.v.Enhed(a.p.PNummer)
}

// partiesBlock prints the three parties side by side: the company with
// CVR and P-number, the citizen with the masked CPR number (no address,
// no benefit, no category: DOMAIN B8's whitelist for paper a company
// keeps), and the jobcentre's caseworker.
func (a *agreement) partiesBlock() {
	v, b, cw := a.v, a.in.Sag.Borger, a.in.Sagsbehandler
	company := append(a.cleanAll(v.Navn, v.Adresse.Vej, join(" ", v.Adresse.Postnr, v.Adresse.By)),
		a.idLine(a.t("pdf.aftale.cvr"), string(v.CVR)), a.idLine(a.t("pdf.aftale.pnr"), string(a.p.PNummer)))
	citizen := a.cleanAll(b.Navn, a.t("pdf.cpr")+" "+b.CPR.Masked())
	jobcentre := a.cleanAll(cw.Navn, a.jobcenter, labelled(a.t("pdf.phone"), cw.Telefon), labelled(a.t("pdf.email"), cw.Email))
	a.parties([]partyCol{
		{a.t("pdf.aftale.virksomhed"), company, 6},
		{a.t("pdf.aftale.borger"), citizen, 4.5},
		{a.t("pdf.aftale.jobcenter"), jobcentre, 6},
	})
}

// agreed prints what is agreed: workplace, position, scheme, period,
// hours per week and the purpose (BAB § 60: the purpose is written in the
// agreement [S101]).
func (a *agreement) agreed() {
	a.heading(a.t("pdf.aftale.aftalt"))
	if e := a.enhed(); e != nil {
		a.field(a.t("pdf.aftale.arbejdssted"), join("\n", e.Navn, adresse(e.Adresse)))
	}
	a.cleanField(a.t("pdf.aftale.pnr"), a.fo.idText(string(a.p.PNummer)))
	if i := a.v.FindPlads(a.p.Plads); i >= 0 {
		a.field(a.t("pdf.aftale.stilling"), a.v.Pladser[i].Titel)
	}
	a.field(a.t("pdf.aftale.ordning"), a.ordningLang())
	a.field(a.t("pdf.aftale.periode"), periode(a.w, a.p.Periode))
	a.field(a.t("pdf.aftale.timer"), timerFloat(a.w, a.p.Timer))
	a.field(a.t("pdf.aftale.formaal"), a.p.Formaal)
}

// ordningLang is the scheme's full name with its chapter of LAB, and for
// løntilskud the employer's sector.
func (a *agreement) ordningLang() string {
	if a.kind == KindAftalePraktik {
		return a.t("pdf.aftale.ordning.virksomhedspraktik")
	}
	if a.v.Sektor == app.SektorOffentlig {
		return a.t("pdf.aftale.ordning.loentilskud.offentlig")
	}
	return a.t("pdf.aftale.ordning.loentilskud.privat")
}

// contacts prints the company's contact persons for the workplace (those
// of its P-unit and those of no particular unit) as a table that breaks
// over pages with its header row.
func (a *agreement) contacts() {
	a.heading(a.t("pdf.aftale.kontakter"))
	var rows [][]string
	for _, k := range a.v.Kontakter {
		if k.PNummer != "" && k.PNummer != a.p.PNummer {
			continue
		}
		rows = append(rows, []string{k.Navn, a.w.code(rolleKey, k.Rolle), k.Telefon, k.Email})
	}
	if len(rows) == 0 {
		a.para(a.t("pdf.aftale.kontakter.ingen"), 0)
		return
	}
	a.table([]column{{a.t("pdf.aftale.col.navn"), 50}, {a.t("pdf.aftale.col.rolle"), 40},
		{a.t("pdf.aftale.col.telefon"), 28}, {a.t("pdf.aftale.col.email"), 52}}, rows)
}

// declaration is one condition the company confirms and its basis.
type declaration struct{ text, basis string }

// declarations prints the conditions the company confirms for the
// scheme, numbered, each with its legal basis and Feltsag rule id
// (docs/domain.md §16.3, app/placering.go).
func (a *agreement) declarations() {
	a.heading(a.t("pdf.aftale.erklaering"))
	a.para(a.t("pdf.aftale.erklaering.intro"), 0)
	var ds []declaration
	if a.kind == KindAftalePraktik {
		// Praktik: no ordinary work displaced [S124]; within normal
		// working hours, at most full time (BAB § 60) [S101]; the
		// rimelighedskrav (BAB § 65) [S100]; the employee representative's
		// statement (BAB §§ 65, 99) [S100][S103].
		ds = []declaration{
			{a.t("pdf.aftale.erkl.fortraenger"), a.t("pdf.aftale.erkl.fortraenger.kilde")},
			{a.t("pdf.aftale.erkl.arbejdstid"), a.t("pdf.aftale.erkl.arbejdstid.kilde")},
			a.rimelighed(),
			{a.t("pdf.aftale.erkl.repr"), a.t("pdf.aftale.erkl.repr.kilde")},
		}
	} else {
		// Løntilskud: merbeskæftigelse (LAB § 79) [S111][S113][S114]; at
		// a private employer no post vacated within the months of
		// loentilskud.erstatning.mdr [S119][S123]; the rimelighedskrav
		// [S100]; the representative consulted (LAB § 78) [S111]; pay and
		// conditions (LAB §§ 71–72) [S111][S110].
		ds = append(ds, a.merbeskaeftigelse())
		if a.v.Sektor != app.SektorOffentlig {
			ds = append(ds, declaration{a.t("pdf.aftale.erkl.erstatning", "mdr", strconv.Itoa(a.rs.P(app.ParamLoentilskudErstatMdr))),
				a.t("pdf.aftale.erkl.erstatning.kilde")})
		}
		ds = append(ds, a.rimelighed(),
			declaration{a.t("pdf.aftale.erkl.droeftet"), a.t("pdf.aftale.erkl.droeftet.kilde")},
			declaration{a.t("pdf.aftale.erkl.vilkaar"), a.t("pdf.aftale.erkl.vilkaar.kilde")})
	}
	for i, d := range ds {
		// The last condition keeps with the signatures, so nobody signs a
		// page that holds nothing but the signature lines.
		keep := 0.0
		if i == len(ds)-1 {
			keep = agreementSignH
		}
		a.numbered(i+1, d, keep)
	}
}

// rimelighed is the rimelighedskrav with the workplace's numbers on the
// placement's period, or in general words when the workplace's staff is
// not recorded.
func (a *agreement) rimelighed() declaration {
	basis := a.t("pdf.aftale.erkl.rimelighed.kilde")
	e := a.enhed()
	if e == nil || e.Opgjort.IsZero() {
		return declaration{a.t("pdf.aftale.erkl.rimelighed.generel"), basis}
	}
	brugt := a.v.RimelighedBrugt(a.rs, e.PNummer, a.p.Periode, "")
	return declaration{a.t("pdf.aftale.erkl.rimelighed", "ansatte", antal(a.lang(), e.Ansatte),
		"max", strconv.Itoa(a.rs.RimelighedMax(e.Ansatte)), "brugt", antal(a.lang(), brugt),
		"fuldtid", strconv.Itoa(a.rs.P(app.ParamRimelighedFuldtid))), basis}
}

// merbeskaeftigelse is the net-increase condition: with the company's
// recorded counts at a private employer, against the budget at a public
// one.
func (a *agreement) merbeskaeftigelse() declaration {
	basis := a.t("pdf.aftale.erkl.merbeskaeftigelse.kilde")
	an := a.v.Ansatte
	switch {
	case a.v.Sektor == app.SektorOffentlig:
		return declaration{a.t("pdf.aftale.erkl.merbeskaeftigelse.offentlig"), basis}
	case an.Opgjort.IsZero():
		return declaration{a.t("pdf.aftale.erkl.merbeskaeftigelse.generel"), basis}
	}
	return declaration{a.t("pdf.aftale.erkl.merbeskaeftigelse", "seneste", antal(a.lang(), an.SenesteMaaned),
		"gns", antal(a.lang(), an.Gns12Mdr), "dato", dato(a.lang(), an.Opgjort)), basis}
}

// numbered prints "n." and the declaration with a hanging indent, its
// basis in small muted type under it; the whole item stays on one page,
// together with keep millimetres of what follows.
func (a *agreement) numbered(n int, d declaration, keep float64) {
	const indent = 6.0
	a.font("", sizeBody)
	ls := a.lines(a.fo.clean(d.text), contentW-indent)
	a.font("", sizeSmall)
	bs := a.lines(a.fo.clean(d.basis), contentW-indent)
	a.space(1.5)
	a.ensure(float64(len(ls))*lineBody + float64(len(bs))*lineSmall + keep)
	a.font("", sizeBody)
	a.ink(colInk)
	for i, ln := range ls {
		if i == 0 {
			a.f.SetX(marginL)
			a.f.CellFormat(indent, lineBody, strconv.Itoa(n)+".", "", 0, "L", false, 0, "")
		}
		a.line(marginL+indent, contentW-indent, lineBody, ln, "L")
	}
	a.font("", sizeSmall)
	a.ink(colMuted)
	for _, ln := range bs {
		a.line(marginL+indent, contentW-indent, lineSmall, ln, "L")
	}
	a.ink(colInk)
	a.font("", sizeBody)
}

// agreementSignH is the height of the signature section: heading, text
// and two rows of signature lines.
const agreementSignH = 4 + 9 + 2*lineBody + 2*(14+3*lineSmall+2)

// signatures prints signature lines with dates for the company, the
// citizen and the jobcentre, never split across pages.
func (a *agreement) signatures() {
	a.space(4)
	a.ensure(agreementSignH - 4)
	a.heading(a.t("pdf.aftale.signatur"))
	a.para(a.t("pdf.aftale.signatur.tekst"), 0)
	const colW, gap, dateW = 82.0, 6.0, 24.0
	y := a.f.GetY() + 14
	a.signLine(marginL, colW, dateW, y, a.t("pdf.aftale.signatur.virksomhed"), a.v.Navn)
	a.signLine(marginL+colW+gap, contentW-colW-gap, dateW, y, a.t("pdf.aftale.signatur.borger"), a.in.Sag.Borger.Navn)
	a.f.SetY(y + 3*lineSmall + 2)
	y = a.f.GetY() + 14
	a.signLine(marginL, colW, dateW, y, a.t("pdf.aftale.signatur.jobcenter"), join(", ", a.in.Sagsbehandler.Navn, a.jobcenter))
	a.f.SetY(y + 3*lineSmall + 2)
}

// signLine draws a signature line with a date line at its right; under it
// the role and the name (the same drawing as the plan's).
func (d *doc) signLine(x, w, dateW, y float64, role, name string) {
	f := d.f
	f.SetDrawColor(colInk.r, colInk.g, colInk.b)
	f.SetLineWidth(0.25)
	nameW := w - dateW - 4
	f.Line(x, y, x+nameW, y)
	f.Line(x+w-dateW, y, x+w, y)
	f.SetY(y + 0.8)
	d.font("B", sizeSmall)
	d.ink(colMuted)
	d.line(x, nameW, lineSmall, d.fo.clean(role), "L")
	d.font("", sizeSmall)
	d.ink(colInk)
	for _, ln := range d.lines(d.fo.clean(name), nameW) {
		d.line(x, nameW, lineSmall, ln, "L")
	}
	f.SetY(y + 0.8)
	d.font("B", sizeSmall)
	d.ink(colMuted)
	d.line(x+w-dateW, dateW, lineSmall, d.t("pdf.signatur.dato"), "L")
	d.ink(colInk)
}
