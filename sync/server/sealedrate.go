package server

import (
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"feltsag.dk/feltsag/app"
)

// Rate limit of POST /v1/sealed. Opening an entry costs an X25519 box and
// a ledger transaction, and the endpoint takes up to 1 MiB per request, so
// a device (and an address) gets a token bucket of requests: a device
// back from an erase delivers its whole outbox within the burst (256
// entries a request), a loop or a flood is answered 429 with Retry-After.
// The bucket of an address is wider (SealedIPFactor), because a
// jobcentre's caseworkers may reach the server through one address; it is
// taken before the token is checked, so unauthenticated floods are cut off
// too.
const (
	DefaultSealedRate  = 0.5 // requests per second per device, on average
	DefaultSealedBurst = 40  // requests at once per device: 10,240 entries
	// SealedIPFactor is how many times a device's rate and burst one
	// address gets.
	SealedIPFactor = 8
	// maxSealedBuckets bounds the limiter's memory: past it, buckets that
	// have refilled (idle keys) are dropped.
	maxSealedBuckets = 10_000
)

// keySealedRate refuses a sealed delivery over the rate limit (429).
const keySealedRate = "unauthorized.sync.sealed_rate"

func errSealedRate(wait time.Duration) *app.Error {
	return app.Errorf(app.CodeUnauthorized, "", keySealedRate, "sekunder", strconv.Itoa(retrySeconds(wait)))
}

// retrySeconds rounds a wait up to whole seconds for Retry-After.
func retrySeconds(d time.Duration) int {
	return max(1, int((d+time.Second-1)/time.Second))
}

// limiter is a set of token buckets by key. Safe for concurrent use.
type limiter struct {
	rate  float64 // tokens per second
	burst float64
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*tokenBucket
}

type tokenBucket struct {
	tokens float64
	last   time.Time
}

func newLimiter(rate float64, burst int, now func() time.Time) *limiter {
	return &limiter{rate: rate, burst: float64(burst), now: now, buckets: map[string]*tokenBucket{}}
}

// allow takes a token of key's bucket, or reports how long until one.
func (l *limiter) allow(key string) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= maxSealedBuckets {
			l.pruneLocked(now)
		}
		b = &tokenBucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	}
	if el := now.Sub(b.last); el > 0 {
		b.tokens = min(l.burst, b.tokens+el.Seconds()*l.rate)
	}
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return 0, true
	}
	return max(time.Duration((1-b.tokens)/l.rate*float64(time.Second)), time.Millisecond), false
}

// pruneLocked drops the buckets that are full again: forgetting them
// changes nothing.
func (l *limiter) pruneLocked(now time.Time) {
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*l.rate >= l.burst {
			delete(l.buckets, k)
		}
	}
}

// sealedLimits are the two limiters of the sealed endpoint.
type sealedLimits struct {
	device, addr *limiter
}

func newSealedLimits(o Options) sealedLimits {
	now := time.Now // real time, as the frame bucket: an injected test clock must not stop the refill
	if o.SealedNow != nil {
		now = o.SealedNow
	}
	return sealedLimits{
		device: newLimiter(o.SealedRate, o.SealedBurst, now),
		addr:   newLimiter(o.SealedRate*SealedIPFactor, o.SealedBurst*SealedIPFactor, now),
	}
}

// remoteHost is the address a request came from, without its port.
func remoteHost(r *http.Request) string {
	if h, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return h
	}
	return r.RemoteAddr
}

// writeRateLimited answers 429 with Retry-After.
func (s *Server) writeRateLimited(w http.ResponseWriter, wait time.Duration) {
	s.stats.rateLimited.Add(1)
	w.Header().Set("Retry-After", strconv.Itoa(retrySeconds(wait)))
	s.writeHTTPError(w, errSealedRate(wait))
}
