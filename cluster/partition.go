package cluster

import (
	"math/rand/v2"

	"github.com/homeostat/homeostat/model"
)

// Partitioner settings. Hubs (a database thousands of services depend
// on) are assigned where the growth first reaches them but never grown
// through: through a hub the growth would jump to its dependents all
// over the model and lose the locality the blocks are for.
const (
	hubFactor    = 8  // a hub has this many times the mean degree
	minHubDegree = 64 // and at least this degree
	refinePasses = 6  // rounds of label propagation after the growth
	slackPercent = 2  // a member's load may stray this far from its share
)

// Split assigns every vertex of g to one of k members so that few edges
// join vertices of different members and every member gets its share of
// the vertices, within slackPercent. The edges are the depends edges,
// supervision (a supervisor and each child) and fixed placement (a
// service and its VM host): every message between vertices travels
// along one of them, but for a replicas supervisor's placement requests.
//
// Blocks grow one after another by breadth-first search from the first
// vertex not yet taken, in vertex order, until each holds its share;
// then a few rounds of label propagation move each vertex to the member
// most of its neighbours are on, where the balance allows. Everything
// runs in vertex order, so the split depends only on the model and k.
func Split(g *model.Graph, k int) []int32 {
	n := g.N()
	owner := make([]int32, n)
	if k <= 1 || n == 0 {
		return owner
	}
	adj := newAdjacency(g)
	target := shares(n, k)
	grow(adj, owner, target)
	refine(adj, owner, target)
	return owner
}

// shares is each of k members' share of n vertices.
func shares(n, k int) []int {
	s := make([]int, k)
	for p := range s {
		s[p] = (p+1)*n/k - p*n/k
	}
	return s
}

// adjacency is an undirected graph in compressed sparse rows: the
// neighbours of v are to[start[v]:start[v+1]].
type adjacency struct {
	start []int32
	to    []int32
	hub   int32 // degree from which a vertex is a hub
}

func (a *adjacency) n() int { return len(a.start) - 1 }

func (a *adjacency) neighbours(v int32) []int32 {
	return a.to[a.start[v]:a.start[v+1]]
}

func (a *adjacency) isHub(v int32) bool { return a.start[v+1]-a.start[v] >= a.hub }

// eachEdge calls f for every edge the partitioner weighs, once each.
func eachEdge(g *model.Graph, f func(a, b int32)) {
	for v := range int32(g.N()) {
		for _, e := range g.Inputs(v) {
			f(e.From, v)
		}
		for _, c := range g.ChildrenOf(v) {
			f(v, c)
		}
		if h := g.HostedOn[v]; h >= 0 {
			f(v, h)
		}
	}
}

func newAdjacency(g *model.Graph) *adjacency {
	n := g.N()
	a := &adjacency{start: make([]int32, n+1)}
	eachEdge(g, func(x, y int32) {
		a.start[x+1]++
		a.start[y+1]++
	})
	for v := range n {
		a.start[v+1] += a.start[v]
	}
	a.to = make([]int32, a.start[n])
	fill := append([]int32(nil), a.start[:n]...)
	eachEdge(g, func(x, y int32) {
		a.to[fill[x]] = y
		fill[x]++
		a.to[fill[y]] = x
		fill[y]++
	})
	mean := float64(len(a.to)) / float64(max(1, n))
	a.hub = int32(max(minHubDegree, hubFactor*mean))
	return a
}

// grow fills members 0..k-2 one after another by breadth-first search
// and gives the last member what is left.
func grow(a *adjacency, owner []int32, target []int) {
	k := len(target)
	taken := make([]bool, a.n())
	queue := make([]int32, 0, a.n())
	next := int32(0) // no vertex before it is free
	for p := range k - 1 {
		queue, next = growOne(a, owner, taken, queue[:0], next, p, target[p])
	}
	for v := range owner {
		if !taken[v] {
			owner[v] = int32(k - 1)
		}
	}
}

// growOne gives member p its share of the vertices not taken yet,
// searching from the first free one and again from the next free one
// whenever the search runs dry. It returns the queue for reuse and the
// first vertex that may still be free.
func growOne(a *adjacency, owner []int32, taken []bool, queue []int32, next int32,
	p, share int) ([]int32, int32) {
	head := 0
	for ; head < share; head++ {
		if head == len(queue) {
			for taken[next] {
				next++
			}
			queue = append(queue, next)
			taken[next] = true
		}
		v := queue[head]
		owner[v] = int32(p)
		if !a.isHub(v) {
			queue = enqueue(a, v, taken, queue)
		}
	}
	// Vertices queued but not reached go back to the pool.
	for _, v := range queue[head:] {
		taken[v] = false
		next = min(next, v)
	}
	return queue, next
}

// enqueue appends v's neighbours not yet taken to the queue.
func enqueue(a *adjacency, v int32, taken []bool, queue []int32) []int32 {
	for _, u := range a.neighbours(v) {
		if !taken[u] {
			taken[u] = true
			queue = append(queue, u)
		}
	}
	return queue
}

// refine moves vertices towards the member most of their neighbours are
// on, keeping every member's load within slackPercent of its share.
func refine(a *adjacency, owner []int32, target []int) {
	size := make([]int, len(target))
	for _, p := range owner {
		size[p]++
	}
	lo, hi := bounds(target)
	count := make([]int32, len(target))
	var touched []int32
	for range refinePasses {
		moved := 0
		for v := range int32(a.n()) {
			cur := owner[v]
			touched = countNeighbours(a, owner, v, count, touched[:0])
			best := mostCounted(cur, touched, count)
			if best == cur || size[best] >= hi[best] || size[cur] <= lo[cur] {
				continue
			}
			owner[v] = best
			size[cur], size[best] = size[cur]-1, size[best]+1
			moved++
		}
		if moved == 0 {
			return
		}
	}
}

// mostCounted is the member with the most neighbours counted, cur on a
// tie; it clears the counts for the next vertex.
func mostCounted(cur int32, touched []int32, count []int32) int32 {
	best := cur
	for _, p := range touched {
		if count[p] > count[best] {
			best = p
		}
	}
	for _, p := range touched {
		count[p] = 0
	}
	return best
}

// bounds are the least and most vertices each member may hold.
func bounds(target []int) (lo, hi []int) {
	lo, hi = make([]int, len(target)), make([]int, len(target))
	for p, t := range target {
		slack := max(1, t*slackPercent/100)
		lo[p], hi[p] = t-slack, t+slack
	}
	return lo, hi
}

// countNeighbours counts v's neighbours on each member into count and
// lists the members counted. Hubs do not count: their edges are cut
// wherever v goes, so they would only pull every vertex to the hub.
func countNeighbours(a *adjacency, owner []int32, v int32, count []int32,
	touched []int32) []int32 {
	for _, u := range a.neighbours(v) {
		if a.isHub(u) {
			continue
		}
		p := owner[u]
		if count[p] == 0 {
			touched = append(touched, p)
		}
		count[p]++
	}
	return touched
}

// CutEdges counts the edges Split weighs and those among them whose ends
// are on different members.
func CutEdges(g *model.Graph, owner []int32) (cut, total int64) {
	eachEdge(g, func(a, b int32) {
		total++
		if owner[a] != owner[b] {
			cut++
		}
	})
	return cut, total
}

// RandomSplit assigns each of n vertices to one of k members at random,
// with the seed fixing the draw: the baseline Split is measured against.
func RandomSplit(n, k int, seed uint64) []int32 {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	owner := make([]int32, n)
	for v := range owner {
		owner[v] = int32(r.IntN(max(1, k)))
	}
	return owner
}
