package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"sort"
	"strings"
)

// pkg is the part of `go list -json` output the checker reads.
type pkg struct {
	ImportPath string
	Name       string
	Standard   bool
	Imports    []string
	Module     *struct{ Path string }
}

// graph is the import graph of one module's packages and all their
// dependencies.
type graph struct {
	module string          // module path, e.g. feltsag.dk/feltsag
	pkgs   map[string]*pkg // by import path
	own    []string        // the module's own packages, sorted
}

// loadGraph runs `go list -deps -json ./...` in dir.
func loadGraph(ctx context.Context, dir, tags string) (*graph, error) {
	module, err := goList(ctx, dir, "-m", "-f", "{{.Path}}")
	if err != nil {
		return nil, err
	}
	g := &graph{module: strings.TrimSpace(string(module)), pkgs: map[string]*pkg{}}
	out, err := goList(ctx, dir, "-deps", "-json=ImportPath,Name,Standard,Imports,Module", "-tags", tags, "./...")
	if err != nil {
		return nil, err
	}
	if err := g.decode(bytes.NewReader(out)); err != nil {
		return nil, fmt.Errorf("read go list output: %w", err)
	}
	return g, nil
}

func (g *graph) decode(r io.Reader) error {
	dec := json.NewDecoder(r)
	for {
		var p pkg
		err := dec.Decode(&p)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		g.pkgs[p.ImportPath] = &p
		if p.Module != nil && p.Module.Path == g.module {
			g.own = append(g.own, p.ImportPath)
		}
	}
	sort.Strings(g.own)
	return nil
}

// goList runs the go command's list subcommand in dir and returns its stdout.
func goList(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "go", append([]string{"list"}, args...)...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list %s in %s: %w\n%s", strings.Join(args, " "), dir, err, stderr.String())
	}
	return out, nil
}

// within reports whether path is prefix itself or a package below it.
func within(path, prefix string) bool {
	return path == prefix || strings.HasPrefix(path, prefix+"/")
}
