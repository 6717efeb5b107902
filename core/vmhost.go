package core

import "slices"

// hostState is the role of a VM host: its slots and the services with
// instances placed on it.
type hostState struct {
	cfg  *hostConfig
	used int32
	res  []resident // placed instances by service, in vertex order
}

func (s *Shard) newHost(cfg *hostConfig) int32 {
	h := hostState{cfg: cfg, used: cfg.fixedCount + initialLoad(cfg),
		res: slices.Clone(cfg.initial)}
	slices.SortFunc(h.res, func(a, b resident) int { return int(a.v - b.v) })
	s.hosts = append(s.hosts, h)
	return int32(len(s.hosts) - 1)
}

func (s *Shard) hostOf(x *extState) *hostState { return &s.hosts[x.role] }

// placeRequest accepts a placement while a slot is free and refuses it
// otherwise; a refusal is a placement failure.
func (s *Shard) placeRequest(l int32, h *hostState, m *Message, t int64) {
	c := m.A
	if h.used >= h.cfg.capacity {
		s.counters.PlacementFailures++
		s.event(t, h.cfg.v, EvPlacementFailed, c)
		s.control(l, m.From, KindRejected, c, h.used)
		return
	}
	h.used++
	h.addResident(c)
	s.control(l, m.From, KindPlaced, c, h.used)
	s.hostMsg(l, c, KindAddInstance, m.From, int32(min(h.cfg.boot, 1<<30)))
}

func (h *hostState) addResident(v int32) {
	i, found := slices.BinarySearchFunc(h.res, v,
		func(r resident, v int32) int { return int(r.v - v) })
	if found {
		h.res[i].n++
		return
	}
	h.res = slices.Insert(h.res, i, resident{v, 1})
}

// hostFailed takes down every instance on the host: placed ones are lost
// and their slots freed, fixed ones wait for the host.
func (s *Shard) hostFailed(l int32, h *hostState, t int64) {
	s.event(t, h.cfg.v, EvHostDown, -1)
	fixed := h.cfg.fixed
	i := 0
	for _, r := range h.res {
		for i < len(fixed) && fixed[i] < r.v {
			s.hostMsg(l, fixed[i], KindHostDown, 0, 0)
			i++
		}
		if i < len(fixed) && fixed[i] == r.v {
			i++
		}
		s.hostMsg(l, r.v, KindHostDown, 0, 0)
	}
	for ; i < len(fixed); i++ {
		s.hostMsg(l, fixed[i], KindHostDown, 0, 0)
	}
	h.res = h.res[:0]
	h.used = h.cfg.fixedCount
}
