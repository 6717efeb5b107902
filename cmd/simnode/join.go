package main

import (
	"context"
	"time"
)

// Join retries back off from joinRetryMin to joinRetryMax.
const (
	joinRetryMin = 250 * time.Millisecond
	joinRetryMax = 8 * time.Second
)

// keepJoined joins the seeds in the background: at start, while they
// are not up yet, and again whenever the member finds itself alone, as
// after a partition that made both sides declare the other dead.
func (d *daemon) keepJoined(ctx context.Context) {
	wait := joinRetryMin
	for {
		members, changed := d.members.Watch()
		retry := time.Duration(0) // no retry while others are around
		if len(members) <= 1 {
			d.tryJoin()
			retry, wait = wait, min(2*wait, joinRetryMax)
		} else {
			wait = joinRetryMin
		}
		if !waitChange(ctx, changed, retry) {
			return
		}
	}
}

// waitChange waits for the membership to change or, when retry is
// positive, for that long; false when ctx ended.
func waitChange(ctx context.Context, changed <-chan struct{}, retry time.Duration) bool {
	var timeout <-chan time.Time
	if retry > 0 {
		timer := time.NewTimer(retry)
		defer timer.Stop()
		timeout = timer.C
	}
	select {
	case <-ctx.Done():
		return false
	case <-changed:
	case <-timeout:
	}
	return true
}

// tryJoin joins the seeds once; the first success makes the member
// ready.
func (d *daemon) tryJoin() {
	n, err := d.members.Join(d.opts.join)
	if err != nil {
		d.log.Warn("cannot join the cluster yet", "seeds", d.opts.join,
			"err", err)
		return
	}
	if !d.ready.Swap(true) {
		d.log.Info("joined the cluster", "reached", n)
	}
}

// logMembers logs every member that joins or leaves, as this member
// sees it.
func (d *daemon) logMembers(ctx context.Context) {
	known := map[string]bool{}
	for {
		members, changed := d.members.Watch()
		now := map[string]bool{}
		for _, m := range members {
			now[m.Name] = true
			if !known[m.Name] && m.Name != d.opts.name {
				d.log.Info("member joined", "member", m.Name,
					"gossip", m.Gossip, "compatible", m.Compatible())
			}
		}
		for name := range known {
			if !now[name] {
				d.log.Info("member gone", "member", name)
			}
		}
		known = now

		if !waitChange(ctx, changed, 0) {
			return
		}
	}
}
