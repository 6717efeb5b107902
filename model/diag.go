package model

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// ErrInvalid reports that a model has at least one error. A Diagnostics
// holding an error matches it with errors.Is, so callers can tell a bad
// model from a failure to read the file.
var ErrInvalid = errors.New("model: invalid")

// Diagnostic is one problem found in a model file. Errors stop a model
// from running; warnings (Warning set) point at something legal but
// probably unintended.
type Diagnostic struct {
	File string
	// Line and Col are 1-based; 0 when unknown (binary .pb input, or a
	// syntax error the YAML parser placed only by line).
	Line, Col int
	// Path names the field in text-form terms, e.g.
	// "vertices[1].gate.k_of_n" or "control_plane.partitions[0].sides[1][0]".
	Path    string
	Msg     string
	Warning bool
}

// String formats the diagnostic the way compilers do, so editors can jump
// to it: "FILE:LINE:COL: path: msg", dropping the parts that are unknown.
func (d Diagnostic) String() string {
	var b strings.Builder
	b.WriteString(d.File)
	if d.Line > 0 {
		fmt.Fprintf(&b, ":%d", d.Line)
		if d.Col > 0 {
			fmt.Fprintf(&b, ":%d", d.Col)
		}
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	if d.Path != "" {
		b.WriteString(d.Path)
		b.WriteString(": ")
	}
	if d.Warning {
		b.WriteString("warning: ")
	}
	b.WriteString(d.Msg)
	return b.String()
}

// Diagnostics is a list of problems that is itself an error, so that every
// problem of a model can be returned at once.
type Diagnostics []Diagnostic

// Error lists the diagnostics one per line.
func (ds Diagnostics) Error() string {
	lines := make([]string, len(ds))
	for i, d := range ds {
		lines[i] = d.String()
	}
	return strings.Join(lines, "\n")
}

// Is makes errors.Is(ds, ErrInvalid) true when ds holds an error.
func (ds Diagnostics) Is(target error) bool {
	return target == ErrInvalid && ds.HasErrors()
}

// HasErrors reports whether any diagnostic is an error, not a warning.
func (ds Diagnostics) HasErrors() bool {
	for _, d := range ds {
		if !d.Warning {
			return true
		}
	}
	return false
}

// Errors returns the diagnostics that are errors.
func (ds Diagnostics) Errors() Diagnostics {
	return ds.filter(false)
}

// Warnings returns the diagnostics that are warnings.
func (ds Diagnostics) Warnings() Diagnostics {
	return ds.filter(true)
}

func (ds Diagnostics) filter(warning bool) Diagnostics {
	var out Diagnostics
	for _, d := range ds {
		if d.Warning == warning {
			out = append(out, d)
		}
	}
	return out
}

// sortByPosition orders diagnostics as they appear in the file; those
// without a position keep the order they were found in.
func (ds Diagnostics) sortByPosition() {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}
