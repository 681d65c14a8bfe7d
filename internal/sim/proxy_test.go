package sim

import (
	"io"
	"net"
	"sync"
	"time"
)

// proxy is a fault-injecting TCP proxy between one device and the server,
// in the process, on a loopback port. It can refuse every connection (a
// partition), cut a connection after a chosen number of bytes in one
// direction (mid-frame: the websocket frame is torn), delay every chunk,
// and drop the live connections at once. Frames cannot be reordered: TCP
// delivers a byte stream in order, so a reordering fault can only be a
// loss followed by a resend on a new connection, which the cuts cover.
type proxy struct {
	ln     net.Listener
	target func() string // the server's current address (it moves on restart)

	mu       sync.Mutex
	down     bool
	cutAfter int64 // > 0: the next connection (and the live ones) is cut after this many more bytes
	cutDir   int   // 0: client→server bytes count, 1: server→client
	delay    time.Duration
	live     map[*pipe]struct{}
	wg       sync.WaitGroup
	closed   bool
}

// pipe is one proxied connection.
type pipe struct {
	p         *proxy
	a, b      net.Conn // client side, server side
	mu        sync.Mutex
	budget    [2]int64 // bytes left before the cut, per direction; < 0 = no cut
	closeOnce sync.Once
}

func newProxy(target func() string) (*proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &proxy{ln: ln, target: target, live: map[*pipe]struct{}{}}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

func (p *proxy) url() string { return "http://" + p.ln.Addr().String() }

func (p *proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		down, closed := p.down, p.closed
		p.mu.Unlock()
		if down || closed {
			_ = c.Close()
			continue
		}
		s, err := net.DialTimeout("tcp", p.target(), 2*time.Second)
		if err != nil {
			_ = c.Close()
			continue
		}
		pp := &pipe{p: p, a: c, b: s, budget: [2]int64{-1, -1}}
		p.mu.Lock()
		if p.cutAfter > 0 {
			pp.budget[p.cutDir] = p.cutAfter
			p.cutAfter = 0
		}
		p.live[pp] = struct{}{}
		p.mu.Unlock()
		p.wg.Add(2)
		go pp.copy(0, s, c)
		go pp.copy(1, c, s)
	}
}

// copy moves bytes of direction dir from src to dst until either side
// ends or the cut budget runs out (the rest of the chunk is dropped).
func (pp *pipe) copy(dir int, dst, src net.Conn) {
	defer pp.p.wg.Done()
	defer pp.close()
	buf := make([]byte, 4096)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			pp.p.mu.Lock()
			d := pp.p.delay
			pp.p.mu.Unlock()
			if d > 0 {
				time.Sleep(d) // a slow link: real time, a few milliseconds
			}
			pp.mu.Lock()
			cut := false
			if b := pp.budget[dir]; b >= 0 {
				if int64(n) >= b {
					n, cut = int(b), true
				}
				pp.budget[dir] = b - int64(n)
			}
			pp.mu.Unlock()
			if n > 0 {
				if _, werr := dst.Write(buf[:n]); werr != nil {
					return
				}
			}
			if cut {
				return
			}
		}
		if err != nil {
			if err != io.EOF {
				return
			}
			return
		}
	}
}

func (pp *pipe) close() {
	pp.closeOnce.Do(func() {
		_ = pp.a.Close()
		_ = pp.b.Close()
		pp.p.mu.Lock()
		delete(pp.p.live, pp)
		pp.p.mu.Unlock()
	})
}

// setDown starts (true) or heals (false) a partition; starting one drops
// the live connections.
func (p *proxy) setDown(down bool) {
	p.mu.Lock()
	p.down = down
	p.mu.Unlock()
	if down {
		p.dropAll()
	}
}

func (p *proxy) isDown() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.down
}

// cut arms a cut after n more bytes in direction dir on the live
// connections and on the next one.
func (p *proxy) cut(n int64, dir int) {
	p.mu.Lock()
	p.cutAfter, p.cutDir = n, dir
	pipes := make([]*pipe, 0, len(p.live))
	for pp := range p.live {
		pipes = append(pipes, pp)
	}
	p.mu.Unlock()
	for _, pp := range pipes {
		pp.mu.Lock()
		pp.budget[dir] = n
		pp.mu.Unlock()
	}
}

func (p *proxy) setDelay(d time.Duration) {
	p.mu.Lock()
	p.delay = d
	p.mu.Unlock()
}

// clearFaults removes armed cuts and delays (a partition stays).
func (p *proxy) clearFaults() {
	p.mu.Lock()
	p.cutAfter, p.delay = 0, 0
	pipes := make([]*pipe, 0, len(p.live))
	for pp := range p.live {
		pipes = append(pipes, pp)
	}
	p.mu.Unlock()
	for _, pp := range pipes {
		pp.mu.Lock()
		pp.budget = [2]int64{-1, -1}
		pp.mu.Unlock()
	}
}

// dropAll closes every live connection at once.
func (p *proxy) dropAll() {
	p.mu.Lock()
	pipes := make([]*pipe, 0, len(p.live))
	for pp := range p.live {
		pipes = append(pipes, pp)
	}
	p.mu.Unlock()
	for _, pp := range pipes {
		pp.close()
	}
}

func (p *proxy) close() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	_ = p.ln.Close()
	p.dropAll()
	p.wg.Wait()
}
