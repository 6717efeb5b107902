package sim

import "github.com/homeostat/homeostat/core"

// Sample is the state of a run at the end of one tick, with what
// happened since the previous sample.
type Sample struct {
	Run   int
	Tick  int64
	Class [core.NumClasses]int64 // vertices in each class
	// SystemUp says whether every target was available at the end of
	// the tick; SystemAvailability is the fraction of the ticks since the
	// previous sample in which they all were.
	SystemUp           bool
	SystemAvailability float64
	// Control messages sent and lost, and restarts, since the previous
	// sample.
	Sent, Lost, Restarts int64
}

// Outage is one span in which the system (some target) was down.
type Outage struct {
	Run   int   `json:"run"`
	Start int64 `json:"start"`
	// End is the tick it ended; for an outage still open at the end of
	// the run it is the run's end and Open is true.
	End  int64 `json:"end"`
	Open bool  `json:"open,omitempty"`
	// Target is the first target that went down; Cause the vertex whose
	// own failure started it (the root cause).
	Target, Cause int32
	// PeakDown and PeakImpaired are the most vertices unavailable, and
	// impaired, at once during the outage.
	PeakDown, PeakImpaired int64
}

// recorder follows the merged deltas of a run tick by tick: the counts of
// each class, the system's availability and outages, and samples.
type recorder struct {
	run         int
	end, every  int64
	counts      [core.NumClasses]int64
	targetsDown int64
	sysDown     int64 // closed outage ticks
	open        *Outage
	outages     []Outage
	series      []Sample
	next        int64 // next sample tick
	lastSample  int64
	lastDown    int64 // sysDown as of lastSample
	sent, lost  int64
	restarts    int64
}

func newRecorder(run int, n int, end, every int64) *recorder {
	r := &recorder{run: run, end: end, every: max(1, every), lastSample: -1}
	r.counts[core.Available] = int64(n)
	return r
}

// tick applies the merged delta of tick t; ticks come in order.
func (r *recorder) tick(t int64, d *core.Delta) {
	r.sampleBefore(t)
	for c := range r.counts {
		r.counts[c] += int64(d.Class[c])
	}
	before := r.targetsDown
	r.targetsDown += int64(d.TargetsDown)
	switch {
	case before == 0 && r.targetsDown > 0:
		r.open = &Outage{Run: r.run, Start: t, Target: d.DownTarget, Cause: d.DownCause}
	case before > 0 && r.targetsDown == 0:
		r.closeOutage(t, false)
	}
	if r.open != nil {
		r.open.PeakDown = max(r.open.PeakDown, r.down())
		r.open.PeakImpaired = max(r.open.PeakImpaired, r.counts[core.Impaired])
	}
	r.sent += int64(d.Sent)
	r.lost += int64(d.Lost)
	r.restarts += int64(d.Restarts)
}

func (r *recorder) down() int64 {
	return r.counts[core.Impaired] + r.counts[core.Failed] + r.counts[core.Starting] +
		r.counts[core.Stopped]
}

func (r *recorder) closeOutage(t int64, open bool) {
	o := r.open
	o.End, o.Open = t, open
	r.sysDown += t - o.Start
	r.outages = append(r.outages, *o)
	r.open = nil
}

// downThrough is the number of system-down ticks in [0, t].
func (r *recorder) downThrough(t int64) int64 {
	if r.open == nil {
		return r.sysDown
	}
	return r.sysDown + t + 1 - r.open.Start
}

// sampleBefore records the samples of every tick before t not yet
// recorded: nothing changed between the last tick run and t.
func (r *recorder) sampleBefore(t int64) {
	for r.next < t && r.next < r.end {
		s := r.next
		down := r.downThrough(s)
		span := s - r.lastSample
		r.series = append(r.series, Sample{Run: r.run, Tick: s, Class: r.counts,
			SystemUp:           r.targetsDown == 0,
			SystemAvailability: 1 - float64(down-r.lastDown)/float64(span),
			Sent:               r.sent, Lost: r.lost, Restarts: r.restarts})
		r.sent, r.lost, r.restarts = 0, 0, 0
		r.lastSample, r.lastDown = s, down
		r.next += r.every
	}
}

// finish closes the run at its end.
func (r *recorder) finish() {
	r.sampleBefore(r.end)
	if r.open != nil {
		r.closeOutage(r.end, true)
	}
}

// systemAvailability is the fraction of the run in which every target
// was available.
func (r *recorder) systemAvailability() float64 {
	if r.end <= 0 {
		return 1
	}
	return 1 - float64(r.sysDown)/float64(r.end)
}
