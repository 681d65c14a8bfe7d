// Package store is the client's encrypted local replica: one bbolt file per
// caseworker and device that holds the server-confirmed cases, the local
// view of every case (confirmed state with the pending commands re-applied),
// the outbox of commands not yet acknowledged by the server, their results,
// conflicts, a hash-chained audit log of every read and write, and the sync
// metadata (DESIGN §4).
//
// Every value is sealed with XChaCha20-Poly1305 under a random data key
// (AAD = bucket name and key); the data key is wrapped by a key derived from
// the caseworker's password with Argon2id. Keys are opaque ids and
// big-endian sequences, never a CPR number; a case is found by CPR through a
// blind index (HMAC of the digits). docs/store.md describes the file layout,
// the key hierarchy, the transactions and the threat model.
//
// A local command, its outbox entry, its audit record and the new local
// view are written in one bbolt transaction with bbolt's default fsync:
// when Commit returns nil the UI may say "Gemt lokalt".
//
// Every error a user can trigger is an *app.Error with a Danish message that
// says what to do; causes are wrapped, never shown. Store-specific errors
// carry a rule id starting with "store-" so the UI can tell them apart.
package store
