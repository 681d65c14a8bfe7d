package server

import (
	"time"

	"feltsag.dk/feltsag/app"
)

// Pruned is what one Prune removed.
type Pruned struct {
	Applied  int // applied command ids older than app.AppliedRetention
	Sessions int // sessions that had expired
}

// Prune forgets the answers to command ids given more than
// app.AppliedRetention (60 days) ago and deletes expired sessions, in one
// ledger Update. A replay of a forgotten id is answered as a new command:
// 60 days is longer than a device may stay offline and still push (the
// offline grace period is 14 days).
func (s *Server) Prune() (Pruned, error) {
	now := s.now()
	var out Pruned
	err := s.ledger.Update(func(tx app.LedgerTx) error {
		var err error
		if out.Applied, err = tx.PruneApplied(now.Add(-app.AppliedRetention)); err != nil {
			return err
		}
		out.Sessions, err = tx.PruneSessions(now)
		return err
	})
	if err != nil {
		return Pruned{}, err
	}
	s.stats.prunes.Add(1)
	s.stats.prunedApplied.Add(int64(out.Applied))
	s.stats.prunedSessions.Add(int64(out.Sessions))
	return out, nil
}

// startPruner runs Prune every Options.PruneEvery (or on each of
// Options.PruneTicks) until Close.
func (s *Server) startPruner() {
	ticks := s.opts.PruneTicks
	var stop func()
	if ticks == nil {
		if s.opts.PruneEvery < 0 {
			return
		}
		t := time.NewTicker(s.opts.PruneEvery)
		ticks, stop = t.C, t.Stop
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if stop != nil {
			defer stop()
		}
		for {
			select {
			case <-s.done:
				return
			case _, ok := <-ticks:
				if !ok {
					return
				}
				p, err := s.Prune()
				if err != nil {
					s.stats.internalErrors.Add(1)
					s.log.Error("prune failed", "err", app.Describe(err))
					continue
				}
				if p.Applied > 0 || p.Sessions > 0 {
					s.log.Info("pruned", "applied", p.Applied, "sessions", p.Sessions)
				}
			}
		}
	}()
}
