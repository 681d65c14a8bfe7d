package store_test

import (
	"path/filepath"
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/store"
)

func TestDefaultPath(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	tests := []struct {
		goos string
		env  map[string]string
		home string
		want string
	}{
		{"linux", map[string]string{"XDG_DATA_HOME": "/data"}, "/home/a", filepath.Join("/data", "feltsag")},
		{"linux", nil, "/home/a", filepath.Join("/home/a", ".local", "share", "feltsag")},
		{"linux", map[string]string{"XDG_DATA_HOME": "relativ"}, "/home/a", filepath.Join("/home/a", ".local", "share", "feltsag")},
		{"windows", map[string]string{"LOCALAPPDATA": `C:\Users\a\AppData\Local`, "APPDATA": `C:\Users\a\AppData\Roaming`}, `C:\Users\a`, filepath.Join(`C:\Users\a\AppData\Local`, "Feltsag")},
		{"darwin", nil, "/Users/a", filepath.Join("/Users/a", "Library", "Application Support", "Feltsag")},
	}
	for _, tt := range tests {
		t.Run(tt.goos, func(t *testing.T) {
			got, err := store.DefaultPathOn(tt.goos, env(tt.env), tt.home, "cw-7", "dev-3")
			mustNoErr(t, err, "DefaultPath")
			if want := filepath.Join(tt.want, "feltsag-cw-7-dev-3.db"); got != want {
				t.Fatalf("got %s, want %s", got, want)
			}
		})
	}
	if _, err := store.DefaultPathOn("linux", env(nil), "/h", app.ID(canaryCPR), "dev"); app.ErrorCode(err) != app.CodeInvalid {
		t.Fatalf("an id shaped like a CPR number was accepted in a file name: %v", err)
	}
	if _, err := store.DefaultPathOn("linux", env(nil), "", "cw", "dev"); app.ErrorCode(err) != app.CodeInternal {
		t.Fatalf("no home: %v", err)
	}
}
