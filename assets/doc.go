// Package assets holds what Feltsag embeds in its binaries: the rule tables
// and rule scenarios (rules/), translations (i18n/), the application icon and
// the document font. It imports only embed and io/fs, so every layer may use it.
package assets
