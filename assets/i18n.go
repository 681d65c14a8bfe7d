package assets

import "embed"

// I18nDir is the directory inside I18n's file system that holds one JSON file
// per language, named after it (da.json, en.json), in the go-i18n format Fyne's
// lang package reads.
const I18nDir = "i18n"

//go:embed i18n/*.json
var i18n embed.FS

// I18n returns the embedded translations. It is an embed.FS, not an fs.FS,
// because fyne's lang.AddTranslationsFS takes that type; embed.FS is
// read-only, so handing it out shares no mutable state.
func I18n() embed.FS {
	return i18n
}
