package pgledger

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// The schema's migrations: migrations/NNNN_name.sql, applied in order,
// each once, each in its own transaction, recorded in schema_migrations.
// A migration is never edited after it ships; a change is a new file.
//
//go:embed migrations/*.sql
var migrationFS embed.FS

// lockKey is the advisory lock that keeps two migrators apart.
const lockKey = 0x4645_4c54_5341_4701 // "FELTSAG" 1

// Migration is one embedded schema step.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

var migrationName = regexp.MustCompile(`^(\d{4})_([a-z0-9_]+)\.sql$`)

// Migrations returns the embedded migrations in order. They must be
// numbered 1, 2, 3, … without a gap.
func Migrations() ([]Migration, error) { return readMigrations(migrationFS, "migrations") }

func readMigrations(fsys fs.FS, dir string) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var ms []Migration
	for _, e := range entries {
		if e.Name() == "grants.sql" {
			continue
		}
		m := migrationName.FindStringSubmatch(e.Name())
		if m == nil {
			return nil, fmt.Errorf("migration file %s: want NNNN_name.sql", e.Name())
		}
		v, _ := strconv.Atoi(m[1])
		b, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		ms = append(ms, Migration{Version: v, Name: m[2], SQL: string(b)})
	}
	slices.SortFunc(ms, func(a, b Migration) int { return a.Version - b.Version })
	for i, m := range ms {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migration %04d_%s: want version %d (no gaps, no repeats)", m.Version, m.Name, i+1)
		}
	}
	return ms, nil
}

// SchemaVersion is the schema this code reads and writes: the last
// embedded migration.
func SchemaVersion() int {
	ms, err := Migrations()
	if err != nil || len(ms) == 0 {
		panic(fmt.Sprintf("pgledger: embedded migrations: %v", err)) // a build mistake, caught by the tests
	}
	return ms[len(ms)-1].Version
}

// MigrateOptions tune Migrate.
type MigrateOptions struct {
	// Grant, when set, names the server's database role: after the
	// migrations it gets the least privilege of migrations/grants.sql.
	Grant string
}

// Migrate brings the database at url to SchemaVersion and returns the
// versions it applied (none when the schema is current). It runs as the
// schema's owner, not as the server's role. Two migrators at once are
// kept apart by an advisory lock; a database with a migration this code
// does not know (a newer feltsagd's) is refused with ledger-nyere-version
// and left unchanged.
func Migrate(ctx context.Context, url string, opts MigrateOptions) ([]int, error) {
	ms, err := Migrations()
	if err != nil {
		return nil, err
	}
	return migrate(ctx, url, ms, opts)
}

func migrate(ctx context.Context, url string, ms []Migration, opts MigrateOptions) ([]int, error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return nil, errUnreachable(err)
	}
	defer conn.Close(ctx)
	var done []int
	for _, m := range ms {
		applied, err := migrateOne(ctx, conn, m, ms[len(ms)-1].Version)
		if err != nil {
			return done, err
		}
		if applied {
			done = append(done, m.Version)
		}
	}
	if opts.Grant != "" {
		if err := grant(ctx, conn, opts.Grant); err != nil {
			return done, err
		}
	}
	return done, nil
}

// migrateOne applies m unless it is applied already, in one transaction
// under the migrators' lock.
func migrateOne(ctx context.Context, conn *pgx.Conn, m Migration, latest int) (applied bool, err error) {
	err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(lockKey)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    integer PRIMARY KEY,
			name       text NOT NULL,
			applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
			return err
		}
		v, err := versionOf(ctx, tx)
		if err != nil {
			return err
		}
		switch {
		case v > latest:
			return errNewer(v)
		case v >= m.Version:
			return nil
		case v != m.Version-1:
			return fmt.Errorf("schema at version %d, next migration is %d", v, m.Version)
		}
		if _, err := tx.Exec(ctx, m.SQL); err != nil {
			return fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
		}
		if _, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.Version, m.Name); err != nil {
			return err
		}
		applied = true
		return nil
	})
	return applied, err
}

// grant gives role the server's privileges (migrations/grants.sql).
func grant(ctx context.Context, conn *pgx.Conn, role string) error {
	b, err := migrationFS.ReadFile("migrations/grants.sql")
	if err != nil {
		return err
	}
	sql := strings.ReplaceAll(string(b), ":role", pgx.Identifier{role}.Sanitize())
	if _, err := conn.Exec(ctx, sql); err != nil {
		return fmt.Errorf("granting %s the server's privileges: %w", role, err)
	}
	return nil
}

type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// versionOf returns the schema's version: the highest applied migration,
// 0 when there is none or no schema_migrations table.
func versionOf(ctx context.Context, q querier) (int, error) {
	var exists bool
	if err := q.QueryRow(ctx, "SELECT to_regclass('schema_migrations') IS NOT NULL").Scan(&exists); err != nil || !exists {
		return 0, err
	}
	var v int
	err := q.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&v)
	return v, err
}
