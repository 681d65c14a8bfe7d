package wire

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// node is one JSON value of a frame, parsed by the pre-pass. Objects keep
// their members in order.
type node struct {
	kind byte   // '{' object, '[' array, 's' string, 'n' number, 'b' bool, '0' null
	text string // a string's value, a number's literal, "true"/"false"
	keys []string
	kids []*node // members' values (objects) or elements (arrays)
	// span is where an object or array lies in the frame, [start, end):
	// decodeBody hands the body's bytes to encoding/json without a
	// second walk over the whole frame to find them.
	span [2]int
}

// parser builds the node tree with a scanner of its own over the frame's
// bytes, checking as it goes what must be checked before anything is
// assigned: JSON syntax (RFC 8259), depth, lengths, numbers and duplicate
// or case-variant keys. path holds the segments of the current value's
// path; it is joined only for an error. It accepts exactly what
// json.Decoder's Token walk accepts and builds the same tree
// (FuzzParseMatchesTokens holds it to that), at a fraction of the cost: a
// first sync decodes some 25 MB of frames.
type parser struct {
	b    []byte
	i    int
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
	p := &parser{b: b}
	p.space()
	n, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.space()
	if p.i != len(p.b) {
		return nil, frameErr("wire.trailing_data")
	}
	return n, nil
}

func (p *parser) where() string { return joinPath(p.path) }

// syntax returns the refusal for bytes that are not JSON, at the parser's
// position.
func (p *parser) syntax() error {
	return frameErr("wire.syntax", "tegn", strconv.Itoa(p.i+1))
}

// space skips JSON whitespace.
func (p *parser) space() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// value reads one value; the parser stands on its first byte.
func (p *parser) value(depth int) (*node, error) {
	if p.i >= len(p.b) {
		return nil, p.syntax()
	}
	switch c := p.b[p.i]; {
	case c == '{' || c == '[':
		if depth >= MaxDepth {
			return nil, refuse(p.where(), "wire.depth", "max", strconv.Itoa(MaxDepth))
		}
		start := p.i
		p.i++
		var n *node
		var err error
		if c == '{' {
			n, err = p.object(depth + 1)
		} else {
			n, err = p.array(depth + 1)
		}
		if err != nil {
			return nil, err
		}
		n.span = [2]int{start, p.i}
		return n, nil
	case c == '"':
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		return &node{kind: 's', text: s}, nil
	case c == '-' || c >= '0' && c <= '9':
		t, err := p.number()
		if err != nil {
			return nil, err
		}
		if !numberOK(t) {
			return nil, refuse(p.where(), "wire.number")
		}
		return &node{kind: 'n', text: t}, nil
	case c == 't':
		return p.literal("true", &node{kind: 'b', text: "true"})
	case c == 'f':
		return p.literal("false", &node{kind: 'b', text: "false"})
	case c == 'n':
		return p.literal("null", &node{kind: '0'})
	}
	return nil, p.syntax()
}

func (p *parser) literal(word string, n *node) (*node, error) {
	if !bytes.HasPrefix(p.b[p.i:], []byte(word)) {
		for k := 0; k < len(word) && p.i < len(p.b) && p.b[p.i] == word[k]; k++ {
			p.i++ // the error points at the first wrong byte
		}
		return nil, p.syntax()
	}
	p.i += len(word)
	return n, nil
}

// number reads a number literal: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (p *parser) number() (string, error) {
	start := p.i
	if p.b[p.i] == '-' {
		p.i++
	}
	switch {
	case p.i < len(p.b) && p.b[p.i] == '0':
		p.i++
	case p.i < len(p.b) && p.b[p.i] >= '1' && p.b[p.i] <= '9':
		p.digits()
	default:
		return "", p.syntax()
	}
	if p.i < len(p.b) && p.b[p.i] == '.' {
		p.i++
		if !p.digits() {
			return "", p.syntax()
		}
	}
	if p.i < len(p.b) && (p.b[p.i] == 'e' || p.b[p.i] == 'E') {
		p.i++
		if p.i < len(p.b) && (p.b[p.i] == '+' || p.b[p.i] == '-') {
			p.i++
		}
		if !p.digits() {
			return "", p.syntax()
		}
	}
	return string(p.b[start:p.i]), nil
}

// digits skips one or more digits and reports whether there was one.
func (p *parser) digits() bool {
	start := p.i
	for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
		p.i++
	}
	return p.i > start
}

// str reads a string; the parser stands on its opening quote. A string
// without escapes is its bytes; one with escapes is unquoted by
// encoding/json, so that escapes mean exactly what they mean to the typed
// decode after the walk.
func (p *parser) str() (string, error) {
	open := p.i
	p.i++
	escaped := false
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			raw := p.b[open+1 : p.i]
			p.i++
			if !escaped && utf8.Valid(raw) {
				return string(raw), nil
			}
			var s string
			if err := json.Unmarshal(p.b[open:p.i], &s); err != nil {
				return "", p.syntax()
			}
			return s, nil
		case c < 0x20:
			return "", p.syntax()
		case c == '\\':
			escaped = true
			p.i++
			if p.i >= len(p.b) {
				return "", p.syntax()
			}
			switch p.b[p.i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				for k := 0; k < 4; k++ {
					p.i++
					if p.i >= len(p.b) || !isHex(p.b[p.i]) {
						return "", p.syntax()
					}
				}
			default:
				return "", p.syntax()
			}
		}
		p.i++
	}
	return "", p.syntax()
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

// smallObject is the size up to which duplicate keys are found by
// comparing each pair; larger objects use a map of folded keys.
const smallObject = 16

func (p *parser) object(depth int) (*node, error) {
	n := &node{kind: '{'}
	var folded map[string]string
	p.space()
	if p.i < len(p.b) && p.b[p.i] == '}' {
		p.i++
		return n, nil
	}
	for {
		if p.i >= len(p.b) || p.b[p.i] != '"' {
			return nil, p.syntax()
		}
		key, err := p.str()
		if err != nil {
			return nil, err
		}
		if len(n.keys) >= MaxArray {
			return nil, refuse(p.where(), "wire.array_too_long", "max", strconv.Itoa(MaxArray))
		}
		if err := p.unique(n.keys, &folded, key); err != nil {
			return nil, err
		}
		p.space()
		if p.i >= len(p.b) || p.b[p.i] != ':' {
			return nil, p.syntax()
		}
		p.i++
		p.space()
		p.path = append(p.path, member(key))
		v, err := p.value(depth)
		if err != nil {
			return nil, err
		}
		p.path = p.path[:len(p.path)-1]
		n.keys = append(n.keys, key)
		n.kids = append(n.kids, v)
		p.space()
		if p.i >= len(p.b) {
			return nil, p.syntax()
		}
		switch p.b[p.i] {
		case ',':
			p.i++
			p.space()
		case '}':
			p.i++
			return n, nil
		default:
			return nil, p.syntax()
		}
	}
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
	p.space()
	if p.i < len(p.b) && p.b[p.i] == ']' {
		p.i++
		return n, nil
	}
	for {
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
		p.space()
		if p.i >= len(p.b) {
			return nil, p.syntax()
		}
		switch p.b[p.i] {
		case ',':
			p.i++
			p.space()
		case ']':
			p.i++
			return n, nil
		default:
			return nil, p.syntax()
		}
	}
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
