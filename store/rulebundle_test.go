package store_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/store"
)

// TestRuleBundleSealedAcrossReopen: the installed rule bundle is kept
// sealed (not readable in the raw file or while locked) and survives a
// reopen; an empty value removes it.
func TestRuleBundleSealedAcrossReopen(t *testing.T) {
	opts, _ := testOptions(t)
	path := filepath.Join(t.TempDir(), "feltsag-cw1-dev1.db")
	db := MustCreate(t, path, opts)
	if got, err := db.RuleBundle(); err != nil || got != nil {
		t.Fatalf("RuleBundle() on a new replica = %q, %v; want nil, nil", got, err)
	}
	const bundle = `{"digest":"d","files":[{"name":"regelsaet.csv","data":"KANARIE-REGLER"}]}`
	if err := db.SetRuleBundle([]byte(bundle)); err != nil {
		t.Fatalf("SetRuleBundle: %v", err)
	}
	db.Lock()
	if _, err := db.RuleBundle(); err == nil || app.AsError(err).Rule != store.RuleNotOpen {
		t.Errorf("RuleBundle() while locked = %v, want %s", err, store.RuleNotOpen)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("KANARIE-REGLER")) {
		t.Error("the rule bundle is in the raw file")
	}
	db = MustReopen(t, path, opts)
	if got, err := db.RuleBundle(); err != nil || string(got) != bundle {
		t.Fatalf("RuleBundle() after reopen = %q, %v; want %q", got, err, bundle)
	}
	if err := db.SetRuleBundle(nil); err != nil {
		t.Fatal(err)
	}
	if got, err := db.RuleBundle(); err != nil || got != nil {
		t.Errorf("RuleBundle() after SetRuleBundle(nil) = %q, %v; want nil, nil", got, err)
	}
}
