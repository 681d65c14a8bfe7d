package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"feltsag.dk/feltsag/assets"
)

// homeWidth is the width of the home screen's text column; lines much longer
// than this are hard to read on a wide laptop screen.
const homeWidth = 560

// NewHome returns the placeholder home screen: the icon, the title, a short
// Danish (or English) line on what the client will do, and one line per entry
// of info. cmd/feltsag supplies info already translated, e.g. the version and
// the loaded rule-set versions.
func NewHome(info []string) fyne.CanvasObject {
	icon := canvas.NewImageFromResource(fyne.NewStaticResource("Icon.png", assets.Icon()))
	icon.FillMode = canvas.ImageFillContain
	icon.SetMinSize(fyne.NewSquareSize(96))

	title := widget.NewLabelWithStyle(lang.L("app.name"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText

	intro := widget.NewLabel(lang.L("home.intro"))
	intro.Wrapping = fyne.TextWrapWord
	intro.Alignment = fyne.TextAlignCenter

	column := container.NewVBox(
		container.NewCenter(icon),
		title,
		intro,
		widget.NewSeparator(),
		newStatusList(info),
	)
	// Scroll rather than clip when the status lines outgrow a small window.
	return container.NewVScroll(container.New(&columnLayout{width: homeWidth}, column))
}

// newStatusList shows each line with an info icon under a "Status" heading.
func newStatusList(info []string) fyne.CanvasObject {
	heading := widget.NewLabelWithStyle(lang.L("home.status"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	box := container.NewVBox(heading)
	for _, line := range info {
		text := widget.NewLabel(line)
		text.Wrapping = fyne.TextWrapWord
		box.Add(container.NewBorder(nil, nil, widget.NewIcon(theme.InfoIcon()), nil, text))
	}
	return box
}
