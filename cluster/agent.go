package cluster

import (
	"fmt"

	"github.com/asynkron/protoactor-go/actor"
	"google.golang.org/protobuf/proto"

	"github.com/homeostat/homeostat/core"
	"github.com/homeostat/homeostat/model"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// agent is the actor, one per member under a well-known name, that
// hosts the member's share of every job: it takes the setup, builds the
// shard actors of each run, and hands back their results. Jobs are kept
// apart by id, so two members may each coordinate a job at once.
type agent struct {
	n        *Node
	jobs     map[string]*share
	assembly map[string]*assembly // setups still arriving, by job
}

func newAgent(n *Node) *agent {
	return &agent{n: n, jobs: map[string]*share{}, assembly: map[string]*assembly{}}
}

// localSetup is the setup a coordinator gives the agent of its own
// member: the compiled world instead of the model's bytes, which this
// process has already decoded.
type localSetup struct {
	setup *pb.JobSetup
	world *core.World
	d     *driver
}

// Receive implements actor.Actor.
func (a *agent) Receive(ctx actor.Context) {
	switch m := ctx.Message().(type) {
	case *localSetup:
		a.open(m.setup, m.world, m.d)
	case *pb.SetupChunk:
		a.setupChunk(m)
	case *pb.RunStart:
		a.withShare(m.Job, func(s *share) { s.start(m) })
	case *pb.RunEnd:
		a.withShare(m.Job, func(s *share) { s.end(m) })
	case *pb.JobAbort:
		a.drop(m.Job)
	case memberGone:
		a.coordinatorGone(m.name)
	}
}

// setupChunk collects the parts of a setup and opens the job once the
// last has come.
func (a *agent) setupChunk(c *pb.SetupChunk) {
	as := a.assembly[c.Job]
	if as == nil {
		as = &assembly{}
		a.assembly[c.Job] = as
	}
	data, done, err := as.add(c.Part, c.Parts, c.Data)
	if !done && err == nil {
		return
	}
	delete(a.assembly, c.Job)
	setup := &pb.JobSetup{}
	if err == nil {
		err = proto.Unmarshal(data, setup)
	}
	if err != nil {
		a.refuse(c.Job, setup, fmt.Errorf("%w: setup: %w", ErrJob, err))
		return
	}
	w, err := compileSetup(setup)
	if err != nil {
		a.refuse(c.Job, setup, err)
		return
	}
	setup.Model = nil // the world holds what is needed
	a.open(setup, w, nil)
}

// compileSetup decodes and compiles the model of a setup. The
// coordinator has validated it.
func compileSetup(s *pb.JobSetup) (*core.World, error) {
	m, _, err := model.Decode(s.ModelName, s.Model)
	if err != nil {
		return nil, fmt.Errorf("%w: decode the model: %w", ErrJob, err)
	}
	g, err := model.Compile(m)
	if err != nil {
		return nil, fmt.Errorf("%w: compile the model: %w", ErrJob, err)
	}
	w, err := core.NewWorld(g)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrJob, err)
	}
	return w, nil
}

// open takes up a job whose setup is complete and says so.
func (a *agent) open(setup *pb.JobSetup, w *core.World, d *driver) {
	s, err := newShare(a.n, setup, w, d)
	if err != nil {
		a.refuse(setup.Job, setup, err)
		return
	}
	a.jobs[setup.Job] = s
	s.reply(&pb.SetupDone{Job: setup.Job, Member: a.n.cfg.Name})
}

// refuse answers a setup that cannot be taken up, if it says whom to.
func (a *agent) refuse(job string, setup *pb.JobSetup, err error) {
	to := replyPID(setup)
	if to == nil {
		a.n.cfg.Logger.Warn("dropped a job setup", "job", job, "err", err)
		return
	}
	a.n.sys.Root.Send(to, &pb.SetupDone{Job: job, Member: a.n.cfg.Name,
		Error: err.Error()})
}

func replyPID(s *pb.JobSetup) *actor.PID {
	if s.GetReplyAddress() == "" || s.GetReplyId() == "" {
		return nil
	}
	return actor.NewPID(s.ReplyAddress, s.ReplyId)
}

func (a *agent) withShare(job string, f func(*share)) {
	if s := a.jobs[job]; s != nil {
		f(s)
	}
}

// drop ends a job's share: it stops whatever runs and forgets the job.
func (a *agent) drop(job string) {
	delete(a.assembly, job)
	if s := a.jobs[job]; s != nil {
		s.close()
		delete(a.jobs, job)
	}
}

// coordinatorGone drops the jobs of a coordinator that left: nobody will
// end them.
func (a *agent) coordinatorGone(name string) {
	for id, s := range a.jobs {
		if s.coordinator == name {
			a.drop(id)
		}
	}
}

// assembly puts the parts of a chunked payload back together; the parts
// come in order.
type assembly struct {
	data []byte
	next uint32
}

// add appends part of parts; done once the last part is in.
func (as *assembly) add(part, parts uint32, data []byte) ([]byte, bool, error) {
	if part != as.next || part >= parts {
		return nil, false, fmt.Errorf("%w: part %d of %d came out of order "+
			"(expected %d)", ErrJob, part, parts, as.next)
	}
	as.data = append(as.data, data...)
	as.next++
	return as.data, as.next == parts, nil
}

// chunks cuts data into parts of at most size bytes; at least one.
func chunks(data []byte, size int) [][]byte {
	var out [][]byte
	for len(data) > size {
		out = append(out, data[:size])
		data = data[size:]
	}
	return append(out, data)
}
