package vmhost

import (
	"errors"
	"testing"

	"github.com/homeostat/homeostat/actors/shard"
	"github.com/homeostat/homeostat/model"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// shellGraph has one vertex of each kind: service, supervisor, vmhost.
func shellGraph(t *testing.T) *model.Graph {
	t.Helper()
	g, err := model.Compile(&pb.Model{Vertices: []*pb.Vertex{
		{Id: "service"},
		{Id: "sup", Kind: pb.Kind_KIND_SUPERVISOR,
			Supervisor: &pb.Supervisor{Supervises: []string{"service"}}},
		{Id: "vm", Kind: pb.Kind_KIND_VMHOST},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestShellHostsOnlyItsKind: the shell takes vertices of its own kind
// and refuses any other, naming the vertex.
func TestShellHostsOnlyItsKind(t *testing.T) {
	g := shellGraph(t)
	own := g.Index["vm"]
	if _, err := New(shard.Config{Graph: g, Vertices: []int32{own}}); err != nil {
		t.Fatalf("New with its own kind: %v", err)
	}
	other := g.Index["sup"]
	_, err := New(shard.Config{Graph: g, Vertices: []int32{own, other}})
	if !errors.Is(err, shard.ErrKind) {
		t.Fatalf("New with a %s: err %v, want shard.ErrKind", g.IDs[other], err)
	}
}
