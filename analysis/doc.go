// Package analysis computes the steady-state view of SPEC section 4: how
// likely each vertex and the system are to be down, which vertices matter
// most, which single failures take the system down, and what each
// failure takes with it. It answers exactly where decision diagrams fit a
// node budget and by bit-parallel Monte Carlo with exact confidence
// intervals elsewhere, always saying which.
//
// # Random variables
//
// The view is a function of independent Boolean random variables:
//
//   - each vertex's intrinsic state. A vertex is intrinsically down with
//     probability [Intrinsic]. The instances of a replica set of n with
//     quorum k are down independently, each with that probability, and
//     the set is intrinsically down when fewer than k are up. Instances
//     are interchangeable and nothing else sees them one by one, so the
//     engines draw the set's state as one variable with the binomial
//     tail probability [IntrinsicDown]; the tests enumerate instances
//     separately and agree to 1e-12.
//   - each depends edge's draw: the edge carries its upstream's outage
//     with its probability q (SPEC section 1), independently.
//
// A vertex is down when it is intrinsically down, or its VM host is down
// (a host failure takes down what it hosts, whatever the gate), or its
// gate is impaired by its inputs, where an input counts as down when its
// upstream vertex is down and the edge's draw carries. Propagation is
// instantaneous. The system is down when any target is. Supervises and
// control edges play no part: a supervisor's failure does not impair its
// children here; it only matters through the repair time below, and in
// the simulation.
//
// # Cycles: the least fixed point
//
// Dependency cycles make "down" a fixed point of the equations above,
// and a cycle has several: all members down is one whenever every member
// is impaired by another. The view takes the least, as SPEC section 3
// says: a vertex is down only when a chain of failures reaches it from an
// intrinsic failure (or a host). The gates are monotone (more inputs down
// never repairs anything; negative weights are refused), so iterating
// from "no member down" reaches the least fixed point in at most one
// sweep per member; both engines iterate so, symbolically or bit by bit.
// The simulation can lock a cycle down after its causes are repaired;
// the steady-state view reports cycles as a risk instead.
//
// # Intrinsic unavailability
//
// [Intrinsic] is the long-run share of time a vertex spends failed in an
// alternating renewal of up times and repair times: mttr/(mttf+mttr),
// with the mean up time mttf of the failure model (1/p for Bernoulli p
// per tick, which gives SPEC's p/(p+r) with r = 1/mttr; mttf for
// exponential; scale*Gamma(1+1/shape) for Weibull) and the mean time to
// repair of the repair model (mttr, or the fixed duration). A schedule
// gives the share of the simulation's duration its windows cover, and an
// unavailability is taken as it is. A vertex with a failure model but no
// repair model and no supervisor never comes back, so it counts as
// always down ([Unrepaired] lists them).
//
// Without its own repair model, a supervised vertex is repaired by its
// supervisor (the one with the lowest id, the leader SPEC section 5
// elects). The repair time is approximated by detection (probe interval
// times failure threshold), plus the first back-off delay, plus the mean
// start time. This ignores back-off growth after repeated failures,
// restart intensity and escalation, VM boot time and capacity, the
// supervisor's own failures, finite repair crews and control-plane delays
// and losses: the simulation shows those. Probes on readiness, which can
// restart healthy instances, are not modelled either.
//
// # Exact method
//
// [Exact] builds a reduced ordered binary decision diagram of every
// vertex's down state, component by component in topological order, with
// the variables ordered depth first from the targets (a vertex's own
// variable before its inputs'). Gates are built as diagrams of
// "at least t of these inputs" or "the weight of these inputs reaches
// theta", the weights added in input order as [model.GateSpec.Impaired]
// adds them. A cyclic component is iterated as above until its diagrams
// stop changing, which canonical diagrams make a pointer comparison. One
// sweep over the nodes, children before parents, gives every vertex's
// probability; one sweep back from the system's root gives the partial
// derivative of the system's probability by every intrinsic variable.
// The node budget ([DefaultBDDNodes]) bounds memory; past it [ErrBudget]
// is returned, and [Analyze] with [MethodAuto] falls back to Monte Carlo.
//
// # Importance
//
// Birnbaum importance is P(system down | v intrinsically down) -
// P(system down | v intrinsically up): the derivative above, since the
// system's probability is linear in each variable's. For a replica set
// "intrinsically down" is losing the quorum. Fussell-Vesely importance is
// taken in its diagnostic form, P(v intrinsically down | system down),
// which SCRAM reports as DIF, so the two tools can be compared event by
// event. Monte Carlo estimates both from the same samples: Birnbaum as
// the difference of the system's down frequency among the samples with v
// down and with v up (clipped to [0, 1]; NaN when v was never or always
// down), Fussell-Vesely as the share of system-down samples with v down.
// Those two carry no interval; prefer the exact method for them.
//
// # Monte Carlo
//
// [MonteCarlo] lays the vertices out in topological order and evaluates
// a block of 256 samples (four 64-bit words, one bit per sample) per
// vertex per sweep: an all gate is an or of words, an any gate an and,
// k_of_n and thresholds with whole weights (after scaling by a power of
// two) saturating bit-sliced counters or a bit-sliced adder and
// comparator; other weights fall back to one lane at a time. Cyclic
// components are settled by iteration to their least fixed point, each
// edge keeping one draw. Bernoulli words come from comparing 64 uniform
// numbers with the probability bit by bit from the top, one random word
// per bit, stopping when every lane is decided (about eight words,
// precision 2^-64); intrinsic probabilities below 1/128 instead draw the
// geometric gap to the next failure. An edge's draw is skipped in words
// where its upstream is up, since it cannot matter there. Samples are
// cut into batches; each batch draws from its own PCG stream derived
// from (seed, batch number), and workers take batches in turn, so the
// answer depends on the seed only, not on the number of cores. Every
// probability comes with its Clopper-Pearson (exact binomial) 95 %
// interval, which never covers less than 95 % and stays honest when no
// sample hit at all.
//
// # Structure
//
// Blast radii, single points of failure and minimal cut sets are
// structural: every edge that can carry (probability above zero) is
// taken to carry. The same bit-parallel evaluator runs 256 failure
// scenarios per pass, re-evaluating only the vertices a change reaches.
// A cut set is a minimal set of vertices whose intrinsic failure, with
// all others up, takes the system down. Beyond single failures the
// search tries only sets whose members all reach a gate that needs two
// or more inputs down (an or passes failures on independently, so a set
// without such a gate in common adds nothing to its parts), and skips
// sets that hold a smaller cut set. A work budget keeps this bounded on
// huge models and says when it cut the search short. Reports leave out
// the sets that hold a vertex which cannot fail (Structure.Possible):
// they are structure, not risk.
package analysis
