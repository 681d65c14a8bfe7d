package client_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/sync/client"
	"feltsag.dk/feltsag/sync/wire"
)

// TestBackoffStartsAgainAfterProgress: a session that made progress (a
// page applied) starts the backoff count again, even if it was cut before
// the sync completed. On a link cut every few seconds a snapshot needs
// several sessions; before, each cut doubled the wait (100 cases through
// TestSlowLink's link took over three minutes, mostly waiting).
func TestBackoffStartsAgainAfterProgress(t *testing.T) {
	db := newReplica(t)
	sag := newSag(t, "sag-1", 0)
	progress := play(func(c *srvConn) {
		c.greet(app.Cursor{Epoch: 1, Seq: 20})
		c.send(c.pull(app.Cursor{Epoch: 1}), &wire.Changes{Page: app.Page{Records: []app.Record{caseRecord(t, sag, 1, 10)},
			Cursor: app.Cursor{Epoch: 1, Seq: 10}, HasMore: true, Snapshot: true}})
		c.pull(app.Cursor{Epoch: 1, Seq: 10}) // then the link is cut
	})
	srv := newFakeServer(t, repeat(3, refuse(http.StatusServiceUnavailable)), progress, repeat(2, refuse(http.StatusServiceUnavailable)))
	h := start(t, db, srv, client.Options{Rand: func() float64 { return 0.5 }})
	h.until("the attempts after the cut session", func(client.Status) bool { return srv.attempts() >= 6 })
	half := func(n int) time.Duration { return min(client.DefaultBackoffMax, client.DefaultBackoffBase<<n) / 2 }
	want := []time.Duration{half(0), half(1), half(2), half(0), half(1)}
	if got := h.clock.sleeps(); len(got) < len(want) || !slices.Equal(got[:len(want)], want) {
		t.Errorf("waits %v,\nwant %v (the count starts again after the session that applied a page)", got, want)
	}
}
