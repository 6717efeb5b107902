package describe

import "github.com/homeostat/homeostat/model"

// components finds the strongly connected components of the depends
// edges with Tarjan's algorithm, run on an explicit stack so that a path
// of a million vertices needs no deep recursion. It returns the longest
// path over the components, the number of components with a cycle and
// the size of the largest of those.
func components(g *model.Graph) (depth, cycles, largest int) {
	t := newTarjan(g)
	for v := range int32(g.N()) {
		if t.index[v] == 0 {
			t.visit(v)
		}
	}
	return int(t.depth), t.cycles, t.largest
}

// frame is one vertex being explored, and how far through its outputs.
type frame struct {
	v   int32
	pos int
}

type tarjan struct {
	g       *model.Graph
	index   []int32 // order of discovery, from 1; 0 is not yet seen
	low     []int32
	onStack []bool
	stack   []int32
	calls   []frame
	comp    []int32 // component of each finished vertex
	longest []int32 // edges on the longest path out of each component
	next    int32

	depth   int32
	cycles  int
	largest int
}

func newTarjan(g *model.Graph) *tarjan {
	n := g.N()
	return &tarjan{
		g:       g,
		index:   make([]int32, n),
		low:     make([]int32, n),
		onStack: make([]bool, n),
		comp:    make([]int32, n),
	}
}

// dependent is the vertex that edge number e of g.Out leads to.
func (t *tarjan) dependent(e int32) int32 { return t.g.In[e].To }

func (t *tarjan) open(v int32) {
	t.next++
	t.index[v], t.low[v] = t.next, t.next
	t.stack = append(t.stack, v)
	t.onStack[v] = true
	t.calls = append(t.calls, frame{v: v})
}

func (t *tarjan) visit(root int32) {
	t.open(root)
	for len(t.calls) > 0 {
		top := len(t.calls) - 1
		v, outs := t.calls[top].v, t.g.Outputs(t.calls[top].v)
		if pos := t.calls[top].pos; pos < len(outs) {
			t.calls[top].pos++
			w := t.dependent(outs[pos])
			if t.index[w] == 0 {
				t.open(w)
			} else if t.onStack[w] {
				t.low[v] = min(t.low[v], t.index[w])
			}
			continue
		}
		t.calls = t.calls[:top]
		if top > 0 {
			parent := t.calls[top-1].v
			t.low[parent] = min(t.low[parent], t.low[v])
		}
		if t.low[v] == t.index[v] {
			t.close(v)
		}
	}
}

// close pops the component rooted at v. Every edge out of it leads into
// it or into a component closed before, whose longest path is known.
func (t *tarjan) close(v int32) {
	c := int32(len(t.longest))
	i := len(t.stack) - 1
	for t.stack[i] != v {
		i--
	}
	members := t.stack[i:]
	t.stack = t.stack[:i]
	for _, u := range members {
		t.onStack[u] = false
		t.comp[u] = c
	}

	longest, cyclic := int32(0), len(members) > 1
	for _, u := range members {
		for _, e := range t.g.Outputs(u) {
			w := t.dependent(e)
			if d := t.comp[w]; d != c {
				longest = max(longest, t.longest[d]+1)
			} else if w == u {
				cyclic = true
			}
		}
	}
	t.longest = append(t.longest, longest)
	t.depth = max(t.depth, longest)
	if cyclic {
		t.cycles++
		t.largest = max(t.largest, len(members))
	}
}

// supervisionDepth is the longest chain of supervises edges, found by
// taking vertices in topological order (Kahn's algorithm). Vertices on a
// supervision cycle, which validation forbids, are never reached.
func supervisionDepth(g *model.Graph) int {
	n := g.N()
	waiting := make([]int32, n) // supervisors not yet taken
	level := make([]int32, n)
	var queue []int32
	for v := range int32(n) {
		waiting[v] = int32(len(g.SupervisorsOf(v)))
		if waiting[v] == 0 && len(g.ChildrenOf(v)) > 0 {
			queue = append(queue, v)
		}
	}
	depth := int32(0)
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, c := range g.ChildrenOf(s) {
			level[c] = max(level[c], level[s]+1)
			depth = max(depth, level[c])
			if waiting[c]--; waiting[c] == 0 && len(g.ChildrenOf(c)) > 0 {
				queue = append(queue, c)
			}
		}
	}
	return int(depth)
}
