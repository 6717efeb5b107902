package engine

import (
	"errors"
	"testing"

	"github.com/homeostat/homeostat/actors/node"
	"github.com/homeostat/homeostat/actors/shard"
	"github.com/homeostat/homeostat/actors/supervisor"
	"github.com/homeostat/homeostat/actors/vmhost"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// TestLayout: vertices go in runs of K to actors of their own kind's
// shell, instance actors with the services, and K = 1 gives every
// vertex actor, instances included, a protoactor actor of its own.
func TestLayout(t *testing.T) {
	w := decodeWorld(t, everything)
	g := w.Graph
	counts := map[pb.Kind]int{}
	for _, k := range g.Kinds {
		counts[k]++
	}
	instances := w.Size() - g.N()
	if instances < 4 {
		t.Fatalf("the model has %d instance actors; the test wants replica sets and slots",
			instances)
	}
	counts[pb.Kind_KIND_SERVICE] += instances
	for _, k := range []int{1, 2, 7, 1 << 20} {
		lay, err := newLayout(w, k)
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		for _, n := range counts {
			want += (n + k - 1) / k
		}
		if lay.actors() != want {
			t.Errorf("K=%d: %d actors, want %d", k, lay.actors(), want)
		}
		for a, members := range lay.part.Members {
			if len(members) == 0 || len(members) > k {
				t.Errorf("K=%d: actor %d holds %d vertices", k, a, len(members))
			}
			if k == 1 && int(members[0]) >= g.N() && lay.kinds[a] != node.Kind {
				t.Errorf("K=1: instance %s in a %v actor", w.Name(members[0]), lay.kinds[a])
			}
			cfg := shard.Config{ID: int32(a), Graph: g, Vertices: members}
			if _, _, err := shell(lay.kinds[a], cfg); err != nil {
				t.Errorf("K=%d: actor %d: %v", k, a, err)
			}
		}
	}
}

// TestShells: each shell hosts its own kind and refuses the others.
func TestShells(t *testing.T) {
	w := decodeWorld(t, everything)
	g := w.Graph
	byKind := map[pb.Kind]int32{}
	for v, k := range g.Kinds {
		byKind[k] = int32(v)
	}
	news := map[pb.Kind]func(shard.Config) error{
		node.Kind:       func(c shard.Config) error { _, err := node.New(c); return err },
		supervisor.Kind: func(c shard.Config) error { _, err := supervisor.New(c); return err },
		vmhost.Kind:     func(c shard.Config) error { _, err := vmhost.New(c); return err },
	}
	for shellKind, newShell := range news {
		for vertexKind, v := range byKind {
			err := newShell(shard.Config{Graph: g, Vertices: []int32{v}})
			if ok := vertexKind == shellKind; ok != (err == nil) ||
				(!ok && !errors.Is(err, shard.ErrKind)) {
				t.Errorf("shell of %v given a %v: %v", shellKind, vertexKind, err)
			}
		}
	}
}

// TestDefaultVerticesPerActor: inline, one actor per kind up to the
// bound; in parallel, one actor of services per core within the bounds.
func TestDefaultVerticesPerActor(t *testing.T) {
	cases := []struct {
		n, cores int
		parallel bool
		want     int
	}{
		{300, 2, false, 300},
		{100_000, 2, false, 100_000},
		{5_000_000, 2, false, MaxDefaultK},
		{300, 2, true, MinDefaultK},
		{100_000, 2, true, 50_000},
		{100_001, 2, true, 50_001},
		{5_000_000, 2, true, MaxDefaultK},
		{100_000, 0, true, 100_000},
	}
	for _, c := range cases {
		if got := DefaultVerticesPerActor(c.n, c.cores, c.parallel); got != c.want {
			t.Errorf("n=%d cores=%d parallel=%v: K=%d, want %d", c.n, c.cores,
				c.parallel, got, c.want)
		}
	}
}
