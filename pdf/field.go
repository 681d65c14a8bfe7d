package pdf

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"feltsag.dk/feltsag/app"
)

// The paper a job consultant leaves a company with (issue 11): the
// agreement of a virksomhedspraktik or løntilskud placement
// (agreement.go) and the summary of a visit or other contact (visit.go).
// They share the plan's page frame, fonts, footers and CPR masking.

// Kinds of the field kit's documents.
const (
	KindAftalePraktik      Kind = "aftale_praktik"     // agreement on a virksomhedspraktik
	KindAftaleLoentilskud  Kind = "aftale_loentilskud" // agreement on employment with løntilskud
	KindVirksomhedskontakt Kind = "virksomhedskontakt" // summary of a visit or other company contact
)

// FieldInfo is what the caller needs for the audit event of a field-kit
// document.
type FieldInfo struct {
	Kind     Kind
	Pages    int
	Bytes    int64
	Lang     string
	RegelSet string // the rule set the agreement's declarations come from ("" for a visit summary)
}

// checkLang returns the document language, "da" for "".
func checkLang(lang string) (string, error) {
	switch lang {
	case "":
		return "da", nil
	case "da", "en":
		return lang, nil
	}
	return "", app.Errorf(app.CodeInvalid, "", "invalid.pdf.lang", "sprog", lang)
}

// checkPrint checks what every field-kit document needs: a print time, the
// jobcentre's caseworker and the jobcentre's name.
func checkPrint(printed time.Time, cw app.Sagsbehandler, jobcenter string) error {
	switch {
	case printed.IsZero():
		return app.Errorf(app.CodeInvalid, "", "invalid.print_time_missing")
	case strings.TrimSpace(cw.Navn) == "":
		return app.Errorf(app.CodeInvalid, "", "invalid.pdf.sagsbehandler").WithField("sagsbehandler")
	case strings.TrimSpace(jobcenter) == "":
		return app.Errorf(app.CodeInvalid, "", "invalid.pdf.jobcenter").WithField("jobcenter")
	}
	return nil
}

// orJobcenter is the jobcentre named on a document: the given name, else
// the caseworker's organisation.
func orJobcenter(name string, cw app.Sagsbehandler) string {
	if name != "" {
		return name
	}
	return cw.Organisation
}

// meta sets the document information of a field-kit document: title,
// subject and author (the jobcentre), language and dates. Like the plan's,
// it names no person and no CPR number.
func (d *doc) meta(title, subject, author string, printed time.Time) {
	f := d.f
	f.SetTitle(d.fo.clean(title), true)
	f.SetSubject(d.fo.clean(subject), true)
	f.SetAuthor(d.fo.clean(author), true)
	f.SetCreator("Feltsag", true)
	f.SetLang(d.lang())
	f.SetCatalogSort(true)
	f.SetCreationDate(printed.UTC())
	f.SetModificationDate(printed.UTC())
}

// sizeFieldTitle is the title size of the field kit's documents: their
// titles are longer than "Min Plan" and fit one line at this size.
const sizeFieldTitle = 16.0

// head prints the head of page 1 like the plan's: title and subtitle on
// the left, the jobcentre and the print date on the right, a rule, and a
// muted status line under it.
func (d *doc) head(title, sub, jobcenter string, printed app.Date, status string) {
	f := d.f
	top := f.GetY()
	d.font("B", sizeFieldTitle)
	d.ink(colAccent)
	for _, ln := range d.lines(d.fo.clean(title), 110) {
		d.line(marginL, 110, 7.5, ln, "L")
	}
	d.font("", sizeSub)
	d.ink(colMuted)
	for _, ln := range d.lines(d.fo.clean(sub), 110) {
		d.line(marginL, 110, 6, ln, "L")
	}
	end := f.GetY()
	f.SetY(top + 1)
	d.font("B", sizeBody)
	d.ink(colInk)
	for _, ln := range d.lines(d.fo.clean(jobcenter), 56) {
		d.line(pageW-marginR-56, 56, lineBody, ln, "R")
	}
	d.font("", sizeBody)
	d.line(pageW-marginR-56, 56, lineBody, d.t("pdf.printed")+" "+dato(d.lang(), printed), "R")
	f.SetY(max(end, f.GetY()) + 1.5)
	f.SetDrawColor(colAccent.r, colAccent.g, colAccent.b)
	f.SetLineWidth(0.6)
	f.Line(marginL, f.GetY(), pageW-marginR, f.GetY())
	f.SetY(f.GetY() + 1.5)
	if status != "" {
		d.font("", sizeSmall+0.5)
		d.ink(colMuted)
		d.line(marginL, contentW, lineSmall+0.6, d.fo.clean(status), "L")
	}
	d.ink(colInk)
}

// partyBlock prints a small titled block at x from y and returns where it
// ends: the first non-empty line bold, the rest regular (like the plan's
// address blocks). The lines are printable already (clean, idText).
func (d *doc) partyBlock(x, w, y float64, title string, lines []string) float64 {
	f := d.f
	f.SetY(y)
	d.font("B", sizeSmall)
	d.ink(colMuted)
	d.line(x, w, lineSmall+0.8, d.fo.clean(title), "L")
	f.SetDrawColor(colRule.r, colRule.g, colRule.b)
	f.SetLineWidth(0.2)
	f.Line(x, f.GetY(), x+w, f.GetY())
	f.SetY(f.GetY() + 1)
	d.ink(colInk)
	style := "B"
	for _, s := range lines {
		if s == "" {
			continue
		}
		d.font(style, sizeBody)
		style = ""
		for _, ln := range d.lines(s, w) {
			d.line(x, w, lineBody, ln, "L")
		}
	}
	return f.GetY()
}

// parties prints blocks side by side, each as wide as its share of the
// text width, kept on one page.
func (d *doc) parties(blocks []partyCol) {
	const gap = 6.0
	total := 0.0
	for _, b := range blocks {
		total += b.share
	}
	free := contentW - gap*float64(len(blocks)-1)
	h := 0.0
	for _, b := range blocks {
		d.font("", sizeBody)
		k := 0
		for _, s := range b.lines {
			if s != "" {
				k += len(d.lines(s, free*b.share/total))
			}
		}
		h = max(h, float64(k)*lineBody+lineSmall+2)
	}
	d.space(4)
	d.ensure(h)
	top := d.f.GetY()
	end, x := top, marginL
	for _, b := range blocks {
		w := free * b.share / total
		end = max(end, d.partyBlock(x, w, top, b.title, b.lines))
		x += w + gap
	}
	d.f.SetY(end)
}

// partyCol is one block of parties: a title, its printable lines and its
// share of the width.
type partyCol struct {
	title string
	lines []string
	share float64
}

// idText prints a register number — a CVR number (8 digits) or a P-number
// (10 digits), as app keeps them — as it is. A P-number has the shape of
// a CPR number: ten digits, and those from 1001000000 to 1012999999 start
// like a date (1003388394 reads as 10.03.38), so clean would print it as
// "100338-XXXX". It comes from the company's register fields, which hold
// digits only (app.ParsePNummer), never from free text; anything else
// goes through clean.
func (fo *fontSet) idText(id string) string {
	if (len(id) == 8 || len(id) == 10) && strings.Trim(id, "0123456789") == "" {
		return id
	}
	return fo.clean(id)
}

// idLine is "label number" for a register number, or "" without one.
func (d *doc) idLine(label, id string) string {
	if id == "" {
		return ""
	}
	return d.fo.clean(label) + " " + d.fo.idText(id)
}

// cleanAll cleans each of ss.
func (d *doc) cleanAll(ss ...string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = d.fo.clean(s)
	}
	return out
}

// pageFooters draws every page's footer once the page count is known, as
// the plan's footers do: left text, "Side x af y" on the right.
func (d *doc) pageFooters(left string) {
	f := d.f
	n := f.PageCount()
	left = d.fo.clean(left)
	f.SetAutoPageBreak(false, 0)
	for p := 1; p <= n; p++ {
		f.SetPage(p)
		// SetFont writes nothing when the font is unchanged, and the page
		// being revisited may end in another one: switch twice to force it.
		d.font("B", sizeSmall)
		d.font("", sizeSmall)
		d.fill(rgb{255, 255, 255})
		d.ink(colMuted)
		f.SetDrawColor(colRule.r, colRule.g, colRule.b)
		f.SetLineWidth(0.2)
		f.Line(marginL, footerY-1.5, pageW-marginR, footerY-1.5)
		f.SetXY(marginL, footerY)
		f.CellFormat(contentW-30, lineSmall, left, "", 0, "L", false, 0, "")
		f.SetXY(pageW-marginR-30, footerY)
		f.CellFormat(30, lineSmall, d.t("pdf.footer.page", "side", strconv.Itoa(p), "sider", strconv.Itoa(n)), "", 0, "R", false, 0, "")
	}
}

// output writes the finished document to w through a buffer, so nothing
// is written when fpdf fails, and returns its size.
func (d *doc) output(w io.Writer) (int64, error) {
	var buf bytes.Buffer
	buf.Grow(64 << 10)
	if err := d.f.Output(&buf); err != nil {
		return 0, app.Internal(fmt.Errorf("pdf: %w", err))
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return 0, app.Internal(fmt.Errorf("pdf: write: %w", err))
	}
	return int64(buf.Len()), nil
}

// timerFloat writes hours per week given as a decimal number: 18.5 →
// "18 t 30 min".
func timerFloat(w words, h float64) string {
	hele, rest := math.Modf(h)
	return timerPrUge(w, int(hele), int(math.Round(rest*60)))
}

// antal writes an FTE count the Danish or English way: "12,5" or "12.5".
func antal(lang string, f float64) string {
	s := strconv.FormatFloat(math.Round(f*100)/100, 'f', -1, 64)
	if lang != "en" {
		s = strings.ReplaceAll(s, ".", ",")
	}
	return s
}

// ordningKey is the key of a scheme's short name.
func ordningKey(code string) string {
	switch code {
	case app.OrdningPraktik:
		return "pdf.ordning.virksomhedspraktik"
	case app.OrdningLoentilskud:
		return "pdf.ordning.loentilskud"
	case app.OrdningFleksjob:
		return "pdf.ordning.fleksjob"
	case app.OrdningVoksenlaerl:
		return "pdf.ordning.voksenlaerling"
	case app.OrdningJobrotation:
		return "pdf.ordning.jobrotation"
	}
	return ""
}

// rolleKey is the key of a contact person's role.
func rolleKey(code string) string {
	switch code {
	case "leder":
		return "pdf.aftale.rolle.leder"
	case "hr":
		return "pdf.aftale.rolle.hr"
	case "tillidsrepraesentant":
		return "pdf.aftale.rolle.tillidsrepraesentant"
	case "medarbejderrepraesentant":
		return "pdf.aftale.rolle.medarbejderrepraesentant"
	case "mentor":
		return "pdf.aftale.rolle.mentor"
	case "anden":
		return "pdf.aftale.rolle.anden"
	}
	return ""
}

// kontaktFormKey is the key of a company contact's form.
func kontaktFormKey(code string) string {
	switch code {
	case "besoeg":
		return "pdf.kontakt.form.besoeg"
	case "telefon":
		return "pdf.kontakt.form.telefon"
	case "video":
		return "pdf.kontakt.form.video"
	case "mail":
		return "pdf.kontakt.form.mail"
	}
	return ""
}

// adresse writes a street address on one line: "Vej 1, 8000 Aarhus C".
func adresse(a app.Adresse) string {
	return join(", ", a.Vej, join(" ", a.Postnr, a.By))
}
