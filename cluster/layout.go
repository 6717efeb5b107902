package cluster

import (
	"fmt"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/homeostat/homeostat/actors/engine"
	"github.com/homeostat/homeostat/actors/node"
	"github.com/homeostat/homeostat/actors/shard"
	"github.com/homeostat/homeostat/actors/supervisor"
	"github.com/homeostat/homeostat/actors/vmhost"
	"github.com/homeostat/homeostat/core"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// kinds are the kinds of vertex in the order their shard actors are
// numbered on each member, as the actor engine orders them.
var kinds = [...]pb.Kind{pb.Kind_KIND_SERVICE, pb.Kind_KIND_SUPERVISOR,
	pb.Kind_KIND_VMHOST}

// layout is the split of a job's vertices among shard actors: each
// member's vertices, by kind and in vertex order, in runs of at most
// perActor, numbered member by member. Every member computes the same
// layout from the split the coordinator sends.
type layout struct {
	part   *core.Partition
	kinds  []pb.Kind // kind of each shard actor's vertices
	member []int32   // member of each shard actor
}

// newLayout lays out the vertices of w, owner giving each one's member,
// with at most perActor vertices per shard actor (0: one shard actor per
// kind on each member, up to engine.MaxDefaultK vertices).
func newLayout(w *core.World, owner []uint32, members, perActor int) (*layout, error) {
	g := w.Graph
	if len(owner) != g.N() {
		return nil, fmt.Errorf("%w: split of %d vertices for a model of %d",
			ErrJob, len(owner), g.N())
	}
	if perActor <= 0 {
		perActor = engine.MaxDefaultK
	}
	keys, count, err := groups(w, owner, members)
	if err != nil {
		return nil, err
	}
	l := &layout{}
	base := make([]int, len(count))
	for key, c := range count {
		base[key] = len(l.kinds)
		for range (c + perActor - 1) / perActor {
			l.kinds = append(l.kinds, kinds[key%len(kinds)])
			l.member = append(l.member, int32(key/len(kinds)))
		}
	}
	shardOf := make([]int32, len(keys))
	seen := make([]int, len(count))
	for v, key := range keys {
		shardOf[v] = int32(base[key] + seen[key]/perActor)
		seen[key]++
	}
	if l.part, err = core.NewPartition(shardOf, len(l.kinds)); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrJob, err)
	}
	return l, nil
}

// groups puts each vertex actor in the group of its member and kind,
// numbered member by member, and counts each group. An instance actor is
// a service on the member of its service or host.
func groups(w *core.World, owner []uint32, members int) ([]int, []int, error) {
	g := w.Graph
	keys := make([]int, w.Size())
	count := make([]int, members*len(kinds))
	for v, m := range owner {
		if int(m) >= members {
			return nil, nil, fmt.Errorf("%w: vertex %d on member %d of %d", ErrJob, v,
				m, members)
		}
		keys[v] = int(m)*len(kinds) + kindIndex(g.Kinds[v])
	}
	for id := g.N(); id < len(keys); id++ {
		m := int(owner[w.InstanceOwner(int32(id))])
		keys[id] = m*len(kinds) + kindIndex(pb.Kind_KIND_SERVICE)
	}
	for _, k := range keys {
		count[k]++
	}
	return keys, count, nil
}

func kindIndex(k pb.Kind) int {
	for i, x := range kinds {
		if x == k {
			return i
		}
	}
	return 0
}

// shards is the number of shard actors.
func (l *layout) shards() int { return len(l.kinds) }

// local lists the shard actors of member m.
func (l *layout) local(m int) []int {
	var out []int
	for i, x := range l.member {
		if int(x) == m {
			out = append(out, i)
		}
	}
	return out
}

// newShell returns the shard actor, in the shell of its vertices' kind.
func newShell(k pb.Kind, cfg shard.Config) (actor.Actor, error) {
	switch k {
	case node.Kind:
		return node.New(cfg)
	case supervisor.Kind:
		return supervisor.New(cfg)
	case vmhost.Kind:
		return vmhost.New(cfg)
	}
	return nil, fmt.Errorf("%w: no shell for vertices of kind %v", ErrJob, k)
}
