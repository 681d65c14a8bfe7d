package sim

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/pgtest"
	"feltsag.dk/feltsag/store/pgledger"
	"feltsag.dk/feltsag/sync/server"
)

// The simulator on PostgreSQL (issue 12): two server nodes on one
// database, the devices spread over both (slot parity), node restarts and
// a database restart (pg_ctl restart) among the steps, the same
// invariants as on the bbolt file. The nodes are wired as feltsagd wires
// them (cmd/feltsagd/serve.go, nodeLink): pokes and events go out as a
// NOTIFY, each node's listener pokes its clients, applies the events and,
// after losing its connection, pokes everyone and re-checks its
// connections. The test's administrator acts on node 0, so a revocation
// of a device on node 1 must cross.

// simNode is one server node.
type simNode struct {
	led  app.Ledger
	srv  *server.Server
	ts   *httptest.Server
	addr string
	name string

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// link sets opts to send n's pokes and events to the other nodes.
func (n *simNode) link(pg *pgledger.DB, name string, opts *server.Options) {
	n.ctx, n.cancel = context.WithCancel(context.Background())
	ctx := n.ctx
	opts.Poked = func(head app.Cursor, owners []app.ID) {
		n.wg.Go(func() { _ = pg.Notify(ctx, pgledger.Poke{Node: name, Head: head, Owners: owners}) })
	}
	opts.Announce = func(e server.NodeEvent) {
		b, err := json.Marshal(e)
		if err == nil {
			_ = pg.Notify(ctx, pgledger.Poke{Node: name, Event: b}) // lost with the database: the listeners re-check
		}
	}
	n.name = name
}

// listen starts n's listener.
func (n *simNode) listen(pg *pgledger.DB) {
	n.wg.Go(func() {
		_ = pg.Listen(n.ctx, pgledger.ListenOptions{Poll: 200 * time.Millisecond, Retry: 50 * time.Millisecond}, func(p pgledger.Poke) {
			switch {
			case p.Lost:
				_, _ = n.srv.Recheck()
				n.srv.PokeOwners(p.Head)
			case p.Node == n.name:
			case p.Event != nil:
				var e server.NodeEvent
				if json.Unmarshal(p.Event, &e) == nil {
					n.srv.ApplyNodeEvent(e)
				}
			default:
				n.srv.PokeOwners(p.Head, p.Owners...)
			}
		})
	})
}

// close stops the node: server, listener, ledger.
func (n *simNode) close(w *world) {
	_ = n.srv.Close()
	n.ts.Close()
	if n.cancel != nil {
		n.cancel()
		n.wg.Wait()
	}
	if err := n.led.Close(); err != nil {
		w.violate("closing the ledger: %v", err)
	}
}

// pgSeeds is how many seeds TestSimulatorPostgreSQL runs: SIM_PG_SEEDS,
// else 6 (100 with SOAK or FELTSAG_SOAK); SIM_SEED runs one.
func pgSeeds(t *testing.T) []uint64 {
	if s := os.Getenv("SIM_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("SIM_SEED: %v", err)
		}
		return []uint64{n}
	}
	count := 6
	if os.Getenv("SOAK") != "" || os.Getenv("FELTSAG_SOAK") != "" {
		count = 100
	}
	if s := os.Getenv("SIM_PG_SEEDS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("SIM_PG_SEEDS: %q", s)
		}
		count = n
	}
	seeds := make([]uint64, count)
	for i := range seeds {
		seeds[i] = uint64(i + 1)
	}
	return seeds
}

// TestSimulatorPostgreSQL runs the simulator on two nodes over one
// PostgreSQL database, each seed on a cluster of its own (a database
// restart must not disturb the other seeds). A failing seed prints its
// schedule and the command that replays it.
func TestSimulatorPostgreSQL(t *testing.T) {
	seeds := pgSeeds(t)
	start := time.Now()
	var (
		mu    sync.Mutex
		total counters
	)
	work := make(chan uint64)
	var wg sync.WaitGroup
	for range min(3, len(seeds)) {
		wg.Go(func() {
			for seed := range work {
				t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
					n, _ := runSeedOn(t, seed, pgtest.Start(t))
					mu.Lock()
					defer mu.Unlock()
					total.add(n)
				})
			}
		})
	}
	for _, s := range seeds {
		work <- s
	}
	close(work)
	wg.Wait()
	t.Logf("%d seeds on PostgreSQL in %v: %s", len(seeds), time.Since(start).Round(time.Millisecond), total)
}
