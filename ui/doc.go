// Package ui holds Feltsag's Fyne screens.
//
// It imports app (the domain), assets and Fyne's widget packages, and never
// fyne.io/fyne/v2/app, store or sync: cmd/feltsag creates the Fyne
// application and injects whatever a screen needs, so every screen can be
// tested headless with fyne.io/fyne/v2/test and without a database or a
// network. A screen declares the narrow interface it consumes. Every visible
// string goes through lang.L with a key present in both assets/i18n/da.json
// and assets/i18n/en.json; widgets change only on the Fyne goroutine.
package ui
