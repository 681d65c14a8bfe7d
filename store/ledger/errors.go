package ledger

import (
	"errors"
	"io/fs"
	"strconv"
	"syscall"

	berrors "go.etcd.io/bbolt/errors"

	"feltsag.dk/feltsag/app"
)

// Rule ids of the ledger's own errors. feltsagd may branch on them; the
// messages (assets/i18n, key area "store.ledger_…") say what to do, in
// Danish and in English.
const (
	RuleLocked  = "ledger-laast"         // conflict: another process has the file open
	RuleNewer   = "ledger-nyere-version" // invalid: the file is from a newer feltsagd
	RuleDamaged = "ledger-beskadiget"    // internal: the file is damaged or is not a ledger
	RuleFull    = "ledger-fuld"          // internal: the disk is full; nothing was saved
	RuleAccess  = "ledger-adgang"        // internal: the OS refuses access to the file
)

// Catalogue keys of the not-found errors, one per kind of thing.
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

func errLocked(cause error) error {
	return app.Errorf(app.CodeConflict, RuleLocked, "store.ledger_locked").Wrap(cause)
}

func errNewer(v uint64) error {
	return app.Errorf(app.CodeInvalid, RuleNewer, "store.ledger_newer",
		"version", strconv.FormatUint(v, 10), "understood", strconv.FormatUint(schemaVersion, 10))
}

func errDamaged(cause error) error {
	return app.Errorf(app.CodeInternal, RuleDamaged, "store.ledger_damaged").Wrap(cause)
}

func errFull(cause error) error {
	return app.Errorf(app.CodeInternal, RuleFull, "store.ledger_full").Wrap(cause)
}

func errAccess(cause error) error {
	return app.Errorf(app.CodeInternal, RuleAccess, "store.ledger_access").Wrap(cause)
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

// storeErr maps an error from bbolt or the file system to the error model:
// a domain error (fn's own, or one of ours) passes through unchanged, so
// errors.Is still finds a caller's sentinel; a full disk becomes
// ledger-fuld, a refused access ledger-adgang, anything else internal.
func storeErr(err error) error {
	if err == nil {
		return nil
	}
	var ae *app.Error
	switch {
	case errors.As(err, &ae):
		return err
	case errors.Is(err, berrors.ErrMaxSizeReached), errors.Is(err, syscall.ENOSPC):
		return errFull(err)
	case errors.Is(err, fs.ErrPermission):
		return errAccess(err)
	}
	return app.Internal(err)
}
