package main

import (
	"context"
	"io"
)

func rulesMutants(ctx context.Context, args []string, tx texts, stdout, stderr io.Writer) error {
	return nil
}
