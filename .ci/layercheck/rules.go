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
	// except names sub-layers the rule does not cover: they have a rule
	// of their own (store/pgledger under store).
	except []string
	why    string
}

// testkit and pgtest are the test-support packages (relative to the module
// root): only _test.go files import them.
const (
	testkit = "internal/testkit"
	pgtest  = "internal/pgtest"
)

// assetsImports are the only packages assets may import: it embeds files and
// hands out read-only file systems, nothing more.
var assetsImports = []string{"embed", "io", "io/fs"}

// Third-party modules each adapter layer may import directly (DESIGN.md §2).
// Their own dependencies are not checked: bbolt needs golang.org/x/sys, Fyne
// needs half of GitHub, and that is theirs to choose.
const (
	modBolt      = "go.etcd.io/bbolt"
	modCrypto    = "golang.org/x/crypto"
	modWebsocket = "github.com/gorilla/websocket"
	modPDF       = "codeberg.org/go-pdf/fpdf"
	modFyne      = "fyne.io/fyne/v2"
	modFyneApp   = "fyne.io/fyne/v2/app"
	modPgx       = "github.com/jackc/pgx/v5"
)

// rules returns Feltsag's layer rules for the module at path mod. Every layer
// has an allow list of direct imports; the bans that matter most (ui never
// reaching store, sync or pdf; no adapter reaching ui or Fyne) are also
// checked through every chain of imports, so a sub-package cannot launder them.
func rules(mod string) []rule {
	own := func(layer string) string { return mod + "/" + layer }
	ownAny := func(p *pkg, layers ...string) bool {
		for _, l := range layers {
			if within(p.ImportPath, own(l)) {
				return true
			}
		}
		return false
	}
	// allow returns a rule body that forbids every direct import that is not
	// the standard library, one of the module's layers, or one of mods.
	allow := func(layers []string, mods ...string) func(p *pkg) bool {
		return func(p *pkg) bool {
			if p.Standard || ownAny(p, layers...) {
				return false
			}
			for _, m := range mods {
				if within(p.ImportPath, m) {
					return false
				}
			}
			return true
		}
	}
	adapterBan := func(p *pkg) bool { return ownAny(p, "ui") || within(p.ImportPath, modFyne) }
	return []rule{
		{layer: "app", why: "app imports the standard library only",
			forbidden: func(p *pkg) bool { return !p.Standard && !ownAny(p, "app") }},
		{layer: "store", direct: true, why: "store imports only app, bbolt and x/crypto", except: []string{"store/pgledger"},
			forbidden: allow([]string{"app", "store"}, modBolt, modCrypto)},
		{layer: "store", why: "adapters never import ui or Fyne", forbidden: adapterBan},
		{layer: "store/ledger", direct: true, why: "store/ledger imports only app, bbolt and the standard library (never the client's store or x/crypto)",
			forbidden: allow([]string{"app", "store/ledger"}, modBolt)},
		{layer: "store/pgledger", direct: true, why: "store/pgledger imports only app, pgx and the standard library (never bbolt, the client's store or the bbolt ledger)",
			forbidden: allow([]string{"app", "store/pgledger"}, modPgx)},
		{layer: "store/ledger/ledgertest", direct: true, why: "the conformance suite imports only app and the standard library: every ledger implementation runs it",
			forbidden: allow([]string{"app"})},
		{layer: "sync", direct: true, why: "sync imports only app, gorilla/websocket and x/crypto (never store, ui, pdf or Fyne)",
			forbidden: allow([]string{"app", "sync"}, modWebsocket, modCrypto)},
		{layer: "sync", why: "adapters never import ui or Fyne", forbidden: adapterBan},
		{layer: "sync", why: "sync never touches store or pdf; cmd wires them",
			forbidden: func(p *pkg) bool { return ownAny(p, "store", "pdf") }},
		{layer: "pdf", direct: true, why: "pdf imports only app, assets and fpdf",
			forbidden: allow([]string{"app", "assets", "pdf"}, modPDF)},
		{layer: "pdf", why: "adapters never import ui or Fyne", forbidden: adapterBan},
		{layer: "ui", why: "ui never creates the Fyne app; cmd/feltsag does",
			forbidden: func(p *pkg) bool { return within(p.ImportPath, modFyneApp) }},
		{layer: "ui", why: "ui never touches store, sync or pdf; cmd injects what a screen needs",
			forbidden: func(p *pkg) bool { return ownAny(p, "store", "sync", "pdf") }},
		{layer: "ui", direct: true, why: "ui imports only app, assets and Fyne",
			forbidden: allow([]string{"app", "assets", "ui"}, modFyne)},
		{layer: ".", why: "internal/testkit and internal/pgtest are test support: only _test.go files import them",
			forbidden: func(p *pkg) bool { return within(p.ImportPath, own(testkit)) || within(p.ImportPath, own(pgtest)) }},
		{layer: "assets", direct: true, why: "assets imports only " + strings.Join(assetsImports, ", "),
			forbidden: func(p *pkg) bool {
				return !slices.Contains(assetsImports, p.ImportPath) && !ownAny(p, "assets")
			}},
	}
}

// shadowing reports the module's packages whose name is that of a standard
// library package they would hide in an importing file (a package named
// sync next to the standard library's sync, say).
func shadowing(g *graph) []string {
	std := map[string]bool{}
	for _, p := range g.pkgs {
		if p.Standard && !strings.Contains(p.ImportPath, "/internal") && !strings.HasPrefix(p.ImportPath, "internal/") && !strings.HasPrefix(p.ImportPath, "vendor/") {
			std[p.ImportPath] = true
		}
	}
	var out []string
	for _, path := range g.own {
		p := g.pkgs[path]
		if p == nil || p.Name == "main" {
			continue
		}
		if std[p.Name] {
			out = append(out, fmt.Sprintf("layercheck: %s is package %s, which shadows the standard library's %s: name it after what it does (sync/wire, sync/client, …)", path, p.Name, p.Name))
		}
	}
	return out
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
			if r.layer == "." || within(path, g.module+"/"+r.layer) && !exempt(path, g.module, r.except) {
				vs = append(vs, g.violations(path, r)...)
			}
		}
	}
	return vs
}

// exempt reports whether path lies in one of the sub-layers a rule leaves
// to rules of their own.
func exempt(path, mod string, except []string) bool {
	for _, e := range except {
		if within(path, mod+"/"+e) {
			return true
		}
	}
	return false
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
