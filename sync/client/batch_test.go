package client_test

import (
	"sync"
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/store"
	"feltsag.dk/feltsag/sync/client"
	"feltsag.dk/feltsag/sync/wire"
)

// pageLog is the store, remembering every page it was asked to apply.
type pageLog struct {
	*store.DB
	mu    sync.Mutex
	pages []app.Page
}

func (p *pageLog) ApplyPage(pg app.Page) error {
	p.mu.Lock()
	p.pages = append(p.pages, pg)
	p.mu.Unlock()
	return p.DB.ApplyPage(pg)
}

func (p *pageLog) applied() []app.Page {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]app.Page(nil), p.pages...)
}

// TestPullGathersPages: the frames of one pull are applied together, in
// one transaction, as one page with the first's snapshot flag and the
// last's cursor; progress still counts the records as they arrive.
func TestPullGathersPages(t *testing.T) {
	db := newReplica(t)
	log := &pageLog{DB: db}
	var sags []*app.Sag
	for i := range 5 {
		sags = append(sags, newSag(t, app.ID("sag-"+string(rune('a'+i))), i))
	}
	srv := newFakeServer(t, play(func(c *srvConn) {
		c.greet(app.Cursor{Epoch: 7, Seq: 50})
		cur := app.Cursor{Epoch: 7}
		for k, part := range [][]int{{0, 1}, {2, 3}, {4}} {
			id := c.pull(cur)
			var recs []app.Record
			for _, i := range part {
				recs = append(recs, caseRecord(t, sags[i], 2, uint64(10*(i+1))))
			}
			cur = app.Cursor{Epoch: 7, Seq: recs[len(recs)-1].Seq}
			more := k < 2
			if !more {
				cur.Seq = 50
			}
			c.send(id, &wire.Changes{Page: app.Page{Records: recs, Cursor: cur, HasMore: more, Snapshot: k == 0}, Total: 5})
		}
		c.idle()
	}))
	h := start(t, db, srv, client.Options{Replica: log})
	h.until("the first sync", synced)

	pages := log.applied()
	if len(pages) != 1 {
		t.Fatalf("%d pages applied, want the three frames as one", len(pages))
	}
	if got := pages[0]; len(got.Records) != 5 || !got.Snapshot || got.HasMore || got.Cursor != (app.Cursor{Epoch: 7, Seq: 50}) {
		t.Errorf("applied %d records, snapshot %v, has_more %v, cursor %v; want 5, a snapshot, the end, 7:50",
			len(got.Records), got.Snapshot, got.HasMore, got.Cursor)
	}
	if list, err := db.List(); err != nil || len(list) != 5 {
		t.Errorf("List = %d cases, %v; want 5", len(list), err)
	}
}

// TestPullAppliesARepeatedRecordInOrder: a case that left the scope and
// came back between two pulls appears in both frames (a removal, then its
// record); the two are applied in order, so the case is on the device at
// the end and not purged by the earlier removal.
func TestPullAppliesARepeatedRecordInOrder(t *testing.T) {
	db := newReplica(t)
	log := &pageLog{DB: db}
	sags := seedCases(t, db, 2, app.Cursor{Epoch: 1, Seq: 2})
	srv := newFakeServer(t, play(func(c *srvConn) {
		c.greet(app.Cursor{Epoch: 1, Seq: 4})
		id := c.pull(app.Cursor{Epoch: 1, Seq: 2})
		gone := app.Record{Kind: app.RecordSag, ID: sags[1].ID, Version: 3, Seq: 3, Removed: true}
		c.send(id, &wire.Changes{Page: app.Page{Records: []app.Record{gone}, Cursor: app.Cursor{Epoch: 1, Seq: 3}, HasMore: true}})
		id = c.pull(app.Cursor{Epoch: 1, Seq: 3})
		c.send(id, &wire.Changes{Page: app.Page{Records: []app.Record{caseRecord(t, sags[1], 5, 4)}, Cursor: app.Cursor{Epoch: 1, Seq: 4}}})
		c.idle()
	}))
	h := start(t, db, srv, client.Options{Replica: log})
	h.until("the sync", synced)

	if n := len(log.applied()); n != 2 {
		t.Errorf("%d pages applied, want 2: the removal before the return", n)
	}
	list, err := db.List()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, s := range list {
		found = found || s.ID == sags[1].ID && s.Version == 5
	}
	if !found {
		t.Errorf("List = %+v; want %s back at version 5", list, sags[1].ID)
	}
	if got, want := cursorOf(t, db), (app.Cursor{Epoch: 1, Seq: 4}); got != want {
		t.Errorf("cursor = %v, want %v", got, want)
	}
}
