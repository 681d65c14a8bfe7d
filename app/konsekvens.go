package app

import (
	"bytes"
	"encoding/json"
)

// Konsekvens is what a samtale's outcome means for the citizen — no
// dagpenge for two days, a fradrag, a cancellation because of a fravær —
// as a key of the catalogue of texts (the konsekvens.* keys, docs/text.md)
// and its parameters, never a sentence.
//
// Tekst is the Danish sentence a case stored before consequences became
// keys: a replica or an export written then holds "konsekvens" as a JSON
// string, which UnmarshalJSON reads into Tekst. It is shown as it was
// written (key KonsekvensLegacy) and never written by new code.
type Konsekvens struct {
	Key    string            `json:"key,omitempty"`
	Params map[string]string `json:"params,omitempty"`
	Tekst  string            `json:"tekst,omitempty"`
}

// KonsekvensLegacy is the key that shows a consequence stored as Danish
// text (Konsekvens.Tekst).
const KonsekvensLegacy = "konsekvens.legacy"

// konsekvens returns a consequence with key and parameters given as name,
// value pairs.
func konsekvens(key string, kv ...string) Konsekvens {
	return Konsekvens{Key: key, Params: params(kv)}
}

// IsZero reports whether there is no consequence (for omitzero).
func (k Konsekvens) IsZero() bool { return k.Key == "" && k.Tekst == "" && len(k.Params) == 0 }

// MessageKey returns the catalogue key (for package text).
func (k Konsekvens) MessageKey() string {
	if k.Key == "" && k.Tekst != "" {
		return KonsekvensLegacy
	}
	return k.Key
}

// MessageParams returns the parameters (for package text); a legacy text
// is the parameter "tekst", shown exactly as stored.
func (k Konsekvens) MessageParams() map[string]string {
	if k.Key == "" && k.Tekst != "" {
		return map[string]string{"tekst": RawParam(k.Tekst)}
	}
	return k.Params
}

// UnmarshalJSON reads the object form and, from cases stored before
// consequences became keys, the plain string form into Tekst.
func (k *Konsekvens) UnmarshalJSON(b []byte) error {
	if b = bytes.TrimSpace(b); len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*k = Konsekvens{Tekst: s}
		return nil
	}
	type plain Konsekvens // no UnmarshalJSON: no recursion
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*k = Konsekvens(p)
	return nil
}
