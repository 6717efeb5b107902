package shard

import (
	"errors"
	"fmt"

	"github.com/homeostat/homeostat/model"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// ErrKind means a shell was given a vertex of another kind.
var ErrKind = errors.New("shard: vertex of the wrong kind")

// CheckKind makes sure every vertex of the model in vertices is of kind
// k: each shell hosts the vertices of its own kind only. Instance actors
// (ids from g.N() on) are instances of services; an engine may keep them
// beside the vertex they belong with, a service or a VM host, so every
// shell accepts them.
func CheckKind(g *model.Graph, vertices []int32, k pb.Kind) error {
	for _, v := range vertices {
		if int(v) >= g.N() {
			continue
		}
		if g.Kinds[v] != k {
			return fmt.Errorf("%w: %s is a %s, not a %s", ErrKind, g.IDs[v],
				kindName(g.Kinds[v]), kindName(k))
		}
	}
	return nil
}

func kindName(k pb.Kind) string {
	switch k {
	case pb.Kind_KIND_SERVICE:
		return "service"
	case pb.Kind_KIND_SUPERVISOR:
		return "supervisor"
	case pb.Kind_KIND_VMHOST:
		return "VM host"
	}
	return k.String()
}
