package main

import (
	"fmt"

	"feltsag.dk/feltsag/app/text"
	"feltsag.dk/feltsag/assets"
)

// texts renders errors through the catalogue of texts in the language of
// the user's locale: LANG (or LC_ALL, LC_MESSAGES before it) starting with
// "en" gives English, anything else Danish.
type texts struct {
	cat  *text.Catalogue
	lang string
}

// newTexts loads the embedded catalogue and picks the language from the
// environment.
func newTexts(getenv func(string) string) (texts, error) {
	cat, err := text.Load(assets.I18n(), assets.I18nDir)
	if err != nil {
		return texts{}, fmt.Errorf("load the catalogue of texts: %w", err)
	}
	return texts{cat: cat, lang: text.Lang(locale(getenv))}, nil
}

// locale returns the locale the C library would use for messages.
func locale(getenv func(string) string) string {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := getenv(k); v != "" {
			return v
		}
	}
	return ""
}

// err returns err's user-facing text; names resolves rule-table codes in
// its parameters (nil: codes are shown as they are).
func (t texts) err(err error, names text.Names) string {
	return t.cat.Error(t.lang, err, names)
}
