package store

import (
	"sync"

	"feltsag.dk/feltsag/app"
)

// viewCache keeps recently used decoded views, so a commit does not decode
// a 3 KB case from JSON every time (that was a third of a commit's time).
// Entries are exactly what is committed on disk: only DB.update fills it,
// under its write mutex. Values are shared and never modified.
type viewCache struct {
	mu  sync.Mutex
	m   map[app.ID]*app.Sag
	max int
	tip *auditTip // the last committed audit record, see appendAudit
	// hist lists each case's audit records for History; nil until the
	// first History after a reset.
	hist *auditIndex
}

// auditIndex lists, per case, the sequences of the audit records that
// concern it (app.AuditRecord.Concerns) up to seq, so History decrypts a
// case's records only, not the whole log. History builds it from the log
// at its first call after a reset (Unlock, Lock, Purge) and brings it up
// to date at every call by reading the records appended since; nothing
// else writes it. It holds opaque case ids and sequences, no citizen data.
type auditIndex struct {
	mu     sync.Mutex
	seq    uint64
	byCase map[app.ID][]uint64
}

// add indexes r, the record after ix.seq.
func (ix *auditIndex) add(r *app.AuditRecord) {
	put := func(id app.ID) {
		if id == "" {
			return
		}
		if l := ix.byCase[id]; len(l) == 0 || l[len(l)-1] != r.Seq {
			ix.byCase[id] = append(l, r.Seq)
		}
	}
	put(r.Sag)
	for _, id := range r.Sager {
		put(id)
	}
	ix.seq = r.Seq
}

// auditIndex returns the audit index, creating an empty one after a reset.
func (c *viewCache) auditIndex() *auditIndex {
	if c == nil {
		return &auditIndex{byCase: map[app.ID][]uint64{}}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.hist == nil {
		c.hist = &auditIndex{byCase: map[app.ID][]uint64{}}
	}
	return c.hist
}

// auditTip is the sequence and hash of the last audit record, so that
// appending the next one needs neither decrypting nor decoding it.
type auditTip struct {
	seq  uint64
	hash []byte
}

// auditTip returns the last committed audit record's sequence and hash
// as DB.update last saw them, or nil.
func (c *viewCache) auditTip() *auditTip {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.tip
}

// viewCacheSize bounds the cache: a caseload's active cases, a few MB.
const viewCacheSize = 512

func newViewCache() *viewCache { return &viewCache{m: map[app.ID]*app.Sag{}, max: viewCacheSize} }

func (c *viewCache) get(id app.ID) *app.Sag {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[id]
}

func (c *viewCache) apply(fx *txEffects) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, s := range fx.views {
		if len(c.m) >= c.max && c.m[id] == nil {
			for k := range c.m { // evict an arbitrary entry
				delete(c.m, k)
				break
			}
		}
		c.m[id] = s
	}
	for _, id := range fx.drop {
		delete(c.m, id)
	}
	if fx.tip != nil {
		c.tip = fx.tip
	}
}

// reset empties the cache (Close, Purge, Wipe, Unlock).
func (c *viewCache) reset() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.m)
	c.tip = nil
	c.hist = nil
}
