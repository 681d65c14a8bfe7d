package scenario

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Impl is a place that implements rules: a row of a rule table, a whole
// table (its header comments), or a Go declaration, with the tags it
// carries.
type Impl struct {
	Sted   string   // "parametre.csv:14 tjob.max_miss", "fravaer_effekter.csv", "app/fravaer.go checkBackdating"
	Refs   []string // DOMAIN references (DomainRefs)
	Kilder []string // source tags
	Koder  []string // DFDG rule numbers
	Fil    bool     // the header comments of a whole table
}

// TableImpls reads every *.csv in fsys (the rule tables) and returns one
// Impl per table (its comment lines) and one per row (its kilde cell).
func TableImpls(fsys fs.FS) ([]Impl, error) {
	files, err := fs.Glob(fsys, "*.csv")
	if err != nil {
		return nil, err
	}
	var out []Impl
	for _, f := range files {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		var comments strings.Builder
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "#") {
				comments.WriteString(l + "\n")
			}
		}
		// The first comment line of every table points to docs/domain.md
		// for all tables alike; it is not a reference of this table.
		c := comments.String()
		if _, after, ok := strings.Cut(c, "\n"); ok && strings.Contains(c[:len(c)-len(after)], "docs/domain.md") {
			c = after
		}
		out = append(out, Impl{Sted: f, Refs: DomainRefs(c), Kilder: SourceTags(c), Fil: true})
		cr := csv.NewReader(bytes.NewReader(b))
		cr.Comment = '#'
		cr.FieldsPerRecord = -1
		header, err := cr.Read()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		col := slices.Index(header, "kilde")
		if col < 0 {
			continue
		}
		for {
			rec, err := cr.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return nil, fmt.Errorf("%s: %w", f, err)
			}
			if col >= len(rec) {
				continue
			}
			line, _ := cr.FieldPos(0)
			k := rec[col]
			out = append(out, Impl{Sted: f + ":" + strconv.Itoa(line) + " " + rec[0],
				Refs: DomainRefs(k), Kilder: SourceTags(k), Koder: RuleCodes(k)})
		}
	}
	return out, nil
}

// GoImpls parses the Go files of dir in fsys (test files excluded) and
// returns one Impl per top-level function, type, constant or variable,
// with the tags of its comments and, as rule numbers, the four-digit
// string literals it uses (RuleError("4685", …)). name prefixes Sted
// ("app/fravaer.go checkBackdating").
func GoImpls(fsys fs.FS, dir, name string) ([]Impl, error) {
	files, err := fs.Glob(fsys, path.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	var out []Impl
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		file, err := parser.ParseFile(fset, f, src, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		base := path.Join(name, path.Base(f))
		for _, decl := range file.Decls {
			for _, d := range splitDecl(decl) {
				var text strings.Builder
				for _, cg := range file.Comments {
					if cg.End() >= d.from && cg.Pos() <= d.to {
						text.WriteString(cg.Text() + "\n")
					}
				}
				codes := RuleCodes(text.String())
				ast.Inspect(d.node, func(n ast.Node) bool {
					if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
						if v, err := strconv.Unquote(lit.Value); err == nil && len(v) == 4 && !isYear(v) {
							if _, ok := digits(v); ok && !slices.Contains(codes, v) {
								codes = append(codes, v)
							}
						}
					}
					return true
				})
				t := text.String()
				refs, tags := DomainRefs(t), SourceTags(t)
				if len(refs)+len(tags)+len(codes) == 0 {
					continue
				}
				out = append(out, Impl{Sted: base + " " + d.name, Refs: refs, Kilder: tags, Koder: codes})
			}
		}
	}
	return out, nil
}

// declPart is one named part of a declaration and the source range its
// comments may lie in (its doc comment included).
type declPart struct {
	name     string
	from, to token.Pos
	node     ast.Node
}

// splitDecl splits a declaration into functions and single specs: a
// const block gives one part per name, so the comment of one constant is
// not credited to its neighbours.
func splitDecl(decl ast.Decl) []declPart {
	switch d := decl.(type) {
	case *ast.FuncDecl:
		name := d.Name.Name
		if d.Recv != nil && len(d.Recv.List) == 1 {
			if s := recvName(d.Recv.List[0].Type); s != "" {
				name = s + "." + name
			}
		}
		from := d.Pos()
		if d.Doc != nil {
			from = d.Doc.Pos()
		}
		return []declPart{{name: name, from: from, to: d.End(), node: d}}
	case *ast.GenDecl:
		var out []declPart
		for i, spec := range d.Specs {
			from, to := spec.Pos(), spec.End()
			if i == 0 && d.Doc != nil {
				from = d.Doc.Pos()
			}
			var names []string
			switch s := spec.(type) {
			case *ast.TypeSpec:
				names = []string{s.Name.Name}
				if s.Doc != nil {
					from = min(from, s.Doc.Pos())
				}
				if s.Comment != nil {
					to = max(to, s.Comment.End())
				}
			case *ast.ValueSpec:
				for _, n := range s.Names {
					names = append(names, n.Name)
				}
				if s.Doc != nil {
					from = min(from, s.Doc.Pos())
				}
				if s.Comment != nil {
					to = max(to, s.Comment.End())
				}
			default:
				continue
			}
			out = append(out, declPart{name: strings.Join(names, ", "), from: from, to: to, node: spec})
		}
		return out
	}
	return nil
}

func recvName(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.StarExpr:
		return recvName(t.X)
	case *ast.Ident:
		return t.Name
	case *ast.IndexExpr:
		return recvName(t.X)
	}
	return ""
}

// Exception is a sourced rule that is accepted without a scenario, and
// why. Regel is a rule id or a pattern of ids (path.Match: "B*", "§7 *").
type Exception struct {
	Regel       string
	Begrundelse string
	Linje       int
}

// ReadExceptions reads the exceptions file (columns regel, begrundelse);
// every row must give a reason.
func ReadExceptions(r io.Reader) ([]Exception, error) {
	recs, err := readCSV(r, []string{"regel", "begrundelse"})
	if err != nil {
		return nil, fmt.Errorf("exceptions: %w", err)
	}
	var out []Exception
	for _, rec := range recs {
		if rec.cells[0] == "" || rec.cells[1] == "" {
			return nil, fmt.Errorf("exceptions line %d: both regel and begrundelse are required", rec.line)
		}
		if _, err := path.Match(rec.cells[0], ""); err != nil {
			return nil, fmt.Errorf("exceptions line %d: %q is not a valid pattern", rec.line, rec.cells[0])
		}
		out = append(out, Exception{Regel: rec.cells[0], Begrundelse: rec.cells[1], Linje: rec.line})
	}
	return out, nil
}

func (e Exception) matches(id string) bool {
	ok, _ := path.Match(e.Regel, id)
	return ok
}

func (e Exception) isPattern() bool { return strings.ContainsAny(e.Regel, "*?[") }

// RuleCoverage is one row of the coverage matrix.
type RuleCoverage struct {
	Rule       DomainRule
	Impl       []string    // where it is implemented, the surest first
	Scenarios  []*Scenario // the scenarios that test it
	Undtagelse *Exception  // the exception that accepts it without a scenario
}

// Uncovered reports whether the rule has neither a scenario nor an
// exception.
func (c RuleCoverage) Uncovered() bool { return len(c.Scenarios) == 0 && c.Undtagelse == nil }

// Coverage is the coverage matrix.
type Coverage struct {
	Rules   []RuleCoverage
	Stale   []Exception // exceptions that match no rule, or name a rule with a scenario by its exact id
	Unknown []string    // "file:line id" for every regler: id that is not in the catalogue
}

// Counts returns how many rules there are, how many have a scenario, how
// many are accepted by an exception, and how many have neither.
func (c Coverage) Counts() (total, tested, excepted, uncovered int) {
	for _, r := range c.Rules {
		switch {
		case len(r.Scenarios) > 0:
			tested++
		case r.Undtagelse != nil:
			excepted++
		default:
			uncovered++
		}
	}
	return len(c.Rules), tested, excepted, uncovered
}

// OK reports whether every rule has a scenario or an exception, no
// exception is stale and every regler: id names a rule.
func (c Coverage) OK() bool {
	_, _, _, u := c.Counts()
	return u == 0 && len(c.Stale) == 0 && len(c.Unknown) == 0
}

// BuildCoverage joins the rules to their implementations and scenarios
// by their tags.
//
// A scenario tests a rule when its kilde: or regler: line names the
// rule's id, or when the rule names DFDG rule numbers and every one of
// them is expected as a refusal by some scenario ("forventet: afvist
// 4685"). A scenario that names only the rule's section does not test it.
//
// An implementation is listed when it names the rule's id or one of its
// rule numbers; when it names the rule's section and shares a source tag
// with it (a table's header comments need not share one); or when it
// shares two of the rule's source tags (the one, if the rule has one).
func BuildCoverage(rules []DomainRule, impls []Impl, scenarios []*Scenario, exceptions []Exception) Coverage {
	byTag := map[string][]*Scenario{}
	byCode := map[string][]*Scenario{}
	for _, s := range scenarios {
		for _, t := range s.Tags() {
			byTag[t] = append(byTag[t], s)
		}
		for _, c := range s.RefusalCodes() {
			byCode[c] = append(byCode[c], s)
		}
	}
	var cov Coverage
	known := map[string]bool{}
	for _, r := range rules {
		known[r.ID] = true
	}
	for _, s := range scenarios {
		for _, id := range s.Regler {
			if !known[id] {
				cov.Unknown = append(cov.Unknown, s.File+":"+strconv.Itoa(s.Line)+" "+id)
			}
		}
	}
	used := make([]bool, len(exceptions))
	for _, r := range rules {
		rc := RuleCoverage{Rule: r, Impl: implsFor(r, impls)}
		rc.Scenarios = append(rc.Scenarios, byTag[r.ID]...)
		if len(rc.Scenarios) == 0 && len(r.Koder) > 0 {
			all := true
			for _, c := range r.Koder {
				all = all && len(byCode[c]) > 0
			}
			if all {
				for _, c := range r.Koder {
					for _, s := range byCode[c] {
						if !slices.Contains(rc.Scenarios, s) {
							rc.Scenarios = append(rc.Scenarios, s)
						}
					}
				}
			}
		}
		for i := range exceptions {
			if exceptions[i].matches(r.ID) {
				used[i] = true
				if !exceptions[i].isPattern() && len(rc.Scenarios) > 0 {
					cov.Stale = append(cov.Stale, exceptions[i])
				}
				if rc.Undtagelse == nil {
					rc.Undtagelse = &exceptions[i]
				}
			}
		}
		cov.Rules = append(cov.Rules, rc)
	}
	for i, u := range used {
		if !u {
			cov.Stale = append(cov.Stale, exceptions[i])
		}
	}
	sort.SliceStable(cov.Stale, func(i, j int) bool { return cov.Stale[i].Linje < cov.Stale[j].Linje })
	return cov
}

// implsFor returns the places that implement r, the surest first.
func implsFor(r DomainRule, impls []Impl) []string {
	var strong, section, shared []string
	for _, im := range impls {
		switch {
		case slices.Contains(im.Refs, r.ID) || overlap(im.Koder, r.Koder) > 0:
			strong = append(strong, im.Sted)
		case slices.Contains(im.Refs, r.Afsnit) && (im.Fil || overlap(im.Kilder, r.Kilder) > 0):
			section = append(section, im.Sted)
		case len(r.Kilder) > 0 && overlap(im.Kilder, r.Kilder) >= min(2, len(r.Kilder)):
			shared = append(shared, im.Sted)
		}
	}
	return slices.Concat(strong, section, shared)
}

func overlap(a, b []string) int {
	n := 0
	for _, x := range a {
		if slices.Contains(b, x) {
			n++
		}
	}
	return n
}
