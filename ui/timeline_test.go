package ui_test

import (
	"image/color"
	"reflect"
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/ui"
)

// timelineCase is a citizen's half year for the timeline tests, seen on
// 14.09.2026 (the window is 14.03.2026–14.12.2026): dagpenge (KG1) until
// May, then sick and deregistered in June and July (KG25), registered
// again from August, with ferie planned in October.
func timelineCase() (*app.Sag, []app.Frist) {
	d := app.MustDate
	s := &app.Sag{ID: "sag-tl", Borger: app.Borger{Navn: "Duc Krogh Schrøder"},
		KGHistorik: []app.KGForloeb{
			{KG: 2, Periode: app.Period{Start: d(2025, 6, 1), Slut: d(2026, 1, 4)}}, // before the window
			{KG: 1, Periode: app.Period{Start: d(2026, 1, 5), Slut: d(2026, 5, 31)}},
			{KG: 25, Periode: app.Period{Start: d(2026, 6, 1), Slut: d(2026, 7, 31)}},
		},
		Kontaktgruppe: &app.KGForloeb{KG: 1, Periode: app.Period{Start: d(2026, 8, 1)}},
		Tilmelding:    app.Tilmelding{Status: app.Tilmeldt, Siden: d(2026, 8, 1), FoersteDato: d(2026, 1, 5)},
		Fravaer: []app.Fravaer{
			{ID: "f1", Type: app.FravaerSygemelding, Periode: app.Period{Start: d(2026, 6, 1), Slut: d(2026, 7, 31)}, Foer: &app.Foer{KG: 1, Tilmeldt: true}},
			{ID: "f2", Type: app.FravaerFerie, Periode: app.Period{Start: d(2026, 10, 5), Slut: d(2026, 10, 9)}},
			{ID: "f3", Type: app.FravaerFerie, Periode: app.Period{Start: d(2026, 9, 1), Slut: d(2026, 9, 4)}, Slettet: true},
			{ID: "f4", Type: "barsel", Periode: app.Period{Start: d(2026, 12, 1)}}, // open-ended
		},
		Samtaler: []app.Samtale{
			{ID: "m0", Type: "jobsamtale", Dato: d(2025, 12, 1), Status: app.SamtaleAfholdt}, // before the window
			{ID: "m1", Type: "jobsamtale", Dato: d(2026, 4, 10), Status: app.SamtaleAfholdt},
			{ID: "m2", Type: "jobsamtale", Dato: d(2026, 5, 12), Status: app.SamtaleUdeblevet},
			{ID: "m3", Type: "jobsamtale", Dato: d(2026, 9, 20), Status: app.SamtaleAflyst},
			{ID: "m5", Type: "opfoelgning", Dato: d(2026, 8, 24), Status: app.SamtalePlanlagt}, // its day passed without an outcome
			{ID: "m4", Type: "jobsamtale", Dato: d(2026, 10, 20), Status: app.SamtalePlanlagt},
		},
	}
	frister := []app.Frist{
		{Navn: app.FristCV, Dato: d(2026, 1, 19), Status: app.FristOverskredet}, // before the window
		{Navn: app.FristFoersteSamtale, Dato: d(2026, 9, 1), Status: app.FristOverskredet},
		{Navn: app.FristKontaktforloeb, Dato: d(2026, 11, 2), Status: app.FristKommende},
		{Navn: app.FristOmvisitation30, Dato: d(2027, 6, 1), Status: app.FristKommende}, // after it
	}
	return s, frister
}

func TestTimelineOf(t *testing.T) {
	d := app.MustDate
	s, frister := timelineCase()
	from, to := d(2026, 3, 14), d(2026, 12, 14)
	got := ui.TimelineOf(s, frister, d(2026, 9, 14))
	want := ui.Timeline{
		From: from, To: to, Today: d(2026, 9, 14),
		Months: []app.Date{d(2026, 4, 1), d(2026, 5, 1), d(2026, 6, 1), d(2026, 7, 1), d(2026, 8, 1), d(2026, 9, 1), d(2026, 10, 1), d(2026, 11, 1), d(2026, 12, 1)},
		KG: []ui.Band{
			{Start: from, Slut: d(2026, 5, 31), Kind: "kg", Code: "1", Periode: app.Period{Start: d(2026, 1, 5), Slut: d(2026, 5, 31)}}, // clipped at the window's start
			{Start: d(2026, 6, 1), Slut: d(2026, 7, 31), Kind: "kg", Code: "25", Periode: app.Period{Start: d(2026, 6, 1), Slut: d(2026, 7, 31)}},
			{Start: d(2026, 8, 1), Slut: to, Open: true, Kind: "kg", Code: "1", Periode: app.Period{Start: d(2026, 8, 1)}},
		},
		Tilmeldt: []ui.Band{
			{Start: from, Slut: d(2026, 5, 31), Kind: "tilmeldt", Periode: app.Period{Start: d(2026, 1, 5), Slut: d(2026, 5, 31)}}, // until the sygemelding deregistered the citizen
			{Start: d(2026, 8, 1), Slut: to, Open: true, Kind: "tilmeldt", Periode: app.Period{Start: d(2026, 8, 1)}},
		},
		Fravaer: []ui.Band{
			{Start: d(2026, 6, 1), Slut: d(2026, 7, 31), Kind: ui.BandSygdom, Code: app.FravaerSygemelding, Periode: app.Period{Start: d(2026, 6, 1), Slut: d(2026, 7, 31)}},
			{Start: d(2026, 10, 5), Slut: d(2026, 10, 9), Kind: ui.BandFerie, Code: app.FravaerFerie, Periode: app.Period{Start: d(2026, 10, 5), Slut: d(2026, 10, 9)}},
			{Start: d(2026, 12, 1), Slut: to, Open: true, Kind: ui.BandAndet, Code: "barsel", Periode: app.Period{Start: d(2026, 12, 1)}},
		},
		Samtaler: []ui.Mark{
			{Dato: d(2026, 4, 10), Kind: app.SamtaleAfholdt, Code: "jobsamtale"},
			{Dato: d(2026, 5, 12), Kind: app.SamtaleUdeblevet, Code: "jobsamtale"},
			{Dato: d(2026, 8, 24), Kind: ui.MarkUdenUdfald, Code: "opfoelgning"},
			{Dato: d(2026, 10, 20), Kind: app.SamtalePlanlagt, Code: "jobsamtale"},
		},
		Frister: []ui.Mark{
			{Dato: d(2026, 9, 1), Kind: app.FristOverskredet, Code: app.FristFoersteSamtale},
			{Dato: d(2026, 11, 2), Kind: app.FristKommende, Code: app.FristKontaktforloeb},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("TimelineOf =\n%+v\nwant\n%+v", got, want)
	}
}

func TestTimelineTilmelding(t *testing.T) {
	d := app.MustDate
	today := d(2026, 9, 14)
	for _, tc := range []struct {
		name string
		t    app.Tilmelding
		want []ui.Band
	}{
		{name: "never registered"},
		{name: "registered, afmelding planned", t: app.Tilmelding{Status: app.Tilmeldt, Siden: d(2026, 8, 1), Afmeldes: d(2026, 10, 1)},
			want: []ui.Band{{Start: d(2026, 8, 1), Slut: d(2026, 9, 30), Kind: "tilmeldt", Periode: app.Period{Start: d(2026, 8, 1), Slut: d(2026, 9, 30)}}}},
		{name: "deregistered", t: app.Tilmelding{Status: app.IkkeTilmeldt, Siden: d(2026, 4, 1), AfmeldtDato: d(2026, 6, 15)},
			want: []ui.Band{{Start: d(2026, 4, 1), Slut: d(2026, 6, 14), Kind: "tilmeldt", Periode: app.Period{Start: d(2026, 4, 1), Slut: d(2026, 6, 14)}}}},
		{name: "earlier period without a known end is left out", t: app.Tilmelding{Status: app.Tilmeldt, Siden: d(2026, 8, 1), FoersteDato: d(2026, 4, 1)},
			want: []ui.Band{{Start: d(2026, 8, 1), Slut: d(2026, 12, 14), Open: true, Kind: "tilmeldt", Periode: app.Period{Start: d(2026, 8, 1)}}}},
		{name: "registered long ago", t: app.Tilmelding{Status: app.Tilmeldt, Siden: d(2020, 1, 1)},
			want: []ui.Band{{Start: d(2026, 3, 14), Slut: d(2026, 12, 14), Open: true, Kind: "tilmeldt", Periode: app.Period{Start: d(2020, 1, 1)}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ui.TimelineOf(&app.Sag{ID: "x", Tilmelding: tc.t}, nil, today).Tilmeldt
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Tilmeldt = %+v, want %+v", got, tc.want)
			}
		})
	}
}

// timelineWindow shows the timeline of timelineCase in a test window with
// the Danish texts.
func timelineWindow(t *testing.T, width float32) (fyne.Window, fyne.Widget) {
	t.Helper()
	test.NewTempApp(t)
	setLocale(t, "da_DK.UTF-8")
	if err := ui.LoadTranslations(); err != nil {
		t.Fatal(err)
	}
	s, frister := timelineCase()
	names := map[string]string{"kg/1": "Dagpengemodtager", "kg/25": "Sygedagpenge", "fravaer/sygemelding": "Sygemelding", "fravaer/ferie": "Ferie", "fravaer/barsel": "Barsel"}
	tw := ui.TimelineWidget(ui.TimelineOf(s, frister, app.MustDate(2026, 9, 14)), func(kind, code string) string { return names[kind+"/"+code] })
	w := test.NewWindow(tw)
	t.Cleanup(w.Close)
	w.Resize(fyne.NewSize(width, tw.MinSize().Height+8))
	return w, tw
}

// TestTimelineMarkup is the timeline's golden markup for timelineCase
// (testdata/timeline*.xml; a failure writes testdata/failed/), wide and
// narrower than the case view at 1024 × 600, where names that do not fit
// are shortened or left to the legend.
func TestTimelineMarkup(t *testing.T) {
	for _, tc := range []struct {
		width  float32
		master string
	}{{900, "timeline.xml"}, {560, "timeline_narrow.xml"}} {
		w, _ := timelineWindow(t, tc.width)
		test.AssertRendersToMarkup(t, tc.master, w.Canvas())
	}
}

// variantTheme is a theme with its variant fixed: light or dark whatever
// the settings say.
type variantTheme struct {
	fyne.Theme
	v fyne.ThemeVariant
}

func (t variantTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.v)
}

// TestTimelineUsesThemeColours: in the light and the dark variant every
// colour the timeline draws is one of the theme's, so it stays readable in
// both and follows a switch.
func TestTimelineUsesThemeColours(t *testing.T) {
	w, tw := timelineWindow(t, 900)
	names := []fyne.ThemeColorName{theme.ColorNameForeground, theme.ColorNameBackground, theme.ColorNamePrimary,
		theme.ColorNameForegroundOnPrimary, theme.ColorNameSuccess, theme.ColorNameForegroundOnSuccess, theme.ColorNameWarning,
		theme.ColorNameForegroundOnWarning, theme.ColorNameError, theme.ColorNameForegroundOnError, theme.ColorNameDisabled,
		theme.ColorNameSeparator, theme.ColorNamePlaceHolder, theme.ColorNameHover, theme.ColorNameFocus}
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		th := variantTheme{theme.DefaultTheme(), v}
		fyne.CurrentApp().Settings().SetTheme(th)
		tw.Refresh()
		allowed := map[color.RGBA64]bool{rgba(color.Transparent): true}
		for _, n := range names {
			allowed[rgba(th.Color(n, v))] = true
		}
		n := 0
		for _, o := range test.LaidOutObjects(w.Content()) {
			for _, c := range coloursOf(o) {
				if c == nil {
					continue // a circle without a stroke
				}
				n++
				if !allowed[rgba(c)] {
					t.Errorf("variant %d: %T draws %v, not a theme colour", v, o, c)
				}
			}
		}
		if n < 20 {
			t.Errorf("variant %d: only %d colours drawn; is the timeline empty?", v, n)
		}
	}
}

func rgba(c color.Color) color.RGBA64 {
	r, g, b, a := c.RGBA()
	return color.RGBA64{R: uint16(r), G: uint16(g), B: uint16(b), A: uint16(a)}
}

func coloursOf(o fyne.CanvasObject) []color.Color {
	switch o := o.(type) {
	case *canvas.Rectangle:
		return []color.Color{o.FillColor}
	case *canvas.Text:
		return []color.Color{o.Color}
	case *canvas.Line:
		return []color.Color{o.StrokeColor}
	case *canvas.Circle:
		return []color.Color{o.FillColor, o.StrokeColor}
	}
	return nil
}

// TestTimelineDetail: pointing at a band or a mark shows its detail under
// the rows; Tab and the arrow keys step through them.
func TestTimelineDetail(t *testing.T) {
	w, tw := timelineWindow(t, 900)
	detail := func() string {
		t.Helper()
		for _, o := range test.LaidOutObjects(w.Content()) {
			if tx, ok := o.(*canvas.Text); ok && tx.Position().Y > 150 && tx.Position().Y < 170 {
				return tx.Text
			}
		}
		return ""
	}
	if got, want := detail(), "Peg på et felt eller en markering, eller brug Tab og piletasterne, for at se detaljer"; got != want {
		t.Errorf("before pointing: %q, want the hint %q", got, want)
	}
	hover := tw.(desktop.Hoverable)
	// The ferie 05.10–09.10 in the Fravær row (the third, y 70–94); the
	// window is 14.03–14.12, the rows start after the names.
	hover.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(680, 82)}})
	if got, want := detail(), "Ferie 05.10.2026–09.10.2026"; got != want {
		t.Errorf("pointing at the ferie: %q, want %q", got, want)
	}
	hover.MouseOut()
	w.Canvas().Focus(tw.(fyne.Focusable))
	if got, want := detail(), "KG1 Dagpengemodtager 05.01.2026–31.05.2026"; got != want {
		t.Errorf("after Tab: %q, want the first band, %q", got, want)
	}
	var seen []string
	for range 14 {
		w.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyRight})
		seen = append(seen, detail())
	}
	for _, want := range []string{"Tilmeldt fra 01.08.2026", "Barsel fra 01.12.2026", "Udeblevet: jobsamtale 12.05.2026", "Planlagt, uden udfald: opfølgningssamtale 24.08.2026", "Frist overskredet: 1. jobsamtale 01.09.2026", "Frist: Kontaktforløb 02.11.2026"} {
		if !slices.Contains(seen, want) {
			t.Errorf("the arrow keys never showed %q; saw %q", want, seen)
		}
	}
}
