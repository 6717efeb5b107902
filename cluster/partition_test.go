package cluster

import (
	"fmt"
	"slices"
	"testing"

	"github.com/homeostat/homeostat/gen"
	"github.com/homeostat/homeostat/model"
)

func layeredGraph(t testing.TB, n int, plain bool) *model.Graph {
	t.Helper()
	m, err := gen.Generate(gen.KindLayered, gen.Options{Vertices: n, Seed: 5, Plain: plain})
	if err != nil {
		t.Fatal(err)
	}
	g, err := model.Compile(m)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// cutFraction is the share of the weighed edges a split cuts.
func cutFraction(g *model.Graph, owner []int32) float64 {
	cut, total := CutEdges(g, owner)
	return float64(cut) / float64(max(1, total))
}

// TestSplitCutsFewEdgesEvenly: on a 100,000-vertex layered model the
// split cuts well under the edges a random split cuts, gives every member
// its share within the slack, and is the same every time.
func TestSplitCutsFewEdgesEvenly(t *testing.T) {
	g := layeredGraph(t, 100000, false)
	for _, k := range []int{2, 3, 5} {
		t.Run(fmt.Sprintf("%d members", k), func(t *testing.T) {
			owner := Split(g, k)
			if again := Split(g, k); !slices.Equal(owner, again) {
				t.Fatal("two splits of the same model differ")
			}
			size := make([]int, k)
			for _, p := range owner {
				size[p]++
			}
			for p, want := range shares(g.N(), k) {
				if d := abs(size[p] - want); d > want*slackPercent/100 {
					t.Errorf("member %d holds %d vertices, share %d", p, size[p], want)
				}
			}
			cut, random := cutFraction(g, owner), cutFraction(g, RandomSplit(g.N(), k, 1))
			if cut > random/2 {
				t.Errorf("cut %.3f of the edges, random %.3f", cut, random)
			}
			t.Logf("cut %.4f of the edges, a random split %.4f; sizes %v", cut, random,
				size)
		})
	}
}

func abs(x int) int { return max(x, -x) }

// TestSplitSmall: degenerate sizes still give every vertex a member.
func TestSplitSmall(t *testing.T) {
	g := layeredGraph(t, 300, true)
	cases := []struct{ k, members int }{{1, 1}, {2, 2}, {7, 7}}
	for _, c := range cases {
		owner := Split(g, c.k)
		seen := map[int32]bool{}
		for _, p := range owner {
			if p < 0 || int(p) >= c.k {
				t.Fatalf("k=%d: vertex on member %d", c.k, p)
			}
			seen[p] = true
		}
		if len(seen) != c.members {
			t.Errorf("k=%d: %d members used, want %d", c.k, len(seen), c.members)
		}
	}
}

// BenchmarkSplit reports the cut-edge fraction of the partitioner next
// to a random split's on a 100,000-vertex layered model, with
// supervisors and VM hosts.
func BenchmarkSplit(b *testing.B) {
	g := layeredGraph(b, 100000, false)
	for _, k := range []int{2, 3, 5} {
		b.Run(fmt.Sprintf("members=%d", k), func(b *testing.B) {
			var owner []int32
			for b.Loop() {
				owner = Split(g, k)
			}
			b.ReportMetric(cutFraction(g, owner), "cut-fraction")
			b.ReportMetric(cutFraction(g, RandomSplit(g.N(), k, 1)), "random-cut-fraction")
		})
	}
}
