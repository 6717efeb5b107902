package gen_test

import (
	"context"
	"testing"

	"github.com/homeostat/homeostat/analysis"
	"github.com/homeostat/homeostat/gen"
	"github.com/homeostat/homeostat/model"
)

// TestLayeredUnavailability holds layered models to the figures of a real
// cluster, read the way the steady-state analysis reads them: each
// vertex that can fail is down between 1e-7 and 1e-3 of the time, none
// stays down for want of a repair, and a thousand vertices are down
// together (any frontend down) between 1e-3 and 1e-1 of the time for the
// full model, and at most 0.15 for the plain one, whose every vertex is
// a single instance.
func TestLayeredUnavailability(t *testing.T) {
	tests := []struct {
		o       gen.Options
		maxDown float64
	}{
		{gen.Options{Vertices: 1000, Seed: 1}, 0.1},
		{gen.Options{Vertices: 1000, Seed: 4}, 0.1},
		{gen.Options{Vertices: 1000, Seed: 1, Plain: true}, 0.15},
	}
	for _, tt := range tests {
		g := generate(t, gen.KindLayered, tt.o)
		checkIntrinsic(t, tt.o, g)
		r, err := analysis.Analyze(context.Background(), g,
			analysis.Options{CutOrder: 1, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		if p := r.System.P; p < 1e-3 || p > tt.maxDown {
			t.Errorf("%+v: the system is down %.3g of the time (%s), want 1e-3 to %g",
				tt.o, p, r.Method, tt.maxDown)
		}
	}
}

func checkIntrinsic(t *testing.T, o gen.Options, g *model.Graph) {
	t.Helper()
	for v := range int32(g.N()) {
		if analysis.Unrepaired(g, v) {
			t.Errorf("%+v: %s fails and nothing repairs it", o, g.IDs[v])
		}
		u := analysis.Intrinsic(g, v)
		if u != 0 && (u < 1e-7 || u > 1e-3) {
			t.Errorf("%+v: %s is down %.3g of the time", o, g.IDs[v], u)
		}
	}
}
