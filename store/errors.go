package store

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strconv"
	"syscall"

	berrors "go.etcd.io/bbolt/errors"

	"feltsag.dk/feltsag/app"
)

// Rule ids of the store's errors. The UI may branch on them; the messages
// already say what to do.
const (
	RuleLocked         = "store-laast"             // conflict: another instance holds the file
	RuleMissing        = "store-mangler"           // not_found: no local file yet
	RuleExists         = "store-findes"            // conflict: Create on an existing file
	RulePassword       = "store-adgangskode"       // unauthorized: wrong password
	RuleErased         = "store-slettet"           // unauthorized: too many wrong passwords, file erased
	RuleNotOpen        = "store-ikke-aaben"        // unauthorized: locked, closed or wiped
	RuleShortPassword  = "store-kort-adgangskode"  // invalid: password too short
	RuleFull           = "store-fuld"              // internal: disk or size limit full, nothing saved
	RuleDamaged        = "store-beskadiget"        // internal: damaged file or record
	RuleNewer          = "store-nyere-version"     // invalid: file from a newer Feltsag
	RuleMigration      = "store-migrering"         // internal: a schema migration failed
	RuleUnsent         = "store-ikke-sendt"        // conflict: purge with unsent commands
	RuleDuplicate      = "store-dublet"            // conflict: command id already saved
	RuleCaseUnknown    = "store-sag-ukendt"        // not_found: no such case on this device
	RuleCaseExists     = "store-sag-findes"        // conflict: PutCase of a case that exists
	RuleAccess         = "store-adgang"            // internal: the OS refuses access to the file
	RuleCommandUnknown = "store-handling-ukendt"   // not_found: Ack of a command never saved here
	RuleReadOnly       = "store-kun-laesning"      // unauthorized: the case left this caseworker's scope
	RuleStalePage      = "store-gammel-side"       // invalid: a page from before the replica's cursor
	RuleSealedDamaged  = "store-forseglet-fejl"    // internal: the sealed outbox file (<path>.sealed) is damaged
	RuleCompanyUnknown = "store-virksomhed-ukendt" // not_found: no such company on this device
)

// minPasswordLen is the shortest password Create and ChangePassword accept.
const minPasswordLen = 8

func errLocked(cause error) error {
	return app.Errorf(app.CodeConflict, RuleLocked,
		"conflict.feltsag_already_running").Wrap(cause)
}

func errMissing() error {
	return app.Errorf(app.CodeNotFound, RuleMissing,
		"not_found.there_no_local")
}

func errExists() error {
	return app.Errorf(app.CodeConflict, RuleExists,
		"conflict.local_data_you")
}

func errShortPassword() error {
	return app.Errorf(app.CodeInvalid, RuleShortPassword, "store.password_short", "min", strconv.Itoa(minPasswordLen)).WithField("password")
}

func errWrongPassword(left int) error {
	return app.Errorf(app.CodeUnauthorized, RulePassword, "store.password_wrong", "tilbage", strconv.Itoa(left)).WithField("password")
}

func errWrongSalvagePassword() error {
	return app.Errorf(app.CodeUnauthorized, RulePassword,
		"unauthorized.wrong_password_use").WithField("password")
}

func errErased(n int) *app.Error {
	return app.Errorf(app.CodeUnauthorized, RuleErased, "store.erased", "antal", strconv.Itoa(n))
}

// errErasedSealed: the file was erased, and n unsent changes were kept
// sealed for the server in <path>.sealed.
func errErasedSealed(failures, n int) error {
	return app.Errorf(app.CodeUnauthorized, RuleErased, "store.erased_sealed", "antal", strconv.Itoa(failures), "gemt", strconv.Itoa(n))
}

func errServerKey(cause error) error {
	return app.Errorf(app.CodeInvalid, "", "store.server_key").Wrap(cause).WithField("server_key")
}

func errSealedDamaged(cause error) error {
	return app.Errorf(app.CodeInternal, RuleSealedDamaged, "store.sealed_damaged").Wrap(cause)
}

func errNotOpen() error {
	return app.Errorf(app.CodeUnauthorized, RuleNotOpen,
		"unauthorized.local_data_locked")
}

// errPasswordChangedClosed: the new password was saved, but the file
// could not be reopened after the compaction that followed.
func errPasswordChangedClosed(cause error) error {
	return app.Errorf(app.CodeUnauthorized, RuleNotOpen,
		"store.password_changed_closed").Wrap(cause)
}

// errPurgedClosed: the case was removed, but the file could not be
// reopened after the compaction that followed.
func errPurgedClosed(cause error) error {
	return app.Errorf(app.CodeUnauthorized, RuleNotOpen,
		"store.purged_closed").Wrap(cause)
}

func errFull(cause error) error {
	return app.Errorf(app.CodeInternal, RuleFull,
		"internal.there_no_room").Wrap(cause)
}

func errCorrupt(cause error) error {
	return app.Errorf(app.CodeInternal, RuleDamaged,
		"internal.part_local_data").Wrap(cause)
}

func errNewer(v int) error {
	return app.Errorf(app.CodeInvalid, RuleNewer, "store.newer", "version", strconv.Itoa(v))
}

// errMigration names only the backup's file name (beside the data file),
// not the full path of the user's folders.
func errMigration(backup string, cause error) error {
	name := filepath.Base(backup)
	return app.Errorf(app.CodeInternal, RuleMigration, "store.migration", "fil", name).Wrap(cause)
}

func errUnsent(n int) error {
	return app.Errorf(app.CodeConflict, RuleUnsent, "store.unsent", "antal", strconv.Itoa(n))
}

func errReadOnly() error {
	return app.Errorf(app.CodeUnauthorized, RuleReadOnly, "store.read_only")
}

func errStalePage(have, got app.Cursor) error {
	return app.Errorf(app.CodeInvalid, RuleStalePage, "store.stale_page", "modtaget", got.String(), "har", have.String()).WithField("cursor")
}

func errDuplicate() error {
	return app.Errorf(app.CodeConflict, RuleDuplicate,
		"conflict.change_already_saved").WithField("id")
}

func errCaseUnknown() error {
	return app.Errorf(app.CodeNotFound, RuleCaseUnknown,
		"not_found.case_computer_sync")
}

func errCompanyUnknown() error {
	return app.Errorf(app.CodeNotFound, RuleCompanyUnknown,
		"not_found.company_computer_sync")
}

// errCompanyReadOnly: the company left this consultant's scope; its
// unsent commands are still sent.
func errCompanyReadOnly() error {
	return app.Errorf(app.CodeUnauthorized, RuleReadOnly, "store.company_read_only")
}

func errCaseExists() error {
	return app.Errorf(app.CodeConflict, RuleCaseExists,
		"conflict.case_already_exists")
}

func errAccess(cause error) error {
	return app.Errorf(app.CodeInternal, RuleAccess,
		"internal.feltsag_no_access").Wrap(cause)
}

// errCommandUnknown is returned by Ack for a command id the device never
// saved (or whose case was purged).
func errCommandUnknown() error {
	return app.Errorf(app.CodeNotFound, RuleCommandUnknown,
		"not_found.change_queue_changes")
}

// writeErr maps an error from a write transaction to the error model: a
// domain error passes through, a full disk or size limit becomes
// store-fuld, anything else is internal.
func writeErr(err error) error {
	if err == nil {
		return nil
	}
	var ae *app.Error
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.Is(err, berrors.ErrMaxSizeReached), errors.Is(err, syscall.ENOSPC):
		return errFull(err)
	case errors.Is(err, fs.ErrPermission):
		return errAccess(err)
	case errors.Is(err, berrors.ErrDatabaseNotOpen):
		return errNotOpen()
	}
	return app.Internal(err)
}
