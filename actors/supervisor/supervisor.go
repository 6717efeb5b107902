// Package supervisor is the actor shell of supervisor vertices: a
// supervisor actor is a protoactor actor hosting a shard of supervisor
// vertex actors.
//
// What a supervisor does (probing its children, its strategy, back-off,
// intensity and escalation, its repair crew, leader election among
// redundant supervisors) is the core's (package core); every probe,
// restart order, placement request and heartbeat it sends is a message
// to another vertex actor over the modelled control plane. Modelled
// failures are messages, never protoactor's own supervision, which
// handles panics and would restart an actor with fresh state.
package supervisor

import (
	"fmt"

	"github.com/homeostat/homeostat/actors/shard"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// Kind is the kind of vertex a supervisor actor hosts.
const Kind = pb.Kind_KIND_SUPERVISOR

// Prefix starts the name of every supervisor actor, so that logs and
// dead letters say which shell an actor is.
const Prefix = "supervisor"

// Actor is a protoactor actor hosting a shard of supervisor vertex
// actors.
type Actor struct{ shard.Actor }

// New returns the supervisor actor that cfg describes; every vertex must
// be a supervisor.
func New(cfg shard.Config) (*Actor, error) {
	a, err := shard.New(cfg, Kind)
	if err != nil {
		return nil, fmt.Errorf("supervisor: %w", err)
	}
	return &Actor{a}, nil
}
