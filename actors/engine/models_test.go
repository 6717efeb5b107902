package engine

import (
	"testing"

	"github.com/homeostat/homeostat/core"
	"github.com/homeostat/homeostat/gen"
	"github.com/homeostat/homeostat/model"
	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// everything is a small model with every construct the cores know:
// gates of each kind, probabilistic and delayed edges, replica sets
// placed on VM hosts of limited capacity, supervisors with every
// strategy under a root supervisor that takes escalations, redundant
// supervisors electing a leader, lossy control links and a partition of
// the control plane. Failures are frequent so that a short run sees
// every kind of event.
const everything = `
name: everything
tick: 1s
targets: [web, batch]
vertices:
  - id: web
    replicas: 3
    quorum: 2
    start_time: 20s
    depends_on:
      - api
      - {id: cache, probability: 0.4, delay: 3s}
    failure: {exponential: {mttf: 2h}}
  - id: api
    depends_on: [db-a, db-b, db-c]
    gate: {k_of_n: 2}
    failure: {exponential: {mttf: 3h}}
    start_time: 5s
  - id: batch
    depends_on:
      - {id: db-a, weight: 2}
      - {id: db-b, weight: 1}
      - {id: queue, weight: 1}
    gate: {threshold: 2}
    failure: {weibull: {shape: 1.5, scale: 5h}}
    repair: {exponential: {mttr: 10m}}
  - id: queue
    depends_on: [rack-1, rack-2]
    gate: any
    failure: {exponential: {mttf: 4h}}
  - {id: cache, hosted_on: vm-2, failure: {exponential: {mttf: 5h}}, start_time: 30s}
  - {id: db-a, depends_on: [rack-1], failure: {exponential: {mttf: 6h}}}
  - {id: db-b, depends_on: [rack-2], failure: {exponential: {mttf: 6h}}}
  - {id: db-c, depends_on: [rack-2], failure: {exponential: {mttf: 6h}}}
  - {id: rack-1, failure: {exponential: {mttf: 1d}}, repair: {exponential: {mttr: 20m}}}
  - id: rack-2
    failure: {schedule: [{at: 5h, duration: 30m}, {at: 20h, duration: 10m}]}
  - id: web-east
    kind: supervisor
    supervises: [web]
    strategy: replicas
    placement: spread
    probe: {interval: 5s, failure_threshold: 2}
    backoff: {initial: 5s, factor: 2, max: 2m, reset_after: 10m}
    max_restarts: 20
    period: 10m
    failure: {exponential: {mttf: 1d}}
  - id: web-west
    kind: supervisor
    supervises: [web]
    strategy: replicas
    placement: pack
    probe: {interval: 5s, failure_threshold: 2}
  - id: data-sup
    kind: supervisor
    supervises: [db-a, db-b, db-c]
    strategy: rest_for_one
    probe: {interval: 10s, failure_threshold: 3}
    backoff: {initial: 2s, factor: 1.5, max: 30s}
    max_restarts: 3
    period: 5m
    max_concurrent_restarts: 1
  - id: app-sup
    kind: supervisor
    supervises: [api, queue]
    strategy: one_for_all
    probe: {interval: 7s, failure_threshold: 1, check: readiness}
    max_restarts: 4
    period: 2m
  - id: misc-sup
    kind: supervisor
    supervises: [batch, cache]
    strategy: one_for_one
    probe: {interval: 3s, failure_threshold: 2}
  - id: root-sup
    kind: supervisor
    supervises: [data-sup, app-sup, misc-sup, web-east]
    strategy: one_for_one
    probe: {interval: 30s, failure_threshold: 2}
  - {id: vm-1, kind: vmhost, capacity: 1, boot_time: 40s}
  - {id: vm-2, kind: vmhost, capacity: 3, boot_time: 60s, failure: {exponential: {mttf: 12h}}}
  - {id: vm-3, kind: vmhost, capacity: 1, boot_time: 30s, failure: {exponential: {mttf: 8h}}}
control_plane:
  default: {latency: 1s, loss: 0.002}
  links:
    - {between: [web-east, web-west], latency: 2s, loss: 0.05}
    - {between: [data-sup, root-sup], latency: 3s, loss: 0.01}
  partitions:
    - {at: 8h, duration: 3h, sides: [[web-east, vm-1], [web-west, vm-2, vm-3]]}
    - {at: 30h, duration: 15m, sides: [[root-sup], [data-sup, app-sup]]}
`

// decodeWorld compiles a model written in YAML.
func decodeWorld(t testing.TB, text string) *core.World {
	t.Helper()
	m, src, err := model.Decode("model.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := model.Validate(m, src); err != nil {
		t.Fatal(err)
	}
	return compile(t, m)
}

// layeredWorld generates a layered model: with supervisors, VM hosts,
// replica sets, probabilistic edges and gates, or (plain) a bare
// dependency DAG.
func layeredWorld(t testing.TB, n int, seed uint64, plain bool) *core.World {
	t.Helper()
	m, err := gen.Generate(gen.KindLayered, gen.Options{Vertices: n, Seed: seed,
		Plain: plain})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := model.Validate(m, nil); err != nil {
		t.Fatal(err)
	}
	return compile(t, m)
}

func compile(t testing.TB, m *pb.Model) *core.World {
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
