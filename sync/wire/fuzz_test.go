package wire_test

import (
	"bytes"
	"errors"
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/sync/wire"
)

// FuzzDecode feeds arbitrary bytes to the decoder. It must never panic;
// a refusal must be an invalid *app.Error with a key; and whatever it
// accepts the encoder must write again, and that writing must decode and
// encode to the very same bytes (decode → encode → decode is stable).
func FuzzDecode(f *testing.F) {
	for _, fr := range samples(f) {
		f.Add(mustEncode(f, fr))
	}
	for _, tc := range badInputs(f) {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fr, err := wire.Decode(data)
		if err != nil {
			var e *app.Error
			if !errors.As(err, &e) || e.Code != app.CodeInvalid || e.Key == "" {
				t.Fatalf("Decode error %T %v, want an invalid *app.Error with a key", err, err)
			}
			return
		}
		b1, err := wire.Encode(fr)
		if err != nil {
			t.Fatalf("Decode accepted %q but Encode refuses it: %v", data, err)
		}
		fr2, err := wire.Decode(b1)
		if err != nil {
			t.Fatalf("Decode(Encode(Decode(%q))) = %v\nencoded: %s", data, err, b1)
		}
		b2, err := wire.Encode(fr2)
		if err != nil {
			t.Fatalf("second Encode: %v", err)
		}
		if !bytes.Equal(b1, b2) {
			t.Fatalf("not stable:\n%s\n%s", b1, b2)
		}
	})
}
