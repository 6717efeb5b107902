package engine

import (
	"runtime"
	"sync"

	"github.com/asynkron/protoactor-go/actor"
)

// mailbox is the protoactor mailbox of the shard actors of one vertex
// (K = 1). It keeps protoactor's mailbox contract (system messages
// first, suspension, the dispatcher's throughput, failures escalated to
// the invoker) with a smaller machine than protoactor's lock-free
// mailbox, which allocates a node per message in a queue of its own
// and keeps a second queue for system messages: three more objects to
// miss in the cache on every message to one of a million actors.
//
// Here everything is in one object behind one mutex. When the clock
// carries the batches an actor has at most one message waiting, and
// a queue holds its oldest message inline, so a message allocates
// nothing.
//
// Inline, the mailbox runs on the goroutine that posts to it, as
// protoactor's synchronized dispatcher would have it do, but without
// the call through a closure, one more object per actor to miss.
type mailbox struct {
	mu         sync.Mutex
	running    bool // scheduled on the dispatcher or being drained
	suspended  bool
	inline     bool
	user       queue
	system     queue
	invoker    actor.MessageInvoker
	ctx        actor.Context // the invoker as the actor's context, for warm
	dispatcher actor.Dispatcher
	drain      func() // m.process when not inline, made once
}

var _ actor.Mailbox = (*mailbox)(nil)

// newMailbox returns a producer of mailboxes that run inline, or on the
// dispatcher's goroutines when parallel is set.
func newMailbox(parallel bool) actor.MailboxProducer {
	return func() actor.Mailbox { return &mailbox{inline: !parallel} }
}

// PostUserMessage implements actor.Mailbox.
func (m *mailbox) PostUserMessage(msg any) { m.post(&m.user, msg) }

// PostSystemMessage implements actor.Mailbox.
func (m *mailbox) PostSystemMessage(msg any) { m.post(&m.system, msg) }

// post queues msg and schedules the mailbox unless it runs already.
func (m *mailbox) post(q *queue, msg any) {
	m.mu.Lock()
	q.push(msg)
	start := !m.running
	m.running = true
	m.mu.Unlock()
	switch {
	case !start:
	case m.inline:
		m.process()
	default:
		m.dispatcher.Schedule(m.drain)
	}
}

// RegisterHandlers implements actor.Mailbox.
func (m *mailbox) RegisterHandlers(invoker actor.MessageInvoker, dispatcher actor.Dispatcher) {
	m.invoker, m.dispatcher = invoker, dispatcher
	m.ctx, _ = invoker.(actor.Context)
	if !m.inline {
		m.drain = m.process
	}
}

// warm reads a word in each cache line of the mailbox (160 bytes, at
// offsets 0 or 32 within a line) and of its actor's context (96 bytes:
// the actor at its start, the message past its middle), and returns a
// number of no meaning (run.warm). It reads the queues, so only inline,
// where nothing else runs.
func (m *mailbox) warm() int {
	x := len(m.system.rest)
	if m.inline {
		x++
	}
	if m.dispatcher != nil {
		x++
	}
	if m.ctx != nil && m.ctx.Actor() != nil && m.ctx.Message() == nil {
		x++
	}
	return x
}

// Start implements actor.Mailbox; there is nothing to start.
func (m *mailbox) Start() {}

// UserMessageCount implements actor.Mailbox.
func (m *mailbox) UserMessageCount() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.user.len()
}

// process hands the waiting messages to the invoker, system messages
// first, until none is left, yielding the goroutine after each
// throughput's worth as protoactor's mailbox does.
func (m *mailbox) process() {
	limit := m.dispatcher.Throughput()
	for n := 1; ; n++ {
		msg, system, ok := m.next()
		if !ok {
			return
		}
		m.invoke(msg, system)
		if n == limit {
			n = 0
			runtime.Gosched()
		}
	}
}

// next takes the next message to handle, or marks the mailbox idle.
func (m *mailbox) next() (msg any, system, ok bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch {
	case m.system.len() > 0:
		return m.system.pop(), true, true
	case !m.suspended && m.user.len() > 0:
		return m.user.pop(), false, true
	}
	m.running = false
	return nil, false, false
}

// invoke hands one message to the invoker; a panic escapes as a failure
// of the actor, for its supervisor.
func (m *mailbox) invoke(msg any, system bool) {
	defer func() {
		if r := recover(); r != nil {
			m.invoker.EscalateFailure(r, msg)
		}
	}()
	if !system {
		m.invoker.InvokeUserMessage(msg)
		return
	}
	switch msg.(type) {
	case *actor.SuspendMailbox:
		m.suspend(true)
	case *actor.ResumeMailbox:
		m.suspend(false)
	default:
		m.invoker.InvokeSystemMessage(msg)
	}
}

func (m *mailbox) suspend(on bool) {
	m.mu.Lock()
	m.suspended = on
	m.mu.Unlock()
}

// queue is a first-in first-out queue of messages that holds its
// oldest message inline: the rest slice is only used while more than
// one message waits. rest is never non-empty while first is nil.
type queue struct {
	first any
	rest  []any
}

func (q *queue) len() int {
	if q.first == nil {
		return 0
	}
	return 1 + len(q.rest)
}

func (q *queue) push(msg any) {
	if q.first == nil {
		q.first = msg
		return
	}
	q.rest = append(q.rest, msg)
}

// pop takes the oldest message; the queue must not be empty.
func (q *queue) pop() any {
	msg := q.first
	q.first = nil
	if len(q.rest) > 0 {
		q.first = q.rest[0]
		q.rest[0] = nil
		q.rest = q.rest[1:]
		if len(q.rest) == 0 {
			q.rest = nil // the array is used up from its front
		}
	}
	return msg
}
