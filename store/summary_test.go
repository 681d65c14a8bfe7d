package store_test

import (
	"path/filepath"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/store"
)

// executorOnly hides the engine's Summary: a store without it keeps list
// lines without deadlines.
type executorOnly struct{ store.Executor }

// TestListCarriesDeadlines: the list line of a case holds its deadlines as
// the rules compute them on the day the view was written, after PutCase,
// after a Commit and after a reopen (they are stored with the view).
func TestListCarriesDeadlines(t *testing.T) {
	opts, _ := testOptions(t)
	opts.Now = func() time.Time { return eventTime } // 12.03.2026
	path := filepath.Join(t.TempDir(), "frist.db")
	db := MustCreate(t, path, opts)
	s := seed(t, db, "0101901001", "Ida Frist") // DP, tilmeldt 05.01.2026, no CV
	want := app.FristRef{Navn: app.FristCV, Dato: app.MustDate(2026, 1, 19)}
	check := func(when string, db *store.DB) {
		t.Helper()
		list, err := db.List()
		mustNoErr(t, err, "List")
		if len(list) != 1 {
			t.Fatalf("%s: list = %+v", when, list)
		}
		if got := list[0].Overskredet; got != want {
			t.Errorf("%s: Overskredet = %+v, want %+v", when, got, want)
		}
		if got := list[0].Frist; !got.IsZero() && got.Dato.Before(app.DateOf(eventTime)) {
			t.Errorf("%s: Frist = %+v, a passed deadline", when, got)
		}
	}
	check("after PutCase", db)
	mustCommit(t, db, notat(t, s.ID, "Ringede"))
	check("after Commit", db)
	mustNoErr(t, db.Close(), "Close")
	check("after reopen", MustReopen(t, path, opts))

	opts.Engine = executorOnly{opts.Engine}
	bare := MustCreate(t, filepath.Join(t.TempDir(), "bare.db"), opts)
	seed(t, bare, "0101901001", "Ida Frist")
	list, err := bare.List()
	mustNoErr(t, err, "List")
	if len(list) != 1 || !list[0].Frist.IsZero() || !list[0].Overskredet.IsZero() {
		t.Errorf("engine without Summary: list = %+v, want no deadlines", list)
	}
}
