// Package pgledger is feltsagd's ledger on PostgreSQL: app.Ledger over
// github.com/jackc/pgx/v5, for a municipality or a shared service that
// runs more than one server process on a database its operators already
// run (issue 12). The embedded bbolt ledger (store/ledger) stays the
// default; both pass the same conformance suite (store/ledger/ledgertest).
//
// The schema is a series of embedded, versioned SQL migrations
// (migrations/NNNN_name.sql) that Migrate applies, run by `feltsagd
// migrate` as the schema's owner; Open refuses a database whose schema is
// older or newer than this code's. The server connects as a role with
// the least privilege of migrations/grants.sql: it reads and writes rows,
// may only add to the audit trail, and owns nothing, so it cannot alter
// or drop a table.
//
// Writers run one at a time across every process on the database: each
// write transaction first takes one advisory lock and holds it to its
// commit. Updates that arrive while a commit runs share the next
// transaction, each in its own savepoint (group commit, one WAL flush per
// batch). A log position is the ledger row's counter, taken under that
// lock, so positions commit in log order and a reader never passes a
// position whose record could still appear (docs/architecture.md, "The
// PostgreSQL ledger"). A batch that fails to commit with a serialization
// failure or deadlock runs again (app.Ledger allows fn to run more than
// once).
//
// The package imports only app, pgx and the standard library.
package pgledger
