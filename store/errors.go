package store

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"syscall"

	berrors "go.etcd.io/bbolt/errors"

	"feltsag.dk/feltsag/app"
)

// Rule ids of the store's errors. The UI may branch on them; the messages
// already say what to do.
const (
	RuleLocked         = "store-laast"            // conflict: another instance holds the file
	RuleMissing        = "store-mangler"          // not_found: no local file yet
	RuleExists         = "store-findes"           // conflict: Create on an existing file
	RulePassword       = "store-adgangskode"      // unauthorized: wrong password
	RuleErased         = "store-slettet"          // unauthorized: too many wrong passwords, file erased
	RuleNotOpen        = "store-ikke-aaben"       // unauthorized: locked, closed or wiped
	RuleShortPassword  = "store-kort-adgangskode" // invalid: password too short
	RuleFull           = "store-fuld"             // internal: disk or size limit full, nothing saved
	RuleDamaged        = "store-beskadiget"       // internal: damaged file or record
	RuleNewer          = "store-nyere-version"    // invalid: file from a newer Feltsag
	RuleMigration      = "store-migrering"        // internal: a schema migration failed
	RuleUnsent         = "store-ikke-sendt"       // conflict: purge with unsent commands
	RuleDuplicate      = "store-dublet"           // conflict: command id already saved
	RuleCaseUnknown    = "store-sag-ukendt"       // not_found: no such case on this device
	RuleCaseExists     = "store-sag-findes"       // conflict: PutCase of a case that exists
	RuleAccess         = "store-adgang"           // internal: the OS refuses access to the file
	RuleCommandUnknown = "store-handling-ukendt"  // not_found: Ack of a command never saved here
)

// minPasswordLen is the shortest password Create and ChangePassword accept.
const minPasswordLen = 8

func errLocked(cause error) error {
	return app.Errorf(app.CodeConflict, RuleLocked,
		"Feltsag kører allerede på denne computer, eller et andet program bruger dine lokale data. "+
			"Skift til det vindue, hvor Feltsag er åbent. Kan du ikke finde det, så log af computeren, log på igen og start Feltsag.",
		"Feltsag is already running on this computer, or another program is using your local data. "+
			"Switch to the window where Feltsag is open. If you cannot find it, sign out of the computer, sign in again and start Feltsag.").Wrap(cause)
}

func errMissing() error {
	return app.Errorf(app.CodeNotFound, RuleMissing,
		"Der er ingen lokale data for dig på denne computer endnu. Log ind, mens computeren har netværk, for at hente dine sager.",
		"There is no local data for you on this computer yet. Sign in with a network connection to fetch your cases.")
}

func errExists() error {
	return app.Errorf(app.CodeConflict, RuleExists,
		"Der findes allerede lokale data for dig på denne computer. Log ind med din adgangskode i stedet.",
		"Local data for you already exists on this computer. Sign in with your password instead.")
}

func errShortPassword() error {
	return app.Errorf(app.CodeInvalid, RuleShortPassword,
		fmt.Sprintf("Adgangskoden skal være mindst %d tegn lang. Vælg en længere adgangskode.", minPasswordLen),
		fmt.Sprintf("The password must be at least %d characters long. Choose a longer password.", minPasswordLen)).WithField("password")
}

func errWrongPassword(left int) error {
	return app.Errorf(app.CodeUnauthorized, RulePassword,
		fmt.Sprintf("Forkert adgangskode. Tjek at Caps Lock er slået fra, og prøv igen. Efter %d forsøg mere slettes de lokale data af sikkerhedshensyn.", left),
		fmt.Sprintf("Wrong password. Check that Caps Lock is off and try again. After %d more attempts the local data is erased for security.", left)).WithField("password")
}

func errWrongSalvagePassword() error {
	return app.Errorf(app.CodeUnauthorized, RulePassword,
		"Forkert adgangskode. Brug den adgangskode, du havde, da filen blev beskadiget, og prøv igen.",
		"Wrong password. Use the password you had when the file was damaged, and try again.").WithField("password")
}

func errErased(n int) error {
	return app.Errorf(app.CodeUnauthorized, RuleErased,
		fmt.Sprintf("Forkert adgangskode %d gange. Af sikkerhedshensyn er de lokale data slettet fra denne computer, og ændringer, der ikke var sendt, er tabt. "+
			"Log ind, mens computeren har netværk, for at hente dine sager igen, og kontakt IT-support, hvis det ikke var dig.", n),
		fmt.Sprintf("Wrong password %d times. For security the local data has been erased from this computer, and changes not yet sent are lost. "+
			"Sign in with a network connection to fetch your cases again, and contact IT support if this was not you.", n))
}

func errNotOpen() error {
	return app.Errorf(app.CodeUnauthorized, RuleNotOpen,
		"De lokale data er låst. Log ind igen med din adgangskode.",
		"The local data is locked. Sign in again with your password.")
}

// errPasswordChangedClosed: the new password was saved, but the file
// could not be reopened after the compaction that followed.
func errPasswordChangedClosed(cause error) error {
	return app.Errorf(app.CodeUnauthorized, RuleNotOpen,
		"Adgangskoden er skiftet. Log ind igen med den nye adgangskode.",
		"The password was changed. Sign in again with the new password.").Wrap(cause)
}

// errPurgedClosed: the case was removed, but the file could not be
// reopened after the compaction that followed.
func errPurgedClosed(cause error) error {
	return app.Errorf(app.CodeUnauthorized, RuleNotOpen,
		"Sagen er fjernet fra computeren. Log ind igen med din adgangskode.",
		"The case was removed from this computer. Sign in again with your password.").Wrap(cause)
}

func errFull(cause error) error {
	return app.Errorf(app.CodeInternal, RuleFull,
		"Der er ikke plads til at gemme på computeren. Ændringen er IKKE gemt. Frigør plads på disken (slet eller flyt store filer), og gem igen.",
		"There is no room left to save on this computer. The change was NOT saved. Free some disk space (delete or move large files) and save again.").Wrap(cause)
}

func errCorrupt(cause error) error {
	return app.Errorf(app.CodeInternal, RuleDamaged,
		"En del af de lokale data kan ikke læses, fordi filen er beskadiget. Luk Feltsag og åbn det igen; så lægges filen til side, "+
			"og dine sager hentes igen ved næste synkronisering. Kontakt IT-support, hvis det gentager sig.",
		"Part of the local data cannot be read because the file is damaged. Close Feltsag and open it again; the file is then set aside "+
			"and your cases are fetched again at the next sync. Contact IT support if it happens again.").Wrap(cause)
}

func errNewer(v int) error {
	return app.Errorf(app.CodeInvalid, RuleNewer,
		fmt.Sprintf("De lokale data er gemt af en nyere udgave af Feltsag (dataversion %d). Opdatér Feltsag, og prøv igen.", v),
		fmt.Sprintf("The local data was saved by a newer version of Feltsag (data version %d). Update Feltsag and try again.", v))
}

// errMigration names only the backup's file name (beside the data file),
// not the full path of the user's folders.
func errMigration(backup string, cause error) error {
	name := filepath.Base(backup)
	return app.Errorf(app.CodeInternal, RuleMigration,
		"De lokale data kunne ikke opdateres til denne udgave af Feltsag. Intet er tabt: en kopi ligger ved siden af datafilen ("+name+"). Oplys fejlkoden store-migrering til IT-support.",
		"The local data could not be upgraded for this version of Feltsag. Nothing is lost: a copy is kept beside the data file ("+name+"). Give IT support the error code store-migrering.").Wrap(cause)
}

func errUnsent(n int) error {
	return app.Errorf(app.CodeConflict, RuleUnsent,
		fmt.Sprintf("Sagen har %d ændringer, der ikke er sendt endnu, og kan ikke fjernes fra computeren. Synkronisér først; sagen fjernes derefter.", n),
		fmt.Sprintf("The case has %d changes not yet sent and cannot be removed from this computer. Sync first; the case is removed afterwards.", n))
}

func errDuplicate() error {
	return app.Errorf(app.CodeConflict, RuleDuplicate,
		"Ændringen er allerede gemt. Du behøver ikke gemme den igen.",
		"The change is already saved. You do not need to save it again.").WithField("id")
}

func errCaseUnknown() error {
	return app.Errorf(app.CodeNotFound, RuleCaseUnknown,
		"Sagen findes ikke på denne computer. Synkronisér, eller tjek at sagen stadig er tildelt dig.",
		"The case is not on this computer. Sync, or check that the case is still assigned to you.")
}

func errCaseExists() error {
	return app.Errorf(app.CodeConflict, RuleCaseExists,
		"Sagen findes allerede på denne computer.",
		"The case already exists on this computer.")
}

func errAccess(cause error) error {
	return app.Errorf(app.CodeInternal, RuleAccess,
		"Feltsag har ikke adgang til sine lokale data. Kontakt IT-support (filrettigheder).",
		"Feltsag has no access to its local data. Contact IT support (file permissions).").Wrap(cause)
}

// errCommandUnknown is returned by Ack for a command id the device never
// saved (or whose case was purged).
func errCommandUnknown() error {
	return app.Errorf(app.CodeNotFound, RuleCommandUnknown,
		"Ændringen findes ikke i køen af ændringer, der venter på at blive sendt.",
		"The change is not in the queue of changes waiting to be sent.")
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
