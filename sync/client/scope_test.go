package client_test

import (
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/sync/client"
	"feltsag.dk/feltsag/sync/wire"
)

// TestScopeDeltaCounted: a pull whose frame says a case was reassigned
// away (scope.removed) is counted in the status, for "1 sag flyttet til
// en kollega", and the case leaves the replica.
func TestScopeDeltaCounted(t *testing.T) {
	db := newReplica(t)
	sags := seedCases(t, db, 2, app.Cursor{Epoch: 1, Seq: 2})
	srv := newFakeServer(t, play(func(c *srvConn) {
		c.greet(app.Cursor{Epoch: 1, Seq: 3})
		id := c.pull(app.Cursor{Epoch: 1, Seq: 2})
		gone := app.Record{Kind: app.RecordSag, ID: sags[1].ID, Version: 3, Seq: 3, Removed: true}
		c.send(id, &wire.Changes{Page: app.Page{Records: []app.Record{gone}, Cursor: app.Cursor{Epoch: 1, Seq: 3}},
			Scope: &wire.ScopeDelta{Removed: []wire.RecordRef{{Kind: app.RecordSag, ID: sags[1].ID, Reason: wire.ReasonReassigned}}}})
		c.idle()
	}))
	h := start(t, db, srv, client.Options{})
	st := h.until("the sync", synced)
	if st.Reassigned != 1 || st.Closed != 0 {
		t.Errorf("status reassigned %d closed %d, want 1 and 0", st.Reassigned, st.Closed)
	}
	list, err := db.List()
	if err != nil || len(list) != 1 || list[0].ID != sags[0].ID {
		t.Errorf("List = %+v, %v; want only %s", list, err, sags[0].ID)
	}
}
