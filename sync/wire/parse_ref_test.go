package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strconv"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
)

// refParser is the frame parser as it was first written, on
// json.Decoder.Token: the reference the scanner of parse.go must match.
type refParser struct {
	dec  *json.Decoder
	path []seg
}

func parseTokens(b []byte) (*node, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	p := &refParser{dec: dec}
	n, err := p.value(0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, frameErr("wire.trailing_data")
	}
	return n, nil
}

// syntax returns the refusal for a failure of the tokenizer.
func (p *refParser) syntax(err error) error {
	off := p.dec.InputOffset()
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off = se.Offset
	}
	return frameErr("wire.syntax", "tegn", strconv.FormatInt(off+1, 10))
}

func (p *refParser) value(depth int) (*node, error) {
	tok, err := p.dec.Token()
	if err != nil {
		return nil, p.syntax(err)
	}
	switch t := tok.(type) {
	case json.Delim:
		if depth >= MaxDepth {
			return nil, refuse(joinPath(p.path), "wire.depth", "max", strconv.Itoa(MaxDepth))
		}
		if t == '{' {
			return p.object(depth + 1)
		}
		return p.array(depth + 1)
	case string:
		return &node{kind: 's', text: t}, nil
	case json.Number:
		if !numberOK(string(t)) {
			return nil, refuse(joinPath(p.path), "wire.number")
		}
		return &node{kind: 'n', text: string(t)}, nil
	case bool:
		return &node{kind: 'b', text: strconv.FormatBool(t)}, nil
	}
	return &node{kind: '0'}, nil
}

func (p *refParser) object(depth int) (*node, error) {
	n := &node{kind: '{'}
	var folded map[string]string
	for p.dec.More() {
		tok, err := p.dec.Token()
		if err != nil {
			return nil, p.syntax(err)
		}
		key, _ := tok.(string) // More and Token guarantee a key here
		if len(n.keys) >= MaxArray {
			return nil, refuse(joinPath(p.path), "wire.array_too_long", "max", strconv.Itoa(MaxArray))
		}
		if err := (&parser{path: p.path}).unique(n.keys, &folded, key); err != nil {
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

func (p *refParser) array(depth int) (*node, error) {
	n := &node{kind: '['}
	for p.dec.More() {
		if len(n.kids) >= MaxArray {
			return nil, refuse(joinPath(p.path), "wire.array_too_long", "max", strconv.Itoa(MaxArray))
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

// FuzzParseMatchesTokens: for any bytes, parse and the Token walk it
// replaced agree: the same tree, or refusals with the same key and field
// (the syntax error's position may differ: the scanner names the byte
// where it stopped).
func FuzzParseMatchesTokens(f *testing.F) {
	for _, s := range []string{
		`{"v":1,"type":"ping","id":"r1","body":{}}`, `{}`, `[]`, `[1,2,]`, `{"a":1,}`, `{"a" 1}`, `{"a":1 "b":2}`,
		`"x"`, `1x`, `01`, `-`, `-0`, `1.`, `1.5e`, `1e+5`, `-12.5E-3`, `1e309`, `18446744073709551616`, `-9223372036854775809`,
		`tru`, `truex`, `nul`, `null`, `[true,false,null]`, `{"a":"\u00e6\ud83d\ude00\n\"\\\/"}`, `"\x"`, `"\u12g4"`,
		"\"a\tb\"", "\"\x01\"", `{"a":1,"A":2}`, `{"a":1,"a":2}`, ` {"a" : [ 1 , { } ] } `, "{\"a\":1}\n", `{"a":1}{}`,
		"\"\xff\"", `[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`, ``, ` `, `{"":0}`, `"\ud800"`,
	} {
		f.Add([]byte(s))
	}
	at := time.Date(2026, 3, 12, 9, 30, 0, 0, time.UTC)
	data, _ := json.Marshal(&app.Sag{ID: "sag-1", Version: 2, Borger: app.Borger{Navn: "Søren Ærø"},
		Notater: []app.Notat{{ID: "n1", Tekst: "Opfølgning \"citat\" æøå", Tid: at}}})
	for _, m := range []Message{
		&Hello{Device: "dev-1", AppVersion: "1.0.0"},
		&Push{Commands: []PushCommand{{Seq: 1, Command: app.Command{ID: "c1", Sag: "sag-1", At: at,
			Actor: app.Actor{Rolle: app.RolleSagsbehandler, ID: "cw1"}, Body: &app.TilfoejNotat{NotatID: "n2", Tekst: "tekst\nlinje"}}, Base: 1}}},
		&Changes{Page: app.Page{Records: []app.Record{{Kind: app.RecordSag, ID: "sag-1", Version: 2, Seq: 7, Data: data}}, Cursor: app.Cursor{Epoch: 1, Seq: 7}}},
	} {
		if b, err := Encode(Frame{ID: "r1", Body: m}); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, gerr := parse(b)
		want, werr := parseTokens(b)
		if (gerr == nil) != (werr == nil) {
			t.Fatalf("parse(%q): error %v; Token walk: %v", b, gerr, werr)
		}
		if gerr != nil {
			g, w := app.AsError(gerr), app.AsError(werr)
			if g.Key != w.Key || g.Field != w.Field {
				t.Fatalf("parse(%q): %s at %q; Token walk: %s at %q", b, g.Key, g.Field, w.Key, w.Field)
			}
			return
		}
		if err := checkSpans(b, got); err != nil {
			t.Fatalf("parse(%q): %v", b, err)
		}
		clearSpans(got)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("parse(%q): trees differ\n%+v\n%+v", b, got, want)
		}
	})
}

// checkSpans checks that every object's and array's span covers exactly
// its JSON text in b.
func checkSpans(b []byte, n *node) error {
	if n.kind == '{' || n.kind == '[' {
		s, e := n.span[0], n.span[1]
		if s < 0 || e > len(b) || s >= e || b[s] != n.kind || b[e-1] != map[byte]byte{'{': '}', '[': ']'}[n.kind] || !json.Valid(b[s:e]) {
			return errors.New("span " + strconv.Itoa(s) + ":" + strconv.Itoa(e) + " is not the value")
		}
	}
	for _, k := range n.kids {
		if err := checkSpans(b, k); err != nil {
			return err
		}
	}
	return nil
}

func clearSpans(n *node) {
	n.span = [2]int{}
	for _, k := range n.kids {
		clearSpans(k)
	}
}
