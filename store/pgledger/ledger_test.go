package pgledger_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/pgtest"
	"feltsag.dk/feltsag/store/ledger/ledgertest"
	"feltsag.dk/feltsag/store/pgledger"
)

// serverRole is the least-privileged role the tests' servers connect as.
const serverRole = "feltsagd_server"

// start starts a cluster with the server's role in it.
func start(t *testing.T) *pgtest.Cluster {
	t.Helper()
	c := pgtest.Start(t)
	c.Exec(t, "postgres", "CREATE ROLE "+serverRole+" LOGIN")
	return c
}

// TestConformance runs the suite every ledger passes against a real
// PostgreSQL: a fresh database per subtest, migrated by its owner and
// used by the server's role with only the grants of grants.sql, so the
// suite also proves the grants are enough.
func TestConformance(t *testing.T) {
	c := start(t)
	template := migrated(t, c)
	ledgertest.Run(t, func(t *testing.T) app.Ledger {
		return open(t, c.URL(c.NewDatabaseFrom(t, template), serverRole))
	})
}

// migrated makes a new database, migrates it as the superuser and grants
// the server's role its privileges; it returns the database's name.
func migrated(t *testing.T, c *pgtest.Cluster) string {
	t.Helper()
	db := c.NewDatabase(t)
	if _, err := pgledger.Migrate(context.Background(), c.URL(db, ""), pgledger.MigrateOptions{Grant: serverRole}); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	return db
}

func open(t *testing.T, url string) *pgledger.DB {
	t.Helper()
	db, err := pgledger.Open(context.Background(), url, pgledger.Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// TestServerRoleLeastPrivilege: the server's role reads and writes rows,
// but cannot change the schema, empty a table, or change or delete the
// audit trail. Every statement must fail with insufficient_privilege.
func TestServerRoleLeastPrivilege(t *testing.T) {
	c := start(t)
	db := migrated(t, c)
	l := open(t, c.URL(db, serverRole))
	if err := l.Update(func(tx app.LedgerTx) error {
		_, err := tx.AppendAudit(app.LedgerAudit{Device: "dev1", Record: app.AuditRecord{Seq: 1, Sag: "sag1"}})
		return err
	}); err != nil {
		t.Fatalf("the server's role cannot write: %v", err)
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, c.URL(db, serverRole))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, sql := range []string{
		"DROP TABLE records",
		"ALTER TABLE records ADD COLUMN x int",
		"ALTER TABLE ledger DROP CONSTRAINT ledger_head_check",
		"CREATE TABLE mine (i int)",
		"CREATE INDEX mine ON records (version)",
		"TRUNCATE records",
		"TRUNCATE audit",
		"DELETE FROM audit",
		"UPDATE audit SET doc = '{}'",
		"DELETE FROM audit_sag",
		"DELETE FROM ledger",
		"INSERT INTO schema_migrations (version, name) VALUES (99, 'x')",
		"DELETE FROM schema_migrations",
	} {
		t.Run(sql, func(t *testing.T) {
			_, err := conn.Exec(ctx, sql)
			var pe *pgconn.PgError
			if !errors.As(err, &pe) || pe.Code != "42501" {
				t.Errorf("%s as the server's role: %v, want insufficient_privilege (42501)", sql, err)
			}
		})
	}
}

// TestUpdate: what the conformance suite cannot ask of every ledger.
func TestUpdate(t *testing.T) {
	c := start(t)
	t.Run("panic", func(t *testing.T) { testPanicInUpdate(t, open(t, c.URL(migrated(t, c), serverRole))) })
	t.Run("after close", func(t *testing.T) { testUpdateAfterClose(t, open(t, c.URL(migrated(t, c), serverRole))) })
}

// testPanicInUpdate: a panic in fn reaches its own caller, writes
// nothing, and the Updates after it commit.
func testPanicInUpdate(t *testing.T, l *pgledger.DB) {
	func() {
		defer func() {
			if r := recover(); r != "boom" {
				t.Errorf("recovered %v, want the panic of fn", r)
			}
		}()
		_ = l.Update(func(tx app.LedgerTx) error {
			if _, err := tx.PutRecord(app.LedgerRecord{Kind: app.RecordSag, ID: "half", Version: 1, Owner: "cw1"}); err != nil {
				return err
			}
			panic("boom")
		})
	}()
	if err := l.Update(func(tx app.LedgerTx) error { return tx.PutMeta("after", []byte("x")) }); err != nil {
		t.Fatalf("Update after a panic: %v", err)
	}
	err := l.View(func(tx app.LedgerTx) error {
		if _, err := tx.Record(app.RecordSag, "half"); app.ErrorCode(err) != app.CodeNotFound {
			t.Errorf("the panicking Update's record: %v, want not found", err)
		}
		if h, err := tx.Head(); err != nil || h.Seq != 0 {
			t.Errorf("Head after the panicking Update = %v, %v; want position 0", h, err)
		}
		_, err := tx.Meta("after")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// testUpdateAfterClose: an Update on a closed ledger fails at once.
func testUpdateAfterClose(t *testing.T, l *pgledger.DB) {
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if err := l.Update(func(tx app.LedgerTx) error { return tx.PutMeta("k", []byte("v")) }); err == nil {
		t.Error("Update after Close succeeded")
	}
	if err := l.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}
