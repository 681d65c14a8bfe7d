package ui

import (
	"fmt"

	"fyne.io/fyne/v2/lang"

	"feltsag.dk/feltsag/app/text"
	"feltsag.dk/feltsag/assets"
)

// Language returns the catalogue language the UI shows ("da" or "en"):
// the one lang.L speaks (each translation file names itself under
// meta.language), so errors, duties and deadlines rendered through the
// catalogue of texts match the screens' language, also after SetLanguage.
// Before any translations are loaded it follows the system locale. Pass it
// wherever a text is rendered; never "da".
func Language() string {
	switch l := lang.L("meta.language"); l {
	case "da", "en":
		return l
	}
	return text.Lang(lang.SystemLocale().LanguageString())
}

// LoadTranslations adds Feltsag's Danish and English strings to Fyne's
// translation bundle and picks the closest one to the user's locale (LANG,
// LC_ALL, LANGUAGE). Fyne ships no Danish strings, so assets' da.json also
// covers the toolkit's own ("OK", "Cancel", weekday names). Call it once at
// start-up, before any screen is built, then SetLanguage with the
// caseworker's choice.
func LoadTranslations() error {
	if err := lang.AddTranslationsFS(assets.I18n(), assets.I18nDir); err != nil {
		return fmt.Errorf("load translations from assets/%s: %w", assets.I18nDir, err)
	}
	// A language chosen before (SetLanguage) stays registered under the
	// computer's locale: start again from the computer's own.
	return SetLanguage("")
}

// texts renders the domain's keys and errors in the UI's language through
// the catalogue of texts, with names from the rule tables.
type texts struct {
	cat   *text.Catalogue
	names text.Names
}

// errText renders err; without a catalogue it shows the error's key.
func (t texts) errText(err error) string {
	if t.cat == nil {
		return err.Error()
	}
	return t.cat.Error(Language(), err, t.names)
}

// message renders a domain text (a duty's or a deadline's line).
func (t texts) message(m text.Message) string {
	if t.cat == nil {
		return m.MessageKey()
	}
	return t.cat.Message(Language(), m, t.names)
}

// name is a rule-table code's name ("kg", "3" → "Kontanthjælpsmodtager"),
// or the code itself when the tables do not know it.
func (t texts) name(kind, code string) string {
	if t.names != nil {
		if n, ok := t.names.Name(kind, code, Language()); ok {
			return n
		}
	}
	return code
}
