package pdf

import (
	"strconv"

	"feltsag.dk/feltsag/app"
)

// titles returns the document's title and subtitle.
func (rd *render) titles() (string, string) {
	switch rd.kind {
	case KindSDPAftale:
		return rd.t("pdf.title.sdp"), rd.t("pdf.title.sdp_sub")
	case KindUddannelsesplan:
		return rd.t("pdf.title.min_plan"), rd.t("pdf.title.uddannelsesplan")
	}
	return rd.t("pdf.title.min_plan"), rd.t("pdf.title.jobplan")
}

// metadata sets the PDF's document information: title, language, dates.
// Neither the citizen's name nor the CPR number goes into it: metadata is
// read by file indexers and shown in file dialogs.
func (rd *render) metadata() {
	f := rd.f
	title, sub := rd.titles()
	printed := rd.in.Printed
	f.SetTitle(rd.fo.clean(title+" – "+sub), true)
	f.SetSubject(rd.fo.clean(rd.t("pdf.subject", "jobcenter", jobcenter(rd.in, rd.plan))), true)
	f.SetAuthor(rd.fo.clean(jobcenter(rd.in, rd.plan)), true)
	f.SetCreator("Feltsag", true)
	f.SetLang(rd.lang())
	f.SetCatalogSort(true)
	// fpdf writes the date without a zone offset, which readers take as
	// UTC: give it UTC so the metadata names the right instant.
	f.SetCreationDate(printed.UTC())
	f.SetModificationDate(printed.UTC())
	rd.running = rd.fo.clean(join(" · ", title+" – "+sub, rd.sag.Borger.Navn,
		rd.t("pdf.cpr")+" "+rd.sag.Borger.CPR.Masked()))
}

// titleBlock prints the head of page 1 (DOMAIN §6.1 item 1): title and
// plan type, jobcentre, print date, status, version and last change.
func (rd *render) titleBlock() {
	f := rd.f
	title, sub := rd.titles()
	top := f.GetY()
	rd.font("B", sizeTitle)
	rd.ink(colAccent)
	rd.line(marginL, 110, 9, rd.fo.clean(title), "L")
	rd.font("", sizeSub)
	rd.ink(colMuted)
	rd.line(marginL, 110, 6, rd.fo.clean(sub), "L")
	end := f.GetY()
	f.SetY(top + 1)
	rd.font("B", sizeBody)
	rd.ink(colInk)
	for _, ln := range rd.lines(rd.fo.clean(jobcenter(rd.in, rd.plan)), 58) {
		rd.line(pageW-marginR-58, 58, lineBody, ln, "R")
	}
	rd.font("", sizeBody)
	rd.line(pageW-marginR-58, 58, lineBody, rd.t("pdf.printed")+" "+dato(rd.lang(), rd.today), "R")
	f.SetY(max(end, f.GetY()) + 1.5)
	f.SetDrawColor(colAccent.r, colAccent.g, colAccent.b)
	f.SetLineWidth(0.6)
	f.Line(marginL, f.GetY(), pageW-marginR, f.GetY())
	f.SetY(f.GetY() + 1.5)
	rd.font("", sizeSmall+0.5)
	rd.ink(colMuted)
	rd.line(marginL, contentW, lineSmall+0.6, rd.fo.clean(rd.statusLine()), "L")
	rd.ink(colInk)
	if rd.plan.Status != app.PlanOffentliggjort {
		rd.box(colDraft, "", rd.t("pdf.udkast_note"))
	}
}

// statusLine is "Status: Offentliggjort 10.03.2026 · Version 3 · Senest
// ændret 10.03.2026 kl. 14:32".
func (rd *render) statusLine() string {
	p := rd.plan
	status := rd.t("pdf.status.udkast")
	if p.Status == app.PlanOffentliggjort {
		status = join(" ", rd.t("pdf.status.offentliggjort"), dato(rd.lang(), p.Offentliggjort))
	}
	aendret := ""
	if !p.Aendret.IsZero() {
		aendret = rd.t("pdf.aendret") + " " + tidspunkt(rd.w, p.Aendret)
	}
	return join(" · ", rd.t("pdf.status")+": "+status, rd.t("pdf.version")+" "+strconv.Itoa(p.Version), aendret)
}

// parties prints the citizen and the responsible caseworker side by side
// (DOMAIN §6.1 items 2–3). The CPR number is masked.
func (rd *render) parties() {
	b := rd.sag.Borger
	left := []string{b.Navn, b.Adresse.Vej, join(" ", b.Adresse.Postnr, b.Adresse.By), rd.t("pdf.cpr") + " " + b.CPR.Masked()}
	cw := rd.plan.Ansvarlig
	if cw.Navn == "" {
		cw = rd.in.PrintedBy
	}
	right := []string{cw.Navn, cw.Organisation, labelled(rd.t("pdf.phone"), cw.Telefon), labelled(rd.t("pdf.email"), cw.Email)}
	rd.space(4)
	rd.ensure(6 * lineBody)
	top := rd.f.GetY()
	const colW, gap = 82.0, 6.0
	endL := rd.block(marginL, colW, top, rd.t("pdf.borger"), left)
	endR := rd.block(marginL+colW+gap, contentW-colW-gap, top, rd.t("pdf.caseworker"), right)
	rd.f.SetY(max(endL, endR))
}

// block prints a small titled address block at x from y and returns where
// it ends. The first line is bold; empty lines are skipped.
func (rd *render) block(x, w, y float64, title string, lines []string) float64 {
	rd.f.SetY(y)
	rd.font("B", sizeSmall)
	rd.ink(colMuted)
	rd.line(x, w, lineSmall+0.8, rd.fo.clean(title), "L")
	rd.f.SetDrawColor(colRule.r, colRule.g, colRule.b)
	rd.f.SetLineWidth(0.2)
	rd.f.Line(x, rd.f.GetY(), x+w, rd.f.GetY())
	rd.f.SetY(rd.f.GetY() + 1)
	rd.ink(colInk)
	style := "B"
	for _, s := range lines {
		if s == "" {
			continue
		}
		rd.font(style, sizeBody)
		style = ""
		for _, ln := range rd.lines(rd.fo.clean(s), w) {
			rd.line(x, w, lineBody, ln, "L")
		}
	}
	return rd.f.GetY()
}

func labelled(label, v string) string {
	if v == "" {
		return ""
	}
	return label + " " + v
}

// complaint prints the klagevejledning when the plan contains decisions
// or an uddannelsespålæg (DOMAIN §6.1 item 11, (A)).
func (rd *render) complaint() {
	if !rd.plan.Afgoerelser && rd.plan.Paalaeg == nil {
		return
	}
	// Keep the klagevejledning and the signature block together, so the
	// citizen never signs a page that holds nothing but the signature lines.
	rd.font("", sizeBody)
	klage := rd.t("pdf.klage.tekst")
	n := len(rd.lines(rd.fo.clean(klage), contentW))
	rd.space(4)
	rd.ensure(9 + float64(n)*lineBody + signatureH)
	rd.heading(rd.t("pdf.klage"))
	rd.para(klage, 0)
}

// signatureH is the height the signature block needs (see signature).
const signatureH = 4 + 9 + 2*lineBody + 26

// signature prints the acceptance block (DOMAIN §6.1 item 12): the
// citizen's and the caseworker's signature lines with dates. It is never
// split across pages.
func (rd *render) signature() {
	rd.space(4)
	rd.ensure(signatureH - 4)
	rd.heading(rd.t("pdf.signatur"))
	rd.para(rd.t("pdf.signatur.tekst"), 0)
	cw := rd.plan.Ansvarlig.Navn
	if cw == "" {
		cw = rd.in.PrintedBy.Navn
	}
	y := rd.f.GetY() + 14
	const colW, gap, dateW = 82.0, 6.0, 24.0
	rd.signLine(marginL, colW, dateW, y, rd.t("pdf.signatur.borger"), rd.sag.Borger.Navn)
	rd.signLine(marginL+colW+gap, contentW-colW-gap, dateW, y, rd.t("pdf.signatur.sagsbehandler"), cw)
	rd.f.SetY(y + 3*lineSmall + 2)
}

// footers draws every page's footer once the page count is known: version,
// print time and caseworker on the left, "Side x af y" on the right.
func (rd *render) footers() {
	f := rd.f
	n := f.PageCount()
	left := rd.fo.clean(join(" · ", rd.t("pdf.version")+" "+strconv.Itoa(rd.plan.Version),
		rd.t("pdf.footer.printed", "tid", tidspunkt(rd.w, rd.in.Printed), "af", rd.in.PrintedBy.Navn)))
	f.SetAutoPageBreak(false, 0)
	for p := 1; p <= n; p++ {
		f.SetPage(p)
		// SetFont writes nothing when the font is unchanged, and the page
		// being revisited may end in another one: switch twice to force it.
		rd.font("B", sizeSmall)
		rd.font("", sizeSmall)
		rd.fill(rgb{255, 255, 255})
		rd.ink(colMuted)
		f.SetDrawColor(colRule.r, colRule.g, colRule.b)
		f.SetLineWidth(0.2)
		f.Line(marginL, footerY-1.5, pageW-marginR, footerY-1.5)
		f.SetXY(marginL, footerY)
		f.CellFormat(contentW-30, lineSmall, left, "", 0, "L", false, 0, "")
		f.SetXY(pageW-marginR-30, footerY)
		f.CellFormat(30, lineSmall, rd.t("pdf.footer.page", "side", strconv.Itoa(p), "sider", strconv.Itoa(n)), "", 0, "R", false, 0, "")
	}
}
