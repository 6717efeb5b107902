package gen

import (
	"math/rand/v2"

	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// Scheduled control-plane partitions of a layered model
// (Options.Partitions).
//
// A zone is a run of leaf supervisors and the VM hosts their services
// are pinned to. Each partition cuts one zone off: the zone's supervisors
// and hosts on one side; on the other, the supervisors above them (or,
// when the leaves are the roots, the leaves next to the zone) and as many
// hosts next to the zone's. The zone's supervisors then miss their
// parents' probes, which restart them, and cannot place instances on the
// hosts outside, while probes to the services, which are on no side, go
// on. The first partition starts 5 to 30 minutes into a run, the others
// follow every 6 hours; each lasts 1 to 20 minutes.

const (
	zoneLeaves   = 8 // leaf supervisors in a zone, at most
	partitionGap = 6 * hour
)

// partitions draws the partitions from a stream of their own, so that
// asking for them changes nothing else in the model.
func (l *layered) partitions() []*pb.Partition {
	if l.o.Partitions == 0 {
		return nil
	}
	r := rng{rand.New(rand.NewPCG(l.o.Seed, 0x63_75_74 /* "cut" */))}
	ps := make([]*pb.Partition, l.o.Partitions)
	for j := range ps {
		ps[j] = &pb.Partition{
			At:       int64(5+r.IntN(26))*minute + int64(j)*partitionGap,
			Duration: r.logUniform(minute, 20*minute),
			Sides:    l.zoneCut(r),
		}
	}
	return ps
}

// zoneCut chooses a zone and returns the two sides of its cut.
func (l *layered) zoneCut(r rng) []*pb.Side {
	leaves, n := l.levels[0], l.services()
	z := max(1, min(zoneLeaves, leaves/4))
	a := r.IntN(leaves - z + 1)
	h0 := part(share(a, leaves, n), l.vms, n)
	h1 := part(share(a+z, leaves, n)-1, l.vms, n)

	var zone []string
	for k := a; k < a+z; k++ {
		zone = append(zone, l.supervisorID(0, k))
	}
	sups := len(zone)
	for h := h0; h <= h1; h++ {
		zone = append(zone, l.vmID[h])
	}

	rest := l.zoneParents(a, z)
	inZone := h1 - h0 + 1
	for k := 1; k <= min(inZone, l.vms-inZone); k++ {
		rest = append(rest, l.vmID[(h1+k)%l.vms])
	}
	if len(rest) == 0 { // one supervisor and one host: cut them apart
		zone, rest = zone[:sups], zone[sups:]
	}
	return []*pb.Side{{Ids: zone}, {Ids: rest}}
}

// zoneParents are the supervisors above leaves a..a+z-1 or, when the
// leaves are the roots, up to z leaves after them.
func (l *layered) zoneParents(a, z int) []string {
	leaves := l.levels[0]
	var ids []string
	if len(l.levels) == 1 {
		for k := 1; k <= min(z, leaves-z); k++ {
			ids = append(ids, l.supervisorID(0, (a+z-1+k)%leaves))
		}
		return ids
	}
	for p := part(a, l.levels[1], leaves); p <= part(a+z-1, l.levels[1], leaves); p++ {
		ids = append(ids, l.supervisorID(1, p))
	}
	return ids
}
