// Package assets holds what Feltsag embeds in its binaries: the rule tables
// and rule scenarios (rules/), translations (i18n/), the application icon and
// the document font. It imports only embed and io/fs, so every layer may use it.
//
// The rule tables cite their sources with tags such as [S12] and marks such as
// (A); docs/domain.md explains the rules table by table and lists every source
// with its public address and every assumption.
package assets
