// Package gen builds synthetic models of clusters for tests, examples and
// benchmarks, from a handful of numbers and a seed.
//
// Four kinds of graph are offered:
//
//   - layered: a microservice-style cluster. A few frontends (about
//     sqrt(n)/2, the default targets) sit in the top tier, ordinary
//     services in the tiers below, shared databases, caches and racks at
//     the bottom. Services fan out to a few vertices of lower tiers, some
//     of them through probabilistic, delayed edges; racks are shared
//     causes; replica sets, supervisors grouped under root supervisors
//     and VM hosts with capacity complete the picture. The figures are
//     those of a real cluster: most service failures are crashes weeks to
//     months apart that a supervisor restarts within a minute or two, a
//     quarter need an operator, and racks, hosts and databases fail
//     rarely, so that a vertex is down 1e-6 to 1e-3 of the time and a
//     thousand-vertex cluster about 2e-2 (simctl analyze). Options.Partitions
//     schedules control-plane partitions that cut a zone of supervisors
//     and VM hosts off from the rest. With Options.Plain it is a bare
//     dependency DAG with exponential failure and repair only, for engine
//     benchmarks (about 0.1 down at a thousand vertices).
//   - scale-free: preferential attachment (Barabasi-Albert); each new
//     vertex depends on older ones, so a few vertices gather most
//     dependents.
//   - random: an Erdos-Renyi graph oriented from lower to higher index,
//     optionally with a fraction of back edges that close cycles.
//   - tree: every vertex depends on one parent, the root at the bottom.
//
// Every model is valid, and the same kind, options and seed always give
// the same bytes. [Write] streams the binary form vertex by vertex, so a
// model of millions of vertices never sits in memory; [Generate] builds
// the same model as a message for small cases.
package gen
