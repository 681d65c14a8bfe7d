package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/assets"
	"feltsag.dk/feltsag/store/ledger"
	"feltsag.dk/feltsag/store/pgledger"
	"feltsag.dk/feltsag/sync/server"
)

// The bench server is feltsagd's sync engine over its embedded bbolt
// ledger, as `feltsagd serve` runs it, seeded directly in the ledger (a
// few transactions instead of one per case) and with a few extra
// endpoints for the driver: /bench/stats (memory and connections) and
// /debug/pprof. `feltsag-load serve` runs it as its own process, so that
// its memory and CPU profile are the server's alone.

// seedSpec says which accounts and cases a bench server holds. Every
// account's password is passwordFor(account).
type seedSpec struct {
	Big       int // cases of bigAccount: the initial sync and the offline push
	Clients   int // caseworker accounts of the concurrent clients
	PerClient int // cases of each of them
	Idle      int // accounts of the idle connections (no cases)
}

// Account names of the bench server.
const bigAccount = "bench-big"

func clientAccount(i int) app.ID { return app.ID(fmt.Sprintf("bench-c%05d", i)) }
func idleAccount(i int) app.ID   { return app.ID(fmt.Sprintf("bench-i%05d", i)) }

// passwordFor is the password of a bench or demo account (feltsagd serve
// --demo prints the same "demo-<user>").
func passwordFor(user app.ID) string { return "demo-" + string(user) }

// benchPassword are the Argon2id parameters of the bench server's
// accounts: cheap, so that signing in 10,000 idle clients measures the
// sync server rather than password hashing (a real sign-in costs ~20 ms of
// CPU, see server.DefaultPasswordParams).
var benchPassword = server.PasswordParams{Memory: 64, Time: 1, Threads: 1}

// benchServer is a running bench server in this process.
type benchServer struct {
	URL  string
	srv  *server.Server
	led  app.Ledger
	hs   *http.Server
	ln   net.Listener
	done chan error
}

// startServer opens a ledger, seeds it by spec and serves on addr
// ("127.0.0.1:0" picks a port). The ledger is the bbolt file
// bench-ledger.db in dir, or, when db is set, the PostgreSQL database at
// db (migrated by `feltsagd migrate`; the seed is added to what it holds,
// so give it an empty one).
func startServer(dir, addr, db string, spec seedSpec, log *slog.Logger) (*benchServer, error) {
	rules, err := app.LoadRules(assets.Rules())
	if err != nil {
		return nil, err
	}
	led, err := openBenchLedger(dir, db)
	if err != nil {
		return nil, err
	}
	srv, err := server.New(server.Options{Ledger: led, Engine: app.NewEngine(rules), Logger: log, Password: benchPassword, AppVersion: "bench"})
	if err != nil {
		_ = led.Close()
		return nil, err
	}
	if err := seed(led, spec); err != nil {
		_ = srv.Close()
		_ = led.Close()
		return nil, fmt.Errorf("seed: %w", err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		_ = srv.Close()
		_ = led.Close()
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/", srv.Handler())
	mux.HandleFunc("GET /bench/stats", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("gc") != "" {
			runtime.GC()
			runtime.GC()
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(readMem(srv.Stats().Connections))
	})
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	b := &benchServer{URL: "http://" + ln.Addr().String(), srv: srv, led: led, ln: ln, done: make(chan error, 1),
		hs: &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}}
	go func() { b.done <- b.hs.Serve(ln) }()
	return b, nil
}

// openBenchLedger opens the PostgreSQL ledger at db when it is set, else
// the bbolt file in dir.
func openBenchLedger(dir, db string) (app.Ledger, error) {
	if db != "" {
		led, err := pgledger.Open(context.Background(), db, pgledger.Options{})
		if err != nil {
			return nil, fmt.Errorf("open postgresql ledger: %w", err)
		}
		return led, nil
	}
	return ledger.Open(dir+"/bench-ledger.db", ledger.Options{})
}

// Close stops serving and closes the ledger.
func (b *benchServer) Close() error {
	_ = b.srv.Close()
	_ = b.hs.Close()
	<-b.done
	return b.led.Close()
}

// seed writes the accounts and cases of spec straight into the ledger, in
// transactions of a few thousand records.
func seed(led app.Ledger, spec seedSpec) error {
	var err error
	now := time.Now().UTC()
	type acct struct {
		id    app.ID
		cases int
	}
	var accts []acct
	if spec.Big > 0 {
		accts = append(accts, acct{bigAccount, spec.Big})
	}
	for i := range spec.Clients {
		accts = append(accts, acct{clientAccount(i), spec.PerClient})
	}
	for i := range spec.Idle {
		accts = append(accts, acct{idleAccount(i), 0})
	}
	// Hashing is the slow part even with cheap parameters; one hash per
	// account, as CreateAccount would make.
	next := 0
	for start := 0; start < len(accts); start += 2000 {
		part := accts[start:min(len(accts), start+2000)]
		hashes := make([]string, len(part))
		for i, a := range part {
			if hashes[i], err = server.HashPassword(passwordFor(a.id), benchPassword, rand.Reader); err != nil {
				return err
			}
		}
		var recs []app.LedgerRecord
		for _, a := range part {
			for range a.cases {
				s := benchSag(next, a.id)
				s.Version = 1
				data, err := json.Marshal(s)
				if err != nil {
					return err
				}
				recs = append(recs, app.LedgerRecord{Kind: app.RecordSag, ID: s.ID, Version: 1, Owner: a.id, Data: data})
				next++
			}
		}
		err := led.Update(func(tx app.LedgerTx) error {
			for i, a := range part {
				if err := tx.PutAccount(app.Account{ID: a.id, Navn: "Bench " + string(a.id), Rolle: app.RoleCaseworker, Password: hashes[i], Created: now, Changed: now}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		for len(recs) > 0 {
			n := min(len(recs), 2000)
			chunk := recs[:n]
			recs = recs[n:]
			if err := led.Update(func(tx app.LedgerTx) error {
				for _, r := range chunk {
					if _, err := tx.PutRecord(r); err != nil {
						return err
					}
				}
				return nil
			}); err != nil {
				return err
			}
		}
	}
	return nil
}

// memStats is what /bench/stats reports.
type memStats struct {
	Conns      int64  `json:"conns"`
	Goroutines int    `json:"goroutines"`
	HeapInuse  uint64 `json:"heap_inuse"`
	StackInuse uint64 `json:"stack_inuse"`
	Sys        uint64 `json:"sys"`
	RSS        uint64 `json:"rss"` // resident set size from /proc (0 where there is none)
}

// Live is the Go memory the connections hold: heap in use plus stacks.
func (m memStats) Live() uint64 { return m.HeapInuse + m.StackInuse }

func readMem(conns int64) memStats {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return memStats{Conns: conns, Goroutines: runtime.NumGoroutine(), HeapInuse: ms.HeapInuse, StackInuse: ms.StackInuse, Sys: ms.Sys, RSS: rss()}
}

// rss reads the resident set size of this process (Linux).
func rss() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n << 10
		}
	}
	return 0
}

// fetchStats reads a bench server's /bench/stats (gc: collect first).
func fetchStats(url string, gc bool) (memStats, error) {
	u := url + "/bench/stats"
	if gc {
		u += "?gc=1"
	}
	resp, err := http.Get(u)
	if err != nil {
		return memStats{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return memStats{}, errors.New("stats: " + resp.Status + " (not a bench server?)")
	}
	var m memStats
	err = json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&m)
	return m, err
}
