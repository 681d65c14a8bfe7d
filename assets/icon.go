package assets

import _ "embed"

//go:embed icon/Icon.png
var icon []byte

// Icon returns the application icon: a 512×512 PNG, the same file
// FyneApp.toml names for packaging. The slice is a fresh copy, so callers may
// keep or change it.
func Icon() []byte {
	return append([]byte(nil), icon...)
}
