// Package ledger is feltsagd's embedded ledger: app.Ledger on one bbolt
// file, the server's default storage (DESIGN §6; docs/store.md, "The
// server's ledger").
//
// One file holds accounts, devices, sessions (by token hash), records with
// their ordered log and a scope index per owner and reader (a record
// shared through LedgerRecord.Readers), applied command ids,
// conflicts, the audit trail and a few settings. Every Update is durable
// when it returns nil (bbolt fsyncs each commit; the ledger never turns
// that off) and concurrent Updates share a commit (group commit, without
// bbolt's batch delay), so throughput is not one fsync per command.
//
// The package imports only app, bbolt and the standard library. Its
// promises are checked by the conformance suite in
// store/ledger/ledgertest, which every ledger implementation passes.
package ledger
