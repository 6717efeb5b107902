package engine

import (
	"fmt"

	"github.com/homeostat/homeostat/core"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// Bounds of the default number of vertices per actor. Below MinDefaultK
// a shard's tick costs more in messages than it holds in work; above
// MaxDefaultK a model is split even when it runs inline, so that no
// shard's calendar and batches grow without bound.
const (
	MinDefaultK = 1 << 10
	MaxDefaultK = 1 << 20
)

// DefaultVerticesPerActor picks K for a model of n vertices.
//
// Inline (the default dispatch), a run uses one core whatever K, and
// every extra shard actor only adds wakes, batches and conversions: K is
// n, bounded by MaxDefaultK, so a model of up to a million vertices has
// one shard actor per kind. In parallel, K is n divided by the number of
// cores, rounded up and bounded to [MinDefaultK, MaxDefaultK]: one shard
// actor of services per core. docs/actors.md gives the measurements
// behind the rule.
func DefaultVerticesPerActor(n, cores int, parallel bool) int {
	if !parallel {
		return min(max(n, 1), MaxDefaultK)
	}
	per := max(1, cores)
	return min(max((n+per-1)/per, MinDefaultK), MaxDefaultK)
}

// kindOrder is the order of the shells' actors: services, supervisors,
// VM hosts.
var kindOrder = [...]pb.Kind{pb.Kind_KIND_SERVICE, pb.Kind_KIND_SUPERVISOR,
	pb.Kind_KIND_VMHOST}

// layout is the split of a run's vertex actors among shard actors: the
// vertices of each kind, in model order, in runs of k, each run going to
// an actor of the matching shell. Instance actors count as services and
// follow them, so with k = 1 each is a node actor of its own.
type layout struct {
	part  *core.Partition
	kinds []pb.Kind // kind of each actor's vertices
}

func newLayout(w *core.World, k int) (*layout, error) {
	g := w.Graph
	owner := make([]int32, w.Size())
	kindOf := func(v int) pb.Kind {
		if v < g.N() {
			return g.Kinds[v]
		}
		return pb.Kind_KIND_SERVICE
	}
	var kinds []pb.Kind
	for _, kind := range kindOrder {
		count := 0
		for v := range owner {
			if kindOf(v) != kind {
				continue
			}
			if count%k == 0 {
				kinds = append(kinds, kind)
			}
			owner[v] = int32(len(kinds) - 1)
			count++
		}
	}
	p, err := core.NewPartition(owner, len(kinds))
	if err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	return &layout{part: p, kinds: kinds}, nil
}

// actors is the number of shard actors.
func (l *layout) actors() int { return len(l.kinds) }
