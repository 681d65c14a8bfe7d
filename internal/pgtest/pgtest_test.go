package pgtest_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"feltsag.dk/feltsag/internal/pgtest"
)

// TestStart: the cluster answers on its socket, runs PostgreSQL 15 or
// newer, and hands out separate databases.
func TestStart(t *testing.T) {
	c := pgtest.Start(t)
	a, b := c.NewDatabase(t), c.NewDatabase(t)
	if a == b {
		t.Fatalf("NewDatabase gave %s twice", a)
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, c.URL(a, ""))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var version int
	if err := conn.QueryRow(ctx, "SELECT current_setting('server_version_num')::int").Scan(&version); err != nil {
		t.Fatal(err)
	}
	if version < 150000 {
		t.Errorf("server_version_num = %d, want PostgreSQL 15 or newer", version)
	}
	var db string
	if err := conn.QueryRow(ctx, "SELECT current_database()").Scan(&db); err != nil || db != a {
		t.Errorf("current_database() = %q, %v; want %q", db, err, a)
	}
}
