package gen

import (
	"fmt"
	"math"
	"sort"

	"google.golang.org/protobuf/proto"

	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// Proportions of a layered model: one rack for so many vertices, and so
// on. Services take what is left.
const (
	perRack      = 50
	perDB        = 120
	perCache     = 200
	perVMHost    = 40
	perLeafSup   = 12 // vertices per supervisor that watches services
	supFan       = 8  // children of a supervisor above the leaves
	clusterEvery = 4  // every fourth database is a 2-of-3 cluster
	clusterSize  = 3
	tierGrowth   = 1.5 // each tier is this much larger than the one above
	// operatorRepairs is the share of services whose failures need an
	// operator (a repair model of their own) rather than a restart.
	operatorRepairs = 0.25
)

// layered plans a tiered cluster. Every vertex's id and place follow from
// arithmetic on indices, so vertices can be written one at a time; the
// plan holds only per-supervisor and per-host counts.
type layered struct {
	o      Options
	r      rng
	racks  int
	dbs    int // databases, clusters included
	caches int
	vms    int
	tiers  []int    // service tier sizes; tiers[0] lowest, the last frontends
	start  []int    // index of each tier's first service, then the total
	prefix []string // id prefix of each tier
	// levels counts supervisors per level: levels[0] watch services, the
	// last level are the roots.
	levels   []int
	strategy []pb.Strategy // of each leaf supervisor
	hosted   []int         // fixed placements on each VM host
	demand   int           // instances that replicas supervisors place
	// Ids of the shared vertices, made once: services name them millions
	// of times.
	rackID, dbID, cacheID, vmID []string
}

func newLayered(o Options) (*layered, error) {
	n := o.Vertices
	l := &layered{o: o, r: newRNG(o.Seed)}
	l.racks = max(1, n/perRack)
	l.dbs = max(1, n/perDB)
	l.caches = max(1, n/perCache)
	if !o.Plain {
		l.vms = max(1, n/perVMHost)
		l.levels = supervisorLevels(max(1, n/perLeafSup))
	}
	services := n - l.racks - l.dbs - l.clusters()*clusterSize - l.caches -
		l.vms - sum(l.levels)
	if services < o.Tiers || (!o.Plain && services < l.levels[0]) {
		return nil, fmt.Errorf("%w: %d vertices are too few for %d tiers",
			ErrOptions, n, o.Tiers)
	}
	l.planTiers(services)
	l.planSupervision()
	l.rackID, l.dbID = names("rack-", l.racks), names("db-", l.dbs)
	l.cacheID, l.vmID = names("cache-", l.caches), names("vm-", l.vms)
	return l, nil
}

// names are the ids prefix0, prefix1 and so on, n of them.
func names(prefix string, n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = id(prefix, i)
	}
	return ids
}

// supervisorLevels stacks supervisors above the leaves, supFan children
// each, until a level is small enough to be the roots.
func supervisorLevels(leaves int) []int {
	levels := []int{leaves}
	for last := leaves; last > supFan; {
		last = (last + supFan - 1) / supFan
		levels = append(levels, last)
	}
	return levels
}

func sum(xs []int) int {
	t := 0
	for _, x := range xs {
		t += x
	}
	return t
}

// clusters is the number of databases that are 2-of-3 clusters.
func (l *layered) clusters() int {
	if l.o.Plain {
		return 0
	}
	return (l.dbs + clusterEvery - 1) / clusterEvery
}

func (l *layered) isCluster(db int) bool {
	return !l.o.Plain && db%clusterEvery == 0
}

// planTiers sizes and names the service tiers: a few frontends on top,
// and the other services in tiers that grow downwards.
func (l *layered) planTiers(services int) {
	t := l.o.Tiers
	fe := frontends(l.o.Vertices, services, t)
	l.tiers = append(tierSizes(services-fe, t-1), fe)
	l.start = make([]int, t+1)
	l.prefix = make([]string, t)
	for i, size := range l.tiers {
		l.start[i+1] = l.start[i] + size
		l.prefix[i] = fmt.Sprintf("t%d-svc-", i+1)
	}
	l.prefix[t-1] = "fe-"
}

// frontends is the number of frontends of a model of n vertices, the
// entry points whose failure is a system failure: about sqrt(n)/2 (16 of
// a thousand vertices, 50 of ten thousand, 500 of a million), for a real
// cluster has a handful of entry points, not a tenth of its services.
// Fewer would give each frontend a very large share of the tier below
// (see serviceDeps), and decision diagrams of a thousand vertices that
// often outgrow the exact analysis. With one tier, every service is a
// frontend; otherwise each tier below keeps at least one service.
func frontends(n, services, tiers int) int {
	if tiers == 1 {
		return services
	}
	fe := max(1, int(math.Round(math.Sqrt(float64(n))/2)))
	return min(fe, services-(tiers-1))
}

// tierSizes splits services over t tiers, each tierGrowth times larger
// than the one above it.
func tierSizes(services, t int) []int {
	if t == 0 {
		return nil
	}
	weight := func(i int) float64 { return math.Pow(tierGrowth, float64(t-1-i)) }
	total := 0.0
	for i := range t {
		total += weight(i)
	}
	sizes := make([]int, t)
	rest := services
	for i := 1; i < t; i++ {
		sizes[i] = max(1, int(float64(services)*weight(i)/total))
		rest -= sizes[i]
	}
	sizes[0] = rest
	if rest < 1 { // too few services for the proportions: split evenly
		for i := range sizes {
			sizes[i] = share(i+1, t, services) - share(i, t, services)
		}
	}
	return sizes
}

// planSupervision draws the strategy of every leaf supervisor up front,
// because it decides whether the services it watches are replica sets.
func (l *layered) planSupervision() {
	if l.o.Plain {
		return
	}
	l.strategy = make([]pb.Strategy, l.levels[0])
	for i := range l.strategy {
		l.strategy[i] = l.leafStrategy()
	}
	l.hosted = make([]int, l.vms)
}

func (l *layered) leafStrategy() pb.Strategy {
	switch u := l.r.Float64(); {
	case u < 0.3:
		return pb.Strategy_STRATEGY_REPLICAS
	case u < 0.8:
		return pb.Strategy_STRATEGY_ONE_FOR_ONE
	case u < 0.9:
		return pb.Strategy_STRATEGY_ONE_FOR_ALL
	default:
		return pb.Strategy_STRATEGY_REST_FOR_ONE
	}
}

func (l *layered) services() int { return l.start[len(l.tiers)] }

func (l *layered) frame() *pb.Model {
	m := frameOf(KindLayered, l.o)
	if l.o.Plain {
		return m
	}
	cp := &pb.ControlPlane{Default: &pb.Link{Latency: 1}}
	roots := l.levels[len(l.levels)-1]
	for j := range roots {
		cp.Links = append(cp.Links, &pb.Link{
			Between: []string{l.supervisorID(len(l.levels)-1, j),
				l.vmID[part(j, l.vms, roots)]},
			Latency: 2,
			Loss:    0.001,
		})
	}
	cp.Partitions = l.partitions()
	m.ControlPlane = cp
	return m
}

// each writes the services from the frontends down, then the data tier,
// the racks, the supervisors from the roots down and last the VM hosts,
// whose capacity depends on what was placed on them.
func (l *layered) each(emit func(*pb.Vertex) error) error {
	parts := []func(func(*pb.Vertex) error) error{
		l.eachService, l.eachData, l.eachRack, l.eachSupervisor, l.eachVMHost,
	}
	for _, p := range parts {
		if err := p(emit); err != nil {
			return err
		}
	}
	return nil
}

func (l *layered) eachService(emit func(*pb.Vertex) error) error {
	for t := len(l.tiers) - 1; t >= 0; t-- {
		for i := range l.tiers[t] {
			if err := emit(l.service(t, i)); err != nil {
				return err
			}
		}
	}
	return nil
}

// serviceID names service number s, counted over all tiers.
func (l *layered) serviceID(s int) string {
	t := sort.SearchInts(l.start, s+1) - 1
	return id(l.prefix[t], s-l.start[t])
}

func (l *layered) service(t, i int) *pb.Vertex {
	s := l.start[t] + i
	v := &pb.Vertex{Id: id(l.prefix[t], i), DependsOn: l.serviceDeps(t, i)}
	rack := dep(l.rackID[part(s, l.racks, l.services())])
	if l.o.Plain {
		v.DependsOn = append(v.DependsOn, rack)
		return lasting(l.r, v)
	}
	l.gate(v, rack)
	v.DependsOn = append(v.DependsOn, rack)
	l.failure(v)
	l.placement(v, s)
	return v
}

// serviceDeps gives service i of tier t its share of the tier below (so
// that every vertex has a dependent and only frontends are targets), and
// then random extra inputs up to a fan-out averaging Options.Fanout.
func (l *layered) serviceDeps(t, i int) []*pb.Dependency {
	lower := l.dataSize()
	if t > 0 {
		lower = l.tiers[t-1]
	}
	lo, hi := share(i, l.tiers[t], lower), share(i+1, l.tiers[t], lower)
	k := l.r.between(1, 2*l.o.Fanout-1)
	deps := make([]*pb.Dependency, 0, max(k, hi-lo)+1)
	for c := lo; c < hi; c++ {
		deps = append(deps, l.edge(l.lowerID(t, c)))
	}
	for j := len(deps); j < k; j++ {
		if target := l.pickLower(t, lo); !hasDep(deps, target) {
			deps = append(deps, l.edge(target))
		}
	}
	return deps
}

// dataSize is the number of shared databases and caches.
func (l *layered) dataSize() int { return l.dbs + l.caches }

// lowerID names vertex c of the layer below tier t.
func (l *layered) lowerID(t, c int) string {
	switch {
	case t > 0:
		return id(l.prefix[t-1], c)
	case c < l.dbs:
		return l.dbID[c]
	default:
		return l.cacheID[c-l.dbs]
	}
}

// pickLower draws an extra input for a service of tier t whose share of
// the tier below starts at near: mostly a neighbour of that share, else
// any lower tier, else a shared database or cache.
func (l *layered) pickLower(t, near int) string {
	if t == 0 {
		return l.pickData()
	}
	switch u := l.r.Float64(); {
	case u < 0.7:
		w := 2 * l.o.Fanout
		c := min(max(near+l.r.between(-w, w), 0), l.tiers[t-1]-1)
		return id(l.prefix[t-1], c)
	case u < 0.85:
		below := l.r.IntN(t)
		return id(l.prefix[below], l.r.IntN(l.tiers[below]))
	default:
		return l.pickData()
	}
}

// pickData draws a database or a cache, favouring the first ones so that
// a few are shared by very many services.
func (l *layered) pickData() string {
	if l.r.chance(0.65) {
		return l.dbID[l.r.skewed(l.dbs)]
	}
	return l.cacheID[l.r.skewed(l.caches)]
}

// edge is a depends edge that sometimes carries only some outages, or
// carries them late.
func (l *layered) edge(target string) *pb.Dependency {
	d := dep(target)
	if l.r.chance(0.15) {
		d.Probability = proto.Float64(round(0.3 + 0.65*l.r.Float64()))
	}
	if l.r.chance(0.25) {
		d.Delay = proto.Int64(int64(l.r.between(2, 30)))
	}
	return d
}

// gate makes a few services with three or more inputs tolerate losing
// some: impaired when about half of them are down. The rack weighs the
// whole threshold, so losing the rack still impairs.
func (l *layered) gate(v *pb.Vertex, rack *pb.Dependency) {
	k := len(v.DependsOn)
	if k < 3 || !l.r.chance(0.05) {
		return
	}
	theta := float64(k) / 2
	v.Gate = threshold(theta)
	rack.Weight = proto.Float64(theta)
}

// failure gives a service its failure, repair and start time. Most
// failures are crashes, two weeks to a year apart, that the service's
// supervisor repairs by restarting it: with no repair model of its own,
// the repair takes the supervisor's detection, back-off and the start
// time, a minute or two. The rest need an operator, minutes to an hour,
// and are rarer, two months to two years apart. Either way a service is
// down between about 1e-6 and 1e-3 of the time. Failures are mostly
// exponential, some per-tick Bernoulli and some ageing (Weibull).
func (l *layered) failure(v *pb.Vertex) {
	operator := l.r.chance(operatorRepairs)
	lo, hi := 14*day, 365*day
	if operator {
		lo, hi = 60*day, 730*day
	}
	switch u := l.r.Float64(); {
	case u < 0.8:
		v.Failure = exponential(l.r.logUniform(lo, hi))
	case u < 0.9:
		v.Failure = bernoulli(round(1 / float64(l.r.logUniform(lo, hi))))
	default:
		v.Failure = weibull(round(0.8+1.7*l.r.Float64()), l.r.logUniform(lo, hi))
	}
	if operator && l.r.chance(0.8) {
		v.Repair = exponentialRepair(l.r.logUniform(5*minute, hour))
	} else if operator {
		v.Repair = fixedRepair(l.r.logUniform(5*minute, 30*minute))
	}
	switch u := l.r.Float64(); {
	case u < 0.3:
		v.StartTime = &pb.Delay{Law: &pb.Delay_Fixed{Fixed: int64(l.r.between(5, 60))}}
	case u < 0.4:
		v.StartTime = &pb.Delay{Law: &pb.Delay_ExponentialMean{
			ExponentialMean: int64(l.r.between(10, 120))}}
	}
}

// placement makes the services of a replicas supervisor replica sets,
// and pins half of the others to a VM host.
func (l *layered) placement(v *pb.Vertex, s int) {
	g := part(s, l.levels[0], l.services())
	if l.strategy[g] == pb.Strategy_STRATEGY_REPLICAS {
		n := l.r.between(2, 5)
		v.Replicas = uint32(n)
		if n > 2 && l.r.chance(0.7) { // a majority; two need only one
			v.Quorum = uint32(n/2 + 1)
		}
		l.demand += n
		return
	}
	if l.r.chance(0.5) {
		h := part(s, l.vms, l.services())
		v.HostedOn = l.vmID[h]
		l.hosted[h]++
	}
}
