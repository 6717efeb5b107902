// These tests run several members, each with its own protoactor remote
// endpoint, inside one process. protoactor's remote.Start replaces gRPC's
// global logger (grpclog.SetLoggerV2) every time it starts, which the
// race detector reports against the endpoints already running: a race
// inside the libraries, not in this package, and one a simnode process
// (one endpoint) never meets. They are left out of -race builds; the
// multi-process tests in cmd/simnode run the same jobs under -race.

//go:build !race

package cluster

import (
	"fmt"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/homeostat/homeostat/gen"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

const day = 86_400 // ticks of one second

// prototypeModel is the workload of docs/sim.md's performance table: a
// plain layered model of ten tiers whose vertices fail after 30 days and
// are repaired after an hour on average, every edge carrying every
// outage after one tick.
func prototypeModel(b *testing.B, n int) (*pb.Model, []byte) {
	b.Helper()
	m, err := gen.Generate(gen.KindLayered, gen.Options{Vertices: n, Seed: 1,
		Tiers: 10, Plain: true})
	if err != nil {
		b.Fatal(err)
	}
	for _, v := range m.Vertices {
		v.Failure = &pb.Failure{Model: &pb.Failure_Exponential{
			Exponential: &pb.Exponential{Mttf: 30 * day}}}
		v.Repair = &pb.Repair{Model: &pb.Repair_Exponential{
			Exponential: &pb.ExponentialRepair{Mttr: 3600}}}
		for _, d := range v.DependsOn {
			*d = pb.Dependency{Id: d.Id}
		}
	}
	data, err := proto.Marshal(m)
	if err != nil {
		b.Fatal(err)
	}
	return m, data
}

// BenchmarkClusterJob runs one simulated day of the prototype workload
// on 1, 2 and 3 members in this process, talking over protoactor remote
// on loopback, and reports events per second over the whole job
// (events/s: setup, gathering and summarising included) and over its
// clock alone (clock-events/s), cross-member messages per second of
// clock, bytes per cross-member message and the share of edges cut.
func BenchmarkClusterJob(b *testing.B) {
	for _, size := range []struct {
		name string
		n    int
	}{{"100k1d", 100_000}, {"1M1d", 1_000_000}} {
		b.Run(size.name, func(b *testing.B) {
			m, data := prototypeModel(b, size.n)
			for _, members := range []int{1, 2, 3} {
				b.Run(fmt.Sprintf("members=%d", members), func(b *testing.B) {
					benchJob(b, m, data, members)
				})
			}
		})
	}
}

func benchJob(b *testing.B, m *pb.Model, data []byte, members int) {
	jc := newJobCluster(b, members, jobClusterOpts{})
	opts := RunOptions{Seed: 1, Duration: "1d"}
	var events, cross, bytes uint64
	var clock time.Duration
	var o *Outcome
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		var err error
		o, err = jc.runJob(0, fmt.Sprint("bench-", i), m, data, opts)
		if err != nil {
			b.Fatal(err)
		}
		events += uint64(o.Summary.Events)
		cross += o.CrossMessages
		bytes += o.CrossBytes
		clock += o.Clock
	}
	secs, ticking := time.Since(start).Seconds(), clock.Seconds()
	b.ReportMetric(float64(events)/secs, "events/s")
	b.ReportMetric(float64(events)/ticking, "clock-events/s")
	b.ReportMetric(float64(cross)/ticking, "cross-msgs/s")
	b.ReportMetric(float64(bytes)/float64(max(1, cross)), "B/cross-msg")
	b.ReportMetric(float64(jc.nodes[0].SimStats().Ticks)/ticking, "ticks/s")
	b.ReportMetric(float64(o.CutEdges)/float64(max(1, o.Edges)), "cut-fraction")
}
