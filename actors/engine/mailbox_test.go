package engine

import (
	"fmt"
	"slices"
	"testing"

	"github.com/asynkron/protoactor-go/actor"

	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// invoker records what a mailbox hands it; a user message "panic"
// panics, and a user message "post" makes it post "posted" to its own
// mailbox while it is being drained.
type invoker struct {
	mb        actor.Mailbox
	got       []string
	escalated []any
}

func (v *invoker) InvokeSystemMessage(m any) { v.got = append(v.got, fmt.Sprint("sys:", m)) }

func (v *invoker) InvokeUserMessage(m any) {
	switch m {
	case "panic":
		panic("broken")
	case "post":
		v.mb.PostUserMessage("posted")
	}
	v.got = append(v.got, fmt.Sprint(m))
}

func (v *invoker) EscalateFailure(reason, m any) {
	v.escalated = append(v.escalated, reason, m)
}

func newTestMailbox() (actor.Mailbox, *invoker) {
	mb := newMailbox(false)()
	v := &invoker{mb: mb}
	mb.RegisterHandlers(v, actor.NewSynchronizedDispatcher(inlineThroughput))
	mb.Start()
	return mb, v
}

// TestMailboxInline: an inline mailbox handles a message as it is
// posted, a message posted while it drains after the one in hand, and
// keeps user messages while suspended.
func TestMailboxInline(t *testing.T) {
	mb, v := newTestMailbox()
	mb.PostUserMessage("a")
	mb.PostUserMessage("post")
	mb.PostSystemMessage(&actor.SuspendMailbox{})
	mb.PostUserMessage("b")
	mb.PostUserMessage("c")
	if n := mb.UserMessageCount(); n != 2 {
		t.Errorf("suspended with %d messages waiting, want 2", n)
	}
	mb.PostSystemMessage("x")
	mb.PostSystemMessage(&actor.ResumeMailbox{})
	want := []string{"a", "post", "posted", "sys:x", "b", "c"}
	if !slices.Equal(v.got, want) {
		t.Errorf("handled %q, want %q", v.got, want)
	}
	if n := mb.UserMessageCount(); n != 0 {
		t.Errorf("%d messages left, want none", n)
	}
}

// TestMailboxEscalates: a panic while handling a message goes to the
// invoker as a failure, and the mailbox goes on with the next message.
func TestMailboxEscalates(t *testing.T) {
	mb, v := newTestMailbox()
	mb.PostUserMessage("panic")
	mb.PostUserMessage("after")
	if len(v.escalated) != 2 || v.escalated[0] != "broken" || v.escalated[1] != "panic" {
		t.Errorf("escalated %v, want the panic and its message", v.escalated)
	}
	if !slices.Equal(v.got, []string{"after"}) {
		t.Errorf("handled %q after the panic, want [after]", v.got)
	}
}

// TestQueue: first in, first out, however many wait.
func TestQueue(t *testing.T) {
	var q queue
	for round := range 3 {
		for i := range round * 3 {
			q.push(i)
		}
		for i := range round * 3 {
			if got := q.pop(); got != i {
				t.Fatalf("round %d: popped %v, want %d", round, got, i)
			}
		}
		if q.len() != 0 {
			t.Fatalf("round %d: %d left", round, q.len())
		}
	}
}

// TestPostbox: each receiver gets its own batches, in the order they
// were put, once; letters are reused.
func TestPostbox(t *testing.T) {
	p := newPostbox(3)
	b := make([]*pb.Batch, 5)
	for i := range b {
		b[i] = &pb.Batch{Sender: int32(i)}
	}
	p.put(2, b[0])
	p.put(0, b[1])
	p.put(2, b[2])
	if got := p.take(2, nil); !slices.Equal(got, []*pb.Batch{b[0], b[2]}) {
		t.Errorf("receiver 2 got %v", got)
	}
	if got := p.take(2, nil); len(got) != 0 {
		t.Errorf("receiver 2 got %v again", got)
	}
	p.put(1, b[3])
	p.put(1, b[4])
	if got := p.take(1, nil); !slices.Equal(got, []*pb.Batch{b[3], b[4]}) {
		t.Errorf("receiver 1 got %v", got)
	}
	if got := p.take(0, nil); !slices.Equal(got, []*pb.Batch{b[1]}) {
		t.Errorf("receiver 0 got %v", got)
	}
	if len(p.letters) != 3 {
		t.Errorf("%d letters for at most 3 batches waiting at once", len(p.letters))
	}
}
