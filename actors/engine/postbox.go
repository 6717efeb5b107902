package engine

import pb "github.com/homeostat/homeostat/proto/homeostat/v1"

// postbox keeps the batches the clock carries as postman
// (shard.Network.Postman), by receiver, from the report of the tick
// that sent them until the receiver's next start.
//
// Carrying every waiting batch with the receiver's next start is enough:
// the coordinator wakes a receiver no later than the earliest arrival in
// any batch sent to it, so each batch reaches its receiver's calendar
// before any of its messages is due, which is all a core asks of a
// delivery (docs/actors.md).
//
// The batches of one receiver form a chain, in the order they were
// handed in, through a slab of letters with a free list: the postbox
// allocates nothing once it holds its largest load, and costs 8 bytes
// per actor, not a slice.
type postbox struct {
	chains  []chain // by receiver
	letters []letter
	free    int32 // first free letter, or -1
}

// chain is a receiver's first and last letter, or -1 and -1.
type chain struct{ head, tail int32 }

// letter is one batch waiting in the postbox.
type letter struct {
	b    *pb.Batch
	next int32 // the receiver's next letter, or the next free one; -1 ends
}

func newPostbox(actors int) *postbox {
	p := &postbox{chains: make([]chain, actors), free: -1}
	for i := range p.chains {
		p.chains[i] = chain{-1, -1}
	}
	return p
}

// put keeps batch b for actor to.
func (p *postbox) put(to int32, b *pb.Batch) {
	k := p.free
	if k >= 0 {
		p.free = p.letters[k].next
		p.letters[k] = letter{b: b, next: -1}
	} else {
		k = int32(len(p.letters))
		p.letters = append(p.letters, letter{b: b, next: -1})
	}
	c := &p.chains[to]
	if c.tail >= 0 {
		p.letters[c.tail].next = k
	} else {
		c.head = k
	}
	c.tail = k
}

// take appends every batch kept for actor to onto into, in the order
// they were put, and forgets them.
func (p *postbox) take(to int32, into []*pb.Batch) []*pb.Batch {
	c := &p.chains[to]
	for k := c.head; k >= 0; {
		l := &p.letters[k]
		into = append(into, l.b)
		next := l.next
		*l = letter{next: p.free}
		p.free = k
		k = next
	}
	*c = chain{-1, -1}
	return into
}
