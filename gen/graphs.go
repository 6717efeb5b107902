package gen

import (
	"math"

	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// The three abstract kinds. Their vertices are all services named svc-N,
// with exponential failure and repair; only the shape of the graph
// differs.

// scaleFree grows a graph by preferential attachment: each new vertex
// depends on about Degree older ones, chosen in proportion to one plus
// the number of their dependents.
type scaleFree struct {
	o Options
	r rng
}

func newScaleFree(o Options) *scaleFree { return &scaleFree{o: o, r: newRNG(o.Seed)} }

func (s *scaleFree) frame() *pb.Model { return frameOf(KindScaleFree, s.o) }

func (s *scaleFree) each(emit func(*pb.Vertex) error) error {
	whole, frac := math.Modf(s.o.Degree)
	// ends lists every vertex once, plus once more per dependent, so a
	// uniform draw from it is the preferential choice.
	ends := make([]int32, 0, s.o.Vertices)
	var chosen []int32
	for i := range s.o.Vertices {
		k := int(whole)
		if s.r.chance(frac) {
			k++
		}
		chosen = s.attach(chosen[:0], ends, min(k, i))
		v := &pb.Vertex{Id: id("svc-", i)}
		for _, c := range chosen {
			v.DependsOn = append(v.DependsOn, dep(id("svc-", int(c))))
		}
		ends = append(append(ends, int32(i)), chosen...)
		if err := emit(lasting(s.r, v)); err != nil {
			return err
		}
	}
	return nil
}

// attach draws k distinct vertices from ends, which must hold more than
// k distinct vertices.
func (s *scaleFree) attach(chosen, ends []int32, k int) []int32 {
	for len(chosen) < k {
		c := ends[s.r.IntN(len(ends))]
		if !contains(chosen, c) {
			chosen = append(chosen, c)
		}
	}
	return chosen
}

func contains(xs []int32, x int32) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// random is G(n, p) oriented from lower to higher index, with p chosen so
// that a vertex has Degree inputs on average, plus back edges (each pair
// with probability Cycles times p) that close cycles.
type random struct {
	o             Options
	r             rng
	forward, back float64
}

func newRandom(o Options) *random {
	g := &random{o: o, r: newRNG(o.Seed)}
	if o.Vertices > 1 {
		g.forward = min(1, 2*o.Degree/float64(o.Vertices-1))
		g.back = g.forward * o.Cycles
	}
	return g
}

func (g *random) frame() *pb.Model { return frameOf(KindRandom, g.o) }

func (g *random) each(emit func(*pb.Vertex) error) error {
	n := g.o.Vertices
	for j := range n {
		v := &pb.Vertex{Id: id("svc-", j)}
		v.DependsOn = g.sample(v.DependsOn, -1, j, g.forward)
		v.DependsOn = g.sample(v.DependsOn, j, n, g.back)
		if err := emit(lasting(g.r, v)); err != nil {
			return err
		}
	}
	return nil
}

// sample appends each vertex strictly between lo and hi with probability
// p, skipping the absent ones in geometric jumps.
func (g *random) sample(deps []*pb.Dependency, lo, hi int, p float64) []*pb.Dependency {
	if p <= 0 {
		return deps
	}
	for i := lo + 1 + g.r.geometric(p); i < hi; i += 1 + g.r.geometric(p) {
		deps = append(deps, dep(id("svc-", i)))
	}
	return deps
}

// tree hands out children in breadth-first order: each vertex takes 1 to
// 2*Fanout-1 children, Fanout on average, until every vertex has a
// parent. Vertex 0 is the root everything depends on.
type tree struct {
	o Options
	r rng
}

func newTree(o Options) *tree { return &tree{o: o, r: newRNG(o.Seed)} }

func (t *tree) frame() *pb.Model { return frameOf(KindTree, t.o) }

func (t *tree) each(emit func(*pb.Vertex) error) error {
	parent, left := 0, t.children()
	for i := range t.o.Vertices {
		v := &pb.Vertex{Id: id("svc-", i)}
		if i > 0 {
			for left == 0 {
				parent, left = parent+1, t.children()
			}
			v.DependsOn = []*pb.Dependency{dep(id("svc-", parent))}
			left--
		}
		if err := emit(lasting(t.r, v)); err != nil {
			return err
		}
	}
	return nil
}

// children draws how many children a vertex takes; at least one, so that
// a parent is always found among the earlier vertices.
func (t *tree) children() int { return t.r.between(1, 2*t.o.Fanout-1) }
