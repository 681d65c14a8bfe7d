package wire_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/sync/wire"
)

// FuzzAssemble feeds rule-bundle parts as a client may hold them (any
// fields, any order, parts missing or doubled) to Assemble. It must never
// panic; a refusal is wire.rules_digest; what it accepts has names in
// strict order and the digest the parts claim, and cut again by
// SplitRules it assembles to the same files.
func FuzzAssemble(f *testing.F) {
	big := slices.Clone(ruleFiles())
	for _, n := range []string{"a.csv", "b.csv", "c.csv"} {
		big = append(big, wire.RuleFile{Name: "z/" + n, Data: strings.Repeat("a;b\n", 7000)})
	}
	for _, files := range [][]wire.RuleFile{ruleFiles(), big} {
		parts, err := wire.SplitRules(ruleSets(), files)
		if err != nil {
			f.Fatal(err)
		}
		add := func(ps []*wire.RulesBundle) {
			b, err := json.Marshal(ps)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
		add(parts)
		rev := slices.Clone(parts)
		slices.Reverse(rev)
		add(rev)
		add(parts[:len(parts)-1])
		add(append(slices.Clone(parts), parts[0]))
	}
	f.Add([]byte(`[{"digest":"x","versions":[],"part":0,"parts":-1,"files":[]}]`))
	f.Add([]byte(`[{"digest":"x","versions":[],"part":0,"parts":0,"files":[]}]`))
	f.Add([]byte(`[{"digest":"x","versions":[],"part":3,"parts":2,"files":[]}]`))
	f.Add([]byte(`[{"digest":"x","versions":[],"part":0,"parts":1000000000000,"files":[]}]`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var parts []*wire.RulesBundle
		if json.Unmarshal(data, &parts) != nil || slices.Contains(parts, nil) {
			return
		}
		files, err := wire.Assemble(parts)
		if err != nil {
			var e *app.Error
			if !errors.As(err, &e) || e.Key != "wire.rules_digest" {
				t.Fatalf("Assemble error %v, want wire.rules_digest", err)
			}
			return
		}
		for i := 1; i < len(files); i++ {
			if files[i].Name <= files[i-1].Name {
				t.Fatalf("accepted names out of order: %q after %q", files[i].Name, files[i-1].Name)
			}
		}
		if got := wire.BundleDigest(files); got != parts[0].Digest {
			t.Fatalf("accepted digest %s for files of digest %s", parts[0].Digest, got)
		}
		again, err := wire.SplitRules(parts[0].Versions, files)
		if err != nil {
			return // files or versions a server would not send (the codec refuses them on the way in)
		}
		files2, err := wire.Assemble(again)
		if err != nil || !slices.Equal(files, files2) {
			t.Fatalf("split and assembled again: %v, %d files of %d", err, len(files2), len(files))
		}
	})
}
