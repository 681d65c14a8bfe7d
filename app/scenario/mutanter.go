package scenario

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing/fstest"

	"feltsag.dk/feltsag/app"
)

// mutableColumns are the cells the mutation check changes: numbers by +1
// and −1, ja/nej (and 0/1 parameters) by flipping. Ids, names, codes,
// dates and sources are left alone.
func mutableColumns() map[string][]string {
	return map[string][]string{
		"parametre.csv":        {"vaerdi"},
		"fravaerstyper.csv":    {"selvbetjening", "tilbagedatering_dage", "min_dage", "max_dage", "kraever_slutaarsag", "kraever_slutdato", "afmelder", "kun_fremad", "kan_oprettes", "helbred", "min_alder", "max_alder"},
		"kontaktgrupper.csv":   {"min_alder", "max_alder", "manuel"},
		"personkategorier.csv": {"max_alder", "vaelgbar"},
	}
}

// Mutant is one change to one cell of a rule table.
type Mutant struct {
	ID      string // "parametre.csv:tjob.max_miss@2024-01-01:vaerdi+1"
	Fil     string
	Linje   int
	Kolonne string
	Fra     string
	Til     string
	offset  int // byte offset of the cell in the file
}

// Mutants returns every mutant of the tables in fsys, in file and line
// order: each number +1 and −1 (never below 0), each ja/nej flipped, and
// each 0/1 parameter whose unit is ja/nej flipped. A cell that is empty
// or quoted is not changed.
func Mutants(fsys fs.FS) ([]Mutant, error) {
	files := make([]string, 0, len(mutableColumns()))
	for f := range mutableColumns() {
		files = append(files, f)
	}
	slices.Sort(files)
	var out []Mutant
	for _, f := range files {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		ms, err := tableMutants(f, b, mutableColumns()[f])
		if err != nil {
			return nil, err
		}
		out = append(out, ms...)
	}
	return out, nil
}

func tableMutants(file string, b []byte, columns []string) ([]Mutant, error) {
	lineStart := []int{0}
	for i, c := range b {
		if c == '\n' {
			lineStart = append(lineStart, i+1)
		}
	}
	cr := csv.NewReader(bytes.NewReader(b))
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	from := slices.Index(header, "gyldig_fra")
	unit := slices.Index(header, "enhed")
	var out []Mutant
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		key := rec[0]
		if from >= 0 && from < len(rec) {
			key += "@" + rec[from]
		}
		for _, col := range columns {
			i := slices.Index(header, col)
			if i < 0 || i >= len(rec) || rec[i] == "" {
				continue
			}
			line, column := cr.FieldPos(i)
			off := lineStart[line-1] + column - 1
			if off+len(rec[i]) > len(b) || string(b[off:off+len(rec[i])]) != rec[i] {
				continue // quoted or padded: not a plain cell
			}
			base := Mutant{Fil: file, Linje: line, Kolonne: col, Fra: rec[i], offset: off}
			add := func(op, to string) {
				m := base
				m.ID, m.Til = file+":"+key+":"+col+op, to
				out = append(out, m)
			}
			v := rec[i]
			switch {
			case v == "ja":
				add("~", "nej")
			case v == "nej":
				add("~", "ja")
			case unit >= 0 && unit < len(rec) && rec[unit] == "ja/nej" && (v == "0" || v == "1"):
				add("~", strconv.Itoa(1-int(v[0]-'0')))
			default:
				n, ok := digits(v)
				if !ok {
					continue
				}
				add("+1", strconv.Itoa(n+1))
				if n > 0 {
					add("-1", strconv.Itoa(n-1))
				}
			}
		}
	}
}

// Apply returns the tables of base with m applied: an in-memory copy of
// every file, the mutated one changed in one cell.
func (m Mutant) Apply(base fs.FS) (fs.FS, error) {
	out := fstest.MapFS{}
	err := fs.WalkDir(base, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != "." {
				return fs.SkipDir // the tables are the top-level files
			}
			return nil
		}
		b, err := fs.ReadFile(base, p)
		if err != nil {
			return err
		}
		out[p] = &fstest.MapFile{Data: b}
		return nil
	})
	if err != nil {
		return nil, err
	}
	f, ok := out[m.Fil]
	if !ok || m.offset+len(m.Fra) > len(f.Data) || string(f.Data[m.offset:m.offset+len(m.Fra)]) != m.Fra {
		return nil, fmt.Errorf("mutant %s: %s has no %q at line %d", m.ID, m.Fil, m.Fra, m.Linje)
	}
	data := slices.Concat(f.Data[:m.offset], []byte(m.Til), f.Data[m.offset+len(m.Fra):])
	out[m.Fil] = &fstest.MapFile{Data: data}
	return out, nil
}

// MutantResult is what became of one mutant.
type MutantResult struct {
	Mutant  Mutant
	Refused error     // LoadRules refused the mutated tables
	Killer  *Scenario // the first scenario that failed; nil if none did
}

// Killed reports whether the mutant was noticed: by a failing scenario
// or by the loader refusing the tables.
func (r MutantResult) Killed() bool { return r.Killer != nil || r.Refused != nil }

// RunMutants applies each mutant to base on its own, loads the tables
// with app.LoadRules and runs the scenarios until one fails, on workers
// goroutines. The scenarios must pass on base, or it returns an error.
func RunMutants(ctx context.Context, base fs.FS, scenarios []*Scenario, mutants []Mutant, workers int) ([]MutantResult, error) {
	rules, err := app.LoadRules(base)
	if err != nil {
		return nil, fmt.Errorf("the unchanged tables: %w", err)
	}
	eng := app.NewEngine(rules)
	for _, s := range scenarios {
		if res := Run(eng, s); !res.Passed() {
			return nil, fmt.Errorf("scenario %s:%d %q fails on the unchanged tables: %s", s.File, s.Line, s.Navn, res.Failures[0])
		}
	}
	results := make([]MutantResult, len(mutants))
	jobs := make(chan int)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for range max(1, workers) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				r, err := runMutant(base, scenarios, mutants[i])
				if err != nil {
					errs <- err
					return
				}
				results[i] = r
			}
		}()
	}
	var sendErr error
send:
	for i := range mutants {
		select {
		case jobs <- i:
		case sendErr = <-errs:
			break send
		case <-ctx.Done():
			sendErr = ctx.Err()
			break send
		}
	}
	close(jobs)
	wg.Wait()
	close(errs)
	if sendErr != nil {
		return nil, sendErr
	}
	if err := <-errs; err != nil {
		return nil, err
	}
	return results, nil
}

func runMutant(base fs.FS, scenarios []*Scenario, m Mutant) (MutantResult, error) {
	res := MutantResult{Mutant: m}
	fsys, err := m.Apply(base)
	if err != nil {
		return res, err
	}
	rules, err := app.LoadRules(fsys)
	if err != nil {
		res.Refused = err
		return res, nil
	}
	eng := app.NewEngine(rules)
	for _, s := range scenarios {
		if !Run(eng, s).Passed() {
			res.Killer = s
			break
		}
	}
	return res, nil
}

// Survivor is an accepted surviving mutant and why it is accepted.
// Mutant is an id or a pattern of ids (path.Match).
type Survivor struct {
	Mutant      string
	Begrundelse string
	Linje       int
}

// ReadSurvivors reads the list of accepted survivors (columns mutant,
// begrundelse); every row must give a reason.
func ReadSurvivors(r io.Reader) ([]Survivor, error) {
	recs, err := readCSV(r, []string{"mutant", "begrundelse"})
	if err != nil {
		return nil, fmt.Errorf("accepted survivors: %w", err)
	}
	var out []Survivor
	for _, rec := range recs {
		if rec.cells[0] == "" || rec.cells[1] == "" {
			return nil, fmt.Errorf("accepted survivors line %d: both mutant and begrundelse are required", rec.line)
		}
		if _, err := path.Match(rec.cells[0], ""); err != nil {
			return nil, fmt.Errorf("accepted survivors line %d: %q is not a valid pattern", rec.line, rec.cells[0])
		}
		out = append(out, Survivor{Mutant: rec.cells[0], Begrundelse: rec.cells[1], Linje: rec.line})
	}
	return out, nil
}

// Judge sorts the survivors of results into accepted (with the entry that
// accepts each) and unaccepted, and returns the stale entries: those that
// match no surviving mutant. When full is false (a subset ran), an entry
// that matches no mutant of results is not stale.
func Judge(results []MutantResult, accepted []Survivor, full bool) (ok map[string]*Survivor, notOK []MutantResult, stale []Survivor) {
	ok = map[string]*Survivor{}
	usedOrAbsent := make([]bool, len(accepted))
	for i := range accepted {
		usedOrAbsent[i] = !full
		for _, r := range results {
			if m, _ := path.Match(accepted[i].Mutant, r.Mutant.ID); m {
				usedOrAbsent[i] = false
				break
			}
		}
	}
	for _, r := range results {
		if r.Killed() {
			continue
		}
		var by *Survivor
		for i := range accepted {
			if m, _ := path.Match(accepted[i].Mutant, r.Mutant.ID); m {
				usedOrAbsent[i] = true
				if by == nil {
					by = &accepted[i]
				}
			}
		}
		if by == nil {
			notOK = append(notOK, r)
		} else {
			ok[r.Mutant.ID] = by
		}
	}
	for i, u := range usedOrAbsent {
		if !u {
			stale = append(stale, accepted[i])
		}
	}
	return ok, notOK, stale
}

// IsPattern reports whether s is a pattern rather than one id.
func IsPattern(s string) bool { return strings.ContainsAny(s, "*?[") }
