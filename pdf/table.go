package pdf

// column is one column of a table: its header text and width in mm.
type column struct {
	title string
	w     float64
}

// Table cell layout.
const (
	cellPad      = 1.3
	maxCellLines = 40 // a row taller than a page cannot be split; longer cells are cut
)

// table prints rows under a header row. A row is never split; when the
// next row does not fit, the table continues on a new page under a
// repeated header row (DOMAIN §6.1 item 7).
func (d *doc) table(cols []column, rows [][]string) {
	head := make([]string, len(cols))
	for i, c := range cols {
		head[i] = c.title
	}
	d.font("B", sizeTable)
	headLines, headH := d.rowLines(cols, head)
	d.font("", sizeTable)
	first := 0.0
	if len(rows) > 0 {
		_, first = d.rowLines(cols, rows[0])
	}
	d.space(1)
	d.ensure(headH + first)
	d.tableRow(cols, headLines, headH, "B", &colHeadRow)
	for i, row := range rows {
		d.font("", sizeTable)
		ls, h := d.rowLines(cols, row)
		if d.f.GetY()+h > bottom {
			d.f.AddPage()
			d.tableRow(cols, headLines, headH, "B", &colHeadRow)
		}
		var bg *rgb
		if i%2 == 1 {
			bg = &colZebra
		}
		d.tableRow(cols, ls, h, "", bg)
	}
	d.f.SetY(d.f.GetY() + 1)
}

// rowLines wraps each cell of row to its column in the current font and
// returns the lines and the row's height.
func (d *doc) rowLines(cols []column, row []string) ([][]string, float64) {
	out := make([][]string, len(cols))
	n := 1
	for i, c := range cols {
		if i >= len(row) {
			break
		}
		ls := d.lines(d.fo.clean(row[i]), c.w-2*cellPad)
		if len(ls) > maxCellLines {
			ls = append(ls[:maxCellLines-1], "…")
		}
		out[i] = ls
		n = max(n, len(ls))
	}
	return out, float64(n)*lineTable + 2*cellPad
}

// tableRow draws one row at the current position: background, cell text
// and a rule underneath.
func (d *doc) tableRow(cols []column, cells [][]string, h float64, style string, bg *rgb) {
	y := d.f.GetY()
	if bg != nil {
		d.fill(*bg)
		d.f.Rect(marginL, y, tableWidth(cols), h, "F")
	}
	d.font(style, sizeTable)
	d.ink(colInk)
	x := marginL
	for i, c := range cols {
		d.f.SetY(y + cellPad)
		for _, ln := range cells[i] {
			d.line(x+cellPad, c.w-2*cellPad, lineTable, ln, "L")
		}
		x += c.w
	}
	d.f.SetDrawColor(colRule.r, colRule.g, colRule.b)
	d.f.SetLineWidth(0.2)
	d.f.Line(marginL, y+h, marginL+tableWidth(cols), y+h)
	d.f.SetY(y + h)
}

func tableWidth(cols []column) float64 {
	w := 0.0
	for _, c := range cols {
		w += c.w
	}
	return w
}
