package pdf

import (
	"encoding/binary"
	"errors"
	"io/fs"
	"strings"
	"unicode"

	"codeberg.org/go-pdf/fpdf"

	"feltsag.dk/feltsag/assets"
)

// family is the font family name registered in every document (regular
// and bold).
const family = "dejavu"

// repertoire is what the documents can print: the Latin scripts a
// citizen's or a company's name may use (Danish, the rest of Europe,
// Turkish, Vietnamese), combining accents, punctuation, currency, arrows
// and simple shapes. Greek, Cyrillic and the scripts fpdf cannot shape
// (Arabic, Indic) are left out; CPR-registered names are in Latin letters.
var repertoire = [][2]rune{
	{0x0020, 0x007e}, // Basic Latin
	{0x00a0, 0x024f}, // Latin-1 Supplement, Latin Extended-A and -B
	{0x02b0, 0x02ff}, // spacing modifier letters (ˆ ˇ ˘ ˚ ˝)
	{0x0300, 0x036f}, // combining diacritical marks
	{0x1e00, 0x1eff}, // Latin Extended Additional
	{0x2000, 0x206f}, // general punctuation (– — ‘ ’ “ ” • …)
	{0x20a0, 0x20c0}, // currency (€)
	{0x2100, 0x214f}, // letterlike symbols (№ ™)
	{0x2190, 0x21ff}, // arrows
	{0x2200, 0x22ff}, // mathematical operators (− ≤ ≥)
	{0x25a0, 0x25ff}, // geometric shapes (■ □ ●)
}

// fontSet is the document font cut to the repertoire once; every
// document parses the cut font itself (fpdf has no way to share a parsed
// font between documents; docs/pdf.md).
type fontSet struct {
	regular, bold []byte
	has           []bool // has[r]: the cut fonts have a glyph for rune r
}

// loadFonts reads DejaVu Sans from the assets, finds which runes of the
// repertoire it covers and cuts both styles down to them. A full DejaVu
// Sans holds 6,000 glyphs; the cut font about 1,500, which makes fpdf's
// per-document parsing and subsetting cheaper (docs/pdf.md has the
// numbers).
func loadFonts() (*fontSet, error) {
	regular, err := fs.ReadFile(assets.Fonts(), assets.FontRegular)
	if err != nil {
		return nil, err
	}
	bold, err := fs.ReadFile(assets.Fonts(), assets.FontBold)
	if err != nil {
		return nil, err
	}
	hasR, err := cmapCoverage(regular)
	if err != nil {
		return nil, err
	}
	hasB, err := cmapCoverage(bold)
	if err != nil {
		return nil, err
	}
	set := &fontSet{has: make([]bool, repertoire[len(repertoire)-1][1]+1)}
	var cut strings.Builder
	for _, rg := range repertoire {
		for r := rg[0]; r <= rg[1]; r++ {
			if hasR[r] && hasB[r] {
				set.has[r] = true
				cut.WriteRune(r)
			}
		}
	}
	set.regular = fpdf.UTF8CutFont(regular, cut.String())
	set.bold = fpdf.UTF8CutFont(bold, cut.String())
	if len(set.regular) == 0 || len(set.bold) == 0 {
		return nil, errors.New("pdf: cutting the font failed")
	}
	return set, nil
}

// add registers both styles in a new document through fpdf's public API,
// which parses the cut font.
func (fo *fontSet) add(f *fpdf.Fpdf) {
	f.AddUTF8FontFromBytes(family, "", fo.regular)
	f.AddUTF8FontFromBytes(family, "B", fo.bold)
}

// clean makes s printable and masks every CPR number in it, in that
// order: first the text becomes exactly what the page will show (see
// printRune), then anything shaped like a CPR number in it is masked (see
// maskCPR). Masking last matters: a soft hyphen, zero-width space, BOM or
// control character between the digits would hide the number from the
// masker and then vanish from the page, leaving ten plain digits.
func (fo *fontSet) clean(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	onLetter := false // the last rune written is a letter or a mark on one
	for i, r := range s {
		out := fo.printRune(r, onLetter)
		if r == '\r' && strings.HasPrefix(s[i+1:], "\n") {
			out = -1
		}
		if out < 0 {
			continue
		}
		b.WriteRune(out)
		onLetter = unicode.IsLetter(out) || onLetter && isMark(out)
	}
	return maskCPR(b.String())
}

// printRune returns what r becomes on paper, or -1 when it is dropped:
// '\r' becomes '\n' (the caller drops the '\r' of "\r\n"), tabs and the
// spaces the font lacks become ' ', line and paragraph separators '\n';
// invisible characters go, and so do combining marks on anything but a
// letter (a mark on a digit hides nothing from a reader but the digit
// from the masker); runes the font lacks become '?'.
func (fo *fontSet) printRune(r rune, onLetter bool) rune {
	switch {
	case r == '\n':
		return r
	case r == '\r', r == '\u2028', r == '\u2029':
		return '\n'
	case r == '\t':
		return ' '
	case invisible(r), isMark(r) && !onLetter:
		return -1
	case int(r) < len(fo.has) && fo.has[r]:
		return r
	case unicode.IsSpace(r):
		return ' '
	}
	return '?'
}

// invisible reports whether r prints as nothing: control characters
// (C0, DEL, C1), format characters (soft hyphen, zero-width space and
// joiners, word joiner, BOM, bidi marks and isolates, invisible operators,
// tags) and the other default-ignorable code points (variation selectors,
// the combining grapheme joiner, Hangul fillers).
func invisible(r rune) bool {
	if r < 0x7f { // ASCII, most of every text: only the C0 controls
		return r < 0x20
	}
	return unicode.IsControl(r) ||
		unicode.In(r, unicode.Cf, unicode.Variation_Selector, unicode.Other_Default_Ignorable_Code_Point)
}

// isMark reports whether r is a combining mark that draws on the rune
// before it (none comes before U+0300).
func isMark(r rune) bool { return r >= 0x300 && unicode.In(r, unicode.Mn, unicode.Me) }

// cmapCoverage returns, for every rune up to the end of the repertoire,
// whether the TrueType font ttf maps it to a glyph. It reads the Unicode
// BMP subtable (platform 3 encoding 1 or platform 0, format 4), the one
// fpdf itself uses.
func cmapCoverage(ttf []byte) ([]bool, error) {
	sub, err := cmapFormat4(ttf)
	if err != nil {
		return nil, err
	}
	max := int(repertoire[len(repertoire)-1][1])
	has := make([]bool, max+1)
	u16 := func(off int) int { return int(binary.BigEndian.Uint16(sub[off:])) }
	segX2 := u16(6)
	if 14+4*segX2+2 > len(sub) {
		return nil, errors.New("pdf: font cmap truncated")
	}
	ends, starts, deltas, ranges := 14, 16+segX2, 16+2*segX2, 16+3*segX2
	for s := 0; s < segX2; s += 2 {
		end, start := u16(ends+s), u16(starts+s)
		delta, ro := u16(deltas+s), u16(ranges+s)
		for c := start; c <= end && c <= max; c++ {
			g := (c + delta) & 0xffff
			if ro != 0 {
				off := ranges + s + ro + 2*(c-start)
				if off+2 > len(sub) {
					return nil, errors.New("pdf: font cmap truncated")
				}
				g = u16(off)
				if g != 0 {
					g = (g + delta) & 0xffff
				}
			}
			has[c] = g != 0
		}
	}
	return has, nil
}

// cmapFormat4 returns the bytes of the font's format 4 Unicode cmap
// subtable, from its start to the end of the font.
func cmapFormat4(ttf []byte) ([]byte, error) {
	bad := errors.New("pdf: not a TrueType font with a Unicode cmap")
	if len(ttf) < 12 {
		return nil, bad
	}
	n := int(binary.BigEndian.Uint16(ttf[4:]))
	for i := 0; i < n; i++ {
		rec := 12 + 16*i
		if rec+16 > len(ttf) {
			return nil, bad
		}
		if string(ttf[rec:rec+4]) != "cmap" {
			continue
		}
		cmap := int(binary.BigEndian.Uint32(ttf[rec+8:]))
		if cmap+4 > len(ttf) {
			return nil, bad
		}
		tables := int(binary.BigEndian.Uint16(ttf[cmap+2:]))
		for t := 0; t < tables; t++ {
			e := cmap + 4 + 8*t
			if e+8 > len(ttf) {
				return nil, bad
			}
			plat, enc := binary.BigEndian.Uint16(ttf[e:]), binary.BigEndian.Uint16(ttf[e+2:])
			off := cmap + int(binary.BigEndian.Uint32(ttf[e+4:]))
			if (plat == 3 && enc == 1 || plat == 0) && off+14 <= len(ttf) && binary.BigEndian.Uint16(ttf[off:]) == 4 {
				return ttf[off:], nil
			}
		}
	}
	return nil, bad
}
