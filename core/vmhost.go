package core

// hostState is the role of a VM host: its load and the service placed in
// each of its slots.
type hostState struct {
	cfg  *hostConfig
	used int32   // fixed instances and occupied slots
	occ  []int32 // service in each slot, or -1
}

func (s *Shard) newHost(cfg *hostConfig) int32 {
	h := hostState{cfg: cfg, used: cfg.fixedCount, occ: make([]int32, cfg.slots)}
	for j := range h.occ {
		h.occ[j] = -1
	}
	j := 0
	for _, r := range cfg.initial {
		for range r.n {
			h.occ[j] = r.v
			h.used++
			j++
		}
	}
	s.hosts = append(s.hosts, h)
	return int32(len(s.hosts) - 1)
}

func (s *Shard) hostOf(x *extState) *hostState { return &s.hosts[x.role] }

// placeRequest accepts a placement while a slot is free, creating the
// instance in the first free slot, and refuses it otherwise; a refusal
// is a placement failure.
func (s *Shard) placeRequest(l int32, h *hostState, m *Message, t int64) {
	c := m.A
	j := -1
	if h.used < h.cfg.capacity {
		for k, v := range h.occ {
			if v < 0 {
				j = k
				break
			}
		}
	}
	if j < 0 {
		s.counters.PlacementFailures++
		s.event(t, h.cfg.v, EvPlacementFailed, c)
		s.control(l, m.From, KindRejected, c, h.used)
		return
	}
	h.used++
	h.occ[j] = c
	s.control(l, m.From, KindPlaced, c, h.used)
	s.hostMsg(l, h.cfg.slot0+int32(j), KindAddInstance, c, m.From)
}

// hostFailed takes down every instance on the host: placed ones are lost
// and their slots emptied, fixed ones wait for the host.
func (s *Shard) hostFailed(l int32, h *hostState, t int64) {
	s.event(t, h.cfg.v, EvHostDown, -1)
	for _, v := range h.cfg.fixedTo {
		s.hostMsg(l, v, KindHostDown, 0, 0)
	}
	for j, v := range h.occ {
		if v >= 0 {
			s.hostMsg(l, h.cfg.slot0+int32(j), KindHostDown, 0, 0)
			h.occ[j] = -1
		}
	}
	h.used = h.cfg.fixedCount
}

// release empties slot j when it still holds an instance of service v:
// a removed instance gives its slot back (a host failure has emptied it
// already otherwise).
func (h *hostState) release(j, v int32) {
	if j >= 0 && int(j) < len(h.occ) && h.occ[j] == v {
		h.occ[j] = -1
		h.used--
	}
}
