package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"feltsag.dk/feltsag/app"
)

// This file keeps the field kit's companies (issue 11) as the replica keeps
// cases: the server-confirmed state of each company in scope (bCompanies),
// the local view = confirmed + this device's pending company commands
// (bCompanyView), the commands in the same outbox as the cases' (an
// app.Command whose RecordKind is app.RecordVirksomhed, Sag = the company's
// id), and an audit record for every view, search and change. A company
// created on this device (opret_virksomhed) has a view and no confirmed
// state until the server's record arrives.

// CompanyExecutor runs a company's command against the local state of the
// company (nil for opret_virksomhed) and, for a command about a citizen
// (henvis, placer, registrer_henvisningsudfald), that citizen's case.
// *app.Engine satisfies it; Options.Engine must, for the company calls.
type CompanyExecutor interface {
	ExecuteVirksomhed(v *app.Virksomhed, c app.VCommand, sag *app.Sag) (*app.VResult, error)
}

var _ CompanyExecutor = (*app.Engine)(nil)

var errNoCompanyEngine = errors.New("store: Options.Engine does not run company commands")

// sameAsConfirmed is the company view's value when the view is the
// confirmed state (nothing pending changed it): the company is then
// stored once. A JSON object never starts with it.
var sameAsConfirmed = []byte{'='}

// Search kinds of a company search, recorded instead of the query.
const (
	SearchCompanyCVR  = "virksomhed_cvr"   // a full, valid CVR number
	SearchCompanyText = "virksomhed_tekst" // name, CVR digits or address words
)

func (db *DB) companyEngine() CompanyExecutor {
	ce, _ := db.opts.Engine.(CompanyExecutor)
	return ce
}

func decodeVirksomhed(b []byte) (*app.Virksomhed, error) {
	var v app.Virksomhed
	if err := unmarshal(b, &v); err != nil {
		return nil, err
	}
	if v.ID.Validate() != nil {
		return nil, fmt.Errorf("%w: company without a valid id", errRecord)
	}
	return &v, nil
}

// isCompany reports whether id is a company on the device (it has a view,
// or at least a confirmed state).
func (t txn) isCompany(id app.ID) bool {
	return t.has(bCompanyView, []byte(id)) || t.has(bCompanies, []byte(id))
}

// companyConfirmed returns the confirmed state of a company, or nil.
func (t txn) companyConfirmed(id app.ID) (*app.Virksomhed, error) {
	plain, err := t.get(bCompanies, []byte(id))
	if err != nil || plain == nil {
		return nil, err
	}
	v, err := decodeVirksomhed(plain)
	if err != nil {
		return nil, errCorrupt(err)
	}
	return v, nil
}

// companyView returns the local view of a company, or nil when the company
// is not on the device.
func (t txn) companyView(id app.ID) (*app.Virksomhed, error) {
	plain, err := t.get(bCompanyView, []byte(id))
	if err != nil || plain == nil {
		return nil, err
	}
	if string(plain) == string(sameAsConfirmed) {
		v, err := t.companyConfirmed(id)
		if err == nil && v == nil {
			err = errCorrupt(fmt.Errorf("%w: view of company %s refers to a missing confirmed state", errRecord, id))
		}
		return v, err
	}
	v, err := decodeVirksomhed(plain)
	if err != nil {
		return nil, errCorrupt(err)
	}
	if v.ID != id {
		return nil, errCorrupt(fmt.Errorf("%w: company view key and id differ", errRecord))
	}
	return v, nil
}

// companyLine is the part of a company its list line is computed from:
// Unlock decodes only this (the free text of the contact log, openings and
// contacts is skipped, not allocated).
type companyLine struct {
	ID          app.ID      `json:"id"`
	Version     int64       `json:"version"`
	Ansvarlig   app.ID      `json:"ansvarlig"`
	CVR         app.CVR     `json:"cvr"`
	Navn        string      `json:"navn"`
	Adresse     app.Adresse `json:"adresse"`
	Branchekode string      `json:"branchekode"`
	Jobordrer   []struct {
		Status string `json:"status"`
	} `json:"jobordrer"`
	Pladser []struct {
		Antal   int        `json:"antal"`
		Periode app.Period `json:"periode"`
	} `json:"pladser"`
	Placeringer []app.Placering `json:"placeringer"` // whole: the candidates search reads them
	KontaktLog  []struct {
		Dato        app.Date `json:"dato"`
		Opfoelgning app.Date `json:"opfoelgning"`
	} `json:"kontaktlog"`
}

// summary returns the list line on day on, through app.VirksomhedSummaryOf
// so the two can never differ.
func (l *companyLine) summary(on app.Date) app.VirksomhedSummary {
	v := &app.Virksomhed{ID: l.ID, Version: l.Version, Ansvarlig: l.Ansvarlig, CVR: l.CVR, Navn: l.Navn, Adresse: l.Adresse, Branchekode: l.Branchekode}
	for _, j := range l.Jobordrer {
		v.Jobordrer = append(v.Jobordrer, app.Jobordre{Status: j.Status})
	}
	for _, p := range l.Pladser {
		v.Pladser = append(v.Pladser, app.Plads{Antal: p.Antal, Periode: p.Periode})
	}
	v.Placeringer = l.Placeringer
	for _, k := range l.KontaktLog {
		v.KontaktLog = append(v.KontaktLog, app.Virksomhedskontakt{Dato: k.Dato, Opfoelgning: k.Opfoelgning})
	}
	return app.VirksomhedSummaryOf(v, on)
}

// companyLineOf reads the list line of the company whose view is plain
// (bCompanyView's value under key id).
func (t txn) companyLineOf(id app.ID, plain []byte, on app.Date) (app.VirksomhedSummary, error) {
	if string(plain) == string(sameAsConfirmed) {
		var err error
		if plain, err = t.get(bCompanies, []byte(id)); err != nil {
			return app.VirksomhedSummary{}, err
		}
		if plain == nil {
			return app.VirksomhedSummary{}, fmt.Errorf("%w: view of company %s refers to a missing confirmed state", errRecord, id)
		}
	}
	var l companyLine
	if err := unmarshal(plain, &l); err != nil {
		return app.VirksomhedSummary{}, err
	}
	if l.ID != id {
		return app.VirksomhedSummary{}, fmt.Errorf("%w: company view key and id differ", errRecord)
	}
	return l.summary(on), nil
}

// putCompanyView stores the local view of company id: v, or the confirmed
// state when v is nil.
func (t txn) putCompanyView(id app.ID, v *app.Virksomhed) error {
	if v == nil {
		return t.put(bCompanyView, []byte(id), sameAsConfirmed)
	}
	return t.putJSON(bCompanyView, []byte(id), v)
}

// applyCompany stores a pulled company record as the confirmed state when
// it is newer than what the replica has, and reports whether it did.
func (t txn) applyCompany(r app.Record) (bool, error) {
	v, err := decodeVirksomhed(r.Data)
	if err != nil {
		return false, app.Errorf(app.CodeInvalid, "", "store.record_unreadable").Wrap(err).WithField("data")
	}
	if v.ID != r.ID {
		return false, app.Errorf(app.CodeInvalid, "", "store.record_id").WithField("data.id")
	}
	raw := []byte(r.Data)
	if v.Version != r.Version {
		v.Version, raw = r.Version, nil
	}
	old, err := t.companyConfirmed(r.ID)
	if err != nil {
		return false, err
	}
	if old != nil && old.Version >= r.Version {
		return false, nil
	}
	if t.has(bLeaving, []byte(r.ID)) { // back in scope
		if err := t.del(bLeaving, []byte(r.ID)); err != nil {
			return false, err
		}
		t.markLeaving(r.ID, false)
	}
	if raw == nil {
		if raw, err = json.Marshal(v); err != nil {
			return false, app.AsError(err)
		}
	}
	return true, t.put(bCompanies, []byte(r.ID), raw)
}

// citizenOf returns the citizen's case a company command is about: the
// body's case for henvis and placer, the referral's case for its outcome;
// "" for the others.
func citizenOf(v *app.Virksomhed, c app.VCommand) app.ID {
	switch b := c.Body.(type) {
	case *app.Henvis:
		return b.Sag
	case *app.Placer:
		return b.Sag
	case *app.RegistrerHenvisningsudfald:
		if v != nil {
			for _, h := range v.Henvisninger {
				if h.ID == b.HenvisningID {
					return h.Sag
				}
			}
		}
	}
	return ""
}

// citizen returns the local view of the case a company command is about,
// or nil (none, or not on this device: the engine then refuses a command
// that needs it).
func (t txn) citizen(v *app.Virksomhed, c app.VCommand) (*app.Sag, error) {
	id := citizenOf(v, c)
	if id == "" || id.Validate() != nil {
		return nil, nil
	}
	return t.viewOrNil(id)
}

// companiesCiting returns the companies with a pending henvis or placer
// about one of cases: a new state of the citizen's case can make such a
// command apply or fail, so the company is rebased with the case.
func companiesCiting(t txn, cases map[app.ID]bool) (map[app.ID]bool, error) {
	out := map[app.ID]bool{}
	err := eachOutbox(t, func(e *app.PendingCommand) error {
		if vc, ok := e.Command.Virksomhed(); ok {
			if id := citizenOf(nil, vc); id != "" && cases[id] {
				out[vc.Virksomhed] = true
			}
		}
		return nil
	})
	return out, err
}

// companyRebased is the outcome of rebasing one company, applied to the
// in-memory index after the commit; sum is nil when the company has no
// local state any more (created here, and its creation was refused).
type companyRebased struct {
	id     app.ID
	sum    *app.VirksomhedSummary
	counts counts
}

func (db *DB) applyCompanyRebased(rs []companyRebased) {
	for _, r := range rs {
		if r.sum == nil {
			db.idx.dropCompany(r.id)
		} else {
			db.idx.putCompany(*r.sum)
		}
		db.idx.setCounts(r.id, r.counts)
	}
}

// rebaseCompany recomputes a company's view: its confirmed state with
// each of its pending commands re-run in outbox order. A command that no
// longer applies stays in the outbox marked app.StatusRejected (the server
// decides); one that applies again is pending again.
func (t txn) rebaseCompany(ce CompanyExecutor, id app.ID, entries []*app.PendingCommand, today app.Date) (companyRebased, error) {
	conf, err := t.companyConfirmed(id)
	if err != nil {
		return companyRebased{}, err
	}
	if len(entries) > 0 && ce == nil {
		return companyRebased{}, app.Internal(errNoCompanyEngine)
	}
	out := companyRebased{id: id}
	v := conf
	for _, e := range entries {
		out.counts.pending++
		vc, ok := e.Command.Virksomhed()
		if !ok {
			continue // a case's command filed under a company's id: left to the server
		}
		var verr *app.Error
		sag, err := t.citizen(v, vc)
		if err != nil {
			return companyRebased{}, err
		}
		switch r, err := ce.ExecuteVirksomhed(v, vc, sag); {
		case err != nil:
			verr = app.AsError(err)
		case r == nil || r.Virksomhed == nil:
			verr = app.Internal(fmt.Errorf("engine returned no company for %s", vc.ID))
		default:
			v = r.Virksomhed
		}
		if verr != nil {
			out.counts.rejected++
		}
		if err := t.markEntry(e, verr); err != nil {
			return companyRebased{}, err
		}
	}
	switch {
	case v == nil:
		return out, t.del(bCompanyView, []byte(id))
	case v == conf:
		err = t.putCompanyView(id, nil)
	default:
		err = t.putCompanyView(id, v)
	}
	sum := app.VirksomhedSummaryOf(v, today)
	out.sum = &sum
	return out, err
}

// rebaseCompanies rebases each company in ids once, reading the outbox once.
func (t txn) rebaseCompanies(ce CompanyExecutor, ids map[app.ID]bool, today app.Date) ([]companyRebased, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	pend, err := pendingByCase(t, ids)
	if err != nil {
		return nil, err
	}
	out := make([]companyRebased, 0, len(ids))
	for _, id := range slices.Sorted(maps.Keys(ids)) {
		r, err := t.rebaseCompany(ce, id, pend[id], today)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// CommitVirksomhed runs a company command against the company's local
// view (and, for henvis, placer and a referral's outcome, the citizen's
// local case) and, in ONE bbolt transaction, writes the company's new
// view, queues cmd.Command() in the outbox with the company's base
// versions, appends the "changed" audit record, and commits each of the
// result's follow-up commands (VResult.Foelger) on its citizen's case as
// an ordinary case command (Commit), right after it in the outbox. When
// the engine refuses the command or any follow-up, nothing is written.
// opret_virksomhed creates the company on this device.
//
// Errors: the engine's own (invalid, unauthorized, not_found, conflict,
// rule:<id>) of the company command or a follow-up; conflict
// (RuleDuplicate) when a command id was already saved; unauthorized
// (RuleReadOnly) for a company or case leaving scope, (RuleNotOpen);
// internal (RuleFull: nothing was written; RuleDamaged; an Engine that
// cannot run company commands).
func (db *DB) CommitVirksomhed(cmd app.VCommand) (*app.VResult, error) {
	ce := db.companyEngine()
	if db.opts.Engine == nil || ce == nil {
		return nil, app.Internal(errNoCompanyEngine)
	}
	if err := cmd.ID.Validate(); err != nil {
		return nil, app.AsError(err).WithField("id")
	}
	if err := cmd.Virksomhed.Validate(); err != nil {
		return nil, app.AsError(err).WithField("sag")
	}
	var res *app.VResult
	err := db.update(func(t txn) error {
		today := app.DateOf(db.now())
		r, sum, follow, err := t.commitCompany(db.opts.Engine, ce, cmd, db, today)
		if err != nil {
			return err
		}
		res = r
		t.after(func() {
			db.idx.putCompany(sum)
			db.idx.addPending(cmd.Virksomhed, 1, 0)
			for _, f := range follow {
				db.idx.put(f)
				db.idx.addPending(f.ID, 1, 0)
			}
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// commitCompany is CommitVirksomhed's transaction; it returns the result,
// the company's new list line and the list lines of the cases its
// follow-ups changed.
func (t txn) commitCompany(engine Executor, ce CompanyExecutor, cmd app.VCommand, db *DB, today app.Date) (*app.VResult, app.VirksomhedSummary, []app.CaseSummary, error) {
	var zero app.VirksomhedSummary
	known, err := t.knownCommand(cmd.ID)
	if err != nil {
		return nil, zero, nil, err
	}
	if known {
		return nil, zero, nil, errDuplicate()
	}
	if t.readOnly(cmd.Virksomhed) {
		return nil, zero, nil, errCompanyReadOnly()
	}
	if id := citizenOf(nil, cmd); id != "" && t.readOnly(id) {
		return nil, zero, nil, errReadOnly() // a citizen who left this caseworker's scope is not referred or placed from here
	}
	if !t.isCompany(cmd.Virksomhed) && t.has(bConfirmed, []byte(cmd.Virksomhed)) {
		return nil, zero, nil, app.Errorf(app.CodeConflict, "", "conflict.id_already_used").WithField("sag")
	}
	cur, err := t.companyView(cmd.Virksomhed)
	if err != nil {
		return nil, zero, nil, err
	}
	sag, err := t.citizen(cur, cmd)
	if err != nil {
		return nil, zero, nil, err
	}
	r, err := ce.ExecuteVirksomhed(cur, cmd, sag)
	if err != nil {
		return nil, zero, nil, app.AsError(err)
	}
	if r == nil || r.Virksomhed == nil || r.Virksomhed.ID != cmd.Virksomhed {
		return nil, zero, nil, app.Internal(fmt.Errorf("engine returned no company for %s", cmd.ID))
	}
	if err := t.putCompanyView(cmd.Virksomhed, r.Virksomhed); err != nil {
		return nil, zero, nil, err
	}
	e := app.PendingCommand{Command: cmd.Command(), Status: app.StatusPending, Saved: db.now()}
	if cur != nil {
		e.Base = cur.Version
		if len(r.Changes) > 0 {
			e.BaseFields = make(map[string]int64, len(r.Changes))
			for _, c := range r.Changes {
				e.BaseFields[c.Field] = cur.Versions[c.Field]
			}
		}
	}
	if db.clock != nil {
		e.HLC = db.clock.Now()
	}
	if _, err := t.appendOutbox(e); err != nil {
		return nil, zero, nil, err
	}
	rec := app.AuditRecord{At: db.now(), Actor: cmd.Actor, Action: app.ActionChanged, Sag: cmd.Virksomhed, Command: cmd.ID, Kind: cmd.Body.Kind()}
	if err := t.appendAudit(rec); err != nil {
		return nil, zero, nil, err
	}
	var follow []app.CaseSummary
	for _, f := range r.Foelger {
		if f.RecordKind() != app.RecordSag {
			return nil, zero, nil, app.Internal(fmt.Errorf("follow-up %s of %s is not a case's command", f.ID, cmd.ID))
		}
		_, sum, err := t.commit(engine, f, db.now(), db.clock)
		if err != nil {
			return nil, zero, nil, err
		}
		follow = append(follow, sum)
	}
	return r, app.VirksomhedSummaryOf(r.Virksomhed, today), follow, nil
}

// ViewCompany returns the local view of a company (the server's state
// with this device's pending commands applied) and, in the same
// transaction, appends a "viewed" audit record: no record, no display.
//
// Errors: not_found (RuleCompanyUnknown); unauthorized (RuleNotOpen);
// internal (RuleFull when the record cannot be written, RuleDamaged).
func (db *DB) ViewCompany(id app.ID, actor app.Actor) (*app.Virksomhed, error) {
	if err := id.Validate(); err != nil {
		return nil, app.AsError(err).WithField("id")
	}
	var v *app.Virksomhed
	err := db.update(func(t txn) (err error) {
		if v, err = t.companyView(id); err != nil {
			return err
		}
		if v == nil {
			return errCompanyUnknown()
		}
		return t.appendAudit(app.AuditRecord{At: db.now(), Actor: actor, Action: app.ActionViewed, Sag: id})
	})
	if err != nil {
		return nil, err
	}
	return v, nil // decoded for this call: the caller's own
}

// Companies returns the company list from the in-memory index, sorted by
// name, with each company's pending and conflict counts and read-only mark. Like
// List it writes no audit record: company register data, no citizen's.
//
// Errors: unauthorized (RuleNotOpen).
func (db *DB) Companies() ([]app.VirksomhedSummary, error) {
	idx, err := db.index()
	if err != nil {
		return nil, err
	}
	return idx.matchCompanies(func(companyEntry) bool { return true }), nil
}

// SearchCompanies finds companies by name, CVR number (with or without
// spaces, dashes or "DK"), street, postcode or town, and logs the search in
// the same transaction: the kind of query (SearchCompanyCVR or
// SearchCompanyText), the number of hits and the companies found, never
// the query. Every word of the query must occur in the company's name,
// CVR number or address. An empty query returns Companies without a
// record.
//
// Errors: unauthorized (RuleNotOpen); internal (RuleFull, RuleDamaged).
func (db *DB) SearchCompanies(q string, actor app.Actor) ([]app.VirksomhedSummary, error) {
	q = strings.TrimSpace(q)
	if q == "" {
		return db.Companies()
	}
	idx, err := db.index()
	if err != nil {
		return nil, err
	}
	kind, keep := companyMatcher(q)
	var out []app.VirksomhedSummary
	err = db.update(func(t txn) error {
		out = idx.matchCompanies(keep)
		ids := make([]app.ID, len(out))
		for i, s := range out {
			ids[i] = s.ID
		}
		return t.appendAudit(searchRecord(db.now(), actor, kind, ids))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// companyMatcher decides how a company query matches: a valid CVR number
// finds that company; digits written like a CVR number ("DK-13 74", "1374
// 81") match the start of the CVR number or a postcode; anything else
// matches words.
func companyMatcher(q string) (string, func(companyEntry) bool) {
	if c, err := app.ParseCVR(q); err == nil {
		return SearchCompanyCVR, func(e companyEntry) bool { return e.sum.CVR == c }
	}
	if d, ok := cvrDigits(q); ok {
		return SearchCompanyText, func(e companyEntry) bool {
			return strings.HasPrefix(string(e.sum.CVR), d) || strings.HasPrefix(e.sum.Adresse.Postnr, d)
		}
	}
	words := strings.Fields(fold(q))
	return SearchCompanyText, func(e companyEntry) bool {
		for _, w := range words {
			if !strings.Contains(e.fold, w) {
				return false
			}
		}
		return true
	}
}

// cvrDigits returns the digits of a query made only of digits, spaces and
// dashes, optionally after "DK".
func cvrDigits(q string) (string, bool) {
	if len(q) >= 2 && strings.EqualFold(q[:2], "DK") {
		q = q[2:]
	}
	var b strings.Builder
	for _, r := range q {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-':
		default:
			return "", false
		}
	}
	return b.String(), b.Len() > 0
}

// CompanyConflicts returns the open conflicts on a company.
//
// Errors: invalid for a malformed id; unauthorized (RuleNotOpen); internal
// (RuleDamaged).
func (db *DB) CompanyConflicts(id app.ID) ([]app.Conflict, error) {
	if err := id.Validate(); err != nil {
		return nil, app.AsError(err).WithField("id")
	}
	return db.Conflicts(id)
}

// companyEntry is a company's line in the in-memory index with its folded
// search text (name, CVR number, address).
type companyEntry struct {
	sum  app.VirksomhedSummary
	fold string
}

func newCompanyEntry(s app.VirksomhedSummary) companyEntry {
	return companyEntry{sum: s, fold: fold(strings.Join([]string{s.Navn, string(s.CVR), s.Adresse.Vej, s.Adresse.Postnr, s.Adresse.By}, " "))}
}
