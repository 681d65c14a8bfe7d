package store_test

import (
	"crypto/rand"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/app/text"
	"feltsag.dk/feltsag/assets"
	"feltsag.dk/feltsag/internal/testkit"
	"feltsag.dk/feltsag/store"
)

const testPassword = "korrekt-hest-batteri-hæfteklamme"

// Synthetic citizen and canary texts: the no-plaintext tests grep the raw
// file for them.
const (
	canaryCPR    = "0101901234"
	canaryName   = "Søren Ærø"
	canaryHealth = "KANARIE-HELBRED-diskusprolaps"
)

// engine is the shared test engine over the shipped rules (internal/testkit).
var engine = testkit.LoadEngine

// cheapKDF keeps tests fast; production uses store.DefaultKDF().
var cheapKDF = store.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}

// testOptions returns options with the real engine, a cheap KDF and a
// sleep that records instead of sleeping.
func testOptions(tb testing.TB) (store.Options, *[]time.Duration) {
	tb.Helper()
	e, err := engine()
	if err != nil {
		tb.Fatal(err)
	}
	slept := &[]time.Duration{}
	return store.Options{
		Engine:      e,
		KDF:         cheapKDF,
		LockTimeout: 50 * time.Millisecond,
		Sleep:       func(d time.Duration) { *slept = append(*slept, d) },
	}, slept
}

// MustOpen creates an unlocked replica in a temporary folder and closes it
// when the test ends.
func MustOpen(tb testing.TB) *store.DB {
	tb.Helper()
	opts, _ := testOptions(tb)
	return MustCreate(tb, filepath.Join(tb.TempDir(), "feltsag-cw1-dev1.db"), opts)
}

// MustCreate creates an unlocked replica at path.
func MustCreate(tb testing.TB, path string, opts store.Options) *store.DB {
	tb.Helper()
	db, err := store.Create(path, testPassword, opts)
	if err != nil {
		tb.Fatalf("Create: %v", err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	return db
}

// MustReopen opens and unlocks an existing replica.
func MustReopen(tb testing.TB, path string, opts store.Options) *store.DB {
	tb.Helper()
	db, err := store.Open(path, opts)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	if err := db.Unlock(testPassword); err != nil {
		_ = db.Close()
		tb.Fatalf("Unlock: %v", err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	return db
}

func newID(tb testing.TB) app.ID {
	tb.Helper()
	id, err := app.NewID(rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	return id
}

var (
	caseworker = app.Actor{Rolle: app.RolleSagsbehandler, ID: "cw1"}
	eventTime  = time.Date(2026, 3, 12, 10, 0, 0, 0, app.Copenhagen())
)

// newSag returns a registered dagpenge case (KG 1, tilmeldt since 5
// January 2026, not visited), built by the shared factory.
func newSag(tb testing.TB, id app.ID, cpr, navn string) *app.Sag {
	tb.Helper()
	start := app.MustDate(2026, 1, 5)
	s := testkit.NewSag(tb, start, testkit.SagArgs{ID: id, CPR: cpr, Navn: navn, Start: start, NoVisitation: true})
	s.Version, s.Ansvarlig = 1, "cw1"
	s.Borger.Adresse = app.Adresse{Vej: "Testvej 1", Postnr: "8000", By: "Aarhus C"}
	s.Kontaktgruppe.RegelSet = "2026-02"
	s.Tilmelding.Ledighedsstatus = "ledig"
	return s
}

// seed puts a case on the device and returns it.
func seed(tb testing.TB, db *store.DB, cpr, navn string) *app.Sag {
	tb.Helper()
	s := newSag(tb, newID(tb), cpr, navn)
	if err := db.PutCase(s); err != nil {
		tb.Fatalf("PutCase: %v", err)
	}
	return s
}

func notat(tb testing.TB, sag app.ID, tekst string) app.Command {
	tb.Helper()
	return app.Command{ID: newID(tb), Sag: sag, Actor: caseworker, At: eventTime,
		Body: &app.TilfoejNotat{NotatID: newID(tb), Tekst: tekst}}
}

func sygemelding(tb testing.TB, sag app.ID, kommentar string) app.Command {
	tb.Helper()
	return app.Command{ID: newID(tb), Sag: sag, Actor: caseworker, At: eventTime,
		Body: &app.RegistrerFravaer{FravaerID: newID(tb), Type: "sygemelding", Start: app.DateOf(eventTime), Kommentar: kommentar}}
}

func mustCommit(tb testing.TB, db *store.DB, c app.Command) *app.Result {
	tb.Helper()
	r, err := db.Commit(c)
	if err != nil {
		tb.Fatalf("Commit %s: %v", c.Body.Kind(), err)
	}
	return r
}

// wantRule fails unless err is an *app.Error with code and rule.
func wantRule(tb testing.TB, err error, code, rule string) *app.Error {
	tb.Helper()
	var ae *app.Error
	if !errors.As(err, &ae) {
		tb.Fatalf("got error %v (%T), want *app.Error %s/%s", err, err, code, rule)
	}
	if ae.Code != code || ae.Rule != rule {
		tb.Fatalf("got %s/%s (%s), want %s/%s", ae.Code, ae.Rule, daText(ae), code, rule)
	}
	if daText(ae) == "" {
		tb.Fatalf("error %s/%s has no Danish message", code, rule)
	}
	return ae
}

func pendingIDs(tb testing.TB, db *store.DB) []app.ID {
	tb.Helper()
	p, err := db.Pending()
	if err != nil {
		tb.Fatalf("Pending: %v", err)
	}
	ids := make([]app.ID, len(p))
	for i, e := range p {
		ids[i] = e.Command.ID
	}
	return ids
}

func mustNoErr(tb testing.TB, err error, what string, args ...any) {
	tb.Helper()
	if err != nil {
		tb.Fatalf("%s: %v", fmt.Sprintf(what, args...), err)
	}
}

// daText renders ae in Danish through the catalogue of texts, strictly: a
// missing key or parameter shows as the rendering error.
func daText(ae *app.Error) string {
	c, err := text.Load(assets.I18n(), assets.I18nDir)
	if err != nil {
		return "catalogue: " + err.Error()
	}
	s, err := c.RenderMessage("da", ae, nil)
	if err != nil {
		return "render: " + err.Error()
	}
	return s
}
