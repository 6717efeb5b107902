package cluster

import (
	"encoding/json"
	"fmt"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/homeostat/homeostat/core"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
	"github.com/homeostat/homeostat/sim"
)

// Outcome is a cluster job's result as `simctl submit` reads it: the
// summary, every replication in full, and how the job was spread.
type Outcome struct {
	// Summary is what `simctl run --json` prints for the same runs.
	Summary *sim.Summary
	// Runs are the replications, in run order, as sim.Run returns them.
	Runs []*sim.RunResult
	// Members ran the job, hosting Vertices[i] vertices each.
	Members  []string
	Vertices []int64
	// Edges are the edges the partitioner weighs and CutEdges those
	// between members.
	Edges, CutEdges int64
	// Cross-member traffic summed over the runs: vertex messages, the
	// chunks they travelled in, and the chunks' encoded bytes.
	CrossMessages, CrossChunks, CrossBytes uint64
	// Clock is the wall time the runs' ticks took, summed: the job's time
	// without setting up, gathering and summarising.
	Clock time.Duration
}

// facts are what the result says of how a job was spread.
type facts struct {
	members  []string
	vertices []int64
	edges    int64
	cut      int64
}

func (d *driver) facts() facts {
	f := facts{vertices: make([]int64, len(d.members))}
	for _, m := range d.members {
		f.members = append(f.members, m.Name)
	}
	for _, m := range d.owner {
		f.vertices[m]++
	}
	split := make([]int32, len(d.owner))
	for v, m := range d.owner {
		split[v] = int32(m)
	}
	f.cut, f.edges = CutEdges(d.w.Graph, split)
	return f
}

// encodeResult encodes a job's result as a pb.JobResult.
func encodeResult(s *sim.Summary, runs []*sim.RunResult, cross []crossTraffic,
	f facts) ([]byte, error) {
	js, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("%w: encode the summary: %w", ErrJob, err)
	}
	out := &pb.JobResult{SummaryJson: js, Members: f.members, Vertices: f.vertices,
		Edges: f.edges, CutEdges: f.cut}
	for i, r := range runs {
		pr := runToProto(r)
		pr.CrossMessages, pr.CrossChunks = cross[i].messages, cross[i].chunks
		pr.CrossBytes, pr.ClockNanos = cross[i].bytes, int64(cross[i].clock)
		out.Runs = append(out.Runs, pr)
	}
	b, err := proto.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("%w: encode the result: %w", ErrJob, err)
	}
	return b, nil
}

func runToProto(r *sim.RunResult) *pb.RunResult {
	v := &pb.ShardResult{Counters: core.CountersToProto(&r.Counters)}
	for i, x := range r.Vertices {
		v.Vertex = append(v.Vertex, int32(i))
		v.AvailableTicks = append(v.AvailableTicks, x.AvailableTicks)
		v.Outages = append(v.Outages, x.Outages)
		v.Restarts = append(v.Restarts, x.Restarts)
		v.Hash = append(v.Hash, x.Hash)
		v.Class = append(v.Class, uint32(x.Class))
	}
	ev := &pb.EventColumns{}
	for _, e := range r.Events {
		ev.Tick = append(ev.Tick, e.Tick)
		ev.Vertex = append(ev.Vertex, e.Vertex)
		ev.Kind = append(ev.Kind, uint32(e.Kind))
		ev.Other = append(ev.Other, e.Other)
	}
	return &pb.RunResult{Run: int32(r.Run), Seed: r.Seed, Ticks: r.Ticks,
		Digest: r.Digest, Vertices: v, SystemAvailability: r.SystemAvailability,
		Outages: outagesToProto(r.Outages), Series: seriesToProto(r.Series),
		Events: ev}
}

func outagesToProto(os []sim.Outage) *pb.OutageColumns {
	c := &pb.OutageColumns{}
	for _, o := range os {
		c.Start = append(c.Start, o.Start)
		c.End = append(c.End, o.End)
		c.Open = append(c.Open, o.Open)
		c.Target = append(c.Target, o.Target)
		c.Cause = append(c.Cause, o.Cause)
		c.PeakDown = append(c.PeakDown, o.PeakDown)
		c.PeakImpaired = append(c.PeakImpaired, o.PeakImpaired)
	}
	return c
}

func seriesToProto(ss []sim.Sample) *pb.SampleColumns {
	c := &pb.SampleColumns{}
	for _, s := range ss {
		c.Tick = append(c.Tick, s.Tick)
		c.Class = append(c.Class, s.Class[:]...)
		c.SystemUp = append(c.SystemUp, s.SystemUp)
		c.SystemAvailability = append(c.SystemAvailability, s.SystemAvailability)
		c.Sent = append(c.Sent, s.Sent)
		c.Lost = append(c.Lost, s.Lost)
		c.Restarts = append(c.Restarts, s.Restarts)
	}
	return c
}

// DecodeResult reads the result of a cluster job, as GET
// /v1/jobs/{id}/result serves it.
func DecodeResult(b []byte) (*Outcome, error) {
	var jr pb.JobResult
	if err := proto.Unmarshal(b, &jr); err != nil {
		return nil, fmt.Errorf("%w: decode the result: %w", ErrJob, err)
	}
	o := &Outcome{Summary: &sim.Summary{}, Members: jr.Members, Vertices: jr.Vertices,
		Edges: jr.Edges, CutEdges: jr.CutEdges}
	if err := json.Unmarshal(jr.SummaryJson, o.Summary); err != nil {
		return nil, fmt.Errorf("%w: decode the summary: %w", ErrJob, err)
	}
	for _, pr := range jr.Runs {
		r, err := runFromProto(pr)
		if err != nil {
			return nil, err
		}
		o.Runs = append(o.Runs, r)
		o.CrossMessages += pr.CrossMessages
		o.CrossChunks += pr.CrossChunks
		o.CrossBytes += pr.CrossBytes
		o.Clock += time.Duration(pr.ClockNanos)
	}
	return o, nil
}

func runFromProto(pr *pb.RunResult) (*sim.RunResult, error) {
	if pr.GetVertices() == nil {
		return nil, fmt.Errorf("%w: run %d: no vertex results", ErrJob, pr.Run)
	}
	r := &sim.RunResult{Run: int(pr.Run), Seed: pr.Seed, Ticks: pr.Ticks,
		Digest: pr.Digest, SystemAvailability: pr.SystemAvailability,
		Vertices: make([]core.VertexResult, len(pr.GetVertices().GetVertex())),
		Events:   eventsOf(pr.Events)}
	var err error
	if r.Counters, err = core.ResultFromProto(pr.GetVertices(), r.Vertices); err != nil {
		return nil, fmt.Errorf("%w: run %d: %w", ErrJob, pr.Run, err)
	}
	if r.Outages, err = outagesFromProto(int(pr.Run), pr.GetOutages()); err != nil {
		return nil, err
	}
	if r.Series, err = seriesFromProto(int(pr.Run), pr.GetSeries()); err != nil {
		return nil, err
	}
	return r, nil
}

func outagesFromProto(run int, c *pb.OutageColumns) ([]sim.Outage, error) {
	n := len(c.GetStart())
	if len(c.GetEnd()) != n || len(c.GetOpen()) != n || len(c.GetTarget()) != n ||
		len(c.GetCause()) != n || len(c.GetPeakDown()) != n ||
		len(c.GetPeakImpaired()) != n {
		return nil, fmt.Errorf("%w: run %d: damaged outages", ErrJob, run)
	}
	if n == 0 {
		return nil, nil
	}
	out := make([]sim.Outage, n)
	for i := range out {
		out[i] = sim.Outage{Run: run, Start: c.Start[i], End: c.End[i], Open: c.Open[i],
			Target: c.Target[i], Cause: c.Cause[i], PeakDown: c.PeakDown[i],
			PeakImpaired: c.PeakImpaired[i]}
	}
	return out, nil
}

func seriesFromProto(run int, c *pb.SampleColumns) ([]sim.Sample, error) {
	n := len(c.GetTick())
	if len(c.GetClass()) != n*int(core.NumClasses) || len(c.GetSystemUp()) != n ||
		len(c.GetSystemAvailability()) != n || len(c.GetSent()) != n ||
		len(c.GetLost()) != n || len(c.GetRestarts()) != n {
		return nil, fmt.Errorf("%w: run %d: damaged time series", ErrJob, run)
	}
	if n == 0 {
		return nil, nil
	}
	out := make([]sim.Sample, n)
	for i := range out {
		s := sim.Sample{Run: run, Tick: c.Tick[i], SystemUp: c.SystemUp[i],
			SystemAvailability: c.SystemAvailability[i], Sent: c.Sent[i],
			Lost: c.Lost[i], Restarts: c.Restarts[i]}
		copy(s.Class[:], c.Class[i*int(core.NumClasses):])
		out[i] = s
	}
	return out, nil
}
