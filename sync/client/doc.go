// Package client is the client side of Feltsag's sync: it owns one
// connection to feltsagd, pushes the replica's outbox, pulls pages of
// records and hands them to the replica, and reports its status. It
// declares the narrow Replica interface it consumes; cmd/feltsag passes the
// store. It never imports store, ui, pdf or Fyne.
package client
