package ui

import (
	"fmt"
	"io/fs"
	"path"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"feltsag.dk/feltsag/app/text"
	"feltsag.dk/feltsag/assets"
)

// Settings keeps the caseworker's choices on this computer (cmd/feltsag
// writes them beside the replica). Language is "" for the computer's own
// language, or "da" or "en".
type Settings interface {
	Language() string
	SetLanguage(code string) error
}

// The languages the settings offer; "" follows the computer.
var languageChoices = []string{"", "da", "en"}

// SetLanguage makes lang.L, and so every screen built from now on, speak
// code ("da" or "en"); "" picks the computer's language (Danish unless it
// is English). Fyne picks the translation closest to the computer's locale
// and has no setter, so the chosen file is registered under that locale
// as well as under its own name: a Danish computer can show English, and
// a German one shows Danish rather than untranslated keys. Every key
// exists in both files (TestTranslationFilesHaveTheSameKeys), so switching
// back and forth leaves nothing of the other language behind. Call it
// after LoadTranslations, on the Fyne goroutine once the app runs.
func SetLanguage(code string) error {
	sys := lang.SystemLocale()
	if code == "" {
		code = text.Lang(sys.LanguageString())
	}
	if code != "da" && code != "en" {
		return fmt.Errorf("unknown language %q (want da or en)", code)
	}
	data, err := fs.ReadFile(assets.I18n(), path.Join(assets.I18nDir, code+".json"))
	if err != nil {
		return fmt.Errorf("read the %s translations: %w", code, err)
	}
	for _, l := range []fyne.Locale{fyne.Locale(code), sys} {
		if err := lang.AddTranslationsForLocale(data, l); err != nil {
			return fmt.Errorf("load the %s translations for %s: %w", code, l, err)
		}
	}
	return nil
}

// showSettings opens the settings dialog: the language, which takes
// effect at once (the main window is rebuilt, the open case stays open).
func (c *Client) showSettings() {
	if c.o.Settings == nil {
		return
	}
	names := map[string]string{"": lang.L("settings.language.system"), "da": "Dansk", "en": "English"}
	opts := make([]string, len(languageChoices))
	for i, code := range languageChoices {
		opts[i] = names[code]
	}
	current := c.o.Settings.Language()
	sel := widget.NewSelect(opts, nil)
	sel.SetSelected(names[current])
	msg := widget.NewLabel("")
	msg.Wrapping = fyne.TextWrapWord
	msg.Importance = widget.DangerImportance
	msg.Hide()
	form := container.NewVBox(
		widget.NewLabelWithStyle(lang.L("settings.language"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		sel,
		widget.NewLabel(lang.L("settings.language.note")),
		msg,
	)
	d := dialog.NewCustomConfirm(lang.L("settings.title"), lang.L("settings.save"), lang.L("Cancel"), form, func(ok bool) {
		if !ok {
			return
		}
		code := languageChoices[max(sel.SelectedIndex(), 0)]
		if code == current {
			return
		}
		if err := c.applyLanguage(code); err != nil {
			c.showError(err)
		}
	}, c.w)
	d.Resize(fyne.NewSize(420, 0))
	c.showDialog(d, nil)
}

// applyLanguage keeps code in the settings, switches the translations and
// rebuilds the screen shown in the new language.
func (c *Client) applyLanguage(code string) error {
	if err := c.o.Settings.SetLanguage(code); err != nil {
		return err
	}
	if err := SetLanguage(code); err != nil {
		return err
	}
	c.w.SetTitle(lang.L("app.name"))
	if c.main == nil {
		return nil
	}
	var open *caseView
	if v := c.main.view; v != nil {
		open = v
	}
	c.main.close()
	c.main = nil
	c.showMain()
	if open != nil {
		c.main.open(open.sag.ID)
	}
	return nil
}
