package wire

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// refChanges decodes a changes frame's body with encoding/json alone, as
// decodeBody did before decodeChanges: the reference the fast path must
// match. ok is false when the frame does not parse or is not changes.
func refChanges(t *testing.T, frame []byte) (c *Changes, err error, ok bool) {
	t.Helper()
	root, perr := parse(frame)
	if perr != nil {
		return nil, nil, false
	}
	msg, _, body, eerr := envelope(root)
	if eerr != nil || body.span[1] == 0 {
		return nil, nil, false
	}
	if _, isChanges := msg.(*Changes); !isChanges {
		return nil, nil, false
	}
	c = &Changes{}
	dec := json.NewDecoder(bytes.NewReader(frame[body.span[0]:body.span[1]]))
	dec.DisallowUnknownFields()
	return c, dec.Decode(c), true
}

// checkChanges holds decodeBody (with its fast path for records) to the
// reference on one frame: both refuse it, or both decode the same message.
func checkChanges(t *testing.T, frame []byte) {
	t.Helper()
	want, wantErr, ok := refChanges(t, frame)
	if !ok {
		return
	}
	root, _ := parse(frame)
	msg, _, body, _ := envelope(root)
	gotErr := decodeBody(frame, body, msg)
	if (gotErr != nil) != (wantErr != nil) {
		t.Fatalf("%s\ndecodeBody error %v, encoding/json error %v", frame, gotErr, wantErr)
	}
	if gotErr == nil && !reflect.DeepEqual(msg, want) {
		t.Fatalf("%s\n got %+v\nwant %+v", frame, msg, want)
	}
}

var changesSamples = []string{
	`{"records":[{"kind":"sag","id":"sag-1","version":3,"seq":7,"data":{"id":"sag-1","navn":"Søren \u00c6r\u00f8","n":[1,{"a":null}]}}],"cursor":{"epoch":1,"seq":7},"has_more":true,"total":9}`,
	`{"records":[{"kind":"sag","id":"sag-1","seq":7,"removed":true},{"seq":8,"id":"sag-2","kind":"sag","version":1,"data":{}}],"cursor":{"epoch":1,"seq":8},"snapshot":true}`,
	`{"records":[],"cursor":{"epoch":1,"seq":8}}`,
	`{"cursor":{"epoch":1,"seq":8},"records":[{"kind":"sag","id":"sag-1","version":1,"seq":8,"data":{"x":1}}],"scope":{"removed":[{"kind":"sag","id":"sag-3","reason":"closed"}]}}`,
	// Shapes the fast path leaves to encoding/json:
	`{"records":[{"kind":"sag","id":"sag-1","version":1,"seq":8,"data":null}],"cursor":{"epoch":1,"seq":8}}`,
	`{"records":[{"kind":"sag","id":"sag-1","version":1,"seq":8,"data":[1,2]}],"cursor":{"epoch":1,"seq":8}}`,
	`{"records":[{"kind":"sag","id":"sag-1","version":1.5,"seq":8,"data":{}}],"cursor":{"epoch":1,"seq":8}}`,
	`{"records":[{"kind":"sag","id":"sag-1","version":1,"seq":-8,"data":{}}],"cursor":{"epoch":1,"seq":8}}`,
	`{"records":[{"kind":"sag","id":"sag-1","version":9223372036854775808,"seq":8,"data":{}}],"cursor":{"epoch":1,"seq":8}}`,
	`{"records":[{"Kind":"sag","id":"sag-1","version":1,"seq":8,"data":{}}],"cursor":{"epoch":1,"seq":8}}`,
	`{"records":[{"kind":null,"id":"sag-1","version":1,"seq":8,"removed":null,"data":{}}],"cursor":{"epoch":1,"seq":8}}`,
	`{"records":[{"kind":"sag","id":"sag-1","version":1,"seq":8,"extra":1,"data":{}}],"cursor":{"epoch":1,"seq":8}}`,
	`{"records":null,"cursor":{"epoch":1,"seq":8}}`,
	`{"records":[{"kind":"sag","id":"sag-1","version":1,"seq":8,"data":{}}],"cursor":{"epoch":1,"seq":8},"unknown":true}`,
}

func changesFrame(body string) []byte {
	return []byte(`{"v":1,"type":"changes","id":"r1","body":` + body + `}`)
}

func TestDecodeChangesMatchesEncodingJSON(t *testing.T) {
	for _, body := range changesSamples {
		t.Run(body[:min(len(body), 60)], func(t *testing.T) {
			checkChanges(t, changesFrame(body))
		})
	}
}

// FuzzDecodeChangesMatchesEncodingJSON: for any changes body, the fast path
// for records decodes exactly what encoding/json decodes, or both refuse.
func FuzzDecodeChangesMatchesEncodingJSON(f *testing.F) {
	for _, body := range changesSamples {
		f.Add(body)
	}
	f.Fuzz(func(t *testing.T, body string) {
		checkChanges(t, changesFrame(body))
	})
}
