package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"unicode/utf8"

	"feltsag.dk/feltsag/app"
)

// Frame is one message with its envelope. On the wire it is
//
//	{"v":1,"type":"push","id":"r17","body":{...}}
//
// ID is the request id: a request (hello, push, pull, resolve, ping,
// audit_upload, rules_request) carries one the sender chose, and the answer
// (welcome, ack, changes, resolved, pong, audit_ack, rules_bundle, or an
// error) repeats it. Messages that answer nothing (poke, conflict, wipe,
// an error about the session) have none.
type Frame struct {
	ID   app.ID
	Body Message
}

// Decode reads one frame of untrusted bytes strictly. In order, it refuses
// a frame longer than MaxFrame (before reading it), bytes that are not
// UTF-8 or escapes of lone UTF-16 surrogates, JSON syntax errors, anything
// after the frame's object, nesting deeper than MaxDepth, arrays or objects
// longer than MaxArray, numbers that are not finite or outside 64 bits,
// duplicate keys and keys that differ only in case (anywhere, opaque
// record data included), another protocol version, unknown message types,
// unknown fields (matched exactly, case included), values of the wrong
// type, malformed ids, times, dates and HLCs, unknown command kinds, and
// finally what each message's own rules refuse (required fields, allowed
// values, per-message limits such as MaxCommandsPerPush, order).
//
// Every refusal is an *app.Error with code invalid, a wire.* (or the
// domain's invalid.*) catalogue key and, where there is one, the path of
// the offending field ("body.commands[3].command.kind") in Field and as
// the parameter felt.
func Decode(b []byte) (Frame, error) {
	if len(b) > MaxFrame {
		return Frame{}, frameErr("wire.frame_too_large", "max", strconv.Itoa(MaxFrame))
	}
	if !utf8.Valid(b) {
		return Frame{}, frameErr("wire.utf8", "tegn", strconv.Itoa(invalidUTF8At(b)+1))
	}
	if at, ok := loneSurrogate(b); !ok {
		return Frame{}, frameErr("wire.utf8", "tegn", strconv.Itoa(at+1))
	}
	root, err := parse(b)
	if err != nil {
		return Frame{}, err
	}
	msg, id, body, err := envelope(root)
	if err != nil {
		return Frame{}, err
	}
	w := walker{fields: map[reflect.Type]map[string]fieldType{}, path: []seg{member("body")}}
	if err := w.walk(body, typeOfMessage(msg)); err != nil {
		return Frame{}, err
	}
	if err := decodeBody(b, body, msg); err != nil {
		return Frame{}, err
	}
	if err := msg.validate("body"); err != nil {
		return Frame{}, err
	}
	return Frame{ID: id, Body: msg}, nil
}

// envelope checks the frame's outer object and returns a zero message of
// its type, its request id and the body's node.
func envelope(root *node) (Message, app.ID, *node, error) {
	if root.kind != '{' {
		return nil, "", nil, frameErr("wire.not_object")
	}
	var v, typ, id, body *node
	for i, k := range root.keys {
		switch k {
		case "v":
			v = root.kids[i]
		case "type":
			typ = root.kids[i]
		case "id":
			id = root.kids[i]
		case "body":
			body = root.kids[i]
		default:
			return nil, "", nil, refuse(k, "wire.unknown_field")
		}
	}
	switch {
	case v == nil:
		return nil, "", nil, missing("v")
	case v.kind != 'n':
		return nil, "", nil, refuse("v", "wire.field_type")
	case v.text != strconv.Itoa(ProtocolVersion):
		return nil, "", nil, frameErr("wire.version", "version", clip(v.text), "supported", strconv.Itoa(ProtocolVersion))
	case typ == nil:
		return nil, "", nil, missing("type")
	case typ.kind != 's':
		return nil, "", nil, refuse("type", "wire.field_type")
	}
	msg := newMessage(typ.text)
	if msg == nil {
		return nil, "", nil, frameErr("wire.unknown_type", "type", clip(typ.text))
	}
	var rid app.ID
	if id != nil {
		if id.kind != 's' {
			return nil, "", nil, refuse("id", "wire.field_type")
		}
		rid = app.ID(id.text)
		if err := needID("id", rid); err != nil {
			return nil, "", nil, err
		}
	}
	if body == nil {
		return nil, "", nil, missing("body")
	}
	return msg, rid, body, nil
}

// clip shortens an untrusted text for an error parameter.
func clip(s string) string {
	if len(s) <= 32 {
		return s
	}
	for i := 32; i > 0; i-- {
		if utf8.RuneStart(s[i]) {
			return s[:i] + "…"
		}
	}
	return "…"
}

// decodeBody decodes the body of frame b, parsed as body, into msg. The
// walker has checked the shape already; this is encoding/json doing the
// assignment, with unknown fields refused as a second line of defence.
func decodeBody(b []byte, body *node, msg Message) error {
	raw := b[body.span[0]:body.span[1]]
	if body.span[1] == 0 { // not an object: the walker refuses it first
		var env struct {
			Body json.RawMessage `json:"body"`
		}
		if err := json.Unmarshal(b, &env); err != nil {
			return decodeErr(err, "")
		}
		raw = env.Body
	}
	if c, ok := msg.(*Changes); ok && body.span[1] != 0 {
		if done, err := decodeChanges(b, body, c); done || err != nil {
			return err
		}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(msg); err != nil {
		return decodeErr(err, "body")
	}
	return nil
}

// decodeChanges decodes a changes body with its records taken from the
// parsed tree: their data (2 KB cases, some 25 to a frame) is copied from
// the frame as it lies, not scanned twice more by encoding/json; the rest
// of the body, with an empty records array, goes to encoding/json. It
// handles only what it decodes exactly as encoding/json would — every
// record an object of the exact member names with values of the field's
// JSON type, integers in range, data an object or absent — and reports
// done false for anything else, which decodeBody then decodes (and
// refuses) the usual way.
func decodeChanges(b []byte, body *node, c *Changes) (done bool, err error) {
	var recs *node
	for i, k := range body.keys {
		if k == "records" {
			recs = body.kids[i]
		}
	}
	if recs == nil || recs.kind != '[' || recs.span[1] == 0 {
		return false, nil
	}
	out := make([]app.Record, len(recs.kids))
	for i, n := range recs.kids {
		if !recordOf(b, n, &out[i]) {
			return false, nil
		}
	}
	rest := make([]byte, 0, body.span[1]-body.span[0]-(recs.span[1]-recs.span[0])+2)
	rest = append(rest, b[body.span[0]:recs.span[0]]...)
	rest = append(rest, "[]"...)
	rest = append(rest, b[recs.span[1]:body.span[1]]...)
	dec := json.NewDecoder(bytes.NewReader(rest))
	dec.DisallowUnknownFields()
	if err := dec.Decode(c); err != nil {
		return false, nil // the usual path finds the error and its path
	}
	c.Records = out
	return true, nil
}

// recordOf fills r from the record object n of frame b, or reports false
// when n is not in the shape decodeChanges handles.
func recordOf(b []byte, n *node, r *app.Record) bool {
	if n.kind != '{' {
		return false
	}
	for i, k := range n.keys {
		v := n.kids[i]
		var err error
		switch k {
		case "kind":
			if v.kind != 's' {
				return false
			}
			r.Kind = v.text
		case "id":
			if v.kind != 's' {
				return false
			}
			r.ID = app.ID(v.text)
		case "version":
			if v.kind != 'n' {
				return false
			}
			r.Version, err = strconv.ParseInt(v.text, 10, 64)
		case "seq":
			if v.kind != 'n' {
				return false
			}
			r.Seq, err = strconv.ParseUint(v.text, 10, 64)
		case "removed":
			if v.kind != 'b' {
				return false
			}
			r.Removed = v.text == "true"
		case "data":
			if v.kind != '{' || v.span[1] == 0 {
				return false
			}
			r.Data = bytes.Clone(b[v.span[0]:v.span[1]])
		default:
			return false
		}
		if err != nil {
			return false
		}
	}
	return true
}

// decodeErr turns an encoding/json failure into the codec's error.
func decodeErr(err error, path string) error {
	var ae *app.Error
	if errors.As(err, &ae) {
		if ae.Code != app.CodeInvalid {
			return refuse(path, "wire.field_type").Wrap(err)
		}
		if ae.Field == "" {
			return ae.WithField(path)
		}
		return ae
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return refuse(at(path, te.Field), "wire.field_type").Wrap(err)
	}
	return refuse(path, "wire.field_type").Wrap(err)
}

// Encode writes a frame as compact, deterministic JSON: the envelope's
// members in the order v, type, id, body; a body's members in its struct's
// order; map keys sorted; strings as encoding/json writes them (<, > and &
// as \u003c, \u003e, \u0026, like the domain's own command encoding). It refuses a message its own
// Decode would refuse for its content (the same validation) and a frame
// longer than MaxFrame: use the Split helpers to cut long lists.
func Encode(f Frame) ([]byte, error) {
	if f.Body == nil {
		return nil, missing("body")
	}
	if err := optID("id", f.ID); err != nil {
		return nil, err
	}
	if err := f.Body.validate("body"); err != nil {
		return nil, err
	}
	b, err := encodeFrame(f)
	if err != nil {
		return nil, err
	}
	if len(b) > MaxFrame {
		return nil, frameErr("wire.frame_too_large", "max", strconv.Itoa(MaxFrame))
	}
	return b, nil
}

// encodeFrame writes f without checking it.
func encodeFrame(f Frame) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(`{"v":`)
	buf.WriteString(strconv.Itoa(ProtocolVersion))
	buf.WriteString(`,"type":"`)
	buf.WriteString(f.Body.Type())
	if f.ID != "" {
		buf.WriteString(`","id":"`) // ids are [a-z0-9-]: nothing to escape
		buf.WriteString(string(f.ID))
	}
	buf.WriteString(`","body":`)
	if c, ok := f.Body.(*Changes); ok && c.enc.fits(c.Records) {
		if err := encodeChanges(&buf, c); err != nil {
			return nil, err
		}
	} else if err := encodeJSON(&buf, f.Body); err != nil {
		return nil, err
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// encodedRecords holds the encodings of the records of a changes message
// that SplitChanges made to size its frame: a 2 KB case costs
// encoding/json a full scan to check and compact, so a pull's frames are
// written from these instead of encoding every record twice.
type encodedRecords struct {
	of []app.Record // the slice encoded, element for element
	b  [][]byte
}

// fits reports whether e holds the encodings of exactly recs (the same
// slice, unchanged in length): a message whose records were replaced after
// the split is encoded afresh.
func (e encodedRecords) fits(recs []app.Record) bool {
	return len(e.b) > 0 && len(e.b) == len(recs) && len(e.of) == len(recs) && &e.of[0] == &recs[0]
}

// encodeChanges writes c as encodeJSON would, with the records' stored
// encodings: the message without records, its empty "records" array
// filled in.
func encodeChanges(buf *bytes.Buffer, c *Changes) error {
	bare := *c
	bare.Records, bare.enc = []app.Record{}, encodedRecords{}
	var rest bytes.Buffer
	if err := encodeJSON(&rest, &bare); err != nil {
		return err
	}
	const head = `{"records":[`
	b := rest.Bytes()
	if !bytes.HasPrefix(b, []byte(head+"]")) {
		return app.Internal(errors.New("changes do not start with their records"))
	}
	buf.WriteString(head)
	for i, r := range c.enc.b {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(r)
	}
	buf.Write(b[len(head):])
	return nil
}

// encodeJSON appends v's compact JSON.
func encodeJSON(buf *bytes.Buffer, v any) error {
	if err := json.NewEncoder(buf).Encode(v); err != nil {
		return app.AsError(err)
	}
	buf.Truncate(buf.Len() - 1) // Encode's newline
	return nil
}

// invalidUTF8At returns the offset of the first byte of b that is not
// part of valid UTF-8.
func invalidUTF8At(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// loneSurrogate finds a \uXXXX escape inside a string that names half of a
// UTF-16 surrogate pair without its other half: encoding/json would turn it
// into U+FFFD silently, so the text decoded would not be the text sent. It
// returns the escape's offset and false, or 0 and true. Malformed escapes
// are left to the parser.
func loneSurrogate(b []byte) (int, bool) {
	in := false
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			in = !in
		case c == '\\' && in && i+1 < len(b):
			if b[i+1] != 'u' {
				i++
				continue
			}
			r, ok := hex4(b, i+2)
			switch {
			case !ok || r < 0xd800 || r > 0xdfff:
				i += 5
			case r <= 0xdbff && i+11 < len(b) && b[i+6] == '\\' && b[i+7] == 'u':
				lo, ok := hex4(b, i+8)
				if !ok || lo < 0xdc00 || lo > 0xdfff {
					return i, false
				}
				i += 11
			default:
				return i, false
			}
		}
	}
	return 0, true
}

// hex4 reads four hex digits at b[i:].
func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}
