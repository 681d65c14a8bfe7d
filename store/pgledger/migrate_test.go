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

// TestMigrateToReaders: a database at schema 1 holding a record owned by
// cw1 (written by a server before readers existed) is migrated to the
// current schema: the record reads with no readers and stays in cw1's
// scope, and the next write shares it with readers and later drops one
// with a removal. The least-privileged role can do all of it.
func TestMigrateToReaders(t *testing.T) {
	c := pgtest.Start(t)
	ctx := context.Background()
	c.Exec(t, "postgres", "CREATE ROLE feltsagd_readers LOGIN")
	db := c.NewDatabase(t)
	owner := c.URL(db, "")
	ms, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := migrate(ctx, owner, ms[:1], MigrateOptions{}); err != nil {
		t.Fatal(err)
	}
	c.Exec(t, db,
		"UPDATE ledger SET head = 1",
		`INSERT INTO records (kind, id, version, seq, owner, data) VALUES ('virksomhed', 'v1', 1, 1, 'cw1', '{}')`,
		"INSERT INTO scope (owner, kind, id, seq, version, removed) VALUES ('cw1', 'virksomhed', 'v1', 1, 1, false)")
	got, err := Migrate(ctx, owner, MigrateOptions{Grant: "feltsagd_readers"})
	if err != nil {
		t.Fatal(err)
	}
	var want []int
	for v := 2; v <= SchemaVersion(); v++ {
		want = append(want, v)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("Migrate applied %v, want %v", got, want)
	}
	l, err := Open(ctx, c.URL(db, "feltsagd_readers"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var s2, s3 uint64
	err = l.Update(func(tx app.LedgerTx) error {
		r, err := tx.Record(app.RecordVirksomhed, "v1")
		if err != nil {
			return err
		}
		if r.Readers != nil || r.Owner != "cw1" || r.Seq != 1 {
			t.Errorf("old record after the migration = %+v, want cw1's at 1 with no readers", r)
		}
		if ids, err := tx.Scope("cw1", app.RecordVirksomhed); err != nil || !slices.Equal(ids, []app.ID{"v1"}) {
			t.Errorf("Scope(cw1) = %v, %v; want v1", ids, err)
		}
		r.Version, r.Readers = 2, []app.ID{"cw2", "cw3"}
		if s2, err = tx.PutRecord(r); err != nil {
			return err
		}
		r.Version, r.Readers = 3, []app.ID{"cw3"}
		s3, err = tx.PutRecord(r)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	err = l.View(func(tx app.LedgerTx) error {
		for _, tc := range []struct {
			member app.ID
			after  uint64
			want   []app.Record
		}{
			{"cw1", 1, []app.Record{{Kind: app.RecordVirksomhed, ID: "v1", Version: 3, Seq: s3, Data: []byte("{}")}}},
			{"cw3", 0, []app.Record{{Kind: app.RecordVirksomhed, ID: "v1", Version: 3, Seq: s3, Data: []byte("{}")}}},
			{"cw2", 1, []app.Record{{Kind: app.RecordVirksomhed, ID: "v1", Version: 3, Seq: s3, Removed: true}}},
			{"cw2", 0, nil},
		} {
			got, err := tx.Changes(tc.member, tc.after, 10)
			if err != nil {
				return err
			}
			if len(got) != len(tc.want) || len(got) > 0 && (got[0].ID != tc.want[0].ID || got[0].Seq != tc.want[0].Seq || got[0].Removed != tc.want[0].Removed || got[0].Version != tc.want[0].Version) {
				t.Errorf("Changes(%s, %d) = %+v, want %+v", tc.member, tc.after, got, tc.want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if s2 != 2 || s3 != 3 {
		t.Errorf("positions %d, %d after the old head 1, want 2, 3", s2, s3)
	}
}
