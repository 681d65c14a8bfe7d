package sim

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"
)

// vclock is the simulation's virtual time: the server reads it, each
// device reads it plus its own skew. Partitions of weeks pass in a step.
type vclock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *vclock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *vclock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// gate ends the engines' waits (backoff, retry_after): an engine's Sleep
// returns at the next open, never by real time, so backoff costs nothing
// and a partitioned device does not spin.
type gate struct {
	mu sync.Mutex
	ch chan struct{}
}

func newGate() *gate { return &gate{ch: make(chan struct{})} }

func (g *gate) wait() <-chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.ch
}

// open releases every waiter.
func (g *gate) open() {
	g.mu.Lock()
	defer g.mu.Unlock()
	close(g.ch)
	g.ch = make(chan struct{})
}

// sleep is client.Options.Sleep: it waits for the gate or ctx, whatever d.
func (g *gate) sleep(ctx context.Context, _ time.Duration) error {
	select {
	case <-g.wait():
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// never is client.Options.After: the idle ping never fires (a run is far
// shorter than the server's 45 s read deadline).
func never(time.Duration) <-chan time.Time { return nil }

// lockedRand is a seeded source shared by goroutines.
type lockedRand struct {
	mu sync.Mutex
	r  *rand.Rand
}

func (l *lockedRand) Float64() float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.r.Float64()
}

// chachaReader is a seeded io.Reader for ids and keys.
type chachaReader struct {
	mu sync.Mutex
	r  *rand.ChaCha8
}

func (c *chachaReader) Read(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.r.Read(p)
}
