package assets

import (
	"embed"
	"io/fs"
)

// The document font: DejaVu Sans 2.37 from Debian's fonts-dejavu-core,
// unmodified, under the Bitstream Vera licence in fonts/LICENSE-DejaVu.txt.
// It covers æ, ø, å and the Latin scripts a citizen's name may use; docs/pdf.md
// explains why it was chosen over the Go fonts.
const (
	FontRegular = "DejaVuSans.ttf"
	FontBold    = "DejaVuSans-Bold.ttf"
	FontLicense = "LICENSE-DejaVu.txt"
)

//go:embed fonts/*.ttf fonts/LICENSE-DejaVu.txt
var fontsFS embed.FS

// Fonts returns the document fonts and their licence (FontRegular, FontBold,
// FontLicense) as a file system rooted at the fonts directory. fs.ReadFile
// returns a fresh copy, so callers may keep what they read.
func Fonts() fs.FS {
	sub, err := fs.Sub(fontsFS, "fonts")
	if err != nil {
		panic(err) // the directory is embedded at build time
	}
	return sub
}
