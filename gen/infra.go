package gen

import pb "github.com/homeostat/homeostat/proto/homeostat/v1"

// The shared bottom of a layered model (databases, caches, racks) and its
// repair machinery (supervisors, VM hosts).

func (l *layered) eachData(emit func(*pb.Vertex) error) error {
	for i := range l.dbs {
		vs := []*pb.Vertex{l.database(l.dbID[i], l.dataRack(i))}
		if l.isCluster(i) {
			vs = l.cluster(i)
		}
		for _, v := range vs {
			if err := emit(v); err != nil {
				return err
			}
		}
	}
	for i := range l.caches {
		if err := emit(l.cache(i)); err != nil {
			return err
		}
	}
	return nil
}

// dataRack is the rack of data vertex j (databases first, then caches).
func (l *layered) dataRack(j int) int {
	return part(j, l.racks, l.dataSize())
}

func (l *layered) database(name string, rack int) *pb.Vertex {
	v := &pb.Vertex{Id: name, DependsOn: []*pb.Dependency{dep(l.rackID[rack])}}
	if l.o.Plain {
		return lasting(l.r, v)
	}
	v.Failure = exponential(l.r.logUniform(90*day, 730*day))
	v.Repair = exponentialRepair(l.r.logUniform(10*minute, hour))
	v.StartTime = &pb.Delay{Law: &pb.Delay_Fixed{Fixed: minute}}
	return v
}

// cluster is database i as three members on different racks, and the
// database itself, available while two of the three are.
func (l *layered) cluster(i int) []*pb.Vertex {
	name := l.dbID[i]
	head := &pb.Vertex{Id: name, Gate: kOfN(2)}
	var vs []*pb.Vertex
	for m := range clusterSize {
		rack := (l.dataRack(i) + m) % l.racks
		member := l.database(id(name+"-r", m), rack)
		vs = append(vs, member)
		head.DependsOn = append(head.DependsOn, dep(member.Id))
	}
	return append(vs, head)
}

// cache ages (Weibull failure) and comes back after a fixed warm-up.
func (l *layered) cache(i int) *pb.Vertex {
	rack := l.rackID[l.dataRack(l.dbs+i)]
	v := &pb.Vertex{Id: l.cacheID[i], DependsOn: []*pb.Dependency{dep(rack)}}
	if l.o.Plain {
		return lasting(l.r, v)
	}
	v.Failure = weibull(round(1.2+0.8*l.r.Float64()), l.r.logUniform(60*day, 365*day))
	v.Repair = fixedRepair(5 * minute)
	return v
}

func (l *layered) eachRack(emit func(*pb.Vertex) error) error {
	for i := range l.racks {
		v := &pb.Vertex{
			Id:      l.rackID[i],
			Failure: exponential(l.r.logUniform(365*day, 4*365*day)),
			Repair:  exponentialRepair(l.r.logUniform(hour, 4*hour)),
		}
		if err := emit(v); err != nil {
			return err
		}
	}
	return nil
}

// supervisorID names supervisor j of level k: the roots are root-J, the
// others sup-N, numbered from the leaves up.
func (l *layered) supervisorID(k, j int) string {
	if k == len(l.levels)-1 {
		return id("root-", j)
	}
	return id("sup-", sum(l.levels[:k])+j)
}

func (l *layered) eachSupervisor(emit func(*pb.Vertex) error) error {
	for k := len(l.levels) - 1; k >= 0; k-- {
		for j := range l.levels[k] {
			if err := emit(l.supervisor(k, j)); err != nil {
				return err
			}
		}
	}
	return nil
}

// supervisor j of level k watches a contiguous run of the level below, or
// of the services for a leaf.
func (l *layered) supervisor(k, j int) *pb.Vertex {
	s := &pb.Supervisor{Supervises: l.children(k, j), Strategy: l.upperStrategy(k, j)}
	l.tune(s)
	v := &pb.Vertex{
		Id:         l.supervisorID(k, j),
		Kind:       pb.Kind_KIND_SUPERVISOR,
		Supervisor: s,
		Failure:    exponential(l.r.logUniform(90*day, 365*day)),
	}
	if k == len(l.levels)-1 { // nobody restarts a root
		v.Repair = exponentialRepair(l.r.logUniform(5*minute, 30*minute))
	}
	return v
}

// children are the ids of what supervisor j of level k watches.
func (l *layered) children(k, j int) []string {
	var ids []string
	if k == 0 {
		n := l.services()
		for c := share(j, l.levels[0], n); c < share(j+1, l.levels[0], n); c++ {
			ids = append(ids, l.serviceID(c))
		}
		return ids
	}
	n := l.levels[k-1]
	for c := share(j, l.levels[k], n); c < share(j+1, l.levels[k], n); c++ {
		ids = append(ids, l.supervisorID(k-1, c))
	}
	return ids
}

// upperStrategy is the planned strategy of a leaf; above the leaves, a
// supervisor mostly restarts one failed child, sometimes all of them.
func (l *layered) upperStrategy(k, j int) pb.Strategy {
	switch {
	case k == 0:
		return l.strategy[j]
	case l.r.chance(0.2):
		return pb.Strategy_STRATEGY_ONE_FOR_ALL
	default:
		return pb.Strategy_STRATEGY_ONE_FOR_ONE
	}
}

// tune draws a supervisor's probes, back-off and restart limits.
func (l *layered) tune(s *pb.Supervisor) {
	s.Probe = &pb.Probe{Interval: int64(l.r.between(5, 30)), FailureThreshold: 3}
	if l.r.chance(0.1) {
		s.Probe.Check = pb.Check_CHECK_READINESS
	}
	s.Backoff = &pb.Backoff{
		Initial:    int64(l.r.between(1, 10)),
		Factor:     2,
		Max:        5 * minute,
		ResetAfter: 10 * minute,
	}
	s.MaxRestarts = uint32(l.r.between(3, 10))
	s.Period = 10 * minute
	if l.r.chance(0.5) {
		s.MaxConcurrentRestarts = uint32(l.r.between(1, 4))
	}
	if s.Strategy == pb.Strategy_STRATEGY_REPLICAS && l.r.chance(0.3) {
		s.Placement = pb.Placement_PLACEMENT_PACK
	}
}

// eachVMHost writes the hosts last: each has room for its fixed
// placements, an even share of the replica instances and a few spare
// slots for re-placement.
func (l *layered) eachVMHost(emit func(*pb.Vertex) error) error {
	spread := (l.demand + l.vms - 1) / max(1, l.vms)
	for h := range l.vms {
		v := &pb.Vertex{
			Id:   l.vmID[h],
			Kind: pb.Kind_KIND_VMHOST,
			Vmhost: &pb.VMHost{
				Capacity: uint32(l.hosted[h] + spread + l.r.between(1, 4)),
				BootTime: int64(l.r.between(60, 180)),
			},
			Failure: exponential(l.r.logUniform(180*day, 730*day)),
			Repair:  exponentialRepair(l.r.logUniform(15*minute, hour)),
		}
		if err := emit(v); err != nil {
			return err
		}
	}
	return nil
}
