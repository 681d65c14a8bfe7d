// Package sync will hold Feltsag's synchronisation: the wire protocol
// (sync/wire), the client engine that drains the store's outbox and
// rebases on pulls, and the server engine that re-runs every command
// through app.Engine, merges per field and routes conflicts (DESIGN §5).
// It is built with the sync issue; the folder exists now so the layer
// check already guards it (sync may import app only).
package sync
