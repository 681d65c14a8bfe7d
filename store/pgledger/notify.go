package pgledger

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"feltsag.dk/feltsag/app"
)

// Pokes between feltsagd nodes on one database (issue 12): a node that
// committed a change tells the others with NOTIFY, and each node's
// listener pokes its own connected clients. Notifications are not
// durable (a node that is reconnecting misses them), so the listener also
// polls the log's head and, whenever it grew without a notification or
// the listening connection was lost, reports a poke for everyone.

// PokeChannel is the NOTIFY channel of the nodes' pokes.
const PokeChannel = "feltsag_poke"

// Poke says the log grew to Head in the scopes of Owners. Owners nil
// means "anyone's": a missed notification, found by the fallback poll or
// after a lost connection; the node pokes every client it has.
//
// Event, when set, is not a poke but another message between the nodes,
// opaque to the ledger (cmd/feltsagd: sync/server's NodeEvent: close an
// account's connections, wipe a device, a conflict notice). Lost is set
// by Listen after it reconnected: notifications sent meanwhile are lost,
// events included, so the node re-checks what they would have told it.
type Poke struct {
	Node   string          `json:"node"` // the sending node, so it can ignore its own
	Head   app.Cursor      `json:"head"`
	Owners []app.ID        `json:"owners,omitempty"`
	Event  json.RawMessage `json:"event,omitempty"`
	Lost   bool            `json:"-"`
}

// maxPayload keeps a NOTIFY under PostgreSQL's 8,000-byte limit; a poke
// for more owners than fit goes out for everyone, an event that does not
// fit is refused.
const maxPayload = 7900

// Notify sends p to every node listening on the database, itself
// included (Listen's caller filters by Node). It is sent outside any
// Update, after the commit: a node that sees it can read the change.
func (db *DB) Notify(ctx context.Context, p Poke) error {
	b, err := json.Marshal(p)
	if err == nil && len(b) > maxPayload {
		if p.Event != nil {
			return app.Internal(fmt.Errorf("notify: an event of %d bytes does not fit a notification", len(b)))
		}
		p.Owners = nil
		b, err = json.Marshal(p)
	}
	if err != nil {
		return app.Internal(err)
	}
	_, err = db.pool.Exec(ctx, "SELECT pg_notify($1, $2)", PokeChannel, string(b))
	return dbErr(err)
}

// ListenOptions tune Listen.
type ListenOptions struct {
	// Poll is how often the listener reads the log's head when no
	// notification comes (default 1 s): the bound on how late a client
	// learns of a change whose notification was lost.
	Poll time.Duration
	// Retry is the pause before reconnecting a lost listening connection
	// (default 1 s).
	Retry time.Duration
}

// Listen calls fn for every poke until ctx ends, then returns ctx's
// error: each notification on PokeChannel; a poke for everyone (Owners
// nil) when the head moved past the last one seen without a notification
// (checked every Poll); and a poke for everyone after each reconnection
// of its own connection, since notifications sent meanwhile are lost
// (Lost set, whether or not the head moved). fn
// runs on Listen's goroutine and should not block.
func (db *DB) Listen(ctx context.Context, opts ListenOptions, fn func(Poke)) error {
	if opts.Poll <= 0 {
		opts.Poll = time.Second
	}
	if opts.Retry <= 0 {
		opts.Retry = time.Second
	}
	var seen app.Cursor
	first := true
	for {
		err := db.listenOnce(ctx, opts.Poll, &seen, !first, fn)
		first = false
		if ctx.Err() != nil {
			return ctx.Err()
		}
		_ = err // the connection was lost: retry, and poke everyone on return
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(opts.Retry):
		}
	}
}

// listenOnce listens on one connection until it fails or ctx ends.
func (db *DB) listenOnce(ctx context.Context, poll time.Duration, seen *app.Cursor, missed bool, fn func(Poke)) error {
	pc, err := db.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	// A connection that has LISTENed is not given back to the pool.
	conn := pc.Hijack()
	defer conn.Close(context.Background())
	// Named, so an operator can tell it in pg_stat_activity.
	if _, err := conn.Exec(ctx, "SET application_name = 'feltsagd-listen'; LISTEN "+PokeChannel); err != nil {
		return err
	}
	head := func() (app.Cursor, error) {
		var epoch, seq int64
		err := conn.QueryRow(ctx, "SELECT epoch, head FROM ledger").Scan(&epoch, &seq)
		return app.Cursor{Epoch: uint64(epoch), Seq: uint64(seq)}, err
	}
	h, err := head()
	if err != nil {
		return err
	}
	if missed {
		fn(Poke{Head: h, Lost: true})
	}
	*seen = h
	for {
		wctx, cancel := context.WithTimeout(ctx, poll)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		switch {
		case err == nil:
			var p Poke
			if json.Unmarshal([]byte(n.Payload), &p) != nil {
				continue // not ours
			}
			if p.Head.Epoch != seen.Epoch || p.Head.Seq > seen.Seq {
				*seen = p.Head
			}
			fn(p)
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, context.DeadlineExceeded) || pgconn.Timeout(err):
			// No notification for a while: has the log moved anyway?
			if conn.IsClosed() {
				return err
			}
			h, err := head()
			if err != nil {
				return err
			}
			if h.Epoch != seen.Epoch || h.Seq > seen.Seq {
				*seen = h
				fn(Poke{Head: h})
			}
		default:
			return err
		}
	}
}
