package pgledger_test

import (
	"context"
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/pgtest"
	"feltsag.dk/feltsag/store/ledger/ledgertest"
	"feltsag.dk/feltsag/store/pgledger"
)

// TestConformance runs the suite every ledger passes against a real
// PostgreSQL: a fresh, migrated database per subtest.
func TestConformance(t *testing.T) {
	c := pgtest.Start(t)
	ledgertest.Run(t, func(t *testing.T) app.Ledger {
		return open(t, c, c.URL(migrated(t, c), ""))
	})
}

// migrated makes a new database and migrates it; it returns its name.
func migrated(t *testing.T, c *pgtest.Cluster) string {
	t.Helper()
	db := c.NewDatabase(t)
	if _, err := pgledger.Migrate(context.Background(), c.URL(db, ""), pgledger.MigrateOptions{}); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	return db
}

func open(t *testing.T, c *pgtest.Cluster, url string) *pgledger.DB {
	t.Helper()
	db, err := pgledger.Open(context.Background(), url, pgledger.Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}
