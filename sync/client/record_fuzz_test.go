package client_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/testkit"
	"feltsag.dk/feltsag/store"
)

// FuzzRecordData applies a case record whose data (the case as JSON, as a
// changes frame carries it; wire.Decode checks only that it is an object)
// is arbitrary, to a real replica holding a pending command on that case,
// so the received state is decoded into an app.Sag, stored, and the
// pending command is run on it again (the rebase). It never panics; a
// refusal is an invalid *app.Error with a key and moves nothing; an
// accepted record is listed at its version and can be viewed.
func FuzzRecordData(f *testing.F) {
	path := filepath.Join(f.TempDir(), "feltsag-cw1-dev1.db")
	db, err := store.Create(path, testPassword, store.Options{
		Engine: testkit.Engine(f), KDF: store.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1},
		LockTimeout: 50 * time.Millisecond, Device: testDevice,
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = db.Close() })
	sag := testkit.NewSag(f, app.MustDate(2026, 3, 12), testkit.SagArgs{ID: "sag-1"})
	sag.Ansvarlig, sag.Version = "cw1", 1
	good, err := json.Marshal(sag)
	if err != nil {
		f.Fatal(err)
	}
	var seq uint64 = 1
	if err := db.ApplyPage(app.Page{Records: []app.Record{{Kind: app.RecordSag, ID: "sag-1", Version: 1, Seq: 1, Data: good}}, Cursor: app.Cursor{Epoch: 1, Seq: 1}}); err != nil {
		f.Fatal(err)
	}
	if _, err := db.Commit(app.Command{ID: "c-1", Sag: "sag-1", Actor: caseworker, At: eventTime, Body: &app.TilfoejNotat{NotatID: "n-1", Tekst: "afventer"}}); err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(bytes.Replace(good, []byte(`"sag-1"`), []byte(`"sag-2"`), 1))
	f.Add([]byte(`{"id":"sag-1"}`))
	f.Add([]byte(`{"id":"sag-1","versions":{"visitation":-5},"notater":null,"kontaktgruppe":{"kg":99}}`))
	f.Add([]byte(`{"id":"sag-1","borger":{"cpr":"0101901234"},"fravaer":[{"start":"9999-12-31"}]}`))
	f.Add([]byte(`{"id":"sag-1","tilmelding":{"dato":"0001-01-01"},"ydelse":{"type":"?"}}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if !json.Valid(data) || len(bytes.TrimLeft(data, " \t\r\n")) == 0 || bytes.TrimLeft(data, " \t\r\n")[0] != '{' {
			return // the codec lets only objects through as record data
		}
		before, err := db.Cursor()
		if err != nil {
			t.Fatal(err)
		}
		seq++
		v := int64(seq)
		err = db.ApplyPage(app.Page{Records: []app.Record{{Kind: app.RecordSag, ID: "sag-1", Version: v, Seq: seq, Data: data}}, Cursor: app.Cursor{Epoch: 1, Seq: seq}})
		if err != nil {
			var e *app.Error
			if !errors.As(err, &e) || e.Code != app.CodeInvalid || e.Key == "" {
				t.Fatalf("ApplyPage(%q) error %T %v, want an invalid *app.Error with a key", data, err, err)
			}
			if after, _ := db.Cursor(); after != before {
				t.Fatalf("refused page moved the cursor from %v to %v", before, after)
			}
			return
		}
		list, err := db.List()
		if err != nil || len(list) != 1 || list[0].ID != "sag-1" || list[0].Version != v {
			t.Fatalf("after %q: List = %+v, %v; want sag-1 at v%d", data, list, err, v)
		}
		if _, err := db.View("sag-1", caseworker); err != nil && app.ErrorCode(err) == app.CodeInternal {
			t.Fatalf("View after %q: %v", data, err)
		}
	})
}
