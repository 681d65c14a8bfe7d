package main

import (
	"context"
	"fmt"
	"io"
)

// runDemo is replaced by the demo-data and plan tools (pdf issue).
func runDemo(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fmt.Fprintln(stderr, "feltsagd demo: endnu ikke bygget")
	return exitError{"demo not built"}
}
