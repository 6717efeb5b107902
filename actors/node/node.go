// Package node is the actor shell of service vertices: a node actor is a
// protoactor actor hosting a shard of service vertex actors.
//
// A service's behaviour (failure and repair, its gate over its inputs,
// the view a replica set keeps of its instances) is the core's (package
// core); the shell only hosts it. The instance actors of replica sets
// count as services and live in node actors too: with one vertex actor
// per protoactor actor, each instance is a node actor of its own, which
// its host creates an instance in and its service orders by message.
package node

import (
	"fmt"

	"github.com/homeostat/homeostat/actors/shard"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// Kind is the kind of vertex a node actor hosts.
const Kind = pb.Kind_KIND_SERVICE

// Prefix starts the name of every node actor, so that logs and dead
// letters say which shell an actor is.
const Prefix = "node"

// Actor is a protoactor actor hosting a shard of service vertex actors.
type Actor struct{ shard.Actor }

// New returns the node actor that cfg describes; every vertex must be a
// service.
func New(cfg shard.Config) (*Actor, error) {
	a, err := shard.New(cfg, Kind)
	if err != nil {
		return nil, fmt.Errorf("node: %w", err)
	}
	return &Actor{a}, nil
}
