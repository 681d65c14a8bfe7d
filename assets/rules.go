package assets

import (
	"embed"
	"io/fs"
)

//go:embed rules/*.csv rules/scenarios
var rulesFS embed.FS

// Rules returns the rule tables (the CSV files of assets/rules) as a file
// system rooted at the rules directory.
func Rules() fs.FS {
	sub, err := fs.Sub(rulesFS, "rules")
	if err != nil {
		panic(err) // the directory is embedded at build time
	}
	return sub
}

// Scenarios returns the shipped rule scenarios (assets/rules/scenarios).
func Scenarios() fs.FS {
	sub, err := fs.Sub(rulesFS, "rules/scenarios")
	if err != nil {
		panic(err)
	}
	return sub
}
