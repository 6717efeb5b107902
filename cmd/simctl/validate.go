package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/homeostat/homeostat/model"
)

func init() {
	register(&command{
		name:    "validate",
		usage:   "FILE...",
		summary: "check models and print every mistake with its file and line",
		help: `Validate reads each model (YAML, JSON or .pb) and reports every
error and warning as FILE:LINE:COL: path.to.field: message. Errors make
the exit status 1; warnings (dependency cycles, vertices that can never
fail, supervisors with nothing to do) are printed but do not fail.

Examples:
  simctl validate examples/*.yaml
  simctl validate --quiet big.pb      # errors only`,
		flags: func(fs *flag.FlagSet) {
			fs.BoolVar(&validateQuiet, "quiet", false,
				"print errors only, not warnings")
		},
		run: runValidate,
	})
}

var validateQuiet bool

func runValidate(fs *flag.FlagSet, stdout, stderr io.Writer) error {
	if fs.NArg() == 0 {
		return fmt.Errorf("%w: no model file given", errUsage)
	}
	failed := 0
	for _, path := range fs.Args() {
		_, warnings, err := model.Load(path)
		if !validateQuiet {
			printDiagnostics(stderr, warnings)
		}
		if err != nil {
			printError(stderr, err)
			failed++
			continue
		}
		fmt.Fprintf(stdout, "%s: ok\n", path)
	}
	if failed > 0 {
		return exitError{code: 1}
	}
	return nil
}

// loadGraph loads, validates and compiles a model for the commands that
// run on one. At most maxWarnings warnings go to stderr; errors are
// printed whole and make the exit status 1.
func loadGraph(path string, stderr io.Writer) (*model.Graph, error) {
	g, warnings, err := model.Open(path)
	printWarnings(stderr, warnings)
	if err != nil {
		printError(stderr, err)
		return nil, exitError{code: 1}
	}
	return g, nil
}

// maxWarnings is how many warnings a command other than validate shows
// before counting the rest; validate shows them all.
const maxWarnings = 5

func printWarnings(w io.Writer, ds model.Diagnostics) {
	for i, d := range ds {
		if i == maxWarnings {
			fmt.Fprintf(w, "... and %d more warnings (simctl validate lists them)\n",
				len(ds)-maxWarnings)
			return
		}
		fmt.Fprintln(w, d)
	}
}

func printDiagnostics(w io.Writer, ds model.Diagnostics) {
	for _, d := range ds {
		fmt.Fprintln(w, d.String())
	}
}

// printError prints a model's diagnostics one a line, or any other error.
func printError(w io.Writer, err error) {
	var ds model.Diagnostics
	if errors.As(err, &ds) {
		printDiagnostics(w, ds)
		return
	}
	fmt.Fprintln(w, err)
}
