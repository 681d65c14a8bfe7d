package store

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"

	"feltsag.dk/feltsag/app"
)

// DefaultPath returns where a caseworker's replica lives on this device:
// the OS's local (never roaming, never cache) application-data folder,
//
//	Linux and BSD: $XDG_DATA_HOME/feltsag, else ~/.local/share/feltsag
//	Windows:       %LOCALAPPDATA%\Feltsag
//	macOS:         ~/Library/Application Support/Feltsag
//
// and a file name made of opaque ids only, never a name or CPR number:
// feltsag-<caseworker-id>-<device-id>.db. A setting or flag in cmd may
// choose another path.
//
// Errors: invalid for a malformed id; internal when the OS reports no home
// or local app-data folder.
func DefaultPath(caseworkerID, deviceID app.ID) (string, error) {
	home, _ := os.UserHomeDir()
	return defaultPath(runtime.GOOS, os.Getenv, home, caseworkerID, deviceID)
}

func defaultPath(goos string, getenv func(string) string, home string, cw, dev app.ID) (string, error) {
	for field, id := range map[string]app.ID{"caseworker": cw, "device": dev} {
		if err := id.Validate(); err != nil {
			return "", app.AsError(err).WithField(field)
		}
	}
	dir, err := dataDir(goos, getenv, home)
	if err != nil {
		return "", app.Internal(err)
	}
	return filepath.Join(dir, "feltsag-"+string(cw)+"-"+string(dev)+".db"), nil
}

func dataDir(goos string, getenv func(string) string, home string) (string, error) {
	switch goos {
	case "windows":
		if d := getenv("LOCALAPPDATA"); d != "" {
			return filepath.Join(d, "Feltsag"), nil
		}
		if home != "" {
			return filepath.Join(home, "AppData", "Local", "Feltsag"), nil
		}
	case "darwin", "ios":
		if home != "" {
			return filepath.Join(home, "Library", "Application Support", "Feltsag"), nil
		}
	default:
		if d := getenv("XDG_DATA_HOME"); filepath.IsAbs(d) {
			return filepath.Join(d, "feltsag"), nil
		}
		if home != "" {
			return filepath.Join(home, ".local", "share", "feltsag"), nil
		}
	}
	return "", errors.New("no home or local application-data folder")
}
