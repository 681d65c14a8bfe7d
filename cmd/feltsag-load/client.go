package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/store"
	"feltsag.dk/feltsag/sync/client"
)

// A simulated caseworker is the real client minus the window: an
// encrypted store.DB in a temporary folder and the sync/client engine,
// signed in over HTTP like the app. Its replica is wrapped so that the
// time from a command's local save to its acknowledgement being recorded
// is measured.

// benchKDF are the replica's Argon2id parameters: unlocking is not what is
// measured (store's BenchmarkArgon2id covers it).
var benchKDF = store.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}

// caseworker is one simulated client.
type caseworker struct {
	user   app.ID
	db     *store.DB
	rep    *timedReplica
	eng    *client.Engine
	cases  []app.ID
	cancel context.CancelFunc
	done   chan error
	n      int // commands made (issuer goroutine only)
}

// newCaseworker signs user in on url and creates its replica in dir; Start
// runs its engine.
func newCaseworker(ctx context.Context, url string, user app.ID, dir string, exec store.Executor, lat *recorder) (*caseworker, error) {
	device, err := app.NewID(rand.Reader)
	if err != nil {
		return nil, err
	}
	sess, err := client.Login(ctx, nil, url, string(user), passwordFor(user), device, "feltsag-load")
	if err != nil {
		return nil, fmt.Errorf("sign in %s: %w", user, err)
	}
	db, err := store.Create(filepath.Join(dir, "feltsag-"+string(user)+".db"), "bench-adgangskode", store.Options{Engine: exec, KDF: benchKDF, Device: device})
	if err != nil {
		return nil, fmt.Errorf("replica of %s: %w", user, err)
	}
	if sess.ServerKey != "" {
		if k, err := base64.StdEncoding.DecodeString(sess.ServerKey); err == nil && len(k) == 32 {
			if err := db.SetServerKey([32]byte(k)); err != nil {
				_ = db.Close()
				return nil, err
			}
		}
	}
	rep := &timedReplica{DB: db, lat: lat, saved: map[app.ID]time.Time{}}
	var log *slog.Logger
	if os.Getenv("FELTSAG_LOAD_DEBUG") != "" {
		log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo})).With("user", string(user))
	}
	eng := client.New(client.Options{Replica: rep, URL: url, Auth: client.NewTokens(url, sess, client.TokensOptions{}), Caseworker: user, Logger: log})
	return &caseworker{user: user, db: db, rep: rep, eng: eng}, nil
}

// Start runs the engine until Stop.
func (c *caseworker) Start(ctx context.Context) {
	ctx, c.cancel = context.WithCancel(ctx)
	c.done = make(chan error, 1)
	go func() { c.done <- c.eng.Run(ctx) }()
}

// Stop ends the engine and waits for it.
func (c *caseworker) Stop() {
	if c.cancel != nil {
		c.cancel()
		<-c.done
		c.cancel = nil
	}
}

// Close stops the engine and closes the replica.
func (c *caseworker) Close() {
	c.Stop()
	_ = c.db.Close()
}

// waitSynced waits until the engine completed a sync after since with an
// empty outbox and, when want > 0, at least want cases on the replica.
func (c *caseworker) waitSynced(ctx context.Context, since time.Time, want int) error {
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for {
		st := c.eng.Status()
		if st.Stopped {
			return fmt.Errorf("%s: engine stopped: %v", c.user, st.LastError)
		}
		if st.Online && !st.Syncing && st.Pending == 0 && st.LastSync.After(since) && c.rep.outstanding() == 0 {
			if want <= 0 {
				return nil
			}
			if list, err := c.db.List(); err == nil && len(list) >= want {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: %w (status %+v)", c.user, ctx.Err(), st)
		case <-c.eng.Updates():
		case <-tick.C:
		}
	}
}

// loadCases remembers the ids of the replica's cases, for commands.
func (c *caseworker) loadCases() error {
	list, err := c.db.List()
	if err != nil {
		return err
	}
	c.cases = c.cases[:0]
	for _, s := range list {
		c.cases = append(c.cases, s.ID)
	}
	slices.Sort(c.cases)
	return nil
}

// commit saves a note command on the k-th case locally (as the app does
// when the caseworker presses Gem) and tells the engine.
func (c *caseworker) commit(k int, kick bool) error {
	if len(c.cases) == 0 {
		return fmt.Errorf("%s has no cases", c.user)
	}
	c.n++
	cmd, err := noteCommand(c.cases[k%len(c.cases)], c.user, c.n)
	if err != nil {
		return err
	}
	if _, err := c.db.Commit(cmd); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	c.rep.savedAt(cmd.ID, time.Now())
	if kick {
		c.eng.Kick()
	}
	return nil
}

// timedReplica is the store with its acknowledgements timed: Ack records,
// for every command saved through commit, the time from its save to the
// moment its result was recorded on disk.
type timedReplica struct {
	*store.DB
	lat *recorder

	mu       sync.Mutex
	saved    map[app.ID]time.Time
	last     time.Time     // when the last Ack was recorded
	lastCPU  time.Duration // this process's CPU time then (cpuTime)
	pages    int
	pageTime time.Duration
}

func (r *timedReplica) savedAt(id app.ID, t time.Time) {
	r.mu.Lock()
	r.saved[id] = t
	r.mu.Unlock()
}

func (r *timedReplica) outstanding() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.saved)
}

func (r *timedReplica) lastAck() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.last
}

// lastAckCPU is this process's CPU time when the last ack was recorded.
func (r *timedReplica) lastAckCPU() time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.lastCPU
}

// ApplyPage implements client.Replica, counting the pages and their time.
func (r *timedReplica) ApplyPage(p app.Page) error {
	t := time.Now()
	err := r.DB.ApplyPage(p)
	r.mu.Lock()
	r.pages++
	r.pageTime += time.Since(t)
	r.mu.Unlock()
	return err
}

// pageStats returns how many pages were applied and the time they took.
func (r *timedReplica) pageStats() (int, time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.pages, r.pageTime
}

// Ack implements client.Replica.
func (r *timedReplica) Ack(results ...app.AckResult) error {
	if err := r.DB.Ack(results...); err != nil {
		return err
	}
	now, cpu := time.Now(), cpuTime()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.last, r.lastCPU = now, cpu
	for _, res := range results {
		t, ok := r.saved[res.Command]
		if !ok {
			continue
		}
		delete(r.saved, res.Command)
		if r.lat != nil {
			r.lat.add(now.Sub(t), res.Status)
		}
	}
	return nil
}

// recorder collects latencies and ack statuses; safe for concurrent use.
type recorder struct {
	mu     sync.Mutex
	d      []time.Duration
	status map[string]int
}

func newRecorder() *recorder { return &recorder{status: map[string]int{}} }

func (r *recorder) add(d time.Duration, status string) {
	r.mu.Lock()
	r.d = append(r.d, d)
	r.status[status]++
	r.mu.Unlock()
}

// take returns what was collected and starts again.
func (r *recorder) take() ([]time.Duration, map[string]int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	d, s := r.d, r.status
	r.d, r.status = nil, map[string]int{}
	return d, s
}

// percentile returns the p-th percentile (0–100) of d, nearest rank.
func percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	i := int(p/100*float64(len(s))+0.5) - 1
	return s[max(0, min(len(s)-1, i))]
}
