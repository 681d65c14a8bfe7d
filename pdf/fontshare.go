package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"time"
	"unsafe"

	"codeberg.org/go-pdf/fpdf"
)

// fontShare lets every document reuse the fonts fpdf parsed once.
//
// fpdf has no API to share a parsed font: AddUTF8FontFromBytes parses the
// TrueType file and then hashes the whole font definition (a JSON encoding
// of a 65,536-entry width table) for every document, about 4 ms for the two
// styles, a third of a three-page plan (docs/pdf.md). The parsed definition
// lives in the document's unexported fonts map. fontShare parses the fonts
// once in a template document and copies the definitions into each new
// document's map through reflection, giving each document its own copies of
// the parts fpdf changes while writing (the set of used runes, the subsetter's
// state and its file reader) and sharing only what it reads (the width table
// and the font bytes).
//
// This reaches into fpdf's internals, so it defends itself: newFontShare
// checks every field it needs, and a probe document must come out byte for
// byte the same with shared and freshly parsed fonts. If anything differs —
// a new fpdf version, say — sharing is off and documents parse the fonts
// themselves: slower, never wrong. TestFontShare says which way it went.
type fontShare struct {
	defs  map[string]reflect.Value // fpdf font key → parsed font definition
	bytes map[string][]byte        // fpdf font key → the TrueType bytes it was parsed from
}

// newFontShare parses fo's fonts once and checks that sharing them
// reproduces fpdf's own output. It returns nil and the reason when it
// cannot be used.
func newFontShare(fo *fontSet) (share *fontShare, err error) {
	defer func() {
		if p := recover(); p != nil {
			share, err = nil, fmt.Errorf("pdf: font sharing: %v", p)
		}
	}()
	tmpl := fpdf.New("P", "mm", "A4", "")
	fo.parse(tmpl)
	fonts, err := field(reflect.ValueOf(tmpl).Elem(), "fonts", reflect.Map)
	if err != nil {
		return nil, err
	}
	s := &fontShare{defs: map[string]reflect.Value{}, bytes: map[string][]byte{family: fo.regular, family + "B": fo.bold}}
	for key := range s.bytes {
		def := fonts.MapIndex(reflect.ValueOf(key))
		if !def.IsValid() {
			return nil, fmt.Errorf("pdf: font sharing: no font %q after parsing", key)
		}
		if err := checkDef(def); err != nil {
			return nil, err
		}
		s.defs[key] = def
	}
	if fonts.Len() != len(s.defs) {
		return nil, errors.New("pdf: font sharing: unexpected fonts after parsing")
	}
	if err := s.probe(fo); err != nil {
		return nil, err
	}
	return s, nil
}

// checkDef checks that a font definition has the fields inject copies.
func checkDef(v reflect.Value) error {
	if v.Kind() != reflect.Struct {
		return errors.New("pdf: font sharing: a font definition is not a struct")
	}
	def := reflect.New(v.Type()).Elem() // addressable, as in inject
	def.Set(v)
	if _, err := field(def, "usedRunes", reflect.Map); err != nil {
		return err
	}
	uf, err := field(def, "utf8File", reflect.Pointer)
	if err != nil || uf.IsNil() || uf.Elem().Kind() != reflect.Struct {
		return errors.Join(err, errors.New("pdf: font sharing: no parsed TrueType file"))
	}
	fr, err := field(uf.Elem(), "fileReader", reflect.Pointer)
	if err != nil || fr.Type().Elem().Kind() != reflect.Struct {
		return errors.Join(err, errors.New("pdf: font sharing: no file reader"))
	}
	_, err = field(reflect.New(fr.Type().Elem()).Elem(), "array", reflect.Slice)
	return err
}

// field returns the (possibly unexported) field name of the struct v as a
// settable value, checking its kind.
func field(v reflect.Value, name string, kind reflect.Kind) (reflect.Value, error) {
	f := v.FieldByName(name)
	if !f.IsValid() || f.Kind() != kind || !f.CanAddr() {
		return reflect.Value{}, fmt.Errorf("pdf: font sharing: field %s of %s missing or changed", name, v.Type())
	}
	return reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem(), nil
}

// inject puts fresh copies of the parsed fonts into a new document.
func (s *fontShare) inject(f *fpdf.Fpdf) {
	dst, _ := field(reflect.ValueOf(f).Elem(), "fonts", reflect.Map)
	for key, def := range s.defs {
		d := reflect.New(def.Type()).Elem()
		d.Set(def)
		runes, _ := field(d, "usedRunes", reflect.Map)
		runes.Set(cloneMap(runes))
		file, _ := field(d, "utf8File", reflect.Pointer)
		fileCopy := reflect.New(file.Type().Elem())
		fileCopy.Elem().Set(file.Elem())
		reader, _ := field(fileCopy.Elem(), "fileReader", reflect.Pointer)
		readerCopy := reflect.New(reader.Type().Elem())
		array, _ := field(readerCopy.Elem(), "array", reflect.Slice)
		array.Set(reflect.ValueOf(s.bytes[key]))
		reader.Set(readerCopy)
		file.Set(fileCopy)
		dst.SetMapIndex(reflect.ValueOf(key), d)
	}
}

func cloneMap(m reflect.Value) reflect.Value {
	c := reflect.MakeMapWithSize(m.Type(), m.Len())
	for it := m.MapRange(); it.Next(); {
		c.SetMapIndex(it.Key(), it.Value())
	}
	return c
}

// probe renders a small document with fonts parsed by fpdf and with shared
// fonts, twice, and requires the same bytes every time.
func (s *fontShare) probe(fo *fontSet) error {
	own := probeDoc(fo.parse)
	if own == nil {
		return errors.New("pdf: font sharing: the probe document failed")
	}
	for range 2 {
		if !bytes.Equal(probeDoc(s.inject), own) {
			return errors.New("pdf: font sharing: shared fonts change the output")
		}
	}
	return nil
}

var probeTime = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// probeDoc is a one-page document in both styles with æ, ø, å and
// characters from the edges of the repertoire.
func probeDoc(addFonts func(*fpdf.Fpdf)) []byte {
	f := fpdf.New("P", "mm", "A4", "")
	f.SetCatalogSort(true)
	f.SetCreationDate(probeTime)
	f.SetModificationDate(probeTime)
	addFonts(f)
	f.AddPage()
	f.SetFont(family, "B", 12)
	f.CellFormat(0, 6, "Æble, Ø og Å – Yılmaz, Şahin, Łódź, Nguyễn €", "", 1, "L", false, 0, "")
	f.SetFont(family, "", 10)
	f.CellFormat(0, 6, "æøå ÆØÅ • “citat” … ≤ ≥ → ■ №", "", 1, "L", false, 0, "")
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		return nil
	}
	return buf.Bytes()
}
