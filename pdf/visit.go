package pdf

import (
	"io"
	"strconv"
	"time"

	"feltsag.dk/feltsag/app"
)

// VisitInput is what the summary of a company contact is made from. The
// company is passed by value and never modified.
type VisitInput struct {
	Virksomhed app.Virksomhed
	Kontakt    app.ID // the entry of Virksomhed.KontaktLog to print
	// Hvem is the name of the consultant the entry names (its Hvem is an
	// id); "" prints the id.
	Hvem string
	// Sagsbehandler is the jobcentre's caseworker who prints: named as the
	// company's contact at the jobcentre and in the footer.
	Sagsbehandler app.Sagsbehandler
	Jobcenter     string    // "" = the caseworker's organisation
	Printed       time.Time // the document's date and its PDF creation date
	Lang          string    // "da" (default) or "en"
}

// VisitSummary writes the summary of a visit or other contact with a
// company to w: the company, the date, who, the form, purpose, scheme,
// outcome and follow-up date, the company's open job openings and its
// places for supported employment in force on the contact's date or later
// with how many are filled (counts only: no citizen is named). Free text
// goes through the same CPR masking as the plan's.
//
// Nothing is written when it fails. Errors (*app.Error): not_found (no
// such entry), invalid (no print time, caseworker or jobcentre, an unknown
// language), internal (layout or w failed).
func (r *Renderer) VisitSummary(w io.Writer, in VisitInput) (FieldInfo, error) {
	lang, err := checkLang(in.Lang)
	if err != nil {
		return FieldInfo{}, err
	}
	v := &in.Virksomhed
	k := -1
	for i := range v.KontaktLog {
		if v.KontaktLog[i].ID == in.Kontakt {
			k = i
			break
		}
	}
	if k < 0 {
		return FieldInfo{}, app.Errorf(app.CodeNotFound, "", "not_found.virksomhedskontakt").WithField("kontakt")
	}
	jc := orJobcenter(in.Jobcenter, in.Sagsbehandler)
	if err := checkPrint(in.Printed, in.Sagsbehandler, jc); err != nil {
		return FieldInfo{}, err
	}
	s := &visit{doc: newDoc(r.fonts, words{lang: lang, cat: r.texts}), in: &in, v: v, k: &v.KontaktLog[k], jobcenter: jc}
	s.document()
	n, err := s.output(w)
	if err != nil {
		return FieldInfo{}, err
	}
	return FieldInfo{Kind: KindVirksomhedskontakt, Pages: s.f.PageCount(), Bytes: n, Lang: lang}, nil
}

// visit is one contact summary being laid out.
type visit struct {
	*doc
	in        *VisitInput
	v         *app.Virksomhed
	k         *app.Virksomhedskontakt
	jobcenter string
}

func (s *visit) title() string {
	if s.k.Form == "besoeg" {
		return s.t("pdf.kontakt.title.besoeg")
	}
	return s.t("pdf.kontakt.title.kontakt")
}

// document lays out the whole summary.
func (s *visit) document() {
	title := s.title()
	s.meta(title, s.t("pdf.kontakt.subject", "jobcenter", s.jobcenter), s.jobcenter, s.in.Printed)
	s.running = s.fo.clean(join(" · ", title, s.v.Navn, dato(s.lang(), s.k.Dato)))
	s.f.AddPage()
	s.head(title, s.v.Navn, s.jobcenter, app.DateOf(s.in.Printed), "")
	v, cw := s.v, s.in.Sagsbehandler
	s.parties([]partyCol{
		{s.t("pdf.aftale.virksomhed"), append(s.cleanAll(v.Navn, v.Adresse.Vej, join(" ", v.Adresse.Postnr, v.Adresse.By)),
			s.idLine(s.t("pdf.aftale.cvr"), string(v.CVR))), 1},
		{s.t("pdf.aftale.jobcenter"), s.cleanAll(cw.Navn, s.jobcenter, labelled(s.t("pdf.phone"), cw.Telefon), labelled(s.t("pdf.email"), cw.Email)), 1},
	})
	s.contact()
	s.openings()
	s.places()
	s.pageFooters(s.t("pdf.footer.printed", "tid", tidspunkt(s.w, s.in.Printed), "af", cw.Navn))
}

// contact prints the entry itself.
func (s *visit) contact() {
	k := s.k
	s.heading(s.t("pdf.kontakt.kontakten"))
	s.field(s.t("pdf.kontakt.dato"), dato(s.lang(), k.Dato))
	hvem := s.in.Hvem
	if hvem == "" {
		hvem = string(k.Hvem)
	}
	s.field(s.t("pdf.kontakt.hvem"), hvem)
	s.field(s.t("pdf.kontakt.form"), s.w.code(kontaktFormKey, k.Form))
	if k.PNummer != "" {
		if e := s.v.Enhed(k.PNummer); e != nil {
			s.field(s.t("pdf.aftale.arbejdssted"), join("\n", e.Navn, adresse(e.Adresse)))
		}
		s.cleanField(s.t("pdf.aftale.pnr"), s.fo.idText(string(k.PNummer)))
	}
	s.field(s.t("pdf.kontakt.formaal"), k.Formaal)
	if k.Ordning != "" {
		s.field(s.t("pdf.kontakt.ordning"), s.w.code(ordningKey, k.Ordning))
	}
	s.field(s.t("pdf.kontakt.udfald"), k.Udfald)
	s.field(s.t("pdf.kontakt.opfoelgning"), dato(s.lang(), k.Opfoelgning))
}

// openings prints the open job openings (status aaben).
func (s *visit) openings() {
	s.heading(s.t("pdf.kontakt.jobordrer"))
	var rows [][]string
	for _, j := range s.v.Jobordrer {
		if j.Status != "aaben" {
			continue
		}
		rows = append(rows, []string{j.Titel, s.sted(j.PNummer), strconv.Itoa(j.Antal), timerFloat(s.w, float64(j.Timer)), s.period(j.Periode)})
	}
	if len(rows) == 0 {
		s.para(s.t("pdf.kontakt.jobordrer.ingen"), 0)
		return
	}
	s.table([]column{{s.t("pdf.kontakt.col.stilling"), 52}, {s.t("pdf.kontakt.col.sted"), 44}, {s.t("pdf.kontakt.col.antal"), 16},
		{s.t("pdf.kontakt.col.timer"), 24}, {s.t("pdf.kontakt.col.periode"), 34}}, rows)
}

// places prints the places for supported employment that are in force on
// the contact's date or start later, with how many placements fill each
// on that date (or on its first day, for a place that starts later).
func (s *visit) places() {
	s.heading(s.t("pdf.kontakt.pladser"))
	var rows [][]string
	for _, p := range s.v.Pladser {
		if !p.Periode.Slut.IsZero() && p.Periode.Slut.Before(s.k.Dato) {
			continue
		}
		day := s.k.Dato
		if p.Periode.Start.After(day) {
			day = p.Periode.Start
		}
		brugt := 0
		for _, pl := range s.v.Placeringer {
			if pl.Plads == p.ID && pl.Periode.Contains(day) {
				brugt++
			}
		}
		rows = append(rows, []string{s.w.code(ordningKey, p.Ordning), p.Titel, strconv.Itoa(p.Antal), strconv.Itoa(brugt),
			timerFloat(s.w, float64(p.Timer)), s.period(p.Periode)})
	}
	if len(rows) == 0 {
		s.para(s.t("pdf.kontakt.pladser.ingen"), 0)
		return
	}
	s.table([]column{{s.t("pdf.kontakt.col.ordning"), 36}, {s.t("pdf.kontakt.col.stilling"), 46}, {s.t("pdf.kontakt.col.antal"), 16},
		{s.t("pdf.kontakt.col.brugt"), 14}, {s.t("pdf.kontakt.col.timer"), 24}, {s.t("pdf.kontakt.col.periode"), 34}}, rows)
}

// sted names a workplace in a table cell: the P-unit's name and address
// (a bare P-number in a cell would be masked like free text).
func (s *visit) sted(p app.PNummer) string {
	if p == "" {
		return ""
	}
	if e := s.v.Enhed(p); e != nil {
		return join("\n", e.Navn, adresse(e.Adresse))
	}
	return ""
}

// period writes a period on two lines for a narrow column, like the
// plan's activity table.
func (s *visit) period(p app.Period) string {
	if p.Slut.IsZero() || p.Start.IsZero() {
		return periode(s.w, p)
	}
	return datoKort(s.lang(), p.Start) + "–\n" + datoKort(s.lang(), p.Slut)
}
