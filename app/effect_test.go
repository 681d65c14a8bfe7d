package app_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"feltsag.dk/feltsag/app"
)

func TestEffectDetail(t *testing.T) {
	akasse := app.Effect{Name: "sygedagpenge_fra", Key: "effect.sygedagpenge_fra.akasse", Params: map[string]string{"dage": "14"}}
	kg := app.Effect{Name: "kg_skift", Key: "effect.kg", Params: map[string]string{"kg": app.KGParam(25)}}
	fravaer := app.Effect{Name: "fravaer_registreret", Key: "effect.fravaer", Params: map[string]string{"type": app.FravaerParam("sygemelding")}}
	none := app.Effect{Name: "raskmeldt"}
	tests := []struct {
		name   string
		e      app.Effect
		detail string
		params map[string]string
		want   bool
	}{
		{"code", akasse, "akasse", nil, true},
		{"code and parameter", akasse, "akasse", map[string]string{"dage": "14"}, true},
		{"wrong parameter value", akasse, "akasse", map[string]string{"dage": "15"}, false},
		{"parameter the effect lacks", akasse, "", map[string]string{"gang": "1"}, false},
		{"wrong code", akasse, "supplerende", nil, false},
		{"part of a code is not the code", akasse, "akas", nil, false},
		{"reference without its kind", kg, "", map[string]string{"kg": "25"}, true},
		{"reference as detail", fravaer, "sygemelding", nil, true},
		{"reference with its kind is not the value", kg, "", map[string]string{"kg": "kg:25"}, false},
		{"no detail asked", none, "", nil, true},
		{"detail asked of an effect without one", none, "x", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.e.Matches(tt.detail, tt.params); got != tt.want {
				t.Errorf("%+v.Matches(%q, %v) = %v, want %v", tt.e, tt.detail, tt.params, got, tt.want)
			}
		})
	}
	d, err := app.ParseDate("2026-03-16")
	if err != nil {
		t.Fatal(err)
	}
	akasse.Dato = d
	for _, tt := range []struct {
		e    app.Effect
		want string
	}{
		{akasse, "sygedagpenge_fra 2026-03-16 akasse dage=14"},
		{kg, "kg_skift kg=25"},
		{none, "raskmeldt"},
	} {
		if got := tt.e.Describe(); got != tt.want {
			t.Errorf("Describe() = %q, want %q", got, tt.want)
		}
	}
}

// TestKonsekvensJSON: a consequence is a key and parameters on the wire;
// a case stored before that holds a Danish string, which still reads.
func TestKonsekvensJSON(t *testing.T) {
	tests := []struct {
		name, in string
		want     app.Konsekvens
	}{
		{"key and parameters", `{"key":"konsekvens.fradrag","params":{"dage":"2"}}`,
			app.Konsekvens{Key: "konsekvens.fradrag", Params: map[string]string{"dage": "2"}}},
		{"legacy string", `"aflyst: Sygdom – sygemelding"`, app.Konsekvens{Tekst: "aflyst: Sygdom – sygemelding"}},
		{"legacy empty string", `""`, app.Konsekvens{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s app.Samtale
			if err := json.Unmarshal([]byte(`{"id":"s1","status":"aflyst","konsekvens":`+tt.in+`}`), &s); err != nil {
				t.Fatalf("Unmarshal: %v", err)
			}
			if !reflect.DeepEqual(s.Konsekvens, tt.want) {
				t.Errorf("Konsekvens = %+v, want %+v", s.Konsekvens, tt.want)
			}
		})
	}
	var old app.Samtale
	if err := json.Unmarshal([]byte(`{"id":"s1","konsekvens":"ingen dagpenge 1 dag(e)"}`), &old); err != nil {
		t.Fatal(err)
	}
	if got, want := old.Konsekvens.MessageKey(), app.KonsekvensLegacy; got != want {
		t.Errorf("legacy MessageKey() = %q, want %q", got, want)
	}
	if got, want := old.Konsekvens.MessageParams()["tekst"], app.RawParam("ingen dagpenge 1 dag(e)"); got != want {
		t.Errorf("legacy tekst = %q, want %q", got, want)
	}
	b, err := json.Marshal(app.Samtale{ID: "s1"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "konsekvens") {
		t.Errorf("a samtale without a consequence writes it: %s", b)
	}
	if err := json.Unmarshal([]byte(`{"konsekvens":3}`), &old); err == nil {
		t.Error("a number as consequence was accepted")
	}
}
