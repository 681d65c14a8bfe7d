package ui

import (
	"image/color"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"feltsag.dk/feltsag/app"
)

// The Overblik's timeline (issue 10 §2): a citizen's last six months and
// next three in one look. TimelineOf maps a case to what is drawn (no
// Fyne); timelineWidget draws it with the theme's colours.

// Months of the timeline before and after today.
const (
	timelineBefore = 6
	timelineAfter  = 3
)

// Timeline is what the Overblik's timeline shows of one case: its window
// (From to To, both inclusive), today, month ticks and, per row, the
// periods and marks that fall in the window, clipped to it.
type Timeline struct {
	From, To, Today app.Date
	Months          []app.Date // the first day of every month in the window

	KG       []Band // kontaktgruppe periods; Code is the KG number
	Tilmeldt []Band // tilmelding periods
	Fravaer  []Band // fravær; Kind is BandFerie, BandSygdom or BandAndet, Code the type
	Samtaler []Mark // Kind is the samtale's status (afholdt, udeblevet, planlagt) or MarkUdenUdfald
	Frister  []Mark // Kind is the deadline's status, Code its name
}

// Band is a period on the timeline, clipped to the window (Start, Slut);
// Periode is the whole period, for its detail. Open means it goes on after
// To (no end date, or one after the window).
type Band struct {
	Start, Slut app.Date
	Open        bool
	Kind, Code  string
	Periode     app.Period
}

// Mark is one date on the timeline.
type Mark struct {
	Dato       app.Date
	Kind, Code string
}

// MarkUdenUdfald is a samtale still planned on a day before today: its
// outcome has not been registered.
const MarkUdenUdfald = "uden_udfald"

// Fravær kinds on the timeline: ferie and sickness have their own colour,
// the other types share one.
const (
	BandFerie  = "ferie"
	BandSygdom = "sygdom"
	BandAndet  = "andet"
)

// TimelineOf maps the case s to its timeline on today: kontaktgruppe
// periods (the history and the open one), the tilmelding, every fravær not
// deleted, the samtaler held, missed and planned (cancelled ones are left
// out), and the deadlines the rules compute for today (frister, from
// Rules.Overblik). Only what touches the window is kept.
//
// The case holds only the current tilmelding (since Siden); an earlier
// period of the same ledighedsperiode (from FoersteDato) is drawn when a
// sygemelding that deregistered the citizen says where it ended.
func TimelineOf(s *app.Sag, frister []app.Frist, today app.Date) Timeline {
	tl := Timeline{From: today.AddMonths(-timelineBefore), To: today.AddMonths(timelineAfter), Today: today}
	y, m, _ := tl.From.YMD()
	for d := app.MustDate(y, m, 1); !d.After(tl.To); d = d.AddMonths(1) {
		if !d.Before(tl.From) {
			tl.Months = append(tl.Months, d)
		}
	}
	kgs := append([]app.KGForloeb(nil), s.KGHistorik...)
	if s.Kontaktgruppe != nil {
		kgs = append(kgs, *s.Kontaktgruppe)
	}
	for _, kg := range kgs {
		if kg.KG > 0 {
			tl.addBand(&tl.KG, kg.Periode, "kg", strconv.Itoa(kg.KG))
		}
	}
	for _, p := range tilmeldingPeriods(s) {
		tl.addBand(&tl.Tilmeldt, p, "tilmeldt", "")
	}
	for _, f := range s.Fravaer {
		if !f.Slettet && !f.Periode.Start.IsZero() {
			tl.addBand(&tl.Fravaer, f.Periode, fravaerKind(f.Type), f.Type)
		}
	}
	for _, sm := range s.Samtaler {
		switch {
		case sm.Status == app.SamtalePlanlagt && sm.Dato.Before(today):
			tl.addMark(&tl.Samtaler, sm.Dato, MarkUdenUdfald, sm.Type)
		case sm.Status == app.SamtaleAfholdt, sm.Status == app.SamtaleUdeblevet, sm.Status == app.SamtalePlanlagt:
			tl.addMark(&tl.Samtaler, sm.Dato, sm.Status, sm.Type)
		}
	}
	for _, f := range frister {
		tl.addMark(&tl.Frister, f.Dato, f.Status, f.Navn)
	}
	return tl
}

// tilmeldingPeriods returns the registration periods the case records.
func tilmeldingPeriods(s *app.Sag) []app.Period {
	t := s.Tilmelding
	var cur app.Period
	switch {
	case t.ErTilmeldt() && !t.Siden.IsZero():
		cur = app.Period{Start: t.Siden}
		if !t.Afmeldes.IsZero() {
			cur.Slut = t.Afmeldes.AddDays(-1) // a planned afmelding
		}
	case !t.ErTilmeldt() && !t.Siden.IsZero() && !t.AfmeldtDato.IsZero() && !t.AfmeldtDato.Before(t.Siden):
		cur = app.Period{Start: t.Siden, Slut: t.AfmeldtDato.AddDays(-1)}
	default:
		return nil
	}
	out := []app.Period{cur}
	if first := t.FoersteDato; !first.IsZero() && first.Before(cur.Start) {
		var end app.Date
		for _, f := range s.Fravaer {
			st := f.Periode.Start
			if !f.Slettet && f.Type == app.FravaerSygemelding && f.Foer != nil && f.Foer.Tilmeldt &&
				st.After(first) && st.Before(cur.Start) && st.After(end) {
				end = st
			}
		}
		if !end.IsZero() {
			out = append([]app.Period{{Start: first, Slut: end.AddDays(-1)}}, out...)
		}
	}
	return out
}

func fravaerKind(typ string) string {
	switch typ {
	case app.FravaerFerie:
		return BandFerie
	case app.FravaerSygemelding:
		return BandSygdom
	}
	return BandAndet
}

// addBand clips p to the window and adds it unless it lies outside.
func (tl *Timeline) addBand(to *[]Band, p app.Period, kind, code string) {
	start, slut := p.Start, p.Slut
	if start.IsZero() || start.Before(tl.From) {
		start = tl.From
	}
	open := slut.IsZero() || slut.After(tl.To)
	if open {
		slut = tl.To
	}
	if start.After(tl.To) || slut.Before(tl.From) || slut.Before(start) {
		return
	}
	*to = append(*to, Band{Start: start, Slut: slut, Open: open, Kind: kind, Code: code, Periode: p})
}

func (tl *Timeline) addMark(to *[]Mark, d app.Date, kind, code string) {
	if !d.IsZero() && !d.Before(tl.From) && !d.After(tl.To) {
		*to = append(*to, Mark{Dato: d, Kind: kind, Code: code})
	}
}

// timelineWidget draws a Timeline on the canvas: a row per kind of fact
// with its name on the left, month ticks on top, a line for today, and a
// legend below. Colours are the theme's, read on every refresh, so the
// timeline follows a switch between light and dark. Pointing at a band or
// a mark, or stepping through them with the arrow keys after Tab, shows
// its detail in the line under the rows.
type timelineWidget struct {
	widget.BaseWidget
	tl    Timeline
	names func(kind, code string) string // rule-table names: "kg", "3" → "Kontanthjælpsmodtager"

	hits    []timelineHit // what is drawn where, in row and date order (set by the renderer)
	sel     int           // the hit whose detail shows; -1 none
	focused bool
}

// timelineHit is a band or mark as drawn: its box and its detail.
type timelineHit struct {
	pos    fyne.Position
	size   fyne.Size
	detail string
}

func newTimeline(tl Timeline, names func(kind, code string) string) *timelineWidget {
	orCode := func(kind, code string) string {
		if n := names(kind, code); n != "" {
			return n
		}
		return code
	}
	w := &timelineWidget{tl: tl, names: orCode, sel: -1}
	w.ExtendBaseWidget(w)
	return w
}

// hitAt returns the hit under p (with a few units of slack for the small
// marks), or -1.
func (w *timelineWidget) hitAt(p fyne.Position) int {
	const slack = 4
	for i, h := range w.hits {
		if p.X >= h.pos.X-slack && p.X <= h.pos.X+h.size.Width+slack && p.Y >= h.pos.Y && p.Y <= h.pos.Y+h.size.Height {
			return i
		}
	}
	return -1
}

func (w *timelineWidget) selectHit(i int) {
	if i != w.sel {
		w.sel = i
		w.Refresh()
	}
}

// MouseIn implements desktop.Hoverable.
func (w *timelineWidget) MouseIn(e *desktop.MouseEvent) { w.MouseMoved(e) }

// MouseMoved shows the detail of what the pointer is on.
func (w *timelineWidget) MouseMoved(e *desktop.MouseEvent) {
	if i := w.hitAt(e.Position); i >= 0 || !w.focused {
		w.selectHit(i)
	}
}

// MouseOut clears the detail unless the keyboard is stepping through.
func (w *timelineWidget) MouseOut() {
	if !w.focused {
		w.selectHit(-1)
	}
}

// Tapped shows the detail of what was tapped and takes the keyboard.
func (w *timelineWidget) Tapped(e *fyne.PointEvent) {
	if c := fyne.CurrentApp().Driver().CanvasForObject(w); c != nil {
		c.Focus(w)
	}
	if i := w.hitAt(e.Position); i >= 0 {
		w.selectHit(i)
	}
}

// FocusGained implements fyne.Focusable: the first band or mark shows.
func (w *timelineWidget) FocusGained() {
	w.focused = true
	if w.sel < 0 && len(w.hits) > 0 {
		w.sel = 0
	}
	w.Refresh()
}

// FocusLost implements fyne.Focusable.
func (w *timelineWidget) FocusLost() {
	w.focused = false
	w.selectHit(-1)
}

// TypedRune implements fyne.Focusable.
func (w *timelineWidget) TypedRune(rune) {}

// TypedKey steps to the next (→, ↓) or previous (←, ↑) band or mark.
func (w *timelineWidget) TypedKey(e *fyne.KeyEvent) {
	if len(w.hits) == 0 {
		return
	}
	switch e.Name {
	case fyne.KeyRight, fyne.KeyDown:
		w.selectHit((w.sel + 1) % len(w.hits))
	case fyne.KeyLeft, fyne.KeyUp:
		w.selectHit((max(w.sel, 0) + len(w.hits) - 1) % len(w.hits))
	}
}

// samtaleName is a samtale type's word ("jobsamtale", "opfølgningssamtale"),
// as the printed plan writes it, or the code.
func samtaleName(typ string) string {
	key := "pdf.samtaletype." + typ
	if s := lang.L(key); s != key {
		return s
	}
	return typ
}

// bandDetail is a band's detail: "Ferie 05.10.2026–09.10.2026".
func (w *timelineWidget) bandDetail(b Band) string {
	var what string
	switch b.Kind {
	case "kg":
		what = "KG" + b.Code + " " + w.names("kg", b.Code)
	case "tilmeldt":
		what = lang.L("timeline.tilmeldt")
	default:
		what = w.names("fravaer", b.Code)
	}
	start := b.Periode.Start
	if start.IsZero() {
		start = b.Start
	}
	if b.Periode.Slut.IsZero() {
		return lang.L("timeline.detail.open", map[string]any{"Hvad": what, "Fra": dateText(start)})
	}
	return lang.L("timeline.detail.period", map[string]any{"Hvad": what, "Fra": dateText(start), "Til": dateText(b.Periode.Slut)})
}

// markDetail is a mark's detail: "Frist overskredet: 1. jobsamtale 01.09.2026".
func (w *timelineWidget) markDetail(m Mark, frist bool) string {
	var status, what string
	switch {
	case !frist:
		status, what = "timeline.legend."+m.Kind, samtaleName(m.Code)
	case m.Kind == app.FristOverskredet:
		status, what = "timeline.legend.frist_overskredet", fristName(m.Code)
	default:
		status, what = "timeline.legend.frist", fristName(m.Code)
	}
	return lang.L("timeline.detail.mark", map[string]any{"Status": lang.L(status), "Hvad": what, "Dato": dateText(m.Dato)})
}

// CreateRenderer implements fyne.Widget.
func (w *timelineWidget) CreateRenderer() fyne.WidgetRenderer {
	r := &timelineRenderer{w: w, legend: timelineLegend(w)}
	r.measure()
	return r // the objects are made at the first Layout, when the size is known
}

// Geometry of the timeline, in Fyne units.
const (
	tlRowHeight = 24
	tlAxis      = 22  // the month labels above the rows
	tlMinWidth  = 480 // the rows' minimum width, gutter excluded
)

// timelineRows are the rows, top to bottom, by catalogue key.
func timelineRows() [5]string {
	return [...]string{lang.L("timeline.kg"), lang.L("timeline.tilmeldt"), lang.L("timeline.fravaer"), lang.L("timeline.samtaler"), lang.L("timeline.frister")}
}

type timelineRenderer struct {
	w       *timelineWidget
	legend  fyne.CanvasObject
	objects []fyne.CanvasObject
	size    fyne.Size
	built   bool    // objects made for size
	textSz  float32 // the theme's caption text size
	gutterW float32 // the width of the row names
}

func (r *timelineRenderer) Destroy() {}

func (r *timelineRenderer) Objects() []fyne.CanvasObject { return r.objects }

// Layout makes the objects for size; the layout of the case view asks
// again with the same size, which changes nothing.
func (r *timelineRenderer) Layout(size fyne.Size) {
	if !r.built || size != r.size {
		r.build(size)
	}
}

func (r *timelineRenderer) MinSize() fyne.Size {
	return fyne.NewSize(r.gutterW+tlMinWidth, r.chartHeight()+r.legend.MinSize().Height)
}

func (r *timelineRenderer) Refresh() {
	r.legend = timelineLegend(r.w)
	r.measure()
	r.build(r.size)
	canvas.Refresh(r.w)
}

// measure takes the measures that depend on the theme only.
func (r *timelineRenderer) measure() {
	r.textSz = theme.SizeForWidget(theme.SizeNameCaptionText, r.w)
	r.gutterW = 0
	for _, name := range timelineRows() {
		r.gutterW = max(r.gutterW, fyne.MeasureText(name, r.textSz, fyne.TextStyle{Bold: true}).Width)
	}
	r.gutterW += 2 * theme.Padding()
}

func (r *timelineRenderer) chartHeight() float32 {
	return tlAxis + tlRowHeight*float32(len(timelineRows())) + 3.5*r.textSize() + theme.Padding()
}

func (r *timelineRenderer) textSize() float32 { return r.textSz }

func (r *timelineRenderer) color(name fyne.ThemeColorName) color.Color {
	return theme.ColorForWidget(name, r.w)
}

// build makes every canvas object for size: cheap for the few dozen a
// case has, and it reads the theme's colours afresh.
func (r *timelineRenderer) build(size fyne.Size) {
	r.size, r.built = size, true
	r.objects, r.w.hits = nil, nil
	g := r.gutterW
	width := max(size.Width-g-theme.Padding(), 1)
	days := float32(r.w.tl.From.DaysUntil(r.w.tl.To) + 1)
	x := func(d app.Date) float32 { return g + width*float32(r.w.tl.From.DaysUntil(d))/days }
	rowY := func(i int) float32 { return tlAxis + tlRowHeight*float32(i) }
	rows := timelineRows()
	bottom := rowY(len(rows))

	for i, name := range rows {
		if i%2 == 1 { // a light stripe behind every other row
			r.rect(fyne.NewPos(0, rowY(i)), fyne.NewSize(size.Width, tlRowHeight), r.color(theme.ColorNameHover))
		}
		r.text(name, fyne.NewPos(theme.Padding(), rowY(i)+(tlRowHeight-r.textSize())/2-2), r.color(theme.ColorNameForeground), true)
	}
	for _, m := range r.w.tl.Months {
		mx := x(m)
		r.line(fyne.NewPos(mx, tlAxis-4), fyne.NewPos(mx, bottom), r.color(theme.ColorNameSeparator), 1)
		label := shortDate(m)
		if mx+2+fyne.MeasureText(label, r.textSize(), fyne.TextStyle{}).Width <= size.Width {
			r.text(label, fyne.NewPos(mx+2, 2), r.color(theme.ColorNamePlaceHolder), false)
		}
	}
	tl := r.w.tl
	// Today's line goes behind the bands, so it never hides their names.
	tx := x(tl.Today) + width/days/2
	r.line(fyne.NewPos(tx, tlAxis-4), fyne.NewPos(tx, bottom), r.color(theme.ColorNamePrimary), 2)
	r.bands(tl.KG, 0, x, rowY)
	r.bands(tl.Tilmeldt, 1, x, rowY)
	r.bands(tl.Fravaer, 2, x, rowY)
	for _, m := range tl.Samtaler {
		cx := x(m.Dato) + width/days/2
		r.samtale(m, cx, rowY(3)+tlRowHeight/2)
		r.hit(fyne.NewPos(cx-6, rowY(3)), fyne.NewSize(12, tlRowHeight), r.w.markDetail(m, false))
	}
	for i, m := range tl.Frister {
		room := size.Width - x(m.Dato) // a flag's name may use the room up to the next flag
		if i+1 < len(tl.Frister) {
			room = x(tl.Frister[i+1].Dato) - x(m.Dato)
		}
		px := x(m.Dato) + width/days/2
		r.frist(m, px, rowY(4), room-14)
		r.hit(fyne.NewPos(px-2, rowY(4)), fyne.NewSize(12, tlRowHeight), r.w.markDetail(m, true))
	}
	today := lang.L("timeline.i_dag")
	tw := fyne.MeasureText(today, r.textSize(), fyne.TextStyle{}).Width
	r.text(today, fyne.NewPos(tx-tw/2, bottom+1), r.color(theme.ColorNamePrimary), false)
	r.selection(g, bottom+1.6*r.textSize())

	r.legend.Move(fyne.NewPos(0, r.chartHeight()))
	r.legend.Resize(fyne.NewSize(size.Width, r.legend.MinSize().Height))
	r.objects = append(r.objects, r.legend)
}

// bands draws one row's periods, labelled where the band is wide enough.
func (r *timelineRenderer) bands(bs []Band, row int, x func(app.Date) float32, rowY func(int) float32) {
	for _, b := range bs {
		x0, x1 := x(b.Start), x(b.Slut.AddDays(1))
		y := rowY(row) + 4
		fill, fg := r.bandColors(b.Kind)
		r.rect(fyne.NewPos(x0, y), fyne.NewSize(max(x1-x0, 2), tlRowHeight-8), fill)
		r.hit(fyne.NewPos(x0, rowY(row)), fyne.NewSize(max(x1-x0, 2), tlRowHeight), r.w.bandDetail(b))
		if label := r.fit(r.bandLabel(b), x1-x0-6); label != "" {
			r.text(label, fyne.NewPos(x0+3, y+(tlRowHeight-8-r.textSize())/2-2), fg, false)
		}
	}
}

func (r *timelineRenderer) bandLabel(b Band) string {
	switch {
	case b.Kind == "kg":
		return "KG" + b.Code + " " + r.w.names("kg", b.Code)
	case b.Kind == BandFerie || b.Kind == BandSygdom || b.Kind == BandAndet:
		return r.w.names("fravaer", b.Code)
	}
	return ""
}

// bandColors are a band's fill and the colour of text on it.
func (r *timelineRenderer) bandColors(kind string) (fill, fg color.Color) {
	switch kind {
	case "kg":
		return r.color(theme.ColorNamePrimary), r.color(theme.ColorNameForegroundOnPrimary)
	case "tilmeldt":
		return r.color(theme.ColorNameSuccess), r.color(theme.ColorNameForegroundOnSuccess)
	case BandFerie:
		return r.color(theme.ColorNameWarning), r.color(theme.ColorNameForegroundOnWarning)
	case BandSygdom:
		return r.color(theme.ColorNameError), r.color(theme.ColorNameForegroundOnError)
	}
	return r.color(theme.ColorNamePlaceHolder), r.color(theme.ColorNameBackground)
}

// samtale draws a meeting: a dot (held), a ring (planned; in the warning
// colour when its day has passed without an outcome) or a cross
// (udeblevet, in the error colour).
func (r *timelineRenderer) samtale(m Mark, cx, cy float32) {
	const rad = 5
	fg := r.color(theme.ColorNameForeground)
	switch m.Kind {
	case app.SamtaleUdeblevet:
		c := r.color(theme.ColorNameError)
		r.line(fyne.NewPos(cx-rad, cy-rad), fyne.NewPos(cx+rad, cy+rad), c, 2)
		r.line(fyne.NewPos(cx-rad, cy+rad), fyne.NewPos(cx+rad, cy-rad), c, 2)
	case app.SamtalePlanlagt, MarkUdenUdfald:
		c := canvas.NewCircle(color.Transparent)
		c.StrokeColor, c.StrokeWidth = fg, 1.5
		if m.Kind == MarkUdenUdfald {
			c.StrokeColor, c.StrokeWidth = r.color(theme.ColorNameWarning), 2.5
		}
		r.place(c, fyne.NewPos(cx-rad, cy-rad), fyne.NewSize(2*rad, 2*rad))
	default:
		r.place(canvas.NewCircle(fg), fyne.NewPos(cx-rad, cy-rad), fyne.NewSize(2*rad, 2*rad))
	}
}

// frist draws a deadline as a flag on a pole with its short name: red when
// passed, the warning colour on the day.
func (r *timelineRenderer) frist(m Mark, px, top, room float32) {
	c := r.color(theme.ColorNameForeground)
	switch m.Kind {
	case app.FristOverskredet:
		c = r.color(theme.ColorNameError)
	case app.FristIDag:
		c = r.color(theme.ColorNameWarning)
	}
	r.line(fyne.NewPos(px, top+3), fyne.NewPos(px, top+tlRowHeight-3), c, 1.5)
	r.rect(fyne.NewPos(px, top+3), fyne.NewSize(8, 6), c)
	if label := r.fit(fristName(m.Code), room); label != "" {
		r.text(label, fyne.NewPos(px+10, top+(tlRowHeight-r.textSize())/2-2), c, false)
	}
}

// fit shortens s with an ellipsis to width w; "" when not even two
// letters fit (the legend and the lists below say what it is).
func (r *timelineRenderer) fit(s string, w float32) string {
	measure := func(s string) float32 { return fyne.MeasureText(s, r.textSize(), fyne.TextStyle{}).Width }
	if s == "" || measure(s) <= w {
		return s
	}
	// The longest prefix that fits with the ellipsis, by bisection: each
	// measure shapes the text.
	runes := []rune(s)
	lo, hi := 1, len(runes)-1 // runes[:lo] is known to fit, or lo is 1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if measure(string(runes[:mid])+"…") <= w {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	if lo < 2 || measure(string(runes[:lo])+"…") > w {
		return ""
	}
	return string(runes[:lo]) + "…"
}

// hit records where a band or mark is, for pointing and the arrow keys.
func (r *timelineRenderer) hit(pos fyne.Position, size fyne.Size, detail string) {
	r.w.hits = append(r.w.hits, timelineHit{pos: pos, size: size, detail: detail})
}

// selection outlines the band or mark whose detail shows and writes the
// detail at y; without one, how to get one.
func (r *timelineRenderer) selection(x, y float32) {
	i := r.w.sel
	if i < 0 || i >= len(r.w.hits) {
		r.text(lang.L("timeline.hint"), fyne.NewPos(x, y), r.color(theme.ColorNamePlaceHolder), false)
		return
	}
	h := r.w.hits[i]
	box := canvas.NewRectangle(color.Transparent)
	box.StrokeColor, box.StrokeWidth, box.CornerRadius = r.color(theme.ColorNameFocus), 2, 3
	r.place(box, h.pos.SubtractXY(2, 0), h.size.AddWidthHeight(4, 0))
	r.text(h.detail, fyne.NewPos(x, y), r.color(theme.ColorNameForeground), false)
}

func (r *timelineRenderer) place(o fyne.CanvasObject, pos fyne.Position, size fyne.Size) {
	o.Move(pos)
	o.Resize(size)
	r.objects = append(r.objects, o)
}

func (r *timelineRenderer) rect(pos fyne.Position, size fyne.Size, c color.Color) {
	rc := canvas.NewRectangle(c)
	rc.CornerRadius = 2
	r.place(rc, pos, size)
}

func (r *timelineRenderer) line(a, b fyne.Position, c color.Color, width float32) {
	l := canvas.NewLine(c)
	l.StrokeWidth = width
	l.Position1, l.Position2 = a, b
	r.objects = append(r.objects, l)
}

func (r *timelineRenderer) text(s string, pos fyne.Position, c color.Color, bold bool) *canvas.Text {
	t := canvas.NewText(s, c)
	t.TextSize = r.textSize()
	t.TextStyle = fyne.TextStyle{Bold: bold}
	r.place(t, pos, t.MinSize())
	return t
}

// timelineLegend says what the colours and marks mean.
func timelineLegend(w *timelineWidget) fyne.CanvasObject {
	col := func(n fyne.ThemeColorName) color.Color { return theme.ColorForWidget(n, w) }
	size := theme.SizeForWidget(theme.SizeNameCaptionText, w)
	item := func(swatch fyne.CanvasObject, key string) fyne.CanvasObject {
		t := canvas.NewText(lang.L(key), col(theme.ColorNameForeground))
		t.TextSize = size
		return container.NewHBox(container.NewCenter(container.NewGridWrap(fyne.NewSquareSize(size), swatch)), t)
	}
	box := func(n fyne.ThemeColorName) fyne.CanvasObject {
		r := canvas.NewRectangle(col(n))
		r.CornerRadius = 2
		return r
	}
	ring := canvas.NewCircle(color.Transparent)
	ring.StrokeColor, ring.StrokeWidth = col(theme.ColorNameForeground), 1.5
	pastRing := canvas.NewCircle(color.Transparent)
	pastRing.StrokeColor, pastRing.StrokeWidth = col(theme.ColorNameWarning), 2.5
	cross := container.NewWithoutLayout(crossLine(col(theme.ColorNameError), 0, 0, size, size), crossLine(col(theme.ColorNameError), 0, size, size, 0))
	return container.NewGridWrap(fyne.NewSize(150, size+2*theme.Padding()),
		item(box(theme.ColorNameWarning), "timeline.legend.ferie"),
		item(box(theme.ColorNameError), "timeline.legend.sygdom"),
		item(box(theme.ColorNamePlaceHolder), "timeline.legend.andet"),
		item(canvas.NewCircle(col(theme.ColorNameForeground)), "timeline.legend.afholdt"),
		item(cross, "timeline.legend.udeblevet"),
		item(ring, "timeline.legend.planlagt"),
		item(pastRing, "timeline.legend.uden_udfald"),
		item(box(theme.ColorNameForeground), "timeline.legend.frist"),
		item(box(theme.ColorNameError), "timeline.legend.frist_overskredet"),
	)
}

func crossLine(c color.Color, x0, y0, x1, y1 float32) *canvas.Line {
	l := canvas.NewLine(c)
	l.StrokeWidth = 2
	l.Position1, l.Position2 = fyne.NewPos(x0, y0), fyne.NewPos(x1, y1)
	return l
}
