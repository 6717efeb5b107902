package sim

import (
	"context"
	"fmt"

	"github.com/homeostat/homeostat/clock"
	"github.com/homeostat/homeostat/core"
)

// Sharded runs a replication as several shards on goroutines in one
// process, exchanging messages in per-tick batches under the clock's
// tick protocol: the arrangement the actor engine and the cluster use,
// without their transports. Its results equal the direct driver's.
type Sharded struct {
	// Partition splits the vertices; nil splits them into Shards blocks.
	Partition *core.Partition
	Shards    int
}

// Name implements Engine.
func (e Sharded) Name() string { return "sharded" }

// Run implements Engine.
func (e Sharded) Run(ctx context.Context, job Job) (*RunResult, error) {
	p, err := e.partition(job.World.N())
	if err != nil {
		return nil, err
	}
	if p, err = job.World.Cover(p); err != nil {
		return nil, fmt.Errorf("sim: sharded: %w", err)
	}
	shards := make([]*core.Shard, p.Shards())
	parts := make([]clock.Participant, p.Shards())
	for i := range shards {
		shards[i] = core.NewShard(job.World, p, i, core.Run{Seed: job.Seed,
			Injections: job.Injections, Record: job.Record})
		parts[i] = shards[i]
	}

	col := NewCollector(job)
	ticks := 0
	r := clock.Runner{Parts: parts, End: job.Duration,
		Owner: func(v int32) int { return int(p.Owner[v]) },
		OnTick: func(t int64, d core.Delta) {
			col.Tick(t, d)
			if ticks++; job.Progress != nil && ticks%progressEvery == 0 {
				job.Progress(t, col.EventsSoFar())
			}
		}}
	if err := r.Run(ctx); err != nil {
		return nil, fmt.Errorf("sim: sharded: %w", err)
	}

	for _, sh := range shards {
		col.Events(sh.Events())
	}
	return col.FinishShards(shards), nil
}

func (e Sharded) partition(n int) (*core.Partition, error) {
	if e.Partition != nil {
		if len(e.Partition.Owner) != n {
			return nil, fmt.Errorf("%w: partition of %d vertices for %d",
				ErrOptions, len(e.Partition.Owner), n)
		}
		return e.Partition, nil
	}
	if e.Shards < 1 {
		return nil, fmt.Errorf("%w: %d shards", ErrOptions, e.Shards)
	}
	return core.Blocks(n, e.Shards), nil
}
