package server

import (
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/sync/wire"
)

// Standard close codes the server uses besides wire's.
const (
	closeNormal    = websocket.CloseNormalClosure // 1000
	closeGoingAway = websocket.CloseGoingAway     // 1001
)

// sendQueue is how many frames may wait for the writer of one connection.
const sendQueue = 64

// outFrame is one item of a connection's send queue: an encoded frame, a
// poke (no data: the writer encodes it with the latest head) or a close.
type outFrame struct {
	data   []byte // nil: a poke
	close  int
	reason string
}

// conn is one websocket connection: one reader goroutine (readLoop, which
// also handles each frame in order) and one writer goroutine (writeLoop),
// as in gorilla's chat example. Only the writer writes data frames.
type conn struct {
	s    *Server
	ws   *websocket.Conn
	p    principal
	send chan outFrame
	dead chan struct{} // closed when the writer has stopped

	closing  atomic.Bool // a close frame is queued or written: ignore further frames
	shutOnce sync.Once

	pokeMu     sync.Mutex
	pokeHead   app.Cursor
	pokeQueued bool

	hello atomic.Bool // hello was answered (read by the writer for pokes)
	seq   uint64      // the hub's number of the upgrade, taken before answering it

	// Reader-only state.
	welcomed bool
	frames   bucket     // every frame but a pull
	pulls    bucket     // pull frames: their frame token is given back, and one taken here
	applied  app.Cursor // how far the device has applied the log: its hello's cursor, then its pulls'
}

// handleSync serves GET /v1/sync: authenticate, check Origin, upgrade.
func (s *Server) handleSync(w http.ResponseWriter, r *http.Request) {
	if s.closed.Load() {
		http.Error(w, "closing", http.StatusServiceUnavailable)
		return
	}
	if !s.originAllowed(r) {
		s.stats.authFailures.Add(1)
		s.writeHTTPError(w, errOrigin())
		return
	}
	p, e := s.authenticate(r)
	if e != nil {
		s.stats.authFailures.Add(1)
		s.writeHTTPError(w, e)
		return
	}
	up := websocket.Upgrader{
		ReadBufferSize:  4096,
		WriteBufferSize: 4096,
		CheckOrigin:     func(*http.Request) bool { return true }, // checked above, before authentication
	}
	seq := s.hub.number() // before the answer: see hub
	ws, err := up.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader has answered
	}
	c := &conn{s: s, p: p, ws: ws, seq: seq, send: make(chan outFrame, sendQueue), dead: make(chan struct{}),
		frames: bucket{tokens: float64(s.opts.RateBurst), last: time.Now()},
		pulls:  bucket{tokens: float64(s.opts.PullRateBurst), last: time.Now()}}
	s.startMu.Lock()
	if s.closed.Load() { // Close came during the upgrade
		s.startMu.Unlock()
		_ = ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(closeGoingAway, ""), time.Now().Add(time.Second))
		_ = ws.Close()
		return
	}
	s.wg.Add(2)
	evicted, ok := s.hub.add(c, s.opts.MaxConnsPerUser)
	s.startMu.Unlock()
	if evicted != nil {
		evicted.fail("", errTooManyConns(), wire.CloseRateLimited)
	}
	s.stats.conns.Add(1)
	s.stats.connsTotal.Add(1)
	go c.writeLoop()
	go c.readLoop()
	if !ok {
		c.fail("", errTooManyConns(), wire.CloseRateLimited)
	}
}

// enqueue queues f for the writer, waiting while the queue is full; it
// reports false when the writer has stopped.
func (c *conn) enqueue(f outFrame) bool {
	select {
	case c.send <- f:
		return true
	case <-c.dead:
		return false
	}
}

// reply encodes and queues an answer (reader goroutine only).
func (c *conn) reply(id app.ID, m wire.Message) {
	b, err := wire.Encode(wire.Frame{ID: id, Body: m})
	if err != nil {
		c.s.stats.internalErrors.Add(1)
		c.s.log.Error("encode reply", "type", m.Type(), "err", app.Describe(err))
		c.fail(id, app.Internal(err), websocket.CloseInternalServerErr)
		return
	}
	c.enqueue(outFrame{data: b})
}

// refuse answers a request with an error and keeps the connection.
func (c *conn) refuse(id app.ID, e *app.Error) {
	c.reply(id, &wire.Error{Error: *e})
}

// fail sends an error and closes the connection with code.
func (c *conn) fail(id app.ID, e *app.Error, code int) {
	c.failAfter(id, e, code, 0)
}

func (c *conn) failAfter(id app.ID, e *app.Error, code int, retry time.Duration) {
	if b, err := wire.Encode(wire.Frame{ID: id, Body: &wire.Error{Error: *e, RetryAfterMS: retry.Milliseconds()}}); err == nil {
		c.enqueue(outFrame{data: b})
	}
	c.shut(code, "")
}

// shut queues a close frame with code. The writer writes it after every
// frame queued before it; a connection whose queue is full (a slow or
// stuck peer) is dropped at once.
func (c *conn) shut(code int, reason string) {
	c.shutOnce.Do(func() {
		c.closing.Store(true)
		select {
		case c.send <- outFrame{close: code, reason: reason}:
		case <-c.dead:
		default:
			c.s.stats.slowConsumers.Add(1)
			_ = c.ws.Close()
		}
	})
}

// offer queues a notice without waiting: a peer too slow to take it is
// dropped (it gets the notices again after its next hello).
func (c *conn) offer(b []byte) {
	if c.closing.Load() {
		return
	}
	select {
	case c.send <- outFrame{data: b}:
	case <-c.dead:
	default:
		c.s.stats.slowConsumers.Add(1)
		_ = c.ws.Close()
	}
}

// poke tells the peer the log grew to head. Pokes coalesce: at most one
// waits in the queue, carrying the latest head when it is written.
func (c *conn) poke(head app.Cursor) {
	c.pokeMu.Lock()
	if c.pokeHead.Epoch != head.Epoch || c.pokeHead.Seq < head.Seq {
		c.pokeHead = head
	}
	queued := c.pokeQueued
	c.pokeQueued = true
	c.pokeMu.Unlock()
	if !queued {
		c.offer(nil) // a nil frame is the poke marker: the writer encodes the latest head
	}
}

// wipe tells a revoked device to wipe and closes with 4004.
func (c *conn) wipe() {
	if b, err := wire.Encode(wire.Frame{Body: &wire.Wipe{Reason: wire.WipeRevoked}}); err == nil {
		c.offer(b)
	}
	c.shut(wire.CloseWiped, "")
}

func (c *conn) writeLoop() {
	ticker := time.NewTicker(c.s.opts.PingPeriod)
	defer func() {
		ticker.Stop()
		close(c.dead)
		c.s.wg.Done()
	}()
	for {
		select {
		case f := <-c.send:
			_ = c.ws.SetWriteDeadline(time.Now().Add(writeWait))
			if f.close != 0 {
				_ = c.ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(f.close, f.reason))
				// The reader waits for the peer's close frame, briefly.
				_ = c.ws.SetReadDeadline(time.Now().Add(closeGrace))
				return
			}
			data := f.data
			if data == nil {
				var err error
				if data, err = c.pokeFrame(); err != nil || data == nil {
					continue
				}
			}
			if err := c.ws.WriteMessage(websocket.TextMessage, data); err != nil {
				_ = c.ws.Close()
				return
			}
		case <-ticker.C:
			if err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeWait)); err != nil {
				_ = c.ws.Close()
				return
			}
		}
	}
}

// pokeFrame encodes the pending poke, or returns nil when there is none.
func (c *conn) pokeFrame() ([]byte, error) {
	c.pokeMu.Lock()
	head, queued := c.pokeHead, c.pokeQueued
	c.pokeQueued = false
	c.pokeMu.Unlock()
	if !queued || !c.hello.Load() {
		return nil, nil
	}
	return wire.Encode(wire.Frame{Body: &wire.Poke{Cursor: head}})
}

func (c *conn) readLoop() {
	defer func() {
		c.s.hub.remove(c)
		c.shut(closeNormal, "")
		<-c.dead
		_ = c.ws.Close()
		c.s.stats.conns.Add(-1)
		c.s.wg.Done()
	}()
	c.ws.SetReadLimit(wire.MaxFrame)
	_ = c.ws.SetReadDeadline(time.Now().Add(c.s.opts.HelloTimeout))
	c.ws.SetPongHandler(func(string) error {
		if c.welcomed && !c.closing.Load() {
			_ = c.ws.SetReadDeadline(time.Now().Add(c.s.opts.PongWait))
		}
		return nil
	})
	for {
		mt, data, err := c.ws.ReadMessage()
		if err != nil {
			c.readFailed(err)
			return
		}
		if c.closing.Load() {
			continue // waiting for the peer's close frame
		}
		if c.welcomed {
			_ = c.ws.SetReadDeadline(time.Now().Add(c.s.opts.PongWait))
		}
		if wait, ok := c.allow(); !ok {
			c.s.stats.rateLimited.Add(1)
			c.failAfter("", app.Errorf(app.CodeInvalid, "", "invalid.sync.rate"), wire.CloseRateLimited, wait)
			continue
		}
		if mt != websocket.TextMessage {
			c.s.stats.badFrames.Add(1)
			c.fail("", app.Errorf(app.CodeInvalid, "", "invalid.sync.binary"), wire.CloseBadFrame)
			continue
		}
		f, err := wire.Decode(data)
		if err != nil {
			c.s.stats.badFrames.Add(1)
			e := app.AsError(err)
			code := wire.CloseBadFrame
			if e.Key == "wire.version" {
				code = wire.CloseVersion
			}
			c.fail("", e, code)
			continue
		}
		if _, ok := f.Body.(*wire.Pull); ok {
			// A pull goes on the pull bucket: give back the frame token.
			c.frames.tokens = min(float64(c.s.opts.RateBurst), c.frames.tokens+1)
			if wait, ok := c.pulls.take(c.s.opts.PullRateLimit, float64(c.s.opts.PullRateBurst)); !ok {
				c.s.stats.rateLimited.Add(1)
				c.failAfter(f.ID, app.Errorf(app.CodeInvalid, "", "invalid.sync.rate"), wire.CloseRateLimited, wait)
				continue
			}
		}
		c.handle(f)
	}
}

// readFailed ends a connection whose read failed: a frame over the read
// limit (gorilla has sent 1009; the rest of the frame is drained so the
// peer reads the close frame rather than a reset), a missed hello (4000),
// a silent peer, or the peer's close.
func (c *conn) readFailed(err error) {
	var ne net.Error
	switch {
	case errors.Is(err, websocket.ErrReadLimit):
		c.s.stats.badFrames.Add(1)
		c.closing.Store(true)
		c.drain()
	case !c.welcomed && !c.closing.Load() && errors.As(err, &ne) && ne.Timeout():
		c.s.stats.badFrames.Add(1)
		c.closing.Store(true)
		_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(wire.CloseBadFrame, "hello"), time.Now().Add(writeWait))
		c.drain()
	}
}

// drain reads and discards what the peer still sends, for closeGrace, so
// that closing the socket with unread data does not reset the connection
// before the peer has read the close frame.
func (c *conn) drain() {
	nc := c.ws.UnderlyingConn()
	_ = nc.SetReadDeadline(time.Now().Add(closeGrace))
	_, _ = io.Copy(io.Discard, nc)
}

// allow takes one token from the connection's frame bucket, or reports
// how long to wait for the next.
func (c *conn) allow() (time.Duration, bool) {
	return c.frames.take(c.s.opts.RateLimit, float64(c.s.opts.RateBurst))
}

// bucket is a token bucket read and written by the connection's reader
// goroutine only.
type bucket struct {
	tokens float64
	last   time.Time
}

// take refills the bucket at rate up to burst, takes one token, or
// reports how long to wait for the next.
func (b *bucket) take(rate, burst float64) (time.Duration, bool) {
	now := time.Now() // real time: an injected test clock must not stop the bucket refilling
	b.tokens = min(burst, b.tokens+now.Sub(b.last).Seconds()*rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return 0, true
	}
	wait := time.Duration((1 - b.tokens) / rate * float64(time.Second))
	return max(wait, time.Millisecond), false
}

// itoa64 formats n in decimal.
func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
