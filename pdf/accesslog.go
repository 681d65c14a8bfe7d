package pdf

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"time"

	"feltsag.dk/feltsag/app"
)

// AccessEntry is one line of a case's access log: who viewed or changed
// what, when, from which device (the aktindsigt CSV's columns).
type AccessEntry struct {
	At      time.Time
	Action  string // app.Action*: viewed, changed, searched, printed, exported, …
	Role    string
	User    app.ID
	Device  app.ID
	Command app.ID // the command of a change, else ""
	Kind    string // the command's or the export's kind
	Field   string // the field a change touched, else ""
	Seq     uint64 // the record's position in the server's audit trail
}

// AccessLogInput is everything the access log document is made from.
type AccessLogInput struct {
	Sag       app.ID
	Entries   []AccessEntry // in the ledger's order
	Printed   time.Time
	PrintedBy string // the administrator who exports
	Lang      string // "da" (default) or "en"
}

// AccessLog writes a case's access log (aktindsigt, forvaltningsloven
// § 9 / databeskyttelsesforordningen art. 15) as an A4 PDF table: time,
// action, user and role, device, what. The case is named by its id only:
// the log holds no CPR number and no name. It returns the page count.
// Errors (*app.Error): invalid (no case, print time or administrator, or
// an unknown language), internal (layout or w failed).
func (r *Renderer) AccessLog(w io.Writer, in AccessLogInput) (int, error) {
	lang := in.Lang
	switch lang {
	case "":
		lang = "da"
	case "da", "en":
	default:
		return 0, app.Errorf(app.CodeInvalid, "", "invalid.pdf.lang", "sprog", lang)
	}
	if err := in.Sag.Validate(); err != nil {
		return 0, app.AsError(err).WithField("sag")
	}
	if in.Printed.IsZero() {
		return 0, app.Errorf(app.CodeInvalid, "", "invalid.print_time_missing")
	}
	if in.PrintedBy == "" {
		return 0, app.Errorf(app.CodeInvalid, "", "invalid.give_caseworker_who")
	}
	ws := words{lang: lang, cat: r.texts}
	d := newDoc(r.fonts, ws)
	title := d.t("pdf.accesslog.title")
	f := d.f
	f.SetTitle(d.fo.clean(title+" – "+string(in.Sag)), true)
	f.SetCreator("Feltsag", true)
	f.SetLang(lang)
	f.SetCatalogSort(true)
	f.SetCreationDate(in.Printed.UTC())
	f.SetModificationDate(in.Printed.UTC())
	d.running = d.fo.clean(join(" · ", title, d.t("pdf.accesslog.case", "sag", string(in.Sag))))
	f.AddPage()

	d.font("B", sizeTitle)
	d.ink(colAccent)
	d.line(marginL, contentW, 9, d.fo.clean(title), "L")
	d.font("", sizeSub)
	d.ink(colMuted)
	d.line(marginL, contentW, 6, d.fo.clean(d.t("pdf.accesslog.case", "sag", string(in.Sag))), "L")
	d.ink(colInk)
	d.font("", sizeBody)
	d.space(2)
	d.para(d.fo.clean(d.t("pdf.accesslog.intro", "antal", strconv.Itoa(len(in.Entries)))), 0)

	cols := []column{
		{d.t("pdf.accesslog.col.time"), 35},
		{d.t("pdf.accesslog.col.action"), 22},
		{d.t("pdf.accesslog.col.user"), 36},
		{d.t("pdf.accesslog.col.device"), 33},
		{d.t("pdf.accesslog.col.what"), 44},
	}
	rows := make([][]string, 0, len(in.Entries))
	for _, e := range in.Entries {
		rows = append(rows, []string{
			tidspunkt(ws, e.At),
			r.actionName(lang, e.Action),
			join(" · ", string(e.User), e.Role),
			string(e.Device),
			join(" · ", e.Kind, e.Field, string(e.Command)),
		})
	}
	if len(rows) == 0 {
		d.para(d.fo.clean(d.t("pdf.accesslog.empty")), 0)
	} else {
		d.table(cols, rows)
	}

	n := f.PageCount()
	left := d.fo.clean(d.t("pdf.footer.printed", "tid", tidspunkt(ws, in.Printed), "af", in.PrintedBy))
	f.SetAutoPageBreak(false, 0)
	for p := 1; p <= n; p++ {
		f.SetPage(p)
		d.font("B", sizeSmall)
		d.font("", sizeSmall)
		d.ink(colMuted)
		f.SetDrawColor(colRule.r, colRule.g, colRule.b)
		f.SetLineWidth(0.2)
		f.Line(marginL, footerY-1.5, pageW-marginR, footerY-1.5)
		f.SetXY(marginL, footerY)
		f.CellFormat(contentW-30, lineSmall, left, "", 0, "L", false, 0, "")
		f.SetXY(pageW-marginR-30, footerY)
		f.CellFormat(30, lineSmall, d.t("pdf.footer.page", "side", strconv.Itoa(p), "sider", strconv.Itoa(n)), "", 0, "R", false, 0, "")
	}
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		return 0, app.Internal(fmt.Errorf("pdf: %w", err))
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return 0, app.Internal(fmt.Errorf("pdf: write: %w", err))
	}
	return n, nil
}

// actionName is an audit action's name in lang, or the action's code when
// the catalogue has no name for it (an action newer than this build).
func (r *Renderer) actionName(lang, action string) string {
	key := actionKey(action)
	if key == "" || !r.texts.Has(lang, key) {
		return action
	}
	return r.texts.Text(lang, key, nil, nil)
}

// actionKey is the key of an audit action's name ("" for one it does not
// know).
func actionKey(action string) string {
	switch action {
	case app.ActionViewed:
		return "pdf.accesslog.action.viewed"
	case app.ActionChanged:
		return "pdf.accesslog.action.changed"
	case app.ActionSearched:
		return "pdf.accesslog.action.searched"
	case app.ActionPrinted:
		return "pdf.accesslog.action.printed"
	case app.ActionExported:
		return "pdf.accesslog.action.exported"
	case app.ActionPurged:
		return "pdf.accesslog.action.purged"
	case app.ActionAdminAssign:
		return "pdf.accesslog.action.admin_assign"
	}
	return ""
}
