package client

import (
	"context"
	"errors"
	"io"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/sync/wire"
)

// ending stops a session with a chosen outcome (the server's refusal, an
// answer this client cannot use, a wipe).
type ending struct{ out outcome }

func (e *ending) Error() string {
	if e.out.err != nil {
		return e.out.err.Error()
	}
	return "session ended"
}

func endWith(err *app.Error) error { return &ending{out: outcome{err: err}} }

// errNewEpoch says the server's log has a new epoch: push, then take a
// snapshot of it.
var errNewEpoch = errors.New("new epoch")

// errWipe says the server sent wipe.
var errWipe = errors.New("wipe")

// sess is one connection's protocol state, used by the Run goroutine only.
type sess struct {
	e   *Engine
	r   Replica
	c   *conn
	ctx context.Context

	epoch uint64     // the server's current epoch
	head  app.Cursor // the head of the log as the server last told it

	needPull, needPush bool
	sent               bool // a frame was sent since the last ping tick
	healthy            bool // a sync completed, or a page or an ack was recorded: the session made progress
	wiping             bool
	wipeReason         string
	serverErr          *app.Error    // an error frame about the session
	retryAfter         time.Duration // what it asked to wait
}

// session runs one connection from dial to close.
func (e *Engine) session(ctx context.Context) outcome {
	token, err := e.opts.Auth.Token(ctx)
	if err != nil {
		return outcome{err: app.AsError(err)}
	}
	if out, ok := e.deliverSealed(ctx, token); !ok {
		return out
	}
	ws, resp, err := e.dial(ctx, token)
	if err != nil {
		if resp != nil {
			raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxAuthBody))
			_ = resp.Body.Close()
			switch resp.StatusCode {
			case http.StatusUnauthorized:
				return e.refused(ctx, token, outcome{})
			case http.StatusForbidden:
				return outcome{err: serverError(raw, KeyDisabled)}
			}
		}
		return outcome{err: unreachable(err)}
	}
	s := &sess{e: e, r: e.opts.Replica, c: newConn(ws), ctx: ctx}
	err = s.run()
	if ctx.Err() != nil {
		s.c.closeWith(websocket.CloseNormalClosure)
	}
	s.c.close()
	return e.finish(ctx, token, s, err)
}

// dial opens the websocket. gorilla's handshake does not watch ctx (only
// its deadline), so the raw connection is closed when ctx ends: an app
// shutting down never waits for a server that hangs in the upgrade.
func (e *Engine) dial(ctx context.Context, token string) (*websocket.Conn, *http.Response, error) {
	var mu sync.Mutex
	var raw []net.Conn
	var cancelled bool
	d := websocket.Dialer{
		Proxy:            http.ProxyFromEnvironment,
		HandshakeTimeout: e.opts.HandshakeTimeout,
		TLSClientConfig:  e.opts.TLS,
		NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			mu.Lock()
			defer mu.Unlock()
			if cancelled { // ctx ended while the dial completed
				_ = c.Close()
				return nil, context.Canceled
			}
			raw = append(raw, c)
			return c, nil
		},
	}
	stop := context.AfterFunc(ctx, func() {
		mu.Lock()
		defer mu.Unlock()
		cancelled = true
		for _, c := range raw {
			_ = c.Close()
		}
	})
	defer stop()
	return d.DialContext(ctx, e.wsURL, http.Header{"Authorization": {"Bearer " + token}})
}

// finish turns how a session ended into what Run does next.
func (e *Engine) finish(ctx context.Context, token string, s *sess, err error) outcome {
	out := outcome{healthy: s.healthy, retryAfter: s.retryAfter}
	if ctx.Err() != nil {
		return out
	}
	var end *ending
	if errors.As(err, &end) {
		end.out.healthy = s.healthy
		if end.out.retryAfter == 0 {
			end.out.retryAfter = s.retryAfter
		}
		return end.out
	}
	code := s.c.closeCode()
	e.log.Info("sync: connection ended", "close", code, "err", app.Describe(err))
	switch code {
	case wire.CloseUnauthorized:
		return e.refused(ctx, token, out)
	case wire.CloseWiped:
		out.stop, out.wiped, out.wipeReason = true, true, s.wipeReason
		out.err = app.Errorf(app.CodeUnauthorized, "", KeyWiped)
		return out
	case wire.CloseReplaced:
		out.stop, out.err = true, app.Errorf(app.CodeConflict, "", KeyReplaced)
		return out
	case wire.CloseVersion:
		out.stop, out.err = true, app.Errorf(app.CodeInvalid, "", KeyOutdated)
		if s.serverErr != nil && s.serverErr.Key == "wire.version" {
			out.err = s.serverErr
		}
		return out
	}
	var ae *app.Error
	switch {
	case s.serverErr != nil:
		out.err = s.serverErr
	case errors.As(err, &ae):
		out.err = ae
	default:
		out.err = unreachable(err)
	}
	return out
}

// refused handles a refused token (HTTP 401 at the upgrade, close 4003):
// the token source renews it and Run reconnects at once; when it cannot,
// its error (KeySessionExpired: sign in again) is the status.
func (e *Engine) refused(ctx context.Context, token string, out outcome) outcome {
	if err := e.opts.Auth.Refused(ctx, token); err != nil {
		out.err = app.AsError(err)
		return out
	}
	out.refreshed = true
	return out
}

// run is the protocol of one session: hello, welcome, a full sync, then
// live until the connection ends.
func (s *sess) run() error {
	cur, err := s.r.Cursor()
	if err != nil {
		return endWith(app.AsError(err))
	}
	pending, _, err := pendingCount(s.r)
	if err != nil {
		return endWith(app.AsError(err))
	}
	f, err := s.request(&wire.Hello{Device: s.r.Device(), Cursor: cur, AppVersion: s.e.opts.AppVersion, RulesDigest: s.e.rulesDigest, Pending: pending})
	if err != nil {
		return s.wiped(err)
	}
	w, ok := f.Body.(*wire.Welcome)
	if !ok {
		if we, ok := f.Body.(*wire.Error); ok {
			s.sessionError(we)
			return s.drain()
		}
		return endWith(badAnswer(errors.New("hello answered with " + f.Body.Type())))
	}
	if c := s.e.opts.Caseworker; c != "" && w.Caseworker != c {
		return &ending{out: outcome{stop: true, err: app.Errorf(app.CodeUnauthorized, "", KeyBadAnswer)}}
	}
	s.observe(w.ServerTime)
	s.epoch, s.head = w.Cursor.Epoch, w.Cursor
	s.e.update(func(st *Status) { st.Online = true })
	s.e.log.Info("sync: welcome", "cursor", w.Cursor.String(), "server", w.AppVersion)
	if err := s.updateRules(w); err != nil {
		return s.wiped(err)
	}
	if err := s.sync(); err != nil {
		return s.wiped(err)
	}
	return s.wiped(s.live())
}

// wiped finishes a session that the server ordered wiped: the outbox is
// pushed as far as the server still takes it, then Run stops and calls
// OnWipe. Other errors pass through.
func (s *sess) wiped(err error) error {
	if !errors.Is(err, errWipe) {
		return err
	}
	s.wiping = true
	if perr := s.pushAll(); perr != nil {
		s.e.log.Warn("sync: outbox before wipe", "err", app.Describe(perr))
	}
	return &ending{out: outcome{stop: true, wiped: true, wipeReason: s.wipeReason, err: app.Errorf(app.CodeUnauthorized, "", KeyWiped)}}
}

// drain reads until the server closes (after an error answering hello),
// at most a few seconds.
func (s *sess) drain() error {
	t := time.NewTimer(5 * time.Second)
	defer t.Stop()
	for {
		select {
		case f, ok := <-s.c.in:
			if !ok {
				return s.c.rerr
			}
			if err := s.unsolicited(f); err != nil {
				return err
			}
		case <-t.C:
			return errClosed
		case <-s.ctx.Done():
			return s.ctx.Err()
		}
	}
}

// send encodes and queues a frame.
func (s *sess) send(id app.ID, m wire.Message) error {
	b, err := wire.Encode(wire.Frame{ID: id, Body: m})
	if err != nil {
		return endWith(app.AsError(err))
	}
	s.sent = true
	if err := s.c.send(b); err != nil {
		// The connection is gone: read what arrived before its end (an
		// error with retry_after, a wipe) and the reader's reason.
		for f := range s.c.in {
			switch m := f.Body.(type) {
			case *wire.Error:
				if f.ID == "" {
					s.sessionError(m)
				}
			case *wire.Wipe:
				s.wipeReason = m.Reason
			}
		}
		return s.c.rerr
	}
	return nil
}

// request sends m with a fresh id and waits for the answer with that id,
// handling whatever else arrives meanwhile.
func (s *sess) request(m wire.Message) (wire.Frame, error) {
	id, err := s.ask(m)
	if err != nil {
		return wire.Frame{}, err
	}
	return s.await(id)
}

// ask sends m with a fresh id and returns the id; await reads its answer.
func (s *sess) ask(m wire.Message) (app.ID, error) {
	id := s.e.nextID()
	return id, s.send(id, m)
}

// await waits for the answer to request id, handling whatever else
// arrives meanwhile.
func (s *sess) await(id app.ID) (wire.Frame, error) {
	for {
		select {
		case f, ok := <-s.c.in:
			if !ok {
				return wire.Frame{}, s.c.rerr
			}
			s.e.log.Debug("sync: frame", "type", f.Body.Type(), "id", string(f.ID), "waiting_for", string(id))
			if f.ID == id && answers(f.Body) {
				return f, nil
			}
			if err := s.unsolicited(f); err != nil {
				return wire.Frame{}, err
			}
		case <-s.ctx.Done():
			return wire.Frame{}, s.ctx.Err()
		}
	}
}

// answers reports whether m can answer a request.
func answers(m wire.Message) bool {
	switch m.(type) {
	case *wire.Welcome, *wire.Ack, *wire.Changes, *wire.Resolved, *wire.Pong, *wire.AuditAck, *wire.RulesBundle, *wire.Error:
		return true
	}
	return false
}

// unsolicited handles a frame that answers nothing the session waits for.
func (s *sess) unsolicited(f wire.Frame) error {
	switch m := f.Body.(type) {
	case *wire.Poke:
		switch {
		case m.Cursor.Epoch != s.epoch:
			s.epoch, s.head, s.needPull = m.Cursor.Epoch, m.Cursor, true
		case s.head.Before(m.Cursor):
			s.head, s.needPull = m.Cursor, true
		default:
			s.needPull = true
		}
	case *wire.ConflictNotice:
		c := m.Conflict
		for _, side := range []app.ConflictSide{c.Base, c.Mine, c.Theirs} {
			s.observeHLC(side.HLC)
		}
		if err := s.r.PutConflict(c); err != nil {
			return endWith(app.AsError(err))
		}
		s.e.log.Info("sync: conflict", "conflict", string(c.ID), "field", c.Field)
		if s.e.opts.OnConflict != nil {
			s.e.opts.OnConflict(c)
		}
	case *wire.Resolved:
		return s.closed(m)
	case *wire.Wipe:
		if s.wiping {
			return nil
		}
		s.wipeReason = m.Reason
		return errWipe
	case *wire.Error:
		if f.ID == "" {
			s.sessionError(m)
		} else {
			s.e.log.Warn("sync: error for a request no longer waited for", "id", string(f.ID), "err", app.Describe(&m.Error))
		}
	case *wire.Ping:
		return s.send(f.ID, &wire.Pong{})
	case *wire.Pong:
	default:
		s.e.log.Warn("sync: unexpected message", "type", m.Type(), "id", string(f.ID))
	}
	return nil
}

// sessionError keeps an error about the session (the close usually
// follows): its text is the status, its retry_after the next wait.
func (s *sess) sessionError(m *wire.Error) {
	err := m.Error
	s.serverErr = &err
	s.retryAfter = m.RetryAfter()
	s.e.log.Warn("sync: server error", "err", app.Describe(&err), "retry_after", s.retryAfter)
}

// refusal handles an error frame that answered a request: wait and send
// again when it asks for a wait (retry reports that), else end the session
// with it.
func (s *sess) refusal(f wire.Frame) (retry bool, err error) {
	m, ok := f.Body.(*wire.Error)
	if !ok {
		return false, endWith(badAnswer(errors.New("unexpected answer " + f.Body.Type())))
	}
	if d := m.RetryAfter(); d > 0 {
		s.e.log.Info("sync: server asks to wait", "retry_after", d)
		if err := s.e.opts.Sleep(s.ctx, d); err != nil {
			return false, err
		}
		return true, nil
	}
	e := m.Error
	return false, endWith(&e)
}

// observe merges a server time into the replica's clock.
func (s *sess) observe(t time.Time) {
	if !t.IsZero() {
		s.observeHLC(app.HLC{Wall: t.UnixMilli()})
	}
}

func (s *sess) observeHLC(h app.HLC) {
	if h.IsZero() {
		return
	}
	if c := s.r.Clock(); c != nil && c.Observe(h) {
		s.e.log.Warn("sync: server timestamp far ahead of this device's clock")
	}
}

// sync pushes the whole outbox, then pulls up to the head (a snapshot
// when the epoch is new), then uploads the audit log.
func (s *sess) sync() error {
	s.e.update(func(st *Status) { st.Syncing = true })
	defer s.e.update(func(st *Status) { st.Syncing = false })
	s.needPush = false
	for round := 0; ; round++ {
		if err := s.pushAndResolve(); err != nil {
			return err
		}
		err := s.pullAll()
		if errors.Is(err, errNewEpoch) && round < 3 {
			continue // the outbox first, then the new epoch's snapshot
		}
		if err != nil {
			return err
		}
		break
	}
	s.healthy = true
	now := s.e.opts.Now()
	s.e.update(func(st *Status) { st.LastSync, st.LastError = now, nil })
	return s.uploadAudit()
}

// pushAll pushes the outbox in order, one push frame at a time, and
// records each frame's results in one Ack, until the outbox is empty.
func (s *sess) pushAll() error { return s.pushBelow(math.MaxUint64) }

// pushBelow is pushAll for the commands saved before the outbox position
// bound (a decision on a conflict made then, see pushAndResolve).
func (s *sess) pushBelow(bound uint64) error {
	defer s.e.refreshPending()
	acked := map[app.ID]bool{}
	for {
		pend, err := s.r.Pending()
		if err != nil {
			return endWith(app.AsError(err))
		}
		pend = savedBefore(pend, bound)
		if len(pend) == 0 {
			return nil
		}
		cmds := make([]wire.PushCommand, len(pend))
		for i, p := range pend {
			if acked[p.Command.ID] {
				return endWith(app.Internal(errors.New("the replica kept an acknowledged command")))
			}
			cmds[i] = wire.PushCommandOf(p)
		}
		pushes, err := wire.SplitPush(cmds)
		if err != nil {
			if err := s.tooLarge(err); err != nil {
				return err
			}
			continue
		}
		sent := 0
		for _, p := range pushes {
			done, err := s.pushOne(p, acked)
			if err != nil {
				return err
			}
			if !done {
				break // a command was refused alone: read the outbox again
			}
			sent += len(p.Commands)
			s.showPending(pend[sent:])
		}
	}
}

// showPending shows the commands still to push as the pending count:
// reading the whole outbox again after every ack frame would decode it
// once per frame (pushAll reads it again when it is done).
func (s *sess) showPending(rest []app.PendingCommand) {
	var oldest time.Time
	for _, p := range rest {
		if oldest.IsZero() || p.Saved.Before(oldest) {
			oldest = p.Saved
		}
	}
	s.e.update(func(st *Status) { st.Pending, st.OldestPending = len(rest), oldest })
}

// tooLarge marks a command that cannot fit a frame rejected, with the
// codec's error, so that it does not wedge the outbox.
func (s *sess) tooLarge(err error) error {
	ae := app.AsError(err)
	id := app.ID(ae.Params["id"])
	if ae.Key != "wire.item_too_large" || id == "" {
		return endWith(ae)
	}
	s.e.log.Warn("sync: command too large to send", "command", string(id))
	if err := s.r.Ack(app.AckResult{Command: id, Status: app.AckRejected, Error: ae, At: s.e.opts.Now()}); err != nil {
		return endWith(app.AsError(err))
	}
	return nil
}

// pushOne sends one push and records its ack. done is false when the
// server refused one command of it by itself (it is marked rejected and
// the rest is pushed again).
func (s *sess) pushOne(p *wire.Push, acked map[app.ID]bool) (done bool, err error) {
	for {
		f, err := s.request(p)
		if err != nil {
			return false, err
		}
		switch m := f.Body.(type) {
		case *wire.Ack:
			if len(m.Results) != len(p.Commands) {
				return false, endWith(badAnswer(errors.New("ack with " + strconv.Itoa(len(m.Results)) + " results for " + strconv.Itoa(len(p.Commands)) + " commands")))
			}
			for i, r := range m.Results {
				if r.Command != p.Commands[i].Command.ID {
					return false, endWith(badAnswer(errors.New("ack out of order")))
				}
				s.observe(r.At)
			}
			if err := s.r.Ack(m.Results...); err != nil {
				return false, endWith(app.AsError(err))
			}
			s.healthy = s.healthy || len(m.Results) > 0
			for _, r := range m.Results {
				acked[r.Command] = true
			}
			// The log now holds what was applied: pull it, so the
			// confirmed state catches up (the server pokes only the
			// caseworker's other connections).
			s.needPull = true
			return true, nil
		case *wire.Error:
			if i, ok := commandIndex(m.Field); ok && i < len(p.Commands) && m.Code == app.CodeInvalid && m.RetryAfterMS == 0 {
				id := p.Commands[i].Command.ID
				e := m.Error
				s.e.log.Warn("sync: server refused a command's frame", "command", string(id), "err", app.Describe(&e))
				if err := s.r.Ack(app.AckResult{Command: id, Status: app.AckRejected, Error: &e, At: s.e.opts.Now()}); err != nil {
					return false, endWith(app.AsError(err))
				}
				acked[id] = true
				return false, nil
			}
		}
		retry, err := s.refusal(f)
		if !retry {
			return false, err
		}
	}
}

// commandIndex reads N from an error's field "body.commands[N]…".
func commandIndex(field string) (int, bool) {
	rest, ok := strings.CutPrefix(field, "body.commands[")
	if !ok {
		return 0, false
	}
	n, _, ok := strings.Cut(rest, "]")
	if !ok {
		return 0, false
	}
	i, err := strconv.Atoi(n)
	return i, err == nil && i >= 0
}

// applyBatch is how many pulled records the client gathers before it
// applies them in one transaction. A changes frame carries only as many
// records as fit 64 KiB (some 25 cases of 2 KB), and a transaction per
// frame would make a first sync of 10,000 cases 400 commits; gathering up
// to a full page's worth makes it 20.
const applyBatch = wire.MaxRecordsPerPage

// pullAll pulls from the replica's cursor until has_more is false. A
// replica at the zero cursor or in another epoch takes a snapshot from
// the zero cursor of the server's epoch, the first page marked Snapshot.
// A page of another epoch than asked returns errNewEpoch.
//
// Consecutive pages are gathered into one (the first's Snapshot, the
// last's cursor and has_more) and applied together once applyBatch records
// are in, at the end, or before a page that repeats a gathered record; the
// next pull is sent before a gathered batch is applied, so the server and
// the connection work meanwhile. The replica's cursor only moves with the
// data: a session that ends with pages gathered pulls them again.
func (s *sess) pullAll() error {
	cur, err := s.r.Cursor()
	if err != nil {
		return endWith(app.AsError(err))
	}
	from, snapshot := cur, false
	if cur.IsZero() || cur.Epoch != s.epoch {
		from, snapshot = app.Cursor{Epoch: s.epoch}, true
	} else if !cur.Before(s.head) && !s.needPull {
		return nil // at the head already
	}
	s.needPull = false
	if snapshot {
		s.e.update(func(st *Status) { st.FirstSync = Progress{Active: true} })
	}
	active := snapshot || s.e.Status().FirstSync.Active
	b := pageBatch{ids: map[app.ID]bool{}}
	apply := func() error {
		n, moved, closed := len(b.page.Records), b.reassigned, b.closed
		if err := b.apply(s.r); err != nil {
			return endWith(app.AsError(err))
		}
		if moved+closed > 0 {
			s.e.update(func(st *Status) { st.Reassigned += moved; st.Closed += closed })
		}
		// Records applied: the session made progress (the backoff starts again).
		s.healthy = s.healthy || n > 0
		return nil
	}
	id, err := s.ask(&wire.Pull{Cursor: from, Limit: s.e.opts.PageLimit})
	if err != nil {
		return err
	}
	for first := true; ; {
		f, err := s.await(id)
		if err != nil {
			// The connection went: keep the pages that arrived whole, so a
			// link cut often still moves forward (resume, not restart).
			if aerr := apply(); aerr != nil {
				return aerr
			}
			return err
		}
		ch, ok := f.Body.(*wire.Changes)
		if !ok {
			if err := apply(); err != nil {
				return err
			}
			retry, err := s.refusal(f)
			if !retry {
				return err
			}
			if id, err = s.ask(&wire.Pull{Cursor: from, Limit: s.e.opts.PageLimit}); err != nil {
				return err
			}
			continue
		}
		if ch.Cursor.Epoch != from.Epoch {
			if err := apply(); err != nil {
				return err
			}
			s.epoch, s.head = ch.Cursor.Epoch, ch.Cursor
			return errNewEpoch
		}
		if ch.Cursor.Before(from) || ch.HasMore && ch.Cursor == from {
			return endWith(badAnswer(errors.New("changes without progress")))
		}
		page := ch.Page
		if first && snapshot {
			page.Snapshot = true
		}
		if b.repeats(page) {
			if err := apply(); err != nil {
				return err
			}
		}
		b.add(page)
		b.explain(ch.Scope)
		first = false
		if active {
			n, total := len(ch.Records), ch.Total
			s.e.update(func(st *Status) {
				st.FirstSync.Received += n
				if total > 0 {
					st.FirstSync.Total = total
				}
			})
		}
		from = ch.Cursor
		if s.head.Before(from) {
			s.head = from
		}
		if !ch.HasMore {
			break
		}
		if id, err = s.ask(&wire.Pull{Cursor: from, Limit: s.e.opts.PageLimit}); err != nil {
			if aerr := apply(); aerr != nil {
				return aerr
			}
			return err
		}
		if len(b.page.Records) >= applyBatch {
			if err := apply(); err != nil {
				return err
			}
		}
	}
	if err := apply(); err != nil {
		return err
	}
	if active {
		s.e.update(func(st *Status) { st.FirstSync = Progress{} })
	}
	return nil
}

// pageBatch gathers consecutive pages of one pull into one page.
type pageBatch struct {
	page app.Page
	have bool
	ids  map[app.ID]bool
	// What the gathered frames' scope deltas say left the scope.
	reassigned, closed int
}

// explain counts a frame's removals by the reason the server gave.
func (b *pageBatch) explain(d *wire.ScopeDelta) {
	if d == nil {
		return
	}
	for _, r := range d.Removed {
		switch r.Reason {
		case wire.ReasonReassigned:
			b.reassigned++
		case wire.ReasonClosed:
			b.closed++
		}
	}
}

// repeats reports whether p has a record the batch holds: the record
// moved in the log between two pulls, and the two must be applied in
// order (a removal and a return to scope in one page would purge the
// returned case).
func (b *pageBatch) repeats(p app.Page) bool {
	for _, r := range p.Records {
		if b.ids[r.ID] {
			return true
		}
	}
	return false
}

func (b *pageBatch) add(p app.Page) {
	for _, r := range p.Records {
		b.ids[r.ID] = true
	}
	if !b.have {
		b.page, b.have = p, true
		b.page.Records = append([]app.Record(nil), p.Records...)
		return
	}
	b.page.Records = append(b.page.Records, p.Records...)
	b.page.Cursor, b.page.HasMore = p.Cursor, p.HasMore
}

// apply applies the gathered page, if any, and empties the batch.
func (b *pageBatch) apply(r Replica) error {
	if !b.have {
		return nil
	}
	if err := r.ApplyPage(b.page); err != nil {
		return err
	}
	b.page, b.have = app.Page{}, false
	b.reassigned, b.closed = 0, 0
	clear(b.ids)
	return nil
}

// uploadAudit sends the audit records the server does not have yet and
// marks those it confirms. A refusal is logged and tried again at the
// next sync: it never holds up the commands.
func (s *sess) uploadAudit() error {
	dev := s.r.Device()
	after := s.e.auditFrom
	for round := 0; round < 1024; round++ {
		recs, err := s.r.Audit(after, wire.MaxAuditPerUpload)
		if err != nil {
			return endWith(app.AsError(err))
		}
		if len(recs) == 0 {
			return nil
		}
		var todo []app.AuditRecord
		for _, r := range recs {
			if r.Uploaded.IsZero() {
				todo = append(todo, r)
			} else if r.Seq == s.e.auditFrom+1 {
				s.e.auditFrom = r.Seq
			}
		}
		after = recs[len(recs)-1].Seq
		if len(todo) == 0 {
			continue
		}
		ups, err := wire.SplitAudit(dev, todo)
		if err != nil {
			s.e.log.Warn("sync: audit upload", "err", app.Describe(err))
			return nil
		}
		for _, u := range ups {
			f, err := s.request(u)
			if err != nil {
				return err
			}
			ack, ok := f.Body.(*wire.AuditAck)
			if !ok {
				if m, ok := f.Body.(*wire.Error); ok {
					s.e.log.Warn("sync: audit upload refused", "err", app.Describe(&m.Error))
					return nil
				}
				return endWith(badAnswer(errors.New("audit_upload answered with " + f.Body.Type())))
			}
			if ack.Through > 0 {
				if err := s.r.MarkUploaded(ack.Through, s.e.opts.Now()); err != nil {
					return endWith(app.AsError(err))
				}
				s.e.auditFrom = max(s.e.auditFrom, ack.Through)
			}
			if len(ack.Gaps) > 0 {
				s.e.log.Info("sync: audit gaps reported", "through", ack.Through, "gaps", len(ack.Gaps))
			}
		}
	}
	return nil
}

// live keeps the connection: a poke pulls, a kick pushes, and a ping goes
// out every PingPeriod without other traffic.
func (s *sess) live() error {
	ping := s.e.opts.After(wire.PingPeriod)
	s.sent = false
	for {
		if s.needPull || s.needPush {
			if err := s.sync(); err != nil {
				return err
			}
		}
		select {
		case f, ok := <-s.c.in:
			if !ok {
				return s.c.rerr
			}
			if err := s.unsolicited(f); err != nil {
				return err
			}
		case <-s.e.kick:
			s.needPush = true
		case <-s.e.retry:
			s.needPull = true
		case <-ping:
			if !s.sent {
				if err := s.send(s.e.nextID(), &wire.Ping{}); err != nil {
					return err
				}
			}
			s.sent = false
			ping = s.e.opts.After(wire.PingPeriod)
		case <-s.ctx.Done():
			return s.ctx.Err()
		}
	}
}
