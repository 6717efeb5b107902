// Package cluster lets simnode daemons find each other and run
// simulation jobs together, with the result one process would give.
//
// Membership comes from memberlist (gossip with failure detection): each
// member publishes its API and protoactor remote addresses and the member
// protocol it speaks in memberlist's node metadata, and [Membership]
// keeps a snapshot of the live members sorted by name, so that every
// member derives the same ordering from the same set.
//
// Jobs arrive over the HTTP API ([NewAPI]) that simctl talks to. A
// [Jobs] queue checks them before anything runs and hands them one at a
// time to a [JobRunner]. [Node] is the runner of a simnode: it starts
// protoactor remote, hosts the member's share of every job in shard
// actors, and coordinates the jobs its member takes: it splits the model
// among the live members ([Split]), runs one tick clock across all their
// shard actors, passes vertex messages between members in bounded
// chunks, gathers the results and summarises them as `simctl run` does
// ([DecodeResult] reads them back). A member lost during a job ends it
// with an error naming the member and the tick. docs/cluster.md
// describes the whole.
//
// [Client] is the API's Go client. [FaultTransport] wraps memberlist's
// transport and injects seeded loss and delay, [FaultProxy] disturbs the
// remote links as a TCP proxy, and [MemNetwork] is an in-memory network
// for tests, so the behaviour of the cluster under network faults can be
// tested without a kernel that shapes traffic.
//
// The package never logs on its own: memberlist's and protoactor's log
// lines are routed into the [slog.Logger] given in [Config] and
// [NodeConfig].
package cluster
