package wire_test

import (
	"encoding/json"
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/sync/wire"
)

// BenchmarkDecodePush100 decodes one push frame of 100 commands.
func BenchmarkDecodePush100(b *testing.B) {
	cmds := make([]wire.PushCommand, 100)
	for i := range cmds {
		cmds[i] = pushCommand(b, i)
	}
	frame := mustEncode(b, wire.Frame{ID: "r1", Body: &wire.Push{Commands: cmds}})
	b.SetBytes(int64(len(frame)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := wire.Decode(frame); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodePage100x2KB decodes a page of 100 records of about 2 KB
// each. It does not fit one 64 KiB frame: SplitChanges cuts it, and one
// op decodes every frame of it.
func BenchmarkDecodePage100x2KB(b *testing.B) {
	recs := make([]app.Record, 100)
	for i := range recs {
		recs[i] = record(uint64(i+1), 2048)
	}
	parts, err := wire.SplitChanges(&wire.Changes{Page: app.Page{Records: recs, Cursor: app.Cursor{Epoch: 1, Seq: 100}}})
	if err != nil {
		b.Fatal(err)
	}
	var frames [][]byte
	var n int64
	for _, p := range parts {
		f := mustEncode(b, wire.Frame{ID: "r1", Body: p})
		frames = append(frames, f)
		n += int64(len(f))
	}
	b.SetBytes(n)
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range frames {
			if _, err := wire.Decode(f); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(len(frames)), "frames/op")
}

// BenchmarkEncodePush100 encodes one push frame of 100 commands.
func BenchmarkEncodePush100(b *testing.B) {
	cmds := make([]wire.PushCommand, 100)
	for i := range cmds {
		cmds[i] = pushCommand(b, i)
	}
	f := wire.Frame{ID: "r1", Body: &wire.Push{Commands: cmds}}
	b.SetBytes(int64(len(mustEncode(b, f))))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := wire.Encode(f); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPlainJSONPush100 is the floor the codec is measured against:
// encoding/json alone decoding the same push frame, with none of the
// codec's checks.
func BenchmarkPlainJSONPush100(b *testing.B) {
	cmds := make([]wire.PushCommand, 100)
	for i := range cmds {
		cmds[i] = pushCommand(b, i)
	}
	frame := mustEncode(b, wire.Frame{ID: "r1", Body: &wire.Push{Commands: cmds}})
	b.SetBytes(int64(len(frame)))
	b.ReportAllocs()
	for b.Loop() {
		var env struct {
			V    int
			Type string
			ID   string
			Body wire.Push
		}
		if err := json.Unmarshal(frame, &env); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodePage100x2KB is the server's side of a pull: a page of
// 100 records of about 2 KB cut by SplitChanges and every frame of it
// encoded. "stored" writes the records from the encodings the split kept
// (what the server does); "afresh" encodes them again, as before.
func BenchmarkEncodePage100x2KB(b *testing.B) {
	recs := make([]app.Record, 100)
	for i := range recs {
		recs[i] = record(uint64(i+1), 2048)
	}
	for _, stored := range []bool{true, false} {
		name := map[bool]string{true: "stored", false: "afresh"}[stored]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				parts, err := wire.SplitChanges(&wire.Changes{Page: app.Page{Records: recs, Cursor: app.Cursor{Epoch: 1, Seq: 100}}})
				if err != nil {
					b.Fatal(err)
				}
				for _, p := range parts {
					if !stored {
						c := *p
						c.Records = append([]app.Record(nil), p.Records...)
						p = &c
					}
					if _, err := wire.Encode(wire.Frame{ID: "r1", Body: p}); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
