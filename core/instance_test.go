package core

import (
	"slices"
	"testing"

	"github.com/homeostat/homeostat/model"
)

// replicaModel has every kind of instance actor: web is a replica set
// placed by a replicas supervisor on two VM hosts, db a replica set
// fixed on vm-1, q a replica set without a host, cache a single
// instance fixed on vm-2 (its own instance, no actor).
func replicaModel(t *testing.T) *World {
	t.Helper()
	m, src, err := model.Decode("replicas.yaml", []byte(`
name: replicas
vertices:
  - {id: web, replicas: 3, quorum: 2, depends_on: [db, q], failure: {exponential: {mttf: 10000000}}}
  - {id: db, replicas: 2, hosted_on: vm-1, failure: {exponential: {mttf: 10000000}}}
  - {id: q, replicas: 2, failure: {exponential: {mttf: 10000000}}}
  - {id: cache, hosted_on: vm-2, failure: {exponential: {mttf: 10000000}}}
  - id: sup
    kind: supervisor
    supervises: [web]
    strategy: replicas
    placement: spread
    probe: {interval: 5, failure_threshold: 2}
  - {id: vm-1, kind: vmhost, capacity: 4, boot_time: 3}
  - {id: vm-2, kind: vmhost, capacity: 3, boot_time: 3, repair: {fixed: {duration: 500}}}
`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := model.Validate(m, src); err != nil {
		t.Fatal(err)
	}
	return newWorld(t, m)
}

// TestInstanceIDs: instance actors get ids after the model's vertices,
// fixed ones per replica set in vertex order, then every slot of every
// host; the initial placement fills slots as the supervisor would.
func TestInstanceIDs(t *testing.T) {
	w := replicaModel(t)
	n := int32(w.N())
	var names []string
	for id := n; int(id) < w.Size(); id++ {
		names = append(names, w.Name(id))
	}
	want := []string{"db#0", "db#1", "q#0", "q#1", "vm-1/0", "vm-1/1", "vm-2/0", "vm-2/1"}
	if !slices.Equal(names, want) {
		t.Fatalf("instance actors %v, want %v", names, want)
	}
	g := w.Graph
	owners := map[string]string{"db#0": "db", "q#1": "q", "vm-1/1": "vm-1", "vm-2/0": "vm-2"}
	for id := n; int(id) < w.Size(); id++ {
		if o, ok := owners[w.Name(id)]; ok && g.IDs[w.InstanceOwner(id)] != o {
			t.Errorf("%s belongs with %s, want %s", w.Name(id), g.IDs[w.InstanceOwner(id)], o)
		}
	}

	// Spread: vm-1 holds the two db instances, vm-2 cache; web's three go
	// to vm-2, vm-1, vm-2 (least loaded first, ties to the first host).
	s := NewShard(w, nil, 0, Run{Seed: 1})
	state := map[string]Class{}
	for id := n; int(id) < w.Size(); id++ {
		c, err := s.Class(id)
		if err != nil {
			t.Fatal(err)
		}
		state[w.Name(id)] = c
	}
	wantState := map[string]Class{"db#0": Available, "db#1": Available, "q#0": Available,
		"q#1": Available, "vm-1/0": Available, "vm-1/1": Stopped, "vm-2/0": Available,
		"vm-2/1": Available}
	for name, c := range wantState {
		if state[name] != c {
			t.Errorf("%s starts %v, want %v", name, state[name], c)
		}
	}
}

// stepAll runs shards of one world on one goroutine until end, handing
// the messages between shards over between ticks, and returns the
// results of every vertex actor.
func stepAll(t *testing.T, w *World, p *Partition, run Run, end int64,
	at func(tick int64, shards []*Shard)) []VertexResult {
	t.Helper()
	shards := make([]*Shard, p.Shards())
	for i := range shards {
		shards[i] = NewShard(w, p, i, run)
	}
	for {
		tick := Never
		for _, sh := range shards {
			tick = min(tick, sh.NextDue())
		}
		if tick >= end {
			break
		}
		var out []Message
		for _, sh := range shards {
			if sh.NextDue() == tick {
				msgs, _ := sh.Step(tick)
				out = append(out, msgs...)
			}
		}
		for _, m := range out {
			if err := shards[p.Owner[m.To]].Deliver([]Message{m}); err != nil {
				t.Fatal(err)
			}
		}
		if at != nil {
			at(tick, shards)
		}
	}
	res := make([]VertexResult, w.Size())
	for _, sh := range shards {
		sh.Finish(end)
		sh.Results(res)
	}
	return res
}

// TestInstancesAreActors: every instance actor can run in a shard of
// its own, apart from its service and its host, and the run is the same
// as in one shard: instances talk to their service and hosts only by
// message. When vm-2 fails, its placed instances are lost and their
// slots emptied; the supervisor has a new instance created in vm-1's
// free slot.
func TestInstancesAreActors(t *testing.T) {
	w := replicaModel(t)
	vm2 := w.Graph.Index["vm-2"]
	run := Run{Seed: 7, Injections: []Injection{{Vertex: vm2, At: 100, Duration: 400}}}
	const end = 1000
	one := stepAll(t, w, Blocks(w.Size(), 1), run, end, nil)

	slot := func(name string) int32 {
		for id := int32(w.N()); int(id) < w.Size(); id++ {
			if w.Name(id) == name {
				return id
			}
		}
		t.Fatalf("no instance actor %s", name)
		return -1
	}
	p := Strided(w.Size(), w.Size())
	classAt := map[int64]map[string]Class{}
	watch := []string{"vm-1/1", "vm-2/0", "vm-2/1"}
	each := stepAll(t, w, p, run, end, func(tick int64, shards []*Shard) {
		for _, mark := range []int64{102, 160} {
			if tick < mark || classAt[mark] != nil {
				continue
			}
			classAt[mark] = map[string]Class{}
			for _, name := range watch {
				id := slot(name)
				c, err := shards[p.Owner[id]].Class(id)
				if err != nil {
					t.Fatal(err)
				}
				classAt[mark][name] = c
			}
		}
	})
	if len(classAt[102]) != len(watch) || len(classAt[160]) != len(watch) {
		t.Fatalf("the run did not reach ticks 102 and 160: %v", classAt)
	}
	if !slices.Equal(one, each) {
		t.Fatalf("one shard and a shard per actor differ:\n%v\n%v", one, each)
	}
	for name, c := range classAt[102] {
		if name != "vm-1/1" && c != Stopped {
			t.Errorf("tick 102: slot %s is %v, want empty (stopped)", name, c)
		}
	}
	if c := classAt[160]["vm-1/1"]; c != Available {
		t.Errorf("tick 160: vm-1/1 is %v, want a new instance up", c)
	}
}

// TestInstanceNotInjectable: an injection names a vertex of the model,
// never an instance actor.
func TestInstanceNotInjectable(t *testing.T) {
	w := replicaModel(t)
	s := NewShard(w, nil, 0, Run{Seed: 1})
	if err := s.Inject(Injection{Vertex: int32(w.N()), At: 5}); err == nil {
		t.Fatal("an injection into an instance actor was accepted")
	}
}
