// Package vmhost is the actor shell of VM host vertices: a vmhost actor
// is a protoactor actor hosting a shard of VM host vertex actors.
//
// A VM host's behaviour (slots, placement, boot time, taking down the
// instances on it when it fails) is the core's (package core). Placement
// requests reach it as messages from supervisors, and it answers them,
// and tells the services it hosts that it went down or came back, by
// message too.
package vmhost

import (
	"fmt"

	"github.com/homeostat/homeostat/actors/shard"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// Kind is the kind of vertex a vmhost actor hosts.
const Kind = pb.Kind_KIND_VMHOST

// Prefix starts the name of every vmhost actor, so that logs and dead
// letters say which shell an actor is.
const Prefix = "vmhost"

// Actor is a protoactor actor hosting a shard of VM host vertex actors.
type Actor struct{ shard.Actor }

// New returns the vmhost actor that cfg describes; every vertex must be
// a VM host.
func New(cfg shard.Config) (*Actor, error) {
	a, err := shard.New(cfg, Kind)
	if err != nil {
		return nil, fmt.Errorf("vmhost: %w", err)
	}
	return &Actor{a}, nil
}
