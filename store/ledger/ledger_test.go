package ledger_test

import (
	"errors"
	"path/filepath"
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/store/ledger"
	"feltsag.dk/feltsag/store/ledger/ledgertest"
)

// TestConformance runs the suite every ledger passes on real bbolt files.
func TestConformance(t *testing.T) {
	ledgertest.Run(t, func(t *testing.T) app.Ledger {
		return mustOpen(t, filepath.Join(t.TempDir(), "ledger.db"), ledger.Options{})
	})
}

func mustOpen(t *testing.T, path string, opts ledger.Options) *ledger.DB {
	t.Helper()
	db, err := ledger.Open(path, opts)
	if err != nil {
		t.Fatalf("Open(%s): %v", filepath.Base(path), err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func errCode(err error) (code, rule string) {
	var ae *app.Error
	if errors.As(err, &ae) {
		return ae.Code, ae.Rule
	}
	return "", ""
}
