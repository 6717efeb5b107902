package model

import (
	"errors"
	"fmt"
	"testing"
)

func TestDiagnosticString(t *testing.T) {
	tests := []struct {
		d    Diagnostic
		want string
	}{
		{Diagnostic{File: "m.yaml", Line: 14, Col: 7, Path: "vertices[1].gate.k_of_n",
			Msg: "4 is more than the 3 inputs"},
			"m.yaml:14:7: vertices[1].gate.k_of_n: 4 is more than the 3 inputs"},
		{Diagnostic{File: "m.pb", Path: "tick", Msg: "bad"}, "m.pb: tick: bad"},
		{Diagnostic{File: "m.yaml", Line: 3, Msg: "YAML syntax: x"}, "m.yaml:3: YAML syntax: x"},
		{Diagnostic{File: "m.yaml", Line: 2, Col: 5, Path: "vertices[0]", Msg: "never fails",
			Warning: true}, "m.yaml:2:5: vertices[0]: warning: never fails"},
		{Diagnostic{Path: "vertices", Msg: "empty"}, "vertices: empty"},
	}
	for _, tt := range tests {
		if got := tt.d.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

func TestDiagnosticsError(t *testing.T) {
	ds := Diagnostics{
		{File: "a", Line: 1, Col: 2, Msg: "one"},
		{File: "a", Line: 3, Col: 4, Msg: "two", Warning: true},
	}
	if got, want := ds.Error(), "a:1:2: one\na:3:4: warning: two"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	var err error = ds
	if !errors.Is(err, ErrInvalid) || !errors.Is(fmt.Errorf("load: %w", err), ErrInvalid) {
		t.Errorf("a Diagnostics with an error does not match ErrInvalid")
	}
	if errors.Is(ds.Warnings(), ErrInvalid) {
		t.Errorf("warnings alone match ErrInvalid")
	}
	if len(ds.Errors()) != 1 || len(ds.Warnings()) != 1 {
		t.Errorf("Errors/Warnings split %v / %v", ds.Errors(), ds.Warnings())
	}
}
