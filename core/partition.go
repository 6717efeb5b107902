package core

import (
	"errors"
	"fmt"
)

// ErrPartition means a partition does not fit its world.
var ErrPartition = errors.New("core: bad partition")

// Partition splits the vertices of a world among shards. It is shared,
// read-only, by every shard of a process: a shard keeps state only for
// its own vertices, so a shard of one vertex stays small.
type Partition struct {
	Owner   []int32   // shard of each vertex
	Local   []int32   // index of each vertex within its shard
	Members [][]int32 // vertices of each shard, in increasing order
}

// NewPartition builds a partition from the shard of each vertex.
func NewPartition(owner []int32, shards int) (*Partition, error) {
	p := &Partition{Owner: owner, Local: make([]int32, len(owner)),
		Members: make([][]int32, shards)}
	for v, s := range owner {
		if s < 0 || int(s) >= shards {
			return nil, fmt.Errorf("%w: vertex %d in shard %d of %d", ErrPartition,
				v, s, shards)
		}
		p.Local[v] = int32(len(p.Members[s]))
		p.Members[s] = append(p.Members[s], int32(v))
	}
	return p, nil
}

// Blocks splits n vertices into k shards of consecutive vertices.
func Blocks(n, k int) *Partition {
	owner := make([]int32, n)
	for v := range owner {
		owner[v] = int32(v * k / max(n, 1))
	}
	p, _ := NewPartition(owner, k)
	return p
}

// Strided deals n vertices to k shards in turn, so neighbours in file
// order land in different shards (many edges cross).
func Strided(n, k int) *Partition {
	owner := make([]int32, n)
	for v := range owner {
		owner[v] = int32(v % k)
	}
	p, _ := NewPartition(owner, k)
	return p
}

// Shards is the number of shards.
func (p *Partition) Shards() int { return len(p.Members) }

// Cover returns p if it covers every vertex actor of w, and otherwise,
// when p covers just the model's vertices, the same split with each
// instance actor in the shard of the vertex World.InstanceOwner names.
func (w *World) Cover(p *Partition) (*Partition, error) {
	switch len(p.Owner) {
	case w.Size():
		return p, nil
	case w.N():
		return NewPartition(w.ExtendOwner(p.Owner), p.Shards())
	}
	return nil, fmt.Errorf("%w: partition of %d vertices for a model of %d (%d actors)",
		ErrPartition, len(p.Owner), w.N(), w.Size())
}
