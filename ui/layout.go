package ui

import "fyne.io/fyne/v2"

// columnLayout centres its objects horizontally in a column at most width
// wide, starting a little below the top. Wrapping labels need a width to wrap
// at: container.NewCenter would shrink them to one word per line.
type columnLayout struct {
	width float32
}

// topMargin keeps the column off the window's top edge.
const topMargin = 48

func (l *columnLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	w := min(l.width, size.Width)
	for _, o := range objects {
		o.Resize(fyne.NewSize(w, o.MinSize().Height))
		// Wrapped text knows its height only once it has its width.
		o.Resize(fyne.NewSize(w, o.MinSize().Height))
		y := min(float32(topMargin), max(0, size.Height-o.Size().Height))
		o.Move(fyne.NewPos((size.Width-w)/2, y))
	}
}

func (l *columnLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var h float32
	for _, o := range objects {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(l.width, h+topMargin)
}
