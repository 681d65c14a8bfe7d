// Package testkit is the one home of the helpers Feltsag's tests share: the
// shipped rule tables loaded once, synthetic CPR numbers, and a case factory
// that fills defaults so a test names only what it is about.
//
// Only _test.go files import it (.ci/layercheck refuses a production
// import); it may import app and assets.
package testkit

import (
	"fmt"
	"sync"
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/assets"
)

// shipped loads the embedded rule tables once per test binary. The result
// is never changed after loading: Rules hands out the same read-only value.
var shipped = sync.OnceValues(func() (*app.Rules, error) { return app.LoadRules(assets.Rules()) })

// Rules returns the shipped rule tables, loaded once per test binary, or
// fails the test. Callers must not change them.
func Rules(tb testing.TB) *app.Rules {
	tb.Helper()
	r, err := shipped()
	if err != nil {
		tb.Fatalf("load the shipped rule tables: %v", err)
	}
	return r
}

// LoadEngine returns an engine over the shipped rule tables, loaded once
// per binary, for code with no testing.TB: a crash test's child process.
func LoadEngine() (*app.Engine, error) {
	r, err := shipped()
	if err != nil {
		return nil, err
	}
	return app.NewEngine(r), nil
}

// Engine returns an engine over the shipped rule tables.
func Engine(tb testing.TB) *app.Engine {
	tb.Helper()
	return app.NewEngine(Rules(tb))
}

// CPR parses s or fails the test.
func CPR(tb testing.TB, s string) app.CPR {
	tb.Helper()
	c, err := app.ParseCPR(s)
	if err != nil {
		tb.Fatalf("ParseCPR(%q): %v", s, err)
	}
	return c
}

// SynthCPR returns a synthetic CPR number for someone born on born: the
// seventh digit the century rule needs (0 before 2000, 4 from 2000 to
// 2036) and a serial that fails modulus 11, as app/demo makes them, so it
// cannot belong to a person born before 2007. The search for such a serial
// starts at n%1000, so n a few apart can give the same number; space them
// (n = 0, 100, 200 …) for different people born the same day.
func SynthCPR(tb testing.TB, born app.Date, n int) app.CPR {
	tb.Helper()
	y, m, d := born.YMD()
	if y < 1900 || y > 2036 {
		tb.Fatalf("SynthCPR: birth year %d has no CPR century digit here; use 1900–2036", y)
	}
	seventh := 0
	if y >= 2000 {
		seventh = 4
	}
	for serial := seventh*1000 + n%1000; ; serial++ {
		c := CPR(tb, fmt.Sprintf("%02d%02d%02d%04d", d, int(m), y%100, serial))
		if !c.Mod11() {
			return c
		}
	}
}

// CPRForAge returns a synthetic CPR number (see SynthCPR) for someone who
// is age years old on day, with the birthday 100 days before day, away from
// any age boundary.
func CPRForAge(tb testing.TB, day app.Date, age, n int) app.CPR {
	tb.Helper()
	return SynthCPR(tb, day.AddYears(-age).AddDays(-100), n)
}
