package wire

import (
	"encoding"
	"encoding/base64"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"time"

	"feltsag.dk/feltsag/app"
)

// The walker checks a body's node tree against the Go type it will be
// decoded into, before encoding/json assigns anything: member names must
// match a field's JSON name exactly (encoding/json would accept any case),
// each value must have its field's JSON type, integers must fit their
// field, ids, times, dates and HLCs must parse, and a command's body is
// checked against the type its kind names. Every refusal names the path.
type walker struct {
	fields map[reflect.Type]map[string]fieldType // per struct type, for this frame
	path   []seg
}

type fieldType = reflect.Type

// Types the walker treats specially. They are values, never changed.
var (
	rawType     = reflect.TypeFor[json.RawMessage]()
	commandType = reflect.TypeFor[app.Command]()
	idType      = reflect.TypeFor[app.ID]()
	actorType   = reflect.TypeFor[app.Actor]()
	timeType    = reflect.TypeFor[time.Time]()
	textType    = reflect.TypeFor[encoding.TextUnmarshaler]()
	jsonType    = reflect.TypeFor[json.Unmarshaler]()
)

func typeOfMessage(m Message) reflect.Type { return reflect.TypeOf(m).Elem() }

func (w *walker) where() string { return joinPath(w.path) }

func (w *walker) push(s seg) { w.path = append(w.path, s) }
func (w *walker) pop()       { w.path = w.path[:len(w.path)-1] }

func (w *walker) typeErr() error { return refuse(w.where(), "wire.field_type") }

// walkAt walks n as member name of the current object.
func (w *walker) walkAt(name string, n *node, t reflect.Type) error {
	w.push(member(name))
	err := w.walk(n, t)
	w.pop()
	return err
}

func (w *walker) walk(n *node, t reflect.Type) error {
	if n.kind == '0' {
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
			return nil
		}
		return w.typeErr()
	}
	switch {
	case t == rawType:
		return nil // opaque: the parser has checked its syntax and limits
	case t == commandType:
		return w.command(n)
	case t == idType:
		if n.kind != 's' {
			return w.typeErr()
		}
		return optID(w.where(), app.ID(n.text))
	case t.Kind() != reflect.Pointer && reflect.PointerTo(t).Implements(textType):
		return w.text(n, t)
	case reflect.PointerTo(t).Implements(jsonType):
		return nil // a type with its own strict decoder
	}
	switch t.Kind() {
	case reflect.Pointer:
		return w.walk(n, t.Elem())
	case reflect.Struct:
		return w.object(n, t)
	case reflect.Map:
		if n.kind != '{' || t.Key().Kind() != reflect.String {
			return w.typeErr()
		}
		for i, k := range n.keys {
			if err := w.walkAt(k, n.kids[i], t.Elem()); err != nil {
				return err
			}
		}
		return nil
	case reflect.Slice, reflect.Array:
		return w.list(n, t)
	case reflect.String:
		return w.is(n, 's')
	case reflect.Bool:
		return w.is(n, 'b')
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if err := w.is(n, 'n'); err != nil {
			return err
		}
		if _, err := strconv.ParseInt(n.text, 10, t.Bits()); err != nil {
			return refuse(w.where(), "wire.number")
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if err := w.is(n, 'n'); err != nil {
			return err
		}
		if _, err := strconv.ParseUint(n.text, 10, t.Bits()); err != nil {
			return refuse(w.where(), "wire.number")
		}
	case reflect.Float32, reflect.Float64:
		if err := w.is(n, 'n'); err != nil {
			return err
		}
		if _, err := strconv.ParseFloat(n.text, t.Bits()); err != nil {
			return refuse(w.where(), "wire.number")
		}
	case reflect.Interface:
		return nil
	default:
		return w.typeErr() // chan, func, complex: never in a message
	}
	return nil
}

func (w *walker) is(n *node, kind byte) error {
	if n.kind != kind {
		return w.typeErr()
	}
	return nil
}

// text checks a value that decodes itself from a JSON string (time.Time,
// app.Date, app.HLC, app.CPR) by decoding it.
func (w *walker) text(n *node, t reflect.Type) error {
	if n.kind != 's' {
		return w.typeErr()
	}
	v := reflect.New(t).Interface().(encoding.TextUnmarshaler)
	if err := v.UnmarshalText([]byte(n.text)); err != nil {
		if ae := app.AsError(err); ae.Code == app.CodeInvalid {
			return ae.WithField(w.where())
		}
		return w.typeErr()
	}
	return nil
}

func (w *walker) list(n *node, t reflect.Type) error {
	if t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8 {
		if n.kind != 's' {
			return w.typeErr()
		}
		if _, err := base64.StdEncoding.DecodeString(n.text); err != nil {
			return w.typeErr()
		}
		return nil
	}
	if n.kind != '[' {
		return w.typeErr()
	}
	if t.Kind() == reflect.Array && len(n.kids) > t.Len() {
		return refuse(w.where(), "wire.array_too_long", "max", strconv.Itoa(t.Len()))
	}
	for i, k := range n.kids {
		w.push(element(i))
		err := w.walk(k, t.Elem())
		w.pop()
		if err != nil {
			return err
		}
	}
	return nil
}

// object checks an object against struct type t: every member must be one
// of t's JSON fields, spelled exactly.
func (w *walker) object(n *node, t reflect.Type) error {
	if n.kind != '{' {
		return w.typeErr()
	}
	fields := w.fieldsOf(t)
	for i, k := range n.keys {
		ft, ok := fields[k]
		if !ok {
			w.push(member(k))
			err := refuse(w.where(), "wire.unknown_field")
			w.pop()
			return err
		}
		if err := w.walkAt(k, n.kids[i], ft); err != nil {
			return err
		}
	}
	return nil
}

// command checks an app.Command: its envelope, then its body against the
// body type of its kind.
func (w *walker) command(n *node) error {
	if n.kind != '{' {
		return w.typeErr()
	}
	var kind, body *node
	for i, k := range n.keys {
		var err error
		switch k {
		case "id", "sag":
			err = w.walkAt(k, n.kids[i], idType)
		case "actor":
			err = w.walkAt(k, n.kids[i], actorType)
		case "at":
			err = w.walkAt(k, n.kids[i], timeType)
		case "kind":
			kind = n.kids[i]
		case "body":
			body = n.kids[i]
		default:
			w.push(member(k))
			err = refuse(w.where(), "wire.unknown_field")
			w.pop()
		}
		if err != nil {
			return err
		}
	}
	if kind == nil {
		return missing(at(w.where(), "kind"))
	}
	if kind.kind != 's' {
		return refuse(at(w.where(), "kind"), "wire.field_type")
	}
	// A company's command travels as a command too: its kind names the
	// record kind (app.Command.RecordKind).
	var typ reflect.Type
	if b, err := app.NewBody(kind.text); err == nil {
		typ = reflect.TypeOf(b)
	} else if vb, verr := app.NewVBody(kind.text); verr == nil {
		typ = reflect.TypeOf(vb)
	} else {
		return app.AsError(err).WithField(at(w.where(), "kind"))
	}
	if body == nil {
		return missing(at(w.where(), "body"))
	}
	return w.walkAt("body", body, typ)
}

// fieldsOf returns the JSON names of t's fields and their types, as
// encoding/json sees them: the tag's name or the Go name, "-" skipped,
// fields of embedded structs promoted unless an outer field has the name.
func (w *walker) fieldsOf(t reflect.Type) map[string]fieldType {
	if f, ok := w.fields[t]; ok {
		return f
	}
	m := map[string]fieldType{}
	addFields(m, t)
	w.fields[t] = m
	return m
}

func addFields(m map[string]fieldType, t reflect.Type) {
	var embedded []reflect.Type
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		ft := f.Type
		if f.Anonymous && name == "" {
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				embedded = append(embedded, ft)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		m[name] = f.Type
	}
	for _, e := range embedded {
		inner := map[string]fieldType{}
		addFields(inner, e)
		for k, v := range inner {
			if _, ok := m[k]; !ok {
				m[k] = v
			}
		}
	}
}
