package shard

import (
	"fmt"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/homeostat/homeostat/clock"
	"github.com/homeostat/homeostat/core"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// inbox is scratch space for the core messages of one batch.
type inbox struct{ msgs []core.Message }

// deliver hands the messages of a batch to the core.
func deliver(pools *Pools, p clock.Participant, b *pb.Batch) error {
	in := pools.getInbox()
	msgs := in.msgs[:0]
	for _, m := range b.Messages {
		msgs = append(msgs, MessageFromProto(m))
	}
	err := p.Deliver(msgs)
	in.msgs = msgs[:0]
	pools.putInbox(in)
	return err
}

// outgoing gathers one tick's messages into one batch per destination.
type outgoing struct {
	to      []int32
	arrival []int64 // earliest arrival in each batch
	batches []*pb.Batch
	last    int // index of the batch used last, a likely hit
}

// batchFor returns the batch for actor to, starting one if needed.
func (o *outgoing) batchFor(p *Pools, to, sender int32, t int64) int {
	if o.last < len(o.to) && o.to[o.last] == to {
		return o.last
	}
	for i, x := range o.to {
		if x == to {
			o.last = i
			return i
		}
	}
	b := p.newBatch()
	b.Sender, b.Tick = sender, t
	o.to = append(o.to, to)
	o.arrival = append(o.arrival, clock.Never)
	o.batches = append(o.batches, b)
	o.last = len(o.to) - 1
	return o.last
}

func (o *outgoing) reset() {
	o.to, o.arrival = o.to[:0], o.arrival[:0]
	clear(o.batches)
	o.batches = o.batches[:0]
	o.last = 0
}

// send groups the core's messages for other actors by destination and
// sends one batch to each, or hands them all to the clock in done when
// it is the postman, noting in done whom it sent what.
func (a *Actor) send(ctx actor.Context, t int64, out []core.Message,
	done *pb.TickDone) error {
	o := a.net.Pools.getOutgoing()
	defer a.net.Pools.putOutgoing(o)
	for i := range out {
		m := &out[i]
		to := a.net.Owner[m.To]
		if to == a.id {
			return fmt.Errorf("%w: actor %d sent itself a message for vertex %d",
				ErrProtocol, a.id, m.To)
		}
		k := o.batchFor(a.net.Pools, to, a.id, t)
		appendMessage(o.batches[k], m)
		o.arrival[k] = min(o.arrival[k], m.At)
	}
	done.BatchTo = append(done.BatchTo, o.to...)
	done.BatchArrival = append(done.BatchArrival, o.arrival...)
	for _, at := range o.arrival {
		done.EarliestSent = min(done.EarliestSent, at)
	}
	if a.net.Postman {
		done.Batches = append(done.Batches, o.batches...)
		return nil
	}
	for i, b := range o.batches {
		ctx.Send(a.net.PIDs[o.to[i]], b)
	}
	return nil
}

// appendMessage adds m to b, reusing a message left from the batch's
// last trip when there is one.
func appendMessage(b *pb.Batch, m *core.Message) {
	n := len(b.Messages)
	if n < cap(b.Messages) {
		b.Messages = b.Messages[:n+1]
	} else {
		b.Messages = append(b.Messages, nil)
	}
	vm := b.Messages[n]
	if vm == nil {
		vm = new(pb.VertexMessage)
		b.Messages[n] = vm
	}
	MessageToProto(vm, m)
}
