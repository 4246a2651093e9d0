// Command porter runs Porter: the API, workers, schedulers and console in
// one process, and the administrative commands beside it.
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

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "porter:", err)
		}
		os.Exit(exitCode(err))
	}
}

func exitCode(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	var u usageError
	if errors.As(err, &u) {
		return 2
	}
	return 1
}

// usageError is a bad command line: exit status 2.
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

const usage = `Porter is an API-first property-management platform.

Usage:
  porter serve [--demo] [flags]     run the API, workers and schedulers
  porter migrate [flags]            apply database migrations and exit
  porter org create --name NAME     create an organization; prints its id last
  porter key create --org ID --name NAME [--scope S]... [--expires DURATION] [--rate-limit N/m]
                                    create an API key; prints the key last, once
  porter key list --org ID [--json] list an organization's API keys
  porter key revoke --org ID KEY_ID revoke an API key at once
  porter user create --org ID --email EMAIL [--role admin|manager|viewer] [--password-stdin]
                                    create a console user; prints a generated password last, once
  porter listen --api-key KEY [--events E,...] [--forward-to URL] [--print-json]
                                    stream events to this terminal and a local URL, signed
  porter trigger EVENT --api-key KEY
                                    fire an event for the key's organization
  porter version                    print the version

Every command takes --db (PORTER_DB). Run 'porter COMMAND --help' for its flags.

`

// run is the whole program, so that tests can run it in-process.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		fmt.Fprint(stderr, environmentHelp())
		return usagef("no command given")
	}
	switch args[0] {
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		fmt.Fprint(stdout, environmentHelp())
		return nil
	case "serve":
		return serve(ctx, args[1:], getenv, stdout, stderr)
	case "migrate":
		return migrate(ctx, args[1:], getenv, stdout, stderr)
	case "org":
		return orgCommand(cliActor(ctx, args), args[1:], getenv, stdout, stderr)
	case "key":
		return keyCommand(cliActor(ctx, args), args[1:], getenv, stdout, stderr)
	case "user":
		return userCommand(cliActor(ctx, args), args[1:], getenv, stdout, stderr)
	case "listen":
		return listen(ctx, args[1:], getenv, stdout, stderr)
	case "trigger":
		return trigger(ctx, args[1:], getenv, stdout, stderr)
	case "version", "--version":
		fmt.Fprintln(stdout, "porter", version)
		return nil
	}
	return usagef("unknown command %q (run 'porter --help')", args[0])
}
