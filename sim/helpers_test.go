package sim

import (
	"testing"

	"github.com/homeostat/homeostat/core"
	"github.com/homeostat/homeostat/model"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

func compileWorld(t testing.TB, m *pb.Model) *core.World {
	t.Helper()
	g, err := model.Compile(m)
	if err != nil {
		t.Fatal(err)
	}
	w, err := core.NewWorld(g)
	if err != nil {
		t.Fatal(err)
	}
	return w
}
