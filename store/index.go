package store

import (
	"bytes"
	"sort"
	"strings"
	"sync"

	"feltsag.dk/feltsag/app"
)

// caseIndex is the in-memory case list and search index, built at Unlock
// from the view summaries and kept current after every write. It holds the
// masked CPR only.
type caseIndex struct {
	mu        sync.RWMutex
	cases     map[app.ID]indexEntry
	pending   map[app.ID]counts
	conflicts map[app.ID]int
	leaving   map[app.ID]bool // read-only: left scope, outbox not yet acked
	// companies are the field kit's companies (issue 11); pending,
	// conflicts and leaving hold their counts too (ids never collide).
	companies map[app.ID]companyEntry
}

type indexEntry struct {
	sum  app.CaseSummary
	fold string // folded name for search
}

type counts struct{ pending, rejected int }

func newCaseIndex() *caseIndex {
	return &caseIndex{cases: map[app.ID]indexEntry{}, pending: map[app.ID]counts{}, conflicts: map[app.ID]int{}, leaving: map[app.ID]bool{},
		companies: map[app.ID]companyEntry{}}
}

func (x *caseIndex) putCompany(s app.VirksomhedSummary) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.companies[s.ID] = newCompanyEntry(s)
}

// companyPending reports whether any company has commands in the outbox.
func (x *caseIndex) companyPending() bool {
	x.mu.RLock()
	defer x.mu.RUnlock()
	for id := range x.companies {
		if x.pending[id].pending > 0 {
			return true
		}
	}
	return false
}

// dropCompany removes a company's line and keeps its counts (its refused
// creation may still be in the outbox).
func (x *caseIndex) dropCompany(id app.ID) {
	x.mu.Lock()
	defer x.mu.Unlock()
	delete(x.companies, id)
}

// matchCompanies returns the company lines accepted by keep, sorted by
// name then id, with their counts.
func (x *caseIndex) matchCompanies(keep func(e companyEntry) bool) []app.VirksomhedSummary {
	x.mu.RLock()
	out := make([]app.VirksomhedSummary, 0, len(x.companies))
	for id, e := range x.companies {
		if keep(e) {
			s := e.sum
			s.Pending, s.Conflicts, s.ReadOnly = x.pending[id].pending, x.conflicts[id], x.leaving[id]
			out = append(out, s)
		}
	}
	x.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool {
		if out[i].Navn != out[j].Navn {
			return out[i].Navn < out[j].Navn
		}
		return out[i].ID < out[j].ID
	})
	return out
}

func (x *caseIndex) put(s app.CaseSummary) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.cases[s.ID] = indexEntry{sum: s, fold: fold(s.Navn)}
}

func (x *caseIndex) remove(id app.ID) {
	x.mu.Lock()
	defer x.mu.Unlock()
	delete(x.cases, id)
	delete(x.companies, id)
	delete(x.pending, id)
	delete(x.conflicts, id)
	delete(x.leaving, id)
}

// setLeaving applies changes of the read-only state: true marks a case as
// leaving scope, false clears the mark.
func (x *caseIndex) setLeaving(m map[app.ID]bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for id, on := range m {
		if on {
			x.leaving[id] = true
		} else {
			delete(x.leaving, id)
		}
	}
}

func (x *caseIndex) addPending(id app.ID, pending, rejected int) {
	x.mu.Lock()
	defer x.mu.Unlock()
	c := x.pending[id]
	c.pending += pending
	c.rejected += rejected
	x.setCountsLocked(id, c)
}

func (x *caseIndex) setCounts(id app.ID, c counts) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.setCountsLocked(id, c)
}

func (x *caseIndex) setCountsLocked(id app.ID, c counts) {
	if c.pending <= 0 {
		delete(x.pending, id)
		return
	}
	x.pending[id] = c
}

func (x *caseIndex) addConflicts(id app.ID, n int) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.conflicts[id] += n; x.conflicts[id] <= 0 {
		delete(x.conflicts, id)
	}
}

func (x *caseIndex) len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return len(x.cases)
}

// match returns the summaries accepted by keep, sorted by name then id.
func (x *caseIndex) match(keep func(e indexEntry) bool) []app.CaseSummary {
	x.mu.RLock()
	out := make([]app.CaseSummary, 0, len(x.cases))
	for id, e := range x.cases {
		if keep(e) {
			s := e.sum
			c := x.pending[id]
			s.Pending, s.Rejected, s.Conflicts, s.ReadOnly = c.pending, c.rejected, x.conflicts[id], x.leaving[id]
			out = append(out, s)
		}
	}
	x.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool {
		if out[i].Navn != out[j].Navn {
			return out[i].Navn < out[j].Navn
		}
		return out[i].ID < out[j].ID
	})
	return out
}

func (x *caseIndex) byIDs(ids []app.ID) []app.CaseSummary {
	want := map[app.ID]bool{}
	for _, id := range ids {
		want[id] = true
	}
	return x.match(func(e indexEntry) bool { return want[e.sum.ID] })
}

// folder lower-cases and spells out the Danish letters, so "soeren",
// "søren" and "SØREN" find the same citizen.
var folder = strings.NewReplacer("æ", "ae", "ø", "oe", "å", "aa", "é", "e", "ü", "u", "ö", "oe", "ä", "ae")

func fold(s string) string { return folder.Replace(strings.ToLower(s)) }

// Search kinds, recorded in the audit log instead of the query itself.
const (
	SearchCPR   = "cpr"          // a full, valid CPR number: blind-index lookup
	SearchBirth = "foedselsdato" // digits only: match on the birth date DDMMYY
	SearchName  = "navn"         // anything else: every word must occur in the name
)

// classify decides how a query is searched. Only a query of digits and
// hyphens can hold a CPR number, and it is never logged.
func classify(q string) (kind string, cpr app.CPR) {
	if c, err := app.ParseCPR(q); err == nil && !c.Ukendt() {
		return SearchCPR, c
	}
	if strings.Trim(q, "0123456789-") == "" {
		return SearchBirth, ""
	}
	return SearchName, ""
}

func birthMatcher(q string) func(indexEntry) bool {
	d := strings.ReplaceAll(q, "-", "")
	if len(d) > 6 {
		d = d[:6] // the serial is not in memory; the blind index needs all ten digits
	}
	return func(e indexEntry) bool { return strings.HasPrefix(e.sum.CPR, d) }
}

func nameMatcher(q string) func(indexEntry) bool {
	words := strings.Fields(fold(q))
	return func(e indexEntry) bool {
		for _, w := range words {
			if !strings.Contains(e.fold, w) {
				return false
			}
		}
		return true
	}
}

// indexKey is the blind-index key of one case: HMAC(CPR) followed by the
// case id, so a CPR shared by two cases (a data error) finds both.
func (t txn) indexKey(c app.CPR, id app.ID) []byte {
	return append(t.keys.blindCPR(c), id...)
}

func indexable(s *app.Sag) bool {
	return s != nil && s.Borger.CPR.Digits() != "" && !s.Borger.CPR.Ukendt()
}

// reindex moves a case's blind-index entry from its old CPR to its new one.
func (t txn) reindex(old, cur *app.Sag) error {
	if indexable(old) && (cur == nil || old.Borger.CPR != cur.Borger.CPR) {
		if err := t.del(bIndex, t.indexKey(old.Borger.CPR, old.ID)); err != nil {
			return err
		}
	}
	if indexable(cur) && (old == nil || old.Borger.CPR != cur.Borger.CPR || !t.has(bIndex, t.indexKey(cur.Borger.CPR, cur.ID))) {
		k := t.indexKey(cur.Borger.CPR, cur.ID)
		return t.put(bIndex, k, []byte(cur.ID))
	}
	return nil
}

func (t txn) has(bucket string, key []byte) bool {
	b := t.tx.Bucket([]byte(bucket))
	return b != nil && b.Get(key) != nil
}

// lookupCPR returns the ids of the cases whose view has the CPR number.
func (t txn) lookupCPR(c app.CPR) ([]app.ID, error) {
	b, err := t.bucket(bIndex)
	if err != nil {
		return nil, err
	}
	prefix := t.keys.blindCPR(c)
	var ids []app.ID
	cur := b.Cursor()
	for k, v := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = cur.Next() {
		plain, err := t.keys.open(bIndex, k, v)
		if err != nil {
			return nil, errCorrupt(err)
		}
		ids = append(ids, app.ID(plain))
	}
	return ids, nil
}

// unindexCase removes every blind-index entry of a case, whatever CPR it
// was filed under.
func (t txn) unindexCase(id app.ID) error {
	b, err := t.bucket(bIndex)
	if err != nil {
		return err
	}
	var del [][]byte
	err = b.ForEach(func(k, _ []byte) error {
		if len(k) > 32 && string(k[32:]) == string(id) {
			del = append(del, bytes.Clone(k))
		}
		return nil
	})
	for _, k := range del {
		if err == nil {
			err = b.Delete(k)
		}
	}
	return err
}
