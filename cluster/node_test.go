package cluster

import (
	"errors"
	"testing"
	"time"
)

// TestRateMeter: the tick rate is the ticks between two reports over the
// time between them, and zero once reports stop.
func TestRateMeter(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	var r rateMeter
	r.note(100, t0)
	if got := r.per(t0); got != 0 {
		t.Errorf("rate after one report %v, want 0", got)
	}
	r.note(600, t0.Add(250*time.Millisecond))
	if got := r.per(t0.Add(time.Second)); got != 2000 {
		t.Errorf("rate %v, want 2000", got)
	}
	if got := r.per(t0.Add(time.Minute)); got != 0 {
		t.Errorf("stale rate %v, want 0", got)
	}
}

// TestStartNodeRefusesBadConfig: a node needs a name, a membership and
// an address to listen on.
func TestStartNodeRefusesBadConfig(t *testing.T) {
	ms := &Membership{}
	cases := []NodeConfig{
		{Members: ms, Bind: "127.0.0.1:0"},
		{Name: "a", Bind: "127.0.0.1:0"},
		{Name: "a", Members: ms, Bind: "nowhere"},
		{Name: "a", Members: ms, Bind: "127.0.0.1:port"},
	}
	for _, c := range cases {
		if _, err := StartNode(c); !errors.Is(err, ErrConfig) {
			t.Errorf("%+v: %v, want ErrConfig", c, err)
		}
	}
}
