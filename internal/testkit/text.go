package testkit

import (
	"sync"
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/app/text"
	"feltsag.dk/feltsag/assets"
)

// catalogue loads the shipped catalogue of texts once per test binary; it is
// read-only after loading.
var catalogue = sync.OnceValues(func() (*text.Catalogue, error) {
	return text.Load(assets.I18n(), assets.I18nDir)
})

// Catalogue returns the shipped catalogue of texts or fails the test.
func Catalogue(tb testing.TB) *text.Catalogue {
	tb.Helper()
	c, err := catalogue()
	if err != nil {
		tb.Fatalf("load the catalogue of texts: %v", err)
	}
	return c
}

// Message renders err in lang ("da" or "en") strictly, with the shipped
// rule tables' names: a missing key or parameter fails the test.
func Message(tb testing.TB, err error, lang string) string {
	tb.Helper()
	e := app.AsError(err)
	s, rerr := Catalogue(tb).RenderMessage(lang, e, Rules(tb))
	if rerr != nil {
		tb.Fatalf("render %s in %s: %v", e, lang, rerr)
	}
	return s
}
