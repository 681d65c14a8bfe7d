package wire_test

import (
	"bytes"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/app/text"
	"feltsag.dk/feltsag/assets"
	"feltsag.dk/feltsag/sync/wire"
)

// TestRoundTrip: every message type encodes, decodes to the same value
// and encodes again to the same bytes.
func TestRoundTrip(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range samples(t) {
		t.Run(f.Body.Type(), func(t *testing.T) {
			seen[f.Body.Type()] = true
			b := mustEncode(t, f)
			got, err := wire.Decode(b)
			if err != nil {
				t.Fatalf("Decode(%s) = %v", b, err)
			}
			if !reflect.DeepEqual(got, f) {
				t.Errorf("Decode(Encode(f)) =\n%#v\nwant\n%#v", got.Body, f.Body)
			}
			if again := mustEncode(t, got); !bytes.Equal(again, b) {
				t.Errorf("second encoding differs:\n%s\n%s", again, b)
			}
		})
	}
	for _, typ := range wire.Types() {
		if !seen[typ] {
			t.Errorf("no sample of message type %q", typ)
		}
	}
}

// TestEncodeDeterministic: the envelope's members come in a fixed order,
// maps are sorted and <, > and & are escaped as encoding/json does, in
// command bodies and elsewhere alike.
func TestEncodeDeterministic(t *testing.T) {
	f := wire.Frame{ID: "r9", Body: &wire.Push{Commands: []wire.PushCommand{pushCommand(t, 0)}}}
	b := mustEncode(t, f)
	for _, want := range []string{`{"v":1,"type":"push","id":"r9","body":{"commands":[{"seq":1,`, `"base_fields":{"fravaer":3,"notat":5}`, `\u003c\u0026\u003e`} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("Encode = %s\nwant it to contain %s", b, want)
		}
	}
	for range 20 {
		if got := mustEncode(t, f); !bytes.Equal(got, b) {
			t.Fatalf("Encode is not deterministic:\n%s\n%s", got, b)
		}
	}
}

// TestFrameLimitBoundary: a frame of exactly MaxFrame bytes is read; one
// byte more is refused before parsing.
func TestFrameLimitBoundary(t *testing.T) {
	b := frame("ping", "{}")
	pad := wire.MaxFrame - len(b)
	exact := append(replace(t, b, `"body":{}`, `"body":{`+strings.Repeat(" ", pad)+`}`), []byte{}...)
	if len(exact) != wire.MaxFrame {
		t.Fatalf("len = %d, want %d", len(exact), wire.MaxFrame)
	}
	if _, err := wire.Decode(exact); err != nil {
		t.Errorf("Decode(%d bytes) = %v, want it read", len(exact), err)
	}
	over := append(exact, ' ')
	if _, err := wire.Decode(over); keyOf(err) != "wire.frame_too_large" {
		t.Errorf("Decode(%d bytes) = %v, want wire.frame_too_large", len(over), err)
	}
}

func keyOf(err error) string {
	var e *app.Error
	if errors.As(err, &e) {
		return e.Key
	}
	return ""
}

// badInputs are frames the decoder must refuse, with the key and field of
// the refusal ("" field: the frame as a whole).
func badInputs(t testing.TB) []struct {
	name       string
	in         []byte
	key, field string
} {
	t.Helper()
	push := mustEncode(t, wire.Frame{ID: "r1", Body: &wire.Push{Commands: []wire.PushCommand{pushCommand(t, 0)}}})
	changes := mustEncode(t, wire.Frame{ID: "r1", Body: &wire.Changes{Page: app.Page{Records: []app.Record{record(1, 100)}, Cursor: app.Cursor{Epoch: 1, Seq: 1}}}})
	resolve := frame("resolve", `{"conflict":"k-1","decision":"mine"}`)
	audit := mustEncode(t, wire.Frame{ID: "r1", Body: &wire.AuditUpload{Device: "dev-1", Records: []app.AuditRecord{auditRecord(1)}}})
	var manyResults strings.Builder
	for i := range wire.MaxCommandsPerPush + 1 {
		if i > 0 {
			manyResults.WriteString(",")
		}
		manyResults.WriteString(`{"command":"c1","status":"applied"}`)
	}
	huge := "[" + strings.Repeat("0,", wire.MaxArray) + "0]"
	deep := strings.Repeat("[", 1000) + strings.Repeat("]", 1000)
	return []struct {
		name       string
		in         []byte
		key, field string
	}{
		{"64 KiB + 1", append(bytes.Repeat([]byte(" "), wire.MaxFrame), '{'), "wire.frame_too_large", ""},
		{"invalid UTF-8 in a string", replace(t, resolve, `"mine"`, "\"mi\xffne\""), "wire.utf8", ""},
		{"overlong UTF-8", replace(t, resolve, `"mine"`, "\"\xc0\xafmine\""), "wire.utf8", ""},
		{"lone high surrogate", replace(t, push, "Borgeren", `Borg\ud800eren`), "wire.utf8", ""},
		{"lone low surrogate", replace(t, push, "Borgeren", `Borg\udc00eren`), "wire.utf8", ""},
		{"high surrogate then a letter", replace(t, push, "Borgeren", `Borg\ud83d\u0041eren`), "wire.utf8", ""},
		{"not JSON", []byte(`{"v":1,`), "wire.syntax", ""},
		{"empty", []byte(``), "wire.syntax", ""},
		{"bad escape", replace(t, resolve, `"mine"`, `"m\xine"`), "wire.syntax", ""},
		{"trailing object", append(append([]byte{}, resolve...), `{}`...), "wire.trailing_data", ""},
		{"trailing garbage", append(append([]byte{}, resolve...), `x`...), "wire.trailing_data", ""},
		{"array frame", []byte(`[1,2]`), "wire.not_object", ""},
		{"duplicate envelope key", replace(t, resolve, `"v":1,`, `"v":1,"v":1,`), "wire.duplicate_key", "v"},
		{"duplicate body key", replace(t, resolve, `"decision":"mine"`, `"decision":"mine","decision":"theirs"`), "wire.duplicate_key", "body.decision"},
		{"duplicate key in record data", replace(t, changes, `"navn":"Test Testesen"`, `"navn":"Test Testesen","navn":"X"`), "wire.duplicate_key", "body.records[0].data.navn"},
		{"case-variant envelope key", replace(t, resolve, `"type":"resolve",`, `"type":"resolve","Type":"wipe",`), "wire.case_key", "Type"},
		{"case-variant key (long s)", replace(t, resolve, `"decision":"mine"`, `"decision":"mine","deciſion":"theirs"`), "wire.case_key", "body.deciſion"},
		{"case-variant key (Kelvin sign)", replace(t, push, `"kind":`, "\"kind\":\"tilfoej_notat\",\"\u212aind\":"), "wire.case_key", "body.commands[0].command.\u212aind"},
		{"case-variant key in a large object", []byte(`{"v":1,"type":"ping","id":"r1","body":{},"a0":0,"a1":0,"a2":0,"a3":0,"a4":0,"a5":0,"a6":0,"a7":0,"a8":0,"a9":0,"b0":0,"b1":0,"b2":0,"b3":0,"b4":0,"B4":0}`), "wire.case_key", "B4"},
		{"wrong case alone", replace(t, resolve, `"decision"`, `"Decision"`), "wire.unknown_field", "body.Decision"},
		{"long s alone", replace(t, resolve, `"decision"`, `"deciſion"`), "wire.unknown_field", "body.deciſion"},
		{"unknown envelope field", replace(t, resolve, `"v":1,`, `"v":1,"x":1,`), "wire.unknown_field", "x"},
		{"unknown body field", replace(t, resolve, `"decision":"mine"`, `"decision":"mine","admin":true`), "wire.unknown_field", "body.admin"},
		{"unknown command field", replace(t, push, `"kind":`, `"actor_override":{},"kind":`), "wire.unknown_field", "body.commands[0].command.actor_override"},
		{"unknown command body field", replace(t, push, `"tekst":`, `"slet":true,"tekst":`), "wire.unknown_field", "body.commands[0].command.body.slet"},
		{"nesting 1,000 deep", replace(t, changes, `"notater":`, `"x":`+deep+`,"notater":`), "wire.depth", "body.records[0].data.x" + strings.Repeat("[0]", wire.MaxDepth-5)},
		{"huge array", replace(t, changes, `"notater":`, `"x":`+huge+`,"notater":`), "wire.array_too_long", "body.records[0].data.x"},
		{"more results than a push may carry", frame("ack", `{"results":[`+manyResults.String()+`]}`), "wire.array_too_long", "body.results"},
		{"1e309", replace(t, changes, `"version":1`, `"version":1e309`), "wire.number", "body.records[0].version"},
		{"1e309 in record data", replace(t, changes, `"navn":"Test Testesen"`, `"navn":1e309`), "wire.number", "body.records[0].data.navn"},
		{"2^64", replace(t, push, `"base":7`, `"base":18446744073709551616`), "wire.number", "body.commands[0].base"},
		{"2^63 into int64", replace(t, push, `"base":7`, `"base":9223372036854775808`), "wire.number", "body.commands[0].base"},
		{"negative into uint64", replace(t, push, `"seq":1`, `"seq":-1`), "wire.number", "body.commands[0].seq"},
		{"fraction into int", frame("pull", `{"cursor":{"epoch":1,"seq":2},"limit":1.5}`), "wire.number", "body.limit"},
		{"exponent into int", frame("pull", `{"cursor":{"epoch":1,"seq":2},"limit":1e2}`), "wire.number", "body.limit"},
		{"null into int", frame("pull", `{"cursor":{"epoch":1,"seq":2},"limit":null}`), "wire.field_type", "body.limit"},
		{"string into int", frame("pull", `{"cursor":{"epoch":1,"seq":"2"}}`), "wire.field_type", "body.cursor.seq"},
		{"limit too large", frame("pull", `{"cursor":{"epoch":1,"seq":2},"limit":100000}`), "wire.value", "body.limit"},
		{"negative total", frame("changes", `{"records":[],"cursor":{"epoch":1,"seq":2},"total":-1}`), "wire.value", "body.total"},
		{"version 2", replace(t, resolve, `"v":1`, `"v":2`), "wire.version", ""},
		{"version as text", replace(t, resolve, `"v":1`, `"v":"1"`), "wire.field_type", "v"},
		{"no version", replace(t, resolve, `"v":1,`, ``), "wire.missing_field", "v"},
		{"unknown type", replace(t, resolve, `"resolve"`, `"sudo"`), "wire.unknown_type", ""},
		{"no body", []byte(`{"v":1,"type":"ping","id":"r1"}`), "wire.missing_field", "body"},
		{"CPR-shaped request id", replace(t, resolve, `"id":"r1"`, `"id":"0101801234"`), "invalid.id.id_look_like", "id"},
		{"upper-case id", replace(t, resolve, `"k-1"`, `"K-1"`), "invalid.id.id_contain_only", "body.conflict"},
		{"unknown command kind", replace(t, push, `"kind":"tilfoej_notat"`, `"kind":"slet_sag"`), "invalid.command_kind", "body.commands[0].command.kind"},
		{"bad HLC", replace(t, push, `"hlc":"`, `"hlc":"x`), "invalid.hlc", "body.commands[0].hlc"},
		{"bad time", replace(t, push, `"at":"2026-03-12T09:30:00Z"`, `"at":"2026-03-12 09:30"`), "wire.field_type", "body.commands[0].command.at"},
		{"bad base64", replace(t, audit, `"hash":"`, `"hash":"!`), "wire.field_type", "body.records[0].hash"},
		{"empty push", frame("push", `{"commands":[]}`), "wire.missing_field", "body.commands"},
		{"push out of order", mustEncodeUnchecked(t, push, `"seq":1`, `"seq":0`), "wire.missing_field", "body.commands[0].seq"},
		{"unknown ack status", frame("ack", `{"results":[{"command":"c1","status":"maybe"}]}`), "wire.value", "body.results[0].status"},
		{"rejected without error", frame("ack", `{"results":[{"command":"c1","status":"rejected"}]}`), "wire.missing_field", "body.results[0].error"},
		{"error with unknown code", frame("error", `{"code":"root","key":"error.internal"}`), "wire.value", "body.code"},
		{"negative retry", frame("error", `{"code":"internal","key":"error.internal","retry_after_ms":-1}`), "wire.value", "body.retry_after_ms"},
		{"record data an array", frame("changes", `{"records":[{"kind":"sag","id":"s1","version":1,"seq":1,"data":[1]}],"cursor":{"epoch":1,"seq":1}}`), "wire.field_type", "body.records[0].data"},
		{"record data a string", frame("changes", `{"records":[{"kind":"sag","id":"s1","version":1,"seq":1,"data":"x"}],"cursor":{"epoch":1,"seq":1}}`), "wire.field_type", "body.records[0].data"},
		{"records out of order", frame("changes", `{"records":[{"kind":"sag","id":"s1","version":1,"seq":2,"data":{}},{"kind":"sag","id":"s2","version":1,"seq":2,"data":{}}],"cursor":{"epoch":1,"seq":3}}`), "wire.order", "body.records[1].seq"},
		{"cursor behind records", frame("changes", `{"records":[{"kind":"sag","id":"s1","version":1,"seq":5,"data":{}}],"cursor":{"epoch":1,"seq":3}}`), "wire.order", "body.cursor.seq"},
		{"unknown decision", replace(t, resolve, `"mine"`, `"both"`), "wire.value", "body.decision"},
		{"rule file outside the bundle", frame("rules_bundle", `{"digest":"`+strings.Repeat("0", 64)+`","versions":[{"version":"2026-07","from":"2026-07-01"}],"part":0,"parts":1,"files":[{"name":"../../etc/passwd.csv","data":""}]}`), "wire.value", "body.files[0].name"},
	}
}

// mustEncodeUnchecked returns b with one replacement, for inputs that the
// encoder would refuse to produce.
func mustEncodeUnchecked(tb testing.TB, b []byte, old, new string) []byte {
	tb.Helper()
	return replace(tb, b, old, new)
}

// TestDecodeRefuses: each bad input is refused with its catalogue key and
// the path of the field, and the message renders in both languages.
func TestDecodeRefuses(t *testing.T) {
	cat, err := text.Load(assets.I18n(), assets.I18nDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range badInputs(t) {
		t.Run(tc.name, func(t *testing.T) {
			got, err := wire.Decode(tc.in)
			if err == nil {
				t.Fatalf("Decode accepted %q as %#v", clipped(tc.in), got.Body)
			}
			var e *app.Error
			if !errors.As(err, &e) {
				t.Fatalf("Decode error %T %v, want *app.Error", err, err)
			}
			if e.Code != app.CodeInvalid || e.Key != tc.key || e.Field != tc.field {
				t.Errorf("Decode = %v (code %s, key %s, field %q), want code invalid, key %s, field %q", e, e.Code, e.Key, e.Field, tc.key, tc.field)
			}
			for _, lang := range cat.Languages() {
				if _, err := cat.RenderMessage(lang, e, nil); err != nil {
					t.Errorf("render %s: %v", lang, err)
				}
			}
		})
	}
}

func clipped(b []byte) string {
	if len(b) > 200 {
		return string(b[:200]) + "…"
	}
	return string(b)
}

// TestDecodeAccepts: inputs at the edge of the limits are read.
func TestDecodeAccepts(t *testing.T) {
	push := mustEncode(t, wire.Frame{ID: "r1", Body: &wire.Push{Commands: []wire.PushCommand{pushCommand(t, 0)}}})
	changes := mustEncode(t, wire.Frame{ID: "r1", Body: &wire.Changes{Page: app.Page{Records: []app.Record{record(1, 100)}, Cursor: app.Cursor{Epoch: 1, Seq: 1}}}})
	deep := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	for _, tc := range []struct {
		name string
		in   []byte
	}{
		{"surrogate pair", replace(t, push, "Borgeren", `Borg\ud83d\ude00eren`)},
		{"escaped backslash before u", replace(t, push, "Borgeren", `Borg\\ud800eren`)},
		{"whitespace around", append(append([]byte(" \n\t"), push...), " \r\n"...)},
		{"members in another order", frame("pull", `{"limit":5,"cursor":{"seq":2,"epoch":1}}`)},
		{"2^64-1 into uint64", frame("pull", `{"cursor":{"epoch":18446744073709551615,"seq":18446744073709551615}}`)},
		// the envelope, body, records, record and data take five levels
		{"deepest nesting", replace(t, changes, `"notater":`, `"x":`+deep(wire.MaxDepth-5)+`,"notater":`)},
		{"longest array", replace(t, changes, `"notater":`, `"x":[`+strings.Repeat("0,", wire.MaxArray-1)+`0],"notater":`)},
		{"keys that differ in more than case", replace(t, changes, `"navn":"Test Testesen"`, `"navn":"Test Testesen","navne":"X","nav":1`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := wire.Decode(tc.in)
			if err != nil {
				t.Fatalf("Decode(%s) = %v", clipped(tc.in), err)
			}
			b := mustEncode(t, f)
			if _, err := wire.Decode(b); err != nil {
				t.Errorf("Decode(Encode(Decode(in))) = %v", err)
			}
		})
	}
}

// TestEncodeRefuses: the encoder does not produce what the decoder would
// refuse.
func TestEncodeRefuses(t *testing.T) {
	many := make([]wire.PushCommand, 300)
	for i := range many {
		many[i] = pushCommand(t, i)
	}
	for _, tc := range []struct {
		name string
		f    wire.Frame
		key  string
	}{
		{"no body", wire.Frame{ID: "r1"}, "wire.missing_field"},
		{"CPR-shaped id", wire.Frame{ID: "0101801234", Body: &wire.Ping{}}, "invalid.id.id_look_like"},
		{"empty push", wire.Frame{Body: &wire.Push{}}, "wire.missing_field"},
		{"too many commands", wire.Frame{Body: &wire.Push{Commands: many}}, "wire.array_too_long"},
		{"too large", wire.Frame{Body: &wire.Push{Commands: many[:wire.MaxCommandsPerPush]}}, "wire.frame_too_large"},
		{"bad wipe reason", wire.Frame{Body: &wire.Wipe{Reason: "because"}}, "wire.value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := wire.Encode(tc.f)
			if got := keyOf(err); got != tc.key {
				t.Errorf("Encode = %v, want key %s", err, tc.key)
			}
		})
	}
}

// TestTypesDistinct: every type name is unique and decodes to its own
// struct.
func TestTypesDistinct(t *testing.T) {
	types := wire.Types()
	if s := slices.Compact(slices.Sorted(slices.Values(types))); len(s) != len(types) {
		t.Errorf("Types() has duplicates: %v", types)
	}
}

func asErr(err error, target **app.Error) bool { return errors.As(err, target) }
