package client

import (
	"errors"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/sync/wire"
)

// This file sends a person's decisions on conflicts (docs/protocol.md
// §4.9, §8): the replica keeps each decision with its conflict until the
// server's resolved, and the engine sends it in the outbox's order — after
// the commands saved before it was made, before those saved after it.

// pushAndResolve pushes the outbox and sends the recorded decisions, each
// at its place among the commands, until both are done.
func (s *sess) pushAndResolve() error {
	for range maxResolveRounds {
		decs, err := s.r.Resolutions()
		if err != nil {
			return endWith(app.AsError(err))
		}
		if len(decs) == 0 {
			return s.pushAll()
		}
		d := decs[0]
		if err := s.pushBelow(d.Seq); err != nil {
			return err
		}
		if err := s.resolveOne(d); err != nil {
			return err
		}
	}
	return endWith(app.Internal(errors.New("the replica kept an answered decision")))
}

// maxResolveRounds bounds pushAndResolve: every round closes a decision,
// so more rounds than this in one sync means the replica did not.
const maxResolveRounds = 1 << 16

// resolveOne sends one decision and applies its answer. A conflict the
// server no longer has (not_found: decided on another device, or this
// device's earlier send was answered on a connection that dropped) is
// closed here as well; the pull that follows brings the case as the
// server has it.
func (s *sess) resolveOne(d app.Resolution) error {
	for {
		f, err := s.request(&wire.Resolve{Conflict: d.Conflict, Decision: d.Decision, Note: d.Note})
		if err != nil {
			return err
		}
		switch m := f.Body.(type) {
		case *wire.Resolved:
			if m.Conflict != d.Conflict {
				return endWith(badAnswer(errors.New("resolved answers another conflict")))
			}
			return s.closed(m)
		case *wire.Error:
			if m.Code == app.CodeNotFound && m.RetryAfterMS == 0 {
				s.e.log.Info("sync: conflict already closed on the server", "conflict", string(d.Conflict))
				return s.closed(&wire.Resolved{Conflict: d.Conflict, Decision: d.Decision})
			}
		}
		retry, err := s.refusal(f)
		if !retry {
			return err
		}
	}
}

// closed applies a resolved (the answer to this device's resolve, or a
// notice that another device of the caseworker resolved one): the
// conflict and its decision leave the replica, and the case is pulled
// again (a "mine" changed it on the server).
func (s *sess) closed(m *wire.Resolved) error {
	if err := s.r.CloseConflict(m.Conflict, m.Error); err != nil {
		return endWith(app.AsError(err))
	}
	s.e.log.Info("sync: conflict resolved", "conflict", string(m.Conflict), "decision", m.Decision, "refused", m.Error != nil)
	s.needPull, s.healthy = true, true
	return nil
}

// withDecisions adds the decisions waiting to be sent to a pending count
// and its oldest time: for the caseworker a decision is a change not yet
// sent like a command.
func (e *Engine) withDecisions(n int, oldest time.Time) (int, time.Time) {
	decs, err := e.opts.Replica.Resolutions()
	if err != nil {
		e.log.Warn("sync: read decisions", "err", app.Describe(err))
		return n, oldest
	}
	for _, d := range decs {
		if oldest.IsZero() || d.At.Before(oldest) {
			oldest = d.At
		}
	}
	return n + len(decs), oldest
}

// savedBefore returns the commands of pend (in outbox order) saved before
// the outbox position bound.
func savedBefore(pend []app.PendingCommand, bound uint64) []app.PendingCommand {
	for i, p := range pend {
		if p.Seq >= bound {
			return pend[:i]
		}
	}
	return pend
}
