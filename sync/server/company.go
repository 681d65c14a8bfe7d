package server

import (
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/sync/wire"
)

// decideCompany authorises, runs and merges a new company command
// (record kind app.RecordVirksomhed; Command.Sag holds the company's id).
// The company's owner and the accounts of the owner's team may write it;
// a reader by placement, anybody else, and an unknown company get
// not_assigned (existence is not told). opret_virksomhed on an unknown id
// creates the company in the pusher's scope. henvis and placer name a
// citizen's case: the pusher must own it (not_assigned otherwise). The
// follow-up case commands of a henvis or placer (VResult.Foelger) are not
// applied here: the client pushes them as case commands of their own.
func (s *Server) decideCompany(b *batch, p principal, pc wire.PushCommand, cmd app.Command, now time.Time, out *pushOutcome) (app.AckResult, error) {
	vc, _ := cmd.Virksomhed()
	e, err := b.get(app.RecordVirksomhed, cmd.Sag)
	if err != nil {
		return app.AckResult{}, err
	}
	_, opret := vc.Body.(*app.OpretVirksomhed)
	handover := false
	switch {
	case e == nil && !opret:
		return rejected(errNotAssigned()), nil
	case e != nil:
		ok, err := mayWrite(b.tx, e.rec, p.account)
		if err != nil {
			return app.AckResult{}, err
		}
		if !ok {
			if ok, err = madeBeforeHandover(b.tx, recordMetaID(app.RecordVirksomhed, cmd.Sag), p, pc.Base, now); err != nil {
				return app.AckResult{}, err
			}
			if !ok {
				return rejected(errNotAssigned()), nil
			}
			handover = true
		}
	}

	hlc, refusal, err := clampHLC(pc, p, now, out)
	if refusal != nil || err != nil {
		return rejected(refusal), err
	}
	var cur *app.Virksomhed
	if e != nil {
		cur = e.v
	}
	sag, ok, err := citizenOf(b, p, cur, vc.Body)
	if err != nil {
		return app.AckResult{}, err
	}
	if !ok {
		return rejected(errNotAssigned()), nil
	}
	res, err := s.engine.ExecuteVirksomhed(cur, vc, sag)
	if err != nil {
		e := app.AsError(err)
		if e.Code == app.CodeInternal {
			return app.AckResult{}, e
		}
		return rejected(e), nil // the domain refuses it on the server's state; later commands go on
	}
	if e == nil {
		e = b.create(cmd.Sag, p.account) // opret_virksomhed: the pusher is responsible
	}
	author := app.ConflictSide{Command: cmd.ID, Author: cmd.Actor, Device: p.device, HLC: hlc, At: cmd.At}
	return s.merge(b, e, p, pc, cmd, res.Changes, author, handover, now, out, nil, res)
}

// mayWrite reports whether account may push commands on company rec: its
// owner, or an account of the owner's team (a non-empty Account.Team).
func mayWrite(tx app.LedgerTx, rec app.LedgerRecord, account app.ID) (bool, error) {
	if rec.Owner == "" {
		return false, nil
	}
	if rec.Owner == account {
		return true, nil
	}
	me, err := tx.Account(account)
	if err != nil {
		return false, err
	}
	if me.Team == "" {
		return false, nil
	}
	owner, err := tx.Account(rec.Owner)
	if isNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return owner.Team == me.Team, nil
}

// citizenOf loads the citizen's case a company command is about: henvis
// and placer name it, and the pusher must own it (ok false otherwise);
// registrer_henvisningsudfald gets the referral's case when the pusher
// owns it (the engine then tells the a-kasse's part), and runs without it
// otherwise. Other commands need none.
func citizenOf(b *batch, p principal, cur *app.Virksomhed, body app.VBody) (*app.Sag, bool, error) {
	var id app.ID
	required := true
	switch x := body.(type) {
	case *app.Henvis:
		id = x.Sag
	case *app.Placer:
		id = x.Sag
	case *app.RegistrerHenvisningsudfald:
		required = false
		if cur != nil {
			for _, h := range cur.Henvisninger {
				if h.ID == x.HenvisningID {
					id = h.Sag
				}
			}
		}
	default:
		return nil, true, nil
	}
	if id == "" || id.Validate() != nil {
		return nil, !required, nil
	}
	e, err := b.get(app.RecordSag, id)
	if err != nil {
		return nil, false, err
	}
	if e == nil || e.rec.Owner != p.account {
		return nil, !required, nil
	}
	return e.sag, true, nil
}
