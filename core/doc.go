// Package core holds the pure state machines of the simulation: service
// vertices (single instances and replica sets), supervisors and VM hosts,
// the messages they exchange, their random streams, and the Shard, the
// unit every engine runs.
//
// A core never starts a goroutine, reads a clock or touches an actor
// runtime. Time arrives as a tick number, randomness comes from a stream
// owned by one vertex (seeded from the run seed and the vertex id), and
// output leaves as messages. The same cores therefore give the same trace
// whether one goroutine runs them all (the direct driver), many actors
// run them in shards, or several processes share them.
//
// A tick runs in three phases (SPEC section 5): the messages arriving at
// the tick are applied (depends messages commute; control messages are
// applied in canonical order, by sender and then send sequence), the
// vertices' due events run (failure, repair, start completing, probe,
// back-off expiry), and every vertex whose inputs or state changed
// recomputes its availability and, if that changed, sends a message along
// each outgoing depends edge. Every draw is made on the stream of the
// vertex that owns the decision, so no draw depends on the order in which
// messages arrived.
//
// docs/sim.md describes the semantics in full, including the choices
// SPEC.md leaves open.
package core
