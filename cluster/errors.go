package cluster

import "errors"

// Sentinel errors of the package; check them with [errors.Is].
var (
	// ErrConfig reports a Config that memberlist would refuse.
	ErrConfig = errors.New("cluster: bad config")

	// ErrMeta reports member metadata that cannot be published or read.
	ErrMeta = errors.New("cluster: bad member metadata")

	// ErrSecret reports a gossip key of the wrong size or encoding.
	ErrSecret = errors.New("cluster: bad secret key")

	// ErrUnknownJob reports a job id this member never took or has
	// forgotten.
	ErrUnknownJob = errors.New("cluster: unknown job")

	// ErrBusy reports a job refused because the queue is full.
	ErrBusy = errors.New("cluster: busy")

	// ErrJobFinished reports a cancel of a job that already ended.
	ErrJobFinished = errors.New("cluster: job already finished")

	// ErrNoResult reports a result asked for before the job is done.
	ErrNoResult = errors.New("cluster: job has no result")

	// ErrClosed reports use of a queue or transport after shutdown.
	ErrClosed = errors.New("cluster: closed")

	// ErrEngineNotWired is what the placeholder runner returns until the
	// simulation engine is wired into simnode.
	ErrEngineNotWired = errors.New(
		"cluster: the simulation engine is not wired into simnode yet")

	// ErrInjected reports a stream dial refused by a FaultTransport.
	ErrInjected = errors.New("cluster: injected network fault")
)
