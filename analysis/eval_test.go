package analysis

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/homeostat/homeostat/model"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// TestGateKernelsMatchImpaired feeds random input words to every kernel
// and checks each lane against model.GateSpec.Impaired.
func TestGateKernelsMatchImpaired(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	gates := []func(n int) *pb.Gate{
		func(int) *pb.Gate { return nil },
		func(int) *pb.Gate { return &pb.Gate{Kind: &pb.Gate_Any{Any: &pb.Empty{}}} },
		func(n int) *pb.Gate { return kOfN(uint32(r.IntN(n + 2))) },
		func(n int) *pb.Gate {
			return &pb.Gate{Kind: &pb.Gate_Threshold{Threshold: float64(r.IntN(3*n+2)) - 1}}
		},
		func(n int) *pb.Gate {
			return &pb.Gate{Kind: &pb.Gate_Threshold{Threshold: r.Float64() * float64(n)}}
		},
		func(int) *pb.Gate {
			return &pb.Gate{Kind: &pb.Gate_ThresholdFraction{ThresholdFraction: r.Float64()}}
		},
	}
	weights := []func() float64{
		func() float64 { return 1 },
		func() float64 { return float64(r.IntN(5)) },
		func() float64 { return float64(r.IntN(100000)) },
		func() float64 { return r.Float64() * 3 },
	}
	seen := map[uint8]bool{}
	for trial := 0; trial < 3000; trial++ {
		n := 1 + r.IntN(40)
		wf := weights[r.IntN(len(weights))]
		m := &pb.Model{}
		top := &pb.Vertex{Id: "top"}
		for i := 0; i < n; i++ {
			id := fmt.Sprintf("in%d", i)
			m.Vertices = append(m.Vertices, &pb.Vertex{Id: id})
			top.DependsOn = append(top.DependsOn,
				&pb.Dependency{Id: id, Weight: proto.Float64(wf())})
		}
		top.Gate = gates[r.IntN(len(gates))](n)
		m.Vertices = append(m.Vertices, top)
		seen[checkKernel(t, compile(t, m), r)] = true
	}
	for k := kernNever; k <= kernLanes; k++ {
		if !seen[k] {
			t.Errorf("no trial used kernel %d", k)
		}
	}
}

func checkKernel(t *testing.T, g *model.Graph, r *rand.Rand) uint8 {
	t.Helper()
	p := newProgram(g)
	ev := newEvaluator(p)
	top := int32(g.N() - 1)
	pos := p.posOf[top]
	ins := g.Inputs(top)
	in := make([]block, len(ins))
	density := r.IntN(3)
	for i := range in {
		for k := range in[i] {
			switch density {
			case 0:
				in[i][k] = r.Uint64() & r.Uint64() & r.Uint64()
			case 1:
				in[i][k] = r.Uint64()
			default:
				in[i][k] = r.Uint64() | r.Uint64() | r.Uint64()
			}
		}
	}
	// The program may keep the edges in another order; input i here is
	// vertex i, so an edge's upstream says which input it is.
	nd := p.nodes[pos]
	perm := make([]block, len(in))
	for i, e := range p.edges[nd.in0:nd.in1] {
		perm[i] = in[p.vertexAt[e.src]]
	}
	var got block
	ev.gate(pos, perm, &got)
	for lane := 0; lane < blockLanes; lane++ {
		down, weight := 0, 0.0
		for i := range in {
			if in[i].has(lane) {
				down++
				weight += ins[i].Weight
			}
		}
		want := g.Gates[top].Impaired(len(ins), down, weight)
		if got.has(lane) != want {
			t.Fatalf("gate %+v kernel %d t=%d, lane %d: %d down weight %g: got %v",
				g.Gates[top], p.nodes[pos].kern, p.nodes[pos].t, lane, down,
				weight, !want)
		}
	}
	return p.nodes[pos].kern
}
