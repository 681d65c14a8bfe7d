package ui_test

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"feltsag.dk/feltsag/ui"
)

func TestHomeShowsTitleIntroAndStatusLines(t *testing.T) {
	tests := []struct {
		locale string
		want   []string
	}{
		{locale: "da_DK.UTF-8", want: []string{"Feltsag", "Klienten er under opbygning.", "Status", "Version 9.9.9", "Regelsæt 2026-07-01"}},
		{locale: "en_GB.UTF-8", want: []string{"Feltsag", "The client is being built.", "Status", "Version 9.9.9", "Regelsæt 2026-07-01"}},
	}
	for _, tt := range tests {
		t.Run(tt.locale, func(t *testing.T) {
			w := newHomeWindow(t, tt.locale, []string{"Version 9.9.9", "Regelsæt 2026-07-01"})
			got := labelTexts(w.Content())
			for _, want := range tt.want {
				if !slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, want) }) {
					t.Errorf("no label starts with %q; labels: %q", want, got)
				}
			}
			for _, s := range got {
				if strings.Contains(s, "home.") || strings.Contains(s, "app.") {
					t.Errorf("label %q shows an untranslated key", s)
				}
			}
		})
	}
}

func TestHomeWithoutStatusLines(t *testing.T) {
	w := newHomeWindow(t, "da_DK.UTF-8", nil)
	if got := labelTexts(w.Content()); len(got) != 3 {
		t.Errorf("labels = %q, want title, intro and the status heading only", got)
	}
}

// TestHomeLayout compares the rendered home screen with
// testdata/home.xml; on a difference Fyne writes the new rendering to
// testdata/failed/home.xml.
func TestHomeLayout(t *testing.T) {
	w := newHomeWindow(t, "da_DK.UTF-8", []string{"Version 9.9.9", "Server og synkronisering kommer i en senere version"})
	test.AssertRendersToMarkup(t, "home.xml", w.Canvas())
}

// newHomeWindow shows the home screen in a 1000×700 test window with the
// translations for locale loaded.
func newHomeWindow(t *testing.T, locale string, info []string) fyne.Window {
	t.Helper()
	test.NewTempApp(t)
	setLocale(t, locale)
	if err := ui.LoadTranslations(); err != nil {
		t.Fatal(err)
	}
	w := test.NewWindow(ui.NewHome(info))
	t.Cleanup(w.Close)
	w.Resize(fyne.NewSize(1000, 700))
	return w
}

// labelTexts returns the text of every label below o, in layout order.
func labelTexts(o fyne.CanvasObject) []string {
	switch o := o.(type) {
	case *widget.Label:
		return []string{o.Text}
	case *container.Scroll:
		return labelTexts(o.Content)
	case *fyne.Container:
		var texts []string
		for _, child := range o.Objects {
			texts = append(texts, labelTexts(child)...)
		}
		return texts
	}
	return nil
}
