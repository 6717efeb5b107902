package gen_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/homeostat/homeostat/gen"
	"github.com/homeostat/homeostat/model"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// acyclic reports whether the depends edges of g form a DAG, by removing
// vertices with no remaining inputs (Kahn) until none are left.
func acyclic(g *model.Graph) bool {
	waiting := make([]int, g.N())
	var ready []int32
	for v := range int32(g.N()) {
		if waiting[v] = len(g.Inputs(v)); waiting[v] == 0 {
			ready = append(ready, v)
		}
	}
	removed := 0
	for len(ready) > 0 {
		v := ready[len(ready)-1]
		ready = ready[:len(ready)-1]
		removed++
		for _, e := range g.Outputs(v) {
			to := g.In[e].To
			if waiting[to]--; waiting[to] == 0 {
				ready = append(ready, to)
			}
		}
	}
	return removed == g.N()
}

// tally counts what a structure test asks about a layered model.
type tally struct {
	kinds      map[pb.Kind]int
	gates      map[string]int
	failures   map[string]int
	repairs    map[string]int
	racks      int
	replicaSet int
	maxDBUsers int
}

func count(g *model.Graph) tally {
	t := tally{kinds: map[pb.Kind]int{}, gates: map[string]int{},
		failures: map[string]int{}, repairs: map[string]int{}}
	for v := range int32(g.N()) {
		x := g.Vertices[v]
		t.kinds[x.GetKind()]++
		t.gates[kindOf(x.GetGate().GetKind())]++
		t.failures[kindOf(x.GetFailure().GetModel())]++
		t.repairs[kindOf(x.GetRepair().GetModel())]++
		if strings.HasPrefix(g.IDs[v], "rack-") && len(g.Outputs(v)) > 0 {
			t.racks++
		}
		if g.Replicas(v) > 1 {
			t.replicaSet++
		}
		if strings.HasPrefix(g.IDs[v], "db-") {
			t.maxDBUsers = max(t.maxDBUsers, len(g.Outputs(v)))
		}
	}
	return t
}

// kindOf names the type of a oneof value: a *pb.Gate_KOfN gives "KOfN".
func kindOf(x any) string {
	if x == nil {
		return "none"
	}
	name := fmt.Sprintf("%T", x)
	return name[strings.LastIndex(name, "_")+1:]
}

func TestLayeredStructure(t *testing.T) {
	g := generate(t, gen.KindLayered, gen.Options{Vertices: 5000, Seed: 1})
	if !acyclic(g) {
		t.Error("the dependencies have a cycle")
	}
	c := count(g)
	checks := []struct {
		what string
		ok   bool
	}{
		{"racks with dependents", c.racks > 10},
		{"supervisors", c.kinds[pb.Kind_KIND_SUPERVISOR] > 100},
		{"vm hosts", c.kinds[pb.Kind_KIND_VMHOST] > 10},
		{"replica sets", c.replicaSet > 50},
		{"k_of_n gates", c.gates["KOfN"] > 0},
		{"threshold gates", c.gates["Threshold"] > 0},
		{"exponential failures", c.failures["Exponential"] > 1000},
		{"bernoulli failures", c.failures["Bernoulli"] > 50},
		{"weibull failures", c.failures["Weibull"] > 50},
		{"exponential repairs", c.repairs["Exponential"] > 500},
		{"fixed repairs", c.repairs["Fixed"] > 50},
		{"restarts by supervisors", c.repairs["none"] > 2500},
		{"a database shared by many", c.maxDBUsers >= 20},
		{"a default control link", g.Model.GetControlPlane().GetDefault() != nil},
		{"default targets", len(g.Model.GetTargets()) == 0},
	}
	for _, ch := range checks {
		if !ch.ok {
			t.Errorf("layered model lacks %s: %+v", ch.what, c)
		}
	}
	checkTargetsAreFrontends(t, g)
	checkSupervisionTree(t, g)
	checkCapacity(t, g)
}

// checkTargetsAreFrontends: every vertex below the top tier has a
// dependent, so the default targets are exactly the frontends, about
// sqrt(n)/2 of them.
func checkTargetsAreFrontends(t *testing.T, g *model.Graph) {
	t.Helper()
	frontends := 0
	for _, id := range g.IDs {
		if strings.HasPrefix(id, "fe-") {
			frontends++
		}
	}
	for _, v := range g.Targets {
		if !strings.HasPrefix(g.IDs[v], "fe-") {
			t.Errorf("target %s is not a frontend", g.IDs[v])
		}
	}
	if len(g.Targets) != frontends {
		t.Errorf("%d targets, want the %d frontends", len(g.Targets), frontends)
	}
	// The smallest models have too few services for their share.
	want := max(1, int(math.Round(math.Sqrt(float64(g.N()))/2)))
	if frontends != want && (g.N() >= 100 || frontends < 1 || frontends > want) {
		t.Errorf("%d vertices: %d frontends, want %d", g.N(), frontends, want)
	}
}

// TestFewFrontends holds the number of targets to about sqrt(n)/2 at
// every size, one tier apart, where every service is a frontend.
func TestFewFrontends(t *testing.T) {
	for _, n := range []int{12, 100, 1000, 20000} {
		g := generate(t, gen.KindLayered, gen.Options{Vertices: n, Seed: 2})
		checkTargetsAreFrontends(t, g)
		if n >= 1000 && !acyclic(g) {
			t.Errorf("%d vertices: the dependencies have a cycle", n)
		}
	}
	g := generate(t, gen.KindLayered, gen.Options{Vertices: 1000, Seed: 2, Tiers: 1})
	services := 0
	for v := range int32(g.N()) {
		if g.Kinds[v] == pb.Kind_KIND_SERVICE && len(g.Outputs(v)) == 0 {
			services++
		}
	}
	if len(g.Targets) != services || services < 100 {
		t.Errorf("one tier: %d targets, %d services nothing depends on", len(g.Targets),
			services)
	}
}

// checkSupervisionTree: each tier service has one supervisor, every
// supervisor but the few roots has one too, and the tree is deep.
func checkSupervisionTree(t *testing.T, g *model.Graph) {
	t.Helper()
	roots := 0
	for v := range int32(g.N()) {
		id, sups := g.IDs[v], len(g.SupervisorsOf(v))
		tier := strings.HasPrefix(id, "fe-") || strings.HasPrefix(id, "t")
		switch {
		case g.Kinds[v] == pb.Kind_KIND_SUPERVISOR && sups == 0:
			roots++
		case (tier || g.Kinds[v] == pb.Kind_KIND_SUPERVISOR) && sups != 1:
			t.Errorf("%s has %d supervisors, want 1", id, sups)
		}
	}
	if roots < 1 || roots > 8 {
		t.Errorf("%d root supervisors, want 1 to 8", roots)
	}
}

// checkCapacity: every host has room for what is pinned to it, and the
// hosts together for the instances replicas supervisors place.
func checkCapacity(t *testing.T, g *model.Graph) {
	t.Helper()
	pinned := make(map[int32]int)
	placed, capacity := 0, 0
	for v := range int32(g.N()) {
		if h := g.HostedOn[v]; h >= 0 {
			pinned[h] += g.Replicas(v)
		}
		if g.Kinds[v] == pb.Kind_KIND_VMHOST {
			capacity += int(g.Vertices[v].GetVmhost().GetCapacity())
		}
		for _, s := range g.SupervisorsOf(v) {
			if g.Vertices[s].GetSupervisor().GetStrategy() == pb.Strategy_STRATEGY_REPLICAS {
				placed += g.Replicas(v)
			}
		}
	}
	for h, n := range pinned {
		if c := int(g.Vertices[h].GetVmhost().GetCapacity()); n > c {
			t.Errorf("%s hosts %d instances in %d slots", g.IDs[h], n, c)
		}
	}
	if total := placed + sumValues(pinned); total > capacity {
		t.Errorf("%d instances for %d slots", total, capacity)
	}
}

func sumValues(m map[int32]int) int {
	s := 0
	for _, n := range m {
		s += n
	}
	return s
}

func TestLayeredPlain(t *testing.T) {
	g := generate(t, gen.KindLayered, gen.Options{Vertices: 3000, Seed: 4, Plain: true})
	if !acyclic(g) {
		t.Error("the dependencies have a cycle")
	}
	c := count(g)
	if c.kinds[pb.Kind_KIND_SERVICE] != g.N() {
		t.Errorf("kinds %v, want services only", c.kinds)
	}
	if c.failures["Exponential"] != g.N() || c.repairs["Exponential"] != g.N() {
		t.Errorf("failures %v, repairs %v: want exponential only", c.failures, c.repairs)
	}
	if c.gates["none"] != g.N() || c.replicaSet != 0 || len(g.Children) != 0 {
		t.Errorf("gates %v, %d replica sets: want neither", c.gates, c.replicaSet)
	}
}

// TestLayeredShape checks the tiers and the mean fan-out the options ask for.
func TestLayeredShape(t *testing.T) {
	for _, o := range []gen.Options{
		{Vertices: 4000, Seed: 2},
		{Vertices: 4000, Seed: 2, Tiers: 7, Fanout: 5},
	} {
		g := generate(t, gen.KindLayered, o)
		tiers := map[string]bool{}
		for _, id := range g.IDs {
			if i := strings.Index(id, "-svc-"); i > 0 {
				tiers[id[:i]] = true
			}
		}
		want := max(gen.DefaultTiers, o.Tiers) - 1 // below the frontends
		if len(tiers) != want {
			t.Errorf("%+v: tiers %v below the frontends, want %d", o, tiers, want)
		}
		fanout := max(gen.DefaultFanout, o.Fanout)
		if mean := meanServiceInputs(g); math.Abs(mean-float64(fanout)) > 0.6 {
			t.Errorf("%+v: a service has %.2f inputs besides its rack, want about %d",
				o, mean, fanout)
		}
	}
}

// meanServiceInputs is the mean number of inputs of the tier services,
// their rack left out.
func meanServiceInputs(g *model.Graph) float64 {
	inputs, services := 0, 0
	for v := range int32(g.N()) {
		id := g.IDs[v]
		if strings.HasPrefix(id, "fe-") || strings.Contains(id, "-svc-") {
			inputs += len(g.Inputs(v)) - 1
			services++
		}
	}
	return float64(inputs) / float64(services)
}

func TestScaleFreeHeavyTail(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		g := generate(t, gen.KindScaleFree, gen.Options{Vertices: 5000, Seed: seed})
		most, total := 0, 0
		for v := range int32(g.N()) {
			most = max(most, len(g.Outputs(v)))
			total += len(g.Outputs(v))
			for _, e := range g.Inputs(v) {
				if e.From >= v {
					t.Fatalf("%s depends on a newer vertex %s", g.IDs[v], g.IDs[e.From])
				}
			}
		}
		mean := float64(total) / float64(g.N())
		if math.Abs(mean-gen.DefaultDegree) > 0.1 {
			t.Errorf("seed %d: mean degree %.2f, want %g", seed, mean, gen.DefaultDegree)
		}
		if float64(most) < 15*mean {
			t.Errorf("seed %d: most dependents %d, mean %.2f: no heavy tail",
				seed, most, mean)
		}
	}
}

func TestTreeShape(t *testing.T) {
	for _, fanout := range []int{1, 2, 5} {
		n := 2000
		g := generate(t, gen.KindTree, gen.Options{Vertices: n, Seed: 5, Fanout: fanout})
		if len(g.In) != n-1 {
			t.Errorf("fanout %d: %d edges, want %d", fanout, len(g.In), n-1)
		}
		internal, children := 0, 0
		for v := range int32(n) {
			in := g.Inputs(v)
			if (v == 0) != (len(in) == 0) || len(in) > 1 || len(in) == 1 && in[0].From >= v {
				t.Fatalf("fanout %d: %s has inputs %v", fanout, g.IDs[v], in)
			}
			if k := len(g.Outputs(v)); k > 0 {
				internal++
				children += k
				if k > 2*fanout-1 {
					t.Errorf("fanout %d: %s has %d children", fanout, g.IDs[v], k)
				}
			}
		}
		if mean := float64(children) / float64(internal); math.Abs(mean-float64(fanout)) > 0.2 {
			t.Errorf("fanout %d: %.2f children per parent", fanout, mean)
		}
	}
}

func TestRandomDegreeAndCycles(t *testing.T) {
	tests := []struct {
		degree, cycles float64
	}{{3, 0}, {8, 0}, {3, 0.2}, {1, 0.5}}
	for _, tt := range tests {
		o := gen.Options{Vertices: 5000, Seed: 6, Degree: tt.degree, Cycles: tt.cycles}
		g := generate(t, gen.KindRandom, o)
		forward, back := 0, 0
		for _, e := range g.In {
			if e.From < e.To {
				forward++
			} else {
				back++
			}
		}
		mean := float64(forward) / float64(g.N())
		if math.Abs(mean-tt.degree) > 0.1*tt.degree {
			t.Errorf("%+v: mean in-degree %.2f, want %g", tt, mean, tt.degree)
		}
		frac := float64(back) / float64(forward)
		if math.Abs(frac-tt.cycles) > 0.03 {
			t.Errorf("%+v: %.3f back edges per forward edge, want %g", tt, frac, tt.cycles)
		}
		if acyclic(g) != (tt.cycles == 0) {
			t.Errorf("%+v: acyclic is %v", tt, acyclic(g))
		}
	}
}
