// Command scrutiny runs the LSIP case-review workflow engine. One binary
// holds every role: the all-in-one dev stack, the HTTP server, the Temporal
// worker, schema migration, case import and demo data.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string) error
}

// commands lists every subcommand: the dev-only ones (devCommands, empty
// in a `-tags production` build, which leaves the embedded Temporal server
// out of the binary) and those every build has.
func commands() []command {
	return append(devCommands(), []command{
		{"server", "serve the API and web pages (needs DATABASE_URL and TEMPORAL_ADDRESS)", runServer},
		{"worker", "run the Temporal worker (needs DATABASE_URL, TEMPORAL_ADDRESS and SMTP_*)", runWorker},
		{"migrate", "apply database migrations (safe to run from several processes at once)", runMigrate},
		{"import", "import data: `scrutiny import cases FILE.csv|FILE.xlsx`", runImport},
		{"demo", "load the synthetic demo dataset into an empty database", runDemo},
		{"users", "create the first admin: `scrutiny users create -admin EMAIL` prints a sign-in link", runUsers},
		{"probe", "exit 0 if a URL answers 200 (container health checks have no curl)", runProbe},
		{"draw", "check a published draw: `scrutiny draw verify [FILE]` re-runs it from its seed (docs/selection.md)", runDraw},
	}...)
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := dispatch(ctx, os.Args[1:]); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "scrutiny:", err)
		}
		stop()
		os.Exit(exitCode(err))
	}
}

func dispatch(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage()
		if len(args) == 0 {
			return errors.New("no command given")
		}
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:])
		}
	}
	usage()
	return fmt.Errorf("unknown command %q", args[0])
}

func usage() {
	fmt.Fprintln(os.Stderr, "Usage: scrutiny COMMAND [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(os.Stderr, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(os.Stderr, "\nRun `scrutiny COMMAND -h` for a command's flags. Settings come from environment variables; see README.md.")
}

// exitCode is 2 for usage errors (as flag does) and 1 otherwise.
func exitCode(err error) int {
	if errors.Is(err, flag.ErrHelp) || errors.Is(err, errUsage) {
		return 2
	}
	return 1
}

var errUsage = errors.New("usage")

// newFlags returns a FlagSet whose -h prints the command's usage, its flags
// and the environment variables it reads.
func newFlags(name, synopsis string, envVars ...string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: scrutiny %s\n\n", synopsis)
		fs.PrintDefaults()
		if len(envVars) > 0 {
			fmt.Fprintln(fs.Output(), "\nEnvironment:")
			for _, v := range envVars {
				fmt.Fprintln(fs.Output(), "  "+v)
			}
		}
	}
	return fs
}
