package pgledger

import (
	"errors"
	"strconv"

	"github.com/jackc/pgx/v5/pgconn"

	"feltsag.dk/feltsag/app"
)

// Rule ids of the PostgreSQL ledger's own errors; the messages
// (assets/i18n, "store.pg_…") say what to do, in Danish and in English.
const (
	// RuleNewer: the database's schema is from a newer feltsagd (the same
	// rule id as the bbolt ledger's newer file).
	RuleNewer = "ledger-nyere-version"
	// RuleOlder: the database's schema is older than this feltsagd's; run
	// feltsagd migrate. The server refuses to serve on it.
	RuleOlder = "ledger-aeldre-skema"
	// RuleUnreachable: the database cannot be reached or refuses the sign-in.
	RuleUnreachable = "ledger-database"
)

// Catalogue keys of the not-found errors: the bbolt ledger's, so both
// ledgers say the same.
const (
	keyRecordMissing   = "not_found.ledger_record"
	keyAppliedMissing  = "not_found.ledger_applied"
	keyConflictMissing = "not_found.ledger_conflict"
	keyAccountMissing  = "not_found.ledger_account"
	keyDeviceMissing   = "not_found.ledger_device"
	keySessionMissing  = "not_found.ledger_session"
	keyMetaMissing     = "not_found.ledger_meta"
)

func notFound(key string) error { return app.Errorf(app.CodeNotFound, "", key) }

func errNewer(v int) error {
	return app.Errorf(app.CodeInvalid, RuleNewer, "store.pg_newer",
		"version", strconv.Itoa(v), "understood", strconv.Itoa(SchemaVersion()))
}

func errOlder(v int) error {
	return app.Errorf(app.CodeInvalid, RuleOlder, "store.pg_older",
		"version", strconv.Itoa(v), "wanted", strconv.Itoa(SchemaVersion()))
}

func errUnreachable(cause error) error {
	return app.Errorf(app.CodeInternal, RuleUnreachable, "store.pg_unreachable").Wrap(cause)
}

func errKind() error {
	return app.Errorf(app.CodeInvalid, "", "invalid.ledger_kind").WithField("kind")
}

func errLimit() error {
	return app.Errorf(app.CodeInvalid, "", "invalid.ledger_limit").WithField("limit")
}

func errEmpty(field string) error {
	return app.Errorf(app.CodeInvalid, "", "invalid.ledger_empty").WithField(field)
}

// dbErr maps an error from pgx to the error model: a domain error passes
// through unchanged, anything else is internal with the cause kept (so
// retryable still sees a serialization failure through it).
func dbErr(err error) error {
	if err == nil {
		return nil
	}
	var ae *app.Error
	if errors.As(err, &ae) {
		return err
	}
	return app.Internal(err)
}

// retryable reports a failure that running the transaction again can
// cure: a serialization failure or a deadlock.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}
