package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode"
)

// node is one JSON value of a frame, parsed by the pre-pass. Objects keep
// their members in order.
type node struct {
	kind byte   // '{' object, '[' array, 's' string, 'n' number, 'b' bool, '0' null
	text string // a string's value, a number's literal, "true"/"false"
	keys []string
	kids []*node // members' values (objects) or elements (arrays)
}

// parser builds the node tree with json.Decoder.Token, checking as it
// goes what must be checked before anything is assigned: depth, lengths,
// numbers and duplicate or case-variant keys. path holds the segments of
// the current value's path; it is joined only for an error.
type parser struct {
	dec  *json.Decoder
	path []seg
}

// seg is one step of a path: a member name, or an element index when key
// is empty and i ≥ 0. Paths are joined only for an error, so a frame that
// is read costs no string building.
type seg struct {
	key string
	i   int
}

func member(k string) seg { return seg{key: k, i: -1} }
func element(i int) seg   { return seg{i: i} }

// joinPath writes a path as "body.commands[3].seq".
func joinPath(path []seg) string {
	var b strings.Builder
	for _, s := range path {
		if s.i >= 0 {
			b.WriteString("[" + strconv.Itoa(s.i) + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s.key)
	}
	return b.String()
}

// parse reads exactly one JSON value from b and nothing after it.
func parse(b []byte) (*node, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	p := &parser{dec: dec}
	n, err := p.value(0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, frameErr("wire.trailing_data")
	}
	return n, nil
}

func (p *parser) where() string { return joinPath(p.path) }

// syntax returns the refusal for a failure of the tokenizer.
func (p *parser) syntax(err error) error {
	off := p.dec.InputOffset()
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off = se.Offset
	}
	return frameErr("wire.syntax", "tegn", strconv.FormatInt(off+1, 10))
}

func (p *parser) value(depth int) (*node, error) {
	tok, err := p.dec.Token()
	if err != nil {
		return nil, p.syntax(err)
	}
	switch t := tok.(type) {
	case json.Delim:
		if depth >= MaxDepth {
			return nil, refuse(p.where(), "wire.depth", "max", strconv.Itoa(MaxDepth))
		}
		if t == '{' {
			return p.object(depth + 1)
		}
		return p.array(depth + 1)
	case string:
		return &node{kind: 's', text: t}, nil
	case json.Number:
		if !numberOK(string(t)) {
			return nil, refuse(p.where(), "wire.number")
		}
		return &node{kind: 'n', text: string(t)}, nil
	case bool:
		return &node{kind: 'b', text: strconv.FormatBool(t)}, nil
	}
	return &node{kind: '0'}, nil
}

// smallObject is the size up to which duplicate keys are found by
// comparing each pair; larger objects use a map of folded keys.
const smallObject = 16

func (p *parser) object(depth int) (*node, error) {
	n := &node{kind: '{'}
	var folded map[string]string
	for p.dec.More() {
		tok, err := p.dec.Token()
		if err != nil {
			return nil, p.syntax(err)
		}
		key, _ := tok.(string) // More and Token guarantee a key here
		if len(n.keys) >= MaxArray {
			return nil, refuse(p.where(), "wire.array_too_long", "max", strconv.Itoa(MaxArray))
		}
		if err := p.unique(n.keys, &folded, key); err != nil {
			return nil, err
		}
		p.path = append(p.path, member(key))
		v, err := p.value(depth)
		if err != nil {
			return nil, err
		}
		p.path = p.path[:len(p.path)-1]
		n.keys = append(n.keys, key)
		n.kids = append(n.kids, v)
	}
	if _, err := p.dec.Token(); err != nil {
		return nil, p.syntax(err)
	}
	return n, nil
}

// unique refuses key when the object already has it, or has a key that
// differs from it only in case: encoding/json matches field names without
// regard to case (Unicode simple folding, so "ſ" is "s" and "K" is "k"),
// and a second spelling could smuggle a second value past a reviewer or a
// less lenient decoder.
func (p *parser) unique(keys []string, folded *map[string]string, key string) error {
	clash := func(prev string) error {
		kp := joinPath(append(p.path[:len(p.path):len(p.path)], member(key)))
		if prev == key {
			return refuse(kp, "wire.duplicate_key")
		}
		return refuse(kp, "wire.case_key", "noegle", prev)
	}
	if len(keys) < smallObject {
		for _, k := range keys {
			if strings.EqualFold(k, key) {
				return clash(k)
			}
		}
		return nil
	}
	if *folded == nil {
		*folded = make(map[string]string, 2*len(keys))
		for _, k := range keys {
			(*folded)[fold(k)] = k
		}
	}
	f := fold(key)
	if prev, ok := (*folded)[f]; ok {
		return clash(prev)
	}
	(*folded)[f] = key
	return nil
}

func (p *parser) array(depth int) (*node, error) {
	n := &node{kind: '['}
	for p.dec.More() {
		if len(n.kids) >= MaxArray {
			return nil, refuse(p.where(), "wire.array_too_long", "max", strconv.Itoa(MaxArray))
		}
		p.path = append(p.path, element(len(n.kids)))
		v, err := p.value(depth)
		if err != nil {
			return nil, err
		}
		p.path = p.path[:len(p.path)-1]
		n.kids = append(n.kids, v)
	}
	if _, err := p.dec.Token(); err != nil {
		return nil, p.syntax(err)
	}
	return n, nil
}

// fold maps s to one spelling per class of keys that strings.EqualFold
// finds equal: each rune becomes the smallest rune of its case-folding
// orbit, lower-cased when that is an ASCII letter.
func fold(s string) string {
	plain := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 || c >= 'A' && c <= 'Z' {
			plain = false
			break
		}
	}
	if plain {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		m := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			m = min(m, f)
		}
		if m >= 'A' && m <= 'Z' {
			m += 'a' - 'A'
		}
		b.WriteRune(m)
	}
	return b.String()
}

// numberOK accepts a JSON number literal that a 64-bit peer reads without
// loss of range: an integer that fits int64 or uint64, or any other number
// that is finite as a float64. 1e309 and 18446744073709551616 (2^64) fail.
func numberOK(s string) bool {
	if strings.ContainsAny(s, ".eE") {
		_, err := strconv.ParseFloat(s, 64)
		return err == nil
	}
	if _, err := strconv.ParseInt(s, 10, 64); err == nil {
		return true
	}
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil
}
