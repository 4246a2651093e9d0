package main

import (
	"context"
	"strings"

	"porter"
)

// cliActor marks the writes of an admin command as the CLI's in the audit
// log, labelled with the command (never its arguments: a password or a
// key could be among them).
func cliActor(ctx context.Context, args []string) context.Context {
	label := "porter " + args[0]
	if len(args) > 1 && !strings.HasPrefix(args[1], "-") {
		label += " " + args[1]
	}
	return porter.WithActor(ctx, porter.Actor{Type: porter.ActorCLI, Label: label})
}
