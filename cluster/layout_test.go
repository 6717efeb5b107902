package cluster

import (
	"errors"
	"testing"

	"github.com/homeostat/homeostat/core"
	"github.com/homeostat/homeostat/gen"
	"github.com/homeostat/homeostat/model"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// TestLayout: every member's vertices go to shard actors of their own
// kind on that member, at most perActor each, numbered member by member.
func TestLayout(t *testing.T) {
	m, err := gen.Generate(gen.KindLayered, gen.Options{Vertices: 2000, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	g, err := model.Compile(m)
	if err != nil {
		t.Fatal(err)
	}
	split := Split(g, 3)
	owner := make([]uint32, len(split))
	for v, p := range split {
		owner[v] = uint32(p)
	}
	cases := []struct{ perActor, minShards int }{{0, 9}, {100, 20}, {1, 2000}}
	for _, c := range cases {
		l, err := newLayout(mustWorld(t, g), owner, 3, c.perActor)
		if err != nil {
			t.Fatal(err)
		}
		if l.shards() < c.minShards {
			t.Errorf("perActor %d: %d shard actors, want at least %d", c.perActor,
				l.shards(), c.minShards)
		}
		for s := 1; s < l.shards(); s++ {
			if l.member[s] < l.member[s-1] {
				t.Fatalf("shard actors not numbered member by member: %v", l.member)
			}
		}
		for v := range g.N() {
			s := l.part.Owner[v]
			if l.member[s] != split[v] || l.kinds[s] != g.Kinds[v] {
				t.Fatalf("vertex %d (%v on member %d) in shard actor %d (%v on %d)", v,
					g.Kinds[v], split[v], s, l.kinds[s], l.member[s])
			}
		}
		for s, vs := range l.part.Members {
			if c.perActor > 0 && len(vs) > c.perActor {
				t.Errorf("shard actor %d holds %d vertices", s, len(vs))
			}
		}
	}
}

// TestLayoutRefusesBadSplits: a split of the wrong size or naming a
// member that does not exist is refused.
func TestLayoutRefusesBadSplits(t *testing.T) {
	g, err := model.Compile(&pb.Model{Name: "two", Vertices: []*pb.Vertex{{Id: "a"},
		{Id: "b"}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, owner := range [][]uint32{{0}, {0, 2}} {
		if _, err := newLayout(mustWorld(t, g), owner, 2, 0); !errors.Is(err, ErrJob) {
			t.Errorf("split %v: %v, want ErrJob", owner, err)
		}
	}
}

// TestPlan: run options are read against the model as simctl run reads
// its flags, defaults included.
func TestPlan(t *testing.T) {
	g, err := model.Compile(&pb.Model{Name: "p", Vertices: []*pb.Vertex{{Id: "a"}},
		Simulation: &pb.Simulation{Duration: 7200, Runs: 4}})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		o                RunOptions
		duration, every  int64
		runs, injections int
		wantErr          bool
	}{
		{RunOptions{}, 7200, 7, 4, 0, false},
		{RunOptions{Duration: "1h", Every: "60", Runs: 2, Inject: []string{"a@10m"}},
			3600, 60, 2, 1, false},
		{RunOptions{Duration: "soon"}, 0, 0, 0, 0, true},
		{RunOptions{Inject: []string{"zz@1h"}}, 0, 0, 0, 0, true},
	}
	for _, c := range cases {
		p, err := newPlan(g, c.o)
		if (err != nil) != c.wantErr {
			t.Errorf("%+v: error %v", c.o, err)
			continue
		}
		if err != nil {
			continue
		}
		o := p.opt
		if o.Duration != c.duration || o.Every != c.every || o.Runs != c.runs ||
			len(o.Injections) != c.injections {
			t.Errorf("%+v: got %+v", c.o, o)
		}
	}
}

func mustWorld(t *testing.T, g *model.Graph) *core.World {
	t.Helper()
	w, err := core.NewWorld(g)
	if err != nil {
		t.Fatal(err)
	}
	return w
}
