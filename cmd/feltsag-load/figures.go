package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/store"
)

// The four figures of issue 9's benchmarks, each a function of the
// driver: they work against any server URL whose accounts sign in with
// passwordFor (the bench server's, or feltsagd serve --demo's).

// env is what every figure needs.
type env struct {
	url  string
	dir  string // temporary folder for the replicas
	exec store.Executor
	out  io.Writer
}

// syncResult is one initial sync.
type syncResult struct {
	Cases int
	Took  time.Duration
	CPU   time.Duration // this process's CPU time meanwhile (with -inproc: client and server)
}

// initialSync signs user in on a fresh replica and measures the time from
// starting the engine to every one of want cases confirmed on it (the
// sign-in and the replica's creation are not counted; PouchDB's pull has
// neither). The caseworker is returned running, for pushOffline.
func initialSync(ctx context.Context, e env, user app.ID, want int) (*caseworker, syncResult, error) {
	dir, err := os.MkdirTemp(e.dir, "sync-")
	if err != nil {
		return nil, syncResult{}, err
	}
	cw, err := newCaseworker(ctx, e.url, user, dir, e.exec, nil)
	if err != nil {
		return nil, syncResult{}, err
	}
	start, cpu0 := time.Now(), cpuTime()
	cw.Start(ctx)
	wctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	if err := cw.waitSynced(wctx, start, want); err != nil {
		cw.Close()
		return nil, syncResult{}, err
	}
	took, cpu := time.Since(start), cpuTime()-cpu0
	list, err := cw.db.List()
	if err != nil {
		cw.Close()
		return nil, syncResult{}, err
	}
	return cw, syncResult{Cases: len(list), Took: took, CPU: cpu}, nil
}

// pushResult is one drain of an offline outbox.
type pushResult struct {
	Commands  int
	Commit    time.Duration // saving them locally, one Commit each (offline)
	Acked     time.Duration // engine start → the last ack recorded on disk
	Confirmed time.Duration // engine start → the applied states pulled back and synced
	CPU       time.Duration // this process's CPU time from engine start to the last ack (with -inproc: client and server)
	Status    map[string]int
}

// pushOffline stops cw's engine, saves n note commands on n different
// cases (as a caseworker without network would), starts the engine and
// measures until every command's ack is recorded in the replica, and until
// the confirmed state is back.
func pushOffline(ctx context.Context, cw *caseworker, n int) (pushResult, error) {
	cw.Stop()
	if err := cw.loadCases(); err != nil {
		return pushResult{}, err
	}
	lat := newRecorder()
	cw.rep.lat = lat
	defer func() { cw.rep.lat = nil }()
	t0 := time.Now()
	for k := range n {
		if err := cw.commit(k, false); err != nil {
			return pushResult{}, err
		}
	}
	res := pushResult{Commands: n, Commit: time.Since(t0)}
	start, cpu0 := time.Now(), cpuTime()
	cw.Start(ctx)
	wctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	if err := cw.waitSynced(wctx, start, 0); err != nil {
		return res, err
	}
	res.Confirmed = time.Since(start)
	res.Acked, res.CPU = cw.rep.lastAck().Sub(start), cw.rep.lastAckCPU()-cpu0
	_, res.Status = lat.take()
	if res.Status[app.AckApplied] != n {
		return res, fmt.Errorf("%d of %d commands applied: %v", res.Status[app.AckApplied], n, res.Status)
	}
	return res, nil
}

// fleet is many simulated caseworkers with their engines running.
type fleet struct {
	cws  []*caseworker
	lat  *recorder
	in   []chan int // per caseworker: the commands to make, handed over by the issuer
	wg   sync.WaitGroup
	err  atomic.Pointer[error]
	busy atomic.Int64 // commands issued and not yet saved
}

// startFleet signs in users, creates their replicas, runs their engines
// and waits until every one completed its first sync.
func startFleet(ctx context.Context, e env, users []app.ID) (*fleet, error) {
	f := &fleet{lat: newRecorder(), cws: make([]*caseworker, len(users))}
	dir, err := os.MkdirTemp(e.dir, "fleet-")
	if err != nil {
		return nil, err
	}
	start := time.Now()
	if err := parallel(ctx, len(users), 16, func(i int) error {
		cw, err := newCaseworker(ctx, e.url, users[i], dir, e.exec, f.lat)
		if err != nil {
			return err
		}
		f.cws[i] = cw
		cw.Start(ctx)
		return nil
	}); err != nil {
		f.Close()
		return nil, err
	}
	wctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	if err := parallel(wctx, len(users), 64, func(i int) error {
		if err := f.cws[i].waitSynced(wctx, start, 1); err != nil {
			return err
		}
		return f.cws[i].loadCases()
	}); err != nil {
		f.Close()
		return nil, err
	}
	f.in = make([]chan int, len(users))
	for i, cw := range f.cws {
		f.in[i] = make(chan int, 256)
		f.wg.Add(1)
		go func() {
			defer f.wg.Done()
			for k := range f.in[i] {
				if err := cw.commit(k, true); err != nil {
					f.err.CompareAndSwap(nil, &err)
				}
				f.busy.Add(-1)
			}
		}()
	}
	return f, nil
}

// Close stops every engine and closes every replica.
func (f *fleet) Close() {
	for _, ch := range f.in {
		close(ch)
	}
	f.in = nil
	f.wg.Wait()
	_ = parallel(context.Background(), len(f.cws), 32, func(i int) error {
		if f.cws[i] != nil {
			f.cws[i].Close()
		}
		return nil
	})
}

// loadResult is one run at a fixed rate.
type loadResult struct {
	Offered       float64 // commands/s asked for
	Issued, Acked int
	Duration      time.Duration
	Sustained     float64 // acks/s over the run
	P50, P95, P99 time.Duration
	Max           time.Duration
	Status        map[string]int
}

// run issues commands at rate per second in total, each on a random
// caseworker's random case, for d; then waits for the stragglers' acks.
// The latency of a command runs from its local save to its ack recorded
// on disk.
func (f *fleet) run(ctx context.Context, rate float64, d time.Duration) (loadResult, error) {
	f.lat.take()
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 9))
	start := time.Now()
	interval := time.Duration(float64(time.Second) / rate)
	var issued int
	for next := start; next.Sub(start) < d; next = next.Add(interval) {
		if w := time.Until(next); w > 0 {
			select {
			case <-time.After(w):
			case <-ctx.Done():
				return loadResult{}, ctx.Err()
			}
		}
		i := rng.IntN(len(f.cws))
		f.busy.Add(1)
		select {
		case f.in[i] <- rng.IntN(1 << 20):
			issued++
		default: // that caseworker is 256 commands behind: count it as not issued
			f.busy.Add(-1)
		}
	}
	window := time.Since(start)
	// Stragglers: every issued command saved and acknowledged.
	deadline := time.Now().Add(60 * time.Second)
	for {
		n := f.busy.Load()
		for _, cw := range f.cws {
			n += int64(cw.rep.outstanding())
		}
		if n == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if p := f.err.Load(); p != nil {
		return loadResult{}, *p
	}
	lat, status := f.lat.take()
	r := loadResult{Offered: rate, Issued: issued, Acked: len(lat), Duration: window, Status: status,
		P50: percentile(lat, 50), P95: percentile(lat, 95), P99: percentile(lat, 99), Max: percentile(lat, 100)}
	r.Sustained = float64(len(lat)) / window.Seconds()
	return r, nil
}

// maxResult is one step of the server's ceiling.
type maxResult struct {
	Offered   float64
	Sustained float64
	P50, P99  time.Duration
	Errors    int
}

// pushers are raw connections pushing one command per frame, paced: the
// server's ceiling without the cost of full clients in the same machine.
type pushers struct {
	cs    []*rawClient
	cases [][]app.ID
}

func startPushers(ctx context.Context, e env, users []app.ID, perUser [][]app.ID) (*pushers, error) {
	p := &pushers{cs: make([]*rawClient, len(users)), cases: perUser}
	err := parallel(ctx, len(users), 16, func(i int) error {
		c, err := dialRaw(ctx, e.url, users[i])
		p.cs[i] = c
		return err
	})
	if err != nil {
		p.Close()
	}
	return p, err
}

func (p *pushers) Close() {
	for _, c := range p.cs {
		if c != nil {
			c.Close()
		}
	}
}

// step offers rate commands/s in total for d, spread over the
// connections, each sending its next push when it is due and its previous
// one is answered (one push outstanding per connection, as the protocol
// has it). A latency runs from when the push was due, so a server that
// falls behind shows it.
func (p *pushers) step(ctx context.Context, rate float64, d time.Duration) maxResult {
	n := len(p.cs)
	per := time.Duration(float64(time.Second) * float64(n) / rate)
	lat := newRecorder()
	var errs atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for i, c := range p.cs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			due := start.Add(per * time.Duration(i) / time.Duration(n)) // stagger
			for k := 0; due.Sub(start) < d; k++ {
				if w := time.Until(due); w > 0 {
					time.Sleep(w)
				}
				if ctx.Err() != nil {
					return
				}
				st, err := c.push(p.cases[i][k%len(p.cases[i])], k)
				if err != nil {
					errs.Add(1)
					return
				}
				lat.add(time.Since(due), st)
				due = due.Add(per)
			}
		}()
	}
	wg.Wait()
	took := time.Since(start)
	l, _ := lat.take()
	return maxResult{Offered: rate, Sustained: float64(len(l)) / took.Seconds(), P50: percentile(l, 50), P99: percentile(l, 99), Errors: int(errs.Load())}
}

// idleResult is the memory of idle connections.
type idleResult struct {
	Conns          int
	Connect        time.Duration
	Before, After  memStats
	PerConnLive    float64 // bytes: Go heap in use + stacks, per connection
	PerConnRSS     float64 // bytes: resident set, per connection
	MemoryMeasured bool
}

// idlers are connected raw clients that only ping.
type idlers struct {
	cs   []*rawClient
	stop chan struct{}
	wg   sync.WaitGroup
}

// connectIdle opens one raw connection per user, each reading and
// dropping what arrives; ping sends an application ping on each once per
// period, spread evenly.
func connectIdle(ctx context.Context, e env, users []app.ID, period time.Duration) (*idlers, time.Duration, error) {
	id := &idlers{cs: make([]*rawClient, len(users)), stop: make(chan struct{})}
	start := time.Now()
	err := parallel(ctx, len(users), 32, func(i int) error {
		c, err := dialRaw(ctx, e.url, users[i])
		if err != nil {
			return err
		}
		id.cs[i] = c
		id.wg.Add(1)
		go func() { defer id.wg.Done(); c.idle() }()
		return nil
	})
	took := time.Since(start)
	if err != nil {
		id.Close()
		return nil, took, err
	}
	id.wg.Add(1)
	go func() {
		defer id.wg.Done()
		gap := period / time.Duration(max(1, len(id.cs)))
		t := time.NewTicker(max(gap, time.Millisecond))
		defer t.Stop()
		for i := 0; ; {
			select {
			case <-id.stop:
				return
			case <-t.C:
			}
			for range max(1, int(time.Millisecond/max(gap, 1))) {
				_ = id.cs[i%len(id.cs)].ping()
				i++
			}
		}
	}()
	return id, took, nil
}

func (id *idlers) Close() {
	select {
	case <-id.stop:
	default:
		close(id.stop)
	}
	for _, c := range id.cs {
		if c != nil {
			c.Close()
		}
	}
	id.wg.Wait()
}

// parallel runs f(0..n-1) on at most workers goroutines and returns the
// first error.
func parallel(ctx context.Context, n, workers int, f func(i int) error) error {
	var next atomic.Int64
	var first atomic.Pointer[error]
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || first.Load() != nil {
					return
				}
				if ctx.Err() != nil {
					err := ctx.Err()
					first.CompareAndSwap(nil, &err)
					return
				}
				if err := f(i); err != nil {
					first.CompareAndSwap(nil, &err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if p := first.Load(); p != nil {
		return *p
	}
	return nil
}
