package app_test

import (
	"bufio"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// docs/domain.md explains every source tag, confidence mark and "DOMAIN §x"
// reference the repository uses. These tests keep it that way: a tag added
// to a rule table, a scenario or a Go comment without a row in the
// document's source table fails here.

const domainDoc = "docs/domain.md"

var (
	// tagRe matches a source tag such as [S12] or [S50b].
	tagRe = regexp.MustCompile(`\[S[0-9]+[a-z]?\]`)
	// markRe matches the confidence marks (A), (H) and (R).
	markRe = regexp.MustCompile(`\([AHR]\)`)
	// domainRefRe matches a reference into the research notes, e.g.
	// "DOMAIN §4.3" or "DOMAIN A4.2"; only the first reference after the
	// word DOMAIN is read.
	domainRefRe = regexp.MustCompile(`DOMAIN (§[0-9]+(?:\.[0-9]+)?|A[0-9]+(?:\.[0-9]+)?)`)
	// docRefRe matches a reference to a section of docs/domain.md.
	docRefRe = regexp.MustCompile(`docs/domain\.md §([0-9]+(?:\.[0-9]+)?)`)

	// Rows of docs/domain.md: a source ("| [S12] | …"), a mark
	// ("| (A) | …"), a DOMAIN mapping ("| §4.3 | …", "| A4.2 | …") and a
	// section heading ("## 11. …", "### 11.4 …").
	sourceRowRe  = regexp.MustCompile(`^\| (\[S[0-9]+[a-z]?\]) \|`)
	markRowRe    = regexp.MustCompile(`^\| (\([AHR]\)) \|`)
	mappingRowRe = regexp.MustCompile(`^\| (§[0-9]+(?:\.[0-9]+)?|A[0-9]+(?:\.[0-9]+)?) \|`)
	headingRe    = regexp.MustCompile(`^#{2,4} ([0-9]+(?:\.[0-9]+)?)\.? `)
)

// repoRoot returns the repository root seen from the app package directory.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("repository root not found from the app package: %v", err)
	}
	return root
}

// citingFiles reads the files whose citations docs/domain.md must explain:
// the rule tables, the rule scenarios, every Go file, and (with withDocs)
// the other documents in docs/. It returns their lines by path relative to
// root.
func citingFiles(t *testing.T, root string, withDocs bool) map[string][]string {
	t.Helper()
	var files []string
	for _, pattern := range []string{"assets/rules/*.csv", "assets/rules/scenarios/*.txt"} {
		m, err := filepath.Glob(filepath.Join(root, pattern))
		if err != nil {
			t.Fatal(err)
		}
		if len(m) == 0 {
			t.Fatalf("no files match %s", pattern)
		}
		files = append(files, m...)
	}
	if withDocs {
		m, _ := filepath.Glob(filepath.Join(root, "docs", "*.md"))
		for _, f := range m {
			if filepath.Base(f) != filepath.Base(domainDoc) {
				files = append(files, f)
			}
		}
	}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && (d.Name() == ".git" || d.Name() == "bin" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".go") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	lines := make(map[string][]string, len(files))
	for _, f := range files {
		rel, err := filepath.Rel(root, f)
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines[filepath.ToSlash(rel)] = strings.Split(string(b), "\n")
	}
	return lines
}

// use is where a citation first occurs.
type use struct {
	file string
	line int
}

// findUses returns each distinct match of re (its group 1 if it has one)
// in files with its first occurrence, in a stable order of files. Only
// lines containing hint are matched, which keeps the scan fast.
func findUses(files map[string][]string, hint string, re *regexp.Regexp) map[string]use {
	uses := map[string]use{}
	for _, f := range sortedKeys(files) {
		for i, line := range files[f] {
			if !strings.Contains(line, hint) {
				continue
			}
			for _, m := range re.FindAllStringSubmatch(line, -1) {
				key := m[len(m)-1]
				if _, ok := uses[key]; !ok {
					uses[key] = use{f, i + 1}
				}
			}
		}
	}
	return uses
}

// domainDocRows reads docs/domain.md and returns group 1 of every line
// that matches re.
func domainDocRows(t *testing.T, root string, re *regexp.Regexp) map[string]bool {
	t.Helper()
	f, err := os.Open(filepath.Join(root, domainDoc))
	if err != nil {
		t.Fatalf("%s must exist and explain the source tags: %v", domainDoc, err)
	}
	defer f.Close()
	rows := map[string]bool{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		if m := re.FindStringSubmatch(sc.Text()); m != nil {
			rows[m[1]] = true
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// TestDomainDocExplainsEverySourceTag fails when a source tag or a
// confidence mark used in a rule table, a scenario or a Go file has no row
// in the source table of docs/domain.md (§12).
func TestDomainDocExplainsEverySourceTag(t *testing.T) {
	root := repoRoot(t)
	files := citingFiles(t, root, false)
	tests := []struct {
		name string
		hint string
		use  *regexp.Regexp
		row  *regexp.Regexp
	}{
		{"source tags", "[S", tagRe, sourceRowRe},
		{"confidence marks", ")", markRe, markRowRe},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			uses := findUses(files, tt.hint, tt.use)
			if len(uses) == 0 {
				t.Fatalf("no %s found in %d files; the scan is broken", tt.name, len(files))
			}
			rows := domainDocRows(t, root, tt.row)
			for _, tag := range sortedKeys(uses) {
				if !rows[tag] {
					u := uses[tag]
					t.Errorf("%s:%d cites %s, but %s has no row for it; add the law paragraph or document and its public address to §12",
						u.file, u.line, tag, domainDoc)
				}
			}
		})
	}
}

// TestDomainDocSourcesHaveAnAddress checks that every source row gives a
// public address, or says plainly that there is none.
func TestDomainDocSourcesHaveAnAddress(t *testing.T) {
	root := repoRoot(t)
	b, err := os.ReadFile(filepath.Join(root, domainDoc))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for i, line := range strings.Split(string(b), "\n") {
		m := sourceRowRe.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		n++
		if !strings.Contains(line, "<http") && !strings.Contains(line, "no public address") {
			t.Errorf("%s:%d: source %s has no address; give <https://…> or write \"no public address\"", domainDoc, i+1, m[1])
		}
	}
	if n == 0 {
		t.Fatalf("%s has no source rows", domainDoc)
	}
}

// TestDomainDocMapsDomainReferences fails when a "DOMAIN §x" reference in a
// table, scenario, Go file or document has no row (for itself or its parent
// section) in the mapping of docs/domain.md §14, and when a
// "docs/domain.md §y" reference names a section the document does not have.
func TestDomainDocMapsDomainReferences(t *testing.T) {
	root := repoRoot(t)
	files := citingFiles(t, root, true)
	t.Run("DOMAIN references", func(t *testing.T) {
		uses := findUses(files, "DOMAIN ", domainRefRe)
		rows := domainDocRows(t, root, mappingRowRe)
		for _, ref := range sortedKeys(uses) {
			parent, _, _ := strings.Cut(ref, ".")
			if !rows[ref] && !rows[parent] {
				u := uses[ref]
				t.Errorf("%s:%d cites DOMAIN %s, but %s §14 does not map it", u.file, u.line, ref, domainDoc)
			}
		}
	})
	t.Run("docs/domain.md references", func(t *testing.T) {
		uses := findUses(files, "docs/domain.md", docRefRe)
		headings := domainDocRows(t, root, headingRe)
		for _, ref := range sortedKeys(uses) {
			if !headings[ref] {
				u := uses[ref]
				t.Errorf("%s:%d cites %s §%s, which has no such section", u.file, u.line, domainDoc, ref)
			}
		}
	})
}
