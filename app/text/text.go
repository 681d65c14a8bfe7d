// Package text is Feltsag's one catalogue of texts: every Danish and
// English sentence the client, the PDFs and the command line show. The
// domain (package app) returns codes and parameters, never sentences; this
// package turns a key and its parameters into a sentence in a language.
//
// The catalogue is one JSON file per language (da.json, en.json), the same
// files Fyne's lang package loads, so the screens and everything else share
// keys. A value is a Go text/template with named parameters ({{.dato}}), the
// syntax Fyne uses. Rendering is strict: a template that names a parameter
// the caller did not give is an error, never "<no value>". docs/text.md
// describes the key scheme and the parameters for the people who edit the
// files.
//
// The package imports the standard library only; callers pass the files in
// as an fs.FS (assets.I18n()), so app never imports assets.
package text

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"text/template"
	"text/template/parse"
	"time"
)

// Default is the language every key must exist in and the one a missing
// translation falls back to.
const Default = "da"

// Parameter kinds the catalogue resolves itself. A parameter value
// "dato:2026-04-14" is written in the language's date format (key
// KeyDateFormat); "tekst:<key>" is replaced by the rendering of that key
// with the same parameters; "raw:<text>" is <text> exactly as written
// (free text such as a person's name, which must never be taken for a
// reference). Other kinds ("kg:3", "fravaer:ferie",
// "kategori:jobparat") are names from the rule tables; the caller resolves
// them through a Names.
const (
	KindDato  = "dato"
	KindTekst = "tekst"
	KindRaw   = "raw"
)

// Raw writes s as a parameter value that is shown exactly as written: a
// name or a finished date that happens to look like a reference
// ("tekst:…", "kg:3") stays text.
func Raw(s string) string { return KindRaw + ":" + s }

// KeyDateFormat is the key whose value is the language's date layout in Go
// time notation ("02.01.2006", "2 January 2006").
const KeyDateFormat = "format.dato"

// Names resolves parameters that name a code in a rule table
// ("kg:3" → "Dagpengemodtagere") in a language. ok is false when the kind
// or the code is unknown; the value is then shown as it is.
type Names interface {
	Name(kind, code, lang string) (name string, ok bool)
}

// Message is anything that can be shown through the catalogue: a key and
// its parameters. *app.Error implements it (and Hinted).
type Message interface {
	MessageKey() string
	MessageParams() map[string]string
}

// Hinted is a Message with follow-up sentences: keys rendered with the same
// parameters and appended after the message, each after a space (a soft
// rule's "Angiv en begrundelse …").
type Hinted interface {
	MessageHints() []string
}

// KeyInternal is shown for an error that is not a Message: its text is for
// the log, never for the user.
const KeyInternal = "error.internal"

// maxDepth bounds "tekst:" references, so a key that names itself fails
// instead of recursing forever.
const maxDepth = 4

// entry is one key in one language.
type entry struct {
	src    string
	tmpl   *template.Template
	params []string // sorted names the template uses
}

// Catalogue holds the texts of every language. It is read-only after Load
// and safe for concurrent use.
type Catalogue struct {
	langs map[string]map[string]*entry
}

// Load reads every <lang>.json in dir of fsys. A value is a string or, as in
// Fyne's go-i18n format, an object whose "other" member is the string.
// Errors name the file and the key; Danish must be present.
func Load(fsys fs.FS, dir string) (*Catalogue, error) {
	files, err := fs.Glob(fsys, path.Join(dir, "*.json"))
	if err != nil {
		return nil, fmt.Errorf("text: list %s: %w", dir, err)
	}
	c := &Catalogue{langs: map[string]map[string]*entry{}}
	for _, f := range files {
		lang := strings.TrimSuffix(path.Base(f), ".json")
		m, err := loadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		c.langs[lang] = m
	}
	if c.langs[Default] == nil {
		return nil, fmt.Errorf("text: %s has no %s.json", dir, Default)
	}
	return c, nil
}

func loadFile(fsys fs.FS, file string) (map[string]*entry, error) {
	data, err := fs.ReadFile(fsys, file)
	if err != nil {
		return nil, fmt.Errorf("text: read %s: %w", file, err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("text: %s: %w", file, err)
	}
	m := make(map[string]*entry, len(raw))
	for key, v := range raw {
		src, err := value(v)
		if err != nil {
			return nil, fmt.Errorf("text: %s: key %q: %w", file, key, err)
		}
		e, err := compile(key, src)
		if err != nil {
			return nil, fmt.Errorf("text: %s: key %q: %w", file, key, err)
		}
		m[key] = e
	}
	return m, nil
}

// value reads a plain string or a go-i18n object {"other": "…"}.
func value(v json.RawMessage) (string, error) {
	var s string
	if err := json.Unmarshal(v, &s); err == nil {
		return s, nil
	}
	var plural map[string]string
	if err := json.Unmarshal(v, &plural); err != nil {
		return "", errors.New("value is neither a string nor an object of strings")
	}
	s, ok := plural["other"]
	if !ok {
		return "", errors.New(`object has no "other" member`)
	}
	return s, nil
}

func compile(key, src string) (*entry, error) {
	t, err := template.New(key).Option("missingkey=error").Parse(src)
	if err != nil {
		return nil, err
	}
	var names []string
	if t.Tree != nil && t.Tree.Root != nil {
		collect(t.Tree.Root, &names)
	}
	slices.Sort(names)
	return &entry{src: src, tmpl: t, params: slices.Compact(names)}, nil
}

// collect gathers the parameter names ({{.name}}) a template uses.
func collect(n parse.Node, names *[]string) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n != nil {
			for _, c := range n.Nodes {
				collect(c, names)
			}
		}
	case *parse.ActionNode:
		collect(n.Pipe, names)
	case *parse.PipeNode:
		if n != nil {
			for _, c := range n.Cmds {
				collect(c, names)
			}
		}
	case *parse.CommandNode:
		for _, a := range n.Args {
			collect(a, names)
		}
	case *parse.FieldNode:
		*names = append(*names, n.Ident[0])
	case *parse.IfNode:
		collect(n.Pipe, names)
		collect(n.List, names)
		if n.ElseList != nil {
			collect(n.ElseList, names)
		}
	case *parse.RangeNode:
		collect(n.Pipe, names)
		collect(n.List, names)
		if n.ElseList != nil {
			collect(n.ElseList, names)
		}
	}
}

// Languages returns the catalogue's languages, sorted.
func (c *Catalogue) Languages() []string {
	out := make([]string, 0, len(c.langs))
	for l := range c.langs {
		out = append(out, l)
	}
	slices.Sort(out)
	return out
}

// Keys returns the keys of lang, sorted.
func (c *Catalogue) Keys(lang string) []string {
	out := make([]string, 0, len(c.langs[lang]))
	for k := range c.langs[lang] {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Has reports whether lang has key.
func (c *Catalogue) Has(lang, key string) bool {
	_, ok := c.langs[lang][key]
	return ok
}

// Params returns the sorted parameter names key uses in lang.
func (c *Catalogue) Params(lang, key string) []string {
	if e := c.langs[lang][key]; e != nil {
		return slices.Clone(e.params)
	}
	return nil
}

// Source returns the unrendered value of key in lang.
func (c *Catalogue) Source(lang, key string) (string, bool) {
	if e := c.langs[lang][key]; e != nil {
		return e.src, true
	}
	return "", false
}

// Lang returns the catalogue language closest to a locale such as
// "en_GB.UTF-8", "en" or "da-DK": English for "en…", else Danish.
func Lang(locale string) string {
	if strings.HasPrefix(strings.ToLower(locale), "en") {
		return "en"
	}
	return Default
}

// Render writes key in lang with params. A key missing in lang is taken
// from Danish. Errors: the key exists in no language, or the template needs
// a parameter that params lacks.
func (c *Catalogue) Render(lang, key string, params map[string]string, names Names) (string, error) {
	return c.render(lang, key, params, names, 0)
}

func (c *Catalogue) render(lang, key string, params map[string]string, names Names, depth int) (string, error) {
	if depth > maxDepth {
		return "", fmt.Errorf("text: %q: references nest deeper than %d", key, maxDepth)
	}
	e := c.langs[lang][key]
	if e == nil {
		if e = c.langs[Default][key]; e == nil {
			return "", fmt.Errorf("text: no key %q", key)
		}
		lang = Default
	}
	data := make(map[string]string, len(e.params))
	for _, p := range e.params {
		v, ok := params[p]
		if !ok {
			return "", fmt.Errorf("text: %s %q: missing parameter %q", lang, key, p)
		}
		r, err := c.resolve(lang, v, params, names, depth)
		if err != nil {
			return "", err
		}
		data[p] = r
	}
	var b strings.Builder
	if err := e.tmpl.Execute(&b, data); err != nil {
		return "", fmt.Errorf("text: %s %q: %w", lang, key, err)
	}
	return b.String(), nil
}

// resolve turns a parameter value into the words shown: dates in the
// language's format, "tekst:" references rendered, table codes named.
func (c *Catalogue) resolve(lang, v string, params map[string]string, names Names, depth int) (string, error) {
	kind, code, ok := strings.Cut(v, ":")
	if !ok || kind == "" || strings.ContainsAny(kind, " \t") {
		return v, nil
	}
	switch kind {
	case KindRaw:
		return code, nil
	case KindDato:
		return c.date(lang, code), nil
	case KindTekst:
		return c.render(lang, code, params, names, depth+1)
	}
	if names != nil {
		if n, ok := names.Name(kind, code, lang); ok {
			return n, nil
		}
	}
	return v, nil
}

// date writes an ISO date (2026-04-14) in lang's format; anything else is
// shown as it is.
func (c *Catalogue) date(lang, iso string) string {
	t, err := time.Parse(time.DateOnly, iso)
	if err != nil {
		return iso
	}
	layout := "02.01.2006"
	if e := c.langs[lang][KeyDateFormat]; e != nil {
		layout = e.src
	}
	return t.Format(layout)
}

// Text is Render that never fails, for showing: on an error it falls back
// to Danish, then to the key itself, so the screen shows something a
// developer can trace instead of nothing.
func (c *Catalogue) Text(lang, key string, params map[string]string, names Names) string {
	if s, err := c.Render(lang, key, params, names); err == nil {
		return s
	}
	if s, err := c.Render(Default, key, params, names); err == nil {
		return s
	}
	return key
}

// RenderMessage renders m and its hints in lang.
func (c *Catalogue) RenderMessage(lang string, m Message, names Names) (string, error) {
	s, err := c.Render(lang, m.MessageKey(), m.MessageParams(), names)
	if err != nil {
		return "", err
	}
	if h, ok := m.(Hinted); ok {
		for _, k := range h.MessageHints() {
			hs, err := c.Render(lang, k, m.MessageParams(), names)
			if err != nil {
				return "", err
			}
			s += " " + hs
		}
	}
	return s, nil
}

// Message is RenderMessage that never fails (see Text).
func (c *Catalogue) Message(lang string, m Message, names Names) string {
	if s, err := c.RenderMessage(lang, m, names); err == nil {
		return s
	}
	if s, err := c.RenderMessage(Default, m, names); err == nil {
		return s
	}
	return m.MessageKey()
}

// Error returns the user-facing text of err in lang: a Message's rendering,
// or the generic internal-error text for anything else (whose own text is
// for the log). nil gives "".
func (c *Catalogue) Error(lang string, err error, names Names) string {
	if err == nil {
		return ""
	}
	var m Message
	if errors.As(err, &m) {
		return c.Message(lang, m, names)
	}
	return c.Text(lang, KeyInternal, nil, names)
}
