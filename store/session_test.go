package store_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/store"
)

// TestSessionSealedAcrossReopen: the sync session survives a restart, is
// not on disk in plain text, is unreadable while locked, and an empty value
// removes it.
func TestSessionSealedAcrossReopen(t *testing.T) {
	opts, _ := testOptions(t)
	path := filepath.Join(t.TempDir(), "feltsag-cw1-dev1.db")
	db := MustCreate(t, path, opts)
	if got, err := db.Session(); err != nil || got != nil {
		t.Fatalf("Session() on a new replica = %q, %v; want nil, nil", got, err)
	}
	const secret = `{"refresh_token":"KANARIE-REFRESH-TOKEN"}`
	if err := db.SetSession([]byte(secret)); err != nil {
		t.Fatalf("SetSession: %v", err)
	}
	db.Lock()
	if _, err := db.Session(); err == nil || app.AsError(err).Rule != store.RuleNotOpen {
		t.Errorf("Session() while locked = %v, want %s", err, store.RuleNotOpen)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("KANARIE-REFRESH-TOKEN")) {
		t.Error("the refresh token is in the raw file")
	}
	db = MustReopen(t, path, opts)
	got, err := db.Session()
	if err != nil || string(got) != secret {
		t.Fatalf("Session() after reopen = %q, %v; want %q", got, err, secret)
	}
	if err := db.SetSession(nil); err != nil {
		t.Fatal(err)
	}
	if got, err := db.Session(); err != nil || got != nil {
		t.Errorf("Session() after SetSession(nil) = %q, %v; want nil, nil", got, err)
	}
}
