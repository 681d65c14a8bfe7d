package server_test

import (
	"net/http"
	"runtime"
	"sync"
	"testing"

	"github.com/gorilla/websocket"
)

// TestCloseDuringUpgrades: upgrades that race Server.Close are either
// refused or closed by it; none starts after Close has returned (it would
// run on a ledger its owner is about to close). Found by the simulator
// (internal/sim) under -race: handleSync's WaitGroup.Add raced Close's
// Wait.
func TestCloseDuringUpgrades(t *testing.T) {
	for round := range 8 {
		r := newRig(t)
		tok := r.caseworker("cw1", "dev-1")
		hdr := http.Header{"Authorization": {"Bearer " + tok.AccessToken}}
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for range 6 {
			wg.Go(func() {
				for {
					select {
					case <-stop:
						return
					default:
					}
					if ws, _, err := websocket.DefaultDialer.Dial(r.wsURL(), hdr); err == nil {
						_ = ws.Close()
					}
				}
			})
		}
		for r.srv.Stats().ConnectionsTotal < int64(4*round+1) {
			runtime.Gosched() // polling: let upgrades be in flight when Close comes
		}
		_ = r.srv.Close()
		closed := r.srv.Stats().ConnectionsTotal
		close(stop)
		wg.Wait()
		if got := r.srv.Stats().ConnectionsTotal; got != closed {
			t.Fatalf("round %d: %d connections started after Close returned", round, got-closed)
		}
	}
}
