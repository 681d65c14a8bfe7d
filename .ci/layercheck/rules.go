package main

import (
	"fmt"
	"slices"
	"strings"
)

// A rule constrains the imports of one layer: the package at layer (a path
// relative to the module root) and every package below it; the layer "."
// is every package of the module.
type rule struct {
	layer string
	// forbidden reports whether the layer may not import the package.
	forbidden func(p *pkg) bool
	// direct limits the rule to direct imports; otherwise every package
	// reachable through imports counts.
	direct bool
	why    string
}

// testkit is the test-support package (relative to the module root).
const testkit = "internal/testkit"

// assetsImports are the only packages assets may import: it embeds files and
// hands out read-only file systems, nothing more.
var assetsImports = []string{"embed", "io", "io/fs"}

// rules returns Feltsag's layer rules for the module at path mod.
func rules(mod string) []rule {
	own := func(layer string) string { return mod + "/" + layer }
	adapterBan := func(p *pkg) bool {
		return within(p.ImportPath, own("ui")) || within(p.ImportPath, "fyne.io/fyne/v2")
	}
	return []rule{
		{layer: "app", why: "app imports the standard library only",
			forbidden: func(p *pkg) bool { return !p.Standard && !within(p.ImportPath, own("app")) }},
		{layer: "ui", why: "ui never creates the Fyne app; cmd/feltsag does",
			forbidden: func(p *pkg) bool { return within(p.ImportPath, "fyne.io/fyne/v2/app") }},
		{layer: "ui", why: "ui never touches store or sync; cmd injects what a screen needs",
			forbidden: func(p *pkg) bool {
				return within(p.ImportPath, own("store")) || within(p.ImportPath, own("sync"))
			}},
		{layer: "store", why: "adapters never import ui or Fyne", forbidden: adapterBan},
		{layer: "sync", why: "adapters never import ui or Fyne", forbidden: adapterBan},
		{layer: "pdf", why: "adapters never import ui or Fyne", forbidden: adapterBan},
		{layer: ".", why: "internal/testkit is test support: only _test.go files import it",
			forbidden: func(p *pkg) bool { return within(p.ImportPath, own(testkit)) }},
		{layer: "assets", direct: true, why: "assets imports only " + strings.Join(assetsImports, ", "),
			forbidden: func(p *pkg) bool {
				return !slices.Contains(assetsImports, p.ImportPath) && !within(p.ImportPath, own("assets"))
			}},
	}
}

// violation is one forbidden import, with the import chain that leads to it.
type violation struct {
	chain []string // from the checked package to the forbidden one
	why   string
}

func (v violation) String() string {
	from, to := v.chain[0], v.chain[len(v.chain)-1]
	s := fmt.Sprintf("layercheck: %s imports %s: %s", from, to, v.why)
	if len(v.chain) > 2 {
		s += "\n    via " + strings.Join(v.chain, " -> ")
	}
	return s
}

// check applies every rule to every package of the module.
func check(g *graph) []violation {
	var vs []violation
	for _, path := range g.own {
		for _, r := range rules(g.module) {
			if r.layer == "." || within(path, g.module+"/"+r.layer) {
				vs = append(vs, g.violations(path, r)...)
			}
		}
	}
	return vs
}

// violations walks the imports of from breadth-first and reports each
// forbidden package where the walk first meets it. It does not walk through
// a forbidden package: one bad import of Fyne is one violation, not fifty.
func (g *graph) violations(from string, r rule) []violation {
	parent := map[string]string{from: ""}
	queue := []string{from}
	var vs []violation
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, imp := range g.importsOf(cur) {
			if _, seen := parent[imp]; seen {
				continue
			}
			parent[imp] = cur
			if r.forbidden(g.lookup(imp)) {
				vs = append(vs, violation{chain: chainTo(parent, imp), why: r.why})
			} else if !r.direct {
				queue = append(queue, imp)
			}
		}
	}
	return vs
}

func (g *graph) importsOf(path string) []string {
	if p, ok := g.pkgs[path]; ok {
		return p.Imports
	}
	return nil
}

// lookup returns the package at path; go list -deps lists every dependency,
// so a miss means a package that failed to load, treated as non-standard.
func (g *graph) lookup(path string) *pkg {
	if p, ok := g.pkgs[path]; ok {
		return p
	}
	return &pkg{ImportPath: path}
}

func chainTo(parent map[string]string, to string) []string {
	var chain []string
	for p := to; p != ""; p = parent[p] {
		chain = append(chain, p)
	}
	slices.Reverse(chain)
	return chain
}
