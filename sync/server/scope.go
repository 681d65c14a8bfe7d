package server

import (
	"encoding/json"
	"slices"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/sync/wire"
)

// A company (app.RecordVirksomhed) is in more than one scope: its Owner
// is the responsible consultant (Virksomhed.Ansvarlig), and its Readers
// are the other accounts of the owner's team and the owners of the
// citizens' cases placed at the company whose placement has not ended
// (docs/protocol.md §4.3.4). The server computes the Readers on every write
// of a company, when a placed citizen's case changes owner (the meta
// index placedKey finds the companies) and when an account's team changes.

// placedKey names the Meta entry that lists the companies where a case
// has (or had) a placement: a JSON array of company ids, sorted. A case
// that changes owner moves the reader of these companies.
func placedKey(sag app.ID) string { return "placed/" + string(sag) }

// teams is the accounts by team, read once per ledger transaction (a
// frame of commands on many companies reads the accounts once: 1,000
// accounts take ~12 ms to read).
type teams struct {
	accounts map[app.ID]app.Account // nil until read
	members  map[app.ID][]app.ID    // caseworkers by team
}

func (t *teams) load(tx app.LedgerTx) error {
	if t.accounts != nil {
		return nil
	}
	all, err := tx.Accounts()
	if err != nil {
		return err
	}
	t.accounts, t.members = make(map[app.ID]app.Account, len(all)), map[app.ID][]app.ID{}
	for _, a := range all {
		t.accounts[a.ID] = a
		if a.Team != "" && a.Rolle == app.RoleCaseworker {
			t.members[a.Team] = append(t.members[a.Team], a.ID)
		}
	}
	return nil
}

// companyReaders returns the Readers of company v owned by owner on day
// today: the other caseworkers of the owner's team, and the owners of the
// cases with a placement at v that has not ended (sorted, no duplicates,
// never owner). A company in nobody's scope has only the placement
// readers.
func companyReaders(tx app.LedgerTx, t *teams, v *app.Virksomhed, owner app.ID, today app.Date) ([]app.ID, error) {
	var out []app.ID
	if owner != "" {
		if err := t.load(tx); err != nil {
			return nil, err
		}
		if acc, ok := t.accounts[owner]; ok && acc.Team != "" {
			for _, id := range t.members[acc.Team] {
				if id != owner {
					out = append(out, id)
				}
			}
		}
	}
	for _, p := range v.Placeringer {
		if !p.Periode.Slut.IsZero() && p.Periode.Slut.Before(today) {
			continue // ended
		}
		rec, err := tx.Record(app.RecordSag, p.Sag)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if rec.Owner != "" && rec.Owner != owner {
			out = append(out, rec.Owner)
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// indexPlaced adds v's id to the placed index of every case placed at v.
func indexPlaced(tx app.LedgerTx, v *app.Virksomhed) error {
	seen := map[app.ID]bool{}
	for _, p := range v.Placeringer {
		if seen[p.Sag] {
			continue
		}
		seen[p.Sag] = true
		ids, err := placedAt(tx, p.Sag)
		if err != nil {
			return err
		}
		if slices.Contains(ids, v.ID) {
			continue
		}
		ids = append(ids, v.ID)
		slices.Sort(ids)
		data, err := json.Marshal(ids)
		if err != nil {
			return app.Internal(err)
		}
		if err := tx.PutMeta(placedKey(p.Sag), data); err != nil {
			return err
		}
	}
	return nil
}

// placedAt returns the companies where case sag has (or had) a placement.
func placedAt(tx app.LedgerTx, sag app.ID) ([]app.ID, error) {
	b, err := tx.Meta(placedKey(sag))
	if isNotFound(err) || err == nil && len(b) == 0 {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var ids []app.ID
	if err := json.Unmarshal(b, &ids); err != nil {
		return nil, app.Internal(err)
	}
	return ids, nil
}

// putCompany stores company v owned by owner at version v.Version with
// its Readers computed as of today, indexes its placements, and returns
// the record written and the readers it had before (nil for a new
// company).
func putCompany(tx app.LedgerTx, t *teams, v *app.Virksomhed, owner app.ID, today app.Date) (app.LedgerRecord, []app.ID, error) {
	var before []app.ID
	if old, err := tx.Record(app.RecordVirksomhed, v.ID); err == nil {
		before = old.Readers
	} else if !isNotFound(err) {
		return app.LedgerRecord{}, nil, err
	}
	readers, err := companyReaders(tx, t, v, owner, today)
	if err != nil {
		return app.LedgerRecord{}, nil, err
	}
	data, err := json.Marshal(v)
	if err != nil {
		return app.LedgerRecord{}, nil, app.Internal(err)
	}
	rec := app.LedgerRecord{Kind: app.RecordVirksomhed, ID: v.ID, Version: v.Version, Owner: owner, Readers: readers, Data: data}
	if rec.Seq, err = tx.PutRecord(rec); err != nil {
		return app.LedgerRecord{}, nil, err
	}
	return rec, before, indexPlaced(tx, v)
}

// ImportCompany seeds a company (demo data, a migration) into owner's
// scope at version 1, or stores a new state of an existing company at its
// next version; its Readers are computed (the owner's team, the owners of
// the cases placed there). An empty Ansvarlig becomes owner. Errors:
// invalid for a company without a valid id.
func (s *Server) ImportCompany(v *app.Virksomhed, owner app.ID) error {
	if v == nil || v.ID.Validate() != nil {
		return app.Errorf(app.CodeInvalid, "", "invalid.sync.company").WithField("id")
	}
	var head app.Cursor
	var poke []app.ID
	err := s.ledger.Update(func(tx app.LedgerTx) error {
		poke = []app.ID{owner}
		c := v.Clone()
		c.Version = 1
		if rec, err := tx.Record(app.RecordVirksomhed, c.ID); err == nil {
			c.Version = rec.Version + 1
			if rec.Owner != owner {
				poke = append(poke, rec.Owner)
			}
		} else if !isNotFound(err) {
			return err
		}
		if c.Ansvarlig == "" {
			c.Ansvarlig = owner
		}
		rec, before, err := putCompany(tx, &teams{}, c, owner, app.DateOf(s.now()))
		if err != nil {
			return err
		}
		poke = append(append(poke, before...), rec.Readers...)
		head, err = tx.Head()
		return err
	})
	if err != nil {
		return err
	}
	s.pokeOwners(nil, head, nonEmpty(poke)...)
	return nil
}

// nonEmpty returns ids without "" and duplicates.
func nonEmpty(ids []app.ID) []app.ID {
	out := slices.DeleteFunc(slices.Clone(ids), func(id app.ID) bool { return id == "" })
	slices.Sort(out)
	return slices.Compact(out)
}

func decodeVirksomhed(rec app.LedgerRecord) (*app.Virksomhed, error) {
	var v app.Virksomhed
	if err := json.Unmarshal(rec.Data, &v); err != nil {
		return nil, app.Internal(err)
	}
	v.Version = rec.Version
	return &v, nil
}

// refreshCompanies computes the Readers of the companies ids again (a
// placed citizen's case changed owner, an account's team changed) and
// stores each whose Readers changed at its next version. It returns the
// accounts whose scope changed: the readers before and after.
func refreshCompanies(tx app.LedgerTx, ids []app.ID, today app.Date) ([]app.ID, error) {
	var touched []app.ID
	t := &teams{}
	for _, id := range ids {
		rec, err := tx.Record(app.RecordVirksomhed, id)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		v, err := decodeVirksomhed(rec)
		if err != nil {
			return nil, err
		}
		readers, err := companyReaders(tx, t, v, rec.Owner, today)
		if err != nil {
			return nil, err
		}
		if slices.Equal(readers, rec.Readers) {
			continue
		}
		v.Version = rec.Version + 1
		put, before, err := putCompany(tx, t, v, rec.Owner, today)
		if err != nil {
			return nil, err
		}
		touched = append(append(touched, before...), put.Readers...)
	}
	return touched, nil
}

// AssignCompany makes owner the company's responsible consultant ("" =
// nobody's): the record is stored again with the new owner and Readers
// at the next version (the previous owner's scope gets a removal, and
// its pending commands made before are still taken, as for a case), the
// company's open conflicts are routed to the new owner, and everyone
// whose scope changed is poked. Errors: not_found for an unknown company
// or owner.
func (s *Server) AssignCompany(id, owner app.ID) error {
	var prev app.ID
	var head app.Cursor
	var moved []app.Conflict
	var poke []app.ID
	err := s.ledger.Update(func(tx app.LedgerTx) error {
		head, moved, poke = app.Cursor{}, nil, nil
		rec, err := tx.Record(app.RecordVirksomhed, id)
		if err != nil {
			return err
		}
		if owner != "" {
			if _, err := tx.Account(owner); err != nil {
				return err
			}
		}
		prev = rec.Owner
		if prev == owner {
			return nil
		}
		v, err := decodeVirksomhed(rec)
		if err != nil {
			return err
		}
		v.Version, v.Ansvarlig = rec.Version+1, owner
		put, before, err := putCompany(tx, &teams{}, v, owner, app.DateOf(s.now()))
		if err != nil {
			return err
		}
		poke = append(append([]app.ID{prev, owner}, before...), put.Readers...)
		if prev != "" {
			h, err := tx.Head()
			if err != nil {
				return err
			}
			key := handoverKey(recordMetaID(app.RecordVirksomhed, id), prev)
			if err := tx.PutMeta(key, handoverValue(v.Version, app.Cursor{Epoch: h.Epoch, Seq: put.Seq})); err != nil {
				return err
			}
		}
		if moved, err = routeConflicts(tx, app.RecordVirksomhed, id, owner); err != nil {
			return err
		}
		head, err = tx.Head()
		return err
	})
	if err != nil {
		return err
	}
	for _, k := range moved {
		s.notify(nil, owner, &wire.ConflictNotice{Conflict: k})
	}
	if !head.IsZero() {
		s.pokeOwners(nil, head, nonEmpty(poke)...)
	}
	return nil
}

// routeConflicts routes the open conflicts on a record to owner (a
// conflict is the record owner's to decide: it follows the record) and
// returns those it moved.
func routeConflicts(tx app.LedgerTx, kind string, id, owner app.ID) ([]app.Conflict, error) {
	open, err := tx.Conflicts("")
	if err != nil {
		return nil, err
	}
	var moved []app.Conflict
	for _, k := range open {
		if k.Sag != id || k.RecordKind() != kind || k.Owner == owner {
			continue
		}
		k.Owner = owner
		if err := tx.PutConflict(k); err != nil {
			return nil, err
		}
		moved = append(moved, k)
	}
	return moved, nil
}

// SetTeam puts an account in a team ("" = none). Consultants of one team
// share its companies: the Readers of every company owned by the account
// or by a member of its old or new team are computed again, and everyone
// whose scope changed is poked. The account's sessions stay valid.
// Errors: not_found for an unknown account, invalid for a malformed team.
func (s *Server) SetTeam(account, team app.ID) error {
	if team != "" {
		if err := team.Validate(); err != nil {
			return app.AsError(err).WithField("team")
		}
	}
	var head app.Cursor
	var poke []app.ID
	err := s.ledger.Update(func(tx app.LedgerTx) error {
		head, poke = app.Cursor{}, nil
		a, err := tx.Account(account)
		if err != nil {
			return err
		}
		old := a.Team
		if old == team {
			return nil
		}
		a.Team = team
		if err := tx.PutAccount(a); err != nil {
			return err
		}
		all, err := tx.Accounts()
		if err != nil {
			return err
		}
		var ids, left []app.ID
		for _, m := range all {
			if m.ID != account && (m.Team == "" || m.Team != old && m.Team != team) {
				continue
			}
			own, err := tx.Scope(m.ID, app.RecordVirksomhed)
			if err != nil {
				return err
			}
			ids = append(ids, own...)
			if m.ID != account && m.Team == old {
				left = append(left, own...) // the account wrote these as a team member
			}
		}
		slices.Sort(ids)
		poke, err = refreshCompanies(tx, slices.Compact(ids), app.DateOf(s.now()))
		if err != nil || len(poke) == 0 {
			return err
		}
		if err := teamHandover(tx, account, left); err != nil {
			return err
		}
		head, err = tx.Head()
		return err
	})
	if err != nil {
		return err
	}
	if !head.IsZero() {
		s.pokeOwners(nil, head, nonEmpty(poke)...)
	}
	return nil
}

// teamHandover keeps, for an account that left a team, the handover of
// each company of the team it could write (ids) and is no longer a
// reader of: its pending commands made before are still taken, as a
// previous owner's (madeBeforeHandover).
func teamHandover(tx app.LedgerTx, account app.ID, ids []app.ID) error {
	if len(ids) == 0 {
		return nil
	}
	h, err := tx.Head()
	if err != nil {
		return err
	}
	for _, id := range ids {
		rec, err := tx.Record(app.RecordVirksomhed, id)
		if err != nil {
			return err
		}
		ok, err := mayWrite(tx, rec, account)
		if err != nil || ok || slices.Contains(rec.Readers, account) {
			if err != nil {
				return err
			}
			continue
		}
		key := handoverKey(recordMetaID(app.RecordVirksomhed, id), account)
		if err := tx.PutMeta(key, handoverValue(rec.Version, app.Cursor{Epoch: h.Epoch, Seq: rec.Seq})); err != nil {
			return err
		}
	}
	return nil
}
