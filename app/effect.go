package app

import (
	"slices"
	"strings"
)

// Effect is a named consequence of a command, e.g. "afmeldt" after a
// sygemelding or "gentilmeldt" after a raskmelding. Key and Params say
// more about it through the catalogue of texts (the effect.* keys,
// docs/text.md), as an Error does: a language-neutral detail, never a
// sentence. Key is "" when the effect needs no detail.
type Effect struct {
	Name   string            `json:"name"`
	Dato   Date              `json:"dato,omitzero"`
	Key    string            `json:"key,omitempty"`
	Params map[string]string `json:"params,omitempty"`
}

// MessageKey returns the catalogue key of the detail (for package text).
func (e Effect) MessageKey() string { return e.Key }

// MessageParams returns the detail's parameters (for package text).
func (e Effect) MessageParams() map[string]string { return e.Params }

// Code returns the detail's code: the last part of its key
// ("effect.sygedagpenge_fra.akasse" → "akasse"), "" without a key.
func (e Effect) Code() string {
	if e.Key == "" {
		return ""
	}
	return e.Key[strings.LastIndex(e.Key, ".")+1:]
}

// Param returns a parameter's value without its reference kind: "25" for
// "kg:25", "sygdom" for "fravaer:sygdom", "14" for "14"; "" when the
// effect has no such parameter.
func (e Effect) Param(name string) string {
	v := e.Params[name]
	kind, code, ok := strings.Cut(v, ":")
	switch {
	case !ok:
		return v
	case kind == "kg", kind == "fravaer", kind == "kategori", kind == "dato":
		return code
	}
	return v
}

// HasDetail reports whether the effect's detail is d: its code, or the
// value of one of its parameters (see Param). Scenario files name an
// effect's detail this way (docs/rules.md).
func (e Effect) HasDetail(d string) bool {
	if d == e.Code() {
		return true
	}
	for name := range e.Params {
		if e.Param(name) == d {
			return true
		}
	}
	return false
}

// Matches reports whether the effect has detail d ("" matches any; see
// HasDetail) and every parameter in params with that value (see Param).
func (e Effect) Matches(d string, params map[string]string) bool {
	if d != "" && !e.HasDetail(d) {
		return false
	}
	for name, v := range params {
		if _, ok := e.Params[name]; !ok || e.Param(name) != v {
			return false
		}
	}
	return true
}

// Describe writes the effect for a rule maintainer's report:
// "sygedagpenge_fra 2026-03-16 akasse dage=14".
func (e Effect) Describe() string {
	names := make([]string, 0, len(e.Params))
	for n := range e.Params {
		names = append(names, n)
	}
	slices.Sort(names)
	parts := []string{e.Name, e.Dato.String()}
	if c := e.Code(); !slices.Contains(names, c) {
		parts = append(parts, c) // "effect.kg" says no more than kg=25
	}
	for _, n := range names {
		parts = append(parts, n+"="+e.Param(n))
	}
	return strings.Join(strings.Fields(strings.Join(parts, " ")), " ")
}

// EffectParams returns the parameter names effects use, which a scenario
// may state beside an effect's name ("effekt: fradrag dage=1").
func EffectParams() []string {
	return []string{"aar", "aarsag", "brugt", "dage", "fravaer", "gang", "kategori", "kg", "kode", "max", "mdr", "samtale", "type", "version"}
}
