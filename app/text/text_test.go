package text_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"feltsag.dk/feltsag/app/text"
)

// names is a fixed table lookup for the tests.
type names map[string]string

func (n names) Name(kind, code, lang string) (string, bool) {
	s, ok := n[kind+":"+code+":"+lang]
	return s, ok
}

// msg is a Message with hints.
type msg struct {
	key    string
	params map[string]string
	hints  []string
}

func (m msg) MessageKey() string               { return m.key }
func (m msg) MessageParams() map[string]string { return m.params }
func (m msg) MessageHints() []string           { return m.hints }
func (m msg) Error() string                    { return m.key }

func testCatalogue(t *testing.T) *text.Catalogue {
	t.Helper()
	fsys := fstest.MapFS{
		"i18n/da.json": {Data: []byte(`{
			"format.dato": "02.01.2006",
			"plain": "Hej",
			"greet": "Hej {{.navn}}",
			"kg": "Kontaktgruppe {{.kg}}",
			"due": "Frist {{.dato}}",
			"outer": "{{.inner}}!",
			"inner": "indre {{.x}}",
			"only.da": "kun dansk",
			"self": "{{.self}}",
			"hint": "Gør noget.",
			"plural": {"other": "Navn"},
			"bad": "{{.missing}}"
		}`)},
		"i18n/en.json": {Data: []byte(`{
			"format.dato": "2 January 2006",
			"plain": "Hello",
			"greet": "Hello {{.navn}}",
			"kg": "Contact group {{.kg}}",
			"due": "Deadline {{.dato}}",
			"outer": "{{.inner}}!",
			"inner": "inner {{.x}}",
			"self": "{{.self}}",
			"hint": "Do something.",
			"plural": {"other": "Name"},
			"bad": "{{.missing}}"
		}`)},
	}
	c, err := text.Load(fsys, "i18n")
	if err != nil {
		t.Fatalf("Load() = %v", err)
	}
	return c
}

func TestRender(t *testing.T) {
	c := testCatalogue(t)
	tb := names{"kg:3:da": "Dagpengemodtagere", "kg:3:en": "Unemployment benefit recipients"}
	tests := []struct {
		name, lang, key string
		params          map[string]string
		want            string
	}{
		{"plain da", "da", "plain", nil, "Hej"},
		{"plain en", "en", "plain", nil, "Hello"},
		{"param", "en", "greet", map[string]string{"navn": "Ida"}, "Hello Ida"},
		{"extra params ignored", "da", "plain", map[string]string{"x": "y"}, "Hej"},
		{"table name da", "da", "kg", map[string]string{"kg": "kg:3"}, "Kontaktgruppe Dagpengemodtagere"},
		{"table name en", "en", "kg", map[string]string{"kg": "kg:3"}, "Contact group Unemployment benefit recipients"},
		{"unknown code shown as is", "en", "kg", map[string]string{"kg": "kg:99"}, "Contact group kg:99"},
		{"time is not a reference", "da", "greet", map[string]string{"navn": "10:30"}, "Hej 10:30"},
		{"date da", "da", "due", map[string]string{"dato": "dato:2026-04-14"}, "Frist 14.04.2026"},
		{"date en", "en", "due", map[string]string{"dato": "dato:2026-04-14"}, "Deadline 14 April 2026"},
		{"nested text shares params", "en", "outer", map[string]string{"inner": "tekst:inner", "x": "1"}, "inner 1!"},
		{"missing in en falls back to da", "en", "only.da", nil, "kun dansk"},
		{"go-i18n object", "en", "plural", nil, "Name"},
		{"unknown language is Danish", "fr", "plain", nil, "Hej"},
		{"raw text is not resolved", "da", "greet", map[string]string{"navn": text.Raw("tekst:plain")}, "Hej tekst:plain"},
		{"raw date stays as written", "en", "due", map[string]string{"dato": text.Raw("dato:2026-04-14")}, "Deadline dato:2026-04-14"},
		{"raw empty", "da", "greet", map[string]string{"navn": text.Raw("")}, "Hej "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.Render(tt.lang, tt.key, tt.params, tb)
			if err != nil {
				t.Fatalf("Render() error = %v", err)
			}
			if got != tt.want {
				t.Errorf("Render() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRenderErrors(t *testing.T) {
	c := testCatalogue(t)
	tests := []struct {
		name, key string
		params    map[string]string
		want      string
	}{
		{"missing parameter", "greet", nil, `missing parameter "navn"`},
		{"unknown key", "nope", nil, `no key "nope"`},
		{"self reference", "self", map[string]string{"self": "tekst:self"}, "nest deeper"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.Render("da", tt.key, tt.params, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Render() error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestTextFallsBack(t *testing.T) {
	c := testCatalogue(t)
	if got, want := c.Text("en", "greet", nil, nil), "greet"; got != want {
		t.Errorf("Text() = %q, want the key %q", got, want)
	}
	if got, want := c.Text("en", "nope", nil, nil), "nope"; got != want {
		t.Errorf("Text() = %q, want %q", got, want)
	}
}

func TestMessageAndError(t *testing.T) {
	c := testCatalogue(t)
	m := msg{key: "greet", params: map[string]string{"navn": "Ida"}, hints: []string{"hint"}}
	if got, want := c.Message("en", m, nil), "Hello Ida Do something."; got != want {
		t.Errorf("Message() = %q, want %q", got, want)
	}
	if got, want := c.Error("da", m, nil), "Hej Ida Gør noget."; got != want {
		t.Errorf("Error(Message) = %q, want %q", got, want)
	}
	if got := c.Error("da", errors.New("secret cause"), nil); strings.Contains(got, "secret") {
		t.Errorf("Error(plain error) = %q, shows the cause", got)
	}
	if got := c.Error("da", nil, nil); got != "" {
		t.Errorf("Error(nil) = %q, want \"\"", got)
	}
}

func TestParams(t *testing.T) {
	c := testCatalogue(t)
	if got, want := strings.Join(c.Params("da", "outer"), ","), "inner"; got != want {
		t.Errorf("Params() = %q, want %q", got, want)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		fsys fstest.MapFS
		want string
	}{
		{"no Danish", fstest.MapFS{"d/en.json": {Data: []byte(`{}`)}}, "no da.json"},
		{"bad JSON", fstest.MapFS{"d/da.json": {Data: []byte(`{`)}}, "da.json"},
		{"bad template", fstest.MapFS{"d/da.json": {Data: []byte(`{"k": "{{.x"}`)}}, `key "k"`},
		{"bad value", fstest.MapFS{"d/da.json": {Data: []byte(`{"k": 3}`)}}, `key "k"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := text.Load(tt.fsys, "d")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Load() error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestLang(t *testing.T) {
	for in, want := range map[string]string{"en_GB.UTF-8": "en", "EN": "en", "da_DK.UTF-8": "da", "": "da", "de_DE": "da"} {
		if got := text.Lang(in); got != want {
			t.Errorf("Lang(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestConcurrentRender renders from many goroutines; run with -race.
func TestConcurrentRender(t *testing.T) {
	c := testCatalogue(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lang := []string{"da", "en"}[i%2]
			for range 100 {
				if _, err := c.Render(lang, "outer", map[string]string{"inner": "tekst:inner", "x": "1"}, nil); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
