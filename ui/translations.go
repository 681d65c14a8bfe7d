package ui

import (
	"fmt"

	"fyne.io/fyne/v2/lang"

	"feltsag.dk/feltsag/app/text"
	"feltsag.dk/feltsag/assets"
)

// Language returns the catalogue language the UI shows ("da" or "en"),
// from the same system locale Fyne's lang package uses, so that errors,
// duties and deadlines rendered through the catalogue of texts match the
// screens' language. Pass it wherever a text is rendered; never "da".
func Language() string {
	return text.Lang(lang.SystemLocale().LanguageString())
}

// LoadTranslations adds Feltsag's Danish and English strings to Fyne's
// translation bundle and picks the closest one to the user's locale (LANG,
// LC_ALL, LANGUAGE). Fyne ships no Danish strings, so assets' da.json also
// covers the toolkit's own ("OK", "Cancel", weekday names). Call it once at
// start-up, before any screen is built.
func LoadTranslations() error {
	if err := lang.AddTranslationsFS(assets.I18n(), assets.I18nDir); err != nil {
		return fmt.Errorf("load translations from assets/%s: %w", assets.I18nDir, err)
	}
	return nil
}
