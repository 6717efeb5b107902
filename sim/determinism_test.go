package sim

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/homeostat/homeostat/core"
	"github.com/homeostat/homeostat/gen"
	"github.com/homeostat/homeostat/model"
)

// layeredWorld generates and compiles a layered model with supervisors,
// VM hosts and replica sets (plain: a bare dependency DAG).
func layeredWorld(t testing.TB, n int, plain bool) *core.World {
	t.Helper()
	m, err := gen.Generate(gen.KindLayered, gen.Options{Vertices: n, Seed: 7, Plain: plain})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := model.Validate(m, nil); err != nil {
		t.Fatal(err)
	}
	return compileWorld(t, m)
}

func runDigest(t *testing.T, e Engine, w *core.World, opt Options) string {
	t.Helper()
	rs, err := Run(context.Background(), e, w, opt)
	if err != nil {
		t.Fatal(err)
	}
	return Summarize(w, e.Name(), opt.Seed, rs).Digest
}

// TestDigestIsReproducible: the same model and seed give the same digest
// run after run and whatever the number of workers; another seed gives
// another digest.
func TestDigestIsReproducible(t *testing.T) {
	w := layeredWorld(t, 300, false)
	opt := Options{Duration: 20_000, Seed: 5, Runs: 4, Workers: 1}
	want := runDigest(t, Direct{}, w, opt)
	for _, workers := range []int{1, 2, 4} {
		opt.Workers = workers
		if got := runDigest(t, Direct{}, w, opt); got != want {
			t.Errorf("%d workers: digest %s, want %s", workers, got, want)
		}
	}
	opt.Seed = 6
	if got := runDigest(t, Direct{}, w, opt); got == want {
		t.Errorf("seeds 5 and 6 give the same digest %s", got)
	}
}

// TestDigestIgnoresSharding: splitting the vertices into 1, 2, 7 or N
// shards, in blocks or dealt round-robin, run on goroutines under the
// clock's tick protocol, gives the direct driver's digest and results.
func TestDigestIgnoresSharding(t *testing.T) {
	cases := []struct {
		name     string
		w        *core.World
		duration int64
	}{
		{"supervised", layeredWorld(t, 300, false), 20_000},
		{"plain", layeredWorld(t, 300, true), 5_000_000},
	}
	for _, c := range cases {
		n := c.w.N()
		inj := []core.Injection{{Vertex: int32(n / 3), At: 500, Duration: 2_000},
			{Vertex: int32(n / 2), At: 1_000}}
		opt := Options{Duration: c.duration, Seed: 3, Injections: inj, Record: true}
		ref, err := Run(context.Background(), Direct{}, c.w, opt)
		if err != nil {
			t.Fatal(err)
		}
		if len(ref[0].Outages) == 0 {
			t.Fatalf("%s: too quiet to compare: %+v", c.name, ref[0].Counters)
		}
		for pname, p := range somePartitions(n) {
			t.Run(c.name+"/"+pname, func(t *testing.T) {
				got, err := Run(context.Background(), Sharded{Partition: p}, c.w, opt)
				if err != nil {
					t.Fatal(err)
				}
				sameRun(t, ref[0], got[0])
			})
		}
	}
}

func somePartitions(n int) map[string]*core.Partition {
	return map[string]*core.Partition{
		"1 block": core.Blocks(n, 1), "2 blocks": core.Blocks(n, 2),
		"7 blocks": core.Blocks(n, 7), "7 strided": core.Strided(n, 7),
		"N shards": core.Blocks(n, n),
	}
}

func sameRun(t *testing.T, want, got *RunResult) {
	t.Helper()
	if got.Digest != want.Digest {
		t.Errorf("digest %x, want %x", got.Digest, want.Digest)
	}
	if got.Counters != want.Counters {
		t.Errorf("counters %+v, want %+v", got.Counters, want.Counters)
	}
	if got.SystemAvailability != want.SystemAvailability {
		t.Errorf("system availability %v, want %v", got.SystemAvailability,
			want.SystemAvailability)
	}
	if fmt.Sprint(got.Outages) != fmt.Sprint(want.Outages) {
		t.Errorf("outages differ: %d vs %d", len(got.Outages), len(want.Outages))
	}
	if fmt.Sprint(got.Series) != fmt.Sprint(want.Series) {
		t.Errorf("time series differ")
	}
	if fmt.Sprint(got.Events) != fmt.Sprint(want.Events) {
		t.Errorf("events differ: %d vs %d", len(got.Events), len(want.Events))
	}
}

// TestExamplesIgnoreSharding runs the bundled example models (supervisors,
// replica sets, VM hosts, a partitioned and lossy control plane) for
// three days, directly and as 5 shards dealt round-robin: the results
// must be identical.
func TestExamplesIgnoreSharding(t *testing.T) {
	files, err := filepath.Glob("../examples/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			m, _, err := model.Load(f)
			if err != nil {
				t.Fatal(err)
			}
			w := compileWorld(t, m)
			opt := Options{Duration: 3 * 86_400, Seed: 8, Record: true}
			ref, err := Run(context.Background(), Direct{}, w, opt)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Run(context.Background(), Sharded{Partition: core.Strided(w.N(), 5)},
				w, opt)
			if err != nil {
				t.Fatal(err)
			}
			sameRun(t, ref[0], got[0])
		})
	}
}
