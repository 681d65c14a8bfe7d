package pdf

import (
	"strings"

	"codeberg.org/go-pdf/fpdf"
)

// Page geometry in millimetres (A4 portrait).
const (
	pageW    = 210.0
	pageH    = 297.0
	marginL  = 20.0
	marginR  = 20.0
	marginT  = 20.0
	marginB  = 22.0
	contentW = pageW - marginL - marginR
	bottom   = pageH - marginB // content never goes below this line
	footerY  = pageH - 14.0
)

// Type sizes in points and the line heights that go with them.
const (
	sizeTitle = 20.0
	sizeSub   = 12.5
	sizeHead  = 12.0
	sizeBody  = 9.5
	sizeTable = 8.5
	sizeSmall = 7.5
	lineBody  = 4.6
	lineTable = 3.9
	lineSmall = 3.4
	labelW    = 48.0 // width of the label column in field rows
)

type rgb struct{ r, g, b int }

var (
	colInk     = rgb{30, 30, 30}
	colMuted   = rgb{95, 95, 95}
	colAccent  = rgb{23, 62, 107}
	colRule    = rgb{170, 178, 189}
	colZebra   = rgb{243, 245, 248}
	colHeadRow = rgb{222, 230, 241}
	colDraft   = rgb{253, 240, 205}
	colNotice  = rgb{232, 240, 250}
)

// doc is one document being laid out: the fpdf document, the fonts, the
// fixed texts of its language and the running header for pages after the first.
// It breaks pages itself, so that headings keep with what follows and
// tables repeat their header row.
type doc struct {
	f       *fpdf.Fpdf
	fo      *fontSet
	w       words
	running string // text of the running header on pages 2, 3, …
}

// newDoc starts an A4 document with the fonts registered and the
// running header installed.
func newDoc(fo *fontSet, w words) *doc {
	f := fpdf.New("P", "mm", "A4", "")
	d := &doc{f: f, fo: fo, w: w}
	f.SetMargins(marginL, marginT, marginR)
	f.SetAutoPageBreak(true, marginB) // a safety net: ensure breaks first
	f.SetCellMargin(0)
	fo.add(f)
	f.SetHeaderFunc(d.header)
	d.font("", sizeBody)
	d.ink(colInk)
	return d
}

// header draws the running header on every page but the first, so a loose
// page can be matched to its citizen (masked CPR only).
func (d *doc) header() {
	if d.f.PageNo() <= 1 {
		return
	}
	d.font("", sizeSmall)
	d.ink(colMuted)
	d.f.SetXY(marginL, 10)
	d.f.CellFormat(contentW, lineSmall, d.running, "", 0, "L", false, 0, "")
	d.f.SetDrawColor(colRule.r, colRule.g, colRule.b)
	d.f.SetLineWidth(0.2)
	d.f.Line(marginL, 14.5, pageW-marginR, 14.5)
	d.f.SetXY(marginL, marginT)
}

// t renders one of the document's fixed texts (see words.t).
func (d *doc) t(key string, kv ...string) string { return d.w.t(key, kv...) }

// lang is the document's language, "da" or "en".
func (d *doc) lang() string { return d.w.lang }

func (d *doc) font(style string, size float64) { d.f.SetFont(family, style, size) }
func (d *doc) ink(c rgb)                       { d.f.SetTextColor(c.r, c.g, c.b) }
func (d *doc) fill(c rgb)                      { d.f.SetFillColor(c.r, c.g, c.b) }

// ensure starts a new page unless h millimetres fit above the bottom
// margin.
func (d *doc) ensure(h float64) {
	if d.f.GetY()+h > bottom {
		d.f.AddPage()
	}
}

// space moves down by h, unless at the top of a page.
func (d *doc) space(h float64) {
	if d.f.GetY() > marginT+0.1 {
		d.f.SetY(d.f.GetY() + h)
	}
}

// lines splits cleaned text into lines of at most width w in the current
// font; explicit line breaks are kept and an empty text gives no lines.
func (d *doc) lines(s string, w float64) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] != '\n' {
			continue
		}
		if para := s[start:i]; para != "" {
			out = append(out, d.wrap(para, w)...)
		} else if i < len(s) {
			out = append(out, "")
		}
		start = i + 1
	}
	return out
}

// wrap breaks one paragraph into lines of at most width w at spaces. A
// space between two short groups of digits does not break, so "86 12 34
// 56" stays on one line; a word wider than w is cut.
func (d *doc) wrap(s string, w float64) []string {
	var out []string
	line := ""
	for _, unit := range units(s) {
		next := unit
		if line != "" {
			next = line + " " + unit
		}
		if d.f.GetStringWidth(next) <= w {
			line = next
			continue
		}
		if line != "" {
			out = append(out, line)
		}
		line = d.cut(unit, w, &out)
	}
	if line != "" || len(out) == 0 {
		out = append(out, line)
	}
	return out
}

// cut appends to out the leading pieces of a unit wider than w and
// returns the rest.
func (d *doc) cut(unit string, w float64, out *[]string) string {
	for d.f.GetStringWidth(unit) > w {
		r := []rune(unit)
		n := len(r) - 1
		for n > 1 && d.f.GetStringWidth(string(r[:n])) > w {
			n--
		}
		*out = append(*out, string(r[:n]))
		unit = string(r[n:])
	}
	return unit
}

// units splits s at spaces into the pieces a line may break between,
// gluing groups of at most four digits together (phone numbers).
func units(s string) []string {
	words := strings.Fields(s)
	out := words[:0]
	for _, w := range words {
		if n := len(out); n > 0 && digitGroup(out[n-1], true) && digitGroup(w, false) {
			out[n-1] += " " + w
			continue
		}
		out = append(out, w)
	}
	return out
}

// digitGroup reports whether w ends (end) or starts (!end) with a group
// of one to four digits standing alone.
func digitGroup(w string, end bool) bool {
	if end {
		if i := strings.LastIndexByte(w, ' '); i >= 0 {
			w = w[i+1:]
		}
	}
	return len(w) >= 1 && len(w) <= 4 && strings.Trim(w, "0123456789") == ""
}

// line prints one line at x, width w, and moves down by h.
func (d *doc) line(x, w, h float64, s, align string) {
	d.f.SetXY(x, d.f.GetY())
	d.f.CellFormat(w, h, s, "", 2, align, false, 0, "")
}

// para prints wrapped text from the left margin plus indent, breaking
// pages between lines.
func (d *doc) para(s string, indent float64) {
	d.font("", sizeBody)
	d.ink(colInk)
	for _, ln := range d.lines(d.fo.clean(s), contentW-indent) {
		d.ensure(lineBody)
		d.line(marginL+indent, contentW-indent, lineBody, ln, "L")
	}
}

// heading starts a section: a bold accent title over a thin rule, kept on
// a page together with at least three lines of what follows.
func (d *doc) heading(s string) {
	d.space(4)
	d.ensure(9 + 3*lineBody)
	d.font("B", sizeHead)
	d.ink(colAccent)
	d.line(marginL, contentW, 6, d.fo.clean(s), "L")
	y := d.f.GetY() + 0.6
	d.f.SetDrawColor(colRule.r, colRule.g, colRule.b)
	d.f.SetLineWidth(0.3)
	d.f.Line(marginL, y, pageW-marginR, y)
	d.f.SetY(y + 2)
	d.ink(colInk)
}

// subheading prints a bold body-size title kept with two lines after it.
func (d *doc) subheading(s string) {
	d.space(1.5)
	d.ensure(3 * lineBody)
	d.font("B", sizeBody)
	d.ink(colInk)
	d.line(marginL, contentW, lineBody, d.fo.clean(s), "L")
	d.font("", sizeBody)
}

// field prints "label  value" with the label in a column of its own; both
// wrap, and a long value continues on the next page.
func (d *doc) field(label, value string) {
	d.cleanField(label, d.fo.clean(value))
}

// cleanField is field with a value that is printable already: made by
// clean, or a register number from idText.
func (d *doc) cleanField(label, value string) {
	if value == "" {
		return
	}
	d.font("B", sizeBody)
	ls := d.lines(d.fo.clean(label), labelW-3)
	d.font("", sizeBody)
	vs := d.lines(value, contentW-labelW)
	n := max(len(ls), len(vs))
	d.ensure(float64(min(n, 3)) * lineBody)
	for i := range n {
		d.ensure(lineBody)
		y := d.f.GetY()
		if i < len(ls) {
			d.font("B", sizeBody)
			d.ink(colMuted)
			d.line(marginL, labelW-3, lineBody, ls[i], "L")
		}
		d.f.SetY(y)
		if i < len(vs) {
			d.font("", sizeBody)
			d.ink(colInk)
			d.line(marginL+labelW, contentW-labelW, lineBody, vs[i], "L")
		}
		d.f.SetY(y + lineBody)
	}
	d.ink(colInk)
}

// bullets prints a list with hanging indents.
func (d *doc) bullets(items []string) {
	d.font("", sizeBody)
	d.ink(colInk)
	const indent = 5.0
	for _, it := range items {
		ls := d.lines(d.fo.clean(it), contentW-indent)
		d.ensure(float64(min(len(ls), 2)) * lineBody)
		for i, ln := range ls {
			d.ensure(lineBody)
			if i == 0 {
				d.f.SetX(marginL + 1)
				d.f.CellFormat(indent-1, lineBody, "•", "", 0, "L", false, 0, "")
			}
			d.line(marginL+indent, contentW-indent, lineBody, ln, "L")
		}
	}
}

// box prints text on a coloured background across the text width; a
// title, if given, goes first in bold. The box is never split.
func (d *doc) box(c rgb, title, text string) {
	const pad = 2.5
	w := contentW - 2*pad
	d.font("", sizeBody)
	ls := d.lines(d.fo.clean(text), w)
	h := float64(len(ls))*lineBody + 2*pad
	if title != "" {
		h += lineBody
	}
	d.space(1)
	d.ensure(h)
	y := d.f.GetY()
	d.fill(c)
	d.f.Rect(marginL, y, contentW, h, "F")
	d.f.SetY(y + pad)
	if title != "" {
		d.font("B", sizeBody)
		d.line(marginL+pad, w, lineBody, d.fo.clean(title), "L")
		d.font("", sizeBody)
	}
	for _, ln := range ls {
		d.line(marginL+pad, w, lineBody, ln, "L")
	}
	d.f.SetY(y + h + 1)
}
