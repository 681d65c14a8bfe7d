// Command feltsag-load is Feltsag's load and benchmark driver (DESIGN §2):
// simulated caseworkers — each a real encrypted replica in a temporary
// folder with the real sync engine — against a server, measuring the
// figures of issue 9's benchmarks:
//
//	sync   initial sync of N cases into a fresh encrypted client
//	push   an offline outbox of M commands pushed, validated, acknowledged
//	       and recorded
//	load   C connected clients issuing R commands/s in total: ack latency
//	       p50/p95/p99; the server's ceiling with raw pushers and where its
//	       time goes (CPU profile)
//	idle   I connected idle clients pinging: memory per connection, and
//	       the load figure again beside them
//	peer   the PouchDB peer (.ci/bench/pouchdb) on the same data shape, and
//	       the ratios
//
// Without -url it starts its own server (`feltsag-load serve`, the sync
// engine over the embedded bbolt ledger, seeded in the ledger directly) as
// a child process, so that the server's memory and profile are its own;
// -db puts that server over a migrated, empty PostgreSQL database instead
// (and `feltsag-load serve -db` seeds one for feltsagd serve nodes).
// With -url it drives any server whose accounts it is told (-sync-user,
// -users, -idle-users; passwords "demo-<user>" as feltsagd serve --demo
// prints them).
//
//	feltsag-load                        every figure, as make bench runs it
//	feltsag-load -only sync,push        some of them
//	feltsag-load -url http://127.0.0.1:8443 -only load -users cw1,cw2
//	feltsag-load serve -big 10000       the bench server alone
//	feltsag-load -db postgres://…       the bench server over PostgreSQL
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/assets"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "feltsag-load:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "serve" {
		return runServe(ctx, args[1:], os.Stdin, stdout, stderr)
	}
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	if o.cpuprofile != "" {
		f, err := os.Create(o.cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	return runFigures(ctx, o, stdout, stderr)
}

// options are the driver's flags.
type options struct {
	url, db, dir, only, peer, profileOut string
	cpuprofile                           string
	syncUser                             string
	users, idleUsers                     string
	cases, commands, runs                int
	clients, perClient, idle             int
	rate                                 float64
	duration, ping, step, profile        time.Duration
	maxConns                             int
	steps                                []float64
	inproc                               bool
}

func (o options) want(fig string) bool {
	return o.only == "" || slices.Contains(strings.Split(o.only, ","), fig)
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fl := flag.NewFlagSet("feltsag-load", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.StringVar(&o.url, "url", "", "server base URL (http://host:port); empty: start a bench server")
	fl.StringVar(&o.db, "db", "", "bench server's ledger: this migrated, empty PostgreSQL database (postgres://…) instead of bbolt")
	fl.StringVar(&o.dir, "dir", "", "folder for replicas and the bench ledger (default: a temporary folder)")
	fl.StringVar(&o.only, "only", "", "comma list of figures: sync,push,load,max,idle,peer (default all)")
	fl.StringVar(&o.peer, "peer", "", "folder of the PouchDB peer benchmark (run.sh); empty: skip it")
	fl.StringVar(&o.profileOut, "profile-out", "", "write the server's CPU profile here (default: in -dir)")
	fl.StringVar(&o.syncUser, "sync-user", bigAccount, "account whose cases the sync and push figures use")
	fl.StringVar(&o.users, "users", "", "accounts of the concurrent clients: a,b,c or fmt:N (default: the bench server's)")
	fl.StringVar(&o.idleUsers, "idle-users", "", "accounts of the idle connections, as -users")
	fl.IntVar(&o.cases, "cases", 10000, "cases of -sync-user (bench server) and the sync figure's target")
	fl.IntVar(&o.commands, "commands", 1000, "offline commands pushed")
	fl.IntVar(&o.runs, "runs", 3, "repetitions of the sync and push figures")
	fl.IntVar(&o.clients, "clients", 500, "concurrent clients")
	fl.IntVar(&o.perClient, "per-client", 20, "cases of each concurrent client (bench server)")
	fl.IntVar(&o.idle, "idle", 10000, "idle connections")
	fl.Float64Var(&o.rate, "rate", 200, "commands per second in total")
	fl.DurationVar(&o.duration, "duration", 20*time.Second, "length of a load run")
	fl.DurationVar(&o.ping, "ping", 30*time.Second, "an idle connection's ping period")
	fl.DurationVar(&o.step, "step", 5*time.Second, "length of one step of the ceiling search")
	fl.DurationVar(&o.profile, "profile", 10*time.Second, "length of the server CPU profile (0: none)")
	fl.IntVar(&o.maxConns, "max-conns", 100, "raw pushing connections of the ceiling search")
	steps := fl.String("steps", "250,500,1000,1500,2000,3000", "offered commands/s of the ceiling search")
	fl.BoolVar(&o.inproc, "inproc", false, "run the bench server in this process (no memory figure)")
	fl.StringVar(&o.cpuprofile, "cpuprofile", "", "write this process's CPU profile here (with -inproc: client and server)")
	if err := fl.Parse(args); err != nil {
		return o, err
	}
	for _, s := range strings.Split(*steps, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || v <= 0 {
			return o, fmt.Errorf("-steps: %q is not a rate", s)
		}
		o.steps = append(o.steps, v)
	}
	if o.clients < 1 || o.rate <= 0 || o.cases < 1 || o.commands < 1 || o.runs < 1 {
		return o, errors.New("-clients, -rate, -cases, -commands and -runs must be positive")
	}
	return o, nil
}

// parseUsers reads a,b,c or fmt:N (e.g. bench-c%05d:500).
func parseUsers(s string) ([]app.ID, error) {
	if f, n, ok := strings.Cut(s, ":"); ok && strings.Contains(f, "%") {
		count, err := strconv.Atoi(n)
		if err != nil || count < 1 {
			return nil, fmt.Errorf("users %q: want fmt:N", s)
		}
		out := make([]app.ID, count)
		for i := range out {
			out[i] = app.ID(fmt.Sprintf(f, i))
		}
		return out, nil
	}
	var out []app.ID
	for _, u := range strings.Split(s, ",") {
		if u = strings.TrimSpace(u); u != "" {
			out = append(out, app.ID(u))
		}
	}
	return out, nil
}

// runServe is `feltsag-load serve`: a seeded bench server until stdin
// closes or a signal comes. It prints "URL <base>" when it listens.
func runServe(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("serve", flag.ContinueOnError)
	fl.SetOutput(stderr)
	addr := fl.String("addr", "127.0.0.1:0", "listen address")
	dir := fl.String("dir", "", "folder of the ledger (default: temporary)")
	db := fl.String("db", "", "PostgreSQL ledger (postgres://…, migrated and empty) instead of the bbolt file in -dir")
	var spec seedSpec
	fl.IntVar(&spec.Big, "big", 10000, "cases of "+bigAccount)
	fl.IntVar(&spec.Clients, "clients", 500, "client accounts bench-cNNNNN")
	fl.IntVar(&spec.PerClient, "per-client", 20, "cases of each client account")
	fl.IntVar(&spec.Idle, "idle", 10000, "idle accounts bench-iNNNNN")
	if err := fl.Parse(args); err != nil {
		return err
	}
	d := *dir
	if d == "" {
		var err error
		if d, err = os.MkdirTemp("", "feltsag-load-server-"); err != nil {
			return err
		}
		defer os.RemoveAll(d)
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	b, err := startServer(d, *addr, *db, spec, log)
	if err != nil {
		return err
	}
	defer b.Close()
	fmt.Fprintln(stdout, "URL", b.URL)
	eof := make(chan struct{})
	go func() { _, _ = io.Copy(io.Discard, stdin); close(eof) }()
	select {
	case <-ctx.Done():
	case <-eof:
	case err := <-b.done:
		return err
	}
	return nil
}

// child is a bench server in its own process.
type child struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	url   string
}

func startChild(ctx context.Context, dir, db string, spec seedSpec, stderr io.Writer) (*child, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, "serve", "-dir", dir, "-db", db, "-big", strconv.Itoa(spec.Big), "-clients", strconv.Itoa(spec.Clients),
		"-per-client", strconv.Itoa(spec.PerClient), "-idle", strconv.Itoa(spec.Idle))
	cmd.Stderr = stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	c := &child{cmd: cmd, stdin: in}
	got := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "URL "); ok {
				got <- u
			}
		}
		close(got)
	}()
	select {
	case u, ok := <-got:
		if !ok {
			_ = cmd.Wait()
			return nil, errors.New("the bench server did not start")
		}
		c.url = u
		return c, nil
	case <-ctx.Done():
		c.Close()
		return nil, ctx.Err()
	}
}

func (c *child) Close() {
	_ = c.stdin.Close()
	done := make(chan struct{})
	go func() { _ = c.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		_ = c.cmd.Process.Kill()
		<-done
	}
}

// engine returns the domain engine over the shipped rule tables.
func engine() (*app.Engine, error) {
	rules, err := app.LoadRules(assets.Rules())
	if err != nil {
		return nil, err
	}
	return app.NewEngine(rules), nil
}

// absPath makes p absolute (the peer's run.sh changes directory).
func absPath(p string) string {
	if p == "" {
		return ""
	}
	a, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	return a
}
