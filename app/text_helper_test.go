package app_test

import (
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/app/text"
	"feltsag.dk/feltsag/internal/testkit"
)

// errText renders err in lang strictly: a missing key or parameter fails
// the test.
func errText(tb testing.TB, err error, lang string) string {
	tb.Helper()
	c := testkit.Catalogue(tb)
	e := app.AsError(err)
	s, rerr := c.RenderMessage(lang, e, nil)
	if rerr != nil {
		tb.Fatalf("render %s in %s: %v", e, lang, rerr)
	}
	return s
}

// msgText renders m in lang strictly.
func msgText(tb testing.TB, m text.Message, lang string) string {
	tb.Helper()
	c := testkit.Catalogue(tb)
	s, err := c.RenderMessage(lang, m, nil)
	if err != nil {
		tb.Fatalf("render %s in %s: %v", m.MessageKey(), lang, err)
	}
	return s
}
