// Command porter-bench measures webhook delivery end to end, as a user
// gets it: a load process creates properties through the API of one or
// more `porter serve` processes, one webhook for every event delivers to
// a sink process, and a bare keep-alive POST loop to the same sink, in
// the same run, is the yardstick every figure is divided by.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "porter-bench:", err)
		}
		os.Exit(1)
	}
}

// run is the whole program. The sink and the load generator are this
// binary again, started with a role as the first argument.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "_sink":
			return runSink(stdout)
		case "_load":
			return runLoad(ctx, args[1:], stdout)
		}
	}
	return bench(ctx, args, getenv, stdout, stderr)
}
