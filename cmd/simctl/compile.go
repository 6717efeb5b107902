package main

import (
	"flag"
	"fmt"
	"io"

	"google.golang.org/protobuf/proto"

	"github.com/homeostat/homeostat/model"
)

var compileOut string

func init() {
	register(&command{
		name:    "compile",
		usage:   "FILE -o OUT.pb",
		summary: "turn a YAML or JSON model into the binary form (.pb)",
		help: `Compile validates a model and writes its binary protobuf form, in
which every duration is a whole number of ticks. Every command reads
.pb files as well as YAML; they load faster and are what "simctl submit"
sends to a cluster. "simctl export" turns them back into text.

Examples:
  simctl compile examples/webshop.yaml -o webshop.pb
  simctl validate webshop.pb`,
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&compileOut, "o", "", "output file (required)")
		},
		run: runCompile,
	})
}

func runCompile(fs *flag.FlagSet, stdout, stderr io.Writer) error {
	if fs.NArg() != 1 || compileOut == "" {
		return fmt.Errorf("%w: need one model file and -o OUT.pb", errUsage)
	}
	m, warnings, err := model.Load(fs.Arg(0))
	printDiagnostics(stderr, warnings)
	if err != nil {
		printError(stderr, err)
		return exitError{code: 1}
	}
	data, err := proto.Marshal(m)
	if err != nil {
		return err
	}
	if _, err := writeFileAtomic(compileOut, writeBytes(data)); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (%d vertices, %d bytes)\n",
		compileOut, len(m.GetVertices()), len(data))
	return nil
}

// writeBytes adapts a byte slice to writeFileAtomic.
func writeBytes(data []byte) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	}
}
