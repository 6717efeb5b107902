package shard_test

import (
	"errors"
	"testing"

	"github.com/homeostat/homeostat/actors/node"
	"github.com/homeostat/homeostat/actors/shard"
	"github.com/homeostat/homeostat/actors/supervisor"
	"github.com/homeostat/homeostat/actors/vmhost"
	"github.com/homeostat/homeostat/model"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// TestShellsHostOnlyTheirKind: each shell takes vertices of its own kind
// and refuses any other, naming the vertex.
func TestShellsHostOnlyTheirKind(t *testing.T) {
	g, err := model.Compile(&pb.Model{Vertices: []*pb.Vertex{
		{Id: "svc"},
		{Id: "sup", Kind: pb.Kind_KIND_SUPERVISOR,
			Supervisor: &pb.Supervisor{Supervises: []string{"svc"}}},
		{Id: "vm", Kind: pb.Kind_KIND_VMHOST},
	}})
	if err != nil {
		t.Fatal(err)
	}
	shells := []struct {
		name       string
		new        func(shard.Config) error
		own, other string
	}{
		{"node", func(c shard.Config) error { _, err := node.New(c); return err }, "svc", "vm"},
		{"supervisor", func(c shard.Config) error { _, err := supervisor.New(c); return err },
			"sup", "svc"},
		{"vmhost", func(c shard.Config) error { _, err := vmhost.New(c); return err }, "vm", "sup"},
	}
	for _, s := range shells {
		own, other := g.Index[s.own], g.Index[s.other]
		if err := s.new(shard.Config{Graph: g, Vertices: []int32{own}}); err != nil {
			t.Errorf("%s with a %s: %v", s.name, s.own, err)
		}
		err := s.new(shard.Config{Graph: g, Vertices: []int32{own, other}})
		if !errors.Is(err, shard.ErrKind) {
			t.Errorf("%s with a %s: err %v, want shard.ErrKind", s.name, s.other, err)
		}
	}
}
