package cluster

import (
	"context"
	"fmt"
)

// work runs queued jobs one at a time until the queue is closed.
func (j *Jobs) work() {
	defer close(j.done)
	for {
		e, ctx := j.next()
		if e == nil {
			return
		}
		result, err := j.runSafely(ctx, e)

		j.mu.Lock()
		reason := ""
		if ctx.Err() != nil {
			reason = context.Cause(ctx).Error()
		}
		j.running = nil
		j.counts.Running--
		j.end(e, result, err, reason)
		j.mu.Unlock()
	}
}

// next waits for a queued job and marks it running; nil after Close.
func (j *Jobs) next() (*entry, context.Context) {
	for {
		j.mu.Lock()
		if j.closed {
			j.mu.Unlock()
			return nil, nil
		}
		if len(j.queue) > 0 {
			e := j.queue[0]
			j.dequeue(e)
			ctx := j.start(e)
			j.mu.Unlock()
			return e, ctx
		}
		j.mu.Unlock()
		<-j.wake
	}
}

// start marks e running; j.mu is held.
func (j *Jobs) start(e *entry) context.Context {
	ctx, cancel := context.WithCancelCause(context.Background())
	e.cancel = cancel
	now := j.cfg.Now()
	e.status.State, e.status.Started = JobRunning, &now
	j.running = e
	j.counts.Running++
	return ctx
}

// runSafely runs e, turning a panic of the runner into the job's
// failure so that one bad job does not take the daemon down.
func (j *Jobs) runSafely(ctx context.Context, e *entry) (res []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, fmt.Errorf("cluster: job runner panicked: %v", r)
		}
	}()

	progress := func(p Progress) {
		j.mu.Lock()
		defer j.mu.Unlock()
		if !e.status.State.Final() {
			e.status.Progress = p
		}
	}
	return j.cfg.Runner.Run(ctx, e.job, progress)
}

// end records how a job ended: done when the runner succeeded, canceled
// when it failed after a cancel (cancelReason set), failed otherwise.
// j.mu is held.
func (j *Jobs) end(e *entry, result []byte, err error, cancelReason string) {
	now := j.cfg.Now()
	e.status.Finished = &now
	switch {
	case err == nil:
		e.status.State, e.result = JobDone, result
		e.status.ResultBytes = len(result)
		j.counts.Done++
	case cancelReason != "":
		e.status.State, e.status.Error = JobCanceled, cancelReason
		j.counts.Canceled++
	default:
		e.status.State, e.status.Error = JobFailed, err.Error()
		j.counts.Failed++
	}

	if e.cancel != nil {
		e.cancel(nil)
	}
	e.job = nil // the model may be large; the status says enough
	j.remember(e)
}

// remember keeps e among the ended jobs, forgetting the oldest beyond
// cfg.Keep; j.mu is held.
func (j *Jobs) remember(e *entry) {
	j.ended = append(j.ended, e)
	for len(j.ended) > j.cfg.Keep {
		delete(j.byID, j.ended[0].status.ID)
		j.ended = j.ended[1:]
	}
}
