package gen_test

import (
	"errors"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/homeostat/homeostat/gen"
	"github.com/homeostat/homeostat/model"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// TestPartitions checks the scheduled partitions at every size: valid
// (generate validates), as many as asked, in time order, each cutting a
// zone of supervisors and VM hosts from supervisors or hosts outside it,
// and leaving the vertices as they are without partitions.
func TestPartitions(t *testing.T) {
	for _, n := range []int{12, 100, 3000, 50000} {
		o := gen.Options{Vertices: n, Seed: 9, Partitions: 4}
		g := generate(t, gen.KindLayered, o)
		ps := g.Model.GetControlPlane().GetPartitions()
		if len(ps) != o.Partitions {
			t.Fatalf("%d vertices: %d partitions, want %d", n, len(ps), o.Partitions)
		}
		for k, p := range ps {
			if k > 0 && p.GetAt() <= ps[k-1].GetAt()+p.GetDuration() {
				t.Errorf("%d vertices: partition %d at %d overlaps the one before",
					n, k, p.GetAt())
			}
			checkCut(t, g, p)
		}

		o.Partitions = 0
		plain, err := gen.Generate(gen.KindLayered, o)
		if err != nil {
			t.Fatal(err)
		}
		if !proto.Equal(&pb.Model{Vertices: plain.GetVertices()},
			&pb.Model{Vertices: g.Model.GetVertices()}) {
			t.Errorf("%d vertices: partitions changed the vertices", n)
		}
	}
}

// checkCut: two sides, supervisors and VM hosts only, a supervisor on
// the zone's side.
func checkCut(t *testing.T, g *model.Graph, p *pb.Partition) {
	t.Helper()
	sides := p.GetSides()
	if len(sides) != 2 || p.GetAt() < 5*60 || p.GetDuration() < 60 {
		t.Fatalf("partition %v", p)
	}
	zoneSups := 0
	for s, side := range sides {
		for _, id := range side.GetIds() {
			switch k := g.Kinds[g.Index[id]]; {
			case k == pb.Kind_KIND_SUPERVISOR && s == 0:
				zoneSups++
			case k == pb.Kind_KIND_SERVICE:
				t.Errorf("service %s on side %d of a partition", id, s)
			}
		}
	}
	if zoneSups == 0 {
		t.Errorf("no supervisor in the zone of %v", p)
	}
}

func TestPartitionsNeedALayeredControlPlane(t *testing.T) {
	tests := []struct {
		kind string
		o    gen.Options
	}{
		{gen.KindLayered, gen.Options{Vertices: 100, Partitions: 1, Plain: true}},
		{gen.KindTree, gen.Options{Vertices: 100, Partitions: 1}},
		{gen.KindLayered, gen.Options{Vertices: 100, Partitions: -1}},
		{gen.KindLayered, gen.Options{Vertices: 100, Partitions: 10001}},
	}
	for _, tt := range tests {
		if err := gen.Check(tt.kind, tt.o); !errors.Is(err, gen.ErrOptions) {
			t.Errorf("Check(%s, %+v) = %v, want ErrOptions", tt.kind, tt.o, err)
		}
	}
}
