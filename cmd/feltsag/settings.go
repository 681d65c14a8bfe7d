package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// settingsName is the caseworker's choices on this computer, beside the
// replica: no citizen data, so it is plain JSON.
const settingsName = "feltsag-settings.json"

// settings implements ui.Settings over settingsName.
type settings struct {
	mu   sync.Mutex
	path string
	v    settingsFile
}

type settingsFile struct {
	Language string `json:"language,omitempty"` // "", "da" or "en"
}

// loadSettings reads dir's settings; a missing file is the defaults, an
// unreadable one is reported (and the defaults used) so that a damaged
// file never keeps the client from starting.
func loadSettings(dir string) (*settings, error) {
	s := &settings{path: filepath.Join(dir, settingsName)}
	b, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("read settings: %w", err)
	}
	var v settingsFile
	if err := json.Unmarshal(b, &v); err != nil {
		return s, fmt.Errorf("settings %s are damaged (the defaults are used; choose again in Indstillinger): %w", s.path, err)
	}
	switch v.Language {
	case "", "da", "en":
	default:
		return s, fmt.Errorf("settings %s: unknown language %q (the computer's is used)", s.path, v.Language)
	}
	s.v = v
	return s, nil
}

// Language implements ui.Settings.
func (s *settings) Language() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.v.Language
}

// SetLanguage implements ui.Settings: it keeps code, written atomically.
func (s *settings) SetLanguage(code string) error {
	switch code {
	case "", "da", "en":
	default:
		return fmt.Errorf("unknown language %q", code)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.v
	v.Language = code
	if err := writeJSONFile(s.path, v); err != nil {
		return err
	}
	s.v = v
	return nil
}

// writeJSONFile writes v to path through a temporary file and a rename, so
// a crash leaves the old file or the new one.
func writeJSONFile(path string, v any) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create data folder: %w", err)
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	return nil
}
