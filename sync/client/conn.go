package client

import (
	"errors"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/sync/wire"
)

// writeWait is how long one frame may take to write.
const writeWait = 10 * time.Second

// conn is one websocket with its reader and writer goroutine (gorilla's
// chat example): the reader decodes frames into in, in order, and closes
// in when the connection ends; the writer writes what the session queues.
// The session goroutine owns everything else.
type conn struct {
	ws   *websocket.Conn
	in   chan wire.Frame
	out  chan []byte
	stop chan struct{}
	once sync.Once
	wg   sync.WaitGroup
	rerr error // why the reader stopped; written before in is closed
}

func newConn(ws *websocket.Conn) *conn {
	c := &conn{
		ws:   ws,
		in:   make(chan wire.Frame, 16),
		out:  make(chan []byte, 16),
		stop: make(chan struct{}),
	}
	c.wg.Add(2)
	go c.readLoop()
	go c.writeLoop()
	return c
}

func (c *conn) readLoop() {
	defer c.wg.Done()
	defer close(c.in)
	c.ws.SetReadLimit(wire.MaxFrame)
	extend := func(string) error { return c.ws.SetReadDeadline(time.Now().Add(wire.PongWait)) }
	_ = extend("")
	c.ws.SetPongHandler(extend)
	for {
		typ, b, err := c.ws.ReadMessage()
		if err != nil {
			c.rerr = err
			c.shutdown()
			return
		}
		_ = extend("")
		if typ != websocket.TextMessage {
			c.rerr = app.Errorf(app.CodeInvalid, "", KeyBadAnswer).Wrap(errors.New("binary frame"))
			c.closeWith(wire.CloseBadFrame)
			return
		}
		f, err := wire.Decode(b)
		if err != nil {
			c.rerr = err
			c.closeWith(wire.CloseBadFrame)
			return
		}
		select {
		case c.in <- f:
		case <-c.stop:
			c.rerr = errClosed
			return
		}
	}
}

func (c *conn) writeLoop() {
	defer c.wg.Done()
	for {
		select {
		case b := <-c.out:
			_ = c.ws.SetWriteDeadline(time.Now().Add(writeWait))
			if err := c.ws.WriteMessage(websocket.TextMessage, b); err != nil {
				c.shutdown()
				return
			}
		case <-c.stop:
			return
		}
	}
}

// errClosed is what sending on a closed connection returns.
var errClosed = errors.New("connection closed")

// send queues an encoded frame for the writer.
func (c *conn) send(b []byte) error {
	select {
	case c.out <- b:
		return nil
	case <-c.stop:
		return errClosed
	}
}

// closeWith sends a close frame with code and ends the connection.
func (c *conn) closeWith(code int) {
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, ""), time.Now().Add(time.Second))
	c.shutdown()
}

// shutdown ends the connection; the reader and writer then stop.
func (c *conn) shutdown() {
	c.once.Do(func() {
		close(c.stop)
		_ = c.ws.Close()
	})
}

// close ends the connection and waits for both goroutines.
func (c *conn) close() {
	c.shutdown()
	c.wg.Wait()
}

// closeCode returns the close code the server sent, or 0.
func (c *conn) closeCode() int {
	var ce *websocket.CloseError
	if errors.As(c.rerr, &ce) {
		return ce.Code
	}
	return 0
}
