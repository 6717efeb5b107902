package gen

import (
	"errors"
	"fmt"
	"math"
)

// The kinds of graph that [Generate] and [Write] build.
const (
	KindLayered   = "layered"
	KindScaleFree = "scale-free"
	KindRandom    = "random"
	KindTree      = "tree"
)

// Kinds lists every kind, in the order the command line shows them.
var Kinds = []string{KindLayered, KindScaleFree, KindRandom, KindTree}

// Sentinel errors; errors returned by this package wrap one of them.
var (
	// ErrKind means the kind of graph is not one of [Kinds].
	ErrKind = errors.New("gen: unknown kind")
	// ErrOptions means an option is out of range for the kind.
	ErrOptions = errors.New("gen: bad options")
)

// Options shape a generated model. The zero value of every field but
// Vertices takes a sensible default, so Options{Vertices: 1000, Seed: 1}
// is a complete request.
type Options struct {
	// Vertices is the exact number of vertices in the model.
	Vertices int
	// Seed drives every random choice; equal seeds give equal bytes.
	Seed uint64
	// Tiers is the number of service tiers of a layered model, frontends
	// included; the data tier comes below them. Zero means 4.
	Tiers int
	// Fanout is the mean number of lower-tier vertices a layered service
	// depends on, and the mean number of children in a tree. Zero means 3.
	Fanout int
	// Degree is the mean number of inputs of a vertex in the scale-free
	// and random kinds. Zero means 3.
	Degree float64
	// Cycles is, for the random kind, the number of back edges (which
	// close cycles) as a fraction of the forward edges. Zero means none.
	Cycles float64
	// Plain strips a layered model down to a dependency DAG with
	// exponential failure and repair only: no supervisors, VM hosts,
	// replica sets or gates other than all. Engine benchmarks use it.
	Plain bool
	// Partitions is the number of scheduled control-plane partitions of
	// a layered model, each cutting a zone of supervisors and VM hosts
	// off from the rest (see the package documentation). Zero means
	// none; a plain model has no control plane to cut.
	Partitions int
}

// maxPartitions bounds Options.Partitions: the partitions are held in
// memory while the vertices stream.
const maxPartitions = 10000

// Default values of the optional fields.
const (
	DefaultTiers  = 4
	DefaultFanout = 3
	DefaultDegree = 3.0
)

// withDefaults fills in the zero fields and checks the ranges.
func (o Options) withDefaults() (Options, error) {
	if o.Tiers == 0 {
		o.Tiers = DefaultTiers
	}
	if o.Fanout == 0 {
		o.Fanout = DefaultFanout
	}
	if o.Degree == 0 {
		o.Degree = DefaultDegree
	}
	return o, o.check()
}

func (o Options) check() error {
	switch {
	case o.Vertices < 1 || o.Vertices > math.MaxInt32:
		return fmt.Errorf("%w: vertices %d out of range", ErrOptions, o.Vertices)
	case o.Tiers < 1 || o.Tiers > 1000:
		return fmt.Errorf("%w: tiers %d out of range 1..1000", ErrOptions, o.Tiers)
	case o.Fanout < 1 || o.Fanout > 1000:
		return fmt.Errorf("%w: fanout %d out of range 1..1000", ErrOptions, o.Fanout)
	case !(o.Degree > 0) || o.Degree > 1e6:
		return fmt.Errorf("%w: degree %g must be positive", ErrOptions, o.Degree)
	case !(o.Cycles >= 0) || o.Cycles > 1:
		return fmt.Errorf("%w: cycles %g out of range 0..1", ErrOptions, o.Cycles)
	case o.Partitions < 0 || o.Partitions > maxPartitions:
		return fmt.Errorf("%w: partitions %d out of range 0..%d", ErrOptions,
			o.Partitions, maxPartitions)
	case o.Partitions > 0 && o.Plain:
		return fmt.Errorf("%w: a plain model has no control plane to partition",
			ErrOptions)
	}
	return nil
}
