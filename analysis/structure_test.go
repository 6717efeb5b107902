package analysis

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/homeostat/homeostat/model"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// bruteStructure fails every set of up to order vertices by plain
// iteration and keeps the minimal ones that take the system down, and
// every vertex alone for its blast.
func bruteStructure(g *model.Graph, order int) ([][]int32, [][]int32) {
	carries := make([]bool, len(g.In))
	for i, e := range g.In {
		carries[i] = e.Prob > 0
	}
	fail := func(set []int32) []bool {
		intr := make([]bool, g.N())
		for _, v := range set {
			intr[v] = true
		}
		return leastFixedPoint(g, intr, carries)
	}
	base := fail(nil)
	blasts := make([][]int32, g.N())
	for v := int32(0); v < int32(g.N()); v++ {
		for w, d := range fail([]int32{v}) {
			if d && !base[w] && int32(w) != v {
				blasts[v] = append(blasts[v], int32(w))
			}
		}
	}
	if systemDown(g, base) {
		return blasts, [][]int32{{}}
	}
	var cuts [][]int32
	for k := 1; k <= order; k++ {
		for _, set := range subsets(g.N(), k) {
			if systemDown(g, fail(set)) && !holdsAny(set, cuts) {
				cuts = append(cuts, set)
			}
		}
	}
	return blasts, cuts
}

func subsets(n, k int) [][]int32 {
	var out [][]int32
	idx := make([]int, k)
	for i := range idx {
		idx[i] = i
	}
	for ok := k <= n; ok; ok = nextCombination(idx, n) {
		set := make([]int32, k)
		for i, j := range idx {
			set[i] = int32(j)
		}
		out = append(out, set)
	}
	return out
}

func holdsAny(set []int32, cuts [][]int32) bool {
	for _, c := range cuts {
		all := true
		for _, v := range c {
			all = all && slices.Contains(set, v)
		}
		if all {
			return true
		}
	}
	return false
}

func TestStructureEqualsBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for i := 0; i < 1000; i++ {
		m := randomModel(r, 40)
		if i%2 == 1 {
			combining(r, m)
		}
		g := compile(t, m)
		order := 1 + i%4
		got := analyzeStructure(newProgram(g), order, 1000, DefaultStructureWork)
		blasts, cuts := bruteStructure(g, order)
		for v := range blasts {
			list := slices.Clone(got.Blast[v])
			slices.Sort(list)
			if got.BlastRadius[v] != len(blasts[v]) || !slices.Equal(list, blasts[v]) {
				t.Fatalf("model %d: blast of %s = %d %v, want %v\n%v", i, g.IDs[v],
					got.BlastRadius[v], list, blasts[v], m)
			}
		}
		var gotCuts [][]int32
		for _, c := range got.CutSets {
			gotCuts = append(gotCuts, c.Vertices)
		}
		sortSets(gotCuts)
		sortSets(cuts)
		if fmt.Sprint(gotCuts) != fmt.Sprint(cuts) || !got.Complete {
			t.Fatalf("model %d order %d: cut sets %v, want %v\n%v", i, order,
				gotCuts, cuts, m)
		}
		var singles []int32
		for _, c := range cuts {
			if len(c) == 1 {
				singles = append(singles, c[0])
			}
		}
		if !reflect.DeepEqual(got.SinglePoints, singles) {
			t.Fatalf("model %d: single points %v, want %v", i, got.SinglePoints, singles)
		}
	}
}

// combining makes a model whose cut sets are mostly larger than one:
// one target, and gates that need several inputs down.
func combining(r *rand.Rand, m *pb.Model) {
	m.Targets = []string{m.Vertices[r.IntN(len(m.Vertices))].GetId()}
	for _, v := range m.Vertices {
		n := len(v.DependsOn)
		switch {
		case n < 2:
		case r.IntN(2) == 0:
			v.Gate = kOfN(uint32(1 + r.IntN(n-1)))
		default:
			v.Gate = &pb.Gate{Kind: &pb.Gate_Any{Any: &pb.Empty{}}}
		}
	}
}

func sortSets(sets [][]int32) {
	slices.SortFunc(sets, func(a, b []int32) int {
		if len(a) != len(b) {
			return len(a) - len(b)
		}
		return slices.Compare(a, b)
	})
}

func TestStructureAlwaysDown(t *testing.T) {
	// A threshold of zero is impaired with nothing down.
	m := &pb.Model{Targets: []string{"top"}, Vertices: []*pb.Vertex{
		{Id: "top", DependsOn: deps("a"),
			Gate: &pb.Gate{Kind: &pb.Gate_Threshold{Threshold: 0}}},
		svc("a", 0.1), svc("b", 0.1, "a")}}
	g := compile(t, m)
	s := analyzeStructure(newProgram(g), 2, 10, DefaultStructureWork)
	blasts, cuts := bruteStructure(g, 2)
	if !s.AlwaysDown || len(s.SinglePoints) != 0 || len(s.CutSets) != 1 ||
		len(s.CutSets[0].Vertices) != 0 || len(cuts) != 1 || len(cuts[0]) != 0 {
		t.Fatalf("always down: %+v, brute force cuts %v", s, cuts)
	}
	if s.BlastRadius[1] != len(blasts[1]) || s.BlastRadius[1] != 1 {
		t.Errorf("blast radius of a = %d, want %d (b)", s.BlastRadius[1], len(blasts[1]))
	}
}

func TestBlastListIsBounded(t *testing.T) {
	m := &pb.Model{Vertices: []*pb.Vertex{svc("root", 0.1)}}
	for i := 0; i < 150; i++ {
		m.Vertices = append(m.Vertices, svc(name("s", i), 0, "root"))
	}
	g := compile(t, m)
	s := analyzeStructure(newProgram(g), 2, 10, DefaultStructureWork)
	if s.BlastRadius[0] != 150 || len(s.Blast[0]) != 10 {
		t.Errorf("root blast radius %d listing %d, want 150 listing 10",
			s.BlastRadius[0], len(s.Blast[0]))
	}
	if len(s.SinglePoints) != 151 {
		t.Errorf("%d single points, want 151 (root and every target)", len(s.SinglePoints))
	}
}

func TestStructureBudget(t *testing.T) {
	m := &pb.Model{Vertices: []*pb.Vertex{svc("root", 0.1)}}
	for i := 0; i < 300; i++ {
		m.Vertices = append(m.Vertices, svc(name("s", i), 0, "root"))
	}
	s := analyzeStructure(newProgram(compile(t, m)), 2, 10, 100)
	if s.Complete {
		t.Error("a budget of 100 evaluations finished 300 vertices")
	}
	unknown := 0
	for _, r := range s.BlastRadius {
		if r < 0 {
			unknown++
		}
	}
	if unknown == 0 {
		t.Error("no blast radius left unknown")
	}
}

func TestPossibleLeavesOutVerticesThatCannotFail(t *testing.T) {
	m := &pb.Model{Vertices: []*pb.Vertex{
		svc("top", 0, "mid"), svc("mid", 0, "db"), svc("db", 0.01)}}
	g := compile(t, m)
	s := analyzeStructure(newProgram(g), 2, 10, DefaultStructureWork)
	if len(s.SinglePoints) != 3 {
		t.Fatalf("structural single points %v, want all three", s.SinglePoints)
	}
	singles, cuts := s.Possible(g)
	if !slices.Equal(singles, []int32{2}) {
		t.Errorf("possible single points %v, want [2] (db)", singles)
	}
	if len(cuts) != 1 || !slices.Equal(cuts[0].Vertices, []int32{2}) || cuts[0].P != 0.01 {
		t.Errorf("possible cut sets %+v, want only {db} with p 0.01", cuts)
	}
}
