package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"feltsag.dk/feltsag/app"
)

// Targets of issue 9's benchmarks.
const (
	targetSync       = time.Second
	targetPush       = 150 * time.Millisecond
	targetP99        = 100 * time.Millisecond
	targetIdleMemory = 50 << 10
)

// runFigures measures what o asks for and prints it, then a summary.
func runFigures(ctx context.Context, o options, stdout, stderr io.Writer) error {
	dir := o.dir
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "feltsag-load-"); err != nil {
			return err
		}
		defer os.RemoveAll(dir)
	}
	exec, err := engine()
	if err != nil {
		return err
	}
	pr := func(format string, a ...any) { fmt.Fprintf(stdout, format+"\n", a...) }
	own := o.url == ""
	users, err := parseUsers(o.users)
	if err != nil {
		return err
	}
	idleUsers, err := parseUsers(o.idleUsers)
	if err != nil {
		return err
	}
	if own {
		users = make([]app.ID, o.clients)
		for i := range users {
			users[i] = clientAccount(i)
		}
		idleUsers = make([]app.ID, o.idle)
		for i := range idleUsers {
			idleUsers[i] = idleAccount(i)
		}
	}
	if len(users) > o.clients {
		users = users[:o.clients]
	}
	if len(idleUsers) > o.idle {
		idleUsers = idleUsers[:o.idle]
	}
	spec := seedSpec{Big: o.cases, Clients: len(users), PerClient: o.perClient, Idle: len(idleUsers)}
	if !o.want("sync") && !o.want("push") {
		spec.Big = 0
	}
	if !o.want("load") && !o.want("max") && !o.want("idle") {
		spec.Clients = 0
	}
	if !o.want("idle") {
		spec.Idle = 0
	}

	pr("feltsag-load: %s, %d CPUs (GOMAXPROCS %d), %s", runtime.Version(), runtime.NumCPU(), runtime.GOMAXPROCS(0), time.Now().Format(time.RFC3339))
	pr("data shape: a case of %d journal notes, %d bytes of JSON (PouchDB's caseDoc: %d bytes)", NotesPerCase, sagSize(benchSag(1, bigAccount)), peerDocSize())
	statsOK := false
	if own {
		t := time.Now()
		if o.inproc {
			b, err := startServer(dir, "127.0.0.1:0", o.db, spec, slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
			if err != nil {
				return err
			}
			defer b.Close()
			o.url = b.URL
		} else {
			c, err := startChild(ctx, dir, o.db, spec, stderr)
			if err != nil {
				return err
			}
			defer c.Close()
			o.url = c.url
		}
		statsOK = true
		ledgerKind := "the embedded bbolt ledger"
		if o.db != "" {
			ledgerKind = "the PostgreSQL ledger"
		}
		pr("server: feltsag-load serve at %s (sync engine over %s; %d+%d×%d cases, %d accounts seeded in %v)",
			o.url, ledgerKind, spec.Big, spec.Clients, spec.PerClient, 1+spec.Clients+spec.Idle, time.Since(t).Round(time.Millisecond))
	} else {
		_, err := fetchStats(o.url, false)
		statsOK = err == nil
		pr("server: %s", o.url)
	}
	e := env{url: o.url, dir: dir, exec: exec, out: stdout}
	var sum summary

	// 1. Initial sync, and 2. the offline outbox, on the same replica.
	if o.want("sync") || o.want("push") {
		var times []time.Duration
		var cw *caseworker
		for r := range o.runs {
			c, res, err := initialSync(ctx, e, app.ID(o.syncUser), o.cases)
			if err != nil {
				return fmt.Errorf("initial sync: %w", err)
			}
			times = append(times, res.Took)
			pages, pt := c.rep.pageStats()
			pr("sync  run %d: %d cases into a fresh encrypted replica in %v (%d pages applied in %v; CPU %v%s)", r+1, res.Cases, res.Took.Round(time.Millisecond), pages, pt.Round(time.Millisecond), res.CPU.Round(time.Millisecond), cpuOf(o))
			if cw != nil {
				cw.Close()
			}
			cw = c
		}
		sum.sync = slices.Min(times)
		sum.syncMedian = percentile(times, 50)
		if o.want("push") {
			var acked, confirmed []time.Duration
			for r := range o.runs {
				res, err := pushOffline(ctx, cw, o.commands)
				if err != nil {
					cw.Close()
					return fmt.Errorf("offline push: %w", err)
				}
				acked, confirmed = append(acked, res.Acked), append(confirmed, res.Confirmed)
				pr("push  run %d: %d offline commands (saved locally in %v) pushed, applied and recorded in %v (%.0f µs/command; CPU %v%s); confirmed state back after %v",
					r+1, res.Commands, res.Commit.Round(time.Millisecond), res.Acked.Round(time.Millisecond),
					float64(res.Acked.Microseconds())/float64(res.Commands), res.CPU.Round(time.Millisecond), cpuOf(o), res.Confirmed.Round(time.Millisecond))
			}
			sum.push, sum.pushMedian = slices.Min(acked), percentile(acked, 50)
			sum.confirmed = slices.Min(confirmed)
		}
		cw.Close()
	}

	// 3. The server's ceiling with raw pushers, and its CPU profile.
	if o.want("max") && len(users) > 0 {
		if err := ceiling(ctx, e, o, users, &sum, pr); err != nil {
			return fmt.Errorf("ceiling: %w", err)
		}
	}

	// 4. Concurrent clients at a fixed rate; 5. the same beside idle ones.
	if o.want("load") || o.want("idle") {
		if err := loadFigures(ctx, e, o, users, idleUsers, statsOK, &sum, pr); err != nil {
			return err
		}
	}

	// 6. The PouchDB peer, once the clients and connections are closed.
	if o.want("peer") && o.peer != "" {
		sum.peer = runPeer(ctx, absPath(o.peer), o.cases, o.commands, stderr)
		if sum.peer.skipped != "" {
			pr("peer: PouchDB skipped: %s", sum.peer.skipped)
		} else {
			for _, l := range sum.peer.lines {
				pr("peer: %s", l)
			}
		}
	}
	sum.print(pr, o)
	return nil
}

// loadFigures runs the concurrent clients at the fixed rate, then the idle
// connections and the same rate beside them, and closes them all.
func loadFigures(ctx context.Context, e env, o options, users, idleUsers []app.ID, statsOK bool, sum *summary, pr func(string, ...any)) error {
	{
		t := time.Now()
		f, err := startFleet(ctx, e, users)
		if err != nil {
			return fmt.Errorf("clients: %w", err)
		}
		defer f.Close()
		pr("load: %d clients signed in, replicas created and synced in %v", len(users), time.Since(t).Round(time.Millisecond))
		if o.want("load") {
			r, err := f.run(ctx, o.rate, o.duration)
			if err != nil {
				return err
			}
			printLoad(pr, "load ", len(users), 0, r)
			sum.load = &r
		}
		if o.want("idle") && len(idleUsers) > 0 {
			var before memStats
			if statsOK {
				before, _ = fetchStats(o.url, true)
			}
			id, took, err := connectIdle(ctx, e, idleUsers, o.ping)
			if err != nil {
				return fmt.Errorf("idle connections: %w", err)
			}
			defer id.Close()
			ir := idleResult{Conns: len(idleUsers), Connect: took, Before: before}
			if statsOK {
				ir.After, _ = fetchStats(o.url, true)
				n := float64(ir.After.Conns - before.Conns)
				if n > 0 {
					ir.PerConnLive = (float64(ir.After.Live()) - float64(before.Live())) / n
					ir.PerConnRSS = (float64(ir.After.RSS) - float64(before.RSS)) / n
					ir.MemoryMeasured = true
				}
			}
			pr("idle: %d connections signed in and welcomed in %v", ir.Conns, took.Round(time.Millisecond))
			if ir.MemoryMeasured {
				pr("idle: server memory %s → %s live (heap+stacks), RSS %s → %s, %d → %d goroutines: %.1f KiB live and %.1f KiB RSS per connection",
					mib(before.Live()), mib(ir.After.Live()), mib(before.RSS), mib(ir.After.RSS), before.Goroutines, ir.After.Goroutines,
					ir.PerConnLive/1024, ir.PerConnRSS/1024)
			}
			sum.idle = &ir
			r, err := f.run(ctx, o.rate, o.duration)
			if err != nil {
				return err
			}
			printLoad(pr, "idle ", len(users), ir.Conns, r)
			sum.idleLoad = &r
		}
	}
	return nil
}

func printLoad(pr func(string, ...any), tag string, clients, idle int, r loadResult) {
	beside := ""
	if idle > 0 {
		beside = fmt.Sprintf(" beside %d idle connections", idle)
	}
	pr("%s%d clients%s at %.0f commands/s for %v: %d issued, %d acknowledged (%.1f/s); ack latency p50 %v, p95 %v, p99 %v, max %v; %v",
		tag, clients, beside, r.Offered, r.Duration.Round(time.Second), r.Issued, r.Acked, r.Sustained,
		ms(r.P50), ms(r.P95), ms(r.P99), ms(r.Max), r.Status)
}

// ceiling steps the offered rate of raw pushers up and keeps the highest
// rate the server sustained (≥ 95% of it acknowledged, p99 ≤ 1 s), then
// profiles the server at that rate.
func ceiling(ctx context.Context, e env, o options, users []app.ID, sum *summary, pr func(string, ...any)) error {
	n := min(o.maxConns, len(users))
	perUser := make([][]app.ID, n)
	for i := range perUser {
		if strings.HasPrefix(string(users[i]), "bench-c") {
			k, _ := strconv.Atoi(strings.TrimPrefix(string(users[i]), "bench-c"))
			for j := range o.perClient {
				perUser[i] = append(perUser[i], caseID(o.cases+k*o.perClient+j))
			}
		}
	}
	if len(perUser[0]) == 0 {
		return errors.New("the ceiling search needs the bench server's accounts (their case ids are known)")
	}
	p, err := startPushers(ctx, e, users[:n], perUser)
	if err != nil {
		return err
	}
	defer p.Close()
	var best maxResult
	for _, rate := range o.steps {
		r := p.step(ctx, rate, o.step)
		pr("max  %d raw connections offered %.0f commands/s: %.0f/s acknowledged, p50 %v, p99 %v, %d errors",
			n, rate, r.Sustained, ms(r.P50), ms(r.P99), r.Errors)
		if r.Errors > 0 {
			return fmt.Errorf("%d pushes failed", r.Errors)
		}
		if r.Sustained < 0.95*rate || r.P99 > time.Second {
			break
		}
		best = r
	}
	sum.max = &best
	if o.profile <= 0 || best.Offered == 0 {
		return nil
	}
	out := o.profileOut
	if out == "" {
		out = filepath.Join(e.dir, "server-cpu.pprof")
	}
	got := make(chan error, 1)
	go func() { got <- fetchProfile(e.url, o.profile, out) }()
	r := p.step(ctx, best.Offered, o.profile+time.Second)
	if err := <-got; err != nil {
		pr("max  profile: %v", err)
		return nil
	}
	pr("max  profile of the server at %.0f commands/s (%.0f/s acknowledged) for %v: %s", best.Offered, r.Sustained, o.profile, out)
	sum.profile = pprofTop(out)
	for _, l := range sum.profile {
		pr("max  | %s", l)
	}
	return nil
}

func fetchProfile(url string, d time.Duration, out string) error {
	resp, err := http.Get(fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", url, int(d.Seconds())))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return errors.New("profile: " + resp.Status)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	return os.WriteFile(out, b, 0o600)
}

// pprofTop runs go tool pprof -top on a profile: the flat top and the
// cumulative top of the server's own code.
func pprofTop(path string) []string {
	var lines []string
	for _, args := range [][]string{
		{"tool", "pprof", "-top", "-nodecount=18", path},
		{"tool", "pprof", "-top", "-cum", "-nodecount=40", "-focus=feltsag", path},
	} {
		out, err := exec.Command("go", args...).Output()
		if err != nil {
			return append(lines, "go tool pprof: "+err.Error())
		}
		lines = append(lines, "go "+strings.Join(args, " "))
		for _, l := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
			if strings.HasPrefix(l, "File:") || strings.HasPrefix(l, "Build ID:") || strings.HasPrefix(l, "Type:") || strings.HasPrefix(l, "Time:") {
				continue
			}
			lines = append(lines, l)
		}
	}
	return lines
}

// peerResult is the PouchDB peer's run.
type peerResult struct {
	skipped    string
	lines      []string
	pull, push time.Duration
}

var (
	rePull = regexp.MustCompile(`^pull (\d+) docs .*: (\d+) ms`)
	rePush = regexp.MustCompile(`^push (\d+) edited docs .*: (\d+) ms`)
)

// runPeer runs the PouchDB peer benchmark (node and npm; npm install
// needs the registry the first time).
func runPeer(ctx context.Context, dir string, n, edits int, stderr io.Writer) peerResult {
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			return peerResult{skipped: tool + " is not installed"}
		}
	}
	cctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(cctx, filepath.Join(dir, "run.sh"))
	cmd.Env = append(os.Environ(), "N="+strconv.Itoa(n), "EDITS="+strconv.Itoa(edits))
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		why := strings.TrimSpace(errb.String())
		for _, l := range strings.Split(why, "\n") {
			if strings.Contains(l, "ERR") || strings.Contains(l, "Error") {
				why = l // bench.js prints "ERR <error>"; npm an "npm error" line
				break
			}
		}
		if len(why) > 300 {
			why = why[:300]
		}
		if _, statErr := os.Stat(filepath.Join(dir, "node_modules")); statErr != nil {
			return peerResult{skipped: "npm install failed (no registry?): " + shortName(why)}
		}
		return peerResult{skipped: fmt.Sprintf("run.sh failed: %v: %s", err, shortName(why))}
	}
	r := peerResult{}
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		r.lines = append(r.lines, l)
		if m := rePull.FindStringSubmatch(l); m != nil {
			v, _ := strconv.Atoi(m[2])
			r.pull = time.Duration(v) * time.Millisecond
		}
		if m := rePush.FindStringSubmatch(l); m != nil {
			v, _ := strconv.Atoi(m[2])
			r.push = time.Duration(v) * time.Millisecond
		}
	}
	if r.pull == 0 || r.push == 0 {
		r.skipped = "could not read the peer's pull and push times"
	}
	_ = stderr
	return r
}

// summary is every figure measured, for the closing table.
type summary struct {
	sync, syncMedian, push, pushMedian, confirmed time.Duration
	load, idleLoad                                *loadResult
	max                                           *maxResult
	idle                                          *idleResult
	profile                                       []string
	peer                                          peerResult
}

func (s summary) print(pr func(string, ...any), o options) {
	pr("")
	pr("== summary (targets from issue 9; best of %d runs, median in brackets) ==", o.runs)
	ok := func(good bool) string {
		if good {
			return "met"
		}
		return "NOT MET"
	}
	ratio := func(f, p time.Duration) string {
		if s.peer.skipped != "" || p == 0 || f == 0 {
			return ""
		}
		return fmt.Sprintf("; PouchDB %v: Feltsag/PouchDB = %.3f (%.1f× faster)", p, float64(f)/float64(p), float64(p)/float64(f))
	}
	if s.sync > 0 {
		pr("initial sync of %d cases:            %8v (%v)  target ≤ %v: %s%s", o.cases, s.sync.Round(time.Millisecond), s.syncMedian.Round(time.Millisecond), targetSync, ok(s.sync <= targetSync), ratio(s.sync, s.peer.pull))
	}
	if s.push > 0 {
		pr("%d offline commands acked+recorded: %8v (%v)  target ≤ %v: %s%s", o.commands, s.push.Round(time.Millisecond), s.pushMedian.Round(time.Millisecond), targetPush, ok(s.push <= targetPush), ratio(s.push, s.peer.push))
		pr("  … and the confirmed state pulled back: %v", s.confirmed.Round(time.Millisecond))
	}
	if s.load != nil {
		pr("%d clients at %.0f/s, p99 ack:        %8v  target ≤ %v: %s (p50 %v, p95 %v)", o.clients, o.rate, ms(s.load.P99), targetP99, ok(s.load.P99 <= targetP99), ms(s.load.P50), ms(s.load.P95))
	}
	if s.max != nil {
		pr("server ceiling (raw pushers, 1 command/frame): %.0f commands/s sustained (p99 %v)", s.max.Sustained, ms(s.max.P99))
	}
	if s.idle != nil && s.idle.MemoryMeasured {
		pr("%d idle connections: %.1f KiB live / %.1f KiB RSS per connection  target < 50 KiB: %s", s.idle.Conns, s.idle.PerConnLive/1024, s.idle.PerConnRSS/1024, ok(s.idle.PerConnRSS < targetIdleMemory && s.idle.PerConnLive < targetIdleMemory))
	}
	if s.idleLoad != nil {
		pr("  … beside them, %d clients at %.0f/s, p99 ack: %v  target ≤ %v: %s", o.clients, o.rate, ms(s.idleLoad.P99), targetP99, ok(s.idleLoad.P99 <= targetP99))
	}
	if o.want("peer") && o.peer != "" && s.peer.skipped != "" {
		pr("PouchDB peer skipped: %s", s.peer.skipped)
	}
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + " ms"
}

func mib(b uint64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

// cpuOf says whose CPU time a figure's CPU is: the driver's process, which
// holds the server too with -inproc.
func cpuOf(o options) string {
	if o.inproc {
		return ", client and server"
	}
	return ", client only"
}
