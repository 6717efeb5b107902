// Package cluster lets simnode daemons find each other and take jobs.
//
// Membership comes from memberlist (gossip with failure detection): each
// member publishes its API and protoactor remote addresses and the member
// protocol it speaks in memberlist's node metadata, and [Membership]
// keeps a snapshot of the live members sorted by name, so that every
// member derives the same ordering from the same set.
//
// Jobs arrive over the HTTP API ([NewAPI]) that simctl talks to. A
// [Jobs] queue checks them before anything runs and hands them one at a
// time to a [JobRunner], the seam where the simulation engine plugs in.
// [Client] is the API's Go client.
//
// [FaultTransport] wraps memberlist's transport and injects seeded loss
// and delay, and [MemNetwork] is an in-memory network for tests, so the
// behaviour of the cluster under network faults can be tested without a
// kernel that shapes traffic.
//
// The package never logs on its own: memberlist's log lines are routed
// into the [slog.Logger] given in [Config].
package cluster
