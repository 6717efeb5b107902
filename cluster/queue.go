package cluster

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// QueueConfig sets up a [Jobs] queue.
type QueueConfig struct {
	// Runner executes the jobs, one at a time.
	Runner JobRunner

	// MaxQueued is how many jobs may wait behind the running one. A
	// submit beyond that fails with ErrBusy; with 0, a second submit
	// while one runs is refused.
	MaxQueued int

	// Keep is how many ended jobs are remembered for the API; older ones
	// are forgotten with their results. 0 means 32.
	Keep int

	// IDPrefix starts every job id, followed by a sequence number. A
	// daemon puts its name and boot id in it so ids stay unique across
	// members and restarts. Empty means "job-".
	IDPrefix string

	// Now stamps submit, start and end times; nil means time.Now.
	Now func() time.Time
}

// Jobs is a member's job queue: it takes checked jobs, runs them one at
// a time, first in first out, in its own goroutine, and remembers how
// they ended.
type Jobs struct {
	cfg  QueueConfig
	wake chan struct{} // a job was queued, or the queue closed
	done chan struct{} // closed when the worker has returned

	mu       sync.Mutex
	seq      int
	byID     map[string]*entry
	queue    []*entry
	running  *entry
	ended    []*entry // oldest first, at most cfg.Keep
	counts   JobCounts
	closed   bool
	closeMsg string
}

// entry is one job and what is known of it.
type entry struct {
	job    *Job
	status JobStatus
	result []byte
	cancel context.CancelCauseFunc
}

// NewJobs starts a queue's worker; stop it with Close.
func NewJobs(cfg QueueConfig) *Jobs {
	if cfg.Keep <= 0 {
		cfg.Keep = 32
	}
	if cfg.IDPrefix == "" {
		cfg.IDPrefix = "job-"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	j := &Jobs{
		cfg:  cfg,
		wake: make(chan struct{}, 1),
		done: make(chan struct{}),
		byID: make(map[string]*entry),
	}
	go j.work()
	return j
}

// Submit queues job, giving it an id, and returns its status. It fails
// with ErrBusy when MaxQueued jobs already wait behind a running one,
// and with ErrClosed after Close.
func (j *Jobs) Submit(job *Job, warnings []string) (JobStatus, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return JobStatus{}, ErrClosed
	}
	if err := j.checkRoom(); err != nil {
		return JobStatus{}, err
	}

	j.seq++
	job.ID = fmt.Sprintf("%s%d", j.cfg.IDPrefix, j.seq)
	e := &entry{job: job, status: JobStatus{
		ID:        job.ID,
		State:     JobQueued,
		Model:     job.Name,
		Vertices:  len(job.Model.GetVertices()),
		Options:   job.Options,
		Warnings:  warnings,
		Submitted: j.cfg.Now(),
	}}

	j.byID[job.ID] = e
	j.queue = append(j.queue, e)
	j.counts.Queued++
	j.poke()
	return j.statusOf(e), nil
}

// checkRoom refuses a job the queue has no room for; j.mu is held.
func (j *Jobs) checkRoom() error {
	if j.running == nil || len(j.queue) < j.cfg.MaxQueued {
		return nil
	}
	if j.cfg.MaxQueued == 0 {
		return fmt.Errorf("%w: job %s is running", ErrBusy, j.running.job.ID)
	}
	return fmt.Errorf("%w: job %s is running and %d more are queued",
		ErrBusy, j.running.job.ID, len(j.queue))
}

// poke wakes the worker without blocking.
func (j *Jobs) poke() {
	select {
	case j.wake <- struct{}{}:
	default:
	}
}

// Get returns the status of a job.
func (j *Jobs) Get(id string) (JobStatus, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	e, ok := j.byID[id]
	if !ok {
		return JobStatus{}, fmt.Errorf("%w: %q", ErrUnknownJob, id)
	}
	return j.statusOf(e), nil
}

// Result returns the result of a job that is done.
func (j *Jobs) Result(id string) ([]byte, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	e, ok := j.byID[id]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownJob, id)
	}
	if e.status.State != JobDone {
		return nil, fmt.Errorf("%w: %s is %s", ErrNoResult, id, e.status.State)
	}
	return e.result, nil
}

// Cancel stops a job: a queued one is canceled at once, a running one
// is asked to stop and shows as canceling until its runner returns. A
// job that has ended gives ErrJobFinished with its status.
func (j *Jobs) Cancel(id string) (JobStatus, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	e, ok := j.byID[id]
	if !ok {
		return JobStatus{}, fmt.Errorf("%w: %q", ErrUnknownJob, id)
	}

	switch e.status.State {
	case JobQueued:
		j.dequeue(e)
		j.end(e, nil, context.Canceled, "canceled while queued")
	case JobRunning:
		e.status.State = JobCanceling
		e.cancel(errors.New("canceled by request"))
	case JobCanceling:
	default:
		return j.statusOf(e), fmt.Errorf("%w: %s is %s",
			ErrJobFinished, id, e.status.State)
	}
	return j.statusOf(e), nil
}

// dequeue takes a queued job out of the queue; j.mu is held.
func (j *Jobs) dequeue(e *entry) {
	for i, q := range j.queue {
		if q == e {
			j.queue = append(j.queue[:i], j.queue[i+1:]...)
			j.counts.Queued--
			return
		}
	}
}

// List returns the running job, the queued ones in order, then the
// ended ones, newest first.
func (j *Jobs) List() []JobStatus {
	j.mu.Lock()
	defer j.mu.Unlock()
	var out []JobStatus
	if j.running != nil {
		out = append(out, j.statusOf(j.running))
	}
	for _, e := range j.queue {
		out = append(out, j.statusOf(e))
	}
	for i := len(j.ended) - 1; i >= 0; i-- {
		out = append(out, j.statusOf(j.ended[i]))
	}
	return out
}

// Counts sums the queue up.
func (j *Jobs) Counts() JobCounts {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.counts
}

// statusOf copies a job's status with its queue position; j.mu is held.
func (j *Jobs) statusOf(e *entry) JobStatus {
	s := e.status
	s.Warnings = append([]string(nil), s.Warnings...)
	for i, q := range j.queue {
		if q == e {
			s.Position = i + 1
		}
	}
	return s
}

// Close refuses new jobs, cancels the queued ones and the running one
// with reason, and waits until the runner has returned or ctx ends.
func (j *Jobs) Close(ctx context.Context, reason string) error {
	j.mu.Lock()
	if !j.closed {
		j.closed, j.closeMsg = true, reason
		for len(j.queue) > 0 {
			e := j.queue[0]
			j.dequeue(e)
			j.end(e, nil, context.Canceled, reason)
		}
		if j.running != nil {
			j.running.status.State = JobCanceling
			j.running.cancel(errors.New(reason))
		}
		j.poke()
	}
	j.mu.Unlock()

	select {
	case <-j.done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("cluster: close job queue: %w", ctx.Err())
	}
}
