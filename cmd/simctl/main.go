// Command simctl is the user's entry to Homeostat: it checks, converts,
// describes, generates, analyses and simulates models of clusters of
// interdependent services.
//
// Each subcommand lives in its own file and registers itself in init.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// command is one simctl subcommand.
type command struct {
	name    string
	usage   string // the argument synopsis, e.g. "FILE..."
	summary string // one line for the command list
	help    string // what it does, at length; flags are appended
	// run executes the command with its parsed flag set.
	run   func(fs *flag.FlagSet, stdout, stderr io.Writer) error
	flags func(fs *flag.FlagSet)
}

var commands = map[string]*command{}

func register(c *command) {
	if _, dup := commands[c.name]; dup {
		panic("simctl: command registered twice: " + c.name)
	}
	commands[c.name] = c
}

// errUsage marks a mistake on the command line; simctl exits with 2.
var errUsage = errors.New("usage")

// exitError carries an exit status other than 1.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

func main() {
	os.Exit(runMain(os.Args[1:], os.Stdout, os.Stderr))
}

// runMain runs simctl with args and returns the exit status.
func runMain(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || isHelp(args[0]) {
		printOverview(stdout)
		return 0
	}
	if args[0] == "help" && len(args) > 1 {
		args = []string{args[1], "--help"}
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "simctl: unknown command %q\n\n", args[0])
		printOverview(stderr)
		return 2
	}
	fs := flag.NewFlagSet("simctl "+c.name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { printCommandHelp(fs, c) }
	if c.flags != nil {
		c.flags(fs)
	}
	if err := fs.Parse(interleave(fs, args[1:])); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	return exitStatus(c.run(fs, stdout, stderr), c, stderr)
}

func exitStatus(err error, c *command, stderr io.Writer) int {
	var ee exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.code
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "simctl %s: %v\nusage: simctl %s %s\n",
			c.name, err, c.name, c.usage)
		return 2
	default:
		fmt.Fprintf(stderr, "simctl %s: %v\n", c.name, err)
		return 1
	}
}

func isHelp(s string) bool {
	return s == "-h" || s == "--help" || s == "help" || s == "-help"
}

// interleave moves flags after positional arguments to the front, so that
// both "simctl run -seed 3 m.yaml" and "simctl run m.yaml --seed 3" work.
func interleave(fs *flag.FlagSet, args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			pos = append(pos, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") || i+1 >= len(args) {
			continue
		}
		if f := fs.Lookup(name); f != nil && !isBoolFlag(f) {
			flags = append(flags, args[i+1])
			i++
		}
	}
	return append(flags, pos...)
}

func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

func printOverview(w io.Writer) {
	fmt.Fprint(w, `simctl: what happens to a cluster of services when something breaks.

Homeostat reads a model of services, their dependencies, the supervisors
that repair them, the VM hosts they run on and the control plane between
them, and answers two ways: a steady-state analysis (exact or Monte Carlo
with confidence intervals) and a tick-by-tick simulation.

Usage: simctl COMMAND [FLAGS] [ARGS]

Commands:
`)
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprint(w, `
Run "simctl COMMAND --help" for the flags and examples of a command.
Models are YAML, JSON or binary protobuf (.pb); see docs/model.md.
`)
}

func printCommandHelp(fs *flag.FlagSet, c *command) {
	w := fs.Output()
	fmt.Fprintf(w, "usage: simctl %s %s\n\n%s\n", c.name, c.usage,
		strings.TrimSpace(c.help))
	hasFlags := false
	fs.VisitAll(func(*flag.Flag) { hasFlags = true })
	if hasFlags {
		fmt.Fprint(w, "\nFlags:\n")
		fs.PrintDefaults()
	}
}
