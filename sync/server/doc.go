// Package server is the server side of Feltsag's sync: the hub of
// connections, authorisation against assignments, the per-field merge and
// conflict routing, and poking clients when their scope changes. It
// declares the ledger interface it consumes; cmd/feltsagd passes the
// embedded bbolt ledger (or another implementation).
package server
