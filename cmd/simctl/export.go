package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"

	"github.com/homeostat/homeostat/export"
	"github.com/homeostat/homeostat/model"
)

var (
	exportFormat string
	exportOut    string
	// exportPerVertex makes every vertex a top event of the MEF tree.
	exportPerVertex bool
)

func init() {
	register(&command{
		name:    "export",
		usage:   "FILE --format yaml|json|dot|mef [-o OUT]",
		summary: "write a model as YAML, JSON, Graphviz or an Open-PSA fault tree",
		help: `Export writes a model in another form:

  yaml  the text form people edit (durations written back in units)
  json  the same structure as JSON
  dot   Graphviz: services as boxes, supervisors as octagons, VM hosts
        as 3D boxes; depends edges solid, supervises dashed, hosts
        dotted, control links bold
  mef   an Open-PSA MEF fault tree of the steady-state view, for
        fault-tree engines such as SCRAM (acyclic models only)

Examples:
  simctl export webshop.pb --format yaml -o webshop.yaml
  simctl export examples/webshop.yaml --format dot | dot -Tsvg > shop.svg
  simctl export examples/rack-failure.yaml --format mef -o rack.xml
  scram rack.xml`,
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&exportFormat, "format", "yaml",
				"output format: yaml, json, dot or mef")
			fs.StringVar(&exportOut, "o", "",
				"output file (default: standard output)")
			fs.BoolVar(&exportPerVertex, "per-vertex", false,
				"mef: one top event per vertex, so SCRAM reports each")
		},
		run: runExport,
	})
}

func runExport(fs *flag.FlagSet, stdout, stderr io.Writer) error {
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: need one model file", errUsage)
	}
	g, err := loadGraph(fs.Arg(0), stderr)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := encodeAs(&buf, g, exportFormat); err != nil {
		return err
	}
	if exportOut == "" {
		_, err := stdout.Write(buf.Bytes())
		return err
	}
	_, err = writeFileAtomic(exportOut, writeBytes(buf.Bytes()))
	return err
}

func encodeAs(w *bytes.Buffer, g *model.Graph, format string) error {
	switch format {
	case "yaml", "json":
		enc := model.EncodeYAML
		if format == "json" {
			enc = model.EncodeJSON
		}
		data, err := enc(g.Model)
		if err != nil {
			return err
		}
		w.Write(data)
		return nil
	case "dot":
		return export.WriteDOT(w, g)
	case "mef":
		return export.WriteMEF(w, g, export.MEFOptions{PerVertex: exportPerVertex})
	default:
		return fmt.Errorf("%w: unknown format %q (yaml, json, dot or mef)",
			errUsage, format)
	}
}
