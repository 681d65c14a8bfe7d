package store

import (
	"errors"

	"feltsag.dk/feltsag/app"
)

// SearchCandidates is the audit kind of a candidates search: which
// citizens of the caseload were ranked for an opening or a place.
const SearchCandidates = "kandidater"

// profiles returns the candidates profiles of the cases in scope (not
// those leaving it), and the ids whose stored line has none yet (a line
// written before profiles were kept).
func (x *caseIndex) profiles() (have []app.KandidatProfil, missing []app.ID) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	have = make([]app.KandidatProfil, 0, len(x.cases))
	for id, e := range x.cases {
		switch {
		case x.leaving[id]:
		case e.sum.Profil == nil:
			missing = append(missing, id)
		default:
			have = append(have, *e.sum.Profil)
		}
	}
	return have, missing
}

// setProfile keeps a profile computed for a line that had none.
func (x *caseIndex) setProfile(p app.KandidatProfil) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if e, ok := x.cases[p.Sag]; ok && e.sum.Profil == nil {
		e.sum.Profil = &p
		x.cases[p.Sag] = e
	}
}

// Candidates ranks the citizens of this caseworker's own caseload (not
// the cases leaving scope) who fit the job opening or place target of
// company, with rules (the rules in force) as of today, best first, and
// logs the search with the ids it returns in the same transaction. The
// placements of every company on this device count: a citizen placed on
// the start day is no candidate.
//
// Errors: not_found (RuleCompanyUnknown; no opening or place target at
// the company); unauthorized (RuleNotOpen); internal.
func (db *DB) Candidates(company, target app.ID, actor app.Actor, rules *app.Rules, today app.Date) ([]app.Kandidat, error) {
	if rules == nil {
		return nil, app.Internal(errors.New("store: candidates without rules"))
	}
	idx, err := db.index()
	if err != nil {
		return nil, err
	}
	var out []app.Kandidat
	err = db.update(func(t txn) error {
		v, err := t.companyView(company)
		if err != nil {
			return err
		}
		if v == nil {
			return errCompanyUnknown()
		}
		q := app.KandidatSoegning{Sektor: v.Sektor, Tidligst: today}
		for i := range v.Jobordrer {
			if v.Jobordrer[i].ID == target {
				q.Jobordre = &v.Jobordrer[i]
			}
		}
		if i := v.FindPlads(target); i >= 0 && q.Jobordre == nil {
			q.Plads = &v.Pladser[i]
		}
		if q.Jobordre == nil && q.Plads == nil {
			return app.Errorf(app.CodeNotFound, "", "not_found.plads").WithField("target")
		}
		q.Placeringer = idx.placements()
		profiles, missing := idx.profiles()
		for _, id := range missing {
			s, err := t.view(id)
			if err != nil {
				return err
			}
			if s == nil {
				continue
			}
			p := app.KandidatProfilOf(s)
			idx.setProfile(p)
			profiles = append(profiles, p)
		}
		if out, err = rules.Kandidater(q, profiles); err != nil {
			return err
		}
		ids := make([]app.ID, len(out))
		for i, k := range out {
			ids[i] = k.Sag
		}
		return t.appendAudit(searchRecord(db.now(), actor, SearchCandidates, ids))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// placements returns the placements of every company on the device, from
// the company list's lines.
func (x *caseIndex) placements() []app.Placering {
	x.mu.RLock()
	defer x.mu.RUnlock()
	var out []app.Placering
	for _, e := range x.companies {
		out = append(out, e.sum.Placeringer...)
	}
	return out
}
