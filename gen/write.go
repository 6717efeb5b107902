package gen

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"sync/atomic"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// generator is one kind of graph, planned for one set of options.
type generator interface {
	// frame returns the model without its vertices.
	frame() *pb.Model
	// each hands every vertex to emit, in file order, drawing its random
	// choices as it goes; it stops at the first error emit returns.
	each(emit func(*pb.Vertex) error) error
}

// verticesField is the field number of Model.vertices.
const verticesField = 4

// newGenerator plans a model of the given kind.
func newGenerator(kind string, opts Options) (generator, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if o.Partitions > 0 && kind != KindLayered {
		return nil, fmt.Errorf("%w: only a layered model has a control plane to "+
			"partition", ErrOptions)
	}
	switch kind {
	case KindLayered:
		return newLayered(o)
	case KindScaleFree:
		return newScaleFree(o), nil
	case KindRandom:
		return newRandom(o), nil
	case KindTree:
		return newTree(o), nil
	}
	return nil, fmt.Errorf("%w %q (want one of %v)", ErrKind, kind, Kinds)
}

// Check reports whether kind and opts make a model, without making it,
// so that a command can refuse bad flags before it opens a file.
func Check(kind string, opts Options) error {
	_, err := newGenerator(kind, opts)
	return err
}

// Generate builds a model in memory. It suits tests and small models;
// [Write] produces the same model without holding it.
func Generate(kind string, opts Options) (*pb.Model, error) {
	g, err := newGenerator(kind, opts)
	if err != nil {
		return nil, err
	}
	m := g.frame()
	err = g.each(func(v *pb.Vertex) error {
		m.Vertices = append(m.Vertices, v)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// Write streams the binary protobuf form of a model to w, one vertex at a
// time, so that memory stays small whatever the size of the model. The
// bytes equal the deterministic marshalling of what [Generate] returns.
func Write(w io.Writer, kind string, opts Options) error {
	g, err := newGenerator(kind, opts)
	if err != nil {
		return err
	}
	f := g.frame()
	e := &encoder{w: bufio.NewWriterSize(w, 1<<20)}

	// Fields are written in number order, as proto.Marshal does, so the
	// result is byte for byte the marshalled model.
	e.message(&pb.Model{Name: f.Name, TickNanos: f.TickNanos, Targets: f.Targets})
	if err := e.pipe(g); err != nil && e.err == nil {
		e.err = err
	}
	e.message(&pb.Model{ControlPlane: f.ControlPlane, Simulation: f.Simulation})
	if e.err == nil {
		e.err = e.w.Flush()
	}
	if e.err != nil {
		return fmt.Errorf("gen: write: %w", e.err)
	}
	return nil
}

// batchSize is how many vertices pass from the generating goroutine to
// the encoding one at a time; batchEdges bounds a batch by its edges
// too, so that a batch of frontends with hundreds of inputs each does not
// hold much memory.
const (
	batchSize  = 1024
	batchEdges = 8192
)

// errStopped tells a generator to stop because the encoding failed.
var errStopped = errors.New("gen: stopped")

// pipe draws the vertices here and marshals them in a second goroutine,
// so that the two halves of the work overlap on two cores. One producer
// and one consumer keep the order, and so the bytes, unchanged.
func (e *encoder) pipe(g generator) error {
	p := &pipeline{
		full:  make(chan []*pb.Vertex, 4),
		spare: make(chan []*pb.Vertex, 4),
		done:  make(chan struct{}),
		batch: make([]*pb.Vertex, 0, batchSize),
	}
	go p.encode(e)

	err := g.each(p.add)
	p.full <- p.batch
	close(p.full)
	<-p.done
	if e.err != nil {
		return e.err
	}
	return err
}

// pipeline carries batches of vertices from the generator to the encoder
// and the emptied batches back.
type pipeline struct {
	full, spare chan []*pb.Vertex
	done        chan struct{}
	failed      atomic.Bool // the encoder has failed; stop generating
	batch       []*pb.Vertex
	edges       int // depends and supervises edges in batch
}

// add is the generator's emit: it queues v and hands over full batches.
func (p *pipeline) add(v *pb.Vertex) error {
	p.batch = append(p.batch, v)
	p.edges += len(v.GetDependsOn()) + len(v.GetSupervisor().GetSupervises())
	if len(p.batch) < batchSize && p.edges < batchEdges {
		return nil
	}
	p.full <- p.batch
	p.edges = 0
	select {
	case p.batch = <-p.spare:
	default:
		p.batch = make([]*pb.Vertex, 0, batchSize)
	}
	if p.failed.Load() {
		return errStopped
	}
	return nil
}

// encode writes every batch until the generator is done. After a failure
// it keeps draining, so the generator never blocks.
func (p *pipeline) encode(e *encoder) {
	defer close(p.done)
	for b := range p.full {
		for _, v := range b {
			if e.vertex(v) != nil {
				p.failed.Store(true)
			}
		}
		clear(b)
		select {
		case p.spare <- b[:0]:
		default:
		}
	}
}

// encoder appends messages to a buffered writer and keeps the first
// error, so the loop that feeds it stays free of checks.
type encoder struct {
	w   *bufio.Writer
	buf []byte
	err error
}

var marshal = proto.MarshalOptions{Deterministic: true}

// message writes the fields of a partial Model.
func (e *encoder) message(m *pb.Model) {
	if e.err != nil {
		return
	}
	e.buf, e.err = marshal.MarshalAppend(e.buf[:0], m)
	if e.err == nil {
		_, e.err = e.w.Write(e.buf)
	}
}

// vertex writes v as one length-delimited vertices field of a Model.
func (e *encoder) vertex(v *pb.Vertex) error {
	if e.err != nil {
		return e.err
	}
	e.buf = appendVertex(e.buf[:0], v)
	var head [16]byte
	h := protowire.AppendTag(head[:0], verticesField, protowire.BytesType)
	h = protowire.AppendVarint(h, uint64(len(e.buf)))
	if _, e.err = e.w.Write(h); e.err == nil {
		_, e.err = e.w.Write(e.buf)
	}
	return e.err
}
