package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"github.com/homeostat/homeostat/describe"
)

func init() {
	var asJSON bool
	register(&command{
		name:    "describe",
		usage:   "FILE [--json]",
		summary: "summarise a model: sizes, depth, cycles, fan-in and fan-out",
		help: `
Describe validates a model and summarises its shape: vertices by kind,
edges by kind, replica instances, the depth of the dependencies (the
longest path, each dependency cycle counted as one vertex), the cycles,
the largest fan-in and fan-out, the targets, the depth of the supervision
tree and the VM capacity. It takes seconds on a million vertices.

Examples:
  simctl describe examples/webshop.yaml
  simctl describe big.pb --json`,
		flags: func(fs *flag.FlagSet) {
			fs.BoolVar(&asJSON, "json", false, "print the summary as JSON")
		},
		run: func(fs *flag.FlagSet, stdout, stderr io.Writer) error {
			if fs.NArg() != 1 {
				return fmt.Errorf("%w: want one FILE", errUsage)
			}
			return runDescribe(fs.Arg(0), asJSON, stdout, stderr)
		},
	})
}

func runDescribe(path string, asJSON bool, stdout, stderr io.Writer) error {
	g, err := loadGraph(path, stderr)
	if err != nil {
		return err
	}
	s := describe.Summarize(g)
	if !asJSON {
		return s.WriteText(stdout)
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(s)
}
