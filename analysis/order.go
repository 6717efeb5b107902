package analysis

import (
	"slices"

	"github.com/homeostat/homeostat/model"
)

// flow is the propagation graph of the steady-state view: u feeds v when
// a depends edge from u to v can carry (probability above zero) or when
// v is hosted on u. Both directions are kept in compressed sparse rows.
type flow struct {
	predStart, pred []int32 // pred[predStart[v]:predStart[v+1]] feed v
	succStart, succ []int32 // succ[succStart[v]:succStart[v+1]] are fed by v
}

func newFlow(g *model.Graph) *flow {
	n := g.N()
	f := &flow{predStart: make([]int32, n+1)}
	for v := int32(0); v < int32(n); v++ {
		f.predStart[v] = int32(len(f.pred))
		for _, e := range g.Inputs(v) {
			if e.Prob > 0 {
				f.pred = append(f.pred, e.From)
			}
		}
		if h := g.HostedOn[v]; h >= 0 {
			f.pred = append(f.pred, h)
		}
	}
	f.predStart[n] = int32(len(f.pred))
	f.succStart, f.succ = invert(f.predStart, f.pred, n)
	return f
}

// invert turns "v is fed by pred" rows into "u feeds succ" rows.
func invert(start, adj []int32, n int) ([]int32, []int32) {
	out := make([]int32, n+1)
	for _, u := range adj {
		out[u+1]++
	}
	for v := 0; v < n; v++ {
		out[v+1] += out[v]
	}
	res := make([]int32, len(adj))
	next := append([]int32(nil), out[:n]...)
	for v := int32(0); v < int32(n); v++ {
		for _, u := range adj[start[v]:start[v+1]] {
			res[next[u]] = v
			next[u]++
		}
	}
	return out, res
}

func (f *flow) preds(v int32) []int32 { return f.pred[f.predStart[v]:f.predStart[v+1]] }

// components are the strongly connected components of a flow graph in
// topological order: every component comes after all that feed it.
type components struct {
	members [][]int32 // vertices of each component
	cyclic  []bool    // more than one member, or a vertex feeding itself
	of      []int32   // component of each vertex
}

// newComponents runs Tarjan's algorithm over predecessor lists, without
// recursion so that long chains of a million vertices are safe. Tarjan
// emits a component only after every component it can reach, and it
// reaches its feeders, so emission order is already topological.
func newComponents(f *flow, n int) *components {
	t := tarjan{f: f, index: make([]int32, n), low: make([]int32, n),
		on: make([]bool, n)}
	for i := range t.index {
		t.index[i] = -1
	}
	c := &components{of: make([]int32, n)}
	t.emit = func(scc []int32) {
		id := int32(len(c.members))
		for _, v := range scc {
			c.of[v] = id
		}
		c.members = append(c.members, scc)
		c.cyclic = append(c.cyclic, len(scc) > 1 || feedsItself(f, scc[0]))
	}
	for v := int32(0); v < int32(n); v++ {
		if t.index[v] < 0 {
			t.visit(v)
		}
	}
	return c
}

func feedsItself(f *flow, v int32) bool {
	for _, u := range f.preds(v) {
		if u == v {
			return true
		}
	}
	return false
}

type tarjan struct {
	f          *flow
	index, low []int32
	on         []bool
	stack      []int32
	next       int32
	emit       func([]int32)
}

type frame struct {
	v int32
	i int32 // next predecessor to look at
}

func (t *tarjan) visit(root int32) {
	calls := []frame{t.open(root)}
	for len(calls) > 0 {
		top := &calls[len(calls)-1]
		preds := t.f.preds(top.v)
		if int(top.i) < len(preds) {
			u := preds[top.i]
			top.i++
			switch {
			case t.index[u] < 0:
				calls = append(calls, t.open(u))
			case t.on[u]:
				t.low[top.v] = min(t.low[top.v], t.index[u])
			}
			continue
		}
		v := top.v
		calls = calls[:len(calls)-1]
		if len(calls) > 0 {
			p := calls[len(calls)-1].v
			t.low[p] = min(t.low[p], t.low[v])
		}
		if t.low[v] == t.index[v] {
			t.pop(v)
		}
	}
}

func (t *tarjan) open(v int32) frame {
	t.index[v], t.low[v] = t.next, t.next
	t.next++
	t.stack = append(t.stack, v)
	t.on[v] = true
	return frame{v: v}
}

// pop emits the component rooted at v, its members in file order.
func (t *tarjan) pop(v int32) {
	i := len(t.stack) - 1
	for t.stack[i] != v {
		i--
	}
	scc := append([]int32(nil), t.stack[i:]...)
	t.stack = t.stack[:i]
	for _, u := range scc {
		t.on[u] = false
	}
	slices.Sort(scc)
	t.emit(scc)
}
