package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/sync/client"
	"feltsag.dk/feltsag/sync/wire"
)

// A raw client is a bare websocket speaking the protocol by hand: no
// replica, no engine. The idle connections (10,000 caseworkers with the
// app open and nothing to do, pinging) and the pushers that find the
// server's ceiling are raw, so that the driver's own cost stays small
// beside the server's.

// rawClient is one signed-in, welcomed connection.
type rawClient struct {
	user   app.ID
	device app.ID
	ws     *websocket.Conn
	head   app.Cursor
	seq    uint64 // the last push seq used
	req    uint64
	wmu    sync.Mutex // one writer at a time (the pinger and a pusher)
}

// wsURL turns a server's base URL into its sync endpoint.
func wsURL(base string) string {
	u := strings.TrimSuffix(base, "/")
	switch {
	case strings.HasPrefix(u, "https://"):
		u = "wss://" + strings.TrimPrefix(u, "https://")
	case strings.HasPrefix(u, "http://"):
		u = "ws://" + strings.TrimPrefix(u, "http://")
	}
	return u + wire.PathSync
}

// dialRaw signs user in with a fresh device, opens the websocket and
// exchanges hello and welcome.
func dialRaw(ctx context.Context, base string, user app.ID) (*rawClient, error) {
	device, err := app.NewID(rand.Reader)
	if err != nil {
		return nil, err
	}
	sess, err := client.Login(ctx, nil, base, string(user), passwordFor(user), device, "feltsag-load raw")
	if err != nil {
		return nil, fmt.Errorf("sign in %s: %w", user, err)
	}
	d := websocket.Dialer{HandshakeTimeout: 30 * time.Second, ReadBufferSize: 1024, WriteBufferSize: 1024}
	ws, resp, err := d.DialContext(ctx, wsURL(base), http.Header{"Authorization": {"Bearer " + sess.AccessToken}})
	if err != nil {
		if resp != nil {
			return nil, fmt.Errorf("upgrade %s: %s: %w", user, resp.Status, err)
		}
		return nil, fmt.Errorf("upgrade %s: %w", user, err)
	}
	ws.SetReadLimit(wire.MaxFrame)
	c := &rawClient{user: user, device: device, ws: ws}
	f, err := c.request(&wire.Hello{Device: device, AppVersion: "bench"}, 30*time.Second)
	if err != nil {
		_ = ws.Close()
		return nil, err
	}
	w, ok := f.Body.(*wire.Welcome)
	if !ok {
		_ = ws.Close()
		return nil, fmt.Errorf("hello of %s answered with %s", user, f.Body.Type())
	}
	c.head = w.Cursor
	return c, nil
}

func (c *rawClient) send(id app.ID, m wire.Message) error {
	b, err := wire.Encode(wire.Frame{ID: id, Body: m})
	if err != nil {
		return err
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(30 * time.Second))
	return c.ws.WriteMessage(websocket.TextMessage, b)
}

// request sends m and reads until the frame that answers it (pokes and
// notices in between are skipped). Only for a client whose frames nobody
// else reads.
func (c *rawClient) request(m wire.Message, timeout time.Duration) (wire.Frame, error) {
	c.req++
	id := app.ID("b" + strconv.FormatUint(c.req, 10))
	if err := c.send(id, m); err != nil {
		return wire.Frame{}, err
	}
	_ = c.ws.SetReadDeadline(time.Now().Add(timeout))
	for {
		_, b, err := c.ws.ReadMessage()
		if err != nil {
			return wire.Frame{}, err
		}
		f, err := wire.Decode(b)
		if err != nil {
			return wire.Frame{}, err
		}
		if f.ID == id {
			if e, ok := f.Body.(*wire.Error); ok {
				return f, fmt.Errorf("server refused %s: %s", m.Type(), e.Key)
			}
			return f, nil
		}
	}
}

// push sends one note command on case sag and waits for its ack.
func (c *rawClient) push(sag app.ID, n int) (string, error) {
	cmd, err := noteCommand(sag, c.user, n)
	if err != nil {
		return "", err
	}
	c.seq++
	f, err := c.request(&wire.Push{Commands: []wire.PushCommand{{Seq: c.seq, Command: cmd, Base: 1}}}, time.Minute)
	if err != nil {
		return "", err
	}
	ack, ok := f.Body.(*wire.Ack)
	if !ok || len(ack.Results) != 1 {
		return "", errors.New("push answered with " + f.Body.Type())
	}
	return ack.Results[0].Status, nil
}

// idle reads and drops whatever the server sends until the connection
// ends (gorilla answers the server's websocket pings meanwhile).
func (c *rawClient) idle() {
	_ = c.ws.SetReadDeadline(time.Time{})
	for {
		if _, _, err := c.ws.ReadMessage(); err != nil {
			return
		}
	}
}

// ping sends an application ping (what an idle client sends every 30 s).
func (c *rawClient) ping() error {
	c.req++
	return c.send(app.ID("p"+strconv.FormatUint(c.req, 10)), &wire.Ping{})
}

func (c *rawClient) Close() { _ = c.ws.Close() }
