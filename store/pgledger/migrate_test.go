package pgledger

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/jackc/pgx/v5"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/pgtest"
	"feltsag.dk/feltsag/internal/testkit"
)

func TestReadMigrations(t *testing.T) {
	tests := []struct {
		name    string
		files   []string
		want    []int
		wantErr string
	}{
		{"in order", []string{"0002_b.sql", "0001_a.sql", "grants.sql"}, []int{1, 2}, ""},
		{"a gap", []string{"0001_a.sql", "0003_c.sql"}, nil, "want version 2"},
		{"a repeat", []string{"0001_a.sql", "0001_b.sql"}, nil, "want version 2"},
		{"not starting at 1", []string{"0002_b.sql"}, nil, "want version 1"},
		{"a bad name", []string{"0001_a.sql", "2_b.sql"}, nil, "want NNNN_name.sql"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for _, f := range tc.files {
				fsys["m/"+f] = &fstest.MapFile{Data: []byte("SELECT 1")}
			}
			ms, err := readMigrations(fsys, "m")
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("readMigrations = %v, want an error with %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []int
			for _, m := range ms {
				got = append(got, m.Version)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("versions = %v, want %v", got, tc.want)
			}
		})
	}
	// The shipped ones read, and the code's version is the last.
	ms, err := Migrations()
	if err != nil || len(ms) == 0 || SchemaVersion() != ms[len(ms)-1].Version {
		t.Fatalf("embedded migrations: %v, %d, version %d", err, len(ms), SchemaVersion())
	}
}

// schemaOf returns the applied versions of the database at url.
func schemaOf(t *testing.T, url string) []int {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rs, _ := conn.Query(ctx, "SELECT version FROM schema_migrations ORDER BY version")
	vs, err := pgx.CollectRows(rs, pgx.RowTo[int])
	if err != nil {
		t.Fatal(err)
	}
	return vs
}

func ruleOf(err error) string {
	var ae *app.Error
	if errors.As(err, &ae) {
		return ae.Rule
	}
	return ""
}

// TestMigrate: a step is applied once, in its own transaction; a failing
// step leaves the schema where it was; a newer schema is refused.
func TestMigrate(t *testing.T) {
	c := pgtest.Start(t)
	ctx := context.Background()
	one := []Migration{{1, "a", "CREATE TABLE a (i int)"}}
	two := append(slices.Clone(one), Migration{2, "b", "CREATE TABLE b (i int)"})
	broken := append(slices.Clone(two), Migration{3, "c", "CREATE TABLE c (i int); SELECT no_such_function()"})

	t.Run("in steps", func(t *testing.T) {
		url := c.URL(c.NewDatabase(t), "")
		for _, tc := range []struct {
			ms   []Migration
			want []int
		}{{one, []int{1}}, {one, nil}, {two, []int{2}}, {two, nil}} {
			got, err := migrate(ctx, url, tc.ms, MigrateOptions{})
			if err != nil || !slices.Equal(got, tc.want) {
				t.Errorf("migrate to %d = %v, %v; want %v", len(tc.ms), got, err, tc.want)
			}
		}
		if got := schemaOf(t, url); !slices.Equal(got, []int{1, 2}) {
			t.Errorf("schema_migrations = %v", got)
		}
	})
	t.Run("a failing step is rolled back", func(t *testing.T) {
		url := c.URL(c.NewDatabase(t), "")
		got, err := migrate(ctx, url, broken, MigrateOptions{})
		if err == nil || !strings.Contains(err.Error(), "0003_c") {
			t.Fatalf("migrate = %v, %v; want the failing step named", got, err)
		}
		if !slices.Equal(got, []int{1, 2}) || !slices.Equal(schemaOf(t, url), []int{1, 2}) {
			t.Errorf("applied %v, schema %v; want 1 and 2", got, schemaOf(t, url))
		}
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		var exists bool
		if err := conn.QueryRow(ctx, "SELECT to_regclass('c') IS NOT NULL").Scan(&exists); err != nil || exists {
			t.Errorf("table c of the failed step exists: %v, %v", exists, err)
		}
	})
	t.Run("a newer schema is refused", func(t *testing.T) {
		url := c.URL(c.NewDatabase(t), "")
		if _, err := migrate(ctx, url, two, MigrateOptions{}); err != nil {
			t.Fatal(err)
		}
		_, err := migrate(ctx, url, one, MigrateOptions{})
		if ruleOf(err) != RuleNewer {
			t.Errorf("older code migrating a newer schema: %v, want %s", err, RuleNewer)
		}
	})
	t.Run("migrators at once", func(t *testing.T) {
		url := c.URL(c.NewDatabase(t), "")
		var wg sync.WaitGroup
		var mu sync.Mutex
		var all []int
		for range 4 {
			wg.Go(func() {
				got, err := Migrate(ctx, url, MigrateOptions{})
				if err != nil {
					t.Errorf("Migrate: %v", err)
				}
				mu.Lock()
				all = append(all, got...)
				mu.Unlock()
			})
		}
		wg.Wait()
		slices.Sort(all)
		var want []int
		for v := 1; v <= SchemaVersion(); v++ {
			want = append(want, v)
		}
		if !slices.Equal(all, want) {
			t.Errorf("four migrators applied %v together, want each step once: %v", all, want)
		}
	})
}

// TestOpenChecksSchema: the server refuses a database that is not
// migrated, or is migrated beyond what it knows, with a message that says
// what to do.
func TestOpenChecksSchema(t *testing.T) {
	c := pgtest.Start(t)
	ctx := context.Background()
	fresh := c.URL(c.NewDatabase(t), "")
	newerDB := c.NewDatabase(t)
	newer := c.URL(newerDB, "")
	if _, err := Migrate(ctx, newer, MigrateOptions{}); err != nil {
		t.Fatal(err)
	}
	c.Exec(t, newerDB, "INSERT INTO schema_migrations (version, name) VALUES (99, 'future')")
	for _, tc := range []struct {
		name, url, rule, key, says string
	}{
		{"not migrated", fresh, RuleOlder, "store.pg_older", "feltsagd migrate"},
		{"newer", newer, RuleNewer, "store.pg_newer", "99"},
		{"unreachable", c.URL("no_such_database", ""), RuleUnreachable, "store.pg_unreachable", "--db"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, err := Open(ctx, tc.url, Options{})
			if err == nil {
				_ = db.Close()
				t.Fatal("Open succeeded")
			}
			var ae *app.Error
			if !errors.As(err, &ae) || ae.Rule != tc.rule || ae.Key != tc.key {
				t.Fatalf("Open = %v, want rule %s key %s", err, tc.rule, tc.key)
			}
			for _, lang := range []string{"da", "en"} {
				if msg := testkit.Message(t, ae, lang); !strings.Contains(msg, tc.says) {
					t.Errorf("%s message %q does not say %q", lang, msg, tc.says)
				}
			}
		})
	}
}
