// Package pgtest starts a real PostgreSQL server for a test: initdb on a
// fresh temporary directory, pg_ctl start with a Unix socket in that
// directory and no TCP listener (so no port can clash with another test
// or another agent), and pg_ctl stop plus removal of the directory when
// the test ends. Only _test.go files import it.
//
// initdb refuses to run as root. When the test runs as root (CI runs as
// root on a fresh Debian machine), the server's programs run as the
// unprivileged system user that Debian's postgresql package creates,
// "postgres" (FELTSAG_PG_USER names another); as any other user they run
// as that user.
//
// When PostgreSQL is not installed the test is skipped with a message,
// unless FELTSAG_REQUIRE_TOOLS is 1 (make test sets it): then it fails.
package pgtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Superuser is the superuser initdb creates; it signs in without a
// password over the socket (trust: only the test's own socket directory,
// mode 0700, reaches it).
const Superuser = "postgres"

// Cluster is one running PostgreSQL server.
type Cluster struct {
	dir  string // data directory and socket directory
	bin  string // directory of initdb and pg_ctl
	cred *syscall.Credential
	n    int // databases made so far
}

// Start starts a PostgreSQL server for t and stops it when t ends. It
// runs without fsync: a test's cluster is thrown away.
func Start(t testing.TB) *Cluster {
	t.Helper()
	return start(t, false)
}

// StartDurable starts a server that fsyncs every commit, as production
// does: for benchmarks whose numbers must mean something.
func StartDurable(t testing.TB) *Cluster {
	t.Helper()
	return start(t, true)
}

func start(t testing.TB, durable bool) *Cluster {
	t.Helper()
	bin, err := findBin()
	if err != nil {
		if os.Getenv("FELTSAG_REQUIRE_TOOLS") == "1" {
			t.Fatalf("PostgreSQL is required (FELTSAG_REQUIRE_TOOLS=1) but not found: %v; run `make deps` (Debian package postgresql)", err)
		}
		t.Skipf("PostgreSQL not found (%v): install the Debian package postgresql (`make deps`) to run this test", err)
	}
	c := &Cluster{bin: bin}
	if os.Geteuid() == 0 {
		name := cmpOr(os.Getenv("FELTSAG_PG_USER"), "postgres")
		if c.cred, err = credential(name); err != nil {
			t.Fatalf("running as root, PostgreSQL must run as an unprivileged user: %v (Debian's postgresql package creates %q; FELTSAG_PG_USER names another)", err, name)
		}
	}
	// Not t.TempDir: its parents are mode 0700 and root's, which the
	// unprivileged user cannot enter. The socket path must stay under
	// 107 bytes, so the directory is short and in the system's temp dir.
	dir, err := os.MkdirTemp("", "feltsag-pg-")
	if err != nil {
		t.Fatal(err)
	}
	c.dir = dir
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	if c.cred != nil {
		if err := os.Chown(dir, int(c.cred.Uid), int(c.cred.Gid)); err != nil {
			t.Fatal(err)
		}
	}
	data := filepath.Join(dir, "data")
	if out, err := c.run("initdb", "-D", data, "-U", Superuser, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	opts := fmt.Sprintf("-c listen_addresses='' -c unix_socket_directories='%s' -c shared_buffers=16MB -c max_connections=300", dir)
	if !durable {
		// fsync off: a test's cluster is thrown away, and the machine is shared.
		opts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	}
	if out, err := c.run("pg_ctl", "-D", data, "-l", filepath.Join(dir, "log"), "-o", opts, "-w", "-t", "60", "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "log"))
		t.Fatalf("pg_ctl start: %v\n%s\n%s", err, out, log)
	}
	t.Cleanup(func() {
		if out, err := c.run("pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"); err != nil {
			t.Errorf("pg_ctl stop: %v\n%s", err, out)
		}
	})
	return c
}

// Restart restarts the server (pg_ctl restart, fast shutdown: open
// connections are ended, as in a failover or a minor upgrade) with the
// options it was started with, and waits until it accepts connections.
func (c *Cluster) Restart(t testing.TB) {
	t.Helper()
	data := filepath.Join(c.dir, "data")
	if out, err := c.run("pg_ctl", "-D", data, "-l", filepath.Join(c.dir, "log"), "-m", "fast", "-w", "-t", "60", "restart"); err != nil {
		log, _ := os.ReadFile(filepath.Join(c.dir, "log"))
		t.Fatalf("pg_ctl restart: %v\n%s\n%s", err, out, log)
	}
}

// run runs one of PostgreSQL's programs as the cluster's user.
func (c *Cluster) run(prog string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(c.bin, prog), args...)
	cmd.Dir = c.dir
	// The test's LANG (da_DK.UTF-8) need not exist as a locale here.
	cmd.Env = append(slices.DeleteFunc(os.Environ(), func(kv string) bool {
		return strings.HasPrefix(kv, "LANG=") || strings.HasPrefix(kv, "LC_")
	}), "LC_ALL=C")
	if c.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.Bytes(), err
}

// URL returns the connection URL of database db as user (the superuser
// when user is "").
func (c *Cluster) URL(db, user string) string {
	u := url.URL{Scheme: "postgres", User: url.User(cmpOr(user, Superuser)), Path: "/" + db,
		RawQuery: url.Values{"host": {c.dir}, "sslmode": {"disable"}}.Encode()}
	return u.String()
}

// Dir is the cluster's socket directory.
func (c *Cluster) Dir() string { return c.dir }

// NewDatabase creates an empty database and returns its name; it is
// dropped with the cluster.
func (c *Cluster) NewDatabase(t testing.TB) string {
	t.Helper()
	return c.NewDatabaseFrom(t, "template1")
}

// NewDatabaseFrom creates a database as a copy of template (which no one
// may be connected to) and returns its name: a test that needs many
// migrated databases migrates one and copies it.
func (c *Cluster) NewDatabaseFrom(t testing.TB, template string) string {
	t.Helper()
	c.n++
	name := "t" + strconv.Itoa(c.n)
	// FILE_COPY: a checkpoint and a directory copy, faster here than
	// WAL-logging the template page by page (fsync is off).
	c.Exec(t, "postgres", "CREATE DATABASE "+name+" TEMPLATE "+pgx.Identifier{template}.Sanitize()+" STRATEGY FILE_COPY")
	return name
}

// Exec runs statements as the superuser in database db.
func (c *Cluster) Exec(t testing.TB, db string, sql ...string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, c.URL(db, ""))
	if err != nil {
		t.Fatalf("connecting to %s: %v", db, err)
	}
	defer conn.Close(ctx)
	for _, s := range sql {
		if _, err := conn.Exec(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// findBin finds initdb and pg_ctl: on PATH, else in Debian's
// /usr/lib/postgresql/VERSION/bin (the newest version).
func findBin() (string, error) {
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if _, err := exec.LookPath("initdb"); err == nil {
			return filepath.Dir(p), nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int {
		va, _ := strconv.Atoi(filepath.Base(filepath.Dir(a)))
		vb, _ := strconv.Atoi(filepath.Base(filepath.Dir(b)))
		return vb - va
	})
	for _, d := range dirs {
		if fileExists(filepath.Join(d, "initdb")) && fileExists(filepath.Join(d, "pg_ctl")) {
			return d, nil
		}
	}
	return "", errors.New("no initdb and pg_ctl on PATH or in /usr/lib/postgresql/*/bin")
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

func credential(name string) (*syscall.Credential, error) {
	u, err := user.Lookup(name)
	if err != nil {
		return nil, err
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err := errors.Join(err1, err2); err != nil {
		return nil, err
	}
	if uid == 0 {
		return nil, fmt.Errorf("user %s is root", name)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), NoSetGroups: true}, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
