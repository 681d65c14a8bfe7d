package main

import (
	"feltsag.dk/feltsag/store"
	"feltsag.dk/feltsag/sync/client"
	"feltsag.dk/feltsag/ui"
)

// The client wires the encrypted replica into the screens and the sync
// engine; each declares the interface it consumes over app's vocabulary
// (STYLE habit 2), and these lines prove the store keeps both promises.
var (
	_ ui.Caseload    = (*store.DB)(nil)
	_ ui.Decisions   = (*store.DB)(nil)
	_ client.Replica = (*store.DB)(nil)
	_ ui.Settings    = (*settings)(nil)
)
